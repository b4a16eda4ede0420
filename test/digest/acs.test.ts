/**
 * The real `EmailClient` (through AcsEmailSender) against the loopback ACS: request signing, the
 * long-running-operation protocol, and what each outcome means for the ledger (sent / rejected /
 * unknown), plus the probe of an operation id.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcsEmailSender } from "../../src/digest/sender-acs.js";
import type { DigestMessage } from "../../src/digest/types.js";
import { FakeAcs } from "./fake-acs.js";

const acs = new FakeAcs();
beforeAll(async () => {
  await acs.start();
});
afterAll(() => acs.stop());

function sender(o: { connectionString?: string; endpoint?: string; token?: string } = {}): AcsEmailSender {
  const token = o.token;
  return new AcsEmailSender({
    connectionString: o.endpoint ? undefined : (o.connectionString ?? acs.connectionString),
    endpoint: o.endpoint,
    credential: token ? { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) } : undefined,
    senderAddress: "DoNotReply@contoso.com",
    clientOptions: { tlsOptions: { ca: acs.ca }, retryOptions: { maxRetries: 0 } },
    pollIntervalMs: 5,
    attemptTimeoutMs: 10_000,
  });
}

function message(subject = "AKS backup digest · test"): DigestMessage {
  return {
    period: "2026-W48",
    groupKey: "team@contoso.com",
    to: ["team@contoso.com"],
    subject,
    html: "<p>hello</p>",
    text: "hello",
    attachments: [{ name: "findings.csv", contentType: "text/csv", content: Buffer.from("a,b\r\n1,2\r\n") }],
    requestBytes: 0,
    cut: false,
  };
}

describe("the ACS sender with the real EmailClient", () => {
  it("signs with HMAC-SHA256, follows 202 → Running → Succeeded, and sends what the message holds", async () => {
    const id = randomUUID();
    const before = acs.log.length;
    const r = await sender().send(message(), id);
    expect(r).toEqual({ kind: "sent", messageId: id });
    const mine = acs.log.slice(before);
    expect(mine.map((l) => `${l.method} ${l.path}`)).toEqual(["POST /emails:send", `GET /emails/operations/${id}`, `GET /emails/operations/${id}`]);
    expect(mine.every((l) => l.auth === "hmac" && l.verified)).toBe(true);
    const email = acs.operations.get(id)?.email;
    expect(email?.body.senderAddress).toBe("DoNotReply@contoso.com");
    expect(email?.body.recipients.to).toEqual([{ address: "team@contoso.com" }]);
    expect(email?.body.content).toMatchObject({ subject: "AKS backup digest · test", html: "<p>hello</p>", plainText: "hello" });
    expect(Buffer.from(email?.body.attachments?.[0]?.contentInBase64 ?? "", "base64").toString()).toBe("a,b\r\n1,2\r\n");
  });

  it("a request signed with the wrong key is refused by the server's signature check (401) and reported rejected", async () => {
    const wrong = `endpoint=${acs.endpoint}/;accesskey=${Buffer.from("not the key").toString("base64")}`;
    const r = await sender({ connectionString: wrong }).send(message(), randomUUID());
    expect(r.kind).toBe("rejected");
    expect(r.kind === "rejected" && r.error).toMatch(/401/);
    expect(acs.log.at(-1)).toMatchObject({ verified: false, problem: "signature mismatch" });
  });

  it("the verifier recomputes ACS's string-to-sign (a known vector)", () => {
    const url = new URL("https://127.0.0.1:4443/emails:send?api-version=2025-09-01");
    expect(FakeAcs.stringToSign("post", url, "Mon, 23 Nov 2026 07:00:00 GMT", "127.0.0.1:4443", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")).toBe(
      "POST\n/emails:send?api-version=2025-09-01\nMon, 23 Nov 2026 07:00:00 GMT;127.0.0.1:4443;47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    );
  });

  it("managed identity: an endpoint plus a token credential sends a Bearer token", async () => {
    const before = acs.log.length;
    const r = await sender({ endpoint: acs.endpoint, token: acs.bearerToken }).send(message(), randomUUID());
    expect(r.kind).toBe("sent");
    expect(acs.log.slice(before).every((l) => l.auth === "bearer" && l.verified)).toBe(true);
  });

  it("an operation that ends Failed is rejected with the service's error", async () => {
    acs.plan = () => ({ kind: "accept", end: "Failed", pollsBeforeEnd: 1 });
    try {
      const r = await sender().send(message(), randomUUID());
      expect(r).toMatchObject({ kind: "rejected" });
      expect(r.kind === "rejected" && r.error).toMatch(/EmailDroppedAllRecipientsSuppressed/);
    } finally {
      acs.plan = () => ({ kind: "accept", end: "Succeeded", pollsBeforeEnd: 1 });
    }
  });

  it("a 400 from the service is a definite rejection; a 503 leaves the outcome unknown", async () => {
    acs.plan = () => ({ kind: "reject", status: 400, code: "BadRequest", message: "Invalid sender" });
    try {
      expect((await sender().send(message(), randomUUID())).kind).toBe("rejected");
      acs.plan = () => ({ kind: "reject", status: 503, code: "ServiceUnavailable", message: "try later" });
      expect((await sender().send(message(), randomUUID())).kind).toBe("unknown");
    } finally {
      acs.plan = () => ({ kind: "accept", end: "Succeeded", pollsBeforeEnd: 1 });
    }
  });

  it("an unreachable service leaves the outcome unknown (probe before sending again)", async () => {
    const closed = new AcsEmailSender({
      connectionString: `endpoint=https://127.0.0.1:1/;accesskey=${acs.key}`,
      senderAddress: "DoNotReply@contoso.com",
      clientOptions: { tlsOptions: { ca: acs.ca }, retryOptions: { maxRetries: 0 } },
      attemptTimeoutMs: 5000,
    });
    expect((await closed.send(message(), randomUUID())).kind).toBe("unknown");
  });

  it("probes an operation id: succeeded, still running, failed, or never seen", async () => {
    const s = sender();
    const ok = randomUUID();
    await s.send(message(), ok);
    expect(await s.probe(ok)).toEqual({ kind: "succeeded", messageId: ok });
    expect(await s.probe(randomUUID())).toEqual({ kind: "not_found" });
    acs.plan = () => ({ kind: "accept", end: "Succeeded", pollsBeforeEnd: 1000 });
    try {
      const slow = randomUUID();
      const short = new AcsEmailSender({ connectionString: acs.connectionString, senderAddress: "DoNotReply@contoso.com", clientOptions: { tlsOptions: { ca: acs.ca }, retryOptions: { maxRetries: 0 } }, pollIntervalMs: 5, attemptTimeoutMs: 200 });
      expect((await short.send(message(), slow)).kind).toBe("unknown");
      expect(await s.probe(slow)).toEqual({ kind: "running" });
    } finally {
      acs.plan = () => ({ kind: "accept", end: "Succeeded", pollsBeforeEnd: 1 });
    }
    const probes = acs.log.filter((l) => l.method === "GET");
    expect(probes.every((l) => l.verified)).toBe(true);
  });
});
