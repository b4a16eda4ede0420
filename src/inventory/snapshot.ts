/**
 * The offline inventory source: snapshot files (contracts.md §1). Three shapes are accepted — our own
 * envelope, a bare array of resources, and Resource Graph output (`az graph query` JSON or the REST
 * answer) — and any number of files is merged with duplicates (by case-insensitive id) removed; the
 * later file wins, so a re-collected object replaces an older copy.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { idKey } from "../model/arm-id.js";
import type { FleetInput } from "../model/fleet.js";
import { isObject, type JsonObject } from "../model/props.js";
import { kindOfType, typeOf } from "../model/resource.js";
import { KINDS, type CollectionError, type Kind } from "../model/types.js";

export const SNAPSHOT_SCHEMA = "aks-backup-auditor/snapshot@1";

export class SnapshotError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly index?: number,
  ) {
    super(`${file}: ${index === undefined ? "" : `resources[${index}]: `}${detail}`);
    this.name = "SnapshotError";
  }
}

const errorSchema = z.object({
  kind: z.string().min(1),
  subscriptionId: z.string().optional(),
  resourceId: z.string().optional(),
  message: z.string(),
});

const envelopeSchema = z.looseObject({
  schema: z.literal(SNAPSHOT_SCHEMA).optional(),
  collectedAt: z.iso.datetime({ offset: true }).optional(),
  scope: z
    .looseObject({
      subscriptions: z.array(z.string()).optional(),
      managementGroups: z.array(z.string()).optional(),
    })
    .optional(),
  collected: z.array(z.string()).optional(),
  errors: z.array(errorSchema).optional(),
  resources: z.array(z.unknown()),
});

const graphSchema = z.looseObject({
  data: z.array(z.unknown()),
  count: z.number().optional(),
  totalRecords: z.number().optional(),
});

/** An element must be an object with a non-empty string id; everything else about it is Azure's. */
const elementSchema = z.looseObject({ id: z.string().min(1) });

export interface ParsedSnapshot {
  file: string;
  resources: JsonObject[];
  collectedAt: Date | undefined;
  /** Kinds the file declares; undefined when it declares none. */
  declared: Kind[] | undefined;
  errors: CollectionError[];
  scope: { subscriptions: string[]; managementGroups: string[] };
  warnings: string[];
}

function formatIssue(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return "invalid";
  const where = i.path.length ? i.path.join(".") + ": " : "";
  return where + i.message;
}

/** Validate a parsed JSON document as a snapshot. */
export function parseSnapshotDocument(doc: unknown, file: string): ParsedSnapshot {
  let items: unknown[];
  let collectedAt: Date | undefined;
  let declared: Kind[] | undefined;
  let errors: CollectionError[] = [];
  const warnings: string[] = [];
  const scope = { subscriptions: [] as string[], managementGroups: [] as string[] };

  if (Array.isArray(doc)) items = doc;
  else if (isObject(doc) && "resources" in doc) {
    const env = envelopeSchema.safeParse(doc);
    if (!env.success) {
      const issue = env.error.issues[0];
      if (issue?.path[0] === "schema") {
        throw new SnapshotError(file, `unsupported schema ${JSON.stringify(doc["schema"])} (expected "${SNAPSHOT_SCHEMA}")`);
      }
      throw new SnapshotError(file, formatIssue(env.error));
    }
    items = env.data.resources;
    if (env.data.collectedAt) collectedAt = new Date(env.data.collectedAt);
    if (env.data.collected) {
      declared = [];
      for (const k of env.data.collected) {
        const kind = KINDS.find((x) => x.toLowerCase() === k.toLowerCase());
        if (kind) declared.push(kind);
        else warnings.push(`${file}: ignoring unknown kind "${k}" in "collected" (known: ${KINDS.join(", ")})`);
      }
    }
    errors = env.data.errors ?? [];
    scope.subscriptions = env.data.scope?.subscriptions ?? [];
    scope.managementGroups = env.data.scope?.managementGroups ?? [];
  } else if (isObject(doc) && "data" in doc) {
    const g = graphSchema.safeParse(doc);
    if (!g.success) throw new SnapshotError(file, `Resource Graph answer: ${formatIssue(g.error)}`);
    items = g.data.data;
    const skip = doc["$skipToken"] ?? doc["skip_token"];
    if (typeof skip === "string" && skip.length > 0) {
      warnings.push(`${file}: this Resource Graph page has a skip token: more rows exist than the file holds`);
    }
  } else {
    throw new SnapshotError(
      file,
      'no resource array: expected a snapshot ({"resources": [...]}), a JSON array of resources, or Resource Graph output ({"data": [...]})',
    );
  }

  for (let i = 0; i < items.length; i++) {
    const el = items[i];
    // Fast path for the common, valid case; the schema explains anything else.
    if (isObject(el) && typeof el["id"] === "string" && el["id"].length > 0) continue;
    const r = elementSchema.safeParse(el);
    const what = r.success ? "invalid" : el === null || typeof el !== "object" || Array.isArray(el) ? `expected an object, got ${Array.isArray(el) ? "an array" : el === null ? "null" : typeof el}` : `id: ${formatIssue(r.error)}`;
    throw new SnapshotError(file, what, i);
  }
  return { file, resources: items as JsonObject[], collectedAt, declared, errors, scope, warnings };
}

