// A loopback stand-in for the parts of Azure that the live collector talks to, speaking the real REST
// shapes so the real SDK clients (@azure/arm-resourcegraph, @azure/arm-resources,
// @azure/arm-containerservice) can be pointed at it:
//
//   POST /providers/Microsoft.ResourceGraph/resources?api-version=…                      ("graph")
//   GET  /subscriptions/{sub}/providers/{namespace}?api-version=…                         ("provider")
//   GET  /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/
//        managedClusters/{name}/trustedAccessRoleBindings?api-version=…                   ("bindings")
//
// HTTPS on 127.0.0.1 only, with a self-signed certificate made at start (trust it with `ca`).
// Resource Graph is modelled as far as the collector needs it: a query must start
// `<table> | where type in~ ('a', 'b', …)`; the rest of the query is ignored. Quotas (Resource Graph per
// principal, ARM reads per subscription) and deterministic fault injection make throttling, errors,
// resets and slow pages reproducible. Nothing here is an Azure client: it is the other side.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createHash, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { testCertificate } from "./tls.js";

// ---------------------------------------------------------------------------------------------
// Public types

/** Which kind of request: Resource Graph query, provider GET, trusted-access bindings list, or anything else. */
export type RouteKind = "graph" | "provider" | "bindings" | "other";

/** A provider registration, as `GET /subscriptions/{sub}/providers/{namespace}` reports it. */
export interface ProviderRegistration {
  subscriptionId: string;
  /** Canonical casing, e.g. `Microsoft.KubernetesConfiguration`; looked up case-insensitively. */
  namespace: string;
  /** `Registered`, `NotRegistered`, `Registering`, `Unregistering`. */
  registrationState: string;
  registrationPolicy?: string;
  resourceTypes?: unknown[];
}

/** Resource Graph quota: `requests` per fixed window of `windowMs`, per principal. */
export interface GraphQuota {
  requests: number;
  windowMs: number;
}

/** ARM read quota: a token bucket per subscription holding `burst` tokens, refilled at `perSecond`. */
export interface ArmQuota {
  burst: number;
  perSecond: number;
}

export interface FakeAzureOptions {
  /**
   * Azure resource objects, Resource-Graph shaped (each needs a string `id` and `type`). Served from the
   * table their type belongs to (see `tableForType`). Missing `subscriptionId`/`resourceGroup` columns are
   * derived from the id and `type` is lower-cased, as Resource Graph does; rows whose id is not under a
   * subscription (tenant-level objects) are returned for every scope.
   */
  resources?: readonly object[];
  /** Trusted-access role bindings in ARM shape (`id` under a cluster id, `properties.roles`, `properties.sourceResourceId`). */
  bindings?: readonly object[];
  providers?: readonly ProviderRegistration[];
  /** Management group name → subscription ids under it (for `managementGroups` in Resource Graph requests). */
  managementGroups?: Readonly<Record<string, readonly string[]>>;
  /** Left out of Resource Graph results silently; ARM reads on them answer 403 AuthorizationFailed. */
  forbiddenSubscriptions?: readonly string[];
  /** Default `{ requests: 15, windowMs: 5000 }`; `null` disables the quota and its headers. */
  graphQuota?: GraphQuota | null;
  /** Default `{ burst: 250, perSecond: 25 }`; `null` disables the quota and its header. */
  armQuota?: ArmQuota | null;
  /** Page size of the bindings list (`nextLink` paging); unset = one page. */
  bindingsPageSize?: number;
  /** Page size of a Resource Graph answer when the request gives no `$top` (Azure: 100). */
  graphDefaultTop?: number;
  /**
   * Every answer (except 401 and quota 429s) waits this long, like a real service's latency, so that client
   * concurrency shows in `stats.maxConcurrent` and throughput is realistic. A number for every route, or
   * per route kind. Default 0: answers go out as soon as they are computed.
   */
  latencyMs?: number | Partial<Record<RouteKind, number>>;
  /** Clock in milliseconds for quotas and the request log (default `performance.now`). Inject one to test quotas without sleeping. */
  now?: () => number;
  /** At most this many entries are kept in `stats.log` (default 200,000; the oldest are dropped). */
  logLimit?: number;
}

/** What a fault predicate sees of a request. */
export interface FaultRequest {
  seq: number;
  method: string;
  /** Path and query string as received. */
  path: string;
  kind: RouteKind;
  /** Lower-cased subscription of an ARM request (undefined for Resource Graph). */
  subscriptionId?: string;
  principal: string;
  /** Parsed JSON body (Resource Graph requests), else undefined. */
  body: unknown;
}

/**
 * A deterministic fault. It matches requests by `route` and/or `match`; counting matching requests from
 * 1, it acts on the `nth` (default 1) and the `times - 1` (default 1) matching requests after it, then is
 * spent. At least one of `status`, `reset`, `delayMs` must be given. `delayMs` alone delays a normal
 * answer (a slow page); with `status` or `reset` the delay comes first.
 * Faults act after the quota has been charged, like a back end failing behind the throttling front door.
 */
