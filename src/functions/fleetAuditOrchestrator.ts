/**
 * Orchestration: one fleet audit. collectInventory → ⌈clusters / chunkSize⌉ chunk sub-orchestrations,
 * each running the auditChunk activity (fan-out, fan-in) → finishRun. Only references and counts travel
 * through the history (a blob name, offsets, totals), so it stays small for 10,000+ clusters: a
 * 10,000-cluster fleet is 34 chunks of 300. A chunk that still fails after its retries is reported in
 * the run, not fatal to the others.
 * Deterministic: time from context.df.currentUtcDateTime, no I/O, no randomness.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";
import type { AuditChunkInput } from "./auditChunk.js";
import { AUDIT_CHUNK_ORCHESTRATOR, type ChunkOutcome } from "./auditChunkOrchestrator.js";
import { COLLECT_INVENTORY_ACTIVITY, type CollectInventoryInput, type CollectInventoryResult } from "./collectInventory.js";
import { FINISH_RUN_ACTIVITY, type ChunkFailure, type FinishRunInput, type FinishRunResult, type RunTotals } from "./finishRun.js";
import { auditScopeSchema, type AuditScope } from "./shared/audit-scope.js";
import { log } from "./shared/log.js";
import { activityRetry } from "./shared/retry.js";

export const FLEET_AUDIT_ORCHESTRATOR = "fleetAuditOrchestrator";

export type AuditTrigger = "timer" | "http" | "event";

export interface FleetAuditInput {
  runId: string;
  trigger: AuditTrigger;
  scope: AuditScope;
  chunkSize: number;
}

export interface FleetAuditOutput extends RunTotals {
  runId: string;
  chunks: number;
  failedChunks: ChunkFailure[];
  collectionErrors: number;
  tombstoned: number;
}

export const fleetAuditInputSchema = z.object({
  runId: z.string().min(1).max(200),
  trigger: z.enum(["timer", "http", "event"]),
  scope: auditScopeSchema,
  chunkSize: z.number().int().min(1).max(5000),
});

export function* fleetAuditOrchestrator(context: OrchestrationContext): Generator<Task, FleetAuditOutput, unknown> {
  const input = fleetAuditInputSchema.parse(context.df.getInput());
  const { runId, chunkSize } = input;
  const instanceId = context.df.instanceId;
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const retry = activityRetry();
  const say = (event: string, fields: Record<string, unknown>) => {
    if (!context.df.isReplaying) log(context, "info", event, { runId, instanceId, ...fields });
  };

  context.df.setCustomStatus({ phase: "collecting" });
  const collectInput: CollectInventoryInput = { runId, scope: input.scope };
  const inventory = (yield context.df.callActivityWithRetry(COLLECT_INVENTORY_ACTIVITY, retry, collectInput)) as CollectInventoryResult;
  say("fleet.collected", { clusters: inventory.clusters, collectionErrors: inventory.errors });

  // Fan out over chunks (sub-orchestrations that turn a failed chunk into a value), fan in with Task.all.
  const chunkTasks: Task[] = [];
  for (let offset = 0; offset < inventory.clusters; offset += chunkSize) {
    const chunk: AuditChunkInput = { runId, blobName: inventory.blobName, offset, count: Math.min(chunkSize, inventory.clusters - offset), trigger: input.trigger, startedAt };
    chunkTasks.push(context.df.callSubOrchestrator(AUDIT_CHUNK_ORCHESTRATOR, chunk, `${instanceId}-chunk-${offset}`));
  }
  const chunks = chunkTasks.length;
  context.df.setCustomStatus({ phase: "auditing", chunks });
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

  context.df.setCustomStatus({ phase: "finishing", chunks, failedChunks: failedChunks.length });
  const finishInput: FinishRunInput = {
    runId,
    blobName: inventory.blobName,
    trigger: input.trigger,
    scope: input.scope,
    startedAt,
    completeSubscriptions: inventory.subscriptions,
    totals,
    failedChunks,
  };
  const finished = (yield context.df.callActivityWithRetry(FINISH_RUN_ACTIVITY, retry, finishInput)) as FinishRunResult;
  const output: FleetAuditOutput = { runId, ...totals, chunks, failedChunks, collectionErrors: inventory.errors, tombstoned: finished.tombstoned };
  context.df.setCustomStatus({ phase: "done", chunks, failedChunks: failedChunks.length });
  say("fleet.finished", { audited: totals.audited, nonCompliant: totals.nonCompliant, failedChunks: failedChunks.length, tombstoned: finished.tombstoned });
  return output;
}
