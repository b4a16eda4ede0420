import { describe, expect, it } from "vitest";
import { CLUSTER_ID, INSTANCE_ID, SUB, VAULT_ID, backupInstance, cluster, run, vault } from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { exampleBodyWith } from "./harness-roles.js";

const ID = "AKSBK-030";
const ENABLE = `az dataprotection enable-backup trigger --datasource-type AzureKubernetesService --datasource-id ${CLUSTER_ID}`;
const RESUME = `az dataprotection backup-instance resume-protection --ids ${INSTANCE_ID}`;

/** Only `currentProtectionState` (protectionStatus.status removed). */
const inState = (state: string, patch: Record<string, unknown> = {}) =>
  backupInstance({ ...patch, properties: { currentProtectionState: state, protectionStatus: undefined, ...((patch["properties"] as object) ?? {}) } });
/** Only `protectionStatus.status` (the fallback). */
const inStatus = (status: string) => backupInstance({ properties: { currentProtectionState: undefined, protectionStatus: { status } } });

/** Microsoft's AKS backup instance example (200 body: protectionStatus NotProtected, no currentProtectionState), moved onto the harness cluster and vault. */
const K8S_INSTANCE = exampleBodyWith("dataprotection/BackupInstanceOperations/PutBackupInstance_KubernetesClusterBackupDatasourceParameters.json", {
  "62b829ee-7936-40c9-a1c9-47a93f9f3965": SUB,
  "resourceGroups/aksrg/providers/Microsoft.ContainerService/managedClusters/akscluster": "resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1",
  "resourceGroups/aksrg/providers/Microsoft.DataProtection/backupVaults/aksvault": "resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1",
});

const FAILING = ["ProtectionError", "ConfiguringProtectionFailed", "ProtectionStopped", "BackupSchedulesSuspended", "RetentionSchedulesSuspended", "SoftDeleting", "SoftDeleted", "NotProtected", "Invalid"];
const RESUMABLE = new Set(["ProtectionStopped", "BackupSchedulesSuspended", "RetentionSchedulesSuspended"]);
const IN_PROGRESS = ["ConfiguringProtection", "UpdatingProtection"];

