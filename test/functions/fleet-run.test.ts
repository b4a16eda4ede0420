/**
 * A whole fleet audit, driven the way the Durable Functions host drives it (test host in support.ts),
 * with the REAL activities on Azurite — tables for verdicts, the blob service for the snapshot — and
 * an inventory answering from the sample fleet. Also each activity on its own.
 */
import { describe, expect, it } from "vitest";
import { createAuditChunkActivity, AUDIT_CHUNK_ACTIVITY } from "../../src/functions/auditChunk.js";
import { AUDIT_CHUNK_ORCHESTRATOR, auditChunkOrchestrator } from "../../src/functions/auditChunkOrchestrator.js";
import { AUDIT_CLUSTER_ACTIVITY, createAuditClusterActivity } from "../../src/functions/auditCluster.js";
import { CLUSTER_REAUDIT_ORCHESTRATOR, clusterReauditOrchestrator, type ClusterReauditOutput } from "../../src/functions/clusterReauditOrchestrator.js";
import { COLLECT_INVENTORY_ACTIVITY, completeSubscriptions, createCollectInventoryActivity, type CollectInventoryInput } from "../../src/functions/collectInventory.js";
import { COLLECT_INVENTORY_ORCHESTRATOR, collectInventoryOrchestrator } from "../../src/functions/collectInventoryOrchestrator.js";
import { createFinishRunActivity, FINISH_RUN_ACTIVITY } from "../../src/functions/finishRun.js";
import { FLEET_AUDIT_ORCHESTRATOR, fleetAuditOrchestrator, type FleetAuditInput, type FleetAuditOutput } from "../../src/functions/fleetAuditOrchestrator.js";
import { ACTIVITY_ATTEMPTS } from "../../src/functions/shared/retry.js";
import { FleetCache } from "../../src/functions/shared/snapshots.js";
import type { SnapshotBlobs } from "../../src/functions/shared/ports.js";
import { clusterId, clusterReport, freshStore, input } from "../store/store-fixture.js";
import type { AuditChunkInput } from "../../src/functions/auditChunk.js";
import type { ResultsStore } from "../../src/store/results-store.js";
import { clusterIdsOf, context, drive, freshBlobs, sampleSnapshot, SAMPLE_SUBS, SnapshotInventory, subscriptionOf, type ActivityFn } from "./support.js";

const START = new Date("2026-11-23T06:05:00.000Z");
const clock = () => new Date(START);

async function setup(opts: { failChunkAt?: number } = {}) {
  const store = await freshStore();
  const blobs = freshBlobs();
  let blobReads = 0;
  const counted: SnapshotBlobs = { put: (n, j) => blobs.put(n, j), get: (n) => (blobReads++, blobs.get(n)) };
  const snapshot = sampleSnapshot();
  const inventory = new SnapshotInventory(snapshot);
  const cache = new FleetCache(counted);
  const storeFor = async () => store;
  const chunk = createAuditChunkActivity({ store: storeFor, cache, clock });
  const activities: Record<string, ActivityFn> = {
    [COLLECT_INVENTORY_ACTIVITY]: createCollectInventoryActivity({ inventory, snapshots: counted }),
    [AUDIT_CHUNK_ACTIVITY]: async (i, ctx) => {
      if (opts.failChunkAt !== undefined && (i as { offset: number }).offset === opts.failChunkAt) throw new Error("Table Storage answered 503");
      return chunk(i, ctx);
    },
    [FINISH_RUN_ACTIVITY]: createFinishRunActivity({ store: storeFor, cache, clock }),
    [AUDIT_CLUSTER_ACTIVITY]: createAuditClusterActivity({ inventory, store: storeFor, scope: { subscriptions: SAMPLE_SUBS, managementGroups: [] }, clock }),
  };
  const orchestrators = {
    [FLEET_AUDIT_ORCHESTRATOR]: fleetAuditOrchestrator,
    [COLLECT_INVENTORY_ORCHESTRATOR]: collectInventoryOrchestrator,
    [AUDIT_CHUNK_ORCHESTRATOR]: auditChunkOrchestrator,
    [CLUSTER_REAUDIT_ORCHESTRATOR]: clusterReauditOrchestrator,
  };
  return { store, blobs, counted, cache, inventory, activities, orchestrators, snapshot, blobReads: () => blobReads };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const RUN = "fleet-audit-2026-11-23T06:05";
const fleetInput = (chunkSize: number, collectBatch = 50, subscriptions = SAMPLE_SUBS): FleetAuditInput => ({ runId: RUN, trigger: "timer", scope: { subscriptions, managementGroups: [] }, chunkSize, collectBatch });

/** Every stored verdict: cluster id → its status and its checks' statuses. */
async function verdicts(store: ResultsStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const v of await all(store.listVerdicts())) out.set(v.id, JSON.stringify([v.status, v.checks.map((c) => [c.id, c.status])]));
  return out;
}

