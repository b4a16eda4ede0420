/**
 * One digest tick: what the digest timer (and `digest --send`) runs. Reads the stored results once,
 * routes the clusters to recipient groups, and for each group delivers this period's digest through
 * the ledger (see ledger.ts for the states), so that running it again — a retry, a second instance,
 * the next scheduled run — sends nothing twice and picks up what failed.
 *
 * Expected failures (a refused or interrupted send) are values in the result; an exception means a bug
 * or an unreachable store, and leaves every claimed group `sending`, which the next tick probes.
 */
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { idKey } from "../model/arm-id.js";
import type { ResultsStore } from "../store/results-store.js";
import { composeDigest, type DigestModel } from "./compose.js";
import { decide, DigestLedger, type ClaimInfo, type LedgerEntry } from "./ledger.js";
import { buildDigestMessage, type Budgets } from "./message.js";
import { periodLengthMs, periodOf, type Period } from "./period.js";
import { groupKeyOf, normaliseAddress, routeClusters, type RecipientGroup } from "./routing.js";
import { AcsEmailSender, type AcsSenderOptions } from "./sender-acs.js";
import { OutboxSender } from "./sender-outbox.js";
import { loadDigestData, type DigestData } from "./source.js";
import type { DigestMessage, DigestSender, DigestTickSettings, SendOutcome } from "./types.js";

export type GroupOutcome =
  /** Delivered by this tick. */
  | "sent"
  /** An earlier, interrupted attempt turned out to have been delivered: recorded now, nothing re-sent. */
  | "recovered"
  | "already_sent"
  /** Another tick holds the claim, or the service is still processing the send. */
  | "in_progress"
  /** Nothing to report, and empty digests are not sent. */
  | "empty"
  /** The service refused it; the next tick tries again. */
  | "failed"
  /** Interrupted with an unknown outcome; the next tick asks the service before sending again. */
  | "pending"
  /** May have been sent but cannot be confirmed any more: never re-sent automatically. */
  | "unknown";

export interface GroupResult {
  group: string;
  recipients: string[];
  clusters: number;
  outcome: GroupOutcome;
  detail?: string | undefined;
  subject?: string | undefined;
  attempt?: number | undefined;
  requestBytes?: number | undefined;
  cut?: boolean | undefined;
}

export interface TickResult {
  period: string;
  sender: string;
  groups: GroupResult[];
  unrouted: number;
  warnings: string[];
  /** Groups that are not delivered yet and will be retried (failed or pending). */
  retrying: number;
}

export interface DigestTickDeps {
  store: ResultsStore;
  settings: DigestTickSettings;
  clock: () => Date;
  sender: DigestSender;
  /** Names this tick in the ledger rows it claims (default: a random id). */
  tickId?: string | undefined;
  budgets?: Budgets | undefined;
}

interface Composed {
  model: DigestModel;
  message: DigestMessage;
}

async function composeFor(data: DigestData, g: RecipientGroup, period: Period, now: Date, ledger: DigestLedger, deps: DigestTickDeps): Promise<Composed> {
  const last = await ledger.lastSent(g.key);
  const fallback = new Date(now.getTime() - periodLengthMs(period.kind));
  const windowStart = last && last.period !== period.key && last.windowEnd ? new Date(last.windowEnd) : fallback;
  const model = composeDigest(data, { now, period, windowStart, clusterKeys: g.clusterKeys, everything: g.everything, recipients: g.recipients, reasons: g.reasons });
  const message = buildDigestMessage(model, { to: g.recipients, groupKey: g.key, senderAddress: deps.settings.email.sender, budgets: deps.budgets });
  return { model, message };
}

function claimInfo(c: Composed): ClaimInfo {
  return { recipients: c.message.to, windowStart: c.model.windowStart, windowEnd: c.model.windowEnd, subject: c.message.subject, requestBytes: c.message.requestBytes };
}

