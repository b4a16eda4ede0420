import { describe, expect, it } from "vitest";
import { CLUSTER_ID, RG, SUB, VAULT_ID, backupInstance, binding, cluster, run, vault } from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { exampleBodyWith, exampleList } from "./harness-roles.js";

const ID = "AKSBK-021";
const ROLE = "Microsoft.DataProtection/backupVaults/backup-operator";
const OTHER_VAULT = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-2`;
const create = (vaultId: string) =>
  `az aks trustedaccess rolebinding create --resource-group ${RG} --cluster-name aks-1 --subscription ${SUB} --name backup-operator-binding --source-resource-id ${vaultId} --roles ${ROLE}`;

/** Microsoft's TrustedAccessRoleBindings examples (a Machine Learning workspace's binding), moved onto the harness cluster. */
const rehome = {
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1": CLUSTER_ID,
};
const ML_BINDING = exampleBodyWith("containerservice/TrustedAccessRoleBindings_Get.json", rehome);
const [ML_LISTED] = exampleList("containerservice/TrustedAccessRoleBindings_List.json", rehome);
if (!ML_LISTED) throw new Error("TrustedAccessRoleBindings_List.json has no binding");

const cases: Case[] = [
  {
    name: "a backup-operator binding whose source is the vault of the backup instance passes",
    resources: [cluster(), vault(), backupInstance(), binding()],
    status: "pass",
    evidence: ["backup-binding", VAULT_ID, ROLE],
  },
  {
    name: "role and source id in other casings (Resource Graph style) still match",
    resources: [
      cluster(),
      vault(),
      backupInstance(),
      binding({ type: "microsoft.containerservice/managedclusters/trustedaccessrolebindings", properties: { roles: [ROLE.toLowerCase()], sourceResourceId: `${VAULT_ID.toLowerCase()}/` } }),
    ],
    status: "pass",
  },
  {
    name: "a binding carrying the role among others passes",
    resources: [cluster(), vault(), backupInstance(), binding({ properties: { roles: ["Microsoft.MachineLearningServices/workspaces/reader", ROLE] } })],
    status: "pass",
  },
  {
    name: "no backup instance: the vault is the binding's source, pass",
    resources: [cluster(), vault(), binding()],
    status: "pass",
    evidence: [VAULT_ID],
  },
  {
    name: "a binding for another vault than the backup instance's fails, listing it",
    resources: [cluster(), vault(), backupInstance(), binding({ properties: { sourceResourceId: OTHER_VAULT } })],
    status: "fail",
    evidence: [`backup vault ${VAULT_ID}`, "found via the backup instance", `backup-binding → ${OTHER_VAULT}`],
    remediation: [create(VAULT_ID)],
  },
  {
    name: "the binding for the right vault but without the backup-operator role fails",
    resources: [cluster(), vault(), backupInstance(), binding({ properties: { roles: ["Microsoft.DataProtection/backupVaults/reader"] } })],
    status: "fail",
    evidence: [VAULT_ID],
    notEvidence: ["other vaults"],
    remediation: [create(VAULT_ID)],
  },
  {
    name: "Microsoft's TrustedAccessRoleBindings_Get example (an ML workspace binding) does not count: fail",
    resources: [cluster(), vault(), backupInstance(), ML_BINDING],
    status: "fail",
    evidence: [VAULT_ID],
    remediation: [create(VAULT_ID)],
  },
  {
    name: "the backup-operator role granted to something that is not a backup vault does not count",
    resources: [cluster(), vault(), backupInstance(), { ...ML_LISTED, properties: { roles: [ROLE], sourceResourceId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/b/providers/Microsoft.MachineLearningServices/workspaces/c" } }],
    status: "fail",
    remediation: [create(VAULT_ID)],
  },
  {
    name: "no vault and no binding fails (no binding carries the role)",
    resources: [cluster()],
    status: "fail",
    evidence: ["no trusted-access binding", "no backup vault is associated"],
    remediation: ["az aks trustedaccess rolebinding create", `--roles ${ROLE}`, "--source-resource-id '<backup vault id>'"],
  },
  {
    name: "no vault, only the ML binding: fail",
    resources: [cluster(), ML_LISTED],
    status: "fail",
    remediation: ["--source-resource-id '<backup vault id>'"],
  },
  {
    name: "backup instances not collected and no backup-operator binding: still fail (no binding carries the role, whatever the vault)",
    resources: [cluster(), vault()],
    options: { collected: allKindsBut("backupInstances") },
    status: "fail",
    evidence: ["no trusted-access binding", "backupInstances were not collected"],
    remediation: ["az aks trustedaccess rolebinding create"],
  },
  {
    name: "trusted-access bindings not collected: unknown",
    resources: [cluster(), vault(), backupInstance()],
    options: { collected: allKindsBut("trustedAccessRoleBindings") },
    status: "unknown",
    evidence: ["trustedAccessRoleBindings were not collected"],
  },
  {
    name: "a bindings collection error for this cluster: unknown, quoting it",
    resources: [cluster(), vault(), backupInstance()],
    options: { errors: [{ kind: "trustedAccessRoleBindings", resourceId: CLUSTER_ID, message: "AuthorizationFailed: Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read" }] },
    status: "unknown",
    evidence: ["AuthorizationFailed"],
  },
  {
    name: "a bindings collection error for another cluster does not matter",
    resources: [cluster(), vault(), backupInstance(), binding()],
    options: { errors: [{ kind: "trustedAccessRoleBindings", resourceId: `${CLUSTER_ID}-2`, message: "AuthorizationFailed" }] },
    status: "pass",
  },
  {
    name: "a bindings collection error for the subscription: unknown",
    resources: [cluster(), vault(), backupInstance(), binding()],
    options: { errors: [{ kind: "trustedAccessRoleBindings", subscriptionId: SUB, message: "AuthorizationFailed" }] },
    status: "unknown",
    evidence: ["trustedAccessRoleBindings were not collected"],
  },
];

describe(`${ID} trusted access from the vault`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });

  it("the fail remediation is the exact az command for the resolved vault", () => {
    const r = run(ID, [cluster(), vault(), backupInstance()]);
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe(create(VAULT_ID));
  });
});
