/** The digest timer: a real InvocationContext, the store on Azurite, a recording sender. */
import { InvocationContext, type Timer } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { loadDigestSettings } from "../../src/config/settings.js";
import type { DigestMessage, DigestSender, SendOutcome } from "../../src/digest/types.js";
import { createDigestTimerHandler, DigestNotDelivered } from "../../src/functions/digestTimer.js";
import { clusterId, clusterReport, freshStore, input, SUB_A } from "../store/store-fixture.js";

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };
const ctx = () => new InvocationContext({ functionName: "digestTimer", invocationId: `inv-${Math.random()}`, logHandler: () => undefined });

function sender(outcome: () => SendOutcome): DigestSender & { sent: DigestMessage[] } {
  const sent: DigestMessage[] = [];
  return { describe: "recording", probeHorizonMs: 60_000, sent, send: async (m) => (sent.push(m), outcome()), probe: async () => ({ kind: "not_found" }) };
}

describe("the digest timer", () => {
  it("sends this period's digest once, and a second tick in the period sends nothing", async () => {
    const store = await freshStore();
    await store.persist(input([clusterReport(clusterId(SUB_A, "rg", "aks-1"), { "AKSBK-022": "fail" })], "2026-11-23T05:00:00.000Z"));
    const settings = loadDigestSettings({ AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS: "platform@contoso.com" });
    const s = sender(() => ({ kind: "sent", messageId: "m-1" }));
    const handler = createDigestTimerHandler({ store: async () => store, settings, sender: s, clock: () => new Date("2026-11-23T07:00:00Z") });
    await handler(timer, ctx());
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]?.to).toEqual(["platform@contoso.com"]);
    expect(s.sent[0]?.html).toContain("aks-1");
    await handler(timer, ctx());
    expect(s.sent).toHaveLength(1);
  });

  it("fails the invocation while a group is undelivered, so the timer's retry policy tries again", async () => {
    const store = await freshStore();
    await store.persist(input([clusterReport(clusterId(SUB_A, "rg", "aks-2"), { "AKSBK-011": "fail" })], "2026-11-23T05:00:00.000Z"));
    const settings = loadDigestSettings({ AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS: "platform@contoso.com" });
    let ok = false;
    const s = sender(() => (ok ? { kind: "sent", messageId: "m-2" } : { kind: "rejected", error: "503 from the service" }));
    const handler = createDigestTimerHandler({ store: async () => store, settings, sender: s, clock: () => new Date("2026-11-23T07:00:00Z") });
    await expect(handler(timer, ctx())).rejects.toBeInstanceOf(DigestNotDelivered);
    ok = true;
    await handler(timer, ctx());
    expect(s.sent.filter((m) => m.to.includes("platform@contoso.com"))).toHaveLength(2); // the failed attempt and the retry
  });
});
