/** What every HTTP handler shares: JSON answers, problem details for any failure, one log line each. */
import type { HttpRequest, HttpResponse, HttpResponseInit, InvocationContext } from "@azure/functions";
import { describeError, log } from "./log.js";
import { internalError } from "./problem.js";

export type HttpResult = HttpResponseInit | HttpResponse;

/** Run a handler; an unexpected failure becomes a 500 problem (details only in the log). */
export async function guarded(request: HttpRequest, context: InvocationContext, fn: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    const r = await fn();
    log(context, "info", "http.answered", { method: request.method, path: new URL(request.url).pathname, status: r.status ?? 200 });
    return r;
  } catch (e) {
    log(context, "error", "http.failed", { method: request.method, path: new URL(request.url).pathname, error: describeError(e) });
    return internalError(context.invocationId);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { "content-type": "application/json", ...headers } };
}

/** The body as JSON: `undefined` for an empty body, `{ error }` when it is not JSON. */
export async function readJson(request: HttpRequest): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const text = await request.text();
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `the body is not valid JSON: ${(e as Error).message}` };
  }
}
