/**
 * Test support for the Functions app: invocation contexts that capture every log line, an in-memory
 * durable client (the AuditClient interface), and typed access to the replay utilities
 * durable-functions ships (they have no type declarations of their own).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { HttpResponse, InvocationContext, type HttpRequest } from "@azure/functions";
import { BlobServiceClient } from "@azure/storage-blob";
import type { OrchestrationHandler } from "durable-functions";
import { inject } from "vitest";
import type { FunctionsSettings } from "../../src/config/settings.js";
import type { AuditClient, InstanceStatus, Inventory, RuntimeStatus, SnapshotBlobs } from "../../src/functions/shared/ports.js";
import type { CollectResult, CollectScope, Snapshot } from "../../src/inventory/live/collector.js";
import type { CollectClusterResult } from "../../src/inventory/live/targeted.js";
import { blobSnapshots } from "../../src/functions/shared/snapshots.js";

// ---- logs -------------------------------------------------------------------------------------------

export interface LogLine {
  level: string;
  functionName: string;
  text: string;
}

/** Every line any captured context logged, in order (tests read and clear it). */
export const LOGS: LogLine[] = [];

export function context(functionName: string): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: randomBytes(8).toString("hex"),
    logHandler: (level, ...args) => LOGS.push({ level, functionName, text: args.map(String).join(" ") }),
  });
}

