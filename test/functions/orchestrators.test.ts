/**
 * The orchestrators through the replay utilities durable-functions ships: a history goes in (as the
 * host would hand it over), the actions of the next episode come out. No host, no storage.
 */
import { describe, expect, it } from "vitest";
import { AUDIT_CHUNK_ACTIVITY, type AuditChunkInput } from "../../src/functions/auditChunk.js";
import { AUDIT_CHUNK_ORCHESTRATOR, auditChunkOrchestrator, type ChunkOutcome } from "../../src/functions/auditChunkOrchestrator.js";
import { AUDIT_CLUSTER_ACTIVITY } from "../../src/functions/auditCluster.js";
import { CLUSTER_REAUDIT_ORCHESTRATOR, clusterReauditOrchestrator, RESOURCE_CHANGED_EVENT, type ClusterReauditInput } from "../../src/functions/clusterReauditOrchestrator.js";
import { COLLECT_INVENTORY_ACTIVITY, type CollectInventoryInput } from "../../src/functions/collectInventory.js";
import { COLLECT_INVENTORY_ORCHESTRATOR, collectInventoryOrchestrator, type CollectOutcome } from "../../src/functions/collectInventoryOrchestrator.js";
import { FINISH_RUN_ACTIVITY, type FinishRunInput } from "../../src/functions/finishRun.js";
import { FLEET_AUDIT_ORCHESTRATOR, fleetAuditOrchestrator, type FleetAuditInput, type FleetAuditOutput } from "../../src/functions/fleetAuditOrchestrator.js";
import { ACTIVITY_ATTEMPTS } from "../../src/functions/shared/retry.js";
import { ACTION, actions, History, inputOf, replay, SUB_1, SUB_2 } from "./support.js";

