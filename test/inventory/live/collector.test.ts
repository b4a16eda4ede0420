/**
 * The live collector with the REAL Azure SDK clients against a loopback HTTPS server that speaks the
 * Resource Graph and ARM REST shapes (test/support/fake-azure.ts): paging, quota headers, 429, 500,
 * dropped connections, slow pages, a forbidden subscription.
 */
import { afterEach, describe, expect, it } from "vitest";
import { evaluateFleet } from "../../../src/checks/evaluate.js";
import { createClients } from "../../../src/inventory/live/clients.js";
import { collectFleet, type CollectOptions } from "../../../src/inventory/live/collector.js";
import { mergeSnapshots, parseSnapshotDocument } from "../../../src/inventory/snapshot.js";
import { Fleet, INDEXED_TYPES } from "../../../src/model/fleet.js";
import type { AuditReport } from "../../../src/model/types.js";
import { ARM_SCOPE, fakeCredential, startFakeAzure, type FakeAzure, type FakeAzureOptions } from "../../support/fake-azure.js";
import { SAMPLE, splitForFake } from "./fleet-for-fake.js";

const NOW = new Date(SAMPLE.collectedAt);
const SUBS = SAMPLE.scope.subscriptions;
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };

let fake: FakeAzure | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts: FakeAzureOptions = {}): Promise<FakeAzure> {
  fake = await startFakeAzure({ ...splitForFake(SAMPLE.resources), graphQuota: null, armQuota: null, ...opts });
  return fake;
}

function collect(f: FakeAzure, o: Partial<CollectOptions> = {}) {
  const clients = createClients({ endpoint: f.url, audience: ARM_SCOPE, credential: fakeCredential("auditor"), ca: f.ca });
  return collectFleet({ clients, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST_RETRY, ...o });
}

function audit(snapshot: unknown): AuditReport {
  const merged = mergeSnapshots([parseSnapshotDocument(snapshot, "live")], { onlyTypes: INDEXED_TYPES });
  return evaluateFleet(new Fleet(merged), { generatedAt: NOW });
}

/** cluster id → check id → status, for comparing verdicts. */
function verdicts(r: AuditReport): Record<string, Record<string, string>> {
  return Object.fromEntries(r.clusters.map((c) => [c.id.toLowerCase(), Object.fromEntries(c.checks.map((k) => [k.id, k.status]))]));
}

const offline = audit(SAMPLE);
/**
 * What a live audit of the sample's three subscriptions should conclude. One difference from the
 * offline file, on purpose: aks-risk-prod's storage account lives in a fourth subscription, outside the
 * audited scope. The sample file carries the role assignments there (so offline 025/027 pass); a live
 * collection of three subscriptions cannot see them, and says unknown — never fail, never pass.
 */
const expectedLive = (() => {
  const v = verdicts(offline);
  const risk = offline.clusters.find((c) => c.name === "aks-risk-prod");
  const row = risk ? v[risk.id.toLowerCase()] : undefined;
  if (row) {
    row["AKSBK-025"] = "unknown";
    row["AKSBK-027"] = "unknown";
  }
  return v;
})();