/** The structured lines (JSON objects) logged so far. */
export function structured(): Record<string, unknown>[] {
  return LOGS.flatMap((l) => {
    try {
      const v: unknown = JSON.parse(l.text);
      return typeof v === "object" && v !== null ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

// ---- durable client ---------------------------------------------------------------------------------

export interface FakeInstance {
  name: string;
  input: unknown;
  runtimeStatus: RuntimeStatus;
  customStatus?: unknown;
  output?: unknown;
  createdTime: Date;
  events: { name: string; data: unknown }[];
}

/** The extension's answers, in memory. startNew leaves an instance Pending, as the real one does. */
export class FakeDurableClient implements AuditClient {
  readonly instances = new Map<string, FakeInstance>();
  readonly calls = { startNew: 0, getStatus: 0, getStatusBy: 0, raiseEvent: 0 };
  /** host.json overridableExistingInstanceStates = NonRunningStates: starting over an active instance fails. */
  refuseActiveReplace = true;
  /** Delay (ms) inside each call, to let concurrent deliveries interleave. */
  latencyMs = 0;

  private async pause(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.latencyMs));
  }

  async startNew(orchestrator: string, options: { instanceId: string; input: unknown }): Promise<string> {
    this.calls.startNew++;
    await this.pause();
    const prev = this.instances.get(options.instanceId);
    if (prev && this.refuseActiveReplace && ["Running", "Pending", "ContinuedAsNew", "Suspended"].includes(prev.runtimeStatus)) {
      throw new Error(`DurableClient error: Durable Functions extension replied with HTTP 409 response: an active instance with ID '${options.instanceId}' already exists.`);
    }
    this.instances.set(options.instanceId, { name: orchestrator, input: options.input, runtimeStatus: "Pending", createdTime: new Date(), events: [] });
    return options.instanceId;
  }

  async getStatus(instanceId: string): Promise<InstanceStatus> {
    this.calls.getStatus++;
    await this.pause();
    const i = this.instances.get(instanceId);
    if (!i) {
      throw new Error(
        `DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided: ${instanceId}.`,
      );
    }
    return { instanceId, name: i.name, runtimeStatus: i.runtimeStatus, customStatus: i.customStatus, output: i.output, createdTime: i.createdTime, lastUpdatedTime: i.createdTime };
  }

  async getStatusBy(filter: { runtimeStatus: RuntimeStatus[]; createdTimeFrom?: Date }): Promise<InstanceStatus[]> {
    this.calls.getStatusBy++;
    return [...this.instances.entries()]
      .filter(([, i]) => filter.runtimeStatus.includes(i.runtimeStatus) && (!filter.createdTimeFrom || i.createdTime >= filter.createdTimeFrom))
      .map(([instanceId, i]) => ({ instanceId, name: i.name, runtimeStatus: i.runtimeStatus, customStatus: i.customStatus }));
  }

  async raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void> {
    this.calls.raiseEvent++;
    await this.pause();
    const i = this.instances.get(instanceId);
    if (!i) throw new Error(`No instance with ID '${instanceId}' found.`);
    // The extension answers 410 (and the client returns quietly) for a finished instance.
    if (["Running", "Pending", "ContinuedAsNew", "Suspended"].includes(i.runtimeStatus)) i.events.push({ name: eventName, data: eventData });
  }

  createCheckStatusResponse(request: HttpRequest | undefined, instanceId: string): HttpResponse {
    const base = `http://localhost:7071/runtime/webhooks/durabletask/instances/${instanceId}`;
    return new HttpResponse({
      status: 202,
      headers: { location: base, "content-type": "application/json" },
      jsonBody: { id: instanceId, statusQueryGetUri: base, sendEventPostUri: `${base}/raiseEvent/{eventName}`, terminatePostUri: `${base}/terminate`, purgeHistoryDeleteUri: base, requestUrl: request?.url },
    });
  }

  /** Put an instance in a state (what the host would do). */
  set(instanceId: string, runtimeStatus: RuntimeStatus, customStatus?: unknown): void {
    const i = this.instances.get(instanceId);
    if (!i) throw new Error(`no instance ${instanceId}`);
    i.runtimeStatus = runtimeStatus;
    if (customStatus !== undefined) i.customStatus = customStatus;
  }

  add(instanceId: string, name: string, runtimeStatus: RuntimeStatus, input: unknown = {}, customStatus?: unknown): void {
    this.instances.set(instanceId, { name, input, runtimeStatus, customStatus, createdTime: new Date(), events: [] });
  }
}

// ---- replay utilities ---------------------------------------------------------------------------------

interface HistoryEventOptionsCtor {
  new (eventId: number, timestamp: Date, isPlayed?: boolean): Record<string, unknown>;
}
type EventCtor = new (options: Record<string, unknown>) => unknown;

const require = createRequire(import.meta.url);
const lib = (p: string) => require(`durable-functions/lib/src/${p}`) as Record<string, unknown>;
const testing = lib("util/testingUtils") as {
  createOrchestrator(fn: OrchestrationHandler): (trigger: unknown, context: unknown) => Promise<OrchestratorState>;
  DurableOrchestrationInput: new (instanceId: string, history: unknown[], input: unknown) => unknown;
  DummyOrchestrationContext: new (functionName?: string, invocationId?: string, logHandler?: (level: string, ...args: unknown[]) => void) => unknown;
};
const Options = lib("history/HistoryEventOptions")["HistoryEventOptions"] as HistoryEventOptionsCtor;
const ev = (file: string): EventCtor => lib(`history/${file}`)[file] as EventCtor;

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  fireAt?: Date;
  externalEventName?: string;
  retryOptions?: { firstRetryIntervalInMilliseconds: number; maxNumberOfAttempts: number };
}

export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output: unknown;
  error?: string;
  customStatus?: unknown;
}

/** Action types (durable-functions ActionType). */
export const ACTION = { CallActivity: 0, CallActivityWithRetry: 1, CallSubOrchestrator: 2, ContinueAsNew: 4, CreateTimer: 5, WaitForExternalEvent: 6 } as const;

/** A history being written: each helper appends an event with the next event id. */
export class History {
  readonly events: unknown[] = [];
  private nextEventId = 0;

  private opts(at: Date, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const o = new Options(this.nextEventId++, at);
    return Object.assign(o, extra);
  }

