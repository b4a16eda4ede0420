/**
 * Observability: every log line of a run is a JSON object carrying the run id, instance id or cluster
 * id; the metrics an operator charts are logged as metric lines; and — captured over a whole run in
 * which connection strings hold keys and failures carry tokens — no token, key or connection string
 * ever reaches a log line.
 */
import { HttpRequest, type Timer } from "@azure/functions";
import { describe, expect, inject, it } from "vitest";
import { AUDIT_CHUNK_ACTIVITY, createAuditChunkActivity } from "../../src/functions/auditChunk.js";
import { AUDIT_CHUNK_ORCHESTRATOR, auditChunkOrchestrator } from "../../src/functions/auditChunkOrchestrator.js";
import { AUDIT_CLUSTER_ACTIVITY, createAuditClusterActivity } from "../../src/functions/auditCluster.js";
import { CLUSTER_REAUDIT_ORCHESTRATOR, clusterReauditOrchestrator } from "../../src/functions/clusterReauditOrchestrator.js";
import { COLLECT_INVENTORY_ACTIVITY, createCollectInventoryActivity } from "../../src/functions/collectInventory.js";
import { COLLECT_INVENTORY_ORCHESTRATOR, collectInventoryOrchestrator } from "../../src/functions/collectInventoryOrchestrator.js";
import { createDependencies } from "../../src/functions/dependencies.js";
import { createFinishRunActivity, FINISH_RUN_ACTIVITY } from "../../src/functions/finishRun.js";
import { FLEET_AUDIT_ORCHESTRATOR, fleetAuditOrchestrator, type FleetAuditInput } from "../../src/functions/fleetAuditOrchestrator.js";
import { createListClustersHandler, LIST_CLUSTERS_FUNCTION } from "../../src/functions/listClusters.js";
import { createResourceEventHandler, RESOURCE_EVENTS_FUNCTION } from "../../src/functions/resourceEvents.js";
import { createScheduledAuditHandler, SCHEDULED_AUDIT_FUNCTION } from "../../src/functions/scheduledAudit.js";
import { scrub, ScrubbedError, shielded } from "../../src/functions/shared/log.js";
import { createStartAuditHandler, START_AUDIT_FUNCTION } from "../../src/functions/startAudit.js";
import { FUNCTIONS_SETTING_NAMES, loadFunctionsSettings, SETTING_NAMES } from "../../src/config/settings.js";
import { DEV_KEY } from "../../src/store/azurite.js";
import { clusterIdsOf, context, drive, FakeDurableClient, LOGS, sampleSnapshot, SAMPLE_SUBS, SnapshotInventory, structured, type ActivityFn } from "./support.js";

const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJvaWQiOiIxMjM0NTY3OCJ9.c2lnbmF0dXJl";
const SAS = "https://acct.blob.core.windows.net/c/b?sv=2024-01-01&se=2026-12-01&sp=r&sig=QWJjRGVmR2hpSmtsTW5vcA%3D%3D";

