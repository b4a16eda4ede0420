/**
 * The only reader of environment settings. Every setting is validated here, with a message that names
 * it; secrets (connection strings) are never echoed.
 */
import { z } from "zod";
import { normaliseAddress, parseAddressList, RoutesSchema } from "../digest/routing.js";
import { DEFAULT_DIGEST_SCHEDULE, validateNcrontab } from "../digest/schedule.js";
import { PERIOD_KINDS, type DigestTickSettings, type Route } from "../digest/types.js";

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

// ---- Functions app ---------------------------------------------------------------------------------
// The Functions app reads everything above plus these. Kept apart so the CLI never needs them.

export const FUNCTIONS_SETTING_NAMES = {
  subscriptions: "AKS_BACKUP_AUDITOR_SUBSCRIPTIONS",
  managementGroups: "AKS_BACKUP_AUDITOR_MANAGEMENT_GROUPS",
  auditSchedule: "AKS_BACKUP_AUDITOR_AUDIT_SCHEDULE",
  debounceSeconds: "AKS_BACKUP_AUDITOR_DEBOUNCE_SECONDS",
  chunkSize: "AKS_BACKUP_AUDITOR_CHUNK_SIZE",
  collectBatch: "AKS_BACKUP_AUDITOR_COLLECT_BATCH",
  targetedLimit: "AKS_BACKUP_AUDITOR_TARGETED_LIMIT",
  blobConnectionString: "AKS_BACKUP_AUDITOR_BLOB_CONNECTION_STRING",
  blobEndpoint: "AKS_BACKUP_AUDITOR_BLOB_ENDPOINT",
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Management group ids: letters, digits, `-_.()`, at most 90 characters. */
const MANAGEMENT_GROUP = /^[A-Za-z0-9._()-]{1,90}$/;
/** NCRONTAB with seconds (what the Functions timer trigger takes): six fields. */
const NCRONTAB = /^\s*(\S+\s+){5}\S+\s*$/;

const list = (v: string): string[] =>
  v
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const intSetting = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

const functionsSchema = z.object({
  [FUNCTIONS_SETTING_NAMES.subscriptions]: z
    .string()
    .transform(list)
    .refine((xs) => xs.every((x) => GUID.test(x)), "must be subscription ids (GUIDs) separated by commas")
    .optional(),
  [FUNCTIONS_SETTING_NAMES.managementGroups]: z
    .string()
    .transform(list)
    .refine((xs) => xs.every((x) => MANAGEMENT_GROUP.test(x)), "must be management group ids separated by commas")
    .optional(),
  [FUNCTIONS_SETTING_NAMES.auditSchedule]: z
    .string()
    .regex(NCRONTAB, 'must be an NCRONTAB expression with six fields, e.g. "0 0 5 * * *" (daily at 05:00 UTC)')
    .superRefine((v, ctx) => {
      const why = validateNcrontab(v);
      if (why) ctx.addIssue({ code: "custom", message: `must be an NCRONTAB expression: ${why}` });
    })
    .optional(),
  [FUNCTIONS_SETTING_NAMES.debounceSeconds]: intSetting(1, 3600).optional(),
  [FUNCTIONS_SETTING_NAMES.chunkSize]: intSetting(50, 1000).optional(),
  [FUNCTIONS_SETTING_NAMES.collectBatch]: intSetting(1, 1000).optional(),
  [FUNCTIONS_SETTING_NAMES.targetedLimit]: intSetting(1, 1000).optional(),
  [FUNCTIONS_SETTING_NAMES.blobConnectionString]: z
    .string()
    .regex(/(^|;)\s*(usedevelopmentstorage\s*=\s*true|accountname\s*=|blobendpoint\s*=)/i, "must be a storage connection string (AccountName=…;AccountKey=… or BlobEndpoint=…, or UseDevelopmentStorage=true)")
    .optional(),
  [FUNCTIONS_SETTING_NAMES.blobEndpoint]: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://<account>.blob.core.windows.net" }).optional(),
});

export interface FunctionsSettings extends Settings {
  /** What a fleet audit covers. At least one of the two is non-empty. */
  subscriptions: string[];
  managementGroups: string[];
  /** NCRONTAB schedule of the fleet audit timer. */
  auditSchedule: string;
  /** How long a per-cluster re-audit waits for more events before it runs. */
  debounceSeconds: number;
  /** Clusters per audit activity of a fleet audit. */
  chunkSize: number;
  /** Subscriptions per collection activity of a fleet audit (a management-group scope is collected whole). */
  collectBatch: number;
  /** An event touching more clusters than this starts a fleet audit of their subscriptions instead. */
  targetedLimit: number;
  blobConnectionString: string | undefined;
  blobEndpoint: string | undefined;
}

export const FUNCTIONS_DEFAULTS = { auditSchedule: "0 0 5 * * *", debounceSeconds: 120, chunkSize: 300, collectBatch: 50, targetedLimit: 50 } as const;

/**
 * The Functions app's settings: everything the CLI reads plus the app's own, validated together with
 * one message per bad or missing setting (never echoing a value: connection strings hold keys).
 */
export function loadFunctionsSettings(env: Record<string, string | undefined>): FunctionsSettings {
  const names = [...Object.values(SETTING_NAMES), ...Object.values(FUNCTIONS_SETTING_NAMES)];
  const picked = Object.fromEntries(names.map((k) => [k, env[k] === "" || env[k]?.trim() === "" ? undefined : env[k]]));
  const problems: string[] = [];
  const base = schema.safeParse(picked);
  const own = functionsSchema.safeParse(picked);
  for (const r of [base, own]) if (!r.success) for (const i of r.error.issues) problems.push(`setting ${String(i.path[0])}: ${i.message}`);
  if (base.success && own.success) {
    const b = base.data;
    const f = own.data;
    if (!b[SETTING_NAMES.tablesConnectionString] && !b[SETTING_NAMES.tablesEndpoint]) {
      problems.push(`setting ${SETTING_NAMES.tablesEndpoint} (or ${SETTING_NAMES.tablesConnectionString}): one is required — where verdicts are stored`);
    }
    if (!f[FUNCTIONS_SETTING_NAMES.blobConnectionString] && !f[FUNCTIONS_SETTING_NAMES.blobEndpoint]) {
      problems.push(`setting ${FUNCTIONS_SETTING_NAMES.blobEndpoint} (or ${FUNCTIONS_SETTING_NAMES.blobConnectionString}): one is required — where fleet snapshots are kept`);
    }
    const subs = f[FUNCTIONS_SETTING_NAMES.subscriptions]?.length ?? 0;
    const mgs = f[FUNCTIONS_SETTING_NAMES.managementGroups]?.length ?? 0;
    if (!subs && !mgs) {
      problems.push(`setting ${FUNCTIONS_SETTING_NAMES.subscriptions} (or ${FUNCTIONS_SETTING_NAMES.managementGroups}): one is required — what a fleet audit covers`);
    } else if (subs && mgs) {
      problems.push(`setting ${FUNCTIONS_SETTING_NAMES.managementGroups}: set it or ${FUNCTIONS_SETTING_NAMES.subscriptions}, not both — a fleet audit covers one or the other`);
    }
  }
  if (problems.length || !base.success || !own.success) {
    throw new SettingsError(`invalid settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  const settings = loadSettings(env);
  const f = own.data;
  return {
    ...settings,
    subscriptions: f[FUNCTIONS_SETTING_NAMES.subscriptions] ?? [],
    managementGroups: f[FUNCTIONS_SETTING_NAMES.managementGroups] ?? [],
    auditSchedule: f[FUNCTIONS_SETTING_NAMES.auditSchedule]?.trim() ?? FUNCTIONS_DEFAULTS.auditSchedule,
    debounceSeconds: f[FUNCTIONS_SETTING_NAMES.debounceSeconds] ?? FUNCTIONS_DEFAULTS.debounceSeconds,
    chunkSize: f[FUNCTIONS_SETTING_NAMES.chunkSize] ?? FUNCTIONS_DEFAULTS.chunkSize,
    collectBatch: f[FUNCTIONS_SETTING_NAMES.collectBatch] ?? FUNCTIONS_DEFAULTS.collectBatch,
    targetedLimit: f[FUNCTIONS_SETTING_NAMES.targetedLimit] ?? FUNCTIONS_DEFAULTS.targetedLimit,
    blobConnectionString: f[FUNCTIONS_SETTING_NAMES.blobConnectionString],
    blobEndpoint: f[FUNCTIONS_SETTING_NAMES.blobEndpoint]?.replace(/\/+$/, ""),
  };
}

/** The Functions app's entry point reads its settings through this (nothing else touches process.env). */
export function loadFunctionsSettingsFromProcess(): FunctionsSettings {
  return loadFunctionsSettings(process.env);
}

// ---- Compliance digest -----------------------------------------------------------------------------
// Read by the digest timer and `aks-backup-audit digest`. With no email endpoint or connection string,
// digests are written to the outbox folder instead of being sent.

export const DIGEST_SETTING_NAMES = {
  emailEndpoint: "AKS_BACKUP_AUDITOR_EMAIL_ENDPOINT",
  emailConnectionString: "AKS_BACKUP_AUDITOR_EMAIL_CONNECTION_STRING",
  emailSender: "AKS_BACKUP_AUDITOR_EMAIL_SENDER",
  recipients: "AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS",
  routes: "AKS_BACKUP_AUDITOR_DIGEST_ROUTES",
  schedule: "AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE",
  period: "AKS_BACKUP_AUDITOR_DIGEST_PERIOD",
  sendEmpty: "AKS_BACKUP_AUDITOR_DIGEST_SEND_EMPTY",
  outboxDir: "AKS_BACKUP_AUDITOR_DIGEST_OUTBOX_DIR",
  tagDomains: "AKS_BACKUP_AUDITOR_DIGEST_TAG_DOMAINS",
} as const;

export const DIGEST_DEFAULTS = { schedule: DEFAULT_DIGEST_SCHEDULE, period: "week", sendEmpty: false, outboxDir: ".aks-backup-auditor/outbox" } as const;

const BOOLEAN = z.enum(["true", "false", "1", "0", "yes", "no"], { error: 'must be "true" or "false"' }).transform((v) => v === "true" || v === "1" || v === "yes");

const digestSchema = z.object({
  [DIGEST_SETTING_NAMES.emailEndpoint]: z.url({ protocol: /^https$/, error: "must be an https URL such as https://<resource>.communication.azure.com" }).optional(),
  [DIGEST_SETTING_NAMES.emailConnectionString]: z
    .string()
    .regex(/^\s*endpoint=https:\/\/[^;]+;\s*accesskey=\S+\s*$/i, "must be an Azure Communication Services connection string (endpoint=https://…;accesskey=…)")
    .optional(),
  [DIGEST_SETTING_NAMES.emailSender]: z
    .string()
    .refine((v) => normaliseAddress(v) !== undefined, "must be an email address of a verified domain, such as DoNotReply@<domain>")
    .optional(),
  [DIGEST_SETTING_NAMES.recipients]: z
    .string()
    .transform((v, ctx) => {
      const { ok, bad } = parseAddressList(v);
      if (bad.length) ctx.addIssue({ code: "custom", message: `must be email addresses separated by commas; not addresses: ${bad.length}` });
      return ok;
    })
    .optional(),
  [DIGEST_SETTING_NAMES.routes]: z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be JSON: an array of routes such as [{"subscription":"<id>","to":["team@contoso.com"]},{"tag":"backup-owner"}]' });
        return z.NEVER;
      }
    })
    .pipe(RoutesSchema)
    .optional(),
  [DIGEST_SETTING_NAMES.schedule]: z
    .string()
    .superRefine((v, ctx) => {
      const problem = validateNcrontab(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  [DIGEST_SETTING_NAMES.period]: z.enum(PERIOD_KINDS, { error: 'must be "week" (ISO week, the default), "day" or "month"' }).optional(),
  [DIGEST_SETTING_NAMES.sendEmpty]: BOOLEAN.optional(),
  [DIGEST_SETTING_NAMES.outboxDir]: z.string().min(1).optional(),
  [DIGEST_SETTING_NAMES.tagDomains]: z
    .string()
    .transform((v) => v.split(/[\s,;]+/).filter((d) => d.length > 0))
    .refine((xs) => xs.every((d) => /^@?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(d)), "must be domain names separated by commas, e.g. contoso.com")
    .optional(),
});

export function loadDigestSettingsFromProcess(): DigestTickSettings {
  return loadDigestSettings(process.env);
}

export function loadDigestSettings(env: Record<string, string | undefined>): DigestTickSettings {
  const picked = Object.fromEntries(Object.values(DIGEST_SETTING_NAMES).map((k) => [k, env[k] === undefined || env[k]?.trim() === "" ? undefined : env[k]]));
  const r = digestSchema.safeParse(picked);
  const problems = r.success ? [] : r.error.issues.map((i) => `setting ${String(i.path[0])}: ${i.message}`);
  if (r.success) {
    const d = r.data;
    if ((d[DIGEST_SETTING_NAMES.emailEndpoint] || d[DIGEST_SETTING_NAMES.emailConnectionString]) && !d[DIGEST_SETTING_NAMES.emailSender]) {
      problems.push(`setting ${DIGEST_SETTING_NAMES.emailSender}: required with ${DIGEST_SETTING_NAMES.emailEndpoint} or ${DIGEST_SETTING_NAMES.emailConnectionString} — the sender address of a verified domain`);
    }
  }
  if (!r.success || problems.length) throw new SettingsError(problems.join("; "));
  const d = r.data;
  return {
    email: {
      endpoint: d[DIGEST_SETTING_NAMES.emailEndpoint]?.replace(/\/+$/, ""),
      connectionString: d[DIGEST_SETTING_NAMES.emailConnectionString]?.trim(),
      sender: d[DIGEST_SETTING_NAMES.emailSender]?.trim(),
    },
    digest: {
      recipients: d[DIGEST_SETTING_NAMES.recipients] ?? [],
      routes: (d[DIGEST_SETTING_NAMES.routes] ?? []) as Route[],
      schedule: d[DIGEST_SETTING_NAMES.schedule]?.trim() ?? DIGEST_DEFAULTS.schedule,
      period: d[DIGEST_SETTING_NAMES.period] ?? DIGEST_DEFAULTS.period,
      sendEmpty: d[DIGEST_SETTING_NAMES.sendEmpty] ?? DIGEST_DEFAULTS.sendEmpty,
      outboxDir: d[DIGEST_SETTING_NAMES.outboxDir] ?? DIGEST_DEFAULTS.outboxDir,
      tagDomains: (d[DIGEST_SETTING_NAMES.tagDomains] ?? []).map((x) => x.replace(/^@/, "").toLowerCase()),
    },
  };
}
