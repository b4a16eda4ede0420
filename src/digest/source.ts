/**
 * What a digest is made from, read from the results store in four queries: the latest verdicts
 * (deleted ones too, so a digest can say what disappeared), every cluster-level status transition (one
 * row per status change per cluster — small next to the per-check history), the recent run records and
 * the suppressions.
 */
import type { ResultsStore, RunRecord, StoredSuppression, StoredVerdict, Transition } from "../store/results-store.js";

export interface DigestData {
  verdicts: StoredVerdict[];
  /** Cluster-level transitions (`checkId` "cluster"), any order. */
  transitions: Transition[];
  /** Newest first. */
  runs: RunRecord[];
  suppressions: StoredSuppression[];
}

export async function loadDigestData(store: ResultsStore, opts: { runs?: number } = {}): Promise<DigestData> {
  const verdicts: StoredVerdict[] = [];
  const transitions: Transition[] = [];
  const [runs, suppressions] = await Promise.all([
    // listRuns reads every run row anyway; keep enough for a trend of distinct days under event-driven re-audits.
    store.listRuns(opts.runs ?? 5000),
    store.listSuppressions(),
    (async () => {
      for await (const v of store.listVerdicts({ includeDeleted: true })) verdicts.push(v);
    })(),
    (async () => {
      const select = ["clusterId", "checkId", "from", "to", "at", "runId"];
      for await (const e of store.table("Transitions").listEntities<Record<string, unknown>>({ queryOptions: { filter: "checkId eq 'cluster'", select } })) {
        transitions.push({
          clusterId: String(e["clusterId"] ?? ""),
          checkId: "cluster",
          from: e["from"] ? String(e["from"]) : null,
          to: String(e["to"] ?? ""),
          at: String(e["at"] ?? ""),
          runId: String(e["runId"] ?? ""),
        });
      }
    })(),
  ]);
  return { verdicts, transitions, runs, suppressions };
}
