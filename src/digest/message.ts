/**
 * One message per recipient group, kept within size limits:
 * - Azure Communication Services accepts an email request of at most 10 MB *including attachments*,
 *   and attachments travel base64-encoded (a third larger) — service-limits page, "Size limits for
 *   email". We aim for half of that, so that headers, JSON escaping and a later template change never
 *   come near it.
 * - Gmail clips an HTML body past about 102 KB behind "View entire message"; the HTML and the text part
 *   are each kept under 100 KB by shortening long lists ("… and 40 more — every one is in the attached
 *   CSV"). The attachment carries every finding: as CSV, or zipped when the CSV is too large, and only
 *   when even that does not fit, the first rows with the count of all (said in the message).
 */
import type { DigestModel } from "./compose.js";
import { csvText, findingRows, type CsvRows } from "./csv.js";
import { DEFAULT_LIMITS, renderDigestHtml, subjectOf, type AttachmentInfo, type Limits } from "./html.js";
import { renderDigestText } from "./text.js";
import type { Attachment, DigestMessage } from "./types.js";
import { zipOne } from "./zip.js";

/** Documented ACS limit: total email request size, attachments included. */
export const ACS_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface Budgets {
  requestBytes: number;
  htmlBytes: number;
  textBytes: number;
}

export const DEFAULT_BUDGETS: Budgets = { requestBytes: ACS_MAX_REQUEST_BYTES / 2, htmlBytes: 100_000, textBytes: 100_000 };

/** The JSON body the ACS client sends for a message (the SDK serialises exactly these fields). */
export interface AcsPayload {
  senderAddress: string;
  recipients: { to: { address: string }[] };
  content: { subject: string; plainText: string; html: string };
  attachments: { name: string; contentType: string; contentInBase64: string }[];
  disableUserEngagementTracking: boolean;
}

export function toAcsPayload(m: Pick<DigestMessage, "to" | "subject" | "text" | "html" | "attachments">, senderAddress: string): AcsPayload {
  return {
    senderAddress,
    recipients: { to: m.to.map((address) => ({ address })) },
    content: { subject: m.subject, plainText: m.text, html: m.html },
    attachments: m.attachments.map((a) => ({ name: a.name, contentType: a.contentType, contentInBase64: a.content.toString("base64") })),
    // A compliance report needs no tracking pixel or rewritten links.
    disableUserEngagementTracking: true,
  };
}

export function payloadBytes(p: AcsPayload): number {
  return Buffer.byteLength(JSON.stringify(p), "utf8");
}

function attachmentFor(csv: CsvRows, baseName: string, maxRawBytes: number, at: Date): { attachment: Attachment; info: AttachmentInfo } {
  const total = csv.rows.length;
  const plain = Buffer.from(csvText(csv), "utf8");
  if (plain.length <= maxRawBytes) {
    return { attachment: { name: `${baseName}.csv`, contentType: "text/csv", content: plain }, info: { name: `${baseName}.csv`, rows: total, included: total, zipped: false } };
  }
  const name = `${baseName}.zip`;
  let zipped = zipOne(`${baseName}.csv`, plain, at);
  let included = total;
  // Too large even compressed: keep the first rows (clusters in digest order: the ones to fix first).
  for (let i = 0; zipped.length > maxRawBytes && i < 40; i++) {
    included = Math.max(0, Math.min(included - 1, Math.floor(included * (maxRawBytes / zipped.length) * 0.95)));
    zipped = zipOne(`${baseName}.csv`, Buffer.from(csvText(csv, included), "utf8"), at);
  }
  return { attachment: { name, contentType: "application/zip", content: zipped }, info: { name, rows: total, included, zipped: true } };
}

/**
 * The next, smaller set of limits. The least useful detail goes first (long evidence, the tail of the
 * overview lists, lists the "What to fix" section repeats); then everything is halved.
 */
