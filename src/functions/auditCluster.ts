/**
 * Activity: re-audit one cluster after a change event — a targeted collection (that cluster and what
 * it relates to, not a fleet scan), the catalogue over it, the verdict persisted. A cluster Resource
 * Graph no longer has is tombstoned. A collection that could not even read the cluster throws, so the
 * orchestration's RetryOptions retry it.
 */
import type { InvocationContext } from "@azure/functions";
import { z } from "zod";
import { evaluateFleet } from "../checks/evaluate.js";
import { mergeSnapshots, parseSnapshotDocument } from "../inventory/snapshot.js";
import { idKey } from "../model/arm-id.js";
import { Fleet, INDEXED_TYPES } from "../model/fleet.js";
import type { ClusterStatus } from "../model/types.js";
import { suppressionLookup } from "../store/results-store.js";
import { collectScope, type AuditScope } from "./shared/audit-scope.js";
import { log, metric } from "./shared/log.js";
import type { Clock, Inventory, StoreFor } from "./shared/ports.js";

export const AUDIT_CLUSTER_ACTIVITY = "auditCluster";

export interface AuditClusterInput {
  clusterId: string;
  instanceId: string;
  /** When the first change of this round happened (event time): for the event-to-verdict metric. */
  firstEventAt: string;
}

export interface AuditClusterResult {
  clusterId: string;
  outcome: "audited" | "deleted";
  status?: ClusterStatus | undefined;
  observedAt: string;
  eventToVerdictMs: number;
}

export const auditClusterInputSchema = z.object({
  clusterId: z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i, "must be an AKS cluster id"),
  instanceId: z.string().min(1).max(200),
  firstEventAt: z.iso.datetime({ offset: true }),
});

export class ClusterCollectionFailed extends Error {
  override name = "ClusterCollectionFailed";
}

export function createAuditClusterActivity(deps: { inventory: Inventory; store: StoreFor; scope: AuditScope; clock: Clock }) {
  return async (rawInput: unknown, context: InvocationContext): Promise<AuditClusterResult> => {
    const input = auditClusterInputSchema.parse(rawInput);
    const { clusterId, instanceId } = input;
    const r = await deps.inventory.collectCluster(clusterId, collectScope(deps.scope));
    metric(context, "throttleWaitMs", r.metrics.throttleWaitMs, { instanceId, clusterId, phase: "targeted" });
    metric(context, "collectionErrors", r.snapshot.errors.length, { instanceId, clusterId });
    if (r.cluster === "failed") {
      throw new ClusterCollectionFailed(`cluster ${clusterId} could not be read: ${r.snapshot.errors.map((e) => e.message).join("; ").slice(0, 500)}`);
    }
    const store = await deps.store();
    const observedAt = new Date(r.snapshot.collectedAt);
    const runId = `${instanceId}@${r.snapshot.collectedAt}`;
    let result: AuditClusterResult;
    if (r.cluster === "absent") {
      const done = await store.tombstone(clusterId, observedAt, runId);
      result = { clusterId, outcome: "deleted", observedAt: observedAt.toISOString(), eventToVerdictMs: 0 };
      log(context, "info", "cluster.absent", { instanceId, clusterId, runId, tombstoned: done });
    } else {
      const now = deps.clock();
      const merged = mergeSnapshots([parseSnapshotDocument(r.snapshot, `targeted:${clusterId}`)], { onlyTypes: INDEXED_TYPES });
      const fleet = new Fleet(merged, now);
      const key = idKey(clusterId);
      const related = new Map<string, string[]>();
      const suppressions = suppressionLookup(await store.listSuppressions(), now);
      const report = evaluateFleet(fleet, { generatedAt: now, only: (id) => idKey(id) === key, related, suppressions: (id, check) => suppressions(id, check) });
      const stats = await store.persist({
        report,
        runId,
        trigger: "event",
        observedAt,
        completeSubscriptions: [],
        startedAt: now,
        scope: clusterId,
        relatedScopes: related,
        recordRun: false,
      });
      const status = report.clusters[0]?.status;
      result = { clusterId, outcome: "audited", status, observedAt: observedAt.toISOString(), eventToVerdictMs: 0 };
      metric(context, "clustersAudited", report.summary.clusters, { instanceId, clusterId });
      metric(context, "nonCompliant", report.summary.nonCompliant, { instanceId, clusterId });
      log(context, "info", "cluster.audited", { instanceId, clusterId, runId, status, written: stats.entitiesWritten, unchanged: stats.unchanged, stale: stats.stale, errors: r.snapshot.errors.length });
    }
    result.eventToVerdictMs = Math.max(0, deps.clock().getTime() - Date.parse(input.firstEventAt));
    metric(context, "eventToVerdictMs", result.eventToVerdictMs, { instanceId, clusterId });
    return result;
  };
}
