import { describe, expect, it } from "vitest";
import { CLUSTER_ID, EXT_PRINCIPAL, ROLE_GUID, STORAGE_ID, SUB, assignment, cluster, extension, run, storageAccount } from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-027";
const SBDC = "Storage Blob Data Contributor";
const STORAGE_RG = `/subscriptions/${SUB}/resourceGroups/rg-backup`;
// The extension's identity needs nothing from the vault: no vault, instance or binding in the base.
const base = () => [cluster(), extension(), storageAccount()];
const fix = (scope = STORAGE_ID) => [roleCommand(EXT_PRINCIPAL, SBDC, scope)];
const ACCOUNT = "configuration.backupStorageLocation.config.storageAccount";
const ACCOUNT_RG = "configuration.backupStorageLocation.config.resourceGroup";
const accountId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/${name}`;

const standard = standardRoleCases({
  principal: EXT_PRINCIPAL,
  principalLabel: "backup extension azure-aks-backup's identity",
  role: { guid: ROLE_GUID.storageBlobDataContributor, name: SBDC },
  target: STORAGE_ID,
  resourceGroup: STORAGE_RG,
  subscriptionId: SUB,
  prefixSibling: accountId("stbackup"),
  child: `${STORAGE_ID}/blobServices/default/containers/aks-backups`,
  base,
  failStatus: "fail",
  supersets: [{ guid: ROLE_GUID.storageBlobDataOwner, name: "Storage Blob Data Owner" }],
  notCovering: [
    { guid: ROLE_GUID.storageBlobDataReader, name: "Storage Blob Data Reader", why: "read only" },
    { guid: ROLE_GUID.owner, name: "Owner", why: "no data actions" },
    { guid: ROLE_GUID.contributor, name: "Contributor", why: "no data actions" },
    { guid: "17d1049b-9a84-46fb-8f53-869881c3d3ab", name: "Storage Account Contributor", why: "management plane only" },
  ],
  customCovering: {
    actions: ["Microsoft.Storage/storageAccounts/blobServices/*"],
    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
  },
  customNotCovering: {
    actions: ["Microsoft.Storage/storageAccounts/blobServices/*"],
    // No move/action and add/action.
    dataActions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
    ],
  },
});

/** The extension as Resource Graph's kubernetesconfigurationresources returns it: PascalCase property names. */
const graphExtension = () => ({
  id: `${CLUSTER_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup`.toLowerCase(),
  name: "azure-aks-backup",
  type: "microsoft.kubernetesconfiguration/extensions",
  subscriptionId: SUB,
  resourceGroup: "rg-aks",
  properties: {
    ExtensionType: "Microsoft.DataProtection.Kubernetes",
    ProvisioningState: "Succeeded",
    AksAssignedIdentity: { PrincipalId: EXT_PRINCIPAL, Type: "SystemAssigned" },
    ConfigurationSettings: {
      "configuration.backupStorageLocation.bucket": "aks-backups",
      "configuration.backupStorageLocation.config.storageAccount": "stbackup1",
      "configuration.backupStorageLocation.config.resourceGroup": "rg-backup",
      "configuration.backupStorageLocation.config.subscriptionId": SUB,
    },
  },
});

const specific: (Case | RoleCase)[] = [
  {
    name: "the extension in Resource Graph's PascalCase shape: its AksAssignedIdentity.PrincipalId is the principal",
    resources: [cluster(), graphExtension(), storageAccount(), assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, STORAGE_ID)],
    status: "pass",
    evidence: [EXT_PRINCIPAL],
  },
  {
    name: "storage account st1 vs st10: the role on st1 does not grant it on st10",
    resources: [
      cluster(),
      extension({ properties: { configurationSettings: { [ACCOUNT]: "st10" } } }),
      storageAccount({ id: accountId("st10"), name: "st10" }),
      assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, accountId("st1")),
    ],
    status: "fail",
    evidence: [accountId("st10")],
    remediation: fix(accountId("st10")),
  },
  {
    name: "storage account not in the input: the id built from the extension's settings is enough (pass)",
    resources: [cluster(), extension(), assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, STORAGE_ID)],
    status: "pass",
    evidence: [STORAGE_ID],
  },
  {
    name: "storage account not in the input: the fix names the id built from the settings",
    resources: [cluster(), extension()],
    status: "fail",
    evidence: [STORAGE_ID],
    remediation: fix(),
  },
  {
    name: "storage account not in the input and no resource group setting: unknown",
    resources: [cluster(), extension({ properties: { configurationSettings: { [ACCOUNT_RG]: undefined } } }), assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, `/subscriptions/${SUB}`)],
    status: "unknown",
    evidence: ["not in the input"],
  },
  // Cascade: the extension is AKSBK-011's, the storage setting AKSBK-012's.
  {
    name: "no backup extension: unknown (AKSBK-011)",
    resources: [cluster(), storageAccount(), assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, STORAGE_ID)],
    status: "unknown",
    evidence: ["not installed", "AKSBK-011"],
  },
  {
    name: "only a non-backup extension on the cluster: unknown (AKSBK-011)",
    resources: [cluster(), extension({ properties: { extensionType: "microsoft.flux" } }), storageAccount()],
    status: "unknown",
    evidence: ["AKSBK-011"],
  },
  {
    name: "the extension shows no aksAssignedIdentity: unknown",
    resources: [cluster(), extension({ properties: { aksAssignedIdentity: undefined } }), storageAccount()],
    status: "unknown",
    evidence: ["aksAssignedIdentity.principalId"],
  },
  {
    name: "the extension names no storage account: unknown (AKSBK-012)",
    resources: [cluster(), extension({ properties: { configurationSettings: { [ACCOUNT]: undefined } } }), storageAccount()],
    status: "unknown",
    evidence: ["AKSBK-012"],
  },
  {
    name: "extensions not collected: unknown",
    resources: [cluster(), storageAccount(), assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, STORAGE_ID)],
    options: { collected: allKindsBut("extensions") },
    status: "unknown",
    evidence: ["extensions were not collected"],
  },
  {
    name: "an extensions collection error for this cluster only: unknown, quoting it",
    resources: [cluster(), extension(), storageAccount(), assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, STORAGE_ID)],
    options: { errors: [{ kind: "extensions", resourceId: CLUSTER_ID.toLowerCase(), message: "ResourceNotFound" }] },
    status: "unknown",
    evidence: ["extensions were not collected (ResourceNotFound)"],
  },
];

describe(`${ID} extension identity Storage Blob Data Contributor on the storage account`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("fail remediation is exactly the az role assignment command", () => {
    const r = run(ID, base());
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${EXT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Storage Blob Data Contributor" --scope ${STORAGE_ID}`,
    );
  });
});
