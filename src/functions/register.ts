/**
 * The composition root's body: every function of the app, registered with its trigger and built from
 * its factory with the dependencies it needs. `index.ts` calls this with the real Functions and Durable
 * Functions registrars; tests call it with a recording one.
 *
 * | function                   | trigger                                   |
 * |----------------------------|-------------------------------------------|
 * | scheduledAudit             | timer (AKS_BACKUP_AUDITOR_AUDIT_SCHEDULE)  |
 * | digestTimer                | timer (AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE) |
 * | resourceEvents             | Event Grid (subscription system topic)     |
 * | startAudit                 | HTTP POST /api/audits                      |
 * | getAudit                   | HTTP GET  /api/audits/{id}                 |
 * | listClusters               | HTTP GET  /api/clusters                    |
 * | getCluster                 | HTTP GET  /api/clusters/{sub}/{rg}/{name}  |
 * | fleetAuditOrchestrator     | orchestration                             |
 * | auditChunkOrchestrator     | orchestration (one chunk of a fleet audit) |
 * | clusterReauditOrchestrator | orchestration                             |
 * | collectInventory, auditChunk, finishRun, auditCluster | activities     |
 */
import type { EventGridFunctionOptions, FunctionInput, HttpFunctionOptions, InvocationContext, TimerFunctionOptions } from "@azure/functions";
import type { ActivityOptions, OrchestrationHandler } from "durable-functions";
import { AUDIT_CHUNK_ACTIVITY, createAuditChunkActivity } from "./auditChunk.js";
import { AUDIT_CHUNK_ORCHESTRATOR, auditChunkOrchestrator } from "./auditChunkOrchestrator.js";
import { AUDIT_CLUSTER_ACTIVITY, createAuditClusterActivity } from "./auditCluster.js";
import { CLUSTER_REAUDIT_ORCHESTRATOR, clusterReauditOrchestrator } from "./clusterReauditOrchestrator.js";
import { COLLECT_INVENTORY_ACTIVITY, createCollectInventoryActivity } from "./collectInventory.js";
import { COLLECT_INVENTORY_ORCHESTRATOR, collectInventoryOrchestrator } from "./collectInventoryOrchestrator.js";
import type { AppDependencies } from "./dependencies.js";
import { FINISH_RUN_ACTIVITY, createFinishRunActivity } from "./finishRun.js";
import { FLEET_AUDIT_ORCHESTRATOR, fleetAuditOrchestrator } from "./fleetAuditOrchestrator.js";
import { createGetAuditHandler, GET_AUDIT_FUNCTION } from "./getAudit.js";
import { createGetClusterHandler, GET_CLUSTER_FUNCTION } from "./getCluster.js";
import { createListClustersHandler, LIST_CLUSTERS_FUNCTION } from "./listClusters.js";
import { createResourceEventHandler, RESOURCE_EVENTS_FUNCTION } from "./resourceEvents.js";
import { createDigestTimerHandler, DIGEST_TIMER_FUNCTION } from "./digestTimer.js";
import { createScheduledAuditHandler, SCHEDULED_AUDIT_FUNCTION } from "./scheduledAudit.js";
import { shielded } from "./shared/log.js";
import type { AuditClient } from "./shared/ports.js";
import { createStartAuditHandler, START_AUDIT_FUNCTION } from "./startAudit.js";

/** What registration needs from @azure/functions and durable-functions. */
export interface Registrar {
  http(name: string, options: HttpFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
  eventGrid(name: string, options: EventGridFunctionOptions): void;
  orchestration(name: string, handler: OrchestrationHandler): void;
  activity(name: string, options: ActivityOptions): void;
  /** The durable client binding, added as an extra input of every function that starts or queries orchestrations. */
  durableClientInput: FunctionInput;
  getClient(context: InvocationContext): AuditClient;
}

export function registerFunctions(r: Registrar, deps: AppDependencies): void {
  const { settings, clock, store, cache, snapshots, inventory } = deps;
  const client = (context: InvocationContext) => r.getClient(context);
  const withClient = { extraInputs: [r.durableClientInput] };
  // Whatever a trigger or activity throws reaches the host (its telemetry, the orchestration history)
  // with credentials scrubbed from the message; HTTP handlers answer problem details instead of throwing.

  r.timer(SCHEDULED_AUDIT_FUNCTION, { schedule: settings.auditSchedule, handler: shielded(createScheduledAuditHandler({ client, settings, clock })), ...withClient });
  if (deps.digest) {
    const { settings: digestSettings, sender } = deps.digest;
    // A digest group not delivered fails the tick: retried with backoff within the period (the ledger
    // makes every retry send only what is still due).
    r.timer(DIGEST_TIMER_FUNCTION, {
      schedule: digestSettings.digest.schedule,
      retry: { strategy: "exponentialBackoff", maxRetryCount: 8, minimumInterval: { minutes: 1 }, maximumInterval: { minutes: 30 } },
      handler: shielded(createDigestTimerHandler({ store, settings: digestSettings, sender, clock })),
    });
  }
  // The handler never throws for a bad event (it logs and drops it); it throws only when storage or the
  // durable task hub failed, and then Event Grid's own retry (up to 24 h) is what we want.
  r.eventGrid(RESOURCE_EVENTS_FUNCTION, { handler: shielded(createResourceEventHandler({ client, store, settings, clock })), ...withClient });

  r.http(START_AUDIT_FUNCTION, { methods: ["POST"], authLevel: "function", route: "audits", handler: createStartAuditHandler({ client, settings, clock }), ...withClient });
  r.http(GET_AUDIT_FUNCTION, { methods: ["GET"], authLevel: "function", route: "audits/{id}", handler: createGetAuditHandler({ client }), ...withClient });
  r.http(LIST_CLUSTERS_FUNCTION, { methods: ["GET"], authLevel: "function", route: "clusters", handler: createListClustersHandler({ store }) });
  r.http(GET_CLUSTER_FUNCTION, { methods: ["GET"], authLevel: "function", route: "clusters/{subscriptionId}/{resourceGroup}/{name}", handler: createGetClusterHandler({ store }) });

  r.orchestration(FLEET_AUDIT_ORCHESTRATOR, fleetAuditOrchestrator);
  r.orchestration(COLLECT_INVENTORY_ORCHESTRATOR, collectInventoryOrchestrator);
  r.orchestration(AUDIT_CHUNK_ORCHESTRATOR, auditChunkOrchestrator);
  r.orchestration(CLUSTER_REAUDIT_ORCHESTRATOR, clusterReauditOrchestrator);

  r.activity(COLLECT_INVENTORY_ACTIVITY, { handler: shielded(createCollectInventoryActivity({ inventory, snapshots })) });
  r.activity(AUDIT_CHUNK_ACTIVITY, { handler: shielded(createAuditChunkActivity({ store, cache, clock })) });
  r.activity(FINISH_RUN_ACTIVITY, { handler: shielded(createFinishRunActivity({ store, cache, clock })) });
  r.activity(AUDIT_CLUSTER_ACTIVITY, { handler: shielded(createAuditClusterActivity({ inventory, store, scope: { subscriptions: settings.subscriptions, managementGroups: settings.managementGroups }, clock })) });
}
