/**
 * Orchestration: one fleet audit. One collection sub-orchestration per batch of `collectBatch`
 * subscriptions (a management-group scope is one batch), each running the collectInventory activity
 * and writing its own snapshot part (fan-out, fan-in) → ⌈clusters / chunkSize⌉ chunk sub-orchestrations
 * over the merged parts, each running the auditChunk activity (fan-out, fan-in) → finishRun. Only
 * references and counts travel through the history (blob names, offsets, totals), so it stays small for
 * 10,000+ clusters: a 10,000-cluster fleet is 34 chunks of 300. A batch or a chunk that still fails
 * after its retries is reported in the run, not fatal to the others; a failed batch's subscriptions are
 * not audited and nothing stored under them is tombstoned.
 * Deterministic: time from context.df.currentUtcDateTime, no I/O, no randomness; parts are aggregated
 * in part order.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";
import type { AuditChunkInput } from "./auditChunk.js";
import { AUDIT_CHUNK_ORCHESTRATOR, type ChunkOutcome } from "./auditChunkOrchestrator.js";
import type { CollectInventoryInput } from "./collectInventory.js";
import { COLLECT_INVENTORY_ORCHESTRATOR, type CollectOutcome } from "./collectInventoryOrchestrator.js";
import { FINISH_RUN_ACTIVITY, type ChunkFailure, type CollectFailure, type FinishRunInput, type FinishRunResult, type RunTotals } from "./finishRun.js";
import { auditScopeSchema, collectionBatches, type AuditScope } from "./shared/audit-scope.js";
import { log } from "./shared/log.js";
import { activityRetry } from "./shared/retry.js";

export const FLEET_AUDIT_ORCHESTRATOR = "fleetAuditOrchestrator";

export type AuditTrigger = "timer" | "http" | "event";

export interface FleetAuditInput {
  runId: string;
  trigger: AuditTrigger;
  scope: AuditScope;
  chunkSize: number;
  /** Subscriptions per collection activity. */
  collectBatch: number;
}

export interface FleetAuditOutput extends RunTotals {
  runId: string;
  /** Collection batches (snapshot parts). */
  parts: number;
  failedCollections: CollectFailure[];
  chunks: number;
  failedChunks: ChunkFailure[];
  /** Collection errors of the parts collected, plus one per failed batch. */
  collectionErrors: number;
  tombstoned: number;
}

export const fleetAuditInputSchema = z.object({
  runId: z.string().min(1).max(200),
  trigger: z.enum(["timer", "http", "event"]),
  scope: auditScopeSchema,
  chunkSize: z.number().int().min(1).max(5000),
  collectBatch: z.number().int().min(1).max(1000),
});

export function* fleetAuditOrchestrator(context: OrchestrationContext): Generator<Task, FleetAuditOutput, unknown> {
  const input = fleetAuditInputSchema.parse(context.df.getInput());
  const { runId, chunkSize, collectBatch } = input;
  const instanceId = context.df.instanceId;
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const retry = activityRetry();
  const say = (event: string, fields: Record<string, unknown>) => {
    if (!context.df.isReplaying) log(context, "info", event, { runId, instanceId, ...fields });
  };

  // Fan out over collection batches (sub-orchestrations that turn a failed batch into a value), fan in
  // with Task.all; the results come back in part order whatever order the batches finished in.
  const batches = collectionBatches(input.scope, collectBatch);
  const parts = batches.length;
  context.df.setCustomStatus({ phase: "collecting", parts });
  const collectTasks = batches.map((scope, part) => {
    const collectInput: CollectInventoryInput = { runId, scope, part };
    return context.df.callSubOrchestrator(COLLECT_INVENTORY_ORCHESTRATOR, collectInput, `${instanceId}-collect-${part}`);
  });
  const collected = (yield context.df.Task.all(collectTasks)) as CollectOutcome[];
  const inventory = { blobNames: [] as string[], clusters: 0, subscriptions: [] as string[], errors: 0 };
  const failedCollections: CollectFailure[] = [];
  const complete = new Set<string>();
  for (const o of [...collected].sort((a, b) => a.part - b.part)) {
    if (!o.ok) {
      const batch = batches[o.part];
      failedCollections.push({ part: o.part, subscriptions: batch?.subscriptions.length ?? 0, error: o.error });
      inventory.errors++;
      continue;
    }
    inventory.blobNames.push(o.blobName);
    inventory.clusters += o.clusters;
    inventory.errors += o.errors;
    for (const sub of o.subscriptions) {
      if (complete.has(sub.toLowerCase())) continue;
      complete.add(sub.toLowerCase());
      inventory.subscriptions.push(sub);
    }
  }
  say("fleet.collected", { parts, clusters: inventory.clusters, collectionErrors: inventory.errors, failedCollections: failedCollections.map((f) => f.part) });

  // Fan out over chunks (sub-orchestrations that turn a failed chunk into a value), fan in with Task.all.
  const chunkTasks: Task[] = [];
  for (let offset = 0; offset < inventory.clusters; offset += chunkSize) {
    const chunk: AuditChunkInput = { runId, blobNames: inventory.blobNames, offset, count: Math.min(chunkSize, inventory.clusters - offset), trigger: input.trigger, startedAt };
    chunkTasks.push(context.df.callSubOrchestrator(AUDIT_CHUNK_ORCHESTRATOR, chunk, `${instanceId}-chunk-${offset}`));
  }
  const chunks = chunkTasks.length;
  context.df.setCustomStatus({ phase: "auditing", parts, failedCollections: failedCollections.length, chunks });
  const outcomes = chunks ? ((yield context.df.Task.all(chunkTasks)) as ChunkOutcome[]) : [];
  const totals: RunTotals = { clusters: inventory.clusters, audited: 0, compliant: 0, nonCompliant: 0, unknown: 0, written: 0, transactions: 0 };
  const failedChunks: ChunkFailure[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      failedChunks.push({ offset: o.offset, count: o.count, error: o.error });
      continue;
    }
    totals.audited += o.audited;
    totals.compliant += o.compliant;
    totals.nonCompliant += o.nonCompliant;
    totals.unknown += o.unknown;
    totals.written += o.written;
    totals.transactions += o.transactions;
  }
  if (failedChunks.length) say("fleet.chunks-failed", { failedChunks: failedChunks.map((f) => f.offset) });

  context.df.setCustomStatus({ phase: "finishing", parts, failedCollections: failedCollections.length, chunks, failedChunks: failedChunks.length });
  const finishInput: FinishRunInput = {
    runId,
    blobNames: inventory.blobNames,
    trigger: input.trigger,
    scope: input.scope,
    startedAt,
    collectBatch,
    completeSubscriptions: inventory.subscriptions,
    totals,
    failedCollections,
    failedChunks,
  };
  const finished = (yield context.df.callActivityWithRetry(FINISH_RUN_ACTIVITY, retry, finishInput)) as FinishRunResult;
  const output: FleetAuditOutput = { runId, ...totals, parts, failedCollections, chunks, failedChunks, collectionErrors: inventory.errors, tombstoned: finished.tombstoned };
  context.df.setCustomStatus({ phase: "done", parts, failedCollections: failedCollections.length, chunks, failedChunks: failedChunks.length });
  say("fleet.finished", { audited: totals.audited, nonCompliant: totals.nonCompliant, failedCollections: failedCollections.length, failedChunks: failedChunks.length, tombstoned: finished.tombstoned });
  return output;
}
