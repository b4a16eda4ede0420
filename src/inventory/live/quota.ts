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
  private resetAt = 0;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  waitedMs = 0;

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly initialInFlight = 3,
  ) {}

  /** Wait for permission to send one request. */
  async acquire(): Promise<void> {
    for (let spins = 0; spins < 100_000; spins++) {
      const now = this.clock();
      if (this.remaining !== undefined && this.remaining <= 0 && now >= this.resetAt) this.remaining = undefined; // new window
      if (this.remaining === undefined ? this.inFlight < this.initialInFlight : this.remaining > 0) {
        if (this.remaining !== undefined) this.remaining--;
        this.inFlight++;
        return;
      }
      const started = now;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        if (this.remaining !== undefined && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.wake();
          }, Math.max(0, this.resetAt - now) + 50);
        }
      });
      this.waitedMs += this.clock() - started;
    }
    throw new Error("quota gate: gave up waiting");
  }

  /** An answer came back (headers), or the request failed (no headers). */
  release(headers?: { get(name: string): string | undefined | null }): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const rem = headers?.get("x-ms-user-quota-remaining");
    const resets = parseResetsAfter(headers?.get("x-ms-user-quota-resets-after"));
    if (rem !== undefined && rem !== null && /^\d+$/.test(rem)) {
      // The server's count, less what we already have in flight in this window.
      this.remaining = Math.max(0, Number(rem) - this.inFlight);
      if (resets !== undefined) this.resetAt = this.clock() + resets;
    }
    this.wake();
  }

  /** A 429 came back: nothing is left until the server's Retry-After. */
  throttled(retryAfterMs: number): void {
    this.remaining = 0;
    this.resetAt = Math.max(this.resetAt, this.clock() + retryAfterMs);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
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
