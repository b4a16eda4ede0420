import { randomBytes } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { describe, expect, inject, it } from "vitest";
import { factoryFromConnectionString } from "../../src/store/connect.js";
import { clusterPartition, clusterRow, decodeKey, encodeKey } from "../../src/store/keys.js";
import { suppressionLookup, type TableFactory } from "../../src/store/results-store.js";
import { clusterId, clusterReport, freshStore, input, SUB_A, SUB_B } from "./store-fixture.js";

const T1 = "2026-11-20T06:00:00.000Z";
const T2 = "2026-11-21T06:00:00.000Z";
const T3 = "2026-11-22T06:00:00.000Z";

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("table keys", () => {
  it.each([
    "/subscriptions/s/resourceGroups/rg/providers/x/y",
    "back\\slash#hash?query%percent",
    "ctrl\u0001\u001f\u007f\u0085end",
    "unicode — ÅÄÖ 日本 'quote'",
  ])("encode %j without forbidden characters and decode it back", (s) => {
    const k = encodeKey(s);
    expect(k).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
    expect(decodeKey(k)).toBe(s);
  });

  it("partitions by subscription and keys by the rest of the id, case-insensitively", () => {
    const a = clusterId(SUB_A, "RG-One", "Aks-1");
    expect(clusterPartition(a)).toBe(SUB_A);
    expect(clusterRow(a)).toBe(clusterRow(a.toLowerCase() + "/"));
  });
});

describe("persisting verdicts", () => {
  it("batches writes per partition, at most 100 entities a transaction", async () => {
    const store = await freshStore();
    const clusters = [
      ...Array.from({ length: 250 }, (_, i) => clusterReport(clusterId(SUB_A, "rg", `aks-${i}`))),
      ...Array.from({ length: 30 }, (_, i) => clusterReport(clusterId(SUB_B, "rg", `aks-${i}`), { "AKSBK-022": "fail" })),
    ];
    const stats = await store.persist(input(clusters, T1));
    expect(stats.created).toBe(280);
    // Verdicts: 3 (A: 100+100+50) + 1 (B); transitions: first statuses that are not news are not written,
    // so only B's failing check and the 280 clusters' first status → 3 (A) + 1 (B).
    expect(stats.transactions).toBe(3 + 1 + 3 + 1);
    expect((await all(store.listVerdicts())).length).toBe(280);
  });

  it("writes nothing when a re-audit finds nothing changed, and only what changed otherwise", async () => {
    const store = await freshStore();
    const clusters = Array.from({ length: 120 }, (_, i) => clusterReport(clusterId(SUB_A, "rg", `aks-${i}`)));
    await store.persist(input(clusters, T1));
    const again = await store.persist(input(clusters, T2));
    expect(again).toMatchObject({ entitiesWritten: 0, transactions: 0, unchanged: 120 });

    const changed = clusters.map((c, i) => (i === 7 ? clusterReport(c.id, { "AKSBK-011": "fail" }) : c));
    const third = await store.persist(input(changed, T3));
    expect(third).toMatchObject({ entitiesWritten: 1, updated: 1, unchanged: 119 });
    const v = await store.getVerdict(clusters[7]?.id ?? "");
    expect(v?.status).toBe("non_compliant");
    expect(v?.checks.find((c) => c.id === "AKSBK-011")).toMatchObject({ status: "fail", since: T3 });
    expect(v?.checks.find((c) => c.id === "AKSBK-001")).toMatchObject({ status: "pass", since: T1 });
    expect(v?.firstSeenAt).toBe(T1);

    const h = await store.history(clusters[7]?.id ?? "");
    expect(h.map((t) => [t.checkId, t.from, t.to, t.at])).toEqual([
      ["AKSBK-011", "pass", "fail", T3],
      ["cluster", "compliant", "non_compliant", T3],
      ["cluster", null, "compliant", T1],
    ]);
  });

  it("filters latest verdicts by subscription, status and failing check in the table service", async () => {
    const store = await freshStore();
    await store.persist(
      input(
        [
          clusterReport(clusterId(SUB_A, "rg", "ok")),
          clusterReport(clusterId(SUB_A, "rg", "bad"), { "AKSBK-022": "fail" }),
          clusterReport(clusterId(SUB_B, "rg", "warned"), { "AKSBK-040": "warn" }),
          clusterReport(clusterId(SUB_B, "rg", "unk"), { "AKSBK-011": "unknown" }),
        ],
        T1,
      ),
    );
    const names = async (f: Parameters<typeof store.listVerdicts>[0]) => (await all(store.listVerdicts(f))).map((v) => v.name).sort();
    expect(await names({ subscriptionId: SUB_B.toUpperCase() })).toEqual(["unk", "warned"]);
    expect(await names({ status: "non_compliant" })).toEqual(["bad"]);
    expect(await names({ checkId: "AKSBK-022" })).toEqual(["bad"]);
    expect(await names({ checkId: "AKSBK-040" })).toEqual(["warned"]);
    expect(await names({ checkId: "AKSBK-011", checkStatuses: ["unknown"] })).toEqual(["unk"]);
  });

  it("escapes quotes and unicode in ids used in OData filters", async () => {
    const store = await freshStore();
    const odd = clusterId("o'brien-sub", "rg-ÅÄÖ-'q'", "aks-日本");
    await store.persist(input([clusterReport(odd, { "AKSBK-022": "fail" })], T1));
    expect((await all(store.listVerdicts({ subscriptionId: "o'brien-sub" }))).map((v) => v.id)).toEqual([odd]);
    expect((await store.history(odd)).length).toBe(2);
    expect((await store.getVerdict(odd))?.name).toBe("aks-日本");
  });
});

