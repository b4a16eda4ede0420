/**
 * Sub-orchestration: one chunk of a fleet audit — the auditChunk activity with retries — whose failure
 * becomes a value. The fleet orchestration fans out over these with Task.all: Task.all fails as soon as
 * one task fails, and waiting with Task.any on the remaining activity tasks would re-send tasks already
 * scheduled (azure-functions-durable-js #574), so the "failed chunk is reported, not fatal" rule lives
 * here. Each chunk's retries also stay in its own small history.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { AUDIT_CHUNK_ACTIVITY, auditChunkInputSchema, type AuditChunkResult } from "./auditChunk.js";
import { describeError, log } from "./shared/log.js";
import { activityRetry } from "./shared/retry.js";

export const AUDIT_CHUNK_ORCHESTRATOR = "auditChunkOrchestrator";

export type ChunkOutcome = ({ ok: true } & AuditChunkResult) | { ok: false; offset: number; count: number; error: string };

export function* auditChunkOrchestrator(context: OrchestrationContext): Generator<Task, ChunkOutcome, unknown> {
  const input = auditChunkInputSchema.parse(context.df.getInput());
  try {
    const r = (yield context.df.callActivityWithRetry(AUDIT_CHUNK_ACTIVITY, activityRetry(), input)) as AuditChunkResult;
    return { ok: true, ...r };
  } catch (e) {
    const error = describeError(e).slice(0, 500);
    if (!context.df.isReplaying) log(context, "warn", "chunk.failed", { runId: input.runId, instanceId: context.df.instanceId, offset: input.offset, count: input.count, error });
    return { ok: false, offset: input.offset, count: input.count, error };
  }
}