export async function readSnapshotFile(file: string): Promise<ParsedSnapshot> {
  let text: string;
  try {
    // Synchronous on purpose: one large sequential read is fastest, and nothing else runs meanwhile.
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SnapshotError(file, code === "ENOENT" ? "file not found" : `cannot read: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(file, `not valid JSON: ${(e as Error).message}`);
  }
  text = "";
  return parseSnapshotDocument(doc, file);
}

export interface MergedSnapshot extends FleetInput {
  files: string[];
  scope: { subscriptions: string[]; managementGroups: string[] };
  warnings: string[];
}

/**
 * Merge parsed files. Collected kinds: a file that declares `collected` contributes exactly those
 * kinds; a file that declares none contributes every kind it holds at least one object of.
 */
export function mergeSnapshots(parts: readonly ParsedSnapshot[], opts: { onlyTypes?: ReadonlySet<string> } = {}): MergedSnapshot {
  const only = opts.onlyTypes;
  const byKey = new Map<string, JsonObject>();
  const collected = new Set<Kind>();
  const errors: CollectionError[] = [];
  const warnings: string[] = [];
  const subs = new Set<string>();
  const mgs = new Set<string>();
  let collectedAt: Date | undefined;
  for (const p of parts) {
    for (const raw of p.resources) {
      const t = raw["type"];
      // Types nothing reads (VMs, disks, NICs…) are dropped before they cost a key; objects
      // without a type (provider registrations) are always kept.
      if (only && typeof t === "string" && t !== "" && !only.has(t.toLowerCase())) continue;
      const key = idKey(raw["id"] as string);
      if (byKey.has(key)) byKey.delete(key); // keep the later copy, in the later position
      byKey.set(key, raw);
      if (!p.declared) {
        const kind = kindOfType(typeOf(raw));
        if (kind) collected.add(kind);
      }
    }
    if (p.declared) for (const k of p.declared) collected.add(k);
    errors.push(...p.errors);
    warnings.push(...p.warnings);
    p.scope.subscriptions.forEach((s) => subs.add(s));
    p.scope.managementGroups.forEach((s) => mgs.add(s));
    if (p.collectedAt && (!collectedAt || p.collectedAt > collectedAt)) collectedAt = p.collectedAt;
  }
  return {
    resources: [...byKey.values()],
    collected,
    errors,
    collectedAt,
    files: parts.map((p) => p.file),
    scope: { subscriptions: [...subs], managementGroups: [...mgs] },
    warnings,
  };
}

export async function readSnapshots(files: readonly string[], opts: { onlyTypes?: ReadonlySet<string> } = {}): Promise<MergedSnapshot> {
  const parts: ParsedSnapshot[] = [];
  for (const f of files) parts.push(await readSnapshotFile(f)); // one at a time: bounded memory
  return mergeSnapshots(parts, opts);
}
