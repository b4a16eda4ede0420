import { describe, expect, it } from "vitest";
import { DIGEST_SETTING_NAMES as N, loadDigestSettings, loadSettings, SettingsError } from "../../src/config/settings.js";

describe("digest settings", () => {
  it("defaults: weekly on Monday 07:00 UTC, ISO weeks, no empty digests, the local outbox", () => {
    expect(loadDigestSettings({})).toEqual({
      email: { endpoint: undefined, connectionString: undefined, sender: undefined },
      digest: { recipients: [], routes: [], schedule: "0 0 7 * * 1", period: "week", sendEmpty: false, outboxDir: ".aks-backup-auditor/outbox", tagDomains: [] },
    });
  });

  it("reads every setting", () => {
    const s = loadDigestSettings({
      [N.emailEndpoint]: "https://acs-contoso.europe.communication.azure.com/",
      [N.emailSender]: "DoNotReply@contoso.com",
      [N.recipients]: "ops@contoso.com; SRE@contoso.com",
      [N.routes]: '[{"subscription":"3f6b2d84-9a1c-4e57-b0d2-6c8e1a5f7b49","to":["prod@contoso.com"]},{"tag":"backup-owner"}]',
      [N.schedule]: "0 30 6 * * MON",
      [N.period]: "day",
      [N.sendEmpty]: "true",
      [N.outboxDir]: "/tmp/outbox",
      [N.tagDomains]: "contoso.com, @fabrikam.com",
    });
    expect(s.email).toEqual({ endpoint: "https://acs-contoso.europe.communication.azure.com", connectionString: undefined, sender: "DoNotReply@contoso.com" });
    expect(s.digest).toEqual({
      recipients: ["ops@contoso.com", "sre@contoso.com"],
      routes: [{ subscription: "3f6b2d84-9a1c-4e57-b0d2-6c8e1a5f7b49", to: ["prod@contoso.com"] }, { tag: "backup-owner" }],
      schedule: "0 30 6 * * MON",
      period: "day",
      sendEmpty: true,
      outboxDir: "/tmp/outbox",
      tagDomains: ["contoso.com", "fabrikam.com"],
    });
  });

  it.each([
    [{ [N.emailEndpoint]: "http://acs.example.com" }, /AKS_BACKUP_AUDITOR_EMAIL_ENDPOINT: must be an https URL/],
    [{ [N.emailEndpoint]: "https://acs.example.com" }, /AKS_BACKUP_AUDITOR_EMAIL_SENDER: required with/],
    [{ [N.emailConnectionString]: "AccountName=x;AccountKey=y" }, /AKS_BACKUP_AUDITOR_EMAIL_CONNECTION_STRING: must be an Azure Communication Services connection string/],
    [{ [N.recipients]: "ops@contoso.com, <img src=x>" }, /AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS: must be email addresses/],
    [{ [N.routes]: "[{tag:" }, /AKS_BACKUP_AUDITOR_DIGEST_ROUTES: must be JSON/],
    [{ [N.routes]: '[{"subscription":"x","to":["a@contoso.com"]}]' }, /AKS_BACKUP_AUDITOR_DIGEST_ROUTES/],
    [{ [N.schedule]: "0 7 * * 1" }, /AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE: needs six fields/],
    [{ [N.period]: "fortnight" }, /AKS_BACKUP_AUDITOR_DIGEST_PERIOD: must be "week"/],
    [{ [N.sendEmpty]: "maybe" }, /AKS_BACKUP_AUDITOR_DIGEST_SEND_EMPTY: must be "true" or "false"/],
  ])("refuses %j with a message naming the setting", (env, message) => {
    expect(() => loadDigestSettings(env)).toThrow(SettingsError);
    expect(() => loadDigestSettings(env)).toThrow(message);
  });

  it("never echoes a connection string's key", () => {
    const key = "c2VjcmV0LWtleS12YWx1ZQ==";
    let message = "";
    try {
      loadDigestSettings({ [N.emailConnectionString]: `endpoint=http://x;accesskey=${key}` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/CONNECTION_STRING/);
    expect(message).not.toContain(key);
  });

  it("leaves the other settings as they were", () => {
    expect(loadSettings({}).tablePrefix).toBe("aksbackup");
  });
});
