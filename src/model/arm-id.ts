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

/**
 * The normalised key of an id: lower-cased, one leading `/`, no trailing or doubled `/`. The common
 * case (an id as Azure prints it) costs one toLowerCase and three character checks.
 */
export function idKey(raw: string): string {
  const l = raw.toLowerCase();
  if (l.charCodeAt(0) === 47 && l.charCodeAt(l.length - 1) !== 47 && !l.includes("//")) return l;
  const segs = l.split("/").filter((x) => x.length > 0);
  return "/" + segs.join("/");
}

export function parseArmId(raw: string): ArmId {
  const key = idKey(raw);
  let subscriptionId: string | undefined;
  let resourceGroup: string | undefined;
  let name: string;
  if (key.length === raw.length) {
    // Well-formed: read the original casing by position, without splitting.
    if (key.startsWith("/subscriptions/")) {
      const e = raw.indexOf("/", 15);
      subscriptionId = raw.slice(15, e < 0 ? undefined : e);
      if (e > 0 && key.startsWith("/resourcegroups/", e)) {
        const g = raw.indexOf("/", e + 16);
        resourceGroup = raw.slice(e + 16, g < 0 ? undefined : g);
      }
    }
    name = raw.slice(raw.lastIndexOf("/") + 1);
  } else {
    const original = raw.split("/").filter((x) => x.length > 0);
    if (original[0]?.toLowerCase() === "subscriptions" && original[1] !== undefined) {
      subscriptionId = original[1];
      if (original[2]?.toLowerCase() === "resourcegroups" && original[3] !== undefined) resourceGroup = original[3];
    }
    name = original[original.length - 1] ?? "";
  }
  return {
    raw,
    key,
    get segments() {
      return key.split("/").filter((x) => x.length > 0);
    },
    subscriptionId: subscriptionId || undefined,
    resourceGroup: resourceGroup || undefined,
    name,
  };
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

const ancestorCache = new Map<string, readonly string[]>();

/** Every ancestor scope key of `key`, itself first, by whole segments, ending with `/`. Memoised. */
export function ancestorKeys(key: string): readonly string[] {
  const hit = ancestorCache.get(key);
  if (hit) return hit;
  const out: string[] = [];
  let k = key;
  while (k.length > 1) {
    out.push(k);
    const cut = k.lastIndexOf("/");
    k = cut <= 0 ? "/" : k.slice(0, cut);
  }
  out.push("/");
  if (ancestorCache.size > 100_000) ancestorCache.clear();
  ancestorCache.set(key, out);
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
  const prefix = "/providers/microsoft.management/managementgroups/";
  if (!key.startsWith(prefix)) return undefined;
  const name = key.slice(prefix.length);
  return name.length > 0 && !name.includes("/") ? name : undefined;
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
