/**
 * The digest ledger: one entity per (period, recipient group) in the DigestLedger table
 * (PartitionKey = period such as `2026-W48`, RowKey = the group's key), so that a digest is sent
 * exactly once per period and group although ticks may crash, be retried by the Functions host, or
 * run twice at the same time on two instances.
 *
 * States and moves (every write is conditional: a create fails if the row exists, an update carries the
 * ETag that was read, so of two ticks racing for the same move exactly one wins; the loser does nothing):
 *
 * | state      | meaning                                              | a tick that finds it…                                          |
 * |------------|------------------------------------------------------|----------------------------------------------------------------|
 * | (no row)   | nothing attempted this period                        | composes; if not empty, CREATES the row as `sending` (claim), then sends |
 * | `sending`  | an attempt is (or was) under way: `operationId` was  | lease live → leaves it alone (another tick is sending);        |
 * |            | chosen before the send; `leaseUntil` bounds it       | lease over → takes it over (ETag) and PROBES the operation id: |
 * |            |                                                      |   succeeded → `sent`; running → stays `sending` (new lease);   |
 * |            |                                                      |   failed → new attempt; not found within the sender's probe    |
 * |            |                                                      |   horizon → the send never arrived: sends again, same id;      |
 * |            |                                                      |   not found later → `unknown`; probe error → left for later    |
 * | `failed`   | the service definitely refused the last attempt      | claims a new attempt (ETag; attempt + 1, new operation id)     |
 * | `sent`     | delivered (final)                                    | nothing                                                        |
 * | `unknown`  | an attempt may have been sent but can no longer be   | nothing: never risk a second copy; a person looks (the row     |
 * |            | confirmed (final until a person deletes the row)     | says why); deleting the row allows a new send                  |
 *
 * Why this never double-sends: a send happens only (a) right after winning the claim, or (b) after a
 * probe proved the previous attempt never reached the service. A crash after the claim and before the
 * send leaves `sending`; once the lease is over the probe finds nothing and the next tick sends. A crash
 * after the send and before it was marked leaves `sending`; the probe finds the operation and marks it
 * sent. The lease (10 minutes) is longer than the sender's own time limit for one attempt, so a probe
 * never races an attempt still on the wire. A tick that lost its lease while sending finds its final
 * mark refused (ETag) — the tick that took over will have probed and recorded the same outcome.
 * Why a failure is retried: `failed` (and `sending` whose operation is unknown to the service) is picked
 * up by the next tick of the same period — a Functions retry or the next scheduled run.
 */
import { randomUUID } from "node:crypto";
import { RestError, type TableClient } from "@azure/data-tables";
import { encodeKey } from "../store/keys.js";
import { quote } from "../store/results-store.js";

export const LEASE_MS = 10 * 60_000;

export type LedgerState = "sending" | "sent" | "failed" | "unknown";

export interface LedgerEntry {
  period: string;
  group: string;
  etag: string;
  state: LedgerState;
  attempt: number;
  /** The id the email service tracks this attempt by (ACS `Operation-Id`). */
  operationId: string;
  attemptStartedAt: string;
  leaseUntil: string;
  claimedBy: string;
  recipients: string;
  windowStart: string;
  windowEnd: string;
  subject: string;
  requestBytes: number;
  sentAt: string | undefined;
  messageId: string | undefined;
  lastError: string | undefined;
  updatedAt: string;
}

/** What the digest being claimed is about (kept in the row for people reading the ledger). */
export interface ClaimInfo {
  recipients: string[];
  windowStart: Date;
  windowEnd: Date;
  subject: string;
  requestBytes: number;
}

export type Decision =
  | { kind: "new" }
  | { kind: "retry"; entry: LedgerEntry }
  | { kind: "done"; entry: LedgerEntry }
  | { kind: "busy"; entry: LedgerEntry }
  | { kind: "takeover"; entry: LedgerEntry }
  | { kind: "stuck"; entry: LedgerEntry };

/** What to do about a group, given its row (pure). */
export function decide(entry: LedgerEntry | undefined, now: Date): Decision {
  if (!entry) return { kind: "new" };
  switch (entry.state) {
    case "sent":
      return { kind: "done", entry };
    case "failed":
      return { kind: "retry", entry };
    case "unknown":
      return { kind: "stuck", entry };
    case "sending":
      return Date.parse(entry.leaseUntil) > now.getTime() ? { kind: "busy", entry } : { kind: "takeover", entry };
  }
}

