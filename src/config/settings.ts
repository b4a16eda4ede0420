/**
 * The only reader of environment settings. Every setting is validated here, with a message that names
 * it; secrets (connection strings) are never echoed.
 */
import { z } from "zod";

export const SETTING_NAMES = {
  tablesConnectionString: "AKS_BACKUP_AUDITOR_TABLES_CONNECTION_STRING",
  tablesEndpoint: "AKS_BACKUP_AUDITOR_TABLES_ENDPOINT",
  tablePrefix: "AKS_BACKUP_AUDITOR_TABLE_PREFIX",
  cloud: "AKS_BACKUP_AUDITOR_CLOUD",
  armEndpoint: "AKS_BACKUP_AUDITOR_ARM_ENDPOINT",
  armAudience: "AKS_BACKUP_AUDITOR_ARM_AUDIENCE",
} as const;

const schema = z.object({
  [SETTING_NAMES.tablesConnectionString]: z.string().min(1).optional(),
  [SETTING_NAMES.tablesEndpoint]: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://<account>.table.core.windows.net" }).optional(),
  [SETTING_NAMES.tablePrefix]: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/, "must start with a letter and hold only letters and digits (Table Storage table names)")
    .optional(),
  [SETTING_NAMES.cloud]: z.enum(["public", "china", "usgov"], { error: 'must be "public", "china" or "usgov"' }).optional(),
  [SETTING_NAMES.armEndpoint]: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://management.azure.com" }).optional(),
  [SETTING_NAMES.armAudience]: z.string().min(1).optional(),
});

export interface Settings {
  tablesConnectionString: string | undefined;
  tablesEndpoint: string | undefined;
  tablePrefix: string;
  cloud: "public" | "china" | "usgov";
  /** ARM endpoint override (any cloud, or a test server); else the cloud's. */
  armEndpoint: string | undefined;
  armAudience: string | undefined;
}

export class SettingsError extends Error {
  override name = "SettingsError";
}

export function loadSettings(env: Record<string, string | undefined>): Settings {
  const picked = Object.fromEntries(Object.values(SETTING_NAMES).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const r = schema.safeParse(picked);
  if (!r.success) {
    throw new SettingsError(r.error.issues.map((i) => `setting ${String(i.path[0])}: ${i.message}`).join("; "));
  }
  return {
    tablesConnectionString: r.data[SETTING_NAMES.tablesConnectionString],
    tablesEndpoint: r.data[SETTING_NAMES.tablesEndpoint],
    tablePrefix: r.data[SETTING_NAMES.tablePrefix] ?? "aksbackup",
    cloud: r.data[SETTING_NAMES.cloud] ?? "public",
    armEndpoint: r.data[SETTING_NAMES.armEndpoint],
    armAudience: r.data[SETTING_NAMES.armAudience],
  };
}
