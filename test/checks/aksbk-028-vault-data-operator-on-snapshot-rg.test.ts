import { describe, expect, it } from "vitest";
import { ROLE_GUID, SNAPSHOT_RG_ID, SUB, VAULT_PRINCIPAL, assignment, backupInstance, binding, cluster, extension, run, storageAccount, vault } from "./harness.js";
import { expectCase, type Case } from "./harness-extra.js";
import { customRole, roleCommand, standardRoleCases, type RoleCase } from "./harness-roles.js";

const ID = "AKSBK-028";
const DOMD = "Data Operator for Managed Disks";
const base = () => [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding()];

// Low severity: every "missing" is a warn, not a fail.
const standard = standardRoleCases({
  principal: VAULT_PRINCIPAL,
  principalLabel: "backup vault bv-1",
  role: { guid: ROLE_GUID.dataOperatorForManagedDisks, name: DOMD },
  target: SNAPSHOT_RG_ID,
  subscriptionId: SUB,
  prefixSibling: `/subscriptions/${SUB}/resourceGroups/rg-aks-snap`,
  child: `${SNAPSHOT_RG_ID}/providers/Microsoft.Compute/snapshots/snap-1`,
  base,
  failStatus: "warn",
  supersets: [],
  notCovering: [
    { guid: ROLE_GUID.owner, name: "Owner", why: "Owner has no data actions" },
    { guid: ROLE_GUID.contributor, name: "Contributor", why: "no data actions" },
    { guid: ROLE_GUID.diskSnapshotContributor, name: "Disk Snapshot Contributor", why: "control-plane snapshot actions only" },
  ],
  customCovering: { dataActions: ["Microsoft.Compute/*/download/action", "Microsoft.Compute/*/upload/action"] },
  // The same operations as (control-plane) actions are not data actions.
  customNotCovering: { actions: ["Microsoft.Compute/*"] },
});

const specific: (Case | RoleCase)[] = [
  {
    name: "a custom role with Microsoft.Compute/* data actions minus the snapshot uploads does not cover it",
    resources: [
      ...base(),
      customRole("c0c0c0c0-2222-4222-8222-000000000001", "Disk IO Minus Uploads", { dataActions: ["Microsoft.Compute/*"], notDataActions: ["Microsoft.Compute/snapshots/upload/action"] }),
      assignment(VAULT_PRINCIPAL, "c0c0c0c0-2222-4222-8222-000000000001", SNAPSHOT_RG_ID),
    ],
    status: "warn",
    evidence: ['"Disk IO Minus Uploads"'],
    remediation: [roleCommand(VAULT_PRINCIPAL, DOMD, SNAPSHOT_RG_ID)],
  },
  {
    name: "no backup instance (vault through the binding): unknown naming the snapshot RG",
    resources: [cluster(), vault(), binding()],
    status: "unknown",
    evidence: ["snapshot resource group", "AKSBK-030"],
  },
  {
    name: "no vault: unknown, not warn",
    resources: [cluster()],
    status: "unknown",
    evidence: ["no backup vault is associated with this cluster"],
  },
];

describe(`${ID} vault Data Operator for Managed Disks on the snapshot resource group`, () => {
  it.each([...standard, ...specific] as Case[])("$name", (c) => {
    expectCase(ID, c);
  });

  it("warn remediation is exactly the az role assignment command", () => {
    const r = run(ID, base());
    expect(r.status).toBe("warn");
    expect(r.severity).toBe("low");
    expect(r.remediation).toBe(
      `az role assignment create --assignee-object-id ${VAULT_PRINCIPAL} --assignee-principal-type ServicePrincipal --role "Data Operator for Managed Disks" --scope ${SNAPSHOT_RG_ID}`,
    );
  });
});