export interface Fault {
  /** Default "any"; "arm" = provider or bindings. */
  route?: RouteKind | "arm" | "any";
  match?: (request: FaultRequest) => boolean;
  nth?: number;
  times?: number;
  /** Answer with this status and the ARM error body `{ error: { code, message } }`. */
  status?: number;
  /** Error code in the body (default by status: InternalServerError, ServiceUnavailable, RateLimiting, …). */
  code?: string;
  message?: string;
  /** For 429/503: the `Retry-After` header in seconds (429 default 1; 503 default none). */
  retryAfterSeconds?: number;
  headers?: Readonly<Record<string, string>>;
  /** Destroy the connection without answering. */
  reset?: boolean;
  delayMs?: number;
}

export interface FaultHandle {
  /** Matching requests seen so far. */
  readonly matched: number;
  /** Times the fault acted. */
  readonly fired: number;
  /** True once it has acted `times` times. */
  readonly spent: boolean;
}

export interface RouteStats {
  requests: number;
  /** 2xx answers. */
  ok: number;
  /** 4xx answers other than 429. */
  clientErrors: number;
  /** 429 answers (quota or injected). */
  throttled: number;
  /** 5xx answers. */
  serverErrors: number;
  /** Connections destroyed by a `reset` fault. */
  resets: number;
  /** Requests the client gave up on before the answer (e.g. during a delay). */
  aborted: number;
}

export interface RequestLogEntry {
  seq: number;
  method: string;
  /** Path and query string as received. */
  path: string;
  kind: RouteKind;
  subscriptionId?: string;
  principal: string;
  /** HTTP status answered; 0 when the connection was reset or the client went away. */
  status: number;
  /** Arrival time, ms since the server started (on the `now` clock). */
  atMs: number;
  durationMs: number;
  /** How a fault shaped this answer, if one did. */
  fault?: "status" | "reset" | "delay";
  /** Resource Graph: the table queried and the rows in this page. */
  table?: string;
  rows?: number;
}

export interface FakeAzureStats {
  routes: Record<RouteKind, RouteStats>;
  /** Rows served in successful Resource Graph pages: table → lower-cased subscription ("" = tenant-level) → rows. */
  rows: Record<string, Record<string, number>>;
  log: RequestLogEntry[];
  /** Every 429 answered, quota or injected. */
  throttled: number;
  maxConcurrent: {
    /** All requests in flight at once. */
    total: number;
    /** Resource Graph requests in flight at once. */
    graph: number;
    /** ARM requests (provider, bindings) in flight at once, by lower-cased subscription. */
    perSubscription: Record<string, number>;
  };
}

/** Options for an SDK client aimed at the fake; fits both the TypeSpec-generated clients
 * (`credentials.scopes`) and the classic ones (`credentialScopes`). */
