/**
 * What the functions depend on, as small interfaces: the handlers receive these (factories with
 * dependencies), the composition root wires the real ones, tests pass fakes or local services.
 */
import type { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { OrchestrationRuntimeStatus } from "durable-functions";
import type { CollectResult, CollectScope } from "../../inventory/live/collector.js";
import type { CollectClusterResult } from "../../inventory/live/targeted.js";
import type { ResultsStore } from "../../store/results-store.js";

export type Clock = () => Date;

export type RuntimeStatus = `${OrchestrationRuntimeStatus}`;

export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  createdTime?: Date | string | undefined;
  lastUpdatedTime?: Date | string | undefined;
  output?: unknown;
  customStatus?: unknown;
}

/** The part of the Durable Functions client the app uses. */
export interface AuditClient {
  startNew(orchestrator: string, options: { instanceId: string; input: unknown }): Promise<string>;
  /** Throws for an unknown instance (the extension answers 404), like the real client. */
  getStatus(instanceId: string): Promise<InstanceStatus>;
  getStatusBy(filter: { runtimeStatus: RuntimeStatus[]; createdTimeFrom?: Date }): Promise<InstanceStatus[]>;
  raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void>;
  createCheckStatusResponse(request: HttpRequest | undefined, instanceId: string): HttpResponse;
}

/** Handlers get a client per invocation (the real one is bound to the invocation's context). */
export type ClientFor = (context: InvocationContext) => AuditClient;

export function fromDurableClient(c: DurableClient): AuditClient {
  const status = (s: { instanceId: string; name: string; runtimeStatus: OrchestrationRuntimeStatus; createdTime: Date; lastUpdatedTime: Date; output: unknown; customStatus?: unknown }): InstanceStatus => ({
    instanceId: s.instanceId,
    name: s.name,
    runtimeStatus: s.runtimeStatus,
    createdTime: s.createdTime,
    lastUpdatedTime: s.lastUpdatedTime,
    output: s.output,
    customStatus: s.customStatus,
  });
  return {
    startNew: (name, o) => c.startNew(name, { instanceId: o.instanceId, input: o.input }),
    getStatus: async (id) => status(await c.getStatus(id, { showInput: false })),
    getStatusBy: async (f) =>
      (await c.getStatusBy({ runtimeStatus: f.runtimeStatus.map((s) => s as OrchestrationRuntimeStatus), ...(f.createdTimeFrom ? { createdTimeFrom: f.createdTimeFrom } : {}) })).map(status),
    raiseEvent: (id, name, data) => c.raiseEvent(id, name, data),
    createCheckStatusResponse: (req, id) => c.createCheckStatusResponse(req, id),
  };
}

/** An instance the extension does not know: the real client throws an Error naming HTTP 404. */
export function isUnknownInstance(e: unknown): boolean {
  return e instanceof Error && /\b404\b|not found|no instance/i.test(e.message);
}

/** The instance's status, or undefined when it does not exist. Other failures propagate. */
export async function statusOf(client: AuditClient, instanceId: string): Promise<InstanceStatus | undefined> {
  try {
    return await client.getStatus(instanceId);
  } catch (e) {
    if (isUnknownInstance(e)) return undefined;
    throw e;
  }
}

export const ACTIVE: readonly RuntimeStatus[] = ["Running", "Pending", "ContinuedAsNew", "Suspended"];
export const isActive = (s: InstanceStatus | undefined): boolean => !!s && ACTIVE.includes(s.runtimeStatus);

/** The live inventory: a fleet collection and a targeted one. */
export interface Inventory {
  collectFleet(scope: CollectScope): Promise<CollectResult>;
  collectCluster(clusterId: string, scope: CollectScope): Promise<CollectClusterResult>;
}

/** Where fleet snapshots live between the activities of one run (blob storage). */
export interface SnapshotBlobs {
  put(name: string, json: string): Promise<void>;
  /** The blob's text; throws when it does not exist. */
  get(name: string): Promise<string>;
}

/** The results store, ready (tables created) on first use. */
export type StoreFor = () => Promise<ResultsStore>;
