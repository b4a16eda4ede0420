/**
 * The targeted collection (src/inventory/live/targeted.ts) with the REAL Azure SDK clients against the
 * loopback Azure (test/support/fake-azure.ts) serving the sample fleet: for every cluster, auditing what
 * the targeted collection read gives exactly the verdict a fleet collection gives — while reading one
 * cluster's worth of ARM, not the fleet's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateFleet } from "../../src/checks/evaluate.js";
import { createClients, type AzureClients } from "../../src/inventory/live/clients.js";
import { collectFleet } from "../../src/inventory/live/collector.js";
import { collectCluster, kql } from "../../src/inventory/live/targeted.js";
import { mergeSnapshots, parseSnapshotDocument } from "../../src/inventory/snapshot.js";
import { idKey } from "../../src/model/arm-id.js";
import { Fleet, INDEXED_TYPES } from "../../src/model/fleet.js";
import type { ClusterReport } from "../../src/model/types.js";
import { ARM_SCOPE, fakeCredential, startFakeAzure, type FakeAzure } from "../support/fake-azure.js";
import { splitForFake } from "../inventory/live/fleet-for-fake.js";
import { clusterIdsOf, sampleSnapshot } from "./support.js";

const SAMPLE = sampleSnapshot();
const SUBS = SAMPLE.scope.subscriptions;
const NOW = new Date(SAMPLE.collectedAt);
const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 };

let fake: FakeAzure;
let clients: AzureClients;
const fleetVerdicts = new Map<string, ClusterReport>();

function audit(snapshot: unknown, only?: string): ClusterReport[] {
  const fleet = new Fleet(mergeSnapshots([parseSnapshotDocument(snapshot, "live")], { onlyTypes: INDEXED_TYPES }), NOW);
  return evaluateFleet(fleet, { generatedAt: NOW, ...(only ? { only: (id) => idKey(id) === idKey(only) } : {}) }).clusters;
}

const statuses = (c: ClusterReport | undefined) => Object.fromEntries((c?.checks ?? []).map((k) => [k.id, k.status]));

beforeAll(async () => {
  fake = await startFakeAzure({ ...splitForFake(SAMPLE.resources), graphQuota: null, armQuota: null });
  clients = createClients({ endpoint: fake.url, audience: ARM_SCOPE, credential: fakeCredential("auditor"), ca: fake.ca });
  const { snapshot } = await collectFleet({ clients, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST });
  for (const c of audit(snapshot)) fleetVerdicts.set(idKey(c.id), c);
});

afterAll(async () => {
  await fake.close();
});

describe("collecting one cluster", () => {
  it.each(clusterIdsOf(SAMPLE).map((id) => [id.split("/").pop() ?? id, id]))("%s: the same verdict as a fleet collection", async (_name, id) => {
    fake.resetStats();
    const r = await collectCluster({ clients, clusterId: id, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST });
    expect(r.cluster).toBe("found");
    expect(r.snapshot.errors).toEqual([]);
    const mine = audit(r.snapshot, id);
    expect(mine).toHaveLength(1);
    expect(statuses(mine[0])).toEqual(statuses(fleetVerdicts.get(idKey(id))));
    expect(mine[0]?.status).toBe(fleetVerdicts.get(idKey(id))?.status);
    // One cluster's ARM reads: its bindings and its subscription's provider — not 22 + 3.
    expect(fake.stats.routes.bindings.requests).toBe(1);
    expect(fake.stats.routes.provider.requests).toBe(1);
    // The snapshot holds that cluster only.
    expect(r.snapshot.resources.filter((x) => String(x["type"]).toLowerCase() === "microsoft.containerservice/managedclusters")).toHaveLength(1);
    // A handful of narrowed queries, each filtered by id.
    expect(r.metrics.graphRequests).toBeLessThanOrEqual(16);
    for (const q of fake.stats.log.filter((l) => l.kind === "graph")) expect(q.path).toMatch(/resources/);
  });

  it("narrows every Resource Graph query with an extra where clause after the type filter", async () => {
    const queries: string[] = [];
    const spy: AzureClients = {
      ...clients,
      graph: {
        resources: async (req: { query: string }, opts: unknown) => {
          queries.push(req.query);
          return clients.graph.resources(req as Parameters<AzureClients["graph"]["resources"]>[0], opts as Parameters<AzureClients["graph"]["resources"]>[1]);
        },
      } as unknown as AzureClients["graph"],
    };
    const id = clusterIdsOf(SAMPLE)[0] ?? "";
    await collectCluster({ clients: spy, clusterId: id, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST });
    expect(queries.length).toBeGreaterThan(5);
    for (const q of queries) expect(q).toMatch(/^\w+ \| where type in~ \([^)]*\) (\| where [^|]+ )+\| project /);
    expect(queries.some((q) => q.includes(`id =~ ${kql(id)}`))).toBe(true);
  });

  it("says absent for a cluster Resource Graph does not have", async () => {
    const id = `/subscriptions/${SUBS[0]}/resourceGroups/rg-gone/providers/Microsoft.ContainerService/managedClusters/aks-gone`;
    const r = await collectCluster({ clients, clusterId: id, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST });
    expect(r.cluster).toBe("absent");
  });

  it("says failed (never absent) when the cluster could not be read", async () => {
    const id = clusterIdsOf(SAMPLE)[0] ?? "";
    const handle = fake.inject({ route: "graph", status: 503, times: 100, match: (q) => JSON.stringify(q.body).includes("managedclusters') | where id") });
    try {
      const r = await collectCluster({ clients, clusterId: id, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST });
      expect(r.cluster).toBe("failed");
      expect(r.snapshot.errors[0]?.kind).toBe("clusters");
      expect(handle.fired).toBeGreaterThan(0);
    } finally {
      fake.clearFaults();
    }
  });

  it("a failed related query makes that kind unknown, not absent", async () => {
    const id = clusterIdsOf(SAMPLE)[0] ?? "";
    fake.inject({ route: "graph", status: 500, times: 100, match: (q) => JSON.stringify(q.body).includes("microsoft.authorization/roleassignments") });
    try {
      const r = await collectCluster({ clients, clusterId: id, scope: { subscriptions: SUBS }, now: () => NOW, retry: FAST });
      expect(r.cluster).toBe("found");
      expect(r.snapshot.errors.map((e) => e.kind)).toEqual(["roleAssignments"]);
      const c = audit(r.snapshot, id)[0];
      const roleChecks = (c?.checks ?? []).filter((k) => ["AKSBK-022", "AKSBK-023", "AKSBK-025"].includes(k.id));
      expect(roleChecks.every((k) => k.status === "unknown" || k.status === "not_applicable")).toBe(true);
    } finally {
      fake.clearFaults();
    }
  });

  it("escapes KQL string literals", () => {
    expect(kql("it's a \\ path")).toBe("'it\\'s a \\\\ path'");
  });
});
