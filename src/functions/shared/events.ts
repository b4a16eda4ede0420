/**
 * Azure Resource Manager events (the Azure subscription system topic, Event Grid schema — CloudEvents
 * accepted too) → what they can change. An event is a notification, not the truth: it only says which
 * clusters to re-read and re-audit (the targeted collection reads Azure again).
 *
 * The allow-list below is the one source of what the app listens to: the Event Grid subscription's
 * filters (infra) are built from — and tested against — EVENT_TYPES and EVENT_OPERATION_NAMES. Anything
 * else is dropped here before any I/O. Pure: no I/O.
 */
import { z } from "zod";
import { idKey } from "../../model/arm-id.js";

export const EVENT_TYPES = ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Resources.ResourceActionSuccess"] as const;

/**
 * How a change reaches clusters:
 * - cluster: the resource is a cluster;
 * - underCluster: it lives under a cluster id (agent pool, trusted-access binding, cluster extension);
 * - assignmentScope: a role assignment — clusters whose related scopes lie under its scope (stored index);
 * - relatedScope: clusters whose related scopes lie under the resource (storage account, vault, backup
 *   instance, resource group — from the stored index);
 * - subscription: every cluster of the event's subscription (provider registration).
 */
export type Route = "cluster" | "underCluster" | "assignmentScope" | "relatedScope" | "subscription";

export interface WatchedResource {
  /** Resource type (or provider namespace) as ARM spells it in operation names. */
  type: string;
  /** Operations, appended to `type` to make the ARM operation name. */
  operations: readonly string[];
  route: Route;
}

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  // Start/stop change AKSBK-005 (cluster running); the frequent listClusterUserCredential/action is not here.
  { type: "Microsoft.ContainerService/managedClusters", operations: ["write", "delete", "start/action", "stop/action"], route: "cluster" },
  { type: "Microsoft.ContainerService/managedClusters/agentPools", operations: ["write", "delete"], route: "underCluster" },
  { type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings", operations: ["write", "delete"], route: "underCluster" },
  { type: "Microsoft.KubernetesConfiguration/extensions", operations: ["write", "delete"], route: "underCluster" },
  { type: "Microsoft.Authorization/roleAssignments", operations: ["write", "delete"], route: "assignmentScope" },
  { type: "Microsoft.Storage/storageAccounts", operations: ["write", "delete"], route: "relatedScope" },
  { type: "Microsoft.DataProtection/backupVaults", operations: ["write", "delete"], route: "relatedScope" },
  { type: "Microsoft.DataProtection/backupVaults/backupInstances", operations: ["write", "delete"], route: "relatedScope" },
  { type: "Microsoft.Resources/subscriptions/resourceGroups", operations: ["write", "delete"], route: "relatedScope" },
  { type: "Microsoft.KubernetesConfiguration", operations: ["register/action", "unregister/action"], route: "subscription" },
];

/** Every ARM operation name the handler acts on (for the Event Grid subscription's advanced filter). */
export const EVENT_OPERATION_NAMES: readonly string[] = WATCHED_RESOURCES.flatMap((w) => w.operations.map((op) => `${w.type}/${op}`));

const WATCHED_BY_TYPE = new Map(WATCHED_RESOURCES.map((w) => [w.type.toLowerCase(), w]));
const OPERATIONS = new Set(EVENT_OPERATION_NAMES.map((o) => o.toLowerCase()));

const ARM_ID = /^\/(subscriptions|providers)\/[^/]+/i;

/** The fields the handler reads; everything else (claims, authorization, httpRequest…) is Azure's and never logged. */
const eventGridSchema = z.looseObject({
  id: z.string().min(1).max(1024),
  eventType: z.string().min(1).max(256),
  subject: z.string().min(1).max(4096),
  eventTime: z.string().refine((t) => !Number.isNaN(Date.parse(t)), "must be a date-time"),
  data: z
    .looseObject({
      resourceUri: z.string().max(4096).optional(),
      operationName: z.string().max(512).optional(),
      subscriptionId: z.string().max(128).optional(),
    })
    .optional(),
});

const cloudEventSchema = z.looseObject({
  specversion: z.string(),
  id: z.string().min(1).max(1024),
  type: z.string().min(1).max(256),
  subject: z.string().min(1).max(4096),
  time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), "must be a date-time"),
  data: eventGridSchema.shape.data,
});

export interface ResourceEvent {
  id: string;
  eventType: string;
  eventTime: Date;
  /** The resource the operation was on (data.resourceUri, else subject). */
  resourceId: string;
  operationName: string | undefined;
}

export type ParsedEvent = { ok: true; event: ResourceEvent } | { ok: false; problems: string[] };

export function parseEvent(raw: unknown): ParsedEvent {
  let fields: { id: string; eventType: string; eventTime: string; subject: string; data?: z.infer<typeof eventGridSchema>["data"] };
  if (typeof raw === "object" && raw !== null && "specversion" in raw) {
    const r = cloudEventSchema.safeParse(raw);
    if (!r.success) return { ok: false, problems: issues(r.error) };
    fields = { id: r.data.id, eventType: r.data.type, eventTime: r.data.time, subject: r.data.subject, data: r.data.data };
  } else {
    const r = eventGridSchema.safeParse(raw);
    if (!r.success) return { ok: false, problems: issues(r.error) };
    fields = r.data;
  }
  const resourceId = fields.data?.resourceUri?.trim() || fields.subject.trim();
  if (!ARM_ID.test(resourceId)) return { ok: false, problems: [`data.resourceUri / subject: not an Azure resource id`] };
  return { ok: true, event: { id: fields.id, eventType: fields.eventType, eventTime: new Date(fields.eventTime), resourceId, operationName: fields.data?.operationName } };
}

