/**
 * Activity: collect the fleet (Resource Graph + ARM) for the run's scope and keep the snapshot in blob
 * storage. The orchestration gets a reference and a few counts back — never the snapshot. Idempotent:
 * a retry collects again and overwrites the same blob.
 */
import type { InvocationContext } from "@azure/functions";
import { z } from "zod";
import type { CollectionError } from "../model/types.js";
import { auditScopeSchema, collectScope, type AuditScope } from "./shared/audit-scope.js";
import { log, metric } from "./shared/log.js";
import type { Inventory, SnapshotBlobs } from "./shared/ports.js";
import { snapshotBlobName } from "./shared/snapshots.js";

export const COLLECT_INVENTORY_ACTIVITY = "collectInventory";

export interface CollectInventoryInput {
  runId: string;
  scope: AuditScope;
}

export interface CollectInventoryResult {
  blobName: string;
  /** Clusters in the snapshot (the orchestration cuts this many into chunks). */
  clusters: number;
  /** Subscriptions whose clusters were listed completely: only there may stored clusters be tombstoned. */
  subscriptions: string[];
  /** Collection errors recorded in the snapshot. */
  errors: number;
  collectedAt: string;
}

export const collectInventoryInputSchema = z.object({ runId: z.string().min(1).max(200), scope: auditScopeSchema });

/**
 * Subscriptions whose cluster list is complete: in the snapshot's scope, and neither the cluster listing
 * nor the subscription listing failed for them (a failure without a subscription spoils them all).
 */
export function completeSubscriptions(scopeSubscriptions: readonly string[], errors: readonly CollectionError[]): string[] {
  const listingKinds = new Set(["clusters", "subscriptions", "subscription"]);
  const broken = new Set<string>();
  for (const e of errors) {
    if (!listingKinds.has(e.kind)) continue;
    if (!e.subscriptionId) return [];
    broken.add(e.subscriptionId.toLowerCase());
  }
  return scopeSubscriptions.filter((s) => !broken.has(s.toLowerCase()));
}

export function createCollectInventoryActivity(deps: { inventory: Inventory; snapshots: SnapshotBlobs }) {
  return async (rawInput: unknown, context: InvocationContext): Promise<CollectInventoryResult> => {
    const input = collectInventoryInputSchema.parse(rawInput);
    const { runId } = input;
    log(context, "info", "collect.started", { runId, scope: input.scope });
    const { snapshot, metrics } = await deps.inventory.collectFleet(collectScope(input.scope));
    const blobName = snapshotBlobName(runId);
    await deps.snapshots.put(blobName, JSON.stringify(snapshot));
    const clusters = snapshot.resources.filter((r) => String(r["type"]).toLowerCase() === "microsoft.containerservice/managedclusters").length;
    const result: CollectInventoryResult = {
      blobName,
      clusters,
      subscriptions: completeSubscriptions(snapshot.scope.subscriptions, snapshot.errors),
      errors: snapshot.errors.length,
      collectedAt: snapshot.collectedAt,
    };
    metric(context, "collectionErrors", snapshot.errors.length, { runId });
    metric(context, "throttleWaitMs", metrics.throttleWaitMs, { runId, phase: "fleet" });
    log(context, "info", "collect.finished", {
      runId,
      blobName,
      clusters,
      rows: metrics.rows,
      graphRequests: metrics.graphRequests,
      armCalls: metrics.armCalls,
      durationMs: metrics.durationMs,
      errors: snapshot.errors.slice(0, 20).map((e) => ({ kind: e.kind, subscriptionId: e.subscriptionId, message: e.message })),
    });
    return result;
  };
}
