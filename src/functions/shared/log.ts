/**
 * Structured log lines and metric lines, through the invocation's logger (the Functions host sends them
 * to Application Insights as traces; `message` is one JSON object, so a KQL `parse_json(message)` gets
 * every field). Every line goes through `scrub`: a token, key, SAS signature or connection string that
 * found its way into an error message never reaches a log.
 */
import type { InvocationContext } from "@azure/functions";

export interface LogFields {
  runId?: string | undefined;
  instanceId?: string | undefined;
  clusterId?: string | undefined;
  eventId?: string | undefined;
  [key: string]: unknown;
}

/** The metrics an operator charts (one log line each, `{"metric": name, "value": n, …dims}`). */
export type MetricName = "clustersAudited" | "nonCompliant" | "collectionErrors" | "throttleWaitMs" | "eventToVerdictMs" | "eventsReceived" | "reauditsStarted";

type Level = "debug" | "info" | "warn" | "error";

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature|SharedAccessKeyName|Password|ClientSecret)\s*=\s*[^;"'\s]+/gi, "$1=[redacted]"],
  [/\b(sig|se|sv|skoid|sktid|code|x-functions-key|token|access_token|client_secret)=[^&\s"';]+/gi, "$1=[redacted]"],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, "Bearer [redacted]"],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, "[redacted-jwt]"],
  [/\b(DefaultEndpointsProtocol=[^"'\s]*)/gi, "[redacted-connection-string]"],
  [/\bUseDevelopmentStorage=true[^"'\s]*/gi, "[redacted-connection-string]"],
];

/** Remove anything that looks like a credential from a string. */
export function scrub(text: string): string {
  let out = text;
  for (const [re, by] of SECRET_PATTERNS) out = out.replace(re, by);
  return out;
}

/** An error as a short, scrubbed sentence (no stack: stacks go to the host's own exception telemetry). */
export function describeError(e: unknown): string {
  const msg = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return scrub(msg.length > 1000 ? `${msg.slice(0, 1000)}…` : msg);
}

function write(context: InvocationContext, level: Level, line: Record<string, unknown>): void {
  const text = scrub(JSON.stringify(line, (_k, v: unknown) => (v instanceof Error ? describeError(v) : v)));
  switch (level) {
    case "debug":
      context.debug(text);
      break;
    case "info":
      context.info(text);
      break;
    case "warn":
      context.warn(text);
      break;
    case "error":
      context.error(text);
      break;
  }
}

export function log(context: InvocationContext, level: Level, event: string, fields: LogFields = {}): void {
  write(context, level, { event, function: context.functionName, invocationId: context.invocationId, ...fields });
}

export function metric(context: InvocationContext, name: MetricName, value: number, fields: LogFields = {}): void {
  write(context, "info", { metric: name, value, function: context.functionName, ...fields });
}

/** An error whose message has been scrubbed (the host records thrown errors in its own telemetry and in orchestration history). */
export class ScrubbedError extends Error {
  constructor(original: unknown) {
    super(describeError(original));
    this.name = original instanceof Error && original.name !== "Error" ? original.name : "ScrubbedError";
  }
}

/** Wrap a handler so that whatever it throws reaches the host scrubbed. */
export function shielded<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      throw new ScrubbedError(e);
    }
  };
}
