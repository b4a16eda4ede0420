/**
 * Orchestration: the per-cluster singleton (`reaudit-<hash of the cluster key>`) that turns a burst of
 * change events into one re-audit. It waits the debounce window on a durable timer (which also gives
 * Resource Graph time to index the change), runs auditCluster, and — if a change was signalled while
 * the audit was reading Azure — continues as new for one more round.
 *
 * Its custom status says which phase it is in. Event handlers read it: during `waiting` a change needs
 * nothing (the audit after the window will see it), during `auditing` they raise RESOURCE_CHANGED_EVENT.
 * So no event ever waits while the window runs, and no task is yielded twice.
 * Deterministic: time from context.df.currentUtcDateTime, no I/O, no randomness.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { z } from "zod";
import { AUDIT_CLUSTER_ACTIVITY, type AuditClusterInput, type AuditClusterResult } from "./auditCluster.js";
import { log } from "./shared/log.js";
import { activityRetry } from "./shared/retry.js";

export const CLUSTER_REAUDIT_ORCHESTRATOR = "clusterReauditOrchestrator";
/** The event raised to a re-audit in its `auditing` phase when another change touches its cluster. */
export const RESOURCE_CHANGED_EVENT = "resourceChanged";

export type ReauditPhase = "waiting" | "auditing" | "done";

export interface ReauditStatus {
  phase: ReauditPhase;
  clusterId: string;
  round: number;
  auditAt?: string | undefined;
}

export interface ClusterReauditInput {
  clusterId: string;
  /** When the first change of this round happened (event time). */
  firstEventAt: string;
  debounceSeconds: number;
  /** 0 for the first round; +1 per continue-as-new. */
  round: number;
}

export interface ResourceChangedEvent {
  eventId: string;
  eventTime: string;
}

export interface ClusterReauditOutput extends AuditClusterResult {
  round: number;
}

export const clusterReauditInputSchema = z.object({
  clusterId: z.string().min(1).max(2000),
  firstEventAt: z.iso.datetime({ offset: true }),
  debounceSeconds: z.number().int().min(0).max(86_400),
  round: z.number().int().min(0),
});

export function* clusterReauditOrchestrator(context: OrchestrationContext): Generator<Task, ClusterReauditOutput | undefined, unknown> {
  const input = clusterReauditInputSchema.parse(context.df.getInput());
  const instanceId = context.df.instanceId;
  const { clusterId, round } = input;
  const status = (phase: ReauditPhase, auditAt?: string) => {
    const s: ReauditStatus = { phase, clusterId, round, ...(auditAt ? { auditAt } : {}) };
    context.df.setCustomStatus(s);
  };

  // 1. The debounce window.
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + input.debounceSeconds * 1000);
  status("waiting", deadline.toISOString());
  yield context.df.createTimer(deadline);

  // 2. The audit.
  status("auditing");
  const auditInput: AuditClusterInput = { clusterId, instanceId, firstEventAt: input.firstEventAt };
  const result = (yield context.df.callActivityWithRetry(AUDIT_CLUSTER_ACTIVITY, activityRetry(), auditInput)) as AuditClusterResult;

  // 3. A change signalled during the audit may be missing from what it read: look once (a timer due
  //    now fires at once; a signal already received wins) and, if there was one, go round again.
  const late = context.df.waitForExternalEvent(RESOURCE_CHANGED_EVENT);
  const now = context.df.createTimer(context.df.currentUtcDateTime);
  const winner = yield context.df.Task.any([late, now]);
  if (winner === late) {
    const ev = late.result as Partial<ResourceChangedEvent> | undefined;
    const at = typeof ev?.eventTime === "string" && !Number.isNaN(Date.parse(ev.eventTime)) ? new Date(ev.eventTime) : context.df.currentUtcDateTime;
    const next: ClusterReauditInput = { ...input, firstEventAt: at.toISOString(), round: round + 1 };
    if (!context.df.isReplaying) log(context, "info", "reaudit.again", { instanceId, clusterId, round: next.round });
    context.df.continueAsNew(next);
    return undefined;
  }
  status("done");
  if (!context.df.isReplaying) log(context, "info", "reaudit.done", { instanceId, clusterId, outcome: result.outcome, status: result.status, round });
  return { ...result, round };
}
