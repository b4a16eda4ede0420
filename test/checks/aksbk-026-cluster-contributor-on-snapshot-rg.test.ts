import { describe, expect, it } from "vitest";
import { CLUSTER_PRINCIPAL, ROLE_GUID, SNAPSHOT_RG_ID, SUB, assignment, backupInstance, binding, cluster, extension, run, storageAccount, vault } from "./harness.js";
import { allKindsBut, exampleBody, expectCase, objectAt, type Case } from "./harness-extra.js";
import { roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-026";
const base = () => [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding()];
const fix = (principal = CLUSTER_PRINCIPAL) => [roleCommand(principal, "Contributor", SNAPSHOT_RG_ID)];

const standard = standardRoleCases({
  principal: CLUSTER_PRINCIPAL,
  principalLabel: "cluster aks-1's system-assigned identity",
  role: { guid: ROLE_GUID.contributor, name: "Contributor" },
  target: SNAPSHOT_RG_ID,
  subscriptionId: SUB,
  prefixSibling: `/subscriptions/${SUB}/resourceGroups/rg-aks-snap`,
  child: `${SNAPSHOT_RG_ID}/providers/Microsoft.Compute/snapshots/snap-1`,
  base,
  failStatus: "fail",
  supersets: [{ guid: ROLE_GUID.owner, name: "Owner" }],
  notCovering: [
    { guid: ROLE_GUID.reader, name: "Reader", why: "*/read does not cover *" },
    { guid: ROLE_GUID.diskSnapshotContributor, name: "Disk Snapshot Contributor", why: "snapshots and storage accounts only" },
    { guid: "17d1049b-9a84-46fb-8f53-869881c3d3ab", name: "Storage Account Contributor", why: "storage only" },
  ],
  // Contributor's own notActions, in other casings: still covers (case-insensitive), since each exclusion is one Contributor has too.
  customCovering: { actions: ["*"], notActions: ["microsoft.authorization/*/delete", "MICROSOFT.AUTHORIZATION/*/WRITE", "Microsoft.Subscription/cancel/action"] },
  customNotCovering: { actions: ["*"], notActions: ["Microsoft.Compute/snapshots/*"] },
});

/** Microsoft's user-assigned identity cluster example: its identity block on the harness cluster. */
const UAI_IDENTITY = objectAt(exampleBody("containerservice/ManagedClustersCreate_Update.json"), "identity");
const withIdentity = (identity: Record<string, unknown> | undefined) => {
  const { identity: _drop, ...rest } = cluster();
  return identity === undefined ? rest : { ...rest, identity: identity as never };
};

const specific: (Case | RoleCase)[] = [
  {
    name: "a user-assigned cluster identity (Microsoft's example): the first entry's principalId needs the role",
    resources: [withIdentity(UAI_IDENTITY), vault(), backupInstance(), assignment("principalId1", ROLE_GUID.contributor, SNAPSHOT_RG_ID)],
    status: "pass",
    evidence: ["principalId1", "user-assigned identity identity1"],
  },
  {
    name: "a user-assigned cluster identity without the role: fail naming its principal",
    resources: [withIdentity(UAI_IDENTITY), vault(), backupInstance(), assignment(CLUSTER_PRINCIPAL, ROLE_GUID.contributor, SNAPSHOT_RG_ID)],
    status: "fail",
    evidence: ["principalId1"],
    remediation: fix("principalId1"),
  },
  {
    name: "the cluster identity needs no vault: Contributor passes with only the backup instance (vault not in the input)",
    resources: [cluster(), backupInstance(), assignment(CLUSTER_PRINCIPAL, ROLE_GUID.contributor, SNAPSHOT_RG_ID)],
    status: "pass",
  },
  // Cascade: the cluster identity is AKSBK-004's, the snapshot RG AKSBK-030's.
  {
    name: "no cluster identity (service principal cluster): unknown naming AKSBK-004",
    resources: [withIdentity(undefined), vault(), backupInstance(), assignment(CLUSTER_PRINCIPAL, ROLE_GUID.contributor, SNAPSHOT_RG_ID)],
    status: "unknown",
    evidence: ["no managed identity", "AKSBK-004"],
  },
  {
    name: "identity type None: unknown naming AKSBK-004",
    resources: [withIdentity({ type: "None" }), vault(), backupInstance()],
    status: "unknown",
    evidence: ["AKSBK-004"],
  },
  {
    name: "SystemAssigned without a principalId in the input: unknown",
    resources: [withIdentity({ type: "SystemAssigned" }), vault(), backupInstance()],
    status: "unknown",
    evidence: ["principalId is not in the input"],
  },
  {
    name: "no backup instance: the snapshot RG is unknown, so is the check",
    resources: [cluster(), vault(), binding(), assignment(CLUSTER_PRINCIPAL, ROLE_GUID.contributor, `/subscriptions/${SUB}`)],
    status: "unknown",
    evidence: ["snapshot resource group", "AKSBK-030"],
  },
  {
    name: "backup instances not collected: unknown",
    resources: [cluster(), vault(), binding(), assignment(CLUSTER_PRINCIPAL, ROLE_GUID.contributor, SNAPSHOT_RG_ID)],
    options: { collected: allKindsBut("backupInstances") },
    status: "unknown",
    evidence: ["backupInstances were not collected"],
  },
];

describe(`${ID} cluster identity Contributor on the snapshot resource group`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("fail remediation is exactly the az role assignment command", () => {
    const r = run(ID, base());
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${CLUSTER_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Contributor" --scope ${SNAPSHOT_RG_ID}`,
    );
  });
});
