/**
 * Staying inside Azure's read quotas instead of bouncing off them.
 *
 * Resource Graph reports its per-principal window on every answer (`x-ms-user-quota-remaining`,
 * `x-ms-user-quota-resets-after` as hh:mm:ss). The gate keeps a local count of what is left, takes one
 * before each request, and once it is spent waits for the window to reset — so the collector itself
 * causes no 429s. Until the first answer it lets only a few requests out.
 *
 * ARM reads are limited per subscription (a bucket: a burst, then a refill rate); the per-subscription
 * bucket mirrors that and also follows `x-ms-ratelimit-remaining-subscription-reads` when it is lower.
 */

type Clock = () => number;

export function parseResetsAfter(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + (m[4] ? Math.round(Number(`0.${m[4]}`) * 1000) : 0);
}

export class GraphQuotaGate {
  /** Requests we may still send in the current window; undefined until an answer tells us. */
  private remaining: number | undefined;
  /** Earliest time the current window is known to be over (see release). */
  private resetAt = 0;
  /** The largest quota seen (remaining + 1 on a window's first answer): a new window's budget. */
  private limit: number | undefined;
  private inFlight = 0;
  private nextTicket = 0;
  private waiters: { priority: number; wake: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  waitedMs = 0;

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly initialInFlight = 3,
    private readonly marginMs = 25,
  ) {}

  /**
   * Wait for permission to send one request. When the budget is short, higher `priority` goes first:
   * the collector passes the pages a query still has to read, so the longest chain of pages — the
   * critical path — is not starved by short ones.
   */
  async acquire(priority = 0): Promise<number> {
    for (let spins = 0; spins < 100_000; spins++) {
      const now = this.clock();
      if (this.remaining !== undefined && this.remaining <= 0 && now >= this.resetAt + this.marginMs) {
        // A new window: its whole budget (or learn it again). Its end is unknown until an answer
        // tells us, so no second grant can happen before then.
        this.remaining = this.limit;
        this.resetAt = Number.POSITIVE_INFINITY;
      }
      if (this.remaining === undefined ? this.inFlight < this.initialInFlight : this.remaining > 0) {
        if (this.remaining !== undefined) this.remaining--;
        this.inFlight++;
        return this.nextTicket++;
      }
      const started = now;
      await new Promise<void>((resolve) => {
        this.waiters.push({ priority, wake: resolve });
        if (this.remaining !== undefined && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.wake();
          }, Math.max(0, this.resetAt + this.marginMs - now) + 1);
        }
      });
      this.waitedMs += this.clock() - started;
    }
    throw new Error("quota gate: gave up waiting");
  }

  /**
   * An answer came back (headers), or the request failed (no headers). Answers arrive out of order, so
   * within a window the count only goes down. Each answer bounds the window's end from above
   * (`now + resets-after`, which Azure rounds to whole seconds); the smallest bound is the tightest.
   * A bound well past the current one means a new window.
   */
  release(ticket: number, headers?: { get(name: string): string | undefined | null }): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const rem = headers?.get("x-ms-user-quota-remaining");
    const resets = parseResetsAfter(headers?.get("x-ms-user-quota-resets-after"));
    if (rem !== undefined && rem !== null && /^\d+$/.test(rem)) {
      const r = Number(rem);
      const now = this.clock();
      this.limit = Math.max(this.limit ?? 0, r + 1);
      const bound = now + (resets ?? 0);
      // The server's count covers this request and those sent before it; every request sent after it
      // (answered or not) also spends this window, as far as we know.
      const later = this.nextTicket - 1 - ticket;
      const left = Math.max(0, r - later);
      const newWindow = this.remaining === undefined || now >= this.resetAt || (Number.isFinite(this.resetAt) && bound > this.resetAt + 1500);
      if (newWindow) {
        this.remaining = left;
        this.resetAt = bound;
      } else {
        this.remaining = Math.min(this.remaining ?? left, left);
        this.resetAt = Math.min(this.resetAt, bound);
      }
    }
    // Every request of a new window failed without quota headers: do not wait forever.
    if (!Number.isFinite(this.resetAt) && this.inFlight === 0) this.resetAt = this.clock() + 1000;
    this.wake();
  }

  /** A 429 came back: nothing is left until the server's Retry-After. */
  throttled(retryAfterMs: number): void {
    this.remaining = 0;
    this.resetAt = Math.max(this.resetAt, this.clock() + retryAfterMs);
  }

  private wake(): void {
    // Resolved in priority order, their continuations run in that order and take the budget first.
    const w = this.waiters.sort((a, b) => b.priority - a.priority);
    this.waiters = [];
    for (const r of w) r.wake();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake();
  }
}

/** A token bucket per subscription for ARM reads. */
export class ArmReadBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  waitedMs = 0;

  constructor(
    private readonly burst = 250,
    private readonly perSecond = 25,
    private readonly clock: Clock = Date.now,
  ) {}

  async take(subscriptionId: string): Promise<void> {
    const key = subscriptionId.toLowerCase();
    for (let i = 0; i < 10_000; i++) {
      const now = this.clock();
      const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
      this.buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      const ms = Math.ceil(((1 - b.tokens) / this.perSecond) * 1000);
      this.waitedMs += ms;
      await new Promise((r) => setTimeout(r, ms));
    }
  }

  /** Follow the server's own count when it is lower than ours. */
  observe(subscriptionId: string, headers?: { get(name: string): string | undefined | null }): void {
    const v = headers?.get("x-ms-ratelimit-remaining-subscription-reads");
    if (!v || !/^\d+$/.test(v)) return;
    const b = this.buckets.get(subscriptionId.toLowerCase());
    if (b && Number(v) < b.tokens) b.tokens = Number(v);
  }
}