  /** OrchestratorStarted (an episode begins at `at`: context.df.currentUtcDateTime). */
  episode(at: Date): this {
    this.events.push(new (ev("OrchestratorStartedEvent"))(this.opts(at)));
    return this;
  }

  started(name: string, input: unknown, at: Date): this {
    this.events.push(new (ev("ExecutionStartedEvent"))(this.opts(at, { name, input: JSON.stringify(input) })));
    return this;
  }

  scheduled(name: string, at: Date): this {
    this.events.push(new (ev("TaskScheduledEvent"))(this.opts(at, { name })));
    return this;
  }

  completed(taskScheduledId: number, result: unknown, at: Date): this {
    this.events.push(new (ev("TaskCompletedEvent"))(this.opts(at, { taskScheduledId, result: JSON.stringify(result) })));
    return this;
  }

  failed(taskScheduledId: number, reason: string, at: Date): this {
    this.events.push(new (ev("TaskFailedEvent"))(this.opts(at, { taskScheduledId, reason, details: `${reason} (details)` })));
    return this;
  }

  timerFired(timerId: number, fireAt: Date, at: Date): this {
    this.events.push(new (ev("TimerFiredEvent"))(this.opts(at, { timerId, fireAt: fireAt.toISOString() })));
    return this;
  }

  subCompleted(taskScheduledId: number, result: unknown, at: Date): this {
    this.events.push(new (ev("SubOrchestrationInstanceCompletedEvent"))(this.opts(at, { taskScheduledId, result: JSON.stringify(result) })));
    return this;
  }

  raised(name: string, input: unknown, at: Date): this {
    this.events.push(new (ev("EventRaisedEvent"))(this.opts(at, { name, input: JSON.stringify(input) })));
    return this;
  }
}

/** Run an orchestrator over a history, as the host would for one episode: history in, actions out. */
export async function replay(orchestrator: OrchestrationHandler, o: { instanceId: string; input: unknown; history: History; logs?: LogLine[] }): Promise<OrchestratorState> {
  const run = testing.createOrchestrator(orchestrator);
  const trigger = new testing.DurableOrchestrationInput(o.instanceId, o.history.events, o.input);
  const ctx = new testing.DummyOrchestrationContext("orchestrator", randomBytes(8).toString("hex"), (level, ...args) => {
    const line = { level, functionName: "orchestrator", text: args.map(String).join(" ") };
    LOGS.push(line);
    o.logs?.push(line);
  });
  return run(trigger, ctx);
}

/** An action's input as an object (durable-functions keeps objects as they are and JSON-encodes strings). */
export function inputOf(value: unknown): unknown {
  return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
}

/** The leaf actions of a state, flattened (the V1 replay schema groups them per yield). */
export function actions(state: OrchestratorState): Action[] {
  return state.actions.flat();
}

// ---- storage and settings ---------------------------------------------------------------------------------

/** Blobs on the shared Azurite blob service, in a container of their own. */
export function freshBlobs(): SnapshotBlobs {
  const svc = BlobServiceClient.fromConnectionString(inject("blobConnectionString"));
  return blobSnapshots(svc.getContainerClient(`t${randomBytes(6).toString("hex")}`));
}

export const SUB_1 = "11111111-1111-1111-1111-111111111111";
export const SUB_2 = "22222222-2222-2222-2222-222222222222";

export function settings(over: Partial<FunctionsSettings> = {}): FunctionsSettings {
  return {
    tablesConnectionString: undefined,
    tablesEndpoint: "https://example.table.core.windows.net",
    tablePrefix: "aksbackup",
    cloud: "public",
    armEndpoint: undefined,
    armAudience: undefined,
    subscriptions: [SUB_1, SUB_2],
    managementGroups: [],
    auditSchedule: "0 0 5 * * *",
    debounceSeconds: 120,
    chunkSize: 300,
    collectBatch: 50,
    targetedLimit: 50,
    blobConnectionString: undefined,
    blobEndpoint: "https://example.blob.core.windows.net",
    ...over,
  };
}

