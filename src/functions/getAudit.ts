/** GET /api/audits/{id} — an audit's (or re-audit's) status: runtime status, phase, output. 404 for an unknown id. */
import type { HttpRequest, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { guarded, json, type HttpResult } from "./shared/http.js";
import { statusOf, type ClientFor } from "./shared/ports.js";
import { notFound, validationProblem } from "./shared/problem.js";

export const GET_AUDIT_FUNCTION = "getAudit";

export const auditIdSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/, "must be an audit instance id") });

export function createGetAuditHandler(deps: { client: ClientFor }) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResult> =>
    guarded(request, context, async () => {
      const params = auditIdSchema.safeParse({ id: request.params["id"] });
      if (!params.success) return validationProblem("path", params.error);
      const s = await statusOf(deps.client(context), params.data.id);
      if (!s) return notFound(`No audit has the id ${params.data.id}.`, `/api/audits/${params.data.id}`);
      const iso = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());
      return json(200, {
        instanceId: s.instanceId,
        name: s.name,
        runtimeStatus: s.runtimeStatus,
        createdTime: iso(s.createdTime),
        lastUpdatedTime: iso(s.lastUpdatedTime),
        customStatus: s.customStatus ?? null,
        output: s.output ?? null,
      });
    });
}
