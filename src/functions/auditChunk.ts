/**
 * Activity: audit one slice of a run's snapshot — hundreds of clusters, never one — and persist the
 * verdicts. The snapshot's parts are read, merged and indexed once per worker (FleetCache): the slice
 * is of the merged cluster list, and relations across parts resolve. Only the slice's clusters are
 * evaluated. Idempotent: persisting the same verdicts again writes nothing (content hashes).
 */
import type { InvocationContext } from "@azure/functions";
import { z } from "zod";
import { evaluateFleet } from "../checks/evaluate.js";
import { suppressionLookup } from "../store/results-store.js";
import { log, metric } from "./shared/log.js";
import type { Clock, StoreFor } from "./shared/ports.js";
import type { FleetCache } from "./shared/snapshots.js";

export const AUDIT_CHUNK_ACTIVITY = "auditChunk";

export interface AuditChunkInput {
  runId: string;
  /** The run's snapshot parts, in part order. */
  blobNames: string[];
  offset: number;
  count: number;
  trigger: string;
  startedAt: string;
}

export interface AuditChunkResult {
  offset: number;
  audited: number;
  compliant: number;
  nonCompliant: number;
  unknown: number;
  written: number;
  transactions: number;
}

export const auditChunkInputSchema = z.object({
  runId: z.string().min(1).max(200),
  blobNames: z.array(z.string().min(1).max(1024)).min(1).max(10_000),
  offset: z.number().int().min(0),
  count: z.number().int().min(1).max(5000),
  trigger: z.string().min(1).max(50),
  startedAt: z.iso.datetime({ offset: true }),
});

export function createAuditChunkActivity(deps: { store: StoreFor; cache: FleetCache; clock: Clock }) {
  return async (rawInput: unknown, context: InvocationContext): Promise<AuditChunkResult> => {
    const input = auditChunkInputSchema.parse(rawInput);
    const { runId } = input;
    const now = deps.clock();
    const loaded = await deps.cache.load(input.blobNames, now);
    const slice = new Set(loaded.clusterIds.slice(input.offset, input.offset + input.count));
    const store = await deps.store();
    const suppressions = suppressionLookup(await store.listSuppressions(), now);
    const related = new Map<string, string[]>();
    const report = evaluateFleet(loaded.fleet, { generatedAt: now, only: (id) => slice.has(id), related, suppressions: (id, check) => suppressions(id, check) });
    const stats = await store.persist({
      report,
      runId,
      trigger: input.trigger,
      observedAt: loaded.collectedAt ?? now,
      completeSubscriptions: [],
      startedAt: new Date(input.startedAt),
      scope: `chunk ${input.offset}+${input.count}`,
      relatedScopes: related,
      recordRun: false,
    });
    const s = report.summary;
    log(context, "info", "chunk.audited", { runId, offset: input.offset, audited: s.clusters, nonCompliant: s.nonCompliant, written: stats.entitiesWritten, unchanged: stats.unchanged, stale: stats.stale });
    metric(context, "clustersAudited", s.clusters, { runId, offset: input.offset });
    return { offset: input.offset, audited: s.clusters, compliant: s.compliant, nonCompliant: s.nonCompliant, unknown: s.unknown, written: stats.entitiesWritten, transactions: stats.transactions };
  };
}
