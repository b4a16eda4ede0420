import { describe, expect, it } from "vitest";
import { ClusterView } from "../../src/checks/cluster-view.js";
import { evaluateCluster } from "../../src/checks/evaluate.js";
import { CHECKS } from "../../src/checks/registry.js";
import { Fleet } from "../../src/model/fleet.js";
import { KINDS, type Kind } from "../../src/model/types.js";
import { CLUSTER_ID, INSTANCE_ID, REFERENCE_TIME, SUB, VAULT_ID, backupInstance, cluster, job, run, vault } from "./harness.js";
import { allKindsBut, expectCase, type Case } from "./harness-extra.js";
import { exampleList } from "./harness-roles.js";

const ID = "AKSBK-031";
const H = 3600_000;
const M = 60_000;
const at = (msBefore: number, ref = REFERENCE_TIME) => new Date(ref.getTime() - msBefore).toISOString();
/** A Backup job that ended `msBefore` the reference time with `status`. */
const ended = (name: string, msBefore: number, status = "Completed", patch: Record<string, unknown> = {}) =>
  job(name, { ...patch, properties: { status, startTime: at(msBefore + 10 * M), endTime: at(msBefore), ...((patch["properties"] as object) ?? {}) } });
const FIX = ["az dataprotection job list", `az dataprotection backup-instance adhoc-backup --ids ${INSTANCE_ID}`];
const base = () => [cluster(), vault(), backupInstance()];

/** Microsoft's ListJobs example: a Succeeded job and a Started one moved onto the harness instance. */
const BUGBASH = "/subscriptions/62b829ee-7936-40c9-a1c9-47a93f9f3965/resourceGroups/BugBash1/providers/Microsoft.DataProtection/backupVaults/BugBashVaultForCCYv11/backupInstances/";
const LISTED = exampleList("dataprotection/JobCRUD/ListJobs.json", {
  [`${BUGBASH}0b247869-b8be-4885-b832-8ac4cdf5b00e`]: INSTANCE_ID,
  [`${BUGBASH}28460a9d-707a-45f3-ace6-b16284c2900e`]: INSTANCE_ID,
});

