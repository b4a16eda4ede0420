/**
 * POST /api/audits — start a fleet audit now. Body (optional): `{ "subscriptions": [...] }` or
 * `{ "managementGroups": [...] }`; without one the configured scope. Answers 202 with the Durable
 * Functions status URLs; 409 when a fleet audit is still running; 400 problem details otherwise.
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest, InvocationContext } from "@azure/functions";
import { z } from "zod";
import type { FunctionsSettings } from "../config/settings.js";
import { GUID_RE, MANAGEMENT_GROUP_RE, type AuditScope } from "./shared/audit-scope.js";
import { guarded, readJson, type HttpResult } from "./shared/http.js";
import { log } from "./shared/log.js";
import type { ClientFor, Clock } from "./shared/ports.js";
import { problem, validationProblem } from "./shared/problem.js";
import { startFleetAudit } from "./shared/start.js";

export const START_AUDIT_FUNCTION = "startAudit";

export const startAuditBodySchema = z
  .strictObject({
    subscriptions: z.array(z.string().regex(GUID_RE, "must be a subscription id (GUID)")).min(1).max(1000).optional(),
    managementGroups: z.array(z.string().regex(MANAGEMENT_GROUP_RE, "must be a management group id")).min(1).max(100).optional(),
  })
  .refine((b) => !(b.subscriptions && b.managementGroups), { message: "give subscriptions or managementGroups, not both" });

export function createStartAuditHandler(deps: { client: ClientFor; settings: Pick<FunctionsSettings, "subscriptions" | "managementGroups" | "chunkSize" | "collectBatch">; clock: Clock; newId?: () => string }) {
  const newId = deps.newId ?? (() => randomUUID().slice(0, 8));
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResult> =>
    guarded(request, context, async () => {
      const body = await readJson(request);
      if (!body.ok) return problem(400, "validation", "The request is not valid", body.error, { errors: [{ pointer: "/body", detail: body.error }] });
      const parsed = startAuditBodySchema.safeParse(body.value ?? {});
      if (!parsed.success) return validationProblem("body", parsed.error);
      const scope: AuditScope = parsed.data.subscriptions
        ? { subscriptions: parsed.data.subscriptions, managementGroups: [] }
        : parsed.data.managementGroups
          ? { subscriptions: [], managementGroups: parsed.data.managementGroups }
          : { subscriptions: deps.settings.subscriptions, managementGroups: deps.settings.managementGroups };
      const instanceId = `fleet-audit-http-${deps.clock().toISOString().slice(0, 16)}-${newId()}`;
      const client = deps.client(context);
      const r = await startFleetAudit(client, { instanceId, trigger: "http", scope, chunkSize: deps.settings.chunkSize, collectBatch: deps.settings.collectBatch, ifExists: "skip", exclusive: true, clock: deps.clock });
      if (!r.started) {
        return problem(409, "audit-running", "A fleet audit is already running", `Fleet audit ${r.runningInstanceId ?? r.instanceId} has not finished; see GET /api/audits/${r.runningInstanceId ?? r.instanceId}.`, {
          runningInstanceId: r.runningInstanceId ?? r.instanceId,
        });
      }
      log(context, "info", "fleet.started", { instanceId, runId: instanceId, trigger: "http" });
      return client.createCheckStatusResponse(request, instanceId);
    });
}
