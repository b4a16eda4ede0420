/**
 * A loopback stand-in for the Azure Communication Services Email data plane, for the real
 * `EmailClient`. It speaks HTTPS on 127.0.0.1 (port 0) with a self-signed certificate made at test
 * time, and it checks what the real service checks before anything else:
 *
 * - HMAC-SHA256 request signing, as `@azure/communication-common`'s
 *   communicationAccessKeyCredentialPolicy produces it: headers `x-ms-date` (UTC string),
 *   `x-ms-content-sha256` (base64 SHA-256 of the body) and
 *   `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`, where
 *   sig = base64(HMAC-SHA256(base64decode(accessKey), "<VERB>\n<path>?<query>\n<x-ms-date>;<host>;<content hash>"));
 *   or `Authorization: Bearer <token>` for the managed-identity path.
 * - The long-running operation: `POST /emails:send` answers 202 with an `operation-location` header
 *   (`/emails/operations/{id}`, the id being the request's `Operation-Id` when given); each GET of it
 *   answers Running until the operation's scripted end, then Succeeded or Failed with an error body.
 *   An unknown id is 404. A repeated Operation-Id is the same operation, not a second email.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

export interface ReceivedEmail {
  operationId: string;
  body: {
    senderAddress: string;
    recipients: { to: { address: string }[] };
    content: { subject: string; plainText?: string; html?: string };
    attachments?: { name: string; contentType: string; contentInBase64: string }[];
  };
  bytes: number;
  at: number;
}

export type SendPlan =
  | { kind: "accept"; end: "Succeeded" | "Failed"; pollsBeforeEnd?: number }
  | { kind: "reject"; status: number; code: string; message: string };

interface Operation {
  email: ReceivedEmail;
  plan: Extract<SendPlan, { kind: "accept" }>;
  polls: number;
}

export interface RequestLog {
  method: string;
  path: string;
  auth: "hmac" | "bearer" | "none";
  verified: boolean;
  problem?: string;
}

export class FakeAcs {
  readonly key = randomBytes(32).toString("base64");
  readonly bearerToken = `token-${randomUUID()}`;
  readonly log: RequestLog[] = [];
  readonly operations = new Map<string, Operation>();
  /** How the next sends are answered (default: accept, one Running poll, then Succeeded). */
  plan: (email: ReceivedEmail) => SendPlan = () => ({ kind: "accept", end: "Succeeded", pollsBeforeEnd: 1 });
  ca = "";
  private server: Server | undefined;
  private port = 0;

  get endpoint(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get connectionString(): string {
    return `endpoint=${this.endpoint}/;accesskey=${this.key}`;
  }

  /** Emails the service accepted (one per operation id). */
  get emails(): ReceivedEmail[] {
    return [...this.operations.values()].map((o) => o.email);
  }

  /** POSTs that reached the service with a valid signature. */
  get posts(): RequestLog[] {
    return this.log.filter((l) => l.method === "POST" && l.verified);
  }

  async start(): Promise<this> {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(Date.now() - 60_000),
      notAfterDate: new Date(Date.now() + 2 * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
      ],
    });
    this.ca = pems.cert;
    this.server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
          const text = JSON.stringify(json);
          res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)), ...headers });
          res.end(text);
        };
        const url = new URL(req.url ?? "/", this.endpoint);
        const entry: RequestLog = { method: req.method ?? "", path: url.pathname, auth: "none", verified: false };
        this.log.push(entry);
        const problem = this.verify(req.method ?? "", url, req.headers, body, entry);
        if (problem) {
          entry.problem = problem;
          send(401, { error: { code: "Denied", message: `Denied by the resource provider: ${problem}` } });
          return;
        }
        entry.verified = true;
        if (url.searchParams.get("api-version") === null) {
          send(400, { error: { code: "MissingApiVersionParameter", message: "The api-version query parameter is required." } });
          return;
        }
        if (req.method === "POST" && url.pathname === "/emails:send") this.onSend(req.headers, body, send);
        else if (req.method === "GET" && url.pathname.startsWith("/emails/operations/")) this.onPoll(decodeURIComponent(url.pathname.slice("/emails/operations/".length)), send);
        else send(404, { error: { code: "NotFound", message: `no route ${req.method} ${url.pathname}` } });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The string the client must have signed, computed from what arrived. */
  static stringToSign(method: string, url: URL, date: string, host: string, contentHash: string): string {
    const query = url.searchParams.toString();
    return `${method.toUpperCase()}\n${url.pathname}${query ? `?${query}` : ""}\n${date};${host};${contentHash}`;
  }

  private verify(method: string, url: URL, h: NodeJS.Dict<string | string[]>, body: Buffer, entry: RequestLog): string | undefined {
    const auth = typeof h["authorization"] === "string" ? h["authorization"] : "";
    if (auth.startsWith("Bearer ")) {
      entry.auth = "bearer";
      return auth.slice(7) === this.bearerToken ? undefined : "bearer token not accepted";
    }
    const m = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(auth);
    if (!m) return "no HMAC-SHA256 or Bearer authorization";
    entry.auth = "hmac";
    if (m[1] !== "x-ms-date;host;x-ms-content-sha256") return `unexpected SignedHeaders ${m[1]}`;
    const date = h["x-ms-date"];
    const contentHash = h["x-ms-content-sha256"];
    const host = h["host"];
    if (typeof date !== "string" || typeof contentHash !== "string" || typeof host !== "string") return "missing x-ms-date, x-ms-content-sha256 or host";
    const skew = Math.abs(Date.now() - Date.parse(date));
    if (!(skew < 15 * 60_000)) return "x-ms-date is not within 15 minutes";
    if (createHash("sha256").update(body).digest("base64") !== contentHash) return "x-ms-content-sha256 does not match the body";
    const expected = createHmac("sha256", Buffer.from(this.key, "base64")).update(FakeAcs.stringToSign(method, url, date, host, contentHash)).digest();
    const given = Buffer.from(m[2] ?? "", "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "signature mismatch";
    return undefined;
  }

  private onSend(h: NodeJS.Dict<string | string[]>, body: Buffer, send: (s: number, j: unknown, hd?: Record<string, string>) => void): void {
    let parsed: ReceivedEmail["body"];
    try {
      parsed = JSON.parse(body.toString("utf8")) as ReceivedEmail["body"];
    } catch {
      send(400, { error: { code: "BadRequest", message: "body is not JSON" } });
      return;
    }
    if (!parsed.senderAddress || !parsed.recipients?.to?.length || !parsed.content?.subject || !(parsed.content.html || parsed.content.plainText)) {
      send(400, { error: { code: "BadRequest", message: "senderAddress, recipients.to, content.subject and a body are required" } });
      return;
    }
    if (body.length > 10 * 1024 * 1024) {
      send(413, { error: { code: "RequestEntityTooLarge", message: "Total email request size exceeds 10 MB" } });
      return;
    }
    const headerId = h["operation-id"];
    const id = typeof headerId === "string" && headerId ? headerId : randomUUID();
    const location = { "operation-location": `${this.endpoint}/emails/operations/${id}?api-version=2025-09-01` };
    const existing = this.operations.get(id);
    if (existing) {
      send(202, { id, status: "Running" }, location);
      return;
    }
    const email: ReceivedEmail = { operationId: id, body: parsed, bytes: body.length, at: Date.now() };
    const plan = this.plan(email);
    if (plan.kind === "reject") {
      send(plan.status, { error: { code: plan.code, message: plan.message } });
      return;
    }
    this.operations.set(id, { email, plan, polls: 0 });
    send(202, { id, status: "Running" }, location);
  }

  private onPoll(id: string, send: (s: number, j: unknown) => void): void {
    const op = this.operations.get(id);
    if (!op) {
      send(404, { error: { code: "NotFound", message: `operation ${id} not found` } });
      return;
    }
    op.polls++;
    if (op.polls <= (op.plan.pollsBeforeEnd ?? 1)) {
      send(200, { id, status: "Running" });
      return;
    }
    if (op.plan.end === "Succeeded") send(200, { id, status: "Succeeded" });
    else send(200, { id, status: "Failed", error: { code: "EmailDroppedAllRecipientsSuppressed", message: "Message was dropped because all recipients are suppressed" } });
  }
}
