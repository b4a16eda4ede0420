/**
 * The Event Grid trigger: events in the real shapes Azure sends (Microsoft's published examples from
 * shared/azure-examples/event-grid, and the same envelope around the resources we watch) → the right
 * clusters. Pure mapping first, then the handler with a real InvocationContext, the store on Azurite
 * (its scope index filled by a real audit of the sample fleet) and the in-memory durable client.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateFleet } from "../../src/checks/evaluate.js";
import { CLUSTER_REAUDIT_ORCHESTRATOR } from "../../src/functions/clusterReauditOrchestrator.js";
import { FLEET_AUDIT_ORCHESTRATOR, type FleetAuditInput } from "../../src/functions/fleetAuditOrchestrator.js";
import { createResourceEventHandler, RESOURCE_EVENTS_FUNCTION, type EventOutcome } from "../../src/functions/resourceEvents.js";
import { classify, clusterIdUnder, EVENT_OPERATION_NAMES, EVENT_TYPES, parseEvent, resourceTypeOf, WATCHED_RESOURCES, type EventTarget } from "../../src/functions/shared/events.js";
import { reauditInstanceId } from "../../src/functions/shared/start.js";
import { mergeSnapshots, parseSnapshotDocument } from "../../src/inventory/snapshot.js";
import { idKey } from "../../src/model/arm-id.js";
import { Fleet, INDEXED_TYPES } from "../../src/model/fleet.js";
import type { ResultsStore } from "../../src/store/results-store.js";
import { freshStore } from "../store/store-fixture.js";
import { context, FakeDurableClient, LOGS, sampleSnapshot, settings, structured } from "./support.js";

const EXAMPLES = new URL("../../../shared/azure-examples/event-grid/", import.meta.url);
const example = (name: string): Record<string, unknown> => (JSON.parse(readFileSync(new URL(`${name}.json`, EXAMPLES), "utf8")) as Record<string, unknown>[])[0] ?? {};

let seq = 0;
/** The ResourceWriteSuccess example's envelope around another resource and operation. */
function event(kind: "Write" | "Delete" | "Action", resourceUri: string, operationName: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const base = example(`Resource${kind}Success`);
  const data = { ...(base["data"] as Record<string, unknown>), resourceUri, operationName, authorization: { scope: resourceUri, action: operationName } };
  return { ...base, id: `evt-${++seq}-${Date.now()}`, subject: resourceUri, eventTime: "2026-11-23T07:00:00.000Z", data, ...over };
}