function shrink(l: Limits, round: number): Limits {
  const at = (n: number, max: number): number => Math.min(n, max);
  switch (round) {
    case 0:
      return { ...l, evidenceChars: at(l.evidenceChars, 280), topChecks: at(l.topChecks, 6), suppressions: at(l.suppressions, 8), unknown: at(l.unknown, 8) };
    case 1:
      return { ...l, stillFailing: at(l.stillFailing, 12), changes: at(l.changes, 15), remediationChars: at(l.remediationChars, 1500) };
    case 2:
      return { ...l, fixChecksPerCluster: at(l.fixChecksPerCluster, 5), evidenceChars: at(l.evidenceChars, 200) };
    case 3:
      return { ...l, stillFailing: at(l.stillFailing, 6), unknown: at(l.unknown, 4), topChecks: at(l.topChecks, 5), changes: at(l.changes, 10), suppressions: at(l.suppressions, 5) };
    case 4:
      return { ...l, fixClusters: at(l.fixClusters, 12) };
    case 5:
      return { ...l, fixClusters: at(l.fixClusters, 10), fixChecksPerCluster: at(l.fixChecksPerCluster, 4), evidenceChars: at(l.evidenceChars, 160) };
  }
  const half = (n: number): number => Math.floor(n / 2);
  return {
    changes: half(l.changes),
    stillFailing: half(l.stillFailing),
    unknown: half(l.unknown),
    topChecks: half(l.topChecks),
    suppressions: half(l.suppressions),
    fixClusters: half(l.fixClusters),
    fixChecksPerCluster: Math.max(1, half(l.fixChecksPerCluster)),
    evidenceChars: Math.max(120, half(l.evidenceChars)),
    remediationChars: Math.max(400, half(l.remediationChars)),
  };
}

const NOTHING: Limits = { changes: 0, stillFailing: 0, unknown: 0, topChecks: 0, suppressions: 0, fixClusters: 0, fixChecksPerCluster: 1, evidenceChars: 160, remediationChars: 400 };

export function wasCut(m: DigestModel, l: Limits): boolean {
  return (
    m.newlyNonCompliant.length > l.changes ||
    m.fixed.length > l.changes ||
    m.removed.length > l.changes ||
    m.stillFailing.length > l.stillFailing ||
    m.becameUnknown.length + m.stillUnknown.length > l.unknown ||
    m.topChecks.length > l.topChecks ||
    m.expiring.length + m.expired.length > l.suppressions ||
    m.toFix.length > l.fixClusters ||
    m.toFix.slice(0, l.fixClusters).some((c) => c.failing.length > l.fixChecksPerCluster)
  );
}

export interface BuildOptions {
  to: string[];
  groupKey: string;
  /** For the size estimate; the real sender address is applied by the sender. */
  senderAddress?: string;
  budgets?: Budgets;
  limits?: Limits;
}

export function buildDigestMessage(model: DigestModel, opts: BuildOptions): DigestMessage {
  const budgets = opts.budgets ?? DEFAULT_BUDGETS;
  const baseName = `aks-backup-findings-${model.period.key}`;
  // What is left for the attachment once both bodies are at their budget, JSON-escaped, in base64.
  const forAttachment = budgets.requestBytes - Math.ceil(1.25 * (budgets.htmlBytes + budgets.textBytes)) - 16_384;
  const maxRaw = Math.max(0, Math.floor((forAttachment * 3) / 4));
  const { attachment, info } = attachmentFor(findingRows(model), baseName, maxRaw, model.generatedAt);

  let limits = opts.limits ?? DEFAULT_LIMITS;
  let html = "";
  let text = "";
  for (let round = 0; ; round++) {
    html = renderDigestHtml(model, limits, info);
    text = renderDigestText(model, limits, info);
    if ((Buffer.byteLength(html) <= budgets.htmlBytes && Buffer.byteLength(text) <= budgets.textBytes) || limits === NOTHING) break;
    limits = round >= 14 ? NOTHING : shrink(limits, round);
  }
  const message: DigestMessage = {
    period: model.period.key,
    groupKey: opts.groupKey,
    to: opts.to,
    subject: subjectOf(model),
    html,
    text,
    attachments: [attachment],
    requestBytes: 0,
    cut: wasCut(model, limits),
  };
  message.requestBytes = payloadBytes(toAcsPayload(message, opts.senderAddress ?? "DoNotReply@example.invalid"));
  return message;
}
