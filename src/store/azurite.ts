/**
 * The embedded Table Storage: Azurite's table server run inside this process on a free 127.0.0.1 port
 * the OS picks, in memory or persisted under a folder. Azurite ships no type declarations for its
 * internals, so the two classes it is started with are typed here by what this module uses.
 */
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

/** Azurite's well-known development account (public, documented; not a secret). */
export const DEV_ACCOUNT = "devstoreaccount1";
export const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}
type TableServerCtor = new (config: unknown) => AzuriteTableServer;
type TableConfigurationCtor = new (...args: unknown[]) => unknown;

export interface EmbeddedTables {
  /** Connection string for the SDK (the dev account on the embedded endpoint). */
  connectionString: string;
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Start Azurite's table service. `location` undefined = in memory; otherwise its database file lives
 * in that folder and survives restarts.
 */
export async function startEmbeddedTables(location?: string): Promise<EmbeddedTables> {
  const require = createRequire(import.meta.url);
  const TableServer = (require("azurite/dist/src/table/TableServer") as { default: TableServerCtor }).default;
  const TableConfiguration = (require("azurite/dist/src/table/TableConfiguration") as { default: TableConfigurationCtor }).default;
  let dbPath = "__azurite_table_memory__.json";
  if (location) {
    await mkdir(location, { recursive: true });
    dbPath = join(location, "__azurite_db_table__.json");
  }
  // (host, port, keepAlive, dbPath, debugLog, accessLog, accessLogStream, debugLogPath, loose,
  //  skipApiVersionCheck, cert, key, pwd, oauth, disableProductStyleUrl, inMemoryPersistence)
  const config = new TableConfiguration("127.0.0.1", 0, 5, dbPath, false, false, undefined, undefined, false, true, "", "", "", undefined, false, !location);
  const server = new TableServer(config);
  await server.start();
  const endpoint = `${server.getHttpServerAddress()}/${DEV_ACCOUNT}`;
  return {
    endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${endpoint};`,
    stop: () => server.close(),
  };
}

export interface EmbeddedBlobs {
  /** Connection string for the SDK (the dev account on the embedded endpoint). */
  connectionString: string;
  endpoint: string;
  stop(): Promise<void>;
}

interface AzuriteBlobServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}
type BlobServerCtor = new (config: unknown) => AzuriteBlobServer;
type BlobConfigurationCtor = new (...args: unknown[]) => unknown;

/**
 * Start Azurite's blob service in memory (the Functions app keeps its fleet snapshots in blobs; tests
 * and local runs use this). Its own in-memory extent store, so two embedded services share nothing.
 */
export async function startEmbeddedBlobs(): Promise<EmbeddedBlobs> {
  const require = createRequire(import.meta.url);
  const BlobServer = (require("azurite/dist/src/blob/BlobServer") as { default: BlobServerCtor }).default;
  const BlobConfiguration = (require("azurite/dist/src/blob/BlobConfiguration") as { default: BlobConfigurationCtor }).default;
  const MemoryExtentStore = require("azurite/dist/src/common/persistence/MemoryExtentStore") as { MemoryExtentChunkStore: new (sizeLimit?: number) => unknown };
  const unique = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  // (host, port, keepAlive, metadataDBPath, extentDBPath, persistencePathArray, accessLog, accessLogStream,
  //  debugLog, debugLogPath, loose, skipApiVersionCheck, cert, key, pwd, oauth, disableProductStyleUrl,
  //  inMemoryPersistence, memoryStore)
  const config = new BlobConfiguration(
    "127.0.0.1",
    0,
    5,
    `__azurite_blob_memory_${unique}__.json`,
    `__azurite_blob_extent_memory_${unique}__.json`,
    [],
    false,
    undefined,
    false,
    undefined,
    false,
    true,
    "",
    "",
    "",
    undefined,
    false,
    true,
    new MemoryExtentStore.MemoryExtentChunkStore(1024 * 1024 * 1024),
  );
  const server = new BlobServer(config);
  await server.start();
  const endpoint = `${server.getHttpServerAddress()}/${DEV_ACCOUNT}`;
  return {
    endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${endpoint};`,
    stop: () => server.close(),
  };
}
