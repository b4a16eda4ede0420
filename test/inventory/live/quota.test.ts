import { describe, expect, it } from "vitest";
import { ArmReadBuckets, GraphQuotaGate, parseResetsAfter } from "../../../src/inventory/live/quota.js";

const headers = (remaining: number, resets: string) => ({ get: (n: string) => (n === "x-ms-user-quota-remaining" ? String(remaining) : n === "x-ms-user-quota-resets-after" ? resets : undefined) });

/** Resolves true if the promise settles within the turn, false if it is still waiting. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe("the Resource Graph quota gate", () => {
  it("parses Azure's hh:mm:ss resets-after", () => {
    expect(parseResetsAfter("00:00:05")).toBe(5000);
    expect(parseResetsAfter("01:02:03")).toBe(3723000);
    expect(parseResetsAfter("garbage")).toBeUndefined();
  });

  it("lets a few requests out before it knows the quota, then spends exactly what the answers allow", async () => {
    let now = 0;
    const gate = new GraphQuotaGate(() => now, 3);
    const t = [await gate.acquire(), await gate.acquire(), await gate.acquire()];
    expect(await settled(gate.acquire())).toBe(false); // 4th waits for an answer
    gate.release(t[0] ?? 0, headers(4, "00:00:05")); // server: 5 allowed, this was the 1st; 2 more sent after it → 2 left
    // The waiting 4th now goes, and one more; then the budget is spent.
    expect(await settled(gate.acquire())).toBe(true);
    expect(await settled(gate.acquire())).toBe(false);
    gate.dispose();
  });

  it("never raises the count on an answer that arrives late, and opens the next window with its whole budget, once", async () => {
    let now = 1_000;
    const gate = new GraphQuotaGate(() => now, 1);
    const a = await gate.acquire();
    gate.release(a, headers(2, "00:00:05")); // limit 3, 2 left
    const b = await gate.acquire();
    const c = await gate.acquire();
    gate.release(c, headers(0, "00:00:05")); // the later request answers first: nothing left
    gate.release(b, headers(1, "00:00:05")); // an earlier answer must not give one back
    const blocked = gate.acquire();
    expect(await settled(blocked)).toBe(false);
    now += 6_100; // past the window's end (+ margin)
    gate.dispose(); // wake the waiter to re-check the clock
    await blocked;
    // The new window's budget (3) is granted once: two more, then wait for an answer.
    expect(await settled(gate.acquire())).toBe(true);
    expect(await settled(gate.acquire())).toBe(true);
    expect(await settled(gate.acquire())).toBe(false);
    gate.dispose();
  });
});

describe("ARM read buckets", () => {
  it("allow the burst, then refill at the rate, and follow a lower server count", async () => {
    let now = 0;
    const b = new ArmReadBuckets(3, 10, () => now);
    for (let i = 0; i < 3; i++) await b.take("sub");
    expect(b.waitedMs).toBe(0);
    b.observe("sub", { get: () => "0" });
    now += 100; // one token back at 10/s
    await b.take("sub");
    expect(b.waitedMs).toBe(0);
    expect(await settled(b.take("other"))).toBe(true); // per subscription
  });
});
