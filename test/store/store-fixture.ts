import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { factoryFromConnectionString } from "../../src/store/connect.js";
import { ResultsStore, type PersistInput, type TableFactory } from "../../src/store/results-store.js";
import type { AuditReport, CheckResult, ClusterReport } from "../../src/model/types.js";
import { clusterStatus } from "../../src/checks/evaluate.js";

/** A store on the shared Azurite with tables of its own. */
export async function freshStore(factory?: TableFactory): Promise<ResultsStore> {
  const store = new ResultsStore(factory ?? factoryFromConnectionString(inject("tablesConnectionString")), `t${randomBytes(5).toString("hex")}`);
  await store.ensureTables();
  return store;
}

export const SUB_A = "aaaaaaaa-0000-0000-0000-000000000001";
export const SUB_B = "bbbbbbbb-0000-0000-0000-000000000002";

export function clusterId(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export function checks(statuses: Record<string, CheckResult["status"]> = {}): CheckResult[] {
  return ["AKSBK-001", "AKSBK-011", "AKSBK-022", "AKSBK-040"].map((id) => ({
    id,
    status: statuses[id] ?? "pass",
    severity: id === "AKSBK-040" ? "low" : "high",
    title: `title of ${id}`,
    evidence: `evidence of ${id}`,
  }));
}

export function clusterReport(id: string, statuses: Record<string, CheckResult["status"]> = {}): ClusterReport {
  const c = checks(statuses);
  const parts = id.split("/");
  return { id, name: parts[parts.length - 1] ?? id, subscriptionId: parts[2] ?? "", resourceGroup: parts[4] ?? "", location: "westeurope", status: clusterStatus(c), checks: c };
}

export function report(clusters: ClusterReport[]): AuditReport {
  const summary = { clusters: clusters.length, compliant: 0, nonCompliant: 0, unknown: 0 };
  for (const c of clusters) {
    if (c.status === "compliant") summary.compliant++;
    else if (c.status === "non_compliant") summary.nonCompliant++;
    else summary.unknown++;
  }
  return { schema: "aks-backup-auditor/report@1", generatedAt: new Date().toISOString(), summary, clusters };
}

export function input(clusters: ClusterReport[], observedAt: string, extra: Partial<PersistInput> = {}): PersistInput {
  return { report: report(clusters), runId: `run-${observedAt}`, trigger: "test", observedAt: new Date(observedAt), completeSubscriptions: [], startedAt: new Date(), scope: "test", ...extra };
}
