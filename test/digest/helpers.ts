import type { DigestTickSettings, Route } from "../../src/digest/types.js";

/** Digest settings as loadDigestSettings would produce them, with overrides. */
export function digestSettings(o: { recipients?: string[]; routes?: Route[]; sendEmpty?: boolean; outboxDir?: string; tagDomains?: string[]; sender?: string } = {}): DigestTickSettings {
  return {
    email: { endpoint: undefined, connectionString: undefined, sender: o.sender ?? "DoNotReply@contoso.com" },
    digest: {
      recipients: o.recipients ?? ["platform-team@contoso.com"],
      routes: o.routes ?? [],
      schedule: "0 0 7 * * 1",
      period: "week",
      sendEmpty: o.sendEmpty ?? false,
      outboxDir: o.outboxDir ?? ".aks-backup-auditor/outbox",
      tagDomains: o.tagDomains ?? [],
    },
  };
}
