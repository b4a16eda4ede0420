/**
 * The real dependencies, built once per worker from validated settings: the results store (Table
 * Storage, by connection string or by endpoint with the app's managed identity), the snapshot blobs,
 * the live inventory (ARM clients on DefaultAzureCredential) and the clock. Nothing here logs a
 * setting's value.
 */
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import type { FunctionsSettings } from "../config/settings.js";
import type { DigestSender, DigestTickSettings } from "../digest/types.js";
import { CLOUDS, createClients, type AzureClients } from "../inventory/live/clients.js";
import { collectFleet } from "../inventory/live/collector.js";
import { collectCluster } from "../inventory/live/targeted.js";
import { openStore, type OpenStore } from "../store/connect.js";
import { ResultsStore } from "../store/results-store.js";
import type { Clock, Inventory, SnapshotBlobs, StoreFor } from "./shared/ports.js";
import { blobSnapshots, FleetCache, SNAPSHOT_CONTAINER } from "./shared/snapshots.js";

export interface AppDependencies {
  settings: FunctionsSettings;
  /** The digest timer's settings and sender; absent → the digest timer is not registered. */
  digest?: { settings: DigestTickSettings; sender: DigestSender } | undefined;
  clock: Clock;
  store: StoreFor;
  snapshots: SnapshotBlobs;
  cache: FleetCache;
  inventory: Inventory;
}

export interface DependencyOverrides {
  credential?: TokenCredential | undefined;
  /** Extra CA (PEM) for the ARM endpoint — a test server; never needed against Azure. */
  ca?: string | undefined;
  clock?: Clock | undefined;
}

export function createDependencies(settings: FunctionsSettings, o: DependencyOverrides = {}): AppDependencies {
  let credential: TokenCredential | undefined = o.credential;
  const cred = (): TokenCredential => (credential ??= new DefaultAzureCredential());

  let opened: Promise<{ open: OpenStore; store: ResultsStore }> | undefined;
  const store: StoreFor = async () => {
    opened ??= (async () => {
      const target = settings.tablesConnectionString
        ? ({ kind: "connectionString", connectionString: settings.tablesConnectionString } as const)
        : ({ kind: "endpoint", url: (settings.tablesEndpoint ?? "").replace(/\/+$/, "") } as const);
      const open = await openStore(target);
      const s = new ResultsStore(open.factory, settings.tablePrefix);
      await s.ensureTables();
      return { open, store: s };
    })().catch((e: unknown) => {
      opened = undefined;
      throw e;
    });
    return (await opened).store;
  };

  const blobService = settings.blobConnectionString ? BlobServiceClient.fromConnectionString(settings.blobConnectionString) : new BlobServiceClient(settings.blobEndpoint ?? "", cred());
  const snapshots = blobSnapshots(blobService.getContainerClient(SNAPSHOT_CONTAINER));

  let clients: AzureClients | undefined;
  const azure = (): AzureClients => {
    if (clients) return clients;
    const cloud = CLOUDS[settings.cloud];
    const endpoint = (settings.armEndpoint ?? cloud.endpoint).replace(/\/+$/, "");
    const audience = settings.armAudience ?? (settings.armEndpoint ? `${endpoint}/.default` : cloud.audience);
    clients = createClients({ endpoint, audience, credential: cred(), ca: o.ca });
    return clients;
  };
  const inventory: Inventory = {
    collectFleet: (scope) => collectFleet({ clients: azure(), scope }),
    collectCluster: (clusterId, scope) => collectCluster({ clients: azure(), clusterId, scope }),
  };

  return { settings, clock: o.clock ?? (() => new Date()), store, snapshots, cache: new FleetCache(snapshots), inventory };
}