export interface FakeAzureClientOptions {
  endpoint: string;
  tlsOptions: { ca: string };
  credentials: { scopes: string[] };
  credentialScopes: string[];
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export interface FakeAzure {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** PEM of the server's self-signed certificate: pass as `tlsOptions: { ca }`. */
  readonly ca: string;
  /** Live counters; `resetStats()` replaces the object, so read `fake.stats` after the fact. */
  readonly stats: FakeAzureStats;
  inject(fault: Fault): FaultHandle;
  clearFaults(): void;
  resetStats(): void;
  /** `{ endpoint, tlsOptions: { ca }, credentials/credentialScopes, retryOptions? }` for an SDK client. */
  clientOptions(retryOptions?: FakeAzureClientOptions["retryOptions"]): FakeAzureClientOptions;
  /** Destroys open connections, cancels pending delays, stops listening. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers also useful to tests of the collector

export const ARM_SCOPE = "https://management.azure.com/.default";

const TABLE_BY_TYPE: ReadonlyMap<string, string> = new Map([
  ["microsoft.kubernetesconfiguration/extensions", "kubernetesconfigurationresources"],
  ["microsoft.dataprotection/backupvaults/backupinstances", "recoveryservicesresources"],
  ["microsoft.dataprotection/backupvaults/backupjobs", "recoveryservicesresources"],
  ["microsoft.authorization/roleassignments", "authorizationresources"],
  ["microsoft.authorization/roledefinitions", "authorizationresources"],
  ["microsoft.authorization/policyassignments", "policyresources"],
  ["microsoft.authorization/policydefinitions", "policyresources"],
  ["microsoft.authorization/policysetdefinitions", "policyresources"],
  ["microsoft.authorization/policyexemptions", "policyresources"],
  ["microsoft.resources/subscriptions", "resourcecontainers"],
  ["microsoft.resources/subscriptions/resourcegroups", "resourcecontainers"],
  ["microsoft.management/managementgroups", "resourcecontainers"],
]);

/** The Resource Graph table a resource type lives in (type compared case-insensitively). */
export function tableForType(type: string): string {
  return TABLE_BY_TYPE.get(type.toLowerCase()) ?? "resources";
}

/** Tables the fake serves rows from. */
export const GRAPH_TABLES: readonly string[] = [
  "resources",
  "kubernetesconfigurationresources",
  "recoveryservicesresources",
  "authorizationresources",
  "policyresources",
  "resourcecontainers",
];

/** Other real Resource Graph tables: accepted, always empty. Any other table name is a 400. */
const EMPTY_TABLES: ReadonlySet<string> = new Set([
  "advisorresources",
  "alertsmanagementresources",
  "appserviceresources",
  "extendedlocationresources",
  "guestconfigurationresources",
  "healthresources",
  "maintenanceresources",
  "patchassessmentresources",
  "securityresources",
  "servicehealthresources",
]);

/** An unsigned JWT (`alg: none`) carrying `claims`, e.g. `fakeJwt({ oid: "…" })`; the fake takes `oid` as the principal. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

/** A TokenCredential-compatible object that always hands out `token` (default "principal-a"). */
export function fakeCredential(token = "principal-a"): {
  getToken(): Promise<{ token: string; expiresOnTimestamp: number }>;
} {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

/** `hh:mm:ss`, rounding up to whole seconds, as in `x-ms-user-quota-resets-after`. */
export function formatResetsAfter(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  return [hh, mm, ss].map((n) => String(n).padStart(2, "0")).join(":");
}

// ---------------------------------------------------------------------------------------------
// Internals

interface GraphRow {
  row: Record<string, unknown>;
  idKey: string;
  type: string;
  /** Lower-cased subscription, "" for tenant-level rows. */
  sub: string;
}

interface ProviderEntry extends ProviderRegistration {
  subscriptionKey: string;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  table?: string;
  /** Resource Graph: the rows of this page, for the per-(table, subscription) counters. */
  page?: readonly GraphRow[];
}

interface RouteMatch {
  kind: RouteKind;
  subscriptionId?: string;
  namespace?: string;
  resourceGroup?: string;
  clusterName?: string;
}

interface FaultState {
  fault: Fault;
  nth: number;
  times: number;
  matched: number;
  fired: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { code: string; message: string }[],
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_TOP = 1000;
const QUERY_CACHE_LIMIT = 64;

const GRAPH_PATH = /^\/providers\/microsoft\.resourcegraph\/resources\/?$/i;
const PROVIDER_PATH = /^\/subscriptions\/([^/]+)\/providers\/([^/]+)\/?$/i;
const BINDINGS_PATH =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)\/trustedaccessrolebindings\/?$/i;
const QUERY_HEAD = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|\s*where\s+type\s+in~\s*\(([^)]*)\)/i;

function lower(value: string): string {
  return value.toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `/subscriptions/{sub}/resourceGroups/{rg}/…` → its parts (lower-cased), when present. */
function scopeOfId(id: string): { sub: string; rg?: string } {
  const match = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?/i.exec(id);
  if (!match?.[1]) return { sub: "" };
  return match[2] ? { sub: lower(match[1]), rg: lower(match[2]) } : { sub: lower(match[1]) };
}

function principalOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  const token = match?.[1];
  if (!token) return undefined;
  const parts = token.split(".");
  if (parts.length === 3 && parts[1]) {
    try {
      const claims: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
      if (isRecord(claims) && typeof claims["oid"] === "string" && claims["oid"]) return claims["oid"];
    } catch {
      // not a JWT: the token itself is the principal
    }
  }
  return token;
}

function matchRoute(method: string, pathname: string): RouteMatch {
  if (method === "POST" && GRAPH_PATH.test(pathname)) return { kind: "graph" };
  if (method === "GET") {
    const bindings = BINDINGS_PATH.exec(pathname);
    if (bindings?.[1] && bindings[2] && bindings[3]) {
      return {
        kind: "bindings",
        subscriptionId: lower(safeDecode(bindings[1])),
        resourceGroup: safeDecode(bindings[2]),
        clusterName: safeDecode(bindings[3]),
      };
    }
    const provider = PROVIDER_PATH.exec(pathname);
    if (provider?.[1] && provider[2]) {
      return { kind: "provider", subscriptionId: lower(safeDecode(provider[1])), namespace: safeDecode(provider[2]) };
    }
  }
  return { kind: "other" };
}

function defaultErrorCode(status: number, kind: RouteKind): string {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "AuthenticationFailed";
    case 403:
      return "AuthorizationFailed";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 429:
      return kind === "graph" ? "RateLimiting" : "SubscriptionRequestsThrottled";
    case 500:
      return "InternalServerError";
    case 502:
      return "BadGateway";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "GatewayTimeout";
    default:
      return `Http${status}`;
  }
}

function errorBody(code: string, message: string, details?: { code: string; message: string }[]): unknown {
  return { error: details ? { code, message, details } : { code, message } };
}

function emptyRouteStats(): RouteStats {
  return { requests: 0, ok: 0, clientErrors: 0, throttled: 0, serverErrors: 0, resets: 0, aborted: 0 };
}

function emptyStats(): FakeAzureStats {
  return {
    routes: { graph: emptyRouteStats(), provider: emptyRouteStats(), bindings: emptyRouteStats(), other: emptyRouteStats() },
    rows: {},
    log: [],
    throttled: 0,
    maxConcurrent: { total: 0, graph: 0, perSubscription: {} },
  };
}

function nonNegativeInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new HttpError(400, "BadRequest", `${name} must be a non-negative integer`);
  }
  return value;
}