const SUB = "3f6b2d84-9a1c-4e57-b0d2-6c8e1a5f7b49";
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-aks-prod-weu/providers/Microsoft.ContainerService/managedClusters/aks-payments-prod`;

describe("mapping an event to what it can change (pure)", () => {
  const target = (raw: unknown): EventTarget | "malformed" => {
    const p = parseEvent(raw);
    return p.ok ? classify(p.event) : "malformed";
  };

  it("Microsoft's ResourceWriteSuccess example (a storage account write) → the clusters related to that account", () => {
    const raw = example("ResourceWriteSuccess");
    expect(target(raw)).toEqual({ kind: "scope", scope: "/subscriptions/{subscription-id}/resourcegroups/{resource-group}/providers/Microsoft.Storage/storageAccounts/{storage-name}" });
  });

  it("Microsoft's ResourceDeleteSuccess example (a storage account delete) → the clusters that used it", () => {
    expect(target(example("ResourceDeleteSuccess"))).toMatchObject({ kind: "scope", scope: expect.stringMatching(/storageAccounts\/\{storage-name\}$/) as string });
  });

  it("Microsoft's ResourceActionSuccess example (Event Hubs listKeys) is dropped as irrelevant", () => {
    expect(target(example("ResourceActionSuccess"))).toEqual({ kind: "ignored", reason: "resource type microsoft.eventhub/namespaces/authorizationrules" });
  });

  it.each([
    ["a cluster write", event("Write", CLUSTER, "Microsoft.ContainerService/managedClusters/write"), { kind: "cluster", clusterId: CLUSTER, deleted: false }],
    ["a cluster delete", event("Delete", CLUSTER, "Microsoft.ContainerService/managedClusters/delete"), { kind: "cluster", clusterId: CLUSTER, deleted: true }],
    ["a cluster stop", event("Action", CLUSTER, "Microsoft.ContainerService/managedClusters/stop/action"), { kind: "cluster", clusterId: CLUSTER, deleted: false }],
    [
      "an extension write under a cluster",
      event("Write", `${CLUSTER}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup`, "Microsoft.KubernetesConfiguration/extensions/write"),
      { kind: "cluster", clusterId: CLUSTER, deleted: false },
    ],
    [
      "an extension delete under a cluster (re-audit, not tombstone)",
      event("Delete", `${CLUSTER}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup`, "Microsoft.KubernetesConfiguration/extensions/delete"),
      { kind: "cluster", clusterId: CLUSTER, deleted: false },
    ],
    [
      "a trusted-access binding",
      event("Write", `${CLUSTER}/trustedAccessRoleBindings/tarb-1`, "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/write"),
      { kind: "cluster", clusterId: CLUSTER, deleted: false },
    ],
    ["an agent pool", event("Write", `${CLUSTER}/agentPools/nodepool1`, "Microsoft.ContainerService/managedClusters/agentPools/write"), { kind: "cluster", clusterId: CLUSTER, deleted: false }],
    [
      "a role assignment in a snapshot resource group",
      event("Write", `/subscriptions/${SUB}/resourceGroups/rg-aks-snapshots/providers/Microsoft.Authorization/roleAssignments/5a1b`, "Microsoft.Authorization/roleAssignments/write"),
      { kind: "scope", scope: `/subscriptions/${SUB}/resourcegroups/rg-aks-snapshots` },
    ],
    [
      "a role assignment on a cluster",
      event("Delete", `${CLUSTER}/providers/Microsoft.Authorization/roleAssignments/5a1b`, "Microsoft.Authorization/roleAssignments/delete"),
      { kind: "scope", scope: idKey(CLUSTER) },
    ],
    [
      "a role assignment at a management group",
      event("Write", "/providers/Microsoft.Management/managementGroups/mg-platform/providers/Microsoft.Authorization/roleAssignments/5a1b", "Microsoft.Authorization/roleAssignments/write"),
      { kind: "fleet", subscriptions: [], reason: "role assignment at a management group" },
    ],
    ["a role assignment at the root", event("Write", "/providers/Microsoft.Authorization/roleAssignments/5a1b", "Microsoft.Authorization/roleAssignments/write"), { kind: "fleet", subscriptions: [], reason: "role assignment at the root scope" }],
    [
      "a backup instance (falls back to its vault's clusters when it is new)",
      event("Write", `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1/backupInstances/bi-1`, "Microsoft.DataProtection/backupVaults/backupInstances/write"),
      { kind: "scope", scope: `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1/backupInstances/bi-1`, fallback: `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1` },
    ],
    ["a backup vault", event("Write", `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1`, "Microsoft.DataProtection/backupVaults/write"), { kind: "scope", scope: `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1` }],
    ["a resource group", event("Delete", `/subscriptions/${SUB}/resourceGroups/rg-old`, "Microsoft.Resources/subscriptions/resourceGroups/delete"), { kind: "scope", scope: `/subscriptions/${SUB}/resourceGroups/rg-old` }],
    [
      "the provider registration",
      event("Action", `/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration`, "Microsoft.KubernetesConfiguration/register/action"),
      { kind: "fleet", subscriptions: [SUB], reason: `provider registration change in subscription ${SUB}` },
    ],
    ["kubectl credentials (the frequent action)", event("Action", CLUSTER, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"), { kind: "ignored", reason: "operation microsoft.containerservice/managedclusters/listclusterusercredential/action" }],
    ["storage listKeys", event("Action", `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1`, "Microsoft.Storage/storageAccounts/listKeys/action"), { kind: "ignored", reason: "operation microsoft.storage/storageaccounts/listkeys/action" }],
    [
      "an extension on an Arc cluster",
      event("Write", `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc-1/providers/Microsoft.KubernetesConfiguration/extensions/e`, "Microsoft.KubernetesConfiguration/extensions/write"),
      { kind: "ignored", reason: "not under an AKS cluster" },
    ],
    ["a virtual machine", event("Write", `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`, "Microsoft.Compute/virtualMachines/write"), { kind: "ignored", reason: "resource type microsoft.compute/virtualmachines" }],
    ["a failed write", event("Write", CLUSTER, "Microsoft.ContainerService/managedClusters/write", { eventType: "Microsoft.Resources.ResourceWriteFailure" }), { kind: "ignored", reason: "event type Microsoft.Resources.ResourceWriteFailure" }],
  ])("%s", (_name, raw, expected) => {
    expect(target(raw)).toEqual(expected);
  });

  it("takes the resource from data.resourceUri, else from subject, and the operation from the event type when data names none", () => {
    const raw = event("Write", CLUSTER, "x");
    delete (raw["data"] as Record<string, unknown>)["resourceUri"];
    delete (raw["data"] as Record<string, unknown>)["operationName"];
    expect(target(raw)).toEqual({ kind: "cluster", clusterId: CLUSTER, deleted: false });
  });

  it("accepts the CloudEvents schema too", () => {
    const cloud = { specversion: "1.0", id: "ce-1", type: "Microsoft.Resources.ResourceDeleteSuccess", source: `/subscriptions/${SUB}`, subject: CLUSTER, time: "2026-11-23T07:00:00Z", data: { resourceUri: CLUSTER, operationName: "Microsoft.ContainerService/managedClusters/delete" } };
    expect(target(cloud)).toEqual({ kind: "cluster", clusterId: CLUSTER, deleted: true });
  });

  it.each([
    ["no id", { ...example("ResourceWriteSuccess"), id: undefined }],
    ["a bad time", { ...example("ResourceWriteSuccess"), eventTime: "yesterday" }],
    ["a subject that is not a resource id", { ...example("ResourceWriteSuccess"), subject: "hello", data: {} }],
    ["not an object", "just a string"],
    ["null", null],
  ])("marks an event with %s as malformed", (_n, raw) => {
    expect(target(raw)).toBe("malformed");
  });

  it("reads types and cluster ids by whole segments", () => {
    expect(resourceTypeOf(`/subscriptions/${SUB}/resourceGroups/rg`)).toBe("microsoft.resources/subscriptions/resourcegroups");
    expect(resourceTypeOf(`${CLUSTER}/providers/Microsoft.KubernetesConfiguration/extensions/x`)).toBe("microsoft.kubernetesconfiguration/extensions");
    expect(resourceTypeOf(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration`)).toBe("microsoft.kubernetesconfiguration");
    expect(clusterIdUnder(`${CLUSTER}/agentPools/np1`)).toBe(CLUSTER);
    expect(clusterIdUnder(`/subscriptions/${SUB}/resourceGroups/managedClusters/providers/Microsoft.Storage/storageAccounts/x`)).toBeUndefined();
  });

  it("exports an allow-list an Event Grid subscription can filter on (at most 25 operation names per StringIn filter)", () => {
    expect(EVENT_TYPES).toEqual(["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Resources.ResourceActionSuccess"]);
    expect(EVENT_OPERATION_NAMES.length).toBeLessThanOrEqual(25);
    expect(new Set(EVENT_OPERATION_NAMES.map((o) => o.toLowerCase())).size).toBe(EVENT_OPERATION_NAMES.length);
    // Every listed operation is acted on; nothing outside the list is.
    for (const op of EVENT_OPERATION_NAMES) {
      const w = WATCHED_RESOURCES.find((x) => op.startsWith(`${x.type}/`) && x.operations.some((o) => `${x.type}/${o}` === op));
      expect(w, op).toBeDefined();
    }
  });
});