async function record(ledger: DigestLedger, claim: LedgerEntry, outcome: SendOutcome, now: Date, base: GroupResult, c: Composed): Promise<GroupResult> {
  const r: GroupResult = { ...base, subject: c.message.subject, attempt: claim.attempt, requestBytes: c.message.requestBytes, cut: c.message.cut };
  switch (outcome.kind) {
    case "sent": {
      const marked = await ledger.markSent(claim, outcome.messageId, now);
      return { ...r, outcome: "sent", detail: marked ? outcome.messageId : `${outcome.messageId} (the ledger row was taken over meanwhile; the new owner will confirm it)` };
    }
    case "rejected":
      await ledger.markFailed(claim, outcome.error, now);
      return { ...r, outcome: "failed", detail: outcome.error };
    case "unknown":
      await ledger.note(claim, outcome.error, now);
      return { ...r, outcome: "pending", detail: outcome.error };
  }
}

async function deliver(data: DigestData, g: RecipientGroup, period: Period, ledger: DigestLedger, deps: DigestTickDeps, tickId: string): Promise<GroupResult> {
  const live = data.verdicts.filter((v) => !v.deletedAt && g.clusterKeys.has(idKey(v.id))).length;
  const base: GroupResult = { group: g.key, recipients: g.recipients, clusters: live, outcome: "in_progress" };
  const now = deps.clock();
  const entry = await ledger.get(period.key, g.key);
  const d = decide(entry, now);
  switch (d.kind) {
    case "done":
      return { ...base, outcome: "already_sent", detail: d.entry.sentAt, subject: d.entry.subject, attempt: d.entry.attempt };
    case "busy":
      return { ...base, outcome: "in_progress", detail: `claimed by ${d.entry.claimedBy} until ${d.entry.leaseUntil}` };
    case "stuck":
      return { ...base, outcome: "unknown", detail: d.entry.lastError };
    case "takeover": {
      const mine = await ledger.takeOver(d.entry, now, tickId);
      if (!mine) return { ...base, outcome: "in_progress", detail: "another tick took the expired claim over first" };
      const probe = await deps.sender.probe(mine.operationId, { period: period.key, groupKey: g.key });
      switch (probe.kind) {
        case "succeeded":
          await ledger.markSent(mine, probe.messageId, now);
          return { ...base, outcome: "recovered", detail: probe.messageId, subject: mine.subject, attempt: mine.attempt };
        case "running":
          return { ...base, outcome: "in_progress", detail: "the email service is still processing the send" };
        case "error":
          await ledger.note(mine, `probe failed: ${probe.error}`, now);
          return { ...base, outcome: "pending", detail: `could not ask the email service about the last attempt: ${probe.error}` };
        case "failed": {
          const failed = await ledger.markFailed(mine, probe.error, now);
          if (!failed) return { ...base, outcome: "in_progress" };
          return newAttempt(failed);
        }
        case "not_found": {
          const age = now.getTime() - Date.parse(mine.attemptStartedAt);
          if (!(age <= deps.sender.probeHorizonMs)) {
            await ledger.markUnknown(mine, `attempt ${mine.attempt} (operation ${mine.operationId}, ${mine.attemptStartedAt}) was interrupted and can no longer be confirmed; not re-sent, to avoid a duplicate`, now);
            return { ...base, outcome: "unknown", detail: "an interrupted attempt can no longer be confirmed; delete its ledger row to send again" };
          }
          // Proven never to have arrived: send the same attempt again.
          const c = await composeFor(data, g, period, now, ledger, deps);
          const again = await ledger.resend(mine, claimInfo(c), now, tickId);
          if (!again) return { ...base, outcome: "in_progress" };
          return record(ledger, again, await deps.sender.send(c.message, again.operationId), deps.clock(), base, c);
        }
      }
      break;
    }
    case "retry":
      return newAttempt(d.entry);
    case "new":
      return newAttempt(undefined);
  }
  return base;

  async function newAttempt(prev: LedgerEntry | undefined): Promise<GroupResult> {
    const c = await composeFor(data, g, period, now, ledger, deps);
    if (c.model.empty && !deps.settings.digest.sendEmpty) return { ...base, outcome: "empty", detail: "nothing to report" };
    const claim = prev ? await ledger.claimRetry(prev, claimInfo(c), now, tickId) : await ledger.claimNew(period.key, g.key, claimInfo(c), now, tickId);
    if (!claim) return { ...base, outcome: "in_progress", detail: "another tick claimed it first" };
    return record(ledger, claim, await deps.sender.send(c.message, claim.operationId), deps.clock(), base, c);
  }
}

