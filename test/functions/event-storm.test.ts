/**
 * An event storm: 1,000 change events over 20 clusters, delivered concurrently (as Event Grid does),
 * must become at most 20 re-audit orchestrations — one singleton per cluster.
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_REAUDIT_ORCHESTRATOR } from "../../src/functions/clusterReauditOrchestrator.js";
import { createResourceEventHandler, RESOURCE_EVENTS_FUNCTION } from "../../src/functions/resourceEvents.js";
import { reauditInstanceId } from "../../src/functions/shared/start.js";
import { freshStore } from "../store/store-fixture.js";
import { context, FakeDurableClient, settings } from "./support.js";

const SUB = "3f6b2d84-9a1c-4e57-b0d2-6c8e1a5f7b49";
const CLUSTERS = Array.from({ length: 20 }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-${i % 3}/providers/Microsoft.ContainerService/managedClusters/aks-${i}`);

/** 1,000 events: cluster writes, extension writes, binding writes and agent-pool writes, round robin. */
function storm(): Record<string, unknown>[] {
  const kinds: [string, string][] = [
    ["", "Microsoft.ContainerService/managedClusters/write"],
    ["/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup", "Microsoft.KubernetesConfiguration/extensions/write"],
    ["/trustedAccessRoleBindings/tarb", "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/write"],
    ["/agentPools/nodepool1", "Microsoft.ContainerService/managedClusters/agentPools/write"],
  ];
  return Array.from({ length: 1000 }, (_, i) => {
    const cluster = CLUSTERS[i % 20] ?? "";
    const [suffix, op] = kinds[Math.floor(i / 20) % kinds.length] ?? ["", ""];
    const uri = `${cluster}${suffix}`;
    return {
      id: `storm-${i}-${Math.random().toString(36).slice(2)}`,
      subject: uri,
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      eventTime: new Date(Date.UTC(2026, 10, 23, 7, 0, 0, i)).toISOString(),
      data: { resourceUri: uri, operationName: op, status: "Succeeded", subscriptionId: SUB },
      dataVersion: "2",
      metadataVersion: "1",
      topic: `/subscriptions/${SUB}`,
    };
  });
}

describe("an event storm", () => {
  it("1,000 events over 20 clusters, all at once, start at most 20 re-audits — one per cluster", async () => {
    const store = await freshStore();
    const client = new FakeDurableClient();
    client.latencyMs = 1;
    const handle = createResourceEventHandler({ client: () => client, store: async () => store, settings: settings(), clock: () => new Date("2026-11-23T07:00:05Z") });
    const outcomes = await Promise.all(storm().map((e) => handle(e, context(RESOURCE_EVENTS_FUNCTION))));
    expect(outcomes.every((o) => o.kind === "reaudit")).toBe(true);
    expect(client.calls.startNew).toBeLessThanOrEqual(20);
    const orchestrations = [...client.instances.entries()].filter(([, i]) => i.name === CLUSTER_REAUDIT_ORCHESTRATOR);
    expect(orchestrations).toHaveLength(20);
    expect(new Set(orchestrations.map(([id]) => id))).toEqual(new Set(CLUSTERS.map(reauditInstanceId)));
    // Pending instances have not begun their window: the storm needs no signal to them at all.
    expect(client.calls.raiseEvent).toBe(0);
  });

  it("while re-audits are auditing, later events signal them instead of starting more", async () => {
    const store = await freshStore();
    const client = new FakeDurableClient();
    const handle = createResourceEventHandler({ client: () => client, store: async () => store, settings: settings(), clock: () => new Date() });
    const events = storm();
    await Promise.all(events.slice(0, 500).map((e) => handle(e, context(RESOURCE_EVENTS_FUNCTION))));
    // The host ran them: half are waiting out the window, half are auditing.
    CLUSTERS.forEach((c, i) => client.set(reauditInstanceId(c), "Running", { phase: i % 2 ? "auditing" : "waiting", clusterId: c, round: 0 }));
    await Promise.all(events.slice(500).map((e) => handle(e, context(RESOURCE_EVENTS_FUNCTION))));
    expect(client.calls.startNew).toBe(20);
    expect(client.calls.raiseEvent).toBe(250); // the auditing half's share of the last 500 events
    const signalled = [...client.instances.values()].filter((i) => i.events.length > 0);
    expect(signalled).toHaveLength(10);
  });

  it("two workers taking the same storm still leave one orchestration per cluster (the loser of a race signals instead)", async () => {
    const store = await freshStore();
    const client = new FakeDurableClient();
    client.latencyMs = 2;
    const mk = () => createResourceEventHandler({ client: () => client, store: async () => store, settings: settings(), clock: () => new Date() });
    const workers = [mk(), mk()];
    const outcomes = await Promise.all(storm().map((e, i) => (workers[i % 2] ?? workers[0])?.(e, context(RESOURCE_EVENTS_FUNCTION))));
    expect(outcomes.every((o) => o?.kind === "reaudit")).toBe(true);
    expect([...client.instances.values()].filter((i) => i.name === CLUSTER_REAUDIT_ORCHESTRATOR)).toHaveLength(20);
    expect(client.calls.startNew).toBeLessThanOrEqual(40);
  });
});