function stringArray(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
    throw new HttpError(400, "BadRequest", `${name} must be an array of strings`);
  }
  return value;
}

function invalidQuery(message: string): HttpError {
  return new HttpError(
    400,
    "BadRequest",
    "Please provide below info when asking for support: timestamp and correlationId. Details: the query is invalid.",
    [
      { code: "InvalidQuery", message: "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying." },
      { code: "ParserFailure", message },
    ],
  );
}

/** `<table> | where type in~ ('a', 'b')` → table and the lower-cased types; the rest of the query is ignored. */
export function parseGraphQuery(query: string): { table: string; types: string[] } {
  const head = QUERY_HEAD.exec(query);
  if (!head?.[1] || head[2] === undefined) {
    throw invalidQuery(
      "fake-azure understands only queries that start `<table> | where type in~ ('type1', 'type2', …)`",
    );
  }
  const types: string[] = [];
  for (const item of head[2].split(",")) {
    const literal = /^\s*'([^']*)'\s*$/.exec(item) ?? /^\s*"([^"]*)"\s*$/.exec(item);
    if (!literal || literal[1] === undefined || literal[1] === "") {
      throw invalidQuery(`cannot read the type list element ${JSON.stringify(item.trim())}`);
    }
    types.push(lower(literal[1]));
  }
  return { table: lower(head[1]), types };
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startFakeAzure(opts: FakeAzureOptions = {}): Promise<FakeAzure> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const graphQuota = opts.graphQuota === undefined ? { requests: 15, windowMs: 5000 } : opts.graphQuota;
  const armQuota = opts.armQuota === undefined ? { burst: 250, perSecond: 25 } : opts.armQuota;
  if (graphQuota && (!(graphQuota.requests >= 1) || !(graphQuota.windowMs > 0))) {
    throw new Error("graphQuota needs requests >= 1 and windowMs > 0");
  }
  if (armQuota && (!(armQuota.burst >= 1) || !(armQuota.perSecond > 0))) {
    throw new Error("armQuota needs burst >= 1 and perSecond > 0");
  }
  const graphDefaultTop = opts.graphDefaultTop ?? 100;
  const bindingsPageSize = opts.bindingsPageSize;
  if (bindingsPageSize !== undefined && !(Number.isInteger(bindingsPageSize) && bindingsPageSize >= 1)) {
    throw new Error("bindingsPageSize must be a positive integer");
  }
  const logLimit = opts.logLimit ?? 200_000;
  const latencyOf = (kind: RouteKind): number => {
    const latency = opts.latencyMs;
    const ms = typeof latency === "number" ? latency : (latency?.[kind] ?? 0);
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  };
  const forbidden = new Set((opts.forbiddenSubscriptions ?? []).map(lower));
  const managementGroups = new Map<string, string[]>();
  for (const [name, subs] of Object.entries(opts.managementGroups ?? {})) {
    managementGroups.set(lower(name), subs.map(lower));
  }

  // --- index the fleet once
  const knownSubscriptions = new Set<string>();
  const tables = new Map<string, GraphRow[]>();
  const clusters = new Set<string>();
  for (const [index, raw] of (opts.resources ?? []).entries()) {
    if (!isRecord(raw) || typeof raw["id"] !== "string" || typeof raw["type"] !== "string") {
      throw new Error(`resources[${index}] needs a string id and a string type`);
    }
    const id = raw["id"];
    const type = lower(raw["type"]);
    const scope = scopeOfId(id);
    const sub = typeof raw["subscriptionId"] === "string" ? lower(raw["subscriptionId"]) : scope.sub;
    const row: Record<string, unknown> = { ...raw, type };
    if (typeof raw["subscriptionId"] !== "string") row["subscriptionId"] = scope.sub;
    if (typeof raw["resourceGroup"] !== "string") row["resourceGroup"] = scope.rg ?? "";
    const table = tableForType(type);
    let rows = tables.get(table);
    if (!rows) tables.set(table, (rows = []));
    rows.push({ row, idKey: lower(id), type, sub });
    if (sub) knownSubscriptions.add(sub);
    if (type === "microsoft.containerservice/managedclusters") clusters.add(lower(id));
  }
  for (const rows of tables.values()) rows.sort((a, b) => (a.idKey < b.idKey ? -1 : a.idKey > b.idKey ? 1 : 0));

  const bindingsByCluster = new Map<string, Record<string, unknown>[]>();
  for (const [index, raw] of (opts.bindings ?? []).entries()) {
    if (!isRecord(raw) || typeof raw["id"] !== "string") throw new Error(`bindings[${index}] needs a string id`);
    const id = raw["id"];
    const at = lower(id).lastIndexOf("/trustedaccessrolebindings/");
    if (at < 0) throw new Error(`bindings[${index}].id is not under a managed cluster: ${id}`);
    const parent = lower(id.slice(0, at));
    const row: Record<string, unknown> = {
      name: id.slice(at + "/trustedaccessrolebindings/".length),
      type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings",
      ...raw,
    };
    let list = bindingsByCluster.get(parent);
    if (!list) bindingsByCluster.set(parent, (list = []));
    list.push(row);
    clusters.add(parent);
    const sub = scopeOfId(id).sub;
    if (sub) knownSubscriptions.add(sub);
  }

  const providers = new Map<string, ProviderEntry>();
  for (const registration of opts.providers ?? []) {
    const subscriptionKey = lower(registration.subscriptionId);
    providers.set(`${subscriptionKey}|${lower(registration.namespace)}`, { ...registration, subscriptionKey });
    knownSubscriptions.add(subscriptionKey);
  }
  for (const subs of managementGroups.values()) for (const sub of subs) knownSubscriptions.add(sub);

  // --- mutable state
  let stats = emptyStats();
  let faults: FaultState[] = [];
  let seq = 0;
  let closed = false;
  const graphWindows = new Map<string, { start: number; count: number }>();
  const armBuckets = new Map<string, { tokens: number; at: number }>();
  const queryCache = new Map<string, GraphRow[]>();
  const inflight = { total: 0, graph: 0, perSubscription: new Map<string, number>() };
  const sockets = new Set<Socket>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  const handlers = new Set<Promise<void>>();

  const certificate = await testCertificate();
  const server: Server = createServer({ key: certificate.key, cert: certificate.cert });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => {
    // a client that does not trust the certificate hangs up during the handshake: nothing to do
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const running = handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const text = JSON.stringify(errorBody("InternalServerError", `fake-azure bug: ${String(error)}`));
          res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
          res.end(text);
        }
      })
      .finally(() => handlers.delete(running));
    handlers.add(running);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  function sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (closed) return resolve();
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: () => {
          clearTimeout(sleeper.timer);
          sleepers.delete(sleeper);
          resolve();
        },
      };
      sleepers.add(sleeper);
    });
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, "RequestEntityTooLarge", "request body over 1 MiB");
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  // --- quotas

  function takeGraphQuota(principal: string, t: number): { headers: Record<string, string>; refused?: Answer } {
    if (!graphQuota) return { headers: {} };
    let window = graphWindows.get(principal);
    if (!window || t >= window.start + graphQuota.windowMs) {
      window = { start: t, count: 0 };
      graphWindows.set(principal, window);
    }
    const resetsAfterMs = window.start + graphQuota.windowMs - t;
    const allowed = window.count < graphQuota.requests;
    if (allowed) window.count += 1;
    const headers = {
      "x-ms-user-quota-remaining": String(graphQuota.requests - window.count),
      "x-ms-user-quota-resets-after": formatResetsAfter(resetsAfterMs),
    };
    if (allowed) return { headers };
    const retryAfter = Math.max(1, Math.ceil(resetsAfterMs / 1000));
    return {
      headers,
      refused: {
        status: 429,
        headers: { ...headers, "retry-after": String(retryAfter) },
        body: errorBody(
          "RateLimiting",
          `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}. ` +
            "Details: Client application has been throttled and should not attempt to repeat the request " +
            `until an amount of time has elapsed (${retryAfter} s). Please see https://aka.ms/resourcegraph-throttling for help.`,
        ),
      },
    };
  }

  function takeArmQuota(sub: string, principal: string, t: number): { headers: Record<string, string>; refused?: Answer } {
    if (!armQuota) return { headers: {} };
    let bucket = armBuckets.get(sub);
    if (!bucket) {
      bucket = { tokens: armQuota.burst, at: t };
      armBuckets.set(sub, bucket);
    } else {
      bucket.tokens = Math.min(armQuota.burst, bucket.tokens + (Math.max(0, t - bucket.at) * armQuota.perSecond) / 1000);
      bucket.at = t;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { headers: { "x-ms-ratelimit-remaining-subscription-reads": String(Math.floor(bucket.tokens)) } };
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / armQuota.perSecond));
    const headers = { "x-ms-ratelimit-remaining-subscription-reads": "0" };
    return {
      headers,
      refused: {
        status: 429,
        headers: { ...headers, "retry-after": String(retryAfter) },
        body: errorBody(
          "SubscriptionRequestsThrottled",
          `Number of 'read' requests for subscription '${sub}' actor '${principal}' exceeded. ` +
            `Please try again after '${retryAfter}' seconds after additional tokens are available.`,
        ),
      },
    };
  }

  // --- faults

  function pickFault(request: FaultRequest): Fault | undefined {
    let chosen: Fault | undefined;
    for (const state of faults) {
      const { fault } = state;
      const route = fault.route ?? "any";
      const routeOk =
        route === "any" ||
        route === request.kind ||
        (route === "arm" && (request.kind === "provider" || request.kind === "bindings"));
      if (!routeOk || state.fired >= state.times) continue;
      if (fault.match && !fault.match(request)) continue;
      state.matched += 1;
      if (!chosen && state.matched >= state.nth) {
        state.fired += 1;
        chosen = fault;
      }
    }
    return chosen;
  }

  function faultAnswer(fault: Fault, kind: RouteKind, status: number): Answer {
    const headers: Record<string, string> = {};
    const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    if (retryAfter !== undefined && (status === 429 || status === 503)) headers["retry-after"] = String(retryAfter);
    Object.assign(headers, fault.headers ?? {});
    return {
      status,
      headers,
      body: errorBody(fault.code ?? defaultErrorCode(status, kind), fault.message ?? `Injected fault: HTTP ${status}`),
    };
  }

  // --- Resource Graph

  function resolveScope(body: Record<string, unknown>): { subs: Set<string> | "all"; key: string } {
    const subscriptions = stringArray(body["subscriptions"], "subscriptions");
    const groups = stringArray(body["managementGroups"], "managementGroups");
    const key = JSON.stringify([
      [...(subscriptions ?? [])].map(lower).sort(),
      [...(groups ?? [])].map(lower).sort(),
    ]);
    if ((!subscriptions || subscriptions.length === 0) && (!groups || groups.length === 0)) return { subs: "all", key };
    const subs = new Set((subscriptions ?? []).map(lower));
    for (const group of groups ?? []) {
      const members = managementGroups.get(lower(group));
      if (!members) {
        throw new HttpError(
          403,
          "AuthorizationFailed",
          `The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/providers/Microsoft.Management/managementGroups/${group}' or the scope is invalid.`,
        );
      }
      for (const sub of members) subs.add(sub);
    }
    return { subs, key };
  }

  function matchingRows(table: string, types: readonly string[], subs: Set<string> | "all", scopeKey: string): GraphRow[] {
    const cacheKey = JSON.stringify([table, [...new Set(types)].sort(), scopeKey]);
    const cached = queryCache.get(cacheKey);
    if (cached) return cached;
    const typeSet = new Set(types);
    const rows = (tables.get(table) ?? []).filter(
      (entry) =>
        typeSet.has(entry.type) &&
        (entry.sub === "" || ((subs === "all" || subs.has(entry.sub)) && !forbidden.has(entry.sub))),
    );
    if (queryCache.size >= QUERY_CACHE_LIMIT) {
      const oldest = queryCache.keys().next();
      if (!oldest.done) queryCache.delete(oldest.value);
    }
    queryCache.set(cacheKey, rows);
    return rows;
  }

  function graphAnswer(body: unknown): Answer {
    if (!isRecord(body) || typeof body["query"] !== "string") {
      throw new HttpError(400, "BadRequest", "The request body must be a JSON object with a string `query`.");
    }
    const query = body["query"];
    const { table, types } = parseGraphQuery(query);
    if (!GRAPH_TABLES.includes(table) && !EMPTY_TABLES.has(table)) {
      throw invalidQuery(`Table '${table}' could not be found (fake-azure knows ${GRAPH_TABLES.join(", ")})`);
    }
    const scope = resolveScope(body);
    const options = body["options"] === undefined || body["options"] === null ? {} : body["options"];
    if (!isRecord(options)) throw new HttpError(400, "BadRequest", "options must be an object");
    const resultFormat = options["resultFormat"];
    if (resultFormat !== undefined && resultFormat !== null && lower(String(resultFormat)) !== "objectarray") {
      throw new HttpError(400, "BadRequest", "fake-azure answers only resultFormat objectArray");
    }
    let top = nonNegativeInteger(options["$top"], "$top");
    if (top !== undefined && (top < 1 || top > MAX_TOP)) {
      throw new HttpError(400, "BadRequest", `$top must be between 1 and ${MAX_TOP}`);
    }
    let offset = nonNegativeInteger(options["$skip"], "$skip");
    const hash = createHash("sha256").update(`${query.trim()}\n${scope.key}`).digest("hex").slice(0, 16);
    const skipToken = options["$skipToken"];
    if (skipToken !== undefined && skipToken !== null) {
      let decoded: unknown;
      try {
        decoded = typeof skipToken === "string" ? JSON.parse(Buffer.from(skipToken, "base64url").toString("utf8")) : undefined;
      } catch {
        decoded = undefined;
      }
      if (!isRecord(decoded) || typeof decoded["o"] !== "number" || typeof decoded["t"] !== "number" || typeof decoded["h"] !== "string") {
        throw new HttpError(400, "BadRequest", "The $skipToken is invalid.", [{ code: "InvalidSkipToken", message: "cannot decode $skipToken" }]);
      }
      if (decoded["h"] !== hash) {
        throw new HttpError(400, "BadRequest", "The $skipToken does not belong to this query and scope.", [
          { code: "InvalidSkipToken", message: "the $skipToken was issued for a different query or scope" },
        ]);
      }
      offset ??= decoded["o"];
      top ??= decoded["t"];
    }
    const pageSize = top ?? graphDefaultTop;
    const start = offset ?? 0;
    const rows = EMPTY_TABLES.has(table) ? [] : matchingRows(table, types, scope.subs, scope.key);
    const page = rows.slice(start, start + pageSize);
    const next = start + page.length;
    const response: Record<string, unknown> = {
      totalRecords: rows.length,
      count: page.length,
      resultTruncated: "false",
    };
    if (next < rows.length && page.length > 0) {
      response["$skipToken"] = Buffer.from(JSON.stringify({ o: next, t: pageSize, h: hash })).toString("base64url");
    }
    response["data"] = page.map((entry) => entry.row);
    response["facets"] = [];
    return { status: 200, headers: {}, body: response, table, page };
  }

  // --- ARM

  function forbiddenAnswer(sub: string, principal: string, action: string, scope: string): Answer {
    return {
      status: 403,
      headers: {},
      body: errorBody(
        "AuthorizationFailed",
        `The client '${principal}' with object id '${principal}' does not have authorization to perform action ` +
          `'${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      ),
    };
  }

  function providerAnswer(route: RouteMatch, principal: string): Answer {
    const sub = route.subscriptionId ?? "";
    const namespace = route.namespace ?? "";
    if (forbidden.has(sub)) {
      return forbiddenAnswer(sub, principal, "Microsoft.Resources/subscriptions/providers/read", `/subscriptions/${sub}`);
    }
    const entry = providers.get(`${sub}|${lower(namespace)}`);
    if (!entry) {
      if (!knownSubscriptions.has(sub)) {
        throw new HttpError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
      }
      throw new HttpError(404, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`);
    }
    return {
      status: 200,
      headers: {},
      body: {
        id: `/subscriptions/${entry.subscriptionId}/providers/${entry.namespace}`,
        namespace: entry.namespace,
        registrationState: entry.registrationState,
        registrationPolicy: entry.registrationPolicy ?? "RegistrationRequired",
        resourceTypes: entry.resourceTypes ?? [],
      },
    };
  }

  function bindingsAnswer(route: RouteMatch, principal: string, requestUrl: URL): Answer {
    const sub = route.subscriptionId ?? "";
    const rg = route.resourceGroup ?? "";
    const name = route.clusterName ?? "";
    if (forbidden.has(sub)) {
      return forbiddenAnswer(
        sub,
        principal,
        "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read",
        `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`,
      );
    }
    const clusterKey = lower(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`);
    if (!clusters.has(clusterKey)) {
      throw new HttpError(
        404,
        "ResourceNotFound",
        `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found. ` +
          "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
      );
    }
    const all = bindingsByCluster.get(clusterKey) ?? [];
    if (bindingsPageSize === undefined) return { status: 200, headers: {}, body: { value: all } };
    const tokenParam = requestUrl.searchParams.get("$skipToken");
    const start = tokenParam === null ? 0 : Number(tokenParam);
    if (!Number.isInteger(start) || start < 0) throw new HttpError(400, "BadRequest", "invalid $skipToken");
    const value = all.slice(start, start + bindingsPageSize);
    const body: Record<string, unknown> = { value };
    const next = start + value.length;
    if (next < all.length && value.length > 0) {
      const link = new URL(requestUrl.pathname, url);
      link.searchParams.set("api-version", requestUrl.searchParams.get("api-version") ?? "");
      link.searchParams.set("$skipToken", String(next));
      body["nextLink"] = link.toString();
    }
    return { status: 200, headers: {}, body };
  }

  // --- bookkeeping

  function enter(route: RouteMatch): () => void {
    inflight.total += 1;
    stats.maxConcurrent.total = Math.max(stats.maxConcurrent.total, inflight.total);
    if (route.kind === "graph") {
      inflight.graph += 1;
      stats.maxConcurrent.graph = Math.max(stats.maxConcurrent.graph, inflight.graph);
    }
    const sub = route.kind === "provider" || route.kind === "bindings" ? route.subscriptionId : undefined;
    if (sub !== undefined) {
      const n = (inflight.perSubscription.get(sub) ?? 0) + 1;
      inflight.perSubscription.set(sub, n);
      stats.maxConcurrent.perSubscription[sub] = Math.max(stats.maxConcurrent.perSubscription[sub] ?? 0, n);
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      inflight.total -= 1;
      if (route.kind === "graph") inflight.graph -= 1;
      if (sub !== undefined) inflight.perSubscription.set(sub, (inflight.perSubscription.get(sub) ?? 1) - 1);
    };
  }

  function record(entry: RequestLogEntry, page: readonly GraphRow[] | undefined): void {
    const route = stats.routes[entry.kind];
    route.requests += 1;
    if (entry.fault === "reset") route.resets += 1;
    else if (entry.status === 0) route.aborted += 1;
    else if (entry.status === 429) {
      route.throttled += 1;
      stats.throttled += 1;
    } else if (entry.status >= 500) route.serverErrors += 1;
    else if (entry.status >= 400) route.clientErrors += 1;
    else if (entry.status >= 200 && entry.status < 300) route.ok += 1;
    if (entry.status === 200 && page && entry.table) {
      const bySub = (stats.rows[entry.table] ??= {});
      for (const row of page) bySub[row.sub] = (bySub[row.sub] ?? 0) + 1;
    }
    stats.log.push(entry);
    if (stats.log.length > logLimit) stats.log.splice(0, stats.log.length - logLimit);
  }

  function send(res: ServerResponse, answer: Answer): void {
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(text)),
      "x-ms-request-id": randomUUID(),
      ...answer.headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawPath = req.url ?? "/";
    const requestUrl = new URL(rawPath, url);
    const route = matchRoute(method, requestUrl.pathname);
    const principal = principalOf(req.headers.authorization);
    const entry: RequestLogEntry = {
      seq: ++seq,
      method,
      path: rawPath,
      kind: route.kind,
      principal: principal ?? "",
      status: 0,
      atMs: started - t0,
      durationMs: 0,
    };
    if (route.subscriptionId !== undefined) entry.subscriptionId = route.subscriptionId;
    const leave = enter(route);
    let page: readonly GraphRow[] | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      leave();
      entry.durationMs = now() - started;
      record(entry, page);
    };
    // A client that goes away before the answer (e.g. during a delay) is recorded as aborted.
    res.on("close", finish);

    let quotaHeaders: Record<string, string> = {};
    const answer = async (): Promise<Answer | "reset" | "gone"> => {
      let bodyText = "";
      try {
        bodyText = await readBody(req);
      } catch (error) {
        if (error instanceof HttpError) return { status: error.status, headers: {}, body: errorBody(error.code, error.message) };
        return "gone";
      }
      if (principal === undefined) {
        return {
          status: 401,
          headers: {},
          body: errorBody("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
        };
      }
      if (route.kind === "graph") {
        const quota = takeGraphQuota(principal, now());
        quotaHeaders = quota.headers;
        if (quota.refused) return quota.refused;
      } else if (route.subscriptionId !== undefined) {
        const quota = takeArmQuota(route.subscriptionId, principal, now());
        quotaHeaders = quota.headers;
        if (quota.refused) return quota.refused;
      }
      let body: unknown;
      let badJson = false;
      if (route.kind === "graph") {
        try {
          body = JSON.parse(bodyText);
        } catch {
          badJson = true;
        }
      }
      const fault = pickFault({
        seq: entry.seq,
        method,
        path: rawPath,
        kind: route.kind,
        ...(route.subscriptionId !== undefined ? { subscriptionId: route.subscriptionId } : {}),
        principal,
        body,
      });
      if (fault) entry.fault = fault.reset ? "reset" : fault.status !== undefined ? "status" : "delay";
      const wait = latencyOf(route.kind) + (fault?.delayMs !== undefined && fault.delayMs > 0 ? fault.delayMs : 0);
      if (wait > 0) {
        await sleep(wait);
        if (closed || res.destroyed) return "gone";
      }
      if (fault) {
        if (fault.reset) return "reset";
        if (fault.status !== undefined) return faultAnswer(fault, route.kind, fault.status);
      }
      try {
        if (route.kind !== "other" && !requestUrl.searchParams.get("api-version")) {
          throw new HttpError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }
        switch (route.kind) {
          case "graph":
            if (badJson) throw new HttpError(400, "BadRequest", "The request body is not valid JSON.");
            return graphAnswer(body);
          case "provider":
            return providerAnswer(route, principal);
          case "bindings":
            return bindingsAnswer(route, principal, requestUrl);
          case "other":
            throw new HttpError(404, "NotFound", `fake-azure does not serve ${method} ${requestUrl.pathname}`);
        }
      } catch (error) {
        if (error instanceof HttpError) {
          return { status: error.status, headers: {}, body: errorBody(error.code, error.message, error.details) };
        }
        throw error;
      }
    };

    const result = await answer();
    if (result === "gone" || closed || res.destroyed) {
      entry.status = 0;
      finish();
      res.destroy();
      return;
    }
    if (result === "reset") {
      entry.status = 0;
      finish();
      req.socket.destroy();
      return;
    }
    result.headers = { ...quotaHeaders, ...result.headers };
    entry.status = result.status;
    if (result.table !== undefined) {
      entry.table = result.table;
      entry.rows = result.page?.length ?? 0;
    }
    page = result.page;
    // Counted before the answer leaves, so a client never sees an answer the stats do not yet show.
    finish();
    send(res, result);
  }

  const fake: FakeAzure = {
    url,
    port,
    ca: certificate.cert,
    get stats() {
      return stats;
    },
    inject(fault: Fault): FaultHandle {
      if (fault.status === undefined && !fault.reset && fault.delayMs === undefined) {
        throw new Error("a fault needs status, reset or delayMs");
      }
      const nth = fault.nth ?? 1;
      const times = fault.times ?? 1;
      if (!(Number.isInteger(nth) && nth >= 1)) throw new Error("fault.nth must be a positive integer");
      if (!(times >= 1)) throw new Error("fault.times must be >= 1");
      const state: FaultState = { fault, nth, times, matched: 0, fired: 0 };
      faults.push(state);
      return {
        get matched() {
          return state.matched;
        },
        get fired() {
          return state.fired;
        },
        get spent() {
          return state.fired >= state.times;
        },
      };
    },
    clearFaults(): void {
      faults = [];
    },
    resetStats(): void {
      stats = emptyStats();
    },
    clientOptions(retryOptions) {
      const options: FakeAzureClientOptions = {
        endpoint: url,
        tlsOptions: { ca: certificate.cert },
        credentials: { scopes: [ARM_SCOPE] },
        credentialScopes: [ARM_SCOPE],
      };
      if (retryOptions) options.retryOptions = retryOptions;
      return options;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const sleeper of [...sleepers]) sleeper.wake();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await stopped;
      await Promise.allSettled([...handlers]);
    },
  };
  return fake;
}