describe("logs and metrics", () => {
  it("a whole run logs structured lines and metrics, and never a token, key or connection string", async () => {
    LOGS.length = 0;
    const tables = inject("tablesConnectionString");
    const blobs = inject("blobConnectionString");
    const settings = loadFunctionsSettings({
      [SETTING_NAMES.tablesConnectionString]: tables,
      [SETTING_NAMES.tablePrefix]: `obs${Date.now()}`,
      [FUNCTIONS_SETTING_NAMES.blobConnectionString]: blobs,
      [FUNCTIONS_SETTING_NAMES.subscriptions]: SAMPLE_SUBS.join(","),
      [FUNCTIONS_SETTING_NAMES.chunkSize]: "50",
    });
    const now = new Date("2026-11-23T06:05:00.000Z");
    const deps = createDependencies(settings, { clock: () => now });
    const snapshot = sampleSnapshot();
    const inventory = new SnapshotInventory(snapshot);
    const client = new FakeDurableClient();

    // 1. The timer starts the fleet audit; the test host runs it with the real activities.
    const tick = await createScheduledAuditHandler({ client: () => client, settings, clock: () => now })({ isPastDue: false } as Timer, context(SCHEDULED_AUDIT_FUNCTION));
    const input = client.instances.get(tick.instanceId)?.input as FleetAuditInput;
    const chunk = createAuditChunkActivity({ store: deps.store, cache: deps.cache, clock: deps.clock });
    const activities: Record<string, ActivityFn> = {
      [COLLECT_INVENTORY_ACTIVITY]: createCollectInventoryActivity({ inventory, snapshots: deps.snapshots }),
      // The first attempt fails with an error that carries credentials, as SDK errors sometimes do.
      [AUDIT_CHUNK_ACTIVITY]: (() => {
        let first = true;
        return async (i: unknown, ctx) => {
          if (first) {
            first = false;
            throw new Error(`request to ${SAS} failed; Authorization: Bearer ${TOKEN}; ${tables}`);
          }
          return chunk(i, ctx);
        };
      })(),
      [FINISH_RUN_ACTIVITY]: createFinishRunActivity({ store: deps.store, cache: deps.cache, clock: deps.clock }),
      [AUDIT_CLUSTER_ACTIVITY]: createAuditClusterActivity({ inventory, store: deps.store, scope: { subscriptions: SAMPLE_SUBS, managementGroups: [] }, clock: () => now }),
    };
    const orchestrators = {
      [FLEET_AUDIT_ORCHESTRATOR]: fleetAuditOrchestrator,
      [COLLECT_INVENTORY_ORCHESTRATOR]: collectInventoryOrchestrator,
      [AUDIT_CHUNK_ORCHESTRATOR]: auditChunkOrchestrator,
      [CLUSTER_REAUDIT_ORCHESTRATOR]: clusterReauditOrchestrator,
    };
    await drive({ name: FLEET_AUDIT_ORCHESTRATOR, instanceId: tick.instanceId, input, orchestrators, activities, start: now });

    // 2. An event, its re-audit, and a failing delivery whose error holds a key.
    const cluster = clusterIdsOf(snapshot)[0] ?? "";
    const onEvent = createResourceEventHandler({ client: () => client, store: deps.store, settings, clock: () => now });
    await onEvent({ id: "obs-1", eventType: "Microsoft.Resources.ResourceWriteSuccess", subject: cluster, eventTime: "2026-11-23T06:04:00Z", data: { resourceUri: cluster, operationName: "Microsoft.ContainerService/managedClusters/write" } }, context(RESOURCE_EVENTS_FUNCTION));
    await drive({ name: CLUSTER_REAUDIT_ORCHESTRATOR, instanceId: "reaudit-obs", input: { clusterId: cluster, firstEventAt: "2026-11-23T06:04:00.000Z", debounceSeconds: 120, round: 0 }, orchestrators, activities, start: now });
    const failing = new FakeDurableClient();
    failing.getStatus = () => Promise.reject(new Error(`503 from https://x.queue.core.windows.net/?sig=abc123 with ${blobs}`));
    await expect(
      createResourceEventHandler({ client: () => failing, store: deps.store, settings, clock: () => now })(
        { id: "obs-2", eventType: "Microsoft.Resources.ResourceWriteSuccess", subject: cluster, eventTime: "2026-11-23T06:04:30Z", data: { resourceUri: cluster, operationName: "Microsoft.ContainerService/managedClusters/write" } },
        context(RESOURCE_EVENTS_FUNCTION),
      ),
    ).rejects.toThrow();

    // 3. The HTTP API, including an internal error that carries a key.
    await createListClustersHandler({ store: deps.store })(new HttpRequest({ method: "GET", url: "http://localhost/api/clusters?pageSize=5" }), context(LIST_CLUSTERS_FUNCTION));
    const broken = new FakeDurableClient();
    broken.getStatusBy = () => Promise.reject(new Error(`AccountKey=${DEV_KEY}`));
    await createStartAuditHandler({ client: () => broken, settings, clock: () => now })(new HttpRequest({ method: "POST", url: "http://localhost/api/audits?code=functionKEY123" }), context(START_AUDIT_FUNCTION));

    // No secret anywhere.
    const all = LOGS.map((l) => l.text).join("\n");
    expect(LOGS.length).toBeGreaterThan(20);
    for (const secret of [DEV_KEY, tables, blobs, TOKEN, "QWJjRGVmR2hpSmtsTW5vcA", "abc123", "functionKEY123"]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/AccountKey=(?!\[redacted\])|Bearer (?!\[redacted\])|sig=(?!\[redacted\])|DefaultEndpointsProtocol/);

    // Every line of ours is a JSON object naming its function; run, instance and cluster ids are there.
    const lines = structured();
    expect(lines.length).toBe(LOGS.filter((l) => l.text.startsWith("{")).length);
    expect(lines.some((l) => l["event"] === "fleet.started" && l["runId"] === tick.instanceId && l["instanceId"] === tick.instanceId)).toBe(true);
    expect(lines.some((l) => l["event"] === "chunk.audited" && l["runId"] === tick.instanceId)).toBe(true);
    expect(lines.some((l) => l["event"] === "cluster.audited" && l["clusterId"] === cluster && l["instanceId"] === "reaudit-obs")).toBe(true);
    expect(lines.some((l) => l["event"] === "fleet.finished" && l["runId"] === tick.instanceId)).toBe(true);

    // The metrics.
    const metric = (name: string) => lines.filter((l) => l["metric"] === name);
    expect(metric("clustersAudited").some((m) => m["runId"] === tick.instanceId && m["scope"] === "run" && m["value"] === 22)).toBe(true);
    expect(metric("nonCompliant").some((m) => m["runId"] === tick.instanceId && m["value"] === 12)).toBe(true);
    expect(metric("collectionErrors").some((m) => m["runId"] === tick.instanceId && m["value"] === 0)).toBe(true);
    expect(metric("throttleWaitMs").some((m) => m["runId"] === tick.instanceId && m["value"] === 1234)).toBe(true);
    expect(metric("eventToVerdictMs").some((m) => m["clusterId"] === cluster && m["value"] === 60_000)).toBe(true);
  });

  it("shielded handlers rethrow what failed with the credentials scrubbed out", async () => {
    const h = shielded(async () => {
      throw new TypeError(`GET ${SAS} failed with Bearer ${TOKEN} using AccountKey=${DEV_KEY}`);
    });
    const e = await h().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ScrubbedError);
    expect((e as Error).name).toBe("TypeError");
    expect((e as Error).message).not.toMatch(new RegExp([DEV_KEY, TOKEN, "QWJjRGVmR2hpSmtsTW5vcA"].map((x) => x.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")));
  });

  it("scrub removes keys, signatures, bearer tokens, JWTs and connection strings", () => {
    expect(scrub(`x AccountKey=${DEV_KEY};y`)).toBe("x AccountKey=[redacted];y");
    expect(scrub(SAS)).not.toMatch(/QWJj/);
    expect(scrub(`Authorization: Bearer ${TOKEN}`)).toBe("Authorization: Bearer [redacted]");
    expect(scrub(`token ${TOKEN}`)).toBe("token [redacted-jwt]");
    expect(scrub("DefaultEndpointsProtocol=https;AccountName=a;EndpointSuffix=core.windows.net")).toBe("[redacted-connection-string]");
    expect(scrub("https://app.azurewebsites.net/api/audits?code=abc==")).toBe("https://app.azurewebsites.net/api/audits?code=[redacted]");
    expect(scrub("cluster aks-1 in rg-use=prod is fine")).toBe("cluster aks-1 in rg-use=prod is fine");
  });
});
