import { describe, expect, it } from "vitest";
import {
  CLUSTER_ID,
  INSTANCE_ID,
  RG,
  ROLE_GUID,
  SUB,
  VAULT_ID,
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
import { exampleBodyWith, roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-022";
const READER = { guid: ROLE_GUID.reader, name: "Reader" };
const base = () => [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding()];

const UAI_ID = `/subscriptions/${SUB}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-backup`;
const UAI_PRINCIPAL = "0a0a0a0a-0000-0000-0000-00000000uami";
/** The vault with a system-assigned and a user-assigned identity. */
const uaiVault = () =>
  vault({
    identity: {
      type: "SystemAssigned, UserAssigned",
      principalId: VAULT_PRINCIPAL,
      userAssignedIdentities: { [UAI_ID]: { principalId: UAI_PRINCIPAL, clientId: "c" } },
    },
  });
/** The backup instance says: use the user-assigned identity (the URL in another casing). */
const uaiInstance = (url = UAI_ID.replace("resourceGroups", "resourcegroups").toLowerCase()) =>
  backupInstance({ properties: { identityDetails: { useSystemAssignedIdentity: false, userAssignedIdentityArmUrl: url } } });

const standard = standardRoleCases({
  principal: VAULT_PRINCIPAL,
  principalLabel: "backup vault bv-1",
  role: READER,
  target: CLUSTER_ID,
  resourceGroup: `/subscriptions/${SUB}/resourceGroups/${RG}`,
  subscriptionId: SUB,
  // `aks` is a string prefix of `aks-1`, and not its ancestor.
  prefixSibling: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks`,
  child: `${CLUSTER_ID}/agentPools/nodepool1`,
  base,
  failStatus: "fail",
  supersets: [
    { guid: ROLE_GUID.owner, name: "Owner" },
    { guid: ROLE_GUID.contributor, name: "Contributor" },
  ],
  notCovering: [
    { guid: ROLE_GUID.storageBlobDataReader, name: "Storage Blob Data Reader", why: "only blob containers" },
    { guid: ROLE_GUID.dataOperatorForManagedDisks, name: "Data Operator for Managed Disks", why: "data actions only" },
  ],
  customCovering: { actions: ["*"], notActions: ["Microsoft.Compute/virtualMachines/delete", "Microsoft.Authorization/*/Write"] },
  customNotCovering: { actions: ["Microsoft.ContainerService/*/read", "Microsoft.Resources/*/read"] },
});

const fix = (principal = VAULT_PRINCIPAL) => [roleCommand(principal, "Reader", CLUSTER_ID)];

/** Microsoft's GetBackupInstance example (a user-assigned identity in identityDetails), moved onto the harness vault and cluster. */
const EXAMPLE_INSTANCE = exampleBodyWith("dataprotection/BackupInstanceOperations/GetBackupInstance.json", {
  "04cf684a-d41f-4550-9f70-7708a3a2283b": SUB,
  "000pikumar": "rg-backup",
  PratikPrivatePreviewVault1: "bv-1",
  "/subscriptions/f75d8d8b-6735-4697-82e1-1a7a3ff0d5d4/resourceGroups/viveksipgtest/providers/Microsoft.DBforPostgreSQL/servers/viveksipgtest/databases/testdb": CLUSTER_ID,
});
const EXAMPLE_UAMI = "/subscriptions/f75d8d8b-6735-4697-82e1-1a7a3ff0d5d4/resourceGroups/rg-name/providers/Microsoft.ManagedIdentity/userAssignedIdentities/testUami";

const specific: (Case | RoleCase)[] = [
  {
    name: "Reader on a prefix-named sibling resource group (rg-ak vs rg-aks) does not count",
    resources: [...base(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, `/subscriptions/${SUB}/resourceGroups/rg-ak`)],
    status: "fail",
    evidence: ["has no role assignment granting Reader"],
    remediation: fix(),
  },
  {
    name: "Reader inherited from the cluster's resource group passes; a Contributor on an unrelated group is irrelevant",
    resources: [...base(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, `/subscriptions/${SUB}/resourceGroups/${RG}`), assignment(VAULT_PRINCIPAL, ROLE_GUID.contributor, `/subscriptions/${SUB}/resourceGroups/rg-other`)],
    status: "pass",
    evidence: [`inherited from /subscriptions/${SUB}/resourceGroups/${RG}`],
  },
  {
    name: "the more specific of two qualifying assignments is reported",
    resources: [...base(), assignment(VAULT_PRINCIPAL, ROLE_GUID.owner, `/subscriptions/${SUB}`), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "pass",
    notEvidence: ["inherited", "Owner"],
  },
  // Cascade: the vault or its identity missing is owned by AKSBK-020/021/030.
  {
    name: "no vault (no backup instance, no backup-operator binding) cascades to unknown",
    resources: [cluster(), extension(), vault(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "unknown",
    evidence: ["no backup vault is associated with this cluster"],
  },
  {
    name: "the vault resolved through a trusted-access binding when there is no backup instance",
    resources: [cluster(), extension(), vault(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "pass",
    evidence: ["backup vault bv-1", VAULT_PRINCIPAL],
  },
  {
    name: "the vault resolved through a trusted-access binding: missing Reader fails",
    resources: [cluster(), extension(), vault(), binding()],
    status: "fail",
    evidence: ["backup vault bv-1"],
    remediation: fix(),
  },
  {
    name: "backup instances not collected: the vault still resolves through the binding",
    resources: [cluster(), vault(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    options: { collected: allKindsBut("backupInstances") },
    status: "pass",
  },
  {
    name: "backup instances not collected and no binding: unknown",
    resources: [cluster(), vault(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    options: { collected: allKindsBut("backupInstances") },
    status: "unknown",
    evidence: ["backupInstances were not collected"],
  },
  {
    name: "the vault is not in the input: unknown naming it",
    resources: [cluster(), extension(), backupInstance(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "unknown",
    evidence: [VAULT_ID, "not in the input"],
  },
  {
    name: "backup vaults not collected: unknown",
    resources: [cluster(), extension(), backupInstance(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    options: { collected: allKindsBut("backupVaults") },
    status: "unknown",
    evidence: ["backupVaults were not collected"],
  },
  {
    name: "vault identity type None cascades to unknown (AKSBK-020 fails it)",
    resources: [cluster(), extension(), vault({ identity: { type: "None" } }), backupInstance(), binding()],
    status: "unknown",
    evidence: ["no system-assigned managed identity", "AKSBK-020"],
  },
  {
    name: "user-assigned vault identity (identityDetails.useSystemAssignedIdentity false): its principal is the one that needs Reader",
    resources: [cluster(), extension(), uaiVault(), uaiInstance(), binding(), assignment(UAI_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "pass",
    evidence: [UAI_PRINCIPAL, "user-assigned identity uami-backup"],
  },
  {
    name: "user-assigned vault identity: Reader held only by the system-assigned identity does not count",
    resources: [cluster(), extension(), uaiVault(), uaiInstance(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "fail",
    evidence: [UAI_PRINCIPAL],
    remediation: fix(UAI_PRINCIPAL),
  },
  {
    name: "user-assigned identity named by the instance but not among the vault's identities: unknown",
    resources: [cluster(), extension(), uaiVault(), uaiInstance(`${UAI_ID}-gone`), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)],
    status: "unknown",
    evidence: [`${UAI_ID}-gone`, "not among backup vault bv-1's identities"],
  },
  {
    name: "Microsoft's GetBackupInstance example (useSystemAssignedIdentity false, testUami) with the vault holding testUami",
    resources: [
      cluster(),
      vault({ identity: { type: "UserAssigned", userAssignedIdentities: { [EXAMPLE_UAMI]: { principalId: UAI_PRINCIPAL, clientId: "c" } } } }),
      EXAMPLE_INSTANCE,
      assignment(UAI_PRINCIPAL, ROLE_GUID.reader, `/subscriptions/${SUB}/resourceGroups/${RG}`),
    ],
    status: "pass",
    evidence: ["user-assigned identity testUami", `inherited from /subscriptions/${SUB}/resourceGroups/${RG}`],
  },
];

describe(`${ID} vault Reader on the cluster`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("the example instance is the harness instance's sibling, under the harness vault", () => {
    expect(String(EXAMPLE_INSTANCE["id"])).toBe(`${VAULT_ID}/backupInstances/harshitbi2`);
    expect(INSTANCE_ID.startsWith(VAULT_ID)).toBe(true);
  });

  it("fail remediation is exactly the az role assignment command", () => {
    const r = run(ID, base());
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${VAULT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Reader" --scope ${CLUSTER_ID}`,
    );
  });

  it("quotes a scope that a POSIX shell would split or reject (a resource group named with parentheses)", () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg(prod)/providers/Microsoft.ContainerService/managedClusters/aks-1`;
    const r = run(ID, [cluster({ id }), vault(), backupInstance({ properties: { dataSourceInfo: { resourceID: id } } })]);
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${VAULT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Reader" --scope '${id}'`,
    );
  });
});
