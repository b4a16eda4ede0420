import { describe, expect, it } from "vitest";
import { ROLE_GUID, SNAPSHOT_RG_ID, SUB, VAULT_PRINCIPAL, assignment, backupInstance, binding, cluster, extension, run, storageAccount, vault } from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-024";
const DSC = "Disk Snapshot Contributor";
const base = () => [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding()];

const standard = standardRoleCases({
  principal: VAULT_PRINCIPAL,
  principalLabel: "backup vault bv-1",
  role: { guid: ROLE_GUID.diskSnapshotContributor, name: DSC },
  target: SNAPSHOT_RG_ID,
  subscriptionId: SUB,
  prefixSibling: `/subscriptions/${SUB}/resourceGroups/rg-aks-snap`,
  child: `${SNAPSHOT_RG_ID}/providers/Microsoft.Compute/snapshots/snap-1`,
  base,
  failStatus: "fail",
  supersets: [
    { guid: ROLE_GUID.owner, name: "Owner" },
    // Contributor's notActions are all Microsoft.Authorization writes/deletes and a few others; none touches what DSC grants.
    { guid: ROLE_GUID.contributor, name: "Contributor" },
  ],
  notCovering: [
    { guid: ROLE_GUID.reader, name: "Reader", why: "read only" },
    { guid: "17d1049b-9a84-46fb-8f53-869881c3d3ab", name: "Storage Account Contributor", why: "no Microsoft.Compute snapshot actions" },
    { guid: ROLE_GUID.dataOperatorForManagedDisks, name: "Data Operator for Managed Disks", why: "data actions only" },
  ],
  customCovering: {
    actions: ["Microsoft.Authorization/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Compute/*", "Microsoft.Storage/storageAccounts/*"],
  },
  customNotCovering: {
    actions: ["Microsoft.Authorization/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Compute/*", "Microsoft.Storage/storageAccounts/*"],
    notActions: ["Microsoft.Compute/snapshots/delete"],
  },
});

const specific: (Case | RoleCase)[] = [
  {
    name: "Reader and Disk Snapshot Contributor on the RG: passes through the exact role",
    resources: [...base(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID), assignment(VAULT_PRINCIPAL, ROLE_GUID.diskSnapshotContributor, SNAPSHOT_RG_ID)],
    status: "pass",
    notEvidence: ["through"],
  },
  {
    name: "only Reader on the RG: the evidence lists it as granting less",
    resources: [...base(), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID)],
    status: "fail",
    evidence: ["grant less", `"Reader" at ${SNAPSHOT_RG_ID}`],
    remediation: [roleCommand(VAULT_PRINCIPAL, DSC, SNAPSHOT_RG_ID)],
  },
  {
    name: "no backup instance (vault known through the binding): unknown naming the snapshot RG",
    resources: [cluster(), vault(), binding(), assignment(VAULT_PRINCIPAL, ROLE_GUID.diskSnapshotContributor, `/subscriptions/${SUB}`)],
    status: "unknown",
    evidence: ["snapshot resource group", "AKSBK-030"],
  },
  {
    name: "no vault: unknown",
    resources: [cluster()],
    status: "unknown",
    evidence: ["no backup vault is associated with this cluster"],
  },
  {
    name: "vault identity None: unknown (AKSBK-020 owns it)",
    resources: [cluster(), vault({ identity: { type: "None" } }), backupInstance()],
    status: "unknown",
    evidence: ["AKSBK-020"],
  },
  {
    name: "backup vaults not collected: unknown",
    resources: [cluster(), backupInstance()],
    options: { collected: allKindsBut("backupVaults") },
    status: "unknown",
    evidence: ["backupVaults were not collected"],
  },
];

describe(`${ID} vault Disk Snapshot Contributor on the snapshot resource group`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("fail remediation is exactly the az role assignment command, the role name in double quotes", () => {
    const r = run(ID, base());
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${VAULT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Disk Snapshot Contributor" --scope ${SNAPSHOT_RG_ID}`,
    );
  });
});
