import { describe, it } from "vitest";
import { CLUSTER_ID, cluster, extension } from "./harness.js";
import { EXT_TARGET, allKindsBut, expectCase, objectAt, withProperties, type Case } from "./harness-extra.js";

const ID = "AKSBK-011";
const state = (provisioningState: string | undefined) => extension({ properties: { provisioningState } });

/** The backup extension as Resource Graph's kubernetesconfigurationresources returns it: PascalCase property names. */
const resourceGraphExtension = (provisioningState: string) =>
  withProperties(extension(), {
    ExtensionType: "Microsoft.DataProtection.Kubernetes",
    ProvisioningState: provisioningState,
    AksAssignedIdentity: { PrincipalId: "e1e1e1e1-0000-0000-0000-000000000001", Type: "SystemAssigned" },
    ConfigurationSettings: objectAt(extension(), "properties", "configurationSettings"),
    Version: "0.0.1234",
  });

const flux = extension({
  id: `${CLUSTER_ID}/providers/Microsoft.KubernetesConfiguration/extensions/flux`,
  name: "flux",
  properties: { extensionType: "microsoft.flux", configurationSettings: {} },
});

const INSTALL = [
  "az k8s-extension create --name azure-aks-backup --extension-type microsoft.dataprotection.kubernetes",
  EXT_TARGET,
];
/** A broken extension is replaced with the same storage settings it had. */
const REINSTALL = [`az k8s-extension delete --name azure-aks-backup ${EXT_TARGET} --yes`, ...INSTALL, "blobContainer=aks-backups", "storageAccount=stbackup1", "storageAccountResourceGroup=rg-backup"];

const cases: Case[] = [
  { name: "Succeeded passes", resources: [cluster(), state("Succeeded")], status: "pass", evidence: ["azure-aks-backup", "Succeeded"] },
  {
    name: "no extension at all fails",
    resources: [cluster()],
    status: "fail",
    evidence: ["microsoft.dataprotection.kubernetes"],
    remediation: INSTALL,
  },
  {
    name: "only another extension type installed fails, listing it",
    resources: [cluster(), flux],
    status: "fail",
    evidence: ["flux [microsoft.flux]"],
    remediation: INSTALL,
  },
  {
    name: "a backup extension on a different cluster does not count",
    resources: [
      cluster(),
      extension({ id: `${CLUSTER_ID.replace(/aks-1$/, "aks-2")}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup` }),
    ],
    status: "fail",
    remediation: INSTALL,
  },
  {
    name: "Failed fails, quoting the error",
    resources: [cluster(), extension({ properties: { provisioningState: "Failed", errorInfo: { code: "ExtensionOperationFailed", message: "helm install timed out" } } })],
    status: "fail",
    evidence: ["Failed", "helm install timed out"],
    remediation: REINSTALL,
  },
  { name: "Canceled fails", resources: [cluster(), state("Canceled")], status: "fail", evidence: ["Canceled"], remediation: REINSTALL },
  { name: "Creating (transient) is unknown", resources: [cluster(), state("Creating")], status: "unknown", evidence: ["Creating"] },
  { name: "Updating (transient) is unknown", resources: [cluster(), state("Updating")], status: "unknown", evidence: ["Updating"] },
  { name: "no provisioningState is unknown", resources: [cluster(), state(undefined)], status: "unknown", evidence: ["provisioningState"] },
  {
    name: "extensions not collected is unknown",
    resources: [cluster(), state("Succeeded")],
    options: { collected: allKindsBut("extensions") },
    status: "unknown",
    evidence: ["extensions were not collected"],
  },
  {
    name: "Resource Graph PascalCase (properties.ExtensionType, ProvisioningState) Succeeded passes",
    resources: [cluster(), resourceGraphExtension("Succeeded")],
    status: "pass",
    evidence: ["Succeeded"],
  },
  {
    name: "Resource Graph PascalCase Failed fails",
    resources: [cluster(), resourceGraphExtension("Failed")],
    status: "fail",
    evidence: ["Failed"],
    remediation: REINSTALL,
  },
  {
    name: "extensionType in odd casing (MICROSOFT.DataProtection.KUBERNETES) is the backup extension",
    resources: [cluster(), extension({ properties: { extensionType: "MICROSOFT.DataProtection.KUBERNETES" } })],
    status: "pass",
  },
  {
    name: "extension id in other casing with a trailing slash still belongs to the cluster",
    resources: [cluster(), extension({ id: `${CLUSTER_ID.toLowerCase()}/providers/microsoft.kubernetesconfiguration/extensions/azure-aks-backup/` })],
    status: "pass",
  },
];

describe(`${ID} backup extension`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