describe("two writers on one cluster", () => {
  /** A factory whose Verdicts transactions wait for `gate` first. */
  function gated(gate: Promise<void>): TableFactory {
    const base = factoryFromConnectionString(inject("tablesConnectionString"));
    return {
      service: base.service,
      table: (name) => {
        const client = base.table(name);
        if (!name.endsWith("Verdicts")) return client;
        return new Proxy(client, {
          get(target, prop, receiver) {
            if (prop === "submitTransaction") {
              return async (...args: Parameters<TableClient["submitTransaction"]>) => {
                await gate;
                return target.submitTransaction(...args);
              };
            }
            return Reflect.get(target, prop, receiver) as unknown;
          },
        });
      },
    };
  }

  it("never lets an older observation replace a newer one, even when it read first", async () => {
    const store = await freshStore();
    const id = clusterId(SUB_A, "rg", "raced");
    await store.persist(input([clusterReport(id)], T1));

    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slowTables = new (store.constructor as typeof import("../../src/store/results-store.js").ResultsStore)(gated(gate), store.prefix);

    // The stale writer (observation T2) reads first and is held before it writes…
    const stale = slowTables.persist(input([clusterReport(id, { "AKSBK-022": "fail" })], T2));
    await new Promise((r) => setTimeout(r, 200));
    // …while the fresh writer (observation T3) reads and writes.
    const fresh = await store.persist(input([clusterReport(id, { "AKSBK-011": "fail" })], T3));
    expect(fresh.updated).toBe(1);
    open();
    const s = await stale;
    expect(s).toMatchObject({ conflicts: 1, stale: 1, entitiesWritten: 0 });

    const v = await store.getVerdict(id);
    expect(v?.observedAt).toBe(T3);
    expect(v?.checks.find((c) => c.id === "AKSBK-011")?.status).toBe("fail");
    expect(v?.checks.find((c) => c.id === "AKSBK-022")?.status).toBe("pass");
  });

  it("lets the newer observation win when it writes second, after a conflict", async () => {
    const store = await freshStore();
    const id = clusterId(SUB_A, "rg", "raced2");
    await store.persist(input([clusterReport(id)], T1));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const held = new (store.constructor as typeof import("../../src/store/results-store.js").ResultsStore)(gated(gate), store.prefix);
    const newer = held.persist(input([clusterReport(id, { "AKSBK-022": "fail" })], T3));
    await new Promise((r) => setTimeout(r, 200));
    await store.persist(input([clusterReport(id, { "AKSBK-011": "fail" })], T2));
    open();
    const s = await newer;
    expect(s).toMatchObject({ conflicts: 1, updated: 1 });
    const v = await store.getVerdict(id);
    expect(v?.observedAt).toBe(T3);
    expect(v?.checks.find((c) => c.id === "AKSBK-022")?.status).toBe("fail");
    // Nothing lost: the T2 change is in the history, then the T3 one.
    const h = await store.history(id);
    expect(h.filter((t) => t.checkId !== "cluster").map((t) => `${t.checkId}:${t.to}@${t.at}`)).toEqual([
      `AKSBK-011:pass@${T3}`,
      `AKSBK-022:fail@${T3}`,
      `AKSBK-011:fail@${T2}`,
    ]);
  });
});

