/** Types shared by the digest modules. The settings shapes are filled in by src/config/settings.ts. */

export const PERIOD_KINDS = ["week", "day", "month"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/**
 * A route sends a slice of the fleet to people:
 * - `{ subscription, to }`: every cluster in that subscription;
 * - `{ tag, value?, to }`: every cluster whose tag `tag` (name compared case-insensitively, like Azure)
 *   has that value (any value when `value` is absent);
 * - `{ tag }` without `to`: the tag's value names the recipients (`backup-owner=team@contoso.com`;
 *   several addresses may be separated by `,` `;` or spaces).
 */
export interface Route {
  name?: string | undefined;
  subscription?: string | undefined;
  tag?: string | undefined;
  value?: string | undefined;
  to?: string[] | undefined;
}

export interface EmailSettings {
  /** ACS endpoint (https://<resource>.communication.azure.com), used with DefaultAzureCredential. */
  endpoint: string | undefined;
  /** ACS connection string (endpoint=…;accesskey=…). Never echoed. */
  connectionString: string | undefined;
  /** The verified sender address (DoNotReply@<domain>). */
  sender: string | undefined;
}

export interface DigestSettings {
  /** Receive the whole fleet. */
  recipients: string[];
  routes: Route[];
  /** NCRONTAB (six fields) for the digest timer. */
  schedule: string;
  period: PeriodKind;
  /** Send a digest that has nothing to report (default: no). */
  sendEmpty: boolean;
  /** Where messages go when no email service is configured. */
  outboxDir: string;
  /** When not empty: tag-derived recipients must be in one of these domains (tags are writable by cluster owners). */
  tagDomains: string[];
}

export interface DigestTickSettings {
  email: EmailSettings;
  digest: DigestSettings;
}

export interface Attachment {
  name: string;
  contentType: string;
  content: Buffer;
}

/** One message for one recipient group, ready for any sender. */
export interface DigestMessage {
  period: string;
  groupKey: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments: Attachment[];
  /** Size of the ACS request body this message makes (JSON, attachments in base64). */
  requestBytes: number;
  /** Lists were shortened to fit the size budgets (the attachment carries everything). */
  cut: boolean;
}

/** What a send attempt is known to have done. Expected failures are values, not exceptions. */
export type SendOutcome =
  | { kind: "sent"; messageId: string }
  /** The service definitely did not accept the message (4xx, or the operation ended Failed/Canceled). */
  | { kind: "rejected"; error: string }
  /** It may or may not have been accepted (timeout, connection lost, 5xx): probe before sending again. */
  | { kind: "unknown"; error: string };

/** What the service knows about an earlier attempt, by its operation id. */
export type ProbeOutcome =
  | { kind: "succeeded"; messageId: string }
  | { kind: "running" }
  | { kind: "failed"; error: string }
  | { kind: "not_found" }
  | { kind: "error"; error: string };

export interface DigestSender {
  /** For people: where messages go (never contains a key). */
  readonly describe: string;
  /**
   * How long after an attempt started a `not_found` from {@link probe} still proves that the attempt
   * never reached the service. Past it, an unconfirmed attempt is never repeated (it may have been sent).
   */
  readonly probeHorizonMs: number;
  send(message: DigestMessage, operationId: string): Promise<SendOutcome>;
  probe(operationId: string, message: Pick<DigestMessage, "period" | "groupKey">): Promise<ProbeOutcome>;
}