// ---- a small host: drive an orchestration to its end with real activities -------------------------------

export type ActivityFn = (input: unknown, ctx: InvocationContext) => Promise<unknown>;

export interface DriveOptions {
  instanceId: string;
  input: unknown;
  name: string;
  orchestrators: Record<string, OrchestrationHandler>;
  activities: Record<string, ActivityFn>;
  /** The clock of the run; advanced one second per episode. */
  start: Date;
}

export interface DriveResult {
  output: unknown;
  episodes: number;
  /** Every activity attempt, in order. */
  calls: { name: string; input: unknown; ok: boolean }[];
  /** Sub-orchestrations driven (instance id → result). */
  subs: Map<string, DriveResult>;
}

/**
 * What the Durable Functions host does, for tests: replay the orchestrator, run what it scheduled (one
 * completion per episode, so task ids follow the executor's own numbering — retry timers and re-runs
 * included), append the results to the history, repeat. Timers fire at once. Sub-orchestrations are
 * driven the same way.
 */
export async function drive(o: DriveOptions): Promise<DriveResult> {
  const orchestrator = o.orchestrators[o.name];
  if (!orchestrator) throw new Error(`no orchestrator ${o.name}`);
  let now = o.start.getTime();
  const tick = () => new Date((now += 1000));
  const h = new History().episode(new Date(now)).started(o.name, o.input, new Date(now));
  const result: DriveResult = { output: undefined, episodes: 0, calls: [], subs: new Map() };
  type Item = { id: number; action: Action; attempt: number; timerFor?: Item | undefined };
  const queue: Item[] = [];
  let seen = 0;
  let nextId = 0;
  for (let episode = 0; episode < 10_000; episode++) {
    const state = await replay(orchestrator, { instanceId: o.instanceId, input: o.input, history: h });
    result.episodes++;
    if (state.isDone) {
      result.output = state.output;
      return result;
    }
    const all = actions(state);
    for (const a of all.slice(seen)) {
      if (a.actionType === ACTION.WaitForExternalEvent || a.actionType === ACTION.ContinueAsNew) continue;
      queue.push({ id: nextId++, action: a, attempt: 1 });
    }
    seen = all.length;
    const item = queue.shift();
    if (!item) throw new Error("the orchestration waits for nothing this host can give");
    const at = tick();
    h.episode(at);
    const a = item.action;
    if (item.timerFor) {
      // A retry timer fired: the executor reschedules the activity if attempts remain.
      h.timerFired(item.id, at, at);
      const task = item.timerFor;
      const max = task.action.retryOptions?.maxNumberOfAttempts ?? 1;
      if (task.attempt < max) queue.unshift({ id: nextId++, action: task.action, attempt: task.attempt + 1 });
      continue;
    }
    if (a.actionType === ACTION.CreateTimer) {
      h.timerFired(item.id, new Date(a.fireAt ?? at), at);
    } else if (a.actionType === ACTION.CallActivity || a.actionType === ACTION.CallActivityWithRetry) {
      const fn = o.activities[a.functionName ?? ""];
      if (!fn) throw new Error(`no activity ${a.functionName}`);
      const input = inputOf(a.input);
      try {
        const r = await fn(input, context(a.functionName ?? "activity"));
        result.calls.push({ name: a.functionName ?? "", input, ok: true });
        h.completed(item.id, r ?? null, at);
      } catch (e) {
        result.calls.push({ name: a.functionName ?? "", input, ok: false });
        h.failed(item.id, String((e as Error).message ?? e), at);
        if (a.actionType === ACTION.CallActivityWithRetry) queue.unshift({ id: nextId++, action: a, attempt: item.attempt, timerFor: item });
      }
    } else if (a.actionType === ACTION.CallSubOrchestrator) {
      const sub = await drive({ ...o, name: a.functionName ?? "", instanceId: a.instanceId ?? `${o.instanceId}:sub${item.id}`, input: inputOf(a.input), start: at });
      result.subs.set(a.instanceId ?? "", sub);
      result.calls.push(...sub.calls);
      h.subCompleted(item.id, sub.output ?? null, at);
    } else {
      throw new Error(`this host cannot run action type ${a.actionType}`);
    }
  }
  throw new Error("too many episodes");
}

