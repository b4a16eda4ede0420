/**
 * Vitest global setup: one Azurite table service for the whole run, in memory, on a port the OS
 * picks on 127.0.0.1. Tests isolate themselves with their own table-name prefix.
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedTables, type EmbeddedTables } from "../../src/store/azurite.js";

let tables: EmbeddedTables | undefined;

export async function setup(project: TestProject): Promise<void> {
  tables = await startEmbeddedTables();
  project.provide("tablesConnectionString", tables.connectionString);
}

export async function teardown(): Promise<void> {
  await tables?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnectionString: string;
  }
}