describe("the Event Grid handler", () => {
  let store: ResultsStore;
  /** Sample-fleet clusters by what they relate to. */
  const related = new Map<string, string[]>();

  beforeAll(async () => {
    store = await freshStore();
    const snap = sampleSnapshot();
    const fleet = new Fleet(mergeSnapshots([parseSnapshotDocument(snap, "sample")], { onlyTypes: INDEXED_TYPES }));
    const report = evaluateFleet(fleet, { related, generatedAt: new Date(snap.collectedAt) });
    await store.persist({ report, runId: "seed", trigger: "test", observedAt: new Date(snap.collectedAt), completeSubscriptions: [], startedAt: new Date(), scope: "test", relatedScopes: related });
  });

  /** Clusters whose related scopes include one with this pattern. */
  const clustersRelatedTo = (re: RegExp) => [...related.entries()].filter(([, scopes]) => scopes.some((s) => re.test(s))).map(([id]) => id);

  function handler(client = new FakeDurableClient(), over: Parameters<typeof settings>[0] = {}) {
    const h = createResourceEventHandler({ client: () => client, store: async () => store, settings: settings(over), clock: () => new Date("2026-11-23T07:00:10.000Z") });
    return { client, run: (raw: unknown) => h(raw, context(RESOURCE_EVENTS_FUNCTION)) };
  }

  const started = (c: FakeDurableClient) => [...c.instances.entries()].filter(([, i]) => i.name === CLUSTER_REAUDIT_ORCHESTRATOR).map(([, i]) => (i.input as { clusterId: string }).clusterId.toLowerCase()).sort();

  it("Microsoft's three examples: nothing of ours matches them, nothing is started, nothing throws", async () => {
    const { client, run } = handler();
    const outcomes: EventOutcome[] = [];
    for (const n of ["ResourceWriteSuccess", "ResourceDeleteSuccess", "ResourceActionSuccess"]) outcomes.push(await run({ ...example(n), id: `${n}-${Date.now()}` }));
    expect(outcomes.map((o) => o.kind)).toEqual(["no-clusters", "no-clusters", "ignored"]);
    expect(client.calls.startNew).toBe(0);
  });

  it("a write to a storage account a cluster's backup uses → a re-audit of exactly the clusters that use it", async () => {
    const storage = [...new Set([...related.values()].flat().filter((s) => s.includes("/microsoft.storage/storageaccounts/")))][0] ?? "";
    const expected = clustersRelatedTo(new RegExp(`^${storage.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)).map((x) => x.toLowerCase()).sort();
    expect(expected.length).toBeGreaterThan(0);
    const { client, run } = handler();
    const out = await run(event("Write", storage, "Microsoft.Storage/storageAccounts/write"));
    expect(out.kind).toBe("reaudit");
    expect(started(client)).toEqual(expected);
    const input = [...client.instances.values()][0]?.input as { debounceSeconds: number; firstEventAt: string; round: number };
    expect(input).toMatchObject({ debounceSeconds: 120, firstEventAt: "2026-11-23T07:00:00.000Z", round: 0 });
  });

  it("a role assignment written in a snapshot resource group → the clusters that snapshot there", async () => {
    const all = [...related.values()].flat();
    const rg = all.find((s) => /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(s)) ?? "";
    const expected = [...related.entries()].filter(([, sc]) => sc.some((s) => s === rg || s.startsWith(`${rg}/`))).map(([id]) => id.toLowerCase()).sort();
    expect(expected.length).toBeGreaterThan(0);
    const { client, run } = handler();
    await run(event("Write", `${rg}/providers/Microsoft.Authorization/roleAssignments/0b5c9d3e-1111-2222-3333-444455556666`, "Microsoft.Authorization/roleAssignments/write"));
    expect(started(client)).toEqual(expected);
  });

  it("an extension written under a cluster → that cluster, whose re-audit id is stable whatever the id's casing", async () => {
    const { client, run } = handler();
    await run(event("Write", `${CLUSTER.toUpperCase()}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup`, "Microsoft.KubernetesConfiguration/extensions/write"));
    expect([...client.instances.keys()]).toEqual([reauditInstanceId(CLUSTER)]);
  });

  it("a cluster delete → the cluster is tombstoned, no re-audit", async () => {
    const { client, run } = handler();
    const out = await run(event("Delete", CLUSTER, "Microsoft.ContainerService/managedClusters/delete"));
    expect(out).toEqual({ kind: "tombstoned", clusterId: CLUSTER, changed: true });
    expect((await store.getVerdict(CLUSTER))?.deletedAt).toBe("2026-11-23T07:00:00.000Z");
    expect((await store.history(CLUSTER))[0]).toMatchObject({ checkId: "cluster", to: "deleted" });
    expect(client.calls.startNew).toBe(0);
  });

  it("a malformed event is logged (without its payload) and dropped — never thrown", async () => {
    const { client, run } = handler();
    LOGS.length = 0;
    const raw = { ...example("ResourceWriteSuccess"), id: "malformed-1", eventTime: 42 };
    await expect(run(raw)).resolves.toEqual({ kind: "malformed" });
    const line = structured().find((l) => l["event"] === "event.malformed");
    expect(line).toMatchObject({ eventId: "malformed-1", function: RESOURCE_EVENTS_FUNCTION });
    expect(JSON.stringify(LOGS)).not.toMatch(/claims|upn|ipaddr|\{full-name\}/);
    expect(client.calls.startNew + client.calls.getStatus).toBe(0);
  });

  it("a duplicate event id (Event Grid delivers at least once) is processed once", async () => {
    const { client, run } = handler();
    const raw = event("Write", CLUSTER.replace("aks-payments-prod", "aks-checkout-prod"), "Microsoft.ContainerService/managedClusters/write");
    expect((await run(raw)).kind).toBe("reaudit");
    expect(await run(raw)).toEqual({ kind: "duplicate" });
    expect(client.calls.startNew).toBe(1);
  });

  it("a delivery that fails (durable task hub down) is forgotten, so Event Grid's retry is processed", async () => {
    const client = new FakeDurableClient();
    const { run } = handler(client);
    const raw = event("Write", CLUSTER.replace("aks-payments-prod", "aks-orders-prod"), "Microsoft.ContainerService/managedClusters/write");
    const real = client.getStatus.bind(client);
    client.getStatus = () => Promise.reject(new Error("connect ECONNREFUSED"));
    await expect(run(raw)).rejects.toThrow(/ECONNREFUSED/);
    client.getStatus = real;
    expect((await run(raw)).kind).toBe("reaudit");
    expect(client.calls.startNew).toBe(1);
  });

  it("a change touching more clusters than the targeted limit starts one fleet audit of their subscriptions instead", async () => {
    const { client, run } = handler(undefined, { targetedLimit: 2 });
    const out = await run(event("Write", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/77`, "Microsoft.Authorization/roleAssignments/write"));
    expect(out).toMatchObject({ kind: "fleet", started: true });
    const fleet = [...client.instances.values()].filter((i) => i.name === FLEET_AUDIT_ORCHESTRATOR);
    expect(fleet).toHaveLength(1);
    expect((fleet[0]?.input as FleetAuditInput).scope).toEqual({ subscriptions: [SUB], managementGroups: [] });
    expect(started(client)).toEqual([]);
    // The same change again while that audit is pending starts nothing new.
    const again = await run(event("Write", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/78`, "Microsoft.Authorization/roleAssignments/write"));
    expect(again).toMatchObject({ kind: "fleet", started: false });
  });

  it("a management-group role assignment starts a fleet audit of the configured scope", async () => {
    const { client, run } = handler();
    await run(event("Write", "/providers/Microsoft.Management/managementGroups/mg-platform/providers/Microsoft.Authorization/roleAssignments/1", "Microsoft.Authorization/roleAssignments/write"));
    const fleet = [...client.instances.values()].filter((i) => i.name === FLEET_AUDIT_ORCHESTRATOR);
    expect((fleet[0]?.input as FleetAuditInput).trigger).toBe("event");
    expect((fleet[0]?.input as FleetAuditInput).scope).toEqual({ subscriptions: settings().subscriptions, managementGroups: [] });
  });
});
