/** The compliance digest: compose (HTML, text, CSV), route, and deliver exactly once per period and group. */
export { composeDigest, type DigestModel, type ClusterEntry, type FindingLine } from "./compose.js";
export { findingRows, csvText, DIGEST_CSV_COLUMNS } from "./csv.js";
export { renderDigestHtml, subjectOf, DEFAULT_LIMITS, type Limits, type AttachmentInfo } from "./html.js";
export { renderDigestText } from "./text.js";
export { buildDigestMessage, toAcsPayload, payloadBytes, ACS_MAX_REQUEST_BYTES, DEFAULT_BUDGETS, type Budgets } from "./message.js";
export { DigestLedger, decide, LEASE_MS, type LedgerEntry, type LedgerState } from "./ledger.js";
export { periodOf, isoWeek, periodLabel, type Period } from "./period.js";
export { routeClusters, RouteSchema, RoutesSchema, parseAddressList, normaliseAddress, MAX_RECIPIENTS_PER_MESSAGE, type RecipientGroup } from "./routing.js";
export { validateNcrontab, DEFAULT_DIGEST_SCHEDULE } from "./schedule.js";
export { AcsEmailSender, ACS_API_VERSION, type AcsSenderOptions } from "./sender-acs.js";
export { OutboxSender } from "./sender-outbox.js";
export { loadDigestData, type DigestData } from "./source.js";
export { runDigestTick, previewDigest, createDigestSender, type TickResult, type GroupResult, type GroupOutcome, type DigestTickDeps } from "./tick.js";
export type * from "./types.js";