describe("a fleet audit end to end (test host, real activities, Azurite)", () => {
  it("audits the sample fleet in chunks, stores every verdict and the run, reads the snapshot once per worker", async () => {
    const t = await setup();
    const r = await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(10), orchestrators: t.orchestrators, activities: t.activities, start: START });
    const out = r.output as FleetAuditOutput;
    expect(out).toMatchObject({ runId: RUN, clusters: 22, audited: 22, compliant: 7, nonCompliant: 12, unknown: 3, parts: 1, failedCollections: [], chunks: 3, failedChunks: [], tombstoned: 0 });
    expect(r.calls.filter((c) => c.name === AUDIT_CHUNK_ACTIVITY).map((c) => (c.input as { offset: number; count: number }).count)).toEqual([10, 10, 2]);
    expect((await all(t.store.listVerdicts())).length).toBe(22);
    const runs = await t.store.listRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: RUN, trigger: "timer", clusters: 22, compliant: 7, nonCompliant: 12, unknown: 3, errors: [] });
    expect(runs[0]?.written).toBeGreaterThanOrEqual(22);
    // One part, one download for three chunks and the finish: the fleet index is built once per worker.
    expect(t.blobReads()).toBe(1);
    // Related scopes were indexed: the storage account of a cluster finds it again.
    const v = await t.store.getVerdict(clusterIdsOf(t.snapshot)[0] ?? "");
    expect(v?.runId).toBe(RUN);
  });

  it("reports a chunk that failed every retry in the run, keeps the other chunks' verdicts, and tombstones only what is really gone", async () => {
    const t = await setup({ failChunkAt: 10 });
    const ids = clusterIdsOf(t.snapshot);
    // Before: a cluster that no longer exists, and one of the failing chunk's clusters, stored by an earlier run.
    const gone = clusterId(SAMPLE_SUBS[0] ?? "", "rg-old", "aks-decommissioned");
    const inFailedChunk = ids[12] ?? "";
    await t.store.persist(input([clusterReport(gone), clusterReport(inFailedChunk)], "2026-11-22T06:00:00.000Z"));

    const r = await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(10), orchestrators: t.orchestrators, activities: t.activities, start: START });
    const out = r.output as FleetAuditOutput;
    expect(out.failedChunks).toEqual([{ offset: 10, count: 10, error: expect.stringMatching(/503/) as string }]);
    expect(out).toMatchObject({ audited: 12, tombstoned: 1 });
    // The failing chunk was tried ACTIVITY_ATTEMPTS times; the others once.
    expect(r.calls.filter((c) => c.name === AUDIT_CHUNK_ACTIVITY && !c.ok)).toHaveLength(ACTIVITY_ATTEMPTS);

    expect((await t.store.getVerdict(gone))?.deletedAt).toBe("2026-11-23T06:00:00.000Z");
    expect((await t.store.getVerdict(inFailedChunk))?.deletedAt).toBeUndefined();
    const run = (await t.store.listRuns()).find((x) => x.runId === RUN);
    expect(run?.clusters).toBe(12);
    expect(run?.errors).toEqual([expect.objectContaining({ kind: "audit", message: expect.stringMatching(/clusters 11–20 .*not audited.*503/) as string })]);
  });

  it("collects one part per batch of subscriptions and audits the merged parts exactly as one snapshot: same verdicts, every cluster once", async () => {
    const whole = await setup();
    await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(5, 50), orchestrators: whole.orchestrators, activities: whole.activities, start: START });
    const t = await setup();
    const r = await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(5, 1), orchestrators: t.orchestrators, activities: t.activities, start: START });
    const out = r.output as FleetAuditOutput;
    expect(out).toMatchObject({ clusters: 22, audited: 22, compliant: 7, nonCompliant: 12, unknown: 3, parts: 3, failedCollections: [], chunks: 5, failedChunks: [], collectionErrors: 0 });
    // One collection per subscription, each writing its own part.
    const collects = r.calls.filter((c) => c.name === COLLECT_INVENTORY_ACTIVITY).map((c) => c.input as CollectInventoryInput);
    expect(collects.map((c) => [c.part, c.scope.subscriptions])).toEqual(SAMPLE_SUBS.map((s, i) => [i, [s]]));
    const names = SAMPLE_SUBS.map((_, i) => `runs/${RUN}/snapshot-${i}.json`);
    for (const n of names) expect(JSON.parse(await t.blobs.get(n))).toMatchObject({ scope: { subscriptions: [SAMPLE_SUBS[names.indexOf(n)]] } });
    // The chunks' offsets over the merged parts cover every cluster exactly once.
    const chunks = r.calls.filter((c) => c.name === AUDIT_CHUNK_ACTIVITY).map((c) => c.input as AuditChunkInput);
    expect(chunks.every((c) => JSON.stringify(c.blobNames) === JSON.stringify(names))).toBe(true);
    const loaded = await t.cache.load(names, START);
    const sliced = chunks.flatMap((c) => loaded.clusterIds.slice(c.offset, c.offset + c.count));
    expect(sliced).toHaveLength(22);
    expect(new Set(sliced).size).toBe(22);
    expect([...sliced].sort()).toEqual([...clusterIdsOf(t.snapshot)].sort());
    // Each worker downloads each part once.
    expect(t.blobReads()).toBe(3);
    // Cross-subscription relations (storage accounts, vaults, role assignments of other parts) resolve:
    // every verdict is the one a single snapshot gives.
    expect(await verdicts(t.store)).toEqual(await verdicts(whole.store));
    expect((await t.store.listRuns())[0]).toMatchObject({ clusters: 22, compliant: 7, nonCompliant: 12, unknown: 3, errors: [] });
  });

  it("schedules 3 collections for 120 subscriptions in batches of 50", async () => {
    const t = await setup();
    const extra = Array.from({ length: 117 }, (_, i) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`);
    const scope = [...SAMPLE_SUBS, ...extra];
    const r = await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(300, 50, scope), orchestrators: t.orchestrators, activities: t.activities, start: START });
    expect(t.inventory.fleetScopes.map((s) => s.subscriptions?.length)).toEqual([50, 50, 20]);
    expect(t.inventory.fleetScopes.flatMap((s) => s.subscriptions)).toEqual(scope);
    expect(r.output as FleetAuditOutput).toMatchObject({ parts: 3, failedCollections: [], clusters: 22, audited: 22 });
  });

  it("reports a batch that failed every retry in the run: its subscriptions are neither audited nor tombstoned, the other batches' clusters are", async () => {
    const t = await setup();
    const [subA = "", subB = "", subC = ""] = SAMPLE_SUBS;
    t.inventory.fleetFails = (scope) => scope.subscriptions?.includes(subB) ?? false;
    const ids = clusterIdsOf(t.snapshot);
    const inB = ids.filter((id) => subscriptionOf(id) === subB.toLowerCase());
    expect(inB.length).toBeGreaterThan(0);
    // Before: clusters stored by an earlier run — one gone from a batch collected, one gone and one
    // still there in the batch that fails.
    const goneA = clusterId(subA, "rg-old", "aks-decommissioned");
    const goneB = clusterId(subB, "rg-old", "aks-unknowable");
    const storedB = inB[0] ?? "";
    await t.store.persist(input([clusterReport(goneA), clusterReport(goneB), clusterReport(storedB)], "2026-11-22T06:00:00.000Z"));

    const r = await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(10, 1), orchestrators: t.orchestrators, activities: t.activities, start: START });
    const out = r.output as FleetAuditOutput;
    expect(out.failedCollections).toEqual([{ part: 1, subscriptions: 1, error: expect.stringMatching(/503/) as string }]);
    expect(out).toMatchObject({ parts: 3, clusters: 22 - inB.length, audited: 22 - inB.length, failedChunks: [], collectionErrors: 1, tombstoned: 1 });
    // The failing batch was tried ACTIVITY_ATTEMPTS times; the others once.
    expect(r.calls.filter((c) => c.name === COLLECT_INVENTORY_ACTIVITY && !c.ok)).toHaveLength(ACTIVITY_ATTEMPTS);
    expect(r.calls.filter((c) => c.name === COLLECT_INVENTORY_ACTIVITY && c.ok).map((c) => (c.input as CollectInventoryInput).scope.subscriptions)).toEqual([[subA], [subC]]);
    expect(r.calls.filter((c) => c.name === AUDIT_CHUNK_ACTIVITY).every((c) => JSON.stringify((c.input as AuditChunkInput).blobNames) === JSON.stringify([`runs/${RUN}/snapshot-0.json`, `runs/${RUN}/snapshot-2.json`]))).toBe(true);

    expect((await t.store.getVerdict(goneA))?.deletedAt).toBe("2026-11-23T06:00:00.000Z");
    expect((await t.store.getVerdict(goneB))?.deletedAt).toBeUndefined();
    const kept = await t.store.getVerdict(storedB);
    expect(kept?.deletedAt).toBeUndefined();
    expect(kept?.runId).toBe("run-2026-11-22T06:00:00.000Z");
    const stored = await all(t.store.listVerdicts());
    expect(stored.filter((v) => v.runId === RUN).map((v) => v.id).sort()).toEqual(ids.filter((id) => !inB.includes(id)).sort());
    const run = (await t.store.listRuns()).find((x) => x.runId === RUN);
    expect(run?.clusters).toBe(22 - inB.length);
    expect(run?.errors).toEqual([expect.objectContaining({ kind: "collection", message: expect.stringMatching(new RegExp(`subscriptions ${subB} .*could not be collected.*503`)) as string })]);
  });

  it("re-runs idempotently: the same run again writes no verdict", async () => {
    const t = await setup();
    await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(300), orchestrators: t.orchestrators, activities: t.activities, start: START });
    const again = await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: RUN, input: fleetInput(300), orchestrators: t.orchestrators, activities: t.activities, start: START });
    expect((again.output as FleetAuditOutput).written).toBe(0);
  });
});

describe("activities", () => {
  it("collectInventory keeps the snapshot in a blob and returns only a reference and counts", async () => {
    const t = await setup();
    const r = await t.activities[COLLECT_INVENTORY_ACTIVITY]?.({ runId: "run-1", scope: { subscriptions: SAMPLE_SUBS, managementGroups: [] }, part: 0 }, context(COLLECT_INVENTORY_ACTIVITY));
    expect(r).toEqual({ blobName: "runs/run-1/snapshot-0.json", clusters: 22, subscriptions: SAMPLE_SUBS, errors: 0, collectedAt: "2026-11-23T06:00:00Z" });
    expect(JSON.stringify(r).length).toBeLessThan(400);
    expect(JSON.parse(await t.blobs.get("runs/run-1/snapshot-0.json"))).toMatchObject({ schema: "aks-backup-auditor/snapshot@1", scope: { subscriptions: SAMPLE_SUBS } });
    // Another part of the same run is a blob of its own.
    const r2 = await t.activities[COLLECT_INVENTORY_ACTIVITY]?.({ runId: "run-1", scope: { subscriptions: SAMPLE_SUBS.slice(1, 2), managementGroups: [] }, part: 1 }, context(COLLECT_INVENTORY_ACTIVITY));
    expect(r2).toMatchObject({ blobName: "runs/run-1/snapshot-1.json", subscriptions: SAMPLE_SUBS.slice(1, 2) });
  });

  it("collectInventory rejects a malformed input", async () => {
    const t = await setup();
    await expect(t.activities[COLLECT_INVENTORY_ACTIVITY]?.({ runId: "", scope: {} }, context(COLLECT_INVENTORY_ACTIVITY))).rejects.toThrow();
  });

  it("only subscriptions whose clusters were listed completely may have clusters tombstoned", () => {
    const [a, b, c] = ["a", "b", "c"];
    expect(completeSubscriptions(["a", "b", "c"], [])).toEqual([a, b, c]);
    expect(completeSubscriptions(["a", "b", "c"], [{ kind: "extensions", subscriptionId: "b", message: "x" }])).toEqual([a, b, c]);
    expect(completeSubscriptions(["a", "b", "c"], [{ kind: "clusters", subscriptionId: "B", message: "x" }])).toEqual([a, c]);
    expect(completeSubscriptions(["a", "b", "c"], [{ kind: "subscription", subscriptionId: "c", message: "not visible" }])).toEqual([a, b]);
    expect(completeSubscriptions(["a", "b", "c"], [{ kind: "subscriptions", message: "query failed" }])).toEqual([]);
  });

  it("auditCluster re-audits one cluster and stores its verdict with the event-to-verdict time", async () => {
    const t = await setup();
    const id = clusterIdsOf(t.snapshot)[3] ?? "";
    const r = await t.activities[AUDIT_CLUSTER_ACTIVITY]?.({ clusterId: id, instanceId: "reaudit-x", firstEventAt: "2026-11-23T06:00:05.000Z" }, context(AUDIT_CLUSTER_ACTIVITY));
    expect(r).toMatchObject({ clusterId: id, outcome: "audited", eventToVerdictMs: 295_000 });
    expect(t.inventory.clusterCalls).toEqual([id]);
    expect(t.inventory.fleetCalls).toBe(0);
    const stored = await all(t.store.listVerdicts());
    expect(stored.map((v) => v.id)).toEqual([id]);
    expect(stored[0]?.runId).toMatch(/^reaudit-x@/);
  });

  it("auditCluster tombstones a cluster Azure no longer has, and throws (to be retried) when it could not read it", async () => {
    const t = await setup();
    const id = clusterIdsOf(t.snapshot)[0] ?? "";
    await t.store.persist(input([clusterReport(id)], "2026-11-22T06:00:00.000Z"));
    t.inventory.clusterOutcome = () => "absent";
    const r = await t.activities[AUDIT_CLUSTER_ACTIVITY]?.({ clusterId: id, instanceId: "reaudit-y", firstEventAt: "2026-11-23T06:00:05.000Z" }, context(AUDIT_CLUSTER_ACTIVITY));
    expect(r).toMatchObject({ outcome: "deleted" });
    expect((await t.store.getVerdict(id))?.deletedAt).toBe("2026-11-23T06:00:00Z".replace("Z", ".000Z"));
    t.inventory.clusterOutcome = () => "failed";
    await expect(t.activities[AUDIT_CLUSTER_ACTIVITY]?.({ clusterId: id, instanceId: "reaudit-y", firstEventAt: "2026-11-23T06:00:05.000Z" }, context(AUDIT_CLUSTER_ACTIVITY))).rejects.toThrow(/could not be read/);
  });

  it("the re-audit orchestration, driven to its end, audits its cluster once", async () => {
    const t = await setup();
    const id = clusterIdsOf(t.snapshot)[5] ?? "";
    const r = await drive({
      name: CLUSTER_REAUDIT_ORCHESTRATOR,
      instanceId: "reaudit-z",
      input: { clusterId: id, firstEventAt: "2026-11-23T06:00:00.000Z", debounceSeconds: 120, round: 0 },
      orchestrators: t.orchestrators,
      activities: t.activities,
      start: START,
    });
    expect(r.output as ClusterReauditOutput).toMatchObject({ clusterId: id, outcome: "audited", round: 0 });
    expect(t.inventory.clusterCalls).toEqual([id]);
  });
});
