/**
 * Case-insensitive property access over untrusted JSON. Resource Graph returns some tables with
 * PascalCase property names (`properties.ExtensionType`) where ARM returns camelCase
 * (`properties.extensionType`), so every read of an Azure object goes through these helpers.
 * They never throw: a missing or wrong-typed value is `undefined`, which checks turn into `unknown`.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One level: exact key first, then a case-insensitive match. */
export function field(obj: unknown, key: string): unknown {
  if (!isObject(obj)) return undefined;
  const exact = obj[key];
  if (exact !== undefined) return exact;
  // Miss: a case-insensitive scan. Only same-length keys are lower-cased, so a missing optional
  // field (the common miss) allocates nothing.
  const n = key.length;
  let lower: string | undefined;
  for (const k in obj) {
    if (k.length !== n) continue;
    lower ??= key.toLowerCase();
    if (k.toLowerCase() === lower) return obj[k];
  }
  return undefined;
}

/** A path of keys, each matched case-insensitively. */
export function path(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    cur = field(cur, k);
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function str(obj: unknown, ...keys: string[]): string | undefined {
  const v = path(obj, ...keys);
  return typeof v === "string" ? v : undefined;
}

export function bool(obj: unknown, ...keys: string[]): boolean | undefined {
  const v = path(obj, ...keys);
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const l = v.toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
  }
  return undefined;
}

export function arr(obj: unknown, ...keys: string[]): unknown[] | undefined {
  const v = path(obj, ...keys);
  return Array.isArray(v) ? v : undefined;
}

export function obj(o: unknown, ...keys: string[]): JsonObject | undefined {
  const v = path(o, ...keys);
  return isObject(v) ? v : undefined;
}

/** Strings of an array, skipping non-strings. */
export function strings(o: unknown, ...keys: string[]): string[] {
  const a = arr(o, ...keys);
  return a ? a.filter((x): x is string => typeof x === "string") : [];
}

export function eqi(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** `West Europe` → `westeurope`. */
export function normaliseLocation(loc: string): string {
  return loc.replace(/\s+/g, "").toLowerCase();
}