function issues(e: z.ZodError): string[] {
  return e.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`);
}

/** The resource type of an ARM id (lower-cased): `microsoft.storage/storageaccounts`, `microsoft.resources/subscriptions/resourcegroups`, or a bare namespace for a provider registration. */
export function resourceTypeOf(id: string): string | undefined {
  const segs = idKey(id).split("/").filter(Boolean);
  const p = segs.lastIndexOf("providers");
  if (p < 0) {
    if (segs[0] === "subscriptions" && segs.length === 2) return "microsoft.resources/subscriptions";
    if (segs[0] === "subscriptions" && segs[2] === "resourcegroups" && segs.length === 4) return "microsoft.resources/subscriptions/resourcegroups";
    return undefined;
  }
  const ns = segs[p + 1];
  if (!ns) return undefined;
  const rest = segs.slice(p + 2);
  if (rest.length % 2 !== 0) return undefined;
  return [ns, ...rest.filter((_, i) => i % 2 === 0)].join("/");
}

/** The id of the cluster an id lies under (itself included), in the input's casing; undefined if none. */
export function clusterIdUnder(id: string): string | undefined {
  const raw = id.split("/").filter(Boolean);
  const lower = raw.map((s) => s.toLowerCase());
  for (let i = 0; i + 2 < lower.length; i++) {
    if (lower[i] === "providers" && lower[i + 1] === "microsoft.containerservice" && lower[i + 2] === "managedclusters" && raw[i + 3]) {
      return "/" + raw.slice(0, i + 4).join("/");
    }
  }
  return undefined;
}

const ASSIGNMENT_MARKER = "/providers/microsoft.authorization/roleassignments/";

export type EventTarget =
  | { kind: "ignored"; reason: string }
  /** Re-audit this cluster (or tombstone it when `deleted`). */
  | { kind: "cluster"; clusterId: string; deleted: boolean }
  /** Re-audit the clusters whose related scopes lie under `scope` (`fallback` when none does). */
  | { kind: "scope"; scope: string; fallback?: string | undefined }
  /** Too wide to map: a fleet audit (of these subscriptions; of the configured scope when empty). */
  | { kind: "fleet"; subscriptions: string[]; reason: string };

export function classify(e: ResourceEvent): EventTarget {
  if (!(EVENT_TYPES as readonly string[]).includes(e.eventType)) return { kind: "ignored", reason: `event type ${e.eventType}` };
  const type = resourceTypeOf(e.resourceId);
  const watched = type ? WATCHED_BY_TYPE.get(type) : undefined;
  if (!type || !watched) return { kind: "ignored", reason: `resource type ${type ?? "(none)"}` };
  // The operation: as Azure names it, else (no operationName) from the event type; an action must be named.
  let op = e.operationName?.toLowerCase();
  if (!op) {
    if (e.eventType.endsWith("WriteSuccess")) op = `${type}/write`;
    else if (e.eventType.endsWith("DeleteSuccess")) op = `${type}/delete`;
    else return { kind: "ignored", reason: "an action without an operation name" };
  }
  if (!OPERATIONS.has(op) || !op.startsWith(`${type}/`)) return { kind: "ignored", reason: `operation ${op}` };
  const deleted = op.endsWith("/delete");
  switch (watched.route) {
    case "cluster": {
      const clusterId = clusterIdUnder(e.resourceId);
      return clusterId ? { kind: "cluster", clusterId, deleted } : { kind: "ignored", reason: "not a cluster id" };
    }
    case "underCluster": {
      const clusterId = clusterIdUnder(e.resourceId);
      // An extension on a connected (Arc) cluster or elsewhere: not ours.
      return clusterId ? { kind: "cluster", clusterId, deleted: false } : { kind: "ignored", reason: "not under an AKS cluster" };
    }
    case "assignmentScope": {
      const key = idKey(e.resourceId);
      const at = key.lastIndexOf(ASSIGNMENT_MARKER);
      const scopeKey = at <= 0 ? "/" : key.slice(0, at);
      if (!scopeKey.startsWith("/subscriptions/")) return { kind: "fleet", subscriptions: [], reason: `role assignment at ${scopeKey === "/" ? "the root scope" : "a management group"}` };
      return { kind: "scope", scope: scopeKey };
    }
    case "relatedScope": {
      if (type === "microsoft.dataprotection/backupvaults/backupinstances") {
        // A new backup instance is in no cluster's related scopes yet: fall back to its vault's clusters.
        const vault = e.resourceId.replace(/\/+$/, "").split("/").slice(0, -2).join("/");
        return { kind: "scope", scope: e.resourceId, fallback: vault };
      }
      return { kind: "scope", scope: e.resourceId };
    }
    case "subscription": {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(e.resourceId)?.[1];
      return sub ? { kind: "fleet", subscriptions: [sub], reason: `provider registration change in subscription ${sub}` } : { kind: "ignored", reason: "no subscription" };
    }
  }
}