describe("deleted clusters", () => {
  it("tombstones clusters a complete audit of their subscription no longer sees, and revives them", async () => {
    const store = await freshStore();
    const keep = clusterId(SUB_A, "rg", "keep");
    const gone = clusterId(SUB_A, "rg", "gone");
    const other = clusterId(SUB_B, "rg", "elsewhere");
    await store.persist(input([clusterReport(keep), clusterReport(gone, { "AKSBK-022": "fail" }), clusterReport(other)], T1));

    // A partial input (no complete subscriptions) deletes nothing.
    expect((await store.persist(input([clusterReport(keep)], T2))).tombstoned).toBe(0);
    // A complete audit of SUB_A tombstones `gone` and leaves SUB_B alone.
    const s = await store.persist(input([clusterReport(keep)], T2, { completeSubscriptions: [SUB_A] }));
    expect(s.tombstoned).toBe(1);
    expect((await all(store.listVerdicts())).map((v) => v.name).sort()).toEqual(["elsewhere", "keep"]);
    const dead = (await all(store.listVerdicts({ includeDeleted: true }))).find((v) => v.name === "gone");
    expect(dead?.deletedAt).toBe(T2);
    expect((await store.history(gone))[0]).toMatchObject({ checkId: "cluster", to: "deleted" });

    const back = await store.persist(input([clusterReport(keep), clusterReport(gone)], T3, { completeSubscriptions: [SUB_A] }));
    expect(back.resurrected).toBe(1);
    const alive = await store.getVerdict(gone);
    expect(alive?.deletedAt).toBeUndefined();
    expect(alive?.status).toBe("compliant");
    expect((await store.history(gone)).find((t) => t.checkId === "cluster")).toMatchObject({ from: "deleted", to: "compliant", at: T3 });
  });
});

describe("suppressions", () => {
  it("apply to the check and scope until they expire, and are listed either way", async () => {
    const store = await freshStore();
    const now = new Date("2026-11-23T00:00:00Z");
    await store.addSuppression({ checkId: "AKSBK-040", scope: `/subscriptions/${SUB_A}/resourceGroups/RG`, reason: "egress via proxy", author: "ops", expiresAt: "2026-12-01T00:00:00Z" }, now);
    await store.addSuppression({ checkId: "AKSBK-022", scope: `/subscriptions/${SUB_A}`, reason: "old", author: "ops", expiresAt: "2026-11-01T00:00:00Z" }, now);
    const list = await store.listSuppressions();
    expect(list).toHaveLength(2);
    const lookup = suppressionLookup(list, now);
    expect(lookup(clusterId(SUB_A, "rg", "aks"), "AKSBK-040")).toEqual({ reason: "egress via proxy", expires: "2026-12-01T00:00:00Z" });
    expect(lookup(clusterId(SUB_A, "rg-other", "aks"), "AKSBK-040")).toBeUndefined(); // sibling RG
    expect(lookup(clusterId(SUB_A, "rg2", "aks"), "AKSBK-040")).toBeUndefined(); // prefix-named sibling
    expect(lookup(clusterId(SUB_A, "rg", "aks"), "AKSBK-022")).toBeUndefined(); // expired
    expect(suppressionLookup(list, new Date("2026-12-02T00:00:00Z"))(clusterId(SUB_A, "rg", "aks"), "AKSBK-040")).toBeUndefined();
    expect(await store.removeSuppression(list[0]?.id ?? "")).toBe(true);
    expect(await store.listSuppressions()).toHaveLength(1);
  });
});

