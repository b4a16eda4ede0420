/**
 * GET /api/clusters/{subscriptionId}/{resourceGroup}/{name} — a cluster's latest verdict: every check
 * with its evidence, remediation (the `az` command) and since when it has had its status. 404 when the
 * cluster was never audited.
 */
import type { HttpRequest, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { GUID_RE } from "./shared/audit-scope.js";
import { guarded, json, type HttpResult } from "./shared/http.js";
import type { StoreFor } from "./shared/ports.js";
import { notFound, validationProblem } from "./shared/problem.js";

export const GET_CLUSTER_FUNCTION = "getCluster";

export const clusterPathSchema = z.object({
  subscriptionId: z.string().regex(GUID_RE, "must be a subscription id (GUID)"),
  // Resource group names: letters, digits, _ - . ( ) and unicode letters; not ending in a period.
  resourceGroup: z
    .string()
    .min(1)
    .max(90)
    .regex(/^[-\w._()\p{L}]+$/u, "must be a resource group name")
    .refine((s) => !s.endsWith("."), "must be a resource group name"),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "must be an AKS cluster name"),
});

export function createGetClusterHandler(deps: { store: StoreFor }) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResult> =>
    guarded(request, context, async () => {
      const p = clusterPathSchema.safeParse({ subscriptionId: request.params["subscriptionId"], resourceGroup: request.params["resourceGroup"], name: request.params["name"] });
      if (!p.success) return validationProblem("path", p.error);
      const id = `/subscriptions/${p.data.subscriptionId}/resourceGroups/${p.data.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${p.data.name}`;
      const store = await deps.store();
      const v = await store.getVerdict(id);
      if (!v) return notFound(`Cluster ${p.data.name} (resource group ${p.data.resourceGroup}, subscription ${p.data.subscriptionId}) has no stored verdict.`, new URL(request.url).pathname);
      return json(200, v);
    });
}