describe("collecting a fleet live", () => {
  it("gives the same verdicts as the offline audit of the same fleet, with one ARM call per cluster plus one per subscription", async () => {
    const f = await start();
    const { snapshot, metrics } = await collect(f);
    expect(snapshot.errors).toEqual([]);
    expect(metrics.clusters).toBe(22);
    expect(verdicts(audit(snapshot))).toEqual(expectedLive);
    expect(metrics.armCalls).toBe(22 + 3);
    expect(f.stats.routes.bindings.requests).toBe(22);
    expect(f.stats.routes.provider.requests).toBe(3);
  });

  it("reads every row exactly once across many pages", async () => {
    const f = await start();
    const { snapshot, metrics } = await collect(f, { pageSize: 7 });
    const ids = snapshot.resources.map((r) => String(r["id"]).toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
    const served = Object.values(f.stats.rows).flatMap((bySub) => Object.values(bySub)).reduce((a, b) => a + b, 0);
    expect(metrics.rows).toBe(served); // nothing read twice, nothing dropped
    expect(metrics.graphRequests).toBeGreaterThan(20); // paged: 93 role assignments alone take 14 pages
    expect(verdicts(audit(snapshot))).toEqual(expectedLive);
  });

  it("batches subscriptions per Resource Graph request", async () => {
    const f = await start();
    await collect(f, { subscriptionBatch: 2 });
    const bodies = f.stats.log.filter((l) => l.kind === "graph");
    expect(bodies.length).toBe(13 * 2); // 13 kinds × 2 batches (2 + 1 subscriptions)
  });

  it("stays inside the Resource Graph quota it is told about: it waits, and causes no 429", async () => {
    const f = await start({ graphQuota: { requests: 6, windowMs: 400 } });
    const { metrics } = await collect(f, { pageSize: 25 });
    expect(metrics.graphRequests).toBeGreaterThan(6);
    expect(f.stats.routes.graph.throttled).toBe(0);
    expect(metrics.throttleWaitMs).toBeGreaterThan(0);
  });

  it("honours Retry-After on a 429, retries 5xx and dropped connections, and still reads everything", async () => {
    const f = await start();
    f.inject({ route: "graph", nth: 2, status: 429, retryAfterSeconds: 1 });
    f.inject({ route: "graph", nth: 5, status: 500 });
    f.inject({ route: "graph", nth: 8, reset: true });
    f.inject({ route: "bindings", nth: 3, status: 503 });
    f.inject({ route: "graph", nth: 10, delayMs: 300 }); // a slow page
    const t0 = Date.now();
    const { snapshot, metrics } = await collect(f);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // waited for Retry-After
    expect(snapshot.errors).toEqual([]);
    expect(metrics.graphRetries).toBe(3);
    expect(metrics.armRetries).toBe(1);
    expect(verdicts(audit(snapshot))).toEqual(expectedLive);
  });

  it("gives up after a bounded number of attempts and marks exactly that kind unknown, never pass", async () => {
    const f = await start();
    const h = f.inject({ route: "graph", match: (r) => JSON.stringify(r.body).includes("kubernetesconfigurationresources"), status: 500, times: 100 });
    const { snapshot } = await collect(f);
    expect(h.fired).toBe(FAST_RETRY.maxAttempts); // bounded
    // One error per subscription of the failed query, each naming the kind.
    expect(snapshot.errors.map((e) => `${e.kind}:${e.subscriptionId}`).sort()).toEqual(SUBS.map((s) => `extensions:${s}`).sort());
    const r = audit(snapshot);
    for (const c of r.clusters) {
      const ext = c.checks.find((k) => k.id === "AKSBK-011");
      expect(ext?.status).toBe("unknown");
      expect(ext?.evidence).toMatch(/extensions were not collected/);
      expect(c.status).not.toBe("compliant");
      // Checks that do not need extensions keep their verdicts.
      expect(c.checks.find((k) => k.id === "AKSBK-001")?.status).toBe(offline.clusters.find((o) => o.id === c.id)?.checks.find((k) => k.id === "AKSBK-001")?.status);
    }
  });

  it("reports a forbidden subscription as not collected and audits the others", async () => {
    const forbidden = SUBS[1] ?? "";
    const f = await start({ forbiddenSubscriptions: [forbidden] });
    const { snapshot } = await collect(f);
    const errs = snapshot.errors.filter((e) => e.subscriptionId === forbidden);
    expect(errs.map((e) => e.kind)).toContain("subscription");
    expect(errs.map((e) => e.kind)).toContain("roleAssignments");
    expect(snapshot.resources.some((r) => String(r["id"]).toLowerCase().startsWith(`/subscriptions/${forbidden}/`))).toBe(false);
    expect(snapshot.scope.subscriptions).not.toContain(forbidden);
    const r = audit(snapshot);
    expect(r.clusters.length).toBeGreaterThan(0);
    expect(r.clusters.every((c) => c.subscriptionId.toLowerCase() !== forbidden)).toBe(true);
    expect(r.collection?.errors.length).toBe(errs.length);
  });

  it("marks one cluster's bindings unknown when its ARM read fails, not its neighbours'", async () => {
    const f = await start();
    const target = SAMPLE.resources.find((x) => String(x["name"]) === "aks-payments-prod");
    const h = f.inject({ route: "bindings", match: (r) => r.path.toLowerCase().includes("/aks-payments-prod/"), status: 500, times: 100 });
    const { snapshot } = await collect(f);
    expect(h.fired).toBe(FAST_RETRY.maxAttempts);
    expect(snapshot.errors).toHaveLength(1);
    expect(snapshot.errors[0]).toMatchObject({ kind: "trustedAccessRoleBindings", resourceId: target?.["id"] });
    const r = audit(snapshot);
    const byName = Object.fromEntries(r.clusters.map((c) => [c.name, c]));
    expect(byName["aks-payments-prod"]?.checks.find((k) => k.id === "AKSBK-021")?.status).toBe("unknown");
    expect(byName["aks-checkout-prod"]?.checks.find((k) => k.id === "AKSBK-021")?.status).toBe("pass");
  });

  it("collects a management group's subscriptions", async () => {
    const f = await start({ managementGroups: { "mg-platform": SUBS } });
    const clients = createClients({ endpoint: f.url, audience: ARM_SCOPE, credential: fakeCredential("auditor"), ca: f.ca });
    const { snapshot } = await collectFleet({ clients, scope: { managementGroups: ["mg-platform"] }, now: () => NOW, retry: FAST_RETRY });
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.scope.subscriptions.map((s) => s.toLowerCase()).sort()).toEqual(SUBS.map((s) => s.toLowerCase()).sort());
    expect(verdicts(audit(snapshot))).toEqual(expectedLive);
  });
});
