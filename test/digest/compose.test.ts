/**
 * What a digest says, from real stored history (Azurite): three audits a week apart, then the digest of
 * the week after. Cluster a broke, b kept failing, c got fixed, d became unknown, e was deleted, f is new.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { composeDigest, type DigestModel } from "../../src/digest/compose.js";
import { periodOf } from "../../src/digest/period.js";
import { loadDigestData, type DigestData } from "../../src/digest/source.js";
import { renderDigestText } from "../../src/digest/text.js";
import { DEFAULT_LIMITS } from "../../src/digest/html.js";
import { idKey } from "../../src/model/arm-id.js";
import type { ResultsStore } from "../../src/store/results-store.js";
import { clusterId, clusterReport, freshStore, input, SUB_A, SUB_B } from "../store/store-fixture.js";

const NOW = new Date("2026-11-23T07:00:00Z");
const WINDOW = new Date("2026-11-16T07:00:00Z");
const T1 = "2026-11-09T06:00:00.000Z";
const T2 = "2026-11-16T06:00:00.000Z";
const T3 = "2026-11-22T06:00:00.000Z";
const id = (name: string, sub = SUB_A): string => clusterId(sub, "rg", name);
const A = id("a");
const B = id("b");
const C = id("c");
const D = id("d");
const E = id("e");
const F = id("f", SUB_B);

let store: ResultsStore;
let data: DigestData;
const compose = (o: Partial<Parameters<typeof composeDigest>[1]> = {}): DigestModel => composeDigest(data, { now: NOW, period: periodOf(NOW, "week"), windowStart: WINDOW, ...o });
const names = (list: { name: string }[]): string[] => list.map((c) => c.name);

beforeAll(async () => {
  store = await freshStore();
  const run = (clusters: ReturnType<typeof clusterReport>[], at: string, complete: string[] = []) =>
    store.persist(input(clusters, at, { startedAt: new Date(at), completeSubscriptions: complete, runId: `run-${at.slice(0, 10)}` }));
  await run([clusterReport(A), clusterReport(B, { "AKSBK-011": "fail" }), clusterReport(C, { "AKSBK-022": "fail" }), clusterReport(E, { "AKSBK-001": "fail" })], T1);
  await run([clusterReport(A), clusterReport(B, { "AKSBK-011": "fail" }), clusterReport(C, { "AKSBK-022": "fail" }), clusterReport(D), clusterReport(E, { "AKSBK-001": "fail" })], T2);
  await run(
    [clusterReport(A, { "AKSBK-011": "fail" }), clusterReport(B, { "AKSBK-011": "fail", "AKSBK-040": "warn" }), clusterReport(C), clusterReport(D, { "AKSBK-022": "unknown" }), clusterReport(F, { "AKSBK-040": "warn" })],
    T3,
    [SUB_A],
  );
  await store.addSuppression({ checkId: "AKSBK-040", scope: `/subscriptions/${SUB_A}`, reason: "proxy", author: "me", expiresAt: "2026-11-26T00:00:00.000Z" });
  await store.addSuppression({ checkId: "AKSBK-001", scope: B, reason: "expired one", author: "me", expiresAt: "2026-11-20T00:00:00.000Z" });
  await store.addSuppression({ checkId: "AKSBK-022", scope: C, reason: "far away", author: "me", expiresAt: "2027-06-01T00:00:00.000Z" });
  await store.addSuppression({ checkId: "AKSBK-040", scope: F, reason: "other team", author: "me", expiresAt: "2026-11-25T00:00:00.000Z" });
  data = await loadDigestData(store);
});

describe("composing the digest", () => {
  it("sorts clusters into newly non-compliant, still failing, fixed, became unknown, removed and added", () => {
    const m = compose();
    expect(names(m.newlyNonCompliant)).toEqual(["a"]);
    expect(names(m.stillFailing)).toEqual(["b"]);
    expect(names(m.fixed)).toEqual(["c"]);
    expect(names(m.becameUnknown)).toEqual(["d"]);
    expect(names(m.removed)).toEqual(["e"]);
    expect(names(m.added)).toEqual(["f"]);
    expect(m.totals).toEqual({ clusters: 5, compliant: 2, nonCompliant: 2, unknown: 1, percent: 40 });
    expect(m.previous).toMatchObject({ clusters: 5, compliant: 2, nonCompliant: 3, percent: 40 });
  });

  it("says since when: a cluster failing since its first audit, a check that is new this week", () => {
    const m = compose();
    expect(m.stillFailing[0]?.since).toBe(T1);
    expect(m.newlyNonCompliant[0]?.since).toBe(T3);
    const a = m.toFix.find((c) => c.name === "a");
    expect(a?.failing.map((f) => [f.id, f.isNew, f.since])).toEqual([["AKSBK-011", true, T3]]);
    const b = m.toFix.find((c) => c.name === "b");
    expect(b?.failing.map((f) => [f.id, f.status, f.isNew])).toEqual([
      ["AKSBK-011", "fail", false],
      ["AKSBK-040", "warn", true],
    ]);
    expect(m.toFix.map((c) => c.name)).toEqual(["a", "b"]);
  });

  it("traces the group's compliance over the recent runs", () => {
    const m = compose();
    expect(m.trend.map((p) => [p.at.slice(0, 10), p.totals.clusters, p.totals.percent])).toEqual([
      ["2026-11-09", 4, 25],
      ["2026-11-16", 5, 40],
      ["2026-11-22", 5, 40],
    ]);
  });

  it("ranks the most-failed checks and lists suppressions about to expire (or expired this week) for these clusters", () => {
    const m = compose();
    expect(m.topChecks.map((c) => [c.id, c.fail, c.warn, c.newFail])).toEqual([
      ["AKSBK-011", 2, 0, 1],
      ["AKSBK-040", 0, 2, 2],
    ]);
    expect(m.expiring.map((s) => [s.checkId, s.scope, s.clusters])).toEqual([
      ["AKSBK-040", F, 1],
      ["AKSBK-040", `/subscriptions/${SUB_A}`, 4],
    ]);
    expect(m.expired.map((s) => s.reason)).toEqual(["expired one"]);
  });

  it("a group sees only its clusters", () => {
    const m = compose({ clusterKeys: new Set([idKey(A), idKey(B)]) });
    expect(m.totals).toMatchObject({ clusters: 2, nonCompliant: 2, percent: 0 });
    expect(names(m.clusters)).toEqual(["a", "b"]);
    expect(m.expiring.map((s) => s.scope)).toEqual([`/subscriptions/${SUB_A}`]);
    expect(m.trend.map((p) => p.totals.percent)).toEqual([50, 50, 0]);
    expect(m.fixed).toEqual([]);
    expect(m.findingCount).toBe(3);
  });

  it("an all-compliant group with nothing new is empty; a fix is news", () => {
    expect(compose({ clusterKeys: new Set([idKey(F)]), now: new Date("2026-12-10T00:00:00Z") }).empty).toBe(false); // F warns, but its suppression expired
    expect(compose({ clusterKeys: new Set([idKey(C)]), windowStart: new Date("2026-11-30T00:00:00Z"), now: new Date("2026-12-01T00:00:00Z") }).empty).toBe(true);
    expect(compose({ clusterKeys: new Set([idKey(C)]) }).empty).toBe(false);
    expect(compose({ clusterKeys: new Set<string>() }).empty).toBe(true);
  });

  it("the plain-text part carries the same news and the fix commands' place", () => {
    const m = compose();
    const text = renderDigestText(m, DEFAULT_LIMITS, { name: "f.csv", rows: m.findingCount, included: m.findingCount, zipped: false });
    expect(text).toMatch(/NEWLY NON-COMPLIANT \(1\)\n-+\n\* a — rg, westeurope/);
    expect(text).toMatch(/FIXED \(1\)[\s\S]*\* c/);
    expect(text).toMatch(/STILL FAILING \(1\)[\s\S]*failing since 9 Nov/);
    expect(text).toContain("Trend: 9 Nov 25% → 16 Nov 40% → 22 Nov 40%");
    expect(text).toContain("https://portal.azure.com/#@/resource/subscriptions/");
  });
});
