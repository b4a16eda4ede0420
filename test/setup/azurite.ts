/**
 * Vitest global setup: one Azurite table service and one blob service for the whole run, in memory, on
 * ports the OS picks on 127.0.0.1. Tests isolate themselves with their own table-name prefix (tables)
 * or container/blob names (blobs).
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedBlobs, startEmbeddedTables, type EmbeddedBlobs, type EmbeddedTables } from "../../src/store/azurite.js";

let tables: EmbeddedTables | undefined;
let blobs: EmbeddedBlobs | undefined;

export async function setup(project: TestProject): Promise<void> {
  tables = await startEmbeddedTables();
  blobs = await startEmbeddedBlobs();
  project.provide("tablesConnectionString", tables.connectionString);
  project.provide("blobConnectionString", blobs.connectionString);
}

export async function teardown(): Promise<void> {
  await Promise.all([tables?.stop(), blobs?.stop()]);
}

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnectionString: string;
    blobConnectionString: string;
  }
}
