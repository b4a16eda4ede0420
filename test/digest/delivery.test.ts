/**
 * Delivery end to end: runDigestTick with the real EmailClient against the loopback ACS and the ledger
 * in Azurite — routing to groups, exactly once per period and group under timer retries, crashes
 * (after the claim; after the send), concurrent ticks, failed sends retried, and the outbox.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DigestLedger } from "../../src/digest/ledger.js";
import { createDigestSender, runDigestTick, type TickResult } from "../../src/digest/tick.js";
import type { DigestSender, DigestTickSettings } from "../../src/digest/types.js";
import type { ResultsStore } from "../../src/store/results-store.js";
import { clusterId, clusterReport, freshStore, input, SUB_A, SUB_B } from "../store/store-fixture.js";
import { FakeAcs } from "./fake-acs.js";
import { digestSettings } from "./helpers.js";

const T = Date.parse("2026-11-23T07:00:00Z");
const at = (minutes: number) => () => new Date(T + minutes * 60_000);
const OPS = "ops@contoso.com";
const TEAM_A = "team-a@contoso.com";
const TEAM_B = "team-b@contoso.com";

let acs: FakeAcs;
let store: ResultsStore;

beforeEach(async () => {
  acs = await new FakeAcs().start();
  store = await freshStore();
  await store.persist(
    input(
      [
        { ...clusterReport(clusterId(SUB_A, "rg-a", "aks-a1"), { "AKSBK-011": "fail" }), tags: { "backup-owner": TEAM_A } },
        { ...clusterReport(clusterId(SUB_A, "rg-a", "aks-a2")), tags: { "backup-owner": TEAM_A } },
        { ...clusterReport(clusterId(SUB_B, "rg-b", "aks-b1"), { "AKSBK-022": "fail" }), tags: { "backup-owner": TEAM_B } },
      ],
      "2026-11-22T06:00:00.000Z",
    ),
  );
});
afterEach(() => acs.stop());

function settings(o: Parameters<typeof digestSettings>[0] = {}): DigestTickSettings {
  const s = digestSettings({ recipients: [OPS], routes: [{ tag: "backup-owner" }], ...o });
  return { ...s, email: { ...s.email, connectionString: acs.connectionString } };
}

function sender(s = settings(), attemptTimeoutMs = 10_000): DigestSender {
  return createDigestSender(s, { acs: { clientOptions: { tlsOptions: { ca: acs.ca }, retryOptions: { maxRetries: 0 } }, pollIntervalMs: 5, attemptTimeoutMs } });
}

function tick(clock: () => Date, snd = sender(), s = settings()): Promise<TickResult> {
  return runDigestTick({ store, settings: s, clock, sender: snd });
}

const outcomes = (r: TickResult): Record<string, string> => Object.fromEntries(r.groups.map((g) => [g.group, g.outcome]));
const delivered = (to: string): number => [...acs.operations.values()].filter((o) => o.plan.end === "Succeeded" && o.email.body.recipients.to.some((x) => x.address === to)).length;
const ledger = (): DigestLedger => new DigestLedger(store.table("DigestLedger"));

describe("digest delivery", () => {
  it("sends each group its own clusters once; a retried or repeated tick sends nothing more", async () => {
    const first = await tick(at(0));
    expect(first.period).toBe("2026-W48");
    expect(outcomes(first)).toEqual({ [OPS]: "sent", [TEAM_A]: "sent", [TEAM_B]: "sent" });
    expect(acs.emails).toHaveLength(3);
    expect(acs.posts.every((p) => p.auth === "hmac")).toBe(true);

    const html = (to: string) => acs.emails.find((m) => m.body.recipients.to[0]?.address === to)?.body.content.html ?? "";
    expect(html(OPS)).toMatch(/aks-a1[\s\S]*aks-b1|aks-b1[\s\S]*aks-a1/);
    expect(html(TEAM_A)).toContain("aks-a1");
    expect(html(TEAM_A)).not.toContain("aks-b1");
    expect(html(TEAM_B)).toContain("aks-b1");
    expect(html(TEAM_B)).not.toContain("aks-a1");
    expect(html(TEAM_B)).toContain("tag backup-owner=team-b@contoso.com");
    const csv = Buffer.from(acs.emails.find((m) => m.body.recipients.to[0]?.address === TEAM_B)?.body.attachments?.[0]?.contentInBase64 ?? "", "base64").toString();
    expect(csv).toContain("aks-b1");
    expect(csv).not.toContain("aks-a1");

    expect(outcomes(await tick(at(5)))).toEqual({ [OPS]: "already_sent", [TEAM_A]: "already_sent", [TEAM_B]: "already_sent" });
    expect(outcomes(await tick(at(60 * 24 * 3)))).toEqual({ [OPS]: "already_sent", [TEAM_A]: "already_sent", [TEAM_B]: "already_sent" });
    expect(acs.emails).toHaveLength(3);
    const rows = await ledger().list("2026-W48");
    expect(rows.map((r) => [r.group, r.state, r.attempt, r.messageId === r.operationId])).toEqual([
      [OPS, "sent", 1, true],
      [TEAM_A, "sent", 1, true],
      [TEAM_B, "sent", 1, true],
    ]);

    // Next week is a new period; its digest starts where this one ended.
    const next = await tick(at(60 * 24 * 7));
    expect(next.period).toBe("2026-W49");
    expect(outcomes(next)[OPS]).toBe("sent");
    const w49 = await ledger().get("2026-W49", OPS);
    expect(w49?.windowStart).toBe(new Date(T).toISOString());
  });

  it("a crash after the claim and before the send: nothing is sent until the lease is over, then exactly once", async () => {
    const claim = await ledger().claimNew("2026-W48", TEAM_A, { recipients: [TEAM_A], windowStart: new Date(T - 7 * 86_400_000), windowEnd: new Date(T), subject: "s", requestBytes: 1 }, new Date(T), "tick-that-died");
    expect(claim?.state).toBe("sending");

    const soon = await tick(at(3));
    expect(outcomes(soon)).toEqual({ [OPS]: "sent", [TEAM_A]: "in_progress", [TEAM_B]: "sent" });
    expect(delivered(TEAM_A)).toBe(0);

    const later = await tick(at(11));
    expect(outcomes(later)[TEAM_A]).toBe("sent");
    expect(delivered(TEAM_A)).toBe(1);
    // The same attempt, under the operation id claimed before the crash.
    expect(acs.emails.find((m) => m.body.recipients.to[0]?.address === TEAM_A)?.operationId).toBe(claim?.operationId);
    expect(outcomes(await tick(at(30)))[TEAM_A]).toBe("already_sent");
    expect(delivered(TEAM_A)).toBe(1);
  });

  it("a crash after the send and before it was recorded: the next tick asks ACS and does not send again", async () => {
    const real = sender();
    const crashing: DigestSender = {
      describe: real.describe,
      probeHorizonMs: real.probeHorizonMs,
      probe: (id, m) => real.probe(id, m),
      send: async (m, id) => {
        const r = await real.send(m, id);
        if (m.groupKey === TEAM_A) throw new Error("the process was killed right after the send");
        return r;
      },
    };
    await expect(tick(at(0), crashing)).rejects.toThrow(/killed/);
    expect(delivered(TEAM_A)).toBe(1);
    expect((await ledger().get("2026-W48", TEAM_A))?.state).toBe("sending");

    expect(outcomes(await tick(at(2)))).toEqual({ [OPS]: "already_sent", [TEAM_A]: "in_progress", [TEAM_B]: "sent" });
    expect(outcomes(await tick(at(12)))[TEAM_A]).toBe("recovered");
    expect((await ledger().get("2026-W48", TEAM_A))?.state).toBe("sent");
    expect(delivered(TEAM_A)).toBe(1);
    expect(acs.posts.filter((p) => p.path === "/emails:send")).toHaveLength(3);
  });

  it("concurrent ticks send each group exactly once", async () => {
    const results = await Promise.all([tick(at(0)), tick(at(0)), tick(at(0))]);
    for (const group of [OPS, TEAM_A, TEAM_B]) {
      const sent = results.filter((r) => outcomes(r)[group] === "sent").length;
      expect(sent).toBe(1);
      expect(delivered(group)).toBe(1);
    }
    expect(acs.emails).toHaveLength(3);
  });

  it("a failed send is retried at the next tick, as a new attempt", async () => {
    acs.plan = (email) => ({ kind: "accept", end: email.body.recipients.to[0]?.address === TEAM_B ? "Failed" : "Succeeded" });
    const first = await tick(at(0));
    expect(outcomes(first)).toEqual({ [OPS]: "sent", [TEAM_A]: "sent", [TEAM_B]: "failed" });
    expect(first.retrying).toBe(1);
    const failed = await ledger().get("2026-W48", TEAM_B);
    expect(failed).toMatchObject({ state: "failed", attempt: 1 });
    expect(failed?.lastError).toMatch(/EmailDroppedAllRecipientsSuppressed/);

    acs.plan = () => ({ kind: "accept", end: "Succeeded" });
    const second = await tick(at(60));
    expect(outcomes(second)).toEqual({ [OPS]: "already_sent", [TEAM_A]: "already_sent", [TEAM_B]: "sent" });
    const sent = await ledger().get("2026-W48", TEAM_B);
    expect(sent).toMatchObject({ state: "sent", attempt: 2 });
    expect(sent?.operationId).not.toBe(failed?.operationId);
    expect(delivered(TEAM_B)).toBe(1);
  });

  it("a send still processing is waited for, not repeated", async () => {
    acs.plan = () => ({ kind: "accept", end: "Succeeded", pollsBeforeEnd: 1_000_000 });
    const slow = sender(settings(), 300);
    const first = await tick(at(0), slow);
    expect(new Set(Object.values(outcomes(first)))).toEqual(new Set(["pending"]));
    expect(outcomes(await tick(at(11), slow))).toEqual({ [OPS]: "in_progress", [TEAM_A]: "in_progress", [TEAM_B]: "in_progress" });
    for (const op of acs.operations.values()) op.plan = { ...op.plan, pollsBeforeEnd: 0 };
    expect(outcomes(await tick(at(22), slow))).toEqual({ [OPS]: "recovered", [TEAM_A]: "recovered", [TEAM_B]: "recovered" });
    expect(acs.emails).toHaveLength(3);
  });

  it("an interrupted attempt that can no longer be confirmed is never repeated", async () => {
    await ledger().claimNew("2026-W48", TEAM_A, { recipients: [TEAM_A], windowStart: new Date(T), windowEnd: new Date(T), subject: "s", requestBytes: 1 }, new Date(T - 25 * 3600_000), "long-gone");
    const r = await tick(at(0));
    expect(outcomes(r)[TEAM_A]).toBe("unknown");
    expect(delivered(TEAM_A)).toBe(0);
    expect((await ledger().get("2026-W48", TEAM_A))?.lastError).toMatch(/can no longer be confirmed; not re-sent/);
    expect(outcomes(await tick(at(60)))[TEAM_A]).toBe("unknown");
    expect(delivered(TEAM_A)).toBe(0);
  });

  it("an empty digest is not sent unless configured", async () => {
    const calm = await freshStore();
    await calm.persist(input([clusterReport(clusterId(SUB_A, "rg", "fine"))], "2026-11-22T06:00:00.000Z"));
    const s = settings({ routes: [] });
    const r = await runDigestTick({ store: calm, settings: s, clock: at(0), sender: sender(s) });
    expect(outcomes(r)).toEqual({ [OPS]: "empty" });
    expect(acs.emails).toHaveLength(0);
    expect(await new DigestLedger(calm.table("DigestLedger")).list("2026-W48")).toEqual([]);
    const loud = settings({ routes: [], sendEmpty: true });
    expect(outcomes(await runDigestTick({ store: calm, settings: loud, clock: at(1), sender: sender(loud) }))).toEqual({ [OPS]: "sent" });
    expect(acs.emails[0]?.body.content.html).toContain("All 1 clusters meet the prerequisites");
  });

  it("without email settings, digests go to the outbox folder as .eml and .html, once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-outbox-"));
    const s = digestSettings({ recipients: [OPS], routes: [{ tag: "backup-owner" }], outboxDir: dir });
    const outbox = createDigestSender(s, { clock: at(0) });
    expect(outbox.describe).toBe(`outbox folder ${dir}`);
    const r = await runDigestTick({ store, settings: s, clock: at(0), sender: outbox });
    expect(outcomes(r)).toEqual({ [OPS]: "sent", [TEAM_A]: "sent", [TEAM_B]: "sent" });
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(6);
    expect(files.filter((f) => f.endsWith(".eml"))).toHaveLength(3);
    const eml = readFileSync(join(dir, files.find((f) => f.includes("team-b") && f.endsWith(".eml")) ?? ""), "utf8");
    expect(eml).toMatch(/^From: DoNotReply@contoso\.com\r\nTo: team-b@contoso\.com\r\n/);
    expect(outcomes(await runDigestTick({ store, settings: s, clock: at(5), sender: outbox }))[TEAM_B]).toBe("already_sent");
    expect(readdirSync(dir)).toHaveLength(6);
    expect(acs.emails).toHaveLength(0);
  });
});
