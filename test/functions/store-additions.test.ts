/** The store methods the Functions app added, on Azurite: tombstone, forgetDelivery, pageVerdicts, recordRunSummary. */
import { describe, expect, it } from "vitest";
import { clusterId, clusterReport, freshStore, input, SUB_A } from "../store/store-fixture.js";

const T1 = "2026-11-20T06:00:00.000Z";
const T2 = "2026-11-21T06:00:00.000Z";

describe("ResultsStore additions", () => {
  it("tombstone marks one cluster deleted with a history entry, once, and never over a newer observation", async () => {
    const store = await freshStore();
    const a = clusterId(SUB_A, "rg", "aks-a");
    const b = clusterId(SUB_A, "rg", "aks-b");
    await store.persist(input([clusterReport(a), clusterReport(b, { "AKSBK-022": "fail" })], T2));
    expect(await store.tombstone(a, new Date("2026-11-22T00:00:00Z"), "event:1")).toBe(true);
    expect(await store.tombstone(a, new Date("2026-11-22T01:00:00Z"), "event:2")).toBe(false);
    const v = await store.getVerdict(a);
    expect(v).toMatchObject({ deletedAt: "2026-11-22T00:00:00.000Z", runId: "event:1" });
    expect((await store.history(a))[0]).toMatchObject({ checkId: "cluster", from: "compliant", to: "deleted", runId: "event:1" });
    // The other cluster of the partition is untouched.
    expect((await store.getVerdict(b))?.deletedAt).toBeUndefined();
    // An event older than the stored observation does not delete it (it was seen after).
    expect(await store.tombstone(b, new Date(T1), "event:3")).toBe(false);
    expect(await store.tombstone(clusterId(SUB_A, "rg", "never-seen"), new Date(T2), "event:4")).toBe(false);
    // A later audit that sees it again brings it back.
    await store.persist(input([clusterReport(a)], "2026-11-23T06:00:00.000Z"));
    expect((await store.getVerdict(a))?.deletedAt).toBeUndefined();
  });

  it("forgetDelivery lets the same event id through firstDelivery again", async () => {
    const store = await freshStore();
    expect(await store.firstDelivery("evt-1")).toBe(true);
    expect(await store.firstDelivery("evt-1")).toBe(false);
    await store.forgetDelivery("evt-1");
    expect(await store.firstDelivery("evt-1")).toBe(true);
    await store.forgetDelivery("never-seen");
  });

  it("pageVerdicts pages with continuation tokens, filters in the service, and skips deleted clusters", async () => {
    const store = await freshStore();
    const ids = Array.from({ length: 9 }, (_, i) => clusterId(SUB_A, "rg", `aks-${i}`));
    await store.persist(input(ids.map((id, i) => clusterReport(id, i % 3 === 0 ? { "AKSBK-011": "fail" } : {})), T1));
    await store.tombstone(ids[1] ?? "", new Date(T2), "event:x");
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const p = await store.pageVerdicts({}, { pageSize: 2, continuationToken: token });
      seen.push(...p.items.map((v) => v.id));
      token = p.continuationToken;
      pages++;
    } while (token && pages < 20);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(seen.sort()).toEqual(ids.filter((_, i) => i !== 1).sort());
    const failing = await store.pageVerdicts({ checkId: "AKSBK-011" }, { pageSize: 100 });
    expect(failing.items.map((v) => v.id).sort()).toEqual([ids[0], ids[3], ids[6]].sort());
    expect(failing.continuationToken).toBeUndefined();
    const withDeleted = await store.pageVerdicts({ includeDeleted: true }, { pageSize: 100 });
    expect(withDeleted.items).toHaveLength(9);
  });

  it("recordRunSummary writes a run record listRuns reads back", async () => {
    const store = await freshStore();
    await store.recordRunSummary({
      runId: "fleet-audit-2026-11-23T05:00",
      trigger: "timer",
      scope: "subscriptions: a",
      startedAt: "2026-11-23T05:00:00.000Z",
      finishedAt: "2026-11-23T05:12:00.000Z",
      durationMs: 720_000,
      clusters: 10_000,
      compliant: 9_000,
      nonCompliant: 900,
      unknown: 100,
      errors: [{ kind: "audit", message: "clusters 301–600 of the snapshot were not audited: boom" }],
      written: 120,
      transactions: 9,
    });
    expect(await store.listRuns()).toEqual([expect.objectContaining({ runId: "fleet-audit-2026-11-23T05:00", clusters: 10_000, nonCompliant: 900, written: 120, errors: [{ kind: "audit", message: "clusters 301–600 of the snapshot were not audited: boom" }] })]);
  });
});
