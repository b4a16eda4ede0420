/**
 * Delivery through Azure Communication Services Email (`@azure/communication-email`): signed in with
 * managed identity (an endpoint plus DefaultAzureCredential, the Azure default — no key to leak) or a
 * connection string (HMAC-SHA256 request signing).
 *
 * Each attempt sets its own `Operation-Id` (chosen and stored in the ledger before the send), so the
 * outcome of an attempt that was interrupted can be asked for later with
 * `GET /emails/operations/{id}` — the probe that lets the ledger tell "never arrived" (send again) from
 * "arrived" (do not). One attempt is bounded by `attemptTimeoutMs`, well under the ledger's lease.
 */
import type { KeyCredential, TokenCredential } from "@azure/core-auth";
import { createCommunicationAuthPolicy, parseClientArguments } from "@azure/communication-common";
import { EmailClient, type EmailClientOptions, type EmailMessage } from "@azure/communication-email";
import { createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest, isRestError, type HttpClient, type Pipeline } from "@azure/core-rest-pipeline";
import { DefaultAzureCredential } from "@azure/identity";
import { toAcsPayload } from "./message.js";
import type { DigestMessage, DigestSender, ProbeOutcome, SendOutcome } from "./types.js";

/** The Email data-plane API version this SDK release speaks (its default). */
export const ACS_API_VERSION = "2025-09-01";

export interface AcsSenderOptions {
  /** `endpoint=https://…;accesskey=…` */
  connectionString?: string | undefined;
  /** `https://<resource>.communication.azure.com`, with `credential` (default: DefaultAzureCredential). */
  endpoint?: string | undefined;
  credential?: TokenCredential | undefined;
  senderAddress: string;
  /** Passed to the SDK client (and the probe's pipeline): retry options, TLS settings for tests. */
  clientOptions?: EmailClientOptions | undefined;
  /** Poll interval while ACS processes the send (the service's Retry-After wins when it sends one). */
  pollIntervalMs?: number | undefined;
  /** One attempt (POST and polling) gives up after this long and reports "unknown". */
  attemptTimeoutMs?: number | undefined;
  /** How long ACS can be trusted to know an operation id (see DigestSender.probeHorizonMs). */
  probeHorizonMs?: number | undefined;
}

function describeError(e: unknown): string {
  if (isRestError(e)) {
    const what = e.statusCode ? `HTTP ${e.statusCode}${e.code && e.code !== "REQUEST_SEND_ERROR" ? ` ${e.code}` : ""}` : (e.code ?? "request failed");
    return `${what}: ${e.message}`.slice(0, 2000);
  }
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 2000);
  if (e && typeof e === "object") {
    const o = e as { code?: unknown; message?: unknown };
    return `${String(o.code ?? "error")}: ${String(o.message ?? "")}`.slice(0, 2000);
  }
  return String(e).slice(0, 2000);
}

/** An interrupted attempt's outcome is unknown; a refusal by the service is definite. */
function classify(e: unknown): SendOutcome {
  if (isRestError(e)) {
    const definite = e.request?.method === "POST" && e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 408;
    return definite ? { kind: "rejected", error: describeError(e) } : { kind: "unknown", error: describeError(e) };
  }
  // core-lro reports an operation that ended Failed as "The long-running operation has failed. <code>. <message>"
  // (older releases threw the error body itself, a plain { code, message }).
  if (e instanceof Error && e.message.startsWith("The long-running operation has failed")) return { kind: "rejected", error: e.message.slice(0, 2000) };
  if (e && typeof e === "object" && !(e instanceof Error) && "code" in e) return { kind: "rejected", error: `operation failed: ${describeError(e)}` };
  if (e instanceof Error && e.message === "Operation was canceled") return { kind: "rejected", error: "operation canceled" };
  return { kind: "unknown", error: describeError(e) };
}

export class AcsEmailSender implements DigestSender {
  readonly describe: string;
  readonly probeHorizonMs: number;
  private readonly client: EmailClient;
  private readonly url: string;
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient;

  constructor(private readonly o: AcsSenderOptions) {
    let credential: KeyCredential | TokenCredential;
    if (o.connectionString) {
      const parsed = parseClientArguments(o.connectionString);
      this.url = parsed.url.replace(/\/+$/, "");
      credential = parsed.credential;
      this.client = new EmailClient(o.connectionString, o.clientOptions ?? {});
      this.describe = `Azure Communication Services ${new URL(this.url).host} (access key)`;
    } else if (o.endpoint) {
      this.url = o.endpoint.replace(/\/+$/, "");
      const tokenCredential = o.credential ?? new DefaultAzureCredential();
      credential = tokenCredential;
      this.client = new EmailClient(this.url, tokenCredential, o.clientOptions ?? {});
      this.describe = `Azure Communication Services ${new URL(this.url).host} (Microsoft Entra ID)`;
    } else {
      throw new Error("the ACS sender needs an endpoint or a connection string");
    }
    this.pipeline = createPipelineFromOptions(o.clientOptions ?? {});
    this.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
    this.http = createDefaultHttpClient();
    this.probeHorizonMs = o.probeHorizonMs ?? 24 * 3600_000;
  }

  async send(message: DigestMessage, operationId: string): Promise<SendOutcome> {
    const payload: EmailMessage = toAcsPayload(message, this.o.senderAddress);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.o.attemptTimeoutMs ?? 120_000);
    try {
      const poller = await this.client.beginSend(payload, { operationId, updateIntervalInMs: this.o.pollIntervalMs ?? 2000, abortSignal: abort.signal });
      const result = await poller.pollUntilDone({ abortSignal: abort.signal });
      if (result.status === "Succeeded") return { kind: "sent", messageId: result.id };
      return { kind: "rejected", error: `operation ended ${result.status}${result.error ? `: ${describeError(result.error)}` : ""}` };
    } catch (e) {
      return classify(e);
    } finally {
      clearTimeout(timer);
    }
  }

  async probe(operationId: string): Promise<ProbeOutcome> {
    const request = createPipelineRequest({
      url: `${this.url}/emails/operations/${encodeURIComponent(operationId)}?api-version=${ACS_API_VERSION}`,
      method: "GET",
      timeout: 30_000,
      allowInsecureConnection: this.o.clientOptions?.allowInsecureConnection ?? false,
    });
    request.headers.set("Accept", "application/json");
    try {
      const res = await this.pipeline.sendRequest(this.http, request);
      if (res.status === 404) return { kind: "not_found" };
      if (res.status !== 200) return { kind: "error", error: `HTTP ${res.status}: ${(res.bodyAsText ?? "").slice(0, 500)}` };
      const body = JSON.parse(res.bodyAsText ?? "{}") as { id?: string; status?: string; error?: { code?: string; message?: string } };
      switch ((body.status ?? "").toLowerCase()) {
        case "succeeded":
          return { kind: "succeeded", messageId: body.id ?? operationId };
        case "failed":
        case "canceled":
          return { kind: "failed", error: `operation ${body.status}${body.error ? `: ${describeError(body.error)}` : ""}` };
        case "running":
        case "notstarted":
          return { kind: "running" };
        default:
          return { kind: "error", error: `unexpected operation status ${JSON.stringify(body.status)}` };
      }
    } catch (e) {
      return { kind: "error", error: describeError(e) };
    }
  }
}