const cases: Case[] = [
  {
    name: "currentProtectionState ProtectionConfigured passes",
    resources: [cluster(), vault(), inState("ProtectionConfigured")],
    status: "pass",
    evidence: ["aks-1-instance", VAULT_ID, "ProtectionConfigured"],
  },
  {
    name: "protectionStatus.status ProtectionConfigured (no currentProtectionState) passes: the fallback",
    resources: [cluster(), inStatus("ProtectionConfigured")],
    status: "pass",
  },
  {
    name: "currentProtectionState wins over protectionStatus.status",
    resources: [cluster(), backupInstance({ properties: { currentProtectionState: "ProtectionError", protectionStatus: { status: "ProtectionConfigured" } } })],
    status: "fail",
    evidence: ["ProtectionError"],
    remediation: [ENABLE],
  },
  {
    name: "state in another casing (protectionconfigured) passes",
    resources: [cluster(), inState("protectionconfigured")],
    status: "pass",
  },
  ...FAILING.map(
    (s): Case => ({
      name: `currentProtectionState ${s} fails`,
      resources: [cluster(), vault(), inState(s)],
      status: "fail",
      evidence: [`is ${s}`, "aks-1-instance"],
      remediation: RESUMABLE.has(s) ? [RESUME] : [ENABLE, `az dataprotection backup-instance show --ids ${INSTANCE_ID}`],
    }),
  ),
  ...FAILING.map(
    (s): Case => ({
      name: `protectionStatus.status ${s} (fallback) fails`,
      resources: [cluster(), inStatus(s)],
      status: "fail",
      evidence: [`is ${s}`],
      remediation: [RESUMABLE.has(s) ? RESUME : ENABLE],
    }),
  ),
  ...IN_PROGRESS.map(
    (s): Case => ({
      name: `currentProtectionState ${s} is unknown (in progress)`,
      resources: [cluster(), inState(s)],
      status: "unknown",
      evidence: [s],
    }),
  ),
  ...IN_PROGRESS.map(
    (s): Case => ({
      name: `protectionStatus.status ${s} is unknown (in progress)`,
      resources: [cluster(), inStatus(s)],
      status: "unknown",
      evidence: [s],
    }),
  ),
  {
    name: "an instance showing neither field is unknown",
    resources: [cluster(), backupInstance({ properties: { currentProtectionState: undefined, protectionStatus: undefined } })],
    status: "unknown",
    evidence: ["neither currentProtectionState nor protectionStatus.status"],
  },
  {
    name: "Microsoft's AKS backup instance example (protectionStatus NotProtected) fails",
    resources: [cluster(), vault(), K8S_INSTANCE],
    status: "fail",
    evidence: ["aksbi", "NotProtected"],
    remediation: [ENABLE],
  },
  {
    name: "the protection error message is quoted",
    resources: [cluster(), inState("ProtectionError", { properties: { protectionErrorDetails: { code: "UserErrorMissingRoles", message: "The vault lacks Reader on the cluster." } } })],
    status: "fail",
    evidence: ["The vault lacks Reader on the cluster."],
    remediation: [ENABLE],
  },
  {
    name: "several instances: one ProtectionConfigured is preferred (listed after a failed one)",
    resources: [
      cluster(),
      backupInstance({ id: `${VAULT_ID}/backupInstances/old`, name: "old", properties: { currentProtectionState: "ProtectionStopped" } }),
      backupInstance({ id: `/subscriptions/${SUB}/resourceGroups/rg-dr/providers/Microsoft.DataProtection/backupVaults/bv-dr/backupInstances/new`, name: "new" }),
    ],
    status: "pass",
    evidence: ["backup instance new", "bv-dr"],
  },
  {
    name: "several instances, none ProtectionConfigured: fail",
    resources: [
      cluster(),
      backupInstance({ id: `${VAULT_ID}/backupInstances/a`, name: "a", properties: { currentProtectionState: "ProtectionStopped" } }),
      backupInstance({ id: `${VAULT_ID}/backupInstances/b`, name: "b", properties: { currentProtectionState: "ProtectionError" } }),
    ],
    status: "fail",
    remediation: ["az dataprotection"],
  },
  {
    name: "the instance names the cluster in another casing with a trailing slash: still this cluster's",
    resources: [cluster(), backupInstance({ properties: { dataSourceInfo: { resourceID: `${CLUSTER_ID.toLowerCase()}/` } } })],
    status: "pass",
  },
  {
    name: "no backup instance fails",
    resources: [cluster(), vault()],
    status: "fail",
    evidence: ["no backup instance", "dataSourceInfo.resourceID"],
    remediation: [ENABLE],
  },
  {
    name: "an instance protecting another cluster (a prefix-named one) does not count",
    resources: [cluster(), backupInstance({ properties: { dataSourceInfo: { resourceID: `${CLUSTER_ID}0` } } })],
    status: "fail",
    evidence: ["no backup instance"],
    remediation: [ENABLE],
  },
  {
    name: "backup instances not collected: unknown",
    resources: [cluster(), vault()],
    options: { collected: allKindsBut("backupInstances") },
    status: "unknown",
    evidence: ["backupInstances were not collected"],
  },
  {
    name: "a backupInstances collection error for the subscription: unknown, quoting it",
    resources: [cluster(), vault()],
    options: { errors: [{ kind: "backupInstances", subscriptionId: SUB, message: "Resource Graph throttled" }] },
    status: "unknown",
    evidence: ["Resource Graph throttled"],
  },
  {
    name: "an instance present while its kind is said not collected: the instance decides",
    resources: [cluster(), backupInstance()],
    options: { collected: allKindsBut("backupInstances") },
    status: "pass",
  },
];

describe(`${ID} backup instance protects the cluster`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });

  it("every state checks.md lists is covered", () => {
    expect(FAILING).toHaveLength(9);
    expect(IN_PROGRESS).toHaveLength(2);
  });

  it("the no-instance remediation is the exact enable-backup command", () => {
    expect(run(ID, [cluster()]).remediation).toBe(ENABLE);
  });
});
