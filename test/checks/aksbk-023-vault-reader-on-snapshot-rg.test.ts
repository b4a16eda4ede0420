import { describe, expect, it } from "vitest";
import {
  CLUSTER_ID,
  ROLE_GUID,
  SNAPSHOT_RG_ID,
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
import { exampleBodyWith, roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-023";
const base = () => [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding()];
const fix = (scope = SNAPSHOT_RG_ID) => [roleCommand(VAULT_PRINCIPAL, "Reader", scope)];

const standard = standardRoleCases({
  principal: VAULT_PRINCIPAL,
  principalLabel: "backup vault bv-1",
  role: { guid: ROLE_GUID.reader, name: "Reader" },
  target: SNAPSHOT_RG_ID,
  subscriptionId: SUB,
  // `rg-aks-snap` is a string prefix of `rg-aks-snapshots`, and not its ancestor.
  prefixSibling: `/subscriptions/${SUB}/resourceGroups/rg-aks-snap`,
  child: `${SNAPSHOT_RG_ID}/providers/Microsoft.Compute/snapshots/snap-1`,
  base,
  failStatus: "fail",
  supersets: [
    { guid: ROLE_GUID.owner, name: "Owner" },
    { guid: ROLE_GUID.contributor, name: "Contributor" },
  ],
  notCovering: [
    { guid: ROLE_GUID.diskSnapshotContributor, name: "Disk Snapshot Contributor", why: "reads snapshots and storage accounts only" },
    { guid: ROLE_GUID.storageBlobDataReader, name: "Storage Blob Data Reader", why: "blob containers only" },
  ],
  customCovering: { actions: ["*/read"] },
  customNotCovering: { actions: ["*"], notActions: ["Microsoft.Compute/*"] },
});

/** Microsoft's AKS backup instance example (PutBackupInstance_KubernetesClusterBackupDatasourceParameters, 200 body), moved onto the harness cluster and vault. Its snapshot RG is `aksrg`. */
const K8S_INSTANCE = exampleBodyWith("dataprotection/BackupInstanceOperations/PutBackupInstance_KubernetesClusterBackupDatasourceParameters.json", {
  "62b829ee-7936-40c9-a1c9-47a93f9f3965": SUB,
  "resourceGroups/aksrg/providers/Microsoft.ContainerService/managedClusters/akscluster": "resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1",
  "resourceGroups/aksrg/providers/Microsoft.DataProtection/backupVaults/aksvault": "resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1",
});
const K8S_SNAPSHOT_RG = `/subscriptions/${SUB}/resourceGroups/aksrg`;
const noOperationalStore = () =>
  backupInstance({ properties: { policyInfo: { policyParameters: { dataStoreParametersList: [{ objectType: "AzureOperationalStoreParameters", dataStoreType: "VaultStore", resourceGroupId: SNAPSHOT_RG_ID }] } } } });
const otherSubRg = `/subscriptions/${SUB2}/resourceGroups/rg-aks-snapshots`;
const snapshotRgIn = (id: string) =>
  backupInstance({ properties: { policyInfo: { policyParameters: { dataStoreParametersList: [{ objectType: "AzureOperationalStoreParameters", dataStoreType: "OperationalStore", resourceGroupId: id }] } } } });

const specific: (Case | RoleCase)[] = [
  {
    name: "Microsoft's AKS backup instance example: the snapshot RG is its OperationalStore resourceGroupId (aksrg)",
    resources: [cluster(), vault(), K8S_INSTANCE, assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, K8S_SNAPSHOT_RG)],
    status: "pass",
    evidence: ["snapshot resource group aksrg", K8S_SNAPSHOT_RG],
  },
  {
    name: "Microsoft's AKS backup instance example: Reader on the harness snapshot RG is the wrong group",
    resources: [cluster(), vault(), K8S_INSTANCE, assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID)],
    status: "fail",
    evidence: [K8S_SNAPSHOT_RG],
    remediation: fix(K8S_SNAPSHOT_RG),
  },
  {
    name: "resourceGroupId in Resource Graph casing with a trailing slash still matches the assignment",
    resources: [cluster(), vault(), snapshotRgIn(`/subscriptions/${SUB}/resourcegroups/RG-AKS-SNAPSHOTS/`), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID)],
    status: "pass",
  },
  {
    name: "snapshot RG in another subscription: Reader on the cluster's subscription does not reach it",
    resources: [cluster(), vault(), snapshotRgIn(otherSubRg), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, `/subscriptions/${SUB}`)],
    status: "fail",
    evidence: [otherSubRg],
    remediation: fix(otherSubRg),
  },
  {
    name: "snapshot RG in another subscription whose role assignments could not be read: unknown",
    resources: [cluster(), vault(), snapshotRgIn(otherSubRg)],
    options: { errors: [{ kind: "roleAssignments", subscriptionId: SUB2, message: "AuthorizationFailed" }] },
    status: "unknown",
    evidence: ["role assignments were not collected (AuthorizationFailed)"],
  },
  // Cascade
  {
    name: "no backup instance (vault known through the binding): the snapshot RG is unknown, not failed",
    resources: [cluster(), vault(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, `/subscriptions/${SUB}`)],
    status: "unknown",
    evidence: ["snapshot resource group", "no backup instance protects this cluster (AKSBK-030)"],
  },
  {
    name: "the instance names no OperationalStore resource group: unknown",
    resources: [cluster(), vault(), noOperationalStore(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID)],
    status: "unknown",
    evidence: ["names no OperationalStore snapshot resource group"],
  },
  {
    name: "no vault at all: unknown naming the vault",
    resources: [cluster(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID)],
    status: "unknown",
    evidence: ["no backup vault is associated with this cluster"],
  },
  {
    name: "vault without identity: unknown (AKSBK-020 owns it)",
    resources: [cluster(), vault({ identity: undefined }), backupInstance()],
    status: "unknown",
    evidence: ["AKSBK-020"],
  },
  {
    name: "backup instances not collected: unknown",
    resources: [cluster(), vault(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID)],
    options: { collected: allKindsBut("backupInstances") },
    status: "unknown",
    evidence: ["backupInstances were not collected"],
  },
];

describe(`${ID} vault Reader on the snapshot resource group`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("fail remediation is exactly the az role assignment command", () => {
    const r = run(ID, base());
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${VAULT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Reader" --scope ${SNAPSHOT_RG_ID}`,
    );
  });

  it("the example instance protects the harness cluster", () => {
    expect(JSON.stringify(K8S_INSTANCE)).toContain(CLUSTER_ID);
  });
});
