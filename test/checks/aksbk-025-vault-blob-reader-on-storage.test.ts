import { describe, expect, it } from "vitest";
import {
  ROLE_GUID,
  STORAGE_ID,
  SUB,
  SUB2,
  VAULT_PRINCIPAL,
  assignment,
  backupInstance,
  binding,
  cluster,
  extension,
  run,
  storageAccount,
  vault,
} from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-025";
const SBDR = "Storage Blob Data Reader";
const base = () => [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding()];
const STORAGE_RG = `/subscriptions/${SUB}/resourceGroups/rg-backup`;
const ACCOUNT = "configuration.backupStorageLocation.config.storageAccount";
const ACCOUNT_RG = "configuration.backupStorageLocation.config.resourceGroup";
const ACCOUNT_SUB = "configuration.backupStorageLocation.config.subscriptionId";
const settings = (s: Record<string, string | undefined>) => extension({ properties: { configurationSettings: s } });
const accountId = (name: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/${name}`;

const standard = standardRoleCases({
  principal: VAULT_PRINCIPAL,
  principalLabel: "backup vault bv-1",
  role: { guid: ROLE_GUID.storageBlobDataReader, name: SBDR },
  target: STORAGE_ID,
  resourceGroup: STORAGE_RG,
  subscriptionId: SUB,
  // `stbackup` is a string prefix of `stbackup1`, and not its ancestor.
  prefixSibling: accountId("stbackup"),
  child: `${STORAGE_ID}/blobServices/default/containers/aks-backups`,
  base,
  failStatus: "fail",
  supersets: [
    { guid: ROLE_GUID.storageBlobDataContributor, name: "Storage Blob Data Contributor" },
    { guid: ROLE_GUID.storageBlobDataOwner, name: "Storage Blob Data Owner" },
  ],
  notCovering: [
    { guid: ROLE_GUID.owner, name: "Owner", why: "no data actions" },
    { guid: ROLE_GUID.contributor, name: "Contributor", why: "no data actions" },
    { guid: "17d1049b-9a84-46fb-8f53-869881c3d3ab", name: "Storage Account Contributor", why: "management plane only" },
    { guid: ROLE_GUID.reader, name: "Reader", why: "no data actions" },
  ],
  customCovering: {
    actions: ["Microsoft.Storage/storageAccounts/blobServices/*"],
    dataActions: ["Microsoft.Storage/*/blobs/read"],
  },
  customNotCovering: {
    actions: ["Microsoft.Storage/storageAccounts/blobServices/*"],
    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
    notDataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
  },
});

const st = (name: string) => storageAccount({ id: accountId(name), name });
const specific: (Case | RoleCase)[] = [
  {
    name: "storage account st1 vs st10: Storage Blob Data Reader on st1 does not grant it on st10",
    resources: [cluster(), settings({ [ACCOUNT]: "st10" }), st("st1"), st("st10"), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, accountId("st1"))],
    status: "fail",
    evidence: [`storage account st10 ${accountId("st10")}`],
    remediation: [roleCommand(VAULT_PRINCIPAL, SBDR, accountId("st10"))],
  },
  {
    name: "storage account st1 vs st10: on st10 itself passes",
    resources: [cluster(), settings({ [ACCOUNT]: "st10" }), st("st1"), st("st10"), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, accountId("st10"))],
    status: "pass",
  },
  {
    name: "the storage account is not in the input: its id built from the extension's settings is enough (pass)",
    resources: [cluster(), extension(), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, STORAGE_ID)],
    status: "pass",
    evidence: [STORAGE_ID],
  },
  {
    name: "the storage account is not in the input: missing role fails on the id built from the settings",
    resources: [cluster(), extension(), vault(), backupInstance()],
    status: "fail",
    evidence: [STORAGE_ID],
    remediation: [roleCommand(VAULT_PRINCIPAL, SBDR, STORAGE_ID)],
  },
  {
    name: "storage accounts not collected: the id built from the settings still decides",
    resources: [cluster(), extension(), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, STORAGE_RG)],
    options: { collected: allKindsBut("storageAccounts") },
    status: "pass",
    evidence: [`inherited from ${STORAGE_RG}`],
  },
  {
    name: "settings in another subscription: the id is built there, and that subscription's assignments decide",
    resources: [cluster(), settings({ [ACCOUNT]: "stbackup1", [ACCOUNT_RG]: "rg-backup", [ACCOUNT_SUB]: SUB2 }), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, `/subscriptions/${SUB}`)],
    status: "fail",
    evidence: [accountId("stbackup1", SUB2)],
    remediation: [roleCommand(VAULT_PRINCIPAL, SBDR, accountId("stbackup1", SUB2))],
  },
  {
    name: "settings in another subscription whose role assignments could not be read: unknown",
    resources: [cluster(), settings({ [ACCOUNT]: "stbackup1", [ACCOUNT_RG]: "rg-backup", [ACCOUNT_SUB]: SUB2 }), vault(), backupInstance()],
    options: { errors: [{ kind: "roleAssignments", subscriptionId: SUB2, message: "AuthorizationFailed" }] },
    status: "unknown",
    evidence: ["role assignments were not collected"],
  },
  {
    name: "the account is not in the input and the settings name no resource group: unknown (its id cannot be built)",
    resources: [cluster(), settings({ [ACCOUNT]: "stbackup1", [ACCOUNT_RG]: undefined }), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, `/subscriptions/${SUB}`)],
    status: "unknown",
    evidence: ["stbackup1", "not in the input"],
  },
  {
    name: "the settings name no resource group but the account is in the input (found by name): pass",
    resources: [cluster(), settings({ [ACCOUNT]: "stbackup1", [ACCOUNT_RG]: undefined }), storageAccount(), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, STORAGE_ID)],
    status: "pass",
  },
  // Cascade
  {
    name: "no backup extension: unknown naming it (AKSBK-011)",
    resources: [cluster(), storageAccount(), vault(), backupInstance(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, STORAGE_ID)],
    status: "unknown",
    evidence: ["backup extension", "AKSBK-011"],
  },
  {
    name: "the extension names no storage account: unknown (AKSBK-012)",
    resources: [cluster(), settings({ [ACCOUNT]: undefined }), storageAccount(), vault(), backupInstance()],
    status: "unknown",
    evidence: ["names no storage account", "AKSBK-012"],
  },
  {
    name: "extensions not collected: unknown",
    resources: [cluster(), storageAccount(), vault(), backupInstance()],
    options: { collected: allKindsBut("extensions") },
    status: "unknown",
    evidence: ["extensions were not collected"],
  },
  {
    name: "no vault: unknown",
    resources: [cluster(), extension(), storageAccount(), assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, STORAGE_ID)],
    status: "unknown",
    evidence: ["no backup vault is associated with this cluster"],
  },
  {
    name: "vault identity None: unknown",
    resources: [cluster(), extension(), storageAccount(), vault({ identity: { type: "None" } }), backupInstance()],
    status: "unknown",
    evidence: ["AKSBK-020"],
  },
];

describe(`${ID} vault Storage Blob Data Reader on the storage account`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("fail remediation is exactly the az role assignment command", () => {
    const r = run(ID, base());
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${VAULT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Storage Blob Data Reader" --scope ${STORAGE_ID}`,
    );
  });
});
