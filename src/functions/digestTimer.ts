/**
 * Timer: the compliance digest (schedule from AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE, default Monday 07:00
 * UTC). All logic is runDigestTick's: one digest per period and recipient group, exactly once, through
 * the ledger. A group that could not be delivered makes the invocation fail, so the timer's retry
 * policy tries again within the same period; what was delivered is never sent twice.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import { runDigestTick } from "../digest/tick.js";
import type { DigestSender, DigestTickSettings } from "../digest/types.js";
import { log } from "./shared/log.js";
import type { Clock, StoreFor } from "./shared/ports.js";

export const DIGEST_TIMER_FUNCTION = "digestTimer";

export class DigestNotDelivered extends Error {
  override name = "DigestNotDelivered";
}

export function createDigestTimerHandler(deps: { store: StoreFor; settings: DigestTickSettings; sender: DigestSender; clock: Clock }) {
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    const store = await deps.store();
    const r = await runDigestTick({ store, settings: deps.settings, clock: deps.clock, sender: deps.sender, tickId: context.invocationId });
    for (const w of r.warnings) log(context, "warn", "digest.warning", { message: w });
    log(context, "info", "digest.tick", { period: r.period, groups: r.groups.length, unrouted: r.unrouted, retrying: r.retrying, isPastDue: timer.isPastDue });
    if (r.retrying > 0) throw new DigestNotDelivered(`${r.retrying} digest group(s) of ${r.period} not delivered yet; the retry policy will try again`);
  };
}
