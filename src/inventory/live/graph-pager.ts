/**
 * One Resource Graph query read to its last page: through the quota gate, with our retries (counted),
 * honouring 429s, following skip tokens. Shared by the fleet collector and the targeted (one-cluster)
 * collector so that both page, wait and fail the same way.
 */
import type { QueryResponse } from "@azure/arm-resourcegraph";
import { isObject, type JsonObject } from "../../model/props.js";
import type { AzureClients } from "./clients.js";
import type { GraphQuotaGate } from "./quota.js";
import { retryAfterMs, withRetry, type RetryPolicy } from "./retry.js";

export interface PagerDeps {
  clients: AzureClients;
  gate: GraphQuotaGate;
  retry: RetryPolicy;
  metrics: { graphRequests: number; graphRetries: number };
  onWait(w: { reason: string; ms: number }): void;
  onPage?(rows: number): void;
}

export interface GraphScope {
  subscriptions?: string[];
  managementGroups?: string[];
}

type Headers = { get(n: string): string | undefined };

export async function queryAllPages(d: PagerDeps, scope: GraphScope, query: string, pageSize = 1000): Promise<{ rows: JsonObject[] } | { error: string }> {
  const rows: JsonObject[] = [];
  let skipToken: string | undefined;
  let total: number | undefined;
  for (let page = 0; page < 100_000; page++) {
    // Pages still to read: unknown before the first answer (go early, learn the size).
    const pagesLeft = total === undefined ? 1_000 : Math.ceil(Math.max(0, total - rows.length) / pageSize);
    let headers: Headers | undefined;
    const res = await withRetry<QueryResponse>(
      async () => {
        const ticket = await d.gate.acquire(pagesLeft);
        d.metrics.graphRequests++;
        let released = false;
        try {
          const r = await d.clients.graph.resources(
            { ...scope, query, options: { top: pageSize, ...(skipToken ? { skipToken } : {}), resultFormat: "objectArray" } },
            { onResponse: (raw) => (headers = raw.headers) },
          );
          d.gate.release(ticket, headers);
          released = true;
          return r;
        } catch (e) {
          const h = (e as { response?: { headers?: Headers } }).response?.headers;
          if ((e as { statusCode?: number }).statusCode === 429) d.gate.throttled(retryAfterMs(h) ?? 5000);
          if (!released) d.gate.release(ticket, h);
          throw e;
        }
      },
      {
        ...d.retry,
        onWait: (w) => {
          d.metrics.graphRetries++;
          d.onWait(w);
        },
      },
    );
    if (!res.ok) return { error: `${res.failure.kind}${res.failure.status ? ` (HTTP ${res.failure.status})` : ""}: ${res.failure.message}` };
    const data: unknown = res.value.data;
    if (!Array.isArray(data)) return { error: "Resource Graph answered without an object array" };
    for (const x of data) if (isObject(x) && typeof x["id"] === "string") rows.push(x);
    if (typeof res.value.totalRecords === "number") total = res.value.totalRecords;
    d.onPage?.(data.length);
    skipToken = res.value.skipToken;
    if (!skipToken) return { rows };
  }
  return { error: "too many pages" };
}