const T0 = new Date("2026-11-23T05:00:00.000Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const RUN = "fleet-audit-2026-11-23T05:00";
const FLEET_INPUT: FleetAuditInput = { runId: RUN, trigger: "timer", scope: { subscriptions: [SUB_1, SUB_2], managementGroups: [] }, chunkSize: 300, collectBatch: 50 };
const INVENTORY = { ok: true, part: 0, blobName: `runs/${RUN}/snapshot-0.json`, clusters: 700, subscriptions: [SUB_1, SUB_2], errors: 2, collectedAt: at(60).toISOString() } satisfies CollectOutcome;
/** n distinct subscription ids. */
const subs = (n: number) => Array.from({ length: n }, (_, i) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`);

function fleetHistory(): History {
  return new History().episode(T0).started(FLEET_AUDIT_ORCHESTRATOR, FLEET_INPUT, T0);
}

describe("fleet audit orchestration", () => {
  it("starts by collecting the inventory: one collection sub-orchestration per batch, passing only the run id, the batch's scope and its part", async () => {
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: fleetHistory() });
    expect(s.isDone).toBe(false);
    const [a, ...rest] = actions(s);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ actionType: ACTION.CallSubOrchestrator, functionName: COLLECT_INVENTORY_ORCHESTRATOR, instanceId: `${RUN}-collect-0` });
    expect(inputOf(a?.input)).toEqual({ runId: RUN, scope: FLEET_INPUT.scope, part: 0 });
    expect(s.customStatus).toEqual({ phase: "collecting", parts: 1 });
  });

  it("fans collection out per batch of subscriptions: 120 subscriptions in batches of 50 are 3 collections scheduled in one go", async () => {
    const scope = { subscriptions: subs(120), managementGroups: [] };
    const input: FleetAuditInput = { ...FLEET_INPUT, scope, collectBatch: 50 };
    const h = new History().episode(T0).started(FLEET_AUDIT_ORCHESTRATOR, input, T0);
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input, history: h });
    const all = actions(s);
    expect(all).toHaveLength(3);
    expect(all.every((a) => a.actionType === ACTION.CallSubOrchestrator && a.functionName === COLLECT_INVENTORY_ORCHESTRATOR)).toBe(true);
    expect(all.map((a) => a.instanceId)).toEqual([`${RUN}-collect-0`, `${RUN}-collect-1`, `${RUN}-collect-2`]);
    const inputs = all.map((a) => inputOf(a.input) as CollectInventoryInput);
    expect(inputs.map((i) => i.part)).toEqual([0, 1, 2]);
    expect(inputs.map((i) => i.scope.subscriptions)).toEqual([scope.subscriptions.slice(0, 50), scope.subscriptions.slice(50, 100), scope.subscriptions.slice(100)]);
    expect(inputs.every((i) => i.runId === RUN && i.scope.managementGroups.length === 0)).toBe(true);
    expect(s.customStatus).toEqual({ phase: "collecting", parts: 3 });
  });

  it("collects a management-group scope in one batch (its subscriptions are known only once collected)", async () => {
    const input: FleetAuditInput = { ...FLEET_INPUT, scope: { subscriptions: [], managementGroups: ["mg-a", "mg-b"] }, collectBatch: 1 };
    const h = new History().episode(T0).started(FLEET_AUDIT_ORCHESTRATOR, input, T0);
    const all = actions(await replay(fleetAuditOrchestrator, { instanceId: RUN, input, history: h }));
    expect(all).toHaveLength(1);
    expect(inputOf(all[0]?.input)).toEqual({ runId: RUN, scope: { subscriptions: [], managementGroups: ["mg-a", "mg-b"] }, part: 0 });
  });

  it("aggregates the batches in part order: blob names, total clusters, complete subscriptions, errors; a failed batch is reported and its subscriptions are not complete", async () => {
    const scope = { subscriptions: subs(120), managementGroups: [] };
    const input: FleetAuditInput = { ...FLEET_INPUT, scope, collectBatch: 50 };
    const part = (n: number, clusters: number, errors: number, complete: string[]): CollectOutcome => ({ ok: true, part: n, blobName: `runs/${RUN}/snapshot-${n}.json`, clusters, subscriptions: complete, errors, collectedAt: at(50 + n).toISOString() });
    const h = new History().episode(T0).started(FLEET_AUDIT_ORCHESTRATOR, input, T0).episode(at(60));
    // They finish in any order; the aggregate does not depend on it.
    h.subCompleted(2, part(2, 100, 1, scope.subscriptions.slice(100, 119)), at(58));
    h.subCompleted(1, { ok: false, part: 1, error: "Resource Graph answered 503 three times" } satisfies CollectOutcome, at(59));
    h.subCompleted(0, part(0, 250, 2, scope.subscriptions.slice(0, 50)), at(60));
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input, history: h });
    const chunks = actions(s).filter((a) => a.functionName === AUDIT_CHUNK_ORCHESTRATOR).map((a) => inputOf(a.input) as AuditChunkInput);
    expect(chunks.map((c) => [c.offset, c.count])).toEqual([
      [0, 300],
      [300, 50],
    ]);
    expect(chunks.every((c) => JSON.stringify(c.blobNames) === JSON.stringify([`runs/${RUN}/snapshot-0.json`, `runs/${RUN}/snapshot-2.json`]))).toBe(true);

    h.episode(at(120)).subCompleted(3, { ok: true, offset: 0, audited: 300, compliant: 300, nonCompliant: 0, unknown: 0, written: 300, transactions: 3 } satisfies ChunkOutcome, at(120));
    h.subCompleted(4, { ok: true, offset: 300, audited: 50, compliant: 50, nonCompliant: 0, unknown: 0, written: 50, transactions: 1 } satisfies ChunkOutcome, at(121));
    const f = await replay(fleetAuditOrchestrator, { instanceId: RUN, input, history: h });
    const fi = inputOf(actions(f).find((a) => a.functionName === FINISH_RUN_ACTIVITY)?.input) as FinishRunInput;
    expect(fi.blobNames).toEqual([`runs/${RUN}/snapshot-0.json`, `runs/${RUN}/snapshot-2.json`]);
    expect(fi.completeSubscriptions).toEqual([...scope.subscriptions.slice(0, 50), ...scope.subscriptions.slice(100, 119)]);
    expect(fi.failedCollections).toEqual([{ part: 1, subscriptions: 50, error: "Resource Graph answered 503 three times" }]);
    expect(fi.collectBatch).toBe(50);
    expect(fi.totals).toMatchObject({ clusters: 350, audited: 350 });

    h.episode(at(130)).completed(5, { tombstoned: 0, errors: 4 }, at(130));
    const done = await replay(fleetAuditOrchestrator, { instanceId: RUN, input, history: h });
    expect(done.output as FleetAuditOutput).toMatchObject({ parts: 3, failedCollections: [{ part: 1, subscriptions: 50 }], collectionErrors: 4, clusters: 350, chunks: 2 });
    expect(JSON.stringify(done.output).length).toBeLessThan(1000);
    expect(done.customStatus).toEqual({ phase: "done", parts: 3, failedCollections: 1, chunks: 2, failedChunks: 0 });
  });

  it("fans out over chunks of 300 clusters (never one per cluster), each a sub-orchestration with a small input", async () => {
    const h = fleetHistory().episode(at(60)).subCompleted(0, INVENTORY, at(60));
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    const subs = actions(s).filter((a) => a.actionType === ACTION.CallSubOrchestrator && a.functionName !== COLLECT_INVENTORY_ORCHESTRATOR);
    expect(subs.map((a) => a.instanceId)).toEqual([`${RUN}-chunk-0`, `${RUN}-chunk-300`, `${RUN}-chunk-600`]);
    expect(subs.every((a) => a.functionName === AUDIT_CHUNK_ORCHESTRATOR)).toBe(true);
    const inputs = subs.map((a) => inputOf(a.input) as AuditChunkInput);
    expect(inputs.map((i) => [i.offset, i.count])).toEqual([
      [0, 300],
      [300, 300],
      [600, 100],
    ]);
    expect(inputs[0]).toEqual({ runId: RUN, blobNames: [INVENTORY.blobName], offset: 0, count: 300, trigger: "timer", startedAt: T0.toISOString() });
    for (const a of subs) expect(JSON.stringify(a.input).length).toBeLessThan(300);
  });

  it("keeps the history bounded for 10,000 clusters: 34 chunks", async () => {
    const h = fleetHistory().episode(at(60)).subCompleted(0, { ...INVENTORY, clusters: 10_000 }, at(60));
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    expect(actions(s).filter((a) => a.functionName === AUDIT_CHUNK_ORCHESTRATOR)).toHaveLength(34);
  });

  it("fans in: a failed chunk is reported in the run summary and the others still count; the run is finished", async () => {
    const h = fleetHistory().episode(at(60)).subCompleted(0, INVENTORY, at(60)).episode(at(120));
    const ok = (offset: number, audited: number, nonCompliant: number): ChunkOutcome => ({ ok: true, offset, audited, compliant: audited - nonCompliant - 1, nonCompliant, unknown: 1, written: audited, transactions: 3 });
    h.subCompleted(1, ok(0, 300, 20), at(120));
    h.subCompleted(2, { ok: false, offset: 300, count: 300, error: "Table Storage answered 503 three times" } satisfies ChunkOutcome, at(121));
    h.subCompleted(3, ok(600, 100, 5), at(122));
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    const finish = actions(s).find((a) => a.functionName === FINISH_RUN_ACTIVITY);
    expect(finish?.actionType).toBe(ACTION.CallActivityWithRetry);
    const fi = inputOf(finish?.input) as FinishRunInput;
    expect(fi.failedChunks).toEqual([{ offset: 300, count: 300, error: "Table Storage answered 503 three times" }]);
    expect(fi.totals).toEqual({ clusters: 700, audited: 400, compliant: 373, nonCompliant: 25, unknown: 2, written: 400, transactions: 6 });
    expect(fi.completeSubscriptions).toEqual([SUB_1, SUB_2]);
    expect(fi.blobNames).toEqual([INVENTORY.blobName]);
    expect(fi.failedCollections).toEqual([]);

    h.episode(at(130)).completed(4, { tombstoned: 1, errors: 3 }, at(130));
    const done = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    expect(done.isDone).toBe(true);
    const out = done.output as FleetAuditOutput;
    expect(out).toMatchObject({ runId: RUN, parts: 1, failedCollections: [], chunks: 3, audited: 400, nonCompliant: 25, tombstoned: 1, collectionErrors: 2 });
    expect(out.failedChunks).toHaveLength(1);
    expect(done.customStatus).toEqual({ phase: "done", parts: 1, failedCollections: 0, chunks: 3, failedChunks: 1 });
  });

  it("finishes an empty fleet without chunks", async () => {
    const h = fleetHistory().episode(at(60)).subCompleted(0, { ...INVENTORY, clusters: 0 }, at(60));
    const s = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    expect(actions(s).map((a) => a.functionName)).toEqual([COLLECT_INVENTORY_ORCHESTRATOR, FINISH_RUN_ACTIVITY]);
  });

  it("rejects an input it does not understand (the orchestration fails visibly)", async () => {
    for (const bad of [{ ...FLEET_INPUT, chunkSize: 0 }, { ...FLEET_INPUT, collectBatch: 0 }]) {
      const h = new History().episode(T0).started(FLEET_AUDIT_ORCHESTRATOR, bad, T0);
      await expect(replay(fleetAuditOrchestrator, { instanceId: RUN, input: bad, history: h })).rejects.toThrow();
    }
  });

  it("never reads the clock: the same history gives the same actions at any wall-clock time", async () => {
    const h = fleetHistory().episode(at(60)).subCompleted(0, INVENTORY, at(60));
    const a = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    await new Promise((r) => setTimeout(r, 15));
    const b = await replay(fleetAuditOrchestrator, { instanceId: RUN, input: FLEET_INPUT, history: h });
    expect(JSON.stringify(b.actions)).toBe(JSON.stringify(a.actions));
  });
});

describe("chunk sub-orchestration", () => {
  const CHUNK: AuditChunkInput = { runId: RUN, blobNames: [INVENTORY.blobName], offset: 300, count: 300, trigger: "timer", startedAt: T0.toISOString() };
  const id = `${RUN}-chunk-300`;
  const start = () => new History().episode(T0).started(AUDIT_CHUNK_ORCHESTRATOR, CHUNK, T0);

  it("calls auditChunk with retries and returns its result", async () => {
    const s0 = await replay(auditChunkOrchestrator, { instanceId: id, input: CHUNK, history: start() });
    expect(actions(s0)).toMatchObject([{ actionType: ACTION.CallActivityWithRetry, functionName: AUDIT_CHUNK_ACTIVITY }]);
    const r = { offset: 300, audited: 300, compliant: 290, nonCompliant: 10, unknown: 0, written: 4, transactions: 1 };
    const s1 = await replay(auditChunkOrchestrator, { instanceId: id, input: CHUNK, history: start().episode(at(5)).completed(0, r, at(5)) });
    expect(s1.output).toEqual({ ok: true, ...r });
  });

  it("turns a chunk that fails every attempt into a value (retried with durable timers between attempts)", async () => {
    // Task ids: the activity is 0; each failure takes a timer id, each retry a new task id.
    const h = start().episode(at(1)).failed(0, "Error: storage unavailable", at(1));
    let next = 1;
    for (let attempt = 2; attempt <= ACTIVITY_ATTEMPTS; attempt++) {
      const timer = next++;
      const task = next++;
      h.episode(at(attempt * 60)).timerFired(timer, at(attempt * 60), at(attempt * 60)).episode(at(attempt * 60 + 1)).failed(task, "Error: storage unavailable", at(attempt * 60 + 1));
    }
    const last = next++;
    h.episode(at(1000)).timerFired(last, at(1000), at(1000));
    const s = await replay(auditChunkOrchestrator, { instanceId: id, input: CHUNK, history: h });
    expect(s.isDone).toBe(true);
    const out = s.output as ChunkOutcome;
    expect(out).toMatchObject({ ok: false, offset: 300, count: 300 });
    expect(out.ok ? "" : out.error).toMatch(/storage unavailable/);
  });

  it("succeeds when a retry succeeds", async () => {
    const r = { offset: 300, audited: 300, compliant: 300, nonCompliant: 0, unknown: 0, written: 0, transactions: 0 };
    const h = start().episode(at(1)).failed(0, "Error: throttled", at(1)).episode(at(31)).timerFired(1, at(31), at(31)).episode(at(40)).completed(2, r, at(40));
    const s = await replay(auditChunkOrchestrator, { instanceId: id, input: CHUNK, history: h });
    expect(s.output).toEqual({ ok: true, ...r });
  });
});

describe("collection sub-orchestration", () => {
  const BATCH: CollectInventoryInput = { runId: RUN, scope: { subscriptions: subs(50), managementGroups: [] }, part: 1 };
  const id = `${RUN}-collect-1`;
  const start = () => new History().episode(T0).started(COLLECT_INVENTORY_ORCHESTRATOR, BATCH, T0);
  const RESULT = { blobName: `runs/${RUN}/snapshot-1.json`, clusters: 120, subscriptions: BATCH.scope.subscriptions, errors: 0, collectedAt: at(30).toISOString() };

  it("calls collectInventory with retries, passing its input on, and returns its result with the part", async () => {
    const s0 = await replay(collectInventoryOrchestrator, { instanceId: id, input: BATCH, history: start() });
    const [a, ...rest] = actions(s0);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ actionType: ACTION.CallActivityWithRetry, functionName: COLLECT_INVENTORY_ACTIVITY, retryOptions: { maxNumberOfAttempts: ACTIVITY_ATTEMPTS } });
    expect(inputOf(a?.input)).toEqual(BATCH);
    const s1 = await replay(collectInventoryOrchestrator, { instanceId: id, input: BATCH, history: start().episode(at(30)).completed(0, RESULT, at(30)) });
    expect(s1.output).toEqual({ ok: true, part: 1, ...RESULT });
  });

  it("turns a batch that fails every attempt into a value", async () => {
    const h = start().episode(at(1)).failed(0, "Error: Resource Graph answered 503", at(1));
    let next = 1;
    for (let attempt = 2; attempt <= ACTIVITY_ATTEMPTS; attempt++) {
      const timer = next++;
      const task = next++;
      h.episode(at(attempt * 60)).timerFired(timer, at(attempt * 60), at(attempt * 60)).episode(at(attempt * 60 + 1)).failed(task, "Error: Resource Graph answered 503", at(attempt * 60 + 1));
    }
    h.episode(at(1000)).timerFired(next, at(1000), at(1000));
    const s = await replay(collectInventoryOrchestrator, { instanceId: id, input: BATCH, history: h });
    expect(s.isDone).toBe(true);
    const out = s.output as CollectOutcome;
    expect(out).toMatchObject({ ok: false, part: 1 });
    expect(out.ok ? "" : out.error).toMatch(/503/);
  });
});

describe("cluster re-audit orchestration (debounce)", () => {
  const CLUSTER = `/subscriptions/${SUB_1}/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a`;
  const INPUT: ClusterReauditInput = { clusterId: CLUSTER, firstEventAt: T0.toISOString(), debounceSeconds: 120, round: 0 };
  const ID = "reaudit-0123456789abcdef0123456789abcdef";
  const start = () => new History().episode(T0).started(CLUSTER_REAUDIT_ORCHESTRATOR, INPUT, T0);
  const RESULT = { clusterId: CLUSTER, outcome: "audited", status: "compliant", observedAt: at(125).toISOString(), eventToVerdictMs: 130_000 };

  it("first waits the debounce window on a durable timer, saying it is waiting", async () => {
    const s = await replay(clusterReauditOrchestrator, { instanceId: ID, input: INPUT, history: start() });
    expect(actions(s)).toMatchObject([{ actionType: ACTION.CreateTimer }]);
    expect(new Date(String(actions(s)[0]?.fireAt)).toISOString()).toBe(at(120).toISOString());
    expect(s.customStatus).toMatchObject({ phase: "waiting", auditAt: at(120).toISOString(), clusterId: CLUSTER, round: 0 });
  });

  it("then audits the cluster once, with retries, carrying the first event's time", async () => {
    const h = start().episode(at(120)).timerFired(0, at(120), at(120));
    const s = await replay(clusterReauditOrchestrator, { instanceId: ID, input: INPUT, history: h });
    const audit = actions(s).find((a) => a.functionName === AUDIT_CLUSTER_ACTIVITY);
    expect(audit?.actionType).toBe(ACTION.CallActivityWithRetry);
    expect(inputOf(audit?.input)).toEqual({ clusterId: CLUSTER, instanceId: ID, firstEventAt: T0.toISOString() });
    expect(s.customStatus).toMatchObject({ phase: "auditing" });
  });

  it("finishes when no change was signalled during the audit", async () => {
    const h = start().episode(at(120)).timerFired(0, at(120), at(120)).episode(at(130)).completed(1, RESULT, at(130));
    const s1 = await replay(clusterReauditOrchestrator, { instanceId: ID, input: INPUT, history: h });
    // It looks once: an event wait raced against a timer due now.
    expect(actions(s1).slice(-2)).toMatchObject([{ actionType: ACTION.WaitForExternalEvent, externalEventName: RESOURCE_CHANGED_EVENT }, { actionType: ACTION.CreateTimer }]);
    h.episode(at(131)).timerFired(2, at(130), at(131));
    const s2 = await replay(clusterReauditOrchestrator, { instanceId: ID, input: INPUT, history: h });
    expect(s2.isDone).toBe(true);
    expect(s2.output).toEqual({ ...RESULT, round: 0 });
    expect(s2.customStatus).toMatchObject({ phase: "done" });
  });

  it("continues as new once more when a change was signalled during the audit", async () => {
    const h = start().episode(at(120)).timerFired(0, at(120), at(120)).episode(at(125)).raised(RESOURCE_CHANGED_EVENT, { eventId: "e-2", eventTime: at(124).toISOString() }, at(125)).episode(at(130)).completed(1, RESULT, at(130));
    const s = await replay(clusterReauditOrchestrator, { instanceId: ID, input: INPUT, history: h });
    const can = actions(s).find((a) => a.actionType === ACTION.ContinueAsNew);
    expect(can).toBeDefined();
    expect(inputOf(can?.input)).toEqual({ ...INPUT, firstEventAt: at(124).toISOString(), round: 1 });
  });
});
