/**
 * Where results go. One of: a connection string; a table endpoint URL used with
 * DefaultAzureCredential (identity-based, no keys — the Azure default); an embedded Azurite, persisted
 * under `.aks-backup-auditor/` or in memory; or nothing. The choice is made once, here.
 */
import { DefaultAzureCredential } from "@azure/identity";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import { startEmbeddedTables } from "./azurite.js";
import type { TableFactory } from "./results-store.js";

export type StoreTarget =
  | { kind: "none" }
  | { kind: "connectionString"; connectionString: string }
  | { kind: "endpoint"; url: string }
  | { kind: "embedded"; location: string | undefined };

export class StoreConfigError extends Error {
  override name = "StoreConfigError";
}

export const DEFAULT_DATA_DIR = ".aks-backup-auditor";

/**
 * Resolve `--store` (or, when absent, the settings) to a target. The value is never echoed back in
 * errors: it may be a connection string with a key in it.
 */
export function resolveStoreTarget(option: string | undefined, settings: { connectionString?: string | undefined; endpoint?: string | undefined }, dataDir = DEFAULT_DATA_DIR): StoreTarget {
  const v = option?.trim();
  if (v !== undefined && v !== "") {
    const l = v.toLowerCase();
    if (l === "none") return { kind: "none" };
    if (l === "memory") return { kind: "embedded", location: undefined };
    if (l === "local" || l === "azurite") return { kind: "embedded", location: dataDir };
    if (/(^|;)\s*(accountname|usedevelopmentstorage|tableendpoint|defaultendpointsprotocol)\s*=/i.test(v)) return { kind: "connectionString", connectionString: v };
    if (/^https?:\/\//i.test(v)) {
      try {
        new URL(v);
      } catch {
        throw new StoreConfigError("--store: not a valid table endpoint URL");
      }
      return { kind: "endpoint", url: v.replace(/\/+$/, "") };
    }
    throw new StoreConfigError('--store must be "none", "memory", "local", a table endpoint URL (https://<account>.table.core.windows.net) or a connection string');
  }
  if (settings.connectionString) return { kind: "connectionString", connectionString: settings.connectionString };
  if (settings.endpoint) return { kind: "endpoint", url: settings.endpoint.replace(/\/+$/, "") };
  return { kind: "embedded", location: dataDir };
}

export interface OpenStore {
  factory: TableFactory;
  /** Where, for people (never contains a key). */
  describe: string;
  close(): Promise<void>;
}

export function factoryFromConnectionString(connectionString: string): TableFactory {
  const insecure = /TableEndpoint=http:\/\/|UseDevelopmentStorage=true/i.test(connectionString);
  const opts = insecure ? { allowInsecureConnection: true } : {};
  return {
    table: (name) => TableClient.fromConnectionString(connectionString, name, opts),
    service: () => TableServiceClient.fromConnectionString(connectionString, opts),
  };
}

export async function openStore(target: Exclude<StoreTarget, { kind: "none" }>): Promise<OpenStore> {
  switch (target.kind) {
    case "connectionString": {
      const account = /AccountName=([^;]+)/i.exec(target.connectionString)?.[1] ?? "the configured account";
      return { factory: factoryFromConnectionString(target.connectionString), describe: `Table Storage account ${account}`, close: async () => {} };
    }
    case "endpoint": {
      const credential = new DefaultAzureCredential();
      return {
        factory: { table: (name) => new TableClient(target.url, name, credential), service: () => new TableServiceClient(target.url, credential) },
        describe: `${target.url} (Microsoft Entra ID)`,
        close: async () => {},
      };
    }
    case "embedded": {
      const emb = await startEmbeddedTables(target.location);
      return {
        factory: factoryFromConnectionString(emb.connectionString),
        describe: target.location ? `embedded Azurite, data in ${target.location}/` : "embedded Azurite, in memory",
        close: () => emb.stop(),
      };
    }
  }
}