describe("entity size limits", () => {
  it.each([
    ["split across string parts", 200_000],
    ["gzipped", 2_000_000],
  ])("stores large evidence %s and reads it back whole", async (_name, size) => {
    const store = await freshStore();
    const id = clusterId(SUB_A, "rg", `big-${size}`);
    const c = clusterReport(id, { "AKSBK-022": "fail" });
    const big = Array.from({ length: size / 50 }, (_, i) => `assignment ${i} of principal x at scope /a/b/${i}`).join("; ").slice(0, size);
    (c.checks[2] as { evidence: string }).evidence = big;
    await store.persist(input([c], T1));
    const v = await store.getVerdict(id);
    expect(v?.checks[2]?.evidence).toBe(big);
  });

  it("compacts evidence that does not fit even gzipped, and says so", async () => {
    const store = await freshStore();
    const id = clusterId(SUB_A, "rg", "huge");
    const c = clusterReport(id, { "AKSBK-022": "fail" });
    // Incompressible: base64 of random bytes (gzip cannot get it under the entity limit).
    const noise = randomBytes(1_200_000).toString("base64");
    (c.checks[2] as { evidence: string }).evidence = noise;
    await store.persist(input([c], T1));
    const e = (await store.getVerdict(id))?.checks[2]?.evidence ?? "";
    expect(e.length).toBeLessThan(noise.length);
    expect(e).toMatch(/more characters not stored/);
    expect(noise.startsWith(e.slice(0, 1000))).toBe(true);
  });
});

describe("the scope index and event log", () => {
  it("maps a change at a scope to the clusters whose related scopes lie under it, by whole segments", async () => {
    const store = await freshStore();
    const a = clusterId(SUB_A, "rg-aks", "a");
    const b = clusterId(SUB_A, "rg-aks", "b");
    const snapA = `/subscriptions/${SUB_A}/resourceGroups/rg-snap`;
    const snapB = `/subscriptions/${SUB_A}/resourceGroups/rg-snap2`;
    const storage = `/subscriptions/${SUB_B}/resourceGroups/rg-st/providers/Microsoft.Storage/storageAccounts/st1`;
    const related = new Map([
      [a, [a.toLowerCase(), snapA.toLowerCase(), storage.toLowerCase()]],
      [b, [b.toLowerCase(), snapB.toLowerCase()]],
    ]);
    const s1 = await store.persist(input([clusterReport(a), clusterReport(b)], T1, { relatedScopes: related }));
    expect(s1.transactions).toBeGreaterThan(0);
    const under = async (scope: string) => ((await store.clustersUnderScope(scope)) ?? ["<widen>"]).sort();
    expect(await under(snapA)).toEqual([a]); // not rg-snap2, a prefix-named sibling
    expect(await under(`/subscriptions/${SUB_A}/resourceGroups/RG-SNAP2/`)).toEqual([b]);
    expect(await under(`/subscriptions/${SUB_A}`)).toEqual([a, b].sort());
    expect(await under(`${storage}/blobServices/default`)).toEqual([]);
    expect(await under(`/subscriptions/${SUB_B}/resourceGroups/rg-st`)).toEqual([a]);
    expect(await store.clustersUnderScope("/providers/Microsoft.Management/managementGroups/mg")).toBeUndefined();

    // Unchanged re-audit writes nothing, index included; a changed scope moves the row.
    expect((await store.persist(input([clusterReport(a), clusterReport(b)], T2, { relatedScopes: related }))).transactions).toBe(0);
    related.set(b, [b.toLowerCase(), snapA.toLowerCase()]);
    await store.persist(input([clusterReport(a), clusterReport(b)], T3, { relatedScopes: related }));
    expect(await under(snapA)).toEqual([a, b].sort());
    expect(await under(snapB)).toEqual([]);
  });

  it("remembers event ids, so a redelivered event is recognised", async () => {
    const store = await freshStore();
    expect(await store.firstDelivery("831e1650-001e-001b-66ab-eeb76e069631")).toBe(true);
    expect(await store.firstDelivery("831e1650-001e-001b-66ab-eeb76e069631")).toBe(false);
    expect(await store.firstDelivery("another/id?#")).toBe(true);
  });
});

describe("event log retention", () => {
  it("prunes event ids older than a cut-off, and only those", async () => {
    const store = await freshStore();
    const old = new Date("2026-11-20T00:00:00Z");
    const recent = new Date("2026-11-23T00:00:00Z");
    for (let i = 0; i < 150; i++) await store.firstDelivery(`old-${i}`, old);
    await store.firstDelivery("recent-1", recent);
    expect(await store.pruneEventLog(new Date("2026-11-21T00:00:00Z"))).toBe(150);
    expect(await store.firstDelivery("old-7")).toBe(true); // forgotten: seen as new
    expect(await store.firstDelivery("recent-1")).toBe(false); // kept
    expect(await store.pruneEventLog(new Date("2026-11-21T00:00:00Z"))).toBe(0);
  });
});
