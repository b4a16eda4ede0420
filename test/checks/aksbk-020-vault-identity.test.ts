import { describe, expect, it } from "vitest";
import { CLUSTER_ID, SUB, VAULT_ID, VAULT_PRINCIPAL, backupInstance, binding, cluster, run, vault } from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { exampleBodyWith } from "./harness-roles.js";

const ID = "AKSBK-020";
const UPDATE = `az dataprotection backup-vault update --resource-group rg-backup --vault-name bv-1 --subscription ${SUB} --type SystemAssigned`;

/** Microsoft's GetBackupVaultWithMSI example (SystemAssigned; type spelled `Backupvaults`), moved into the harness's subscription. */
const MSI_VAULT = exampleBodyWith("dataprotection/VaultCRUD/GetBackupVaultWithMSI.json", {
  "0b352192-dcac-4cc7-992e-a96190ccc68c": SUB,
});
const MSI_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/SampleResourceGroup/providers/Microsoft.DataProtection/Backupvaults/swaggerExample`;

/** Microsoft's GetBackupInstance example (identityDetails names testUami), moved onto the harness vault and cluster. */
const UAMI_INSTANCE = exampleBodyWith("dataprotection/BackupInstanceOperations/GetBackupInstance.json", {
  "04cf684a-d41f-4550-9f70-7708a3a2283b": SUB,
  "000pikumar": "rg-backup",
  PratikPrivatePreviewVault1: "bv-1",
  "/subscriptions/f75d8d8b-6735-4697-82e1-1a7a3ff0d5d4/resourceGroups/viveksipgtest/providers/Microsoft.DBforPostgreSQL/servers/viveksipgtest/databases/testdb": CLUSTER_ID,
});
// The example's URL reads `resourcegroups`; the vault lists it as ARM prints it.
const UAMI_ID = "/subscriptions/f75d8d8b-6735-4697-82e1-1a7a3ff0d5d4/resourceGroups/rg-name/providers/Microsoft.ManagedIdentity/userAssignedIdentities/testUami";
const UAMI_PRINCIPAL = "5a5a5a5a-0000-0000-0000-00000000uami";
const uaiVault = (entries: Record<string, unknown>, type = "UserAssigned") => vault({ identity: { type, principalId: undefined, userAssignedIdentities: entries } });
const withoutIdentity = () => {
  const { identity: _drop, ...rest } = vault();
  return rest;
};

const cases: Case[] = [
  {
    name: "SystemAssigned vault found through the backup instance passes",
    resources: [cluster(), vault(), backupInstance()],
    status: "pass",
    evidence: ["backup vault bv-1", VAULT_PRINCIPAL],
  },
  {
    name: "Microsoft's GetBackupVaultWithMSI example (Backupvaults casing) passes",
    resources: [cluster(), MSI_VAULT, backupInstance({ id: `${MSI_VAULT_ID.replace("Backupvaults", "backupVaults")}/backupInstances/aks-1` })],
    status: "pass",
    evidence: ["c009b9a0-0024-417c-83cd-025d3776045d", "swaggerExample"],
  },
  {
    name: "no backup instance: the vault found through a backup-operator trusted-access binding",
    resources: [cluster(), vault(), binding()],
    status: "pass",
    evidence: [VAULT_PRINCIPAL],
  },
  {
    name: '"SystemAssigned, UserAssigned" with a principalId passes',
    resources: [cluster(), vault({ identity: { type: "SystemAssigned, UserAssigned" } }), backupInstance()],
    status: "pass",
    evidence: [VAULT_PRINCIPAL],
  },
  {
    name: "identity type None fails",
    resources: [cluster(), vault({ identity: { type: "None", principalId: undefined, tenantId: undefined } }), backupInstance()],
    status: "fail",
    evidence: ["backup vault bv-1 has no system-assigned managed identity", "None"],
    notEvidence: ["AKSBK-020"],
    remediation: [UPDATE],
  },
  {
    name: "no identity block at all fails",
    resources: [cluster(), withoutIdentity(), backupInstance()],
    status: "fail",
    evidence: ["no system-assigned managed identity", "absent"],
    remediation: [UPDATE],
  },
  {
    name: "only user-assigned identities while the instance uses the system-assigned one: fail",
    resources: [cluster(), uaiVault({ [UAMI_ID]: { principalId: UAMI_PRINCIPAL } }), backupInstance()],
    status: "fail",
    evidence: ["UserAssigned"],
    remediation: [UPDATE],
  },
  {
    name: "SystemAssigned without a principalId in the input is unknown, not fail",
    resources: [cluster(), vault({ identity: { principalId: undefined } }), backupInstance()],
    status: "unknown",
    evidence: ["principalId is not in the input"],
  },
  {
    name: "useSystemAssignedIdentity false (Microsoft's GetBackupInstance example): the user-assigned identity is found, pass",
    resources: [cluster(), uaiVault({ [UAMI_ID]: { principalId: UAMI_PRINCIPAL, clientId: "c" } }), UAMI_INSTANCE],
    status: "pass",
    evidence: [UAMI_PRINCIPAL, "user-assigned identity testUami"],
  },
  {
    name: "useSystemAssignedIdentity false: a system-assigned identity beside it is not the principal",
    resources: [cluster(), uaiVault({ [UAMI_ID]: { principalId: UAMI_PRINCIPAL } }, "SystemAssigned, UserAssigned"), UAMI_INSTANCE],
    status: "pass",
    evidence: [UAMI_PRINCIPAL],
    notEvidence: [VAULT_PRINCIPAL],
  },
  {
    name: "useSystemAssignedIdentity false: the named identity is not among the vault's: unknown",
    resources: [cluster(), uaiVault({ [`${UAMI_ID}-other`]: { principalId: UAMI_PRINCIPAL } }), UAMI_INSTANCE],
    status: "unknown",
    evidence: ["testUami", "not among backup vault bv-1's identities"],
  },
  {
    name: "useSystemAssignedIdentity false and the vault has no identity block: unknown",
    resources: [cluster(), withoutIdentity(), UAMI_INSTANCE],
    status: "unknown",
    evidence: ["testUami"],
  },
  // Cascade: the vault itself is AKSBK-021/030's.
  {
    name: "no vault (no backup instance, no binding): unknown naming the missing vault",
    resources: [cluster(), vault()],
    status: "unknown",
    evidence: ["no backup vault is associated with this cluster"],
  },
  {
    name: "the vault named by the instance is not in the input: unknown",
    resources: [cluster(), backupInstance()],
    status: "unknown",
    evidence: [VAULT_ID, "not in the input"],
  },
  {
    name: "backup vaults not collected: unknown",
    resources: [cluster(), backupInstance()],
    options: { collected: allKindsBut("backupVaults") },
    status: "unknown",
    evidence: ["backupVaults were not collected"],
  },
  {
    name: "a backupVaults collection error for the vault's subscription: unknown quoting it",
    resources: [cluster(), backupInstance()],
    options: { errors: [{ kind: "backupVaults", subscriptionId: SUB, message: "AuthorizationFailed" }] },
    status: "unknown",
    evidence: ["AuthorizationFailed"],
  },
  {
    name: "backup instances not collected and no binding: unknown",
    resources: [cluster(), vault()],
    options: { collected: allKindsBut("backupInstances") },
    status: "unknown",
    evidence: ["backupInstances were not collected"],
  },
  {
    name: "trusted-access bindings not collected and no instance: unknown",
    resources: [cluster(), vault()],
    options: { collected: allKindsBut("trustedAccessRoleBindings") },
    status: "unknown",
    evidence: ["trustedAccessRoleBindings were not collected"],
  },
];

describe(`${ID} backup vault managed identity`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });

  it("the fail remediation is the exact az command", () => {
    const r = run(ID, [cluster(), vault({ identity: { type: "None" } }), backupInstance()]);
    expect(r.remediation).toBe(UPDATE);
  });
});
