/**
 * ARM resource ids as values. ARM ids are case-insensitive everywhere, Resource Graph lower-cases
 * some segments (`resourcegroups`) and not others, and users paste ids with trailing slashes, so
 * ids are parsed once into a normalised key and every comparison uses that key.
 */

export interface ArmId {
  /** The id exactly as it appeared in the input. */
  readonly raw: string;
  /** Lower-cased, leading `/`, no trailing or doubled `/`. `/` for the root scope. */
  readonly key: string;
  /** The segments of `key` (lower-cased). */
  readonly segments: readonly string[];
  /** Subscription GUID as written in the input (original casing), when the id is under a subscription. */
  readonly subscriptionId: string | undefined;
  /** Resource group name as written in the input, when the id is under one. */
  readonly resourceGroup: string | undefined;
  /** Last segment in its original casing (the resource's name). */
  readonly name: string;
}

const cache = new Map<string, ArmId>();

export function parseArmId(raw: string): ArmId {
  const hit = cache.get(raw);
  if (hit) return hit;
  const original = raw.split("/").filter((s) => s.length > 0);
  const segments = original.map((s) => s.toLowerCase());
  const key = "/" + segments.join("/");
  let subscriptionId: string | undefined;
  let resourceGroup: string | undefined;
  if (segments[0] === "subscriptions" && original[1] !== undefined) {
    subscriptionId = original[1];
    if (segments[2] === "resourcegroups" && original[3] !== undefined) resourceGroup = original[3];
  }
  const id: ArmId = {
    raw,
    key,
    segments,
    subscriptionId,
    resourceGroup,
    name: original[original.length - 1] ?? "",
  };
  if (cache.size > 500_000) cache.clear();
  cache.set(raw, id);
  return id;
}

/** Normalised key of an id string (see {@link ArmId.key}). */
export function idKey(raw: string): string {
  return parseArmId(raw).key;
}

/**
 * True when `scope` is `target` itself or one of its ancestors, by whole path segments:
 * `/subscriptions/s/resourceGroups/rg-a` is not an ancestor of `/subscriptions/s/resourceGroups/rg-ab`.
 */
export function isSameOrAncestor(scopeKey: string, targetKey: string): boolean {
  if (scopeKey === "/") return true;
  if (targetKey === scopeKey) return true;
  return targetKey.length > scopeKey.length && targetKey.charCodeAt(scopeKey.length) === 47 /* / */ && targetKey.startsWith(scopeKey);
}

/** Every ancestor scope key of `key`, itself first, by whole segments, ending with `/`. */
export function ancestorKeys(key: string): string[] {
  const segs = key.split("/").filter((s) => s.length > 0);
  const out: string[] = [];
  for (let n = segs.length; n > 0; n--) out.push("/" + segs.slice(0, n).join("/"));
  out.push("/");
  return out;
}

/** The id of the parent resource by ARM's type chain (`…/a/x/b/y` → `…/a/x`), or undefined. */
export function parentKey(key: string): string | undefined {
  const segs = key.split("/").filter((s) => s.length > 0);
  if (segs.length < 2) return undefined;
  return "/" + segs.slice(0, segs.length - 2).join("/");
}

export function managementGroupKey(name: string): string {
  return `/providers/microsoft.management/managementgroups/${name.toLowerCase()}`;
}

/** True when the key is a management-group scope; returns its name (lower-cased). */
export function managementGroupName(key: string): string | undefined {
  const m = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/.exec(key);
  return m?.[1];
}

export function subscriptionKey(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}

export function resourceGroupKey(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}/resourcegroups/${resourceGroup.toLowerCase()}`;
}

/** The trailing GUID (last segment) of a role definition id, lower-cased. */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  const segs = roleDefinitionId.split("/").filter((s) => s.length > 0);
  return (segs[segs.length - 1] ?? "").toLowerCase();
}
