/** Library entry point: the offline audit pipeline, for the CLI, the Functions app and the benchmark. */
import { evaluateFleet, type EvaluateOptions } from "./checks/evaluate.js";
import { readSnapshots, type MergedSnapshot } from "./inventory/snapshot.js";
import { Fleet, INDEXED_TYPES } from "./model/fleet.js";
import type { AuditReport } from "./model/types.js";

export interface RunAuditOptions extends EvaluateOptions {
  snapshotPaths: readonly string[];
  /** Reference time when the input states no `collectedAt`. */
  now?: Date;
}

export interface AuditRun {
  report: AuditReport;
  snapshot: Omit<MergedSnapshot, "resources">;
}

export async function auditSnapshots(opts: RunAuditOptions): Promise<AuditRun> {
  const merged = await readSnapshots(opts.snapshotPaths, { onlyTypes: INDEXED_TYPES });
  const fleet = new Fleet(merged, opts.now);
  const report = evaluateFleet(fleet, opts);
  const { resources: _unused, ...snapshot } = merged;
  void _unused;
  return { report, snapshot };
}

/** Audit snapshot files and resolve to the report (contracts.md §2). */
export async function runAudit(opts: RunAuditOptions): Promise<AuditReport> {
  return (await auditSnapshots(opts)).report;
}

export { evaluateFleet } from "./checks/evaluate.js";
export { CHECKS } from "./checks/registry.js";
export { Fleet } from "./model/fleet.js";
export { readSnapshots, SnapshotError } from "./inventory/snapshot.js";
export type * from "./model/types.js";
