/**
 * Activity: end a fleet run. Clusters stored under the subscriptions the run listed completely but
 * absent from its snapshot parts are tombstoned (every cluster of the parts counts as seen, whether its
 * chunk succeeded or not; a failed collection batch's subscriptions are not complete, so nothing under
 * them is), and the run record is written with the totals of every chunk and every problem: the
 * collection batches that failed, the parts' collection errors and the chunks that failed.
 */
import type { InvocationContext } from "@azure/functions";
import { idKey } from "../model/arm-id.js";
import type { CollectionError } from "../model/types.js";
import { z } from "zod";
import { auditScopeSchema, collectionBatches, scopeLabel, type AuditScope } from "./shared/audit-scope.js";
import { log, metric } from "./shared/log.js";
import type { Clock, StoreFor } from "./shared/ports.js";
import type { FleetCache } from "./shared/snapshots.js";

export const FINISH_RUN_ACTIVITY = "finishRun";

export interface ChunkFailure {
  offset: number;
  count: number;
  error: string;
}

/** A collection batch (snapshot part) that failed every attempt: its clusters were not audited. */
export interface CollectFailure {
  part: number;
  /** Subscriptions in the batch (0: a management-group scope). */
  subscriptions: number;
  error: string;
}

export interface RunTotals {
  clusters: number;
  audited: number;
  compliant: number;
  nonCompliant: number;
  unknown: number;
  written: number;
  transactions: number;
}

export interface FinishRunInput {
  runId: string;
  /** The snapshot parts collected, in part order. */
  blobNames: string[];
  trigger: string;
  scope: AuditScope;
  startedAt: string;
  /** The run's batch size: with the scope, it names the subscriptions of a failed batch. */
  collectBatch: number;
  completeSubscriptions: string[];
  totals: RunTotals;
  failedCollections: CollectFailure[];
  failedChunks: ChunkFailure[];
}

export interface FinishRunResult {
  tombstoned: number;
  errors: number;
}

const totalsSchema = z.object({
  clusters: z.number().int().min(0),
  audited: z.number().int().min(0),
  compliant: z.number().int().min(0),
  nonCompliant: z.number().int().min(0),
  unknown: z.number().int().min(0),
  written: z.number().int().min(0),
  transactions: z.number().int().min(0),
});

export const finishRunInputSchema = z.object({
  runId: z.string().min(1).max(200),
  blobNames: z.array(z.string().min(1).max(1024)).max(10_000),
  trigger: z.string().min(1).max(50),
  scope: auditScopeSchema,
  startedAt: z.iso.datetime({ offset: true }),
  collectBatch: z.number().int().min(1).max(1000),
  completeSubscriptions: z.array(z.string()),
  totals: totalsSchema,
  failedCollections: z.array(z.object({ part: z.number().int().min(0), subscriptions: z.number().int().min(0), error: z.string() })),
  failedChunks: z.array(z.object({ offset: z.number().int(), count: z.number().int(), error: z.string() })),
});

export function createFinishRunActivity(deps: { store: StoreFor; cache: FleetCache; clock: Clock }) {
  return async (rawInput: unknown, context: InvocationContext): Promise<FinishRunResult> => {
    const input = finishRunInputSchema.parse(rawInput);
    const { runId } = input;
    const now = deps.clock();
    const loaded = await deps.cache.load(input.blobNames, now);
    const store = await deps.store();
    const observedAt = loaded.collectedAt ?? now;
    const startedAt = new Date(input.startedAt);
    const stats = await store.persist({
      report: { schema: "aks-backup-auditor/report@1", generatedAt: now.toISOString(), summary: { clusters: 0, compliant: 0, nonCompliant: 0, unknown: 0 }, clusters: [] },
      runId,
      trigger: input.trigger,
      observedAt,
      completeSubscriptions: input.completeSubscriptions,
      alsoSeen: new Set(loaded.clusterIds.map(idKey)),
      startedAt,
      scope: scopeLabel(input.scope),
      recordRun: false,
    });
    const batches = collectionBatches(input.scope, input.collectBatch);
    const errors: CollectionError[] = [
      ...input.failedCollections.map((f) => {
        const batch = batches[f.part];
        const what = batch?.subscriptions.length ? `subscriptions ${batch.subscriptions.join(", ")}` : batch?.managementGroups.length ? `management groups ${batch.managementGroups.join(", ")}` : "the scope";
        return { kind: "collection", message: `${what} (collection batch ${f.part + 1}) could not be collected, so their clusters were not audited and none was marked deleted: ${f.error}` };
      }),
      ...loaded.fleet.errors,
      ...input.failedChunks.map((f) => ({ kind: "audit", message: `clusters ${f.offset + 1}–${f.offset + f.count} of the snapshot were not audited: ${f.error}` })),
    ];
    // Event ids older than Event Grid's 24 h retry window cannot be redelivered: forget them.
    const pruned = await store.pruneEventLog(new Date(now.getTime() - 48 * 3600 * 1000));
    const t = input.totals;
    await store.recordRunSummary({
      runId,
      trigger: input.trigger,
      scope: scopeLabel(input.scope),
      startedAt: startedAt.toISOString(),
      finishedAt: now.toISOString(),
      durationMs: now.getTime() - startedAt.getTime(),
      clusters: t.audited,
      compliant: t.compliant,
      nonCompliant: t.nonCompliant,
      unknown: t.unknown,
      errors,
      written: t.written + stats.entitiesWritten,
      transactions: t.transactions + stats.transactions,
    });
    metric(context, "clustersAudited", t.audited, { runId, scope: "run" });
    metric(context, "nonCompliant", t.nonCompliant, { runId });
    log(context, input.failedChunks.length || input.failedCollections.length ? "warn" : "info", "run.finished", {
      runId,
      clusters: t.clusters,
      audited: t.audited,
      nonCompliant: t.nonCompliant,
      unknown: t.unknown,
      tombstoned: stats.tombstoned,
      eventIdsPruned: pruned,
      parts: input.blobNames.length,
      failedCollections: input.failedCollections.length,
      failedChunks: input.failedChunks.length,
      collectionErrors: loaded.fleet.errors.length,
    });
    return { tombstoned: stats.tombstoned, errors: errors.length };
  };
}
