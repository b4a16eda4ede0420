/**
 * Event Grid trigger (Azure subscription system topic): a resource change → the clusters it can affect
 * → one debounced re-audit per cluster (or a tombstone for a deleted cluster, or a fleet audit when the
 * change is too wide to map). Malformed events are logged and dropped — never thrown, so never retried;
 * irrelevant ones are dropped before any I/O; a redelivered event id is processed once.
 */
import type { InvocationContext } from "@azure/functions";
import type { FunctionsSettings } from "../config/settings.js";
import { parseArmId } from "../model/arm-id.js";
import { mapLimit } from "../model/concurrency.js";
import type { AuditScope } from "./shared/audit-scope.js";
import { classify, parseEvent, type EventTarget, type ResourceEvent } from "./shared/events.js";
import { describeError, log, metric } from "./shared/log.js";
import type { ClientFor, Clock, StoreFor } from "./shared/ports.js";
import { eventFleetAuditInstanceId, KeyedQueue, startFleetAudit, startOrSignalReaudit } from "./shared/start.js";

export const RESOURCE_EVENTS_FUNCTION = "resourceEvents";

export type EventOutcome =
  | { kind: "malformed" }
  | { kind: "ignored"; reason: string }
  | { kind: "duplicate" }
  | { kind: "tombstoned"; clusterId: string; changed: boolean }
  | { kind: "reaudit"; clusters: string[] }
  | { kind: "fleet"; instanceId: string; started: boolean; reason: string }
  | { kind: "no-clusters"; scope: string };

type Settings = Pick<FunctionsSettings, "subscriptions" | "managementGroups" | "chunkSize" | "collectBatch" | "debounceSeconds" | "targetedLimit">;

export function createResourceEventHandler(deps: { client: ClientFor; store: StoreFor; settings: Settings; clock: Clock }) {
  const queue = new KeyedQueue();

  async function act(target: Exclude<EventTarget, { kind: "ignored" }>, ev: ResourceEvent, context: InvocationContext): Promise<EventOutcome> {
    const store = await deps.store();
    const fleet = async (subscriptions: string[], reason: string): Promise<EventOutcome> => {
      const scope: AuditScope = subscriptions.length ? { subscriptions, managementGroups: [] } : { subscriptions: deps.settings.subscriptions, managementGroups: deps.settings.managementGroups };
      const instanceId = eventFleetAuditInstanceId(scope);
      const r = await startFleetAudit(deps.client(context), { instanceId, trigger: "event", scope, chunkSize: deps.settings.chunkSize, collectBatch: deps.settings.collectBatch, ifExists: "replace-finished", exclusive: false, clock: deps.clock });
      log(context, "info", r.started ? "fleet.started" : "fleet.skipped", { eventId: ev.id, instanceId, runId: instanceId, trigger: "event", reason });
      return { kind: "fleet", instanceId, started: r.started, reason };
    };
    const reaudit = async (clusterIds: string[]): Promise<EventOutcome> => {
      const client = deps.client(context);
      const signals = await mapLimit(clusterIds, 8, (clusterId) => startOrSignalReaudit(client, queue, { clusterId, eventId: ev.id, eventTime: ev.eventTime, debounceSeconds: deps.settings.debounceSeconds }, context));
      log(context, "info", "event.reaudit", { eventId: ev.id, clusters: clusterIds.length, started: signals.filter((s) => s === "started").length, signalled: signals.filter((s) => s === "signalled").length, clusterId: clusterIds.length === 1 ? clusterIds[0] : undefined });
      return { kind: "reaudit", clusters: clusterIds };
    };

    switch (target.kind) {
      case "cluster": {
        if (!target.deleted) return reaudit([target.clusterId]);
        const changed = await store.tombstone(target.clusterId, ev.eventTime, `event:${ev.id}`);
        log(context, "info", "cluster.deleted", { eventId: ev.id, clusterId: target.clusterId, tombstoned: changed });
        return { kind: "tombstoned", clusterId: target.clusterId, changed };
      }
      case "fleet":
        return fleet(target.subscriptions, target.reason);
      case "scope": {
        let clusters = await store.clustersUnderScope(target.scope);
        if (clusters === undefined) return fleet([], `scope ${target.scope} is above every subscription`);
        if (!clusters.length && target.fallback) clusters = (await store.clustersUnderScope(target.fallback)) ?? [];
        if (!clusters.length) {
          log(context, "info", "event.no-clusters", { eventId: ev.id, scope: target.scope });
          return { kind: "no-clusters", scope: target.scope };
        }
        if (clusters.length > deps.settings.targetedLimit) {
          // Cheaper and kinder to the quotas as one chunked audit of those subscriptions.
          const subs = [...new Set(clusters.map((c) => parseArmId(c).subscriptionId ?? "").filter((s) => s !== ""))].sort();
          return fleet(subs, `${clusters.length} clusters under ${target.scope} (more than ${deps.settings.targetedLimit})`);
        }
        return reaudit(clusters);
      }
    }
  }

  return async (raw: unknown, context: InvocationContext): Promise<EventOutcome> => {
    const parsed = parseEvent(raw);
    if (!parsed.ok) {
      // Never the payload: it carries the caller's claims (names, IP addresses).
      const id = typeof raw === "object" && raw !== null && "id" in raw && typeof raw.id === "string" ? raw.id.slice(0, 200) : undefined;
      log(context, "warn", "event.malformed", { eventId: id, problems: parsed.problems.slice(0, 10) });
      return { kind: "malformed" };
    }
    const ev = parsed.event;
    const target = classify(ev);
    if (target.kind === "ignored") {
      log(context, "debug", "event.ignored", { eventId: ev.id, eventType: ev.eventType, reason: target.reason });
      return { kind: "ignored", reason: target.reason };
    }
    metric(context, "eventsReceived", 1, { eventId: ev.id, eventType: ev.eventType, operationName: ev.operationName });
    const store = await deps.store();
    if (!(await store.firstDelivery(ev.id, deps.clock()))) {
      log(context, "info", "event.duplicate", { eventId: ev.id });
      return { kind: "duplicate" };
    }
    try {
      return await act(target, ev, context);
    } catch (e) {
      // Let Event Grid deliver it again, and let that delivery through the dedupe.
      await store.forgetDelivery(ev.id).catch(() => undefined);
      log(context, "error", "event.failed", { eventId: ev.id, resourceId: ev.resourceId, error: describeError(e) });
      throw e;
    }
  };
}