// ---- the sample fleet -----------------------------------------------------------------------------------------


export function sampleSnapshot(): Snapshot {
  const s = JSON.parse(readFileSync(new URL("../../examples/sample-fleet.json", import.meta.url), "utf8")) as Snapshot;
  return { ...s, errors: s.errors ?? [] };
}

export const SAMPLE_SUBS = sampleSnapshot().scope.subscriptions;

export function clusterIdsOf(s: Snapshot): string[] {
  return s.resources.filter((r) => String(r["type"]).toLowerCase() === "microsoft.containerservice/managedclusters").map((r) => String(r["id"]));
}

const METRICS = { graphRequests: 0, graphRetries: 0, armCalls: 0, armRetries: 0, throttleWaitMs: 0, clusters: 0, rows: 0, durationMs: 0 };

/** The subscription of an ARM id (lower case), if it has one. */
export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
}

/**
 * An inventory that answers from a snapshot (the live collectors are tested against the loopback Azure).
 * Asked for some of the snapshot's subscriptions, it answers what Resource Graph would: the resources
 * of those subscriptions, plus those of no subscription in the snapshot's scope (management-group
 * assignments, definitions, other subscriptions' objects — the same in every batch).
 */
export class SnapshotInventory implements Inventory {
  fleetCalls = 0;
  /** The scope of every collectFleet call, in order. */
  fleetScopes: CollectScope[] = [];
  clusterCalls: string[] = [];
  /** What collectCluster says about a cluster (default: found, with the whole snapshot). */
  clusterOutcome: (clusterId: string) => CollectClusterResult["cluster"] = () => "found";
  /** Make a collection fail (throw), e.g. for one batch of subscriptions. */
  fleetFails: (scope: CollectScope) => boolean = () => false;

  constructor(public snapshot: Snapshot) {}

  async collectFleet(scope: CollectScope = {}): Promise<CollectResult> {
    this.fleetCalls++;
    this.fleetScopes.push(scope);
    if (this.fleetFails(scope)) throw new Error("Resource Graph answered 503 for this batch");
    const snapshot = structuredClone(this.snapshot);
    const asked = scope.subscriptions;
    if (asked?.length) {
      const want = new Set(asked.map((x) => x.toLowerCase()));
      const known = new Set(snapshot.scope.subscriptions.map((x) => x.toLowerCase()));
      snapshot.resources = snapshot.resources.filter((r) => {
        const sub = subscriptionOf(String(r["id"]));
        return sub === undefined || !known.has(sub) || want.has(sub);
      });
      snapshot.scope = { ...snapshot.scope, subscriptions: [...asked] };
    }
    return { snapshot, metrics: { ...METRICS, throttleWaitMs: 1234, clusters: clusterIdsOf(snapshot).length } };
  }

  async collectCluster(clusterId: string): Promise<CollectClusterResult> {
    this.clusterCalls.push(clusterId);
    const outcome = this.clusterOutcome(clusterId);
    const snapshot = structuredClone(this.snapshot);
    if (outcome !== "found") snapshot.resources = snapshot.resources.filter((r) => String(r["id"]).toLowerCase() !== clusterId.toLowerCase());
    if (outcome === "failed") snapshot.errors = [{ kind: "clusters", message: "Resource Graph query failed after retries: failed (HTTP 503): unavailable" }];
    return { cluster: outcome, snapshot, metrics: { ...METRICS, throttleWaitMs: 10 } };
  }
}
