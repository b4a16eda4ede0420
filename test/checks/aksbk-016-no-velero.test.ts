import { describe, it } from "vitest";
import { CLUSTER_ID, cluster, extension } from "./harness.js";
import { EXT_TARGET, allKindsBut, expectCase, withProperties, type Case } from "./harness-extra.js";

const ID = "AKSBK-016";
const ext = (name: string, extensionType: string, clusterId = CLUSTER_ID) =>
  withProperties(extension({ id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`, name }), {
    extensionType,
    provisioningState: "Succeeded",
  });

const cases: Case[] = [
  { name: "only the backup extension: pass", resources: [cluster(), extension()], status: "pass", evidence: ["1 extension"] },
  { name: "no extensions at all: pass", resources: [cluster()], status: "pass", evidence: ["0 extension"] },
  { name: "other non-Velero extensions: pass", resources: [cluster(), extension(), ext("flux", "microsoft.flux")], status: "pass" },
  {
    name: "a Velero extension fails (medium severity: fail, not warn)",
    resources: [cluster(), extension(), ext("velero", "bitnami.velero")],
    status: "fail",
    evidence: ["velero [bitnami.velero]"],
    remediation: [`az k8s-extension delete --name velero ${EXT_TARGET} --yes`],
  },
  {
    name: "extensionType containing Velero in any casing, read from PascalCase ExtensionType, fails",
    resources: [cluster(), { ...ext("my-backup", "x"), properties: { ExtensionType: "Contoso.VELERO-Plugin" } }],
    status: "fail",
    evidence: ["my-backup", "Contoso.VELERO-Plugin"],
    remediation: ["az k8s-extension delete --name my-backup"],
  },
  {
    name: "a Velero extension named innocently is still found by its type",
    resources: [cluster(), ext("tools", "vmware.velero")],
    status: "fail",
    evidence: ["tools"],
    remediation: ["--name tools"],
  },
  {
    name: "a Velero extension whose name (only) mentions velero is not one",
    resources: [cluster(), ext("velero-notes", "microsoft.flux")],
    status: "pass",
  },
  {
    name: "a Velero extension on another cluster does not count",
    resources: [cluster(), ext("velero", "bitnami.velero", CLUSTER_ID.replace(/aks-1$/, "aks-2"))],
    status: "pass",
  },
  {
    name: "extensions not collected is unknown",
    resources: [cluster(), ext("velero", "bitnami.velero")],
    options: { collected: allKindsBut("extensions") },
    status: "unknown",
    evidence: ["extensions were not collected"],
  },
];

describe(`${ID} no conflicting Velero`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