function isStatus(e: unknown, ...codes: number[]): boolean {
  return e instanceof RestError && codes.includes(e.statusCode ?? -1);
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const opt = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export class DigestLedger {
  constructor(
    private readonly table: TableClient,
    private readonly leaseMs = LEASE_MS,
  ) {}

  private fromEntity(e: Record<string, unknown> & { etag: string }): LedgerEntry {
    return {
      period: str(e["period"]),
      group: str(e["group"]),
      etag: e.etag,
      state: str(e["state"]) as LedgerState,
      attempt: Number(e["attempt"] ?? 0),
      operationId: str(e["operationId"]),
      attemptStartedAt: str(e["attemptStartedAt"]),
      leaseUntil: str(e["leaseUntil"]),
      claimedBy: str(e["claimedBy"]),
      recipients: str(e["recipients"]),
      windowStart: str(e["windowStart"]),
      windowEnd: str(e["windowEnd"]),
      subject: str(e["subject"]),
      requestBytes: Number(e["requestBytes"] ?? 0),
      sentAt: opt(e["sentAt"]),
      messageId: opt(e["messageId"]),
      lastError: opt(e["lastError"]),
      updatedAt: str(e["updatedAt"]),
    };
  }

  async get(period: string, group: string): Promise<LedgerEntry | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(encodeKey(period), encodeKey(group));
      return this.fromEntity(e);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Every row of a period (for people and tests). */
  async list(period: string): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq ${quote(encodeKey(period))}` } })) out.push(this.fromEntity(e));
    return out;
  }

  /** The latest digest delivered to this group in any period: the next one starts where it ended. */
  async lastSent(group: string): Promise<LedgerEntry | undefined> {
    let best: LedgerEntry | undefined;
    const filter = `RowKey eq ${quote(encodeKey(group))} and state eq 'sent'`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const entry = this.fromEntity(e);
      if (!best || entry.windowEnd > best.windowEnd) best = entry;
    }
    return best;
  }

  private attemptFields(info: ClaimInfo, now: Date, by: string, attempt: number, operationId: string): Record<string, unknown> {
    return {
      state: "sending",
      attempt,
      operationId,
      attemptStartedAt: now.toISOString(),
      leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(),
      claimedBy: by,
      recipients: info.recipients.join(", ").slice(0, 30_000),
      windowStart: info.windowStart.toISOString(),
      windowEnd: info.windowEnd.toISOString(),
      subject: info.subject.slice(0, 1000),
      requestBytes: info.requestBytes,
      updatedAt: now.toISOString(),
    };
  }

  /** Claim a group nobody has claimed this period. Undefined when another tick was first. */
  async claimNew(period: string, group: string, info: ClaimInfo, now: Date, by: string): Promise<LedgerEntry | undefined> {
    const entity = { partitionKey: encodeKey(period), rowKey: encodeKey(group), period, group, sentAt: "", messageId: "", lastError: "", ...this.attemptFields(info, now, by, 1, randomUUID()) };
    try {
      const r = await this.table.createEntity(entity);
      return this.fromEntity({ ...entity, etag: r.etag ?? "" });
    } catch (err) {
      if (isStatus(err, 409)) return undefined;
      throw err;
    }
  }

  private async update(entry: LedgerEntry, fields: Record<string, unknown>): Promise<LedgerEntry | undefined> {
    const entity = { partitionKey: encodeKey(entry.period), rowKey: encodeKey(entry.group), ...fields };
    try {
      const r = await this.table.updateEntity(entity, "Merge", { etag: entry.etag });
      return this.fromEntity({ ...(entry as unknown as Record<string, unknown>), ...fields, etag: r.etag ?? "" });
    } catch (err) {
      if (isStatus(err, 412, 404)) return undefined;
      throw err;
    }
  }

  /** Start a new attempt after a failed one (new operation id). Undefined when another tick was first. */
  claimRetry(entry: LedgerEntry, info: ClaimInfo, now: Date, by: string): Promise<LedgerEntry | undefined> {
    return this.update(entry, this.attemptFields(info, now, by, entry.attempt + 1, randomUUID()));
  }

  /** Take over an attempt whose lease is over, to probe it; the attempt (and its operation id) stays. */
  takeOver(entry: LedgerEntry, now: Date, by: string): Promise<LedgerEntry | undefined> {
    return this.update(entry, { leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(), claimedBy: by, updatedAt: now.toISOString() });
  }

  /** Re-send the same attempt (the probe proved it never arrived): a fresh lease, same operation id. */
  resend(entry: LedgerEntry, info: ClaimInfo, now: Date, by: string): Promise<LedgerEntry | undefined> {
    return this.update(entry, this.attemptFields(info, now, by, entry.attempt, entry.operationId));
  }

  markSent(entry: LedgerEntry, messageId: string, now: Date): Promise<LedgerEntry | undefined> {
    return this.update(entry, { state: "sent", sentAt: now.toISOString(), messageId, lastError: "", leaseUntil: "", updatedAt: now.toISOString() });
  }

  markFailed(entry: LedgerEntry, error: string, now: Date): Promise<LedgerEntry | undefined> {
    return this.update(entry, { state: "failed", lastError: error.slice(0, 8000), leaseUntil: "", updatedAt: now.toISOString() });
  }

  markUnknown(entry: LedgerEntry, why: string, now: Date): Promise<LedgerEntry | undefined> {
    return this.update(entry, { state: "unknown", lastError: why.slice(0, 8000), leaseUntil: "", updatedAt: now.toISOString() });
  }

  /** Keep an unconfirmed attempt for a later probe, noting why (the lease stays as the claim set it). */
  note(entry: LedgerEntry, error: string, now: Date): Promise<LedgerEntry | undefined> {
    return this.update(entry, { lastError: error.slice(0, 8000), updatedAt: now.toISOString() });
  }
}
