/**
 * Sub-orchestration: one collection batch of a fleet audit — the collectInventory activity with
 * retries — whose failure becomes a value. The fleet orchestration fans out over these with Task.all:
 * Task.all fails as soon as one task fails, and waiting with Task.any on the remaining activity tasks
 * would re-send tasks already scheduled (azure-functions-durable-js #574), so the "failed batch is
 * reported, not fatal" rule lives here, as it does for chunks (auditChunkOrchestrator).
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { COLLECT_INVENTORY_ACTIVITY, collectInventoryInputSchema, type CollectInventoryResult } from "./collectInventory.js";
import { describeError, log } from "./shared/log.js";
import { activityRetry } from "./shared/retry.js";

export const COLLECT_INVENTORY_ORCHESTRATOR = "collectInventoryOrchestrator";

export type CollectOutcome = ({ ok: true; part: number } & CollectInventoryResult) | { ok: false; part: number; error: string };

export function* collectInventoryOrchestrator(context: OrchestrationContext): Generator<Task, CollectOutcome, unknown> {
  const input = collectInventoryInputSchema.parse(context.df.getInput());
  try {
    const r = (yield context.df.callActivityWithRetry(COLLECT_INVENTORY_ACTIVITY, activityRetry(), input)) as CollectInventoryResult;
    return { ok: true, part: input.part, ...r };
  } catch (e) {
    const error = describeError(e).slice(0, 500);
    if (!context.df.isReplaying) {
      log(context, "warn", "collect.failed", { runId: input.runId, instanceId: context.df.instanceId, part: input.part, subscriptions: input.scope.subscriptions.length, managementGroups: input.scope.managementGroups, error });
    }
    return { ok: false, part: input.part, error };
  }
}