export async function runDigestTick(deps: DigestTickDeps): Promise<TickResult> {
  const now = deps.clock();
  const s = deps.settings.digest;
  const period = periodOf(now, s.period);
  const tickId = deps.tickId ?? `tick-${randomUUID().slice(0, 8)}`;
  const ledger = new DigestLedger(deps.store.table("DigestLedger"));
  const data = await loadDigestData(deps.store);
  const routing = routeClusters(data.verdicts, { recipients: s.recipients, routes: s.routes, tagDomains: s.tagDomains });
  const warnings = [...routing.warnings];
  if (!s.recipients.length && !s.routes.length) warnings.push("no digest recipients are configured (AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS / _ROUTES): nothing to send");
  else if (routing.unrouted.length) warnings.push(`${routing.unrouted.length} cluster(s) match no route and there are no global recipients: nobody receives them`);
  const groups: GroupResult[] = [];
  // One group after the other: ACS rate limits are per minute, and a digest run sends a handful.
  for (const g of routing.groups) groups.push(await deliver(data, g, period, ledger, deps, tickId));
  return {
    period: period.key,
    sender: deps.sender.describe,
    groups,
    unrouted: routing.unrouted.length,
    warnings,
    retrying: groups.filter((g) => g.outcome === "failed" || g.outcome === "pending").length,
  };
}

export type PreviewResult = { kind: "ok"; model: DigestModel; message: DigestMessage; recipients: string[] } | { kind: "no_such_recipient"; recipient: string; known: string[] };

/**
 * The digest as it would be sent now, without sending or claiming anything: the whole fleet, or what
 * one recipient would receive.
 */
export async function previewDigest(deps: { store: ResultsStore; settings: DigestTickSettings; clock: () => Date; recipient?: string | undefined; budgets?: Budgets | undefined }): Promise<PreviewResult> {
  const now = deps.clock();
  const s = deps.settings.digest;
  const period = periodOf(now, s.period);
  const ledger = new DigestLedger(deps.store.table("DigestLedger"));
  const data = await loadDigestData(deps.store);
  let group: RecipientGroup;
  if (deps.recipient) {
    const routing = routeClusters(data.verdicts, { recipients: s.recipients, routes: s.routes, tagDomains: s.tagDomains });
    const want = deps.recipient.trim().toLowerCase();
    const found = routing.groups.filter((g) => g.recipients.includes(want));
    if (!found.length) return { kind: "no_such_recipient", recipient: deps.recipient, known: [...new Set(routing.groups.flatMap((g) => g.recipients))].sort() };
    group = { ...(found[0] as RecipientGroup), recipients: found.flatMap((g) => g.recipients) };
  } else {
    const recipients = s.recipients.map((a) => normaliseAddress(a)).filter((a): a is string => !!a);
    group = { key: recipients.length ? groupKeyOf(recipients) : "preview", recipients, clusterKeys: new Set(data.verdicts.map((v) => idKey(v.id))), everything: true, reasons: ["all clusters"] };
  }
  const c = await composeFor(data, group, period, now, ledger, { store: deps.store, settings: deps.settings, clock: deps.clock, sender: NO_SENDER, budgets: deps.budgets });
  return { kind: "ok", model: c.model, message: c.message, recipients: group.recipients };
}

const NO_SENDER: DigestSender = {
  describe: "none",
  probeHorizonMs: 0,
  send: async () => ({ kind: "rejected", error: "preview sends nothing" }),
  probe: async () => ({ kind: "not_found" }),
};

/** The sender the settings ask for: ACS when an endpoint or connection string is set, else the outbox folder. */
export function createDigestSender(settings: DigestTickSettings, opts: { cwd?: string | undefined; clock?: () => Date; acs?: Partial<AcsSenderOptions> } = {}): DigestSender {
  const e = settings.email;
  if (e.connectionString || e.endpoint) {
    if (!e.sender) throw new Error("an email sender address is required with an email endpoint or connection string");
    return new AcsEmailSender({ connectionString: e.connectionString, endpoint: e.connectionString ? undefined : e.endpoint, senderAddress: e.sender, ...opts.acs });
  }
  return new OutboxSender(resolve(opts.cwd ?? ".", settings.digest.outboxDir), e.sender ?? "aks-backup-auditor@localhost", opts.clock);
}
