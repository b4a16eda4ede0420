/**
 * Fleet snapshots between the activities of one run: written once by collectInventory as
 * `runs/{runId}/snapshot.json` in the `aks-backup-auditor` container, read by every auditChunk and by
 * finishRun. Orchestrations pass the blob name, never the snapshot. Each worker parses a snapshot and
 * builds its fleet index once (cached by blob name) however many chunks it runs.
 */
import type { ContainerClient } from "@azure/storage-blob";
import { parseSnapshotDocument, mergeSnapshots } from "../../inventory/snapshot.js";
import { Fleet, INDEXED_TYPES } from "../../model/fleet.js";
import type { SnapshotBlobs } from "./ports.js";

export const SNAPSHOT_CONTAINER = "aks-backup-auditor";

export function snapshotBlobName(runId: string): string {
  return `runs/${runId}/snapshot.json`;
}

export function blobSnapshots(container: ContainerClient): SnapshotBlobs {
  let ready: Promise<unknown> | undefined;
  const ensure = () => (ready ??= container.createIfNotExists().catch((e: unknown) => {
    ready = undefined;
    throw e;
  }));
  return {
    async put(name, json) {
      await ensure();
      const data = Buffer.from(json, "utf8");
      await container.getBlockBlobClient(name).uploadData(data, { blobHTTPHeaders: { blobContentType: "application/json" } });
    },
    async get(name) {
      await ensure();
      const buf = await container.getBlockBlobClient(name).downloadToBuffer();
      return buf.toString("utf8");
    },
  };
}

export interface LoadedSnapshot {
  fleet: Fleet;
  /** Cluster ids in snapshot order: chunks are slices of this list. */
  clusterIds: string[];
  collectedAt: Date | undefined;
  subscriptions: string[];
}

/** Parse-and-index once per blob name per worker; the last `size` snapshots are kept. */
export class FleetCache {
  private readonly entries = new Map<string, Promise<LoadedSnapshot>>();

  constructor(
    private readonly blobs: SnapshotBlobs,
    private readonly size = 2,
  ) {}

  load(name: string, now: Date): Promise<LoadedSnapshot> {
    const hit = this.entries.get(name);
    if (hit) {
      // Most recently used last.
      this.entries.delete(name);
      this.entries.set(name, hit);
      return hit;
    }
    const p = (async () => {
      const doc: unknown = JSON.parse(await this.blobs.get(name));
      const merged = mergeSnapshots([parseSnapshotDocument(doc, name)], { onlyTypes: INDEXED_TYPES });
      const fleet = new Fleet(merged, now);
      return { fleet, clusterIds: fleet.clusters.map((c) => c.id.raw), collectedAt: merged.collectedAt, subscriptions: merged.scope.subscriptions };
    })();
    p.catch(() => this.entries.delete(name));
    this.entries.set(name, p);
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return p;
  }
}