const cases: Case[] = [
  {
    name: "latest Backup job Completed 10 h before collectedAt passes",
    resources: [...base(), ended("job-ok", 10 * H)],
    status: "pass",
    evidence: ["job-ok", "Completed", at(10 * H), "10.0 h before", "the snapshot's collectedAt", REFERENCE_TIME.toISOString()],
  },
  { name: "47 h 59 min before: pass", resources: [...base(), ended("job", 47 * H + 59 * M)], status: "pass" },
  { name: "exactly 48 h before: pass (within 48 h)", resources: [...base(), ended("job", 48 * H)], status: "pass" },
  {
    name: "48 h 01 min before: fail (older than 48 h)",
    resources: [...base(), ended("job", 48 * H + M)],
    status: "fail",
    evidence: ["older than 48 h", at(48 * H + M)],
    remediation: FIX,
  },
  {
    name: "the latest job Failed (an older one Completed): fail",
    resources: [...base(), ended("job-old", 5 * H), ended("job-new", 1 * H, "Failed")],
    status: "fail",
    evidence: ["job-new", "ended Failed"],
    remediation: FIX,
  },
  {
    name: "the latest job Cancelled: fail",
    resources: [...base(), ended("job-old", 5 * H), ended("job-new", 1 * H, "Cancelled")],
    status: "fail",
    evidence: ["job-new", "Cancelled"],
    remediation: FIX,
  },
  {
    name: "an older Failed, the latest Completed: pass",
    resources: [...base(), ended("job-old", 5 * H, "Failed"), ended("job-new", 1 * H)],
    status: "pass",
    evidence: ["job-new"],
  },
  {
    name: "latest by endTime, not by list order or startTime",
    resources: [
      ...base(),
      ended("job-late", 2 * H, "Failed"),
      // Started earlier but ended later.
      job("job-long", { properties: { status: "Completed", startTime: at(30 * H), endTime: at(1 * H) } }),
    ],
    status: "pass",
    evidence: ["job-long"],
  },
  {
    name: "CompletedWithWarnings counts as a success",
    resources: [...base(), ended("job-warn", 3 * H, "CompletedWithWarnings")],
    status: "pass",
    evidence: ["CompletedWithWarnings"],
  },
  {
    name: "a newer failed Restore job (operationCategory Restore) is ignored",
    resources: [...base(), ended("job-backup", 5 * H), ended("job-restore", 1 * H, "Failed", { properties: { operationCategory: "Restore", operation: "Restore" } })],
    status: "pass",
    evidence: ["job-backup"],
    notEvidence: ["job-restore"],
  },
  {
    name: "only non-Backup jobs: no finished backup job, fail",
    resources: [...base(), ended("job-restore", 1 * H, "Completed", { properties: { operationCategory: "Restore" } })],
    status: "fail",
    evidence: ["no finished backup job"],
    remediation: FIX,
  },
  {
    name: "operationCategory in another casing still counts",
    resources: [...base(), ended("job-lc", 1 * H, "Completed", { properties: { operationCategory: "backup" } })],
    status: "pass",
  },
  {
    name: "a newer in-progress job is ignored (the latest finished one decides)",
    resources: [...base(), ended("job-done", 6 * H), job("job-running", { properties: { status: "InProgress", startTime: at(1 * H), endTime: undefined } })],
    status: "pass",
    evidence: ["job-done"],
    notEvidence: ["job-running"],
  },
  {
    name: "a newer in-progress job does not hide a failed latest finished one",
    resources: [...base(), ended("job-failed", 6 * H, "Failed"), job("job-started", { properties: { status: "Started", startTime: at(1 * H), endTime: undefined } })],
    status: "fail",
    evidence: ["job-failed"],
    remediation: FIX,
  },
  {
    name: "only in-progress jobs: fail (no finished job)",
    resources: [...base(), job("job-running", { properties: { status: "InProgress", endTime: undefined } })],
    status: "fail",
    evidence: ["no finished backup job"],
    remediation: FIX,
  },
  {
    name: "a job linked by dataSourceId when backupInstanceId is absent",
    resources: [...base(), ended("job-ds", 2 * H, "Completed", { properties: { backupInstanceId: undefined, dataSourceId: CLUSTER_ID.toLowerCase() } })],
    status: "pass",
    evidence: ["job-ds"],
  },
  {
    name: "a job of another instance (backupInstanceId set) is not linked by its dataSourceId",
    resources: [...base(), ended("job-other", 2 * H, "Completed", { properties: { backupInstanceId: `${VAULT_ID}/backupInstances/other` } })],
    status: "fail",
    evidence: ["no finished backup job"],
    remediation: FIX,
  },
  {
    name: "backupInstanceId in another casing with a trailing slash still links",
    resources: [...base(), ended("job-case", 2 * H, "Completed", { properties: { backupInstanceId: `${INSTANCE_ID.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")}/`, dataSourceId: undefined } })],
    status: "pass",
  },
  {
    name: "no jobs at all: fail",
    resources: base(),
    status: "fail",
    evidence: ["no finished backup job", "aks-1-instance"],
    remediation: FIX,
  },
  {
    name: "no backup instance: not applicable",
    resources: [cluster(), vault(), ended("job-orphan", 1 * H)],
    status: "not_applicable",
    evidence: ["no backup instance"],
  },
  {
    name: "no backup instance and jobs not collected: still not applicable",
    resources: [cluster(), vault()],
    options: { collected: allKindsBut("backupJobs") },
    status: "not_applicable",
  },
  {
    name: "backup instances not collected: unknown",
    resources: [cluster(), vault(), ended("job", 1 * H)],
    options: { collected: allKindsBut("backupInstances") },
    status: "unknown",
    evidence: ["backupInstances were not collected"],
  },
  {
    name: "backup jobs not collected: unknown",
    resources: base(),
    options: { collected: allKindsBut("backupJobs") },
    status: "unknown",
    evidence: ["backupJobs were not collected"],
  },
  {
    name: "a backupJobs collection error for the subscription: unknown, quoting it",
    resources: [...base(), ended("job", 1 * H)],
    options: { errors: [{ kind: "backupJobs", subscriptionId: SUB, message: "Resource Graph: 429 Too Many Requests" }] },
    status: "unknown",
    evidence: ["429 Too Many Requests"],
  },
  {
    name: "the reference time is collectedAt: a job 10 h before now but 3 days before collectedAt is too old",
    resources: [...base(), ended("job", 10 * H)],
    options: { collectedAt: new Date(REFERENCE_TIME.getTime() + 72 * H) },
    status: "fail",
    evidence: ["older than 48 h", new Date(REFERENCE_TIME.getTime() + 72 * H).toISOString()],
    remediation: FIX,
  },
  {
    name: "the reference time is collectedAt: an old snapshot whose job was recent then passes",
    resources: [...base(), ended("job", 10 * H, "Completed", { properties: { endTime: "2025-01-01T00:00:00Z", startTime: "2024-12-31T23:50:00Z" } })],
    options: { collectedAt: new Date("2025-01-02T12:00:00Z") },
    status: "pass",
    evidence: ["2025-01-02T12:00:00.000Z", "36.0 h before"],
  },
  {
    name: "Microsoft's ListJobs example: the Succeeded job (a finished success) decides, the Started one is ignored",
    resources: [...base(), ...LISTED],
    options: { collectedAt: new Date("2021-03-18T12:00:00Z") },
    status: "pass",
    evidence: ["43252662-1b43-44fd-a856-0055665cb097", "Succeeded"],
  },
  {
    name: "Microsoft's ListJobs example three days later: too old",
    resources: [...base(), ...LISTED],
    options: { collectedAt: new Date("2021-03-20T12:00:00Z") },
    status: "fail",
    evidence: ["older than 48 h"],
    remediation: FIX,
  },
];

describe(`${ID} recent successful backup`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });

  it("without collectedAt the reference time is now", () => {
    const now = new Date("2030-06-01T00:00:00Z");
    const fleet = new Fleet({ resources: [...base(), ended("job", 47 * H, "Completed", { properties: { endTime: "2030-05-31T00:00:00Z" } })], collected: new Set<Kind>(KINDS), errors: [], collectedAt: undefined }, now);
    const def = CHECKS.find((c) => c.id === ID);
    if (!def || !fleet.clusters[0]) throw new Error("setup");
    const [r] = evaluateCluster(new ClusterView(fleet.clusters[0], fleet), { checks: [def] }).checks;
    expect(r?.status).toBe("pass");
    expect(r?.evidence).toContain("2030-06-01T00:00:00.000Z (now)");
  });

  it("the remediation lists the instance's jobs and starts an on-demand backup", () => {
    const r = run(ID, base());
    expect(r.remediation).toContain(`az dataprotection job list --subscription ${SUB} --resource-group rg-backup --vault-name bv-1 `);
    expect(r.remediation).toContain(`adhoc-backup --ids ${INSTANCE_ID}`);
    expect(r.remediation).toContain(`--rule-name '<backup rule of the policy>'`); // quoted: pasting it is no redirection
  });
});
