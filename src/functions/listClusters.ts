/**
 * GET /api/clusters?status=&subscription=&check=&pageSize=&continuationToken= — latest verdicts, paged
 * (Table Storage pages: follow `continuationToken` until it is absent; a page may be short). Each item
 * is a summary; GET /api/clusters/{subscriptionId}/{resourceGroup}/{name} has the evidence.
 */
import type { HttpRequest, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { CHECKS } from "../checks/registry.js";
import type { StoredVerdict } from "../store/results-store.js";
import { GUID_RE } from "./shared/audit-scope.js";
import { guarded, json, type HttpResult } from "./shared/http.js";
import type { StoreFor } from "./shared/ports.js";
import { validationProblem } from "./shared/problem.js";

export const LIST_CLUSTERS_FUNCTION = "listClusters";

const CHECK_IDS = new Set(CHECKS.map((c) => c.id));

export const listClustersQuerySchema = z.strictObject({
  status: z.enum(["compliant", "non_compliant", "unknown"], { error: 'must be "compliant", "non_compliant" or "unknown"' }).optional(),
  subscription: z.string().regex(GUID_RE, "must be a subscription id (GUID)").optional(),
  check: z
    .string()
    .transform((s) => s.toUpperCase())
    .refine((s) => CHECK_IDS.has(s), "must be a check id of the catalogue, e.g. AKSBK-022")
    .optional(),
  pageSize: z
    .string()
    .regex(/^\d+$/, "must be a whole number from 1 to 1000")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, "must be a whole number from 1 to 1000")
    .optional(),
  continuationToken: z.string().min(1).max(4096).optional(),
});

export interface ClusterSummary {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  status: string;
  failing: string[];
  observedAt: string;
  lastChangedAt: string;
  href: string;
}

export function clusterHref(v: Pick<StoredVerdict, "subscriptionId" | "resourceGroup" | "name">): string {
  return `/api/clusters/${encodeURIComponent(v.subscriptionId)}/${encodeURIComponent(v.resourceGroup)}/${encodeURIComponent(v.name)}`;
}

export function createListClustersHandler(deps: { store: StoreFor }) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResult> =>
    guarded(request, context, async () => {
      const q = listClustersQuerySchema.safeParse(Object.fromEntries(request.query.entries()));
      if (!q.success) return validationProblem("query", q.error);
      const store = await deps.store();
      const page = await store.pageVerdicts(
        { ...(q.data.status ? { status: q.data.status } : {}), ...(q.data.subscription ? { subscriptionId: q.data.subscription } : {}), ...(q.data.check ? { checkId: q.data.check } : {}) },
        { pageSize: q.data.pageSize ?? 100, continuationToken: q.data.continuationToken },
      );
      const items: ClusterSummary[] = page.items.map((v) => ({
        id: v.id,
        name: v.name,
        subscriptionId: v.subscriptionId,
        resourceGroup: v.resourceGroup,
        location: v.location,
        status: v.status,
        failing: v.checks.filter((c) => (c.status === "fail" || c.status === "warn") && !c.suppressed).map((c) => c.id),
        observedAt: v.observedAt,
        lastChangedAt: v.lastChangedAt,
        href: clusterHref(v),
      }));
      let next: string | undefined;
      if (page.continuationToken) {
        const u = new URL(request.url);
        u.searchParams.set("continuationToken", page.continuationToken);
        next = `${u.pathname}${u.search}`;
      }
      return json(200, { items, continuationToken: page.continuationToken ?? null, next: next ?? null });
    });
}
