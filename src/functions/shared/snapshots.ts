/**
 * Fleet snapshots between the activities of one run: one part per collection batch, written by
 * collectInventory as `runs/{runId}/snapshot-{part}.json` in the `aks-backup-auditor` container, read
 * by every auditChunk and by finishRun. Orchestrations pass the blob names, never the snapshot. Each
 * worker reads every part, merges them into one fleet (so a storage account or role assignment in
 * another batch's subscription still resolves) and builds its index once (cached by the list of
 * names) however many chunks it runs.
 */
import type { ContainerClient } from "@azure/storage-blob";
import { parseSnapshotDocument, mergeSnapshots } from "../../inventory/snapshot.js";
import { Fleet, INDEXED_TYPES } from "../../model/fleet.js";
import type { SnapshotBlobs } from "./ports.js";

export const SNAPSHOT_CONTAINER = "aks-backup-auditor";

export function snapshotBlobName(runId: string, part: number): string {
  return `runs/${runId}/snapshot-${part}.json`;
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
  /** Cluster ids in the order of the merged parts: chunks are slices of this list. */
  clusterIds: string[];
  collectedAt: Date | undefined;
  subscriptions: string[];
}

/**
 * Parse, merge and index once per list of blob names per worker; the last `size` fleets are kept. The
 * parts are merged in the order given (the orchestration's part order, the same for every activity of
 * a run), so the cluster list — and with it every chunk's offsets — is the same on every worker.
 */
export class FleetCache {
  private readonly entries = new Map<string, Promise<LoadedSnapshot>>();

  constructor(
    private readonly blobs: SnapshotBlobs,
    private readonly size = 2,
  ) {}

  load(names: readonly string[], now: Date): Promise<LoadedSnapshot> {
    const key = names.join("\n");
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = (async () => {
      // Downloaded together, each parsed as it arrives; merged in the order of the names.
      const parts = await Promise.all(names.map(async (name) => parseSnapshotDocument(JSON.parse(await this.blobs.get(name)) as unknown, name)));
      const merged = mergeSnapshots(parts, { onlyTypes: INDEXED_TYPES });
      const fleet = new Fleet(merged, now);
      return { fleet, clusterIds: fleet.clusters.map((c) => c.id.raw), collectedAt: merged.collectedAt, subscriptions: merged.scope.subscriptions };
    })();
    p.catch(() => this.entries.delete(key));
    this.entries.set(key, p);
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return p;
  }
}
