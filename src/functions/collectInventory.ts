/**
 * Activity: collect one part of the fleet (Resource Graph + ARM) — a batch of the run's subscriptions,
 * or its management groups whole — and keep that part's snapshot in blob storage. The orchestration
 * gets a reference and a few counts back — never the snapshot. Idempotent: a retry collects again and
 * overwrites the same blob.
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
  /** The batch's scope (collectionBatches). */
  scope: AuditScope;
  /** The batch's index: the part of the run's snapshot it writes. */
  part: number;
}

export interface CollectInventoryResult {
  blobName: string;
  /** Clusters in this part (the orchestration cuts the parts' total into chunks). */
  clusters: number;
  /** Subscriptions whose clusters were listed completely: only there may stored clusters be tombstoned. */
  subscriptions: string[];
  /** Collection errors recorded in this part. */
  errors: number;
  collectedAt: string;
}

export const collectInventoryInputSchema = z.object({ runId: z.string().min(1).max(200), scope: auditScopeSchema, part: z.number().int().min(0).max(10_000) });

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
    log(context, "info", "collect.started", { runId, part: input.part, scope: input.scope });
    const { snapshot, metrics } = await deps.inventory.collectFleet(collectScope(input.scope));
    const blobName = snapshotBlobName(runId, input.part);
    await deps.snapshots.put(blobName, JSON.stringify(snapshot));
    const clusters = snapshot.resources.filter((r) => String(r["type"]).toLowerCase() === "microsoft.containerservice/managedclusters").length;
    const result: CollectInventoryResult = {
      blobName,
      clusters,
      subscriptions: completeSubscriptions(snapshot.scope.subscriptions, snapshot.errors),
      errors: snapshot.errors.length,
      collectedAt: snapshot.collectedAt,
    };
    metric(context, "collectionErrors", snapshot.errors.length, { runId, part: input.part });
    metric(context, "throttleWaitMs", metrics.throttleWaitMs, { runId, phase: "fleet", part: input.part });
    log(context, "info", "collect.finished", {
      runId,
      part: input.part,
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
