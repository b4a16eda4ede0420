/**
 * Retries for Azure calls, done here rather than in the SDK pipelines so that every attempt is
 * counted, every wait is visible (progress, metrics) and the cap is ours. Expected failures come
 * back as values (style.md §5): a 403 is `forbidden`, not an exception.
 */
import { RestError } from "@azure/core-rest-pipeline";

export type CallFailure =
  | { kind: "forbidden"; status: number; message: string }
  | { kind: "not_found"; status: number; message: string }
  | { kind: "failed"; status: number | undefined; message: string; attempts: number };

export type CallResult<T> = { ok: true; value: T; attempts: number } | { ok: false; failure: CallFailure };

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  onWait?: (info: { reason: "throttled" | "server-error" | "network"; ms: number; attempt: number; status?: number | undefined }) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `Retry-After` in seconds or as an HTTP date; `retry-after-ms` / `x-ms-retry-after-ms` in ms. */
export function retryAfterMs(headers: { get(name: string): string | undefined | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  for (const h of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers.get(h);
    if (v && /^\d+$/.test(v)) return Number(v);
  }
  const ra = headers.get("retry-after");
  if (!ra) return undefined;
  if (/^\d+$/.test(ra.trim())) return Number(ra) * 1000;
  const t = Date.parse(ra);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function statusOf(e: unknown): number | undefined {
  return e instanceof RestError ? e.statusCode : typeof (e as { statusCode?: unknown })?.statusCode === "number" ? (e as { statusCode: number }).statusCode : undefined;
}

function headersOf(e: unknown): { get(name: string): string | undefined } | undefined {
  const r = (e as { response?: { headers?: { get(name: string): string | undefined } } })?.response;
  return r?.headers;
}

function describe(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.length > 500 ? msg.slice(0, 500) + "…" : msg;
}

/** Call `fn` with retries on 429, 5xx and dropped connections; other errors end at once. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<CallResult<T>> {
  const wait = policy.sleep ?? sleep;
  let last: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    try {
      return { ok: true, value: await fn(), attempts: attempt };
    } catch (e) {
      last = e;
      const status = statusOf(e);
      if (status === 403 || status === 401) return { ok: false, failure: { kind: "forbidden", status, message: describe(e) } };
      if (status === 404) return { ok: false, failure: { kind: "not_found", status, message: describe(e) } };
      const throttled = status === 429;
      const server = status !== undefined && status >= 500;
      const network = status === undefined;
      if (!throttled && !server && !network) return { ok: false, failure: { kind: "failed", status, message: describe(e), attempts: attempt } };
      if (attempt === policy.maxAttempts) break;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      const ms = Math.min(policy.maxDelayMs * 2, retryAfterMs(headersOf(e)) ?? backoff);
      policy.onWait?.({ reason: throttled ? "throttled" : server ? "server-error" : "network", ms, attempt, status });
      await wait(ms);
    }
  }
  return { ok: false, failure: { kind: "failed", status: statusOf(last), message: describe(last), attempts: policy.maxAttempts } };
}
