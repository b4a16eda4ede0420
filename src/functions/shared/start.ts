/**
 * Starting orchestrations without duplicates. Durable Functions' startNew with an existing instance id
 * replaces that instance, so every start first asks for the id's status; a per-process queue per
 * instance id makes concurrent deliveries in one worker take turns (the second sees the first's start).
 */
import { createHash } from "node:crypto";
import type { InvocationContext } from "@azure/functions";
import { idKey } from "../../model/arm-id.js";
import { CLUSTER_REAUDIT_ORCHESTRATOR, RESOURCE_CHANGED_EVENT, type ClusterReauditInput, type ReauditPhase, type ResourceChangedEvent } from "../clusterReauditOrchestrator.js";
import { FLEET_AUDIT_ORCHESTRATOR, type AuditTrigger, type FleetAuditInput } from "../fleetAuditOrchestrator.js";
import type { AuditScope } from "./audit-scope.js";
import { log, metric } from "./log.js";
import { isActive, statusOf, type AuditClient, type Clock, type InstanceStatus } from "./ports.js";

/** Runs `fn` for a key after every earlier call for the same key has settled (in this process). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

const hash = (s: string, n = 32): string => createHash("sha256").update(s).digest("hex").slice(0, n);

/** The singleton re-audit of a cluster: one instance id per cluster, whatever the id's casing. */
export function reauditInstanceId(clusterId: string): string {
  return `reaudit-${hash(idKey(clusterId))}`;
}

/** The timer's instance id: the tick's minute (`fleet-audit-2026-11-23T05:00`). */
export function fleetAuditInstanceId(tick: Date): string {
  return `fleet-audit-${tick.toISOString().slice(0, 16)}`;
}

/** An event-started fleet audit: one singleton per scope. */
export function eventFleetAuditInstanceId(scope: AuditScope): string {
  return `fleet-audit-event-${hash(JSON.stringify([[...scope.subscriptions].map((s) => s.toLowerCase()).sort(), [...scope.managementGroups].map((m) => m.toLowerCase()).sort()]), 24)}`;
}

export type FleetStart = { started: true; instanceId: string } | { started: false; instanceId: string; reason: "exists" | "active" | "another-running"; runningInstanceId?: string | undefined };

/**
 * Start a fleet audit unless one should not start: the id exists (a repeated tick: `ifExists: "skip"`)
 * or is still active (`ifExists: "replace-finished"`), or another fleet audit is still running
 * (`exclusive`).
 */
export async function startFleetAudit(
  client: AuditClient,
  o: { instanceId: string; trigger: AuditTrigger; scope: AuditScope; chunkSize: number; collectBatch: number; ifExists: "skip" | "replace-finished"; exclusive: boolean; clock: Clock },
): Promise<FleetStart> {
  const existing = await statusOf(client, o.instanceId);
  if (existing && (o.ifExists === "skip" || isActive(existing))) return { started: false, instanceId: o.instanceId, reason: o.ifExists === "skip" ? "exists" : "active" };
  if (o.exclusive) {
    const since = new Date(o.clock().getTime() - 7 * 86_400_000);
    const running = (await client.getStatusBy({ runtimeStatus: ["Running", "Pending", "ContinuedAsNew"], createdTimeFrom: since })).filter((s) => s.name === FLEET_AUDIT_ORCHESTRATOR && s.instanceId !== o.instanceId);
    if (running.length) return { started: false, instanceId: o.instanceId, reason: "another-running", runningInstanceId: running[0]?.instanceId };
  }
  const input: FleetAuditInput = { runId: o.instanceId, trigger: o.trigger, scope: o.scope, chunkSize: o.chunkSize, collectBatch: o.collectBatch };
  await client.startNew(FLEET_AUDIT_ORCHESTRATOR, { instanceId: o.instanceId, input });
  return { started: true, instanceId: o.instanceId };
}

export type ReauditSignal = "started" | "signalled" | "queued";

/** The re-audit's phase from its custom status (undefined when it has not said yet). */
function phaseOf(s: InstanceStatus | undefined): ReauditPhase | undefined {
  const c = s?.customStatus;
  return typeof c === "object" && c !== null && "phase" in c && typeof c.phase === "string" ? (c.phase as ReauditPhase) : undefined;
}

/**
 * Make sure a re-audit of the cluster runs after this change. No instance (or a finished one): start
 * it. Pending, or waiting out its debounce window: nothing to do — its audit comes later and will see
 * this change. Auditing: signal it, so it goes round once more. If the instance finished between our
 * look and our signal (the extension then drops the signal silently), a second look catches it and
 * starts anew; if another worker started it first (host.json refuses to replace a running instance),
 * the same rules apply to the instance it started.
 */
export async function startOrSignalReaudit(
  client: AuditClient,
  queue: KeyedQueue,
  o: { clusterId: string; eventId: string; eventTime: Date; debounceSeconds: number },
  context: InvocationContext,
): Promise<ReauditSignal> {
  const instanceId = reauditInstanceId(o.clusterId);
  return queue.run(instanceId, async () => {
    const start = async (): Promise<ReauditSignal> => {
      const input: ClusterReauditInput = { clusterId: o.clusterId, firstEventAt: o.eventTime.toISOString(), debounceSeconds: o.debounceSeconds, round: 0 };
      await client.startNew(CLUSTER_REAUDIT_ORCHESTRATOR, { instanceId, input });
      metric(context, "reauditsStarted", 1, { instanceId, clusterId: o.clusterId, eventId: o.eventId });
      return "started";
    };
    let s = await statusOf(client, instanceId);
    if (!isActive(s)) {
      try {
        return await start();
      } catch (e) {
        s = await statusOf(client, instanceId);
        if (!isActive(s)) throw e;
        log(context, "info", "reaudit.started-elsewhere", { instanceId, clusterId: o.clusterId, eventId: o.eventId });
      }
    }
    if (s?.runtimeStatus === "Pending" || phaseOf(s) !== "auditing") return "queued";
    const data: ResourceChangedEvent = { eventId: o.eventId, eventTime: o.eventTime.toISOString() };
    await client.raiseEvent(instanceId, RESOURCE_CHANGED_EVENT, data);
    if (!isActive(await statusOf(client, instanceId))) {
      log(context, "info", "reaudit.finished-meanwhile", { instanceId, clusterId: o.clusterId, eventId: o.eventId });
      return start();
    }
    return "signalled";
  });
}
