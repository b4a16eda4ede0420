/**
 * Timer: start the scheduled fleet audit (schedule from AKS_BACKUP_AUDITOR_AUDIT_SCHEDULE, default daily
 * at 05:00 UTC). The instance id is the tick's minute, so a repeated tick finds its id and does nothing;
 * a fleet audit still running from before (a slow run, a manual one) also means no second one starts.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import type { FunctionsSettings } from "../config/settings.js";
import { log } from "./shared/log.js";
import type { ClientFor, Clock } from "./shared/ports.js";
import { fleetAuditInstanceId, startFleetAudit, type FleetStart } from "./shared/start.js";

export const SCHEDULED_AUDIT_FUNCTION = "scheduledAudit";

export function createScheduledAuditHandler(deps: { client: ClientFor; settings: Pick<FunctionsSettings, "subscriptions" | "managementGroups" | "chunkSize" | "collectBatch">; clock: Clock }) {
  return async (timer: Timer, context: InvocationContext): Promise<FleetStart> => {
    const tick = deps.clock();
    const instanceId = fleetAuditInstanceId(tick);
    const r = await startFleetAudit(deps.client(context), {
      instanceId,
      trigger: "timer",
      scope: { subscriptions: deps.settings.subscriptions, managementGroups: deps.settings.managementGroups },
      chunkSize: deps.settings.chunkSize,
      collectBatch: deps.settings.collectBatch,
      ifExists: "skip",
      exclusive: true,
      clock: deps.clock,
    });
    if (r.started) log(context, "info", "fleet.started", { instanceId, runId: instanceId, trigger: "timer", isPastDue: timer.isPastDue });
    else log(context, "warn", "fleet.skipped", { instanceId, reason: r.reason, runningInstanceId: r.runningInstanceId, isPastDue: timer.isPastDue });
    return r;
  };
}
