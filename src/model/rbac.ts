/**
 * The RBAC reasoning the role checks need: "does role definition G grant everything role R grants?"
 *
 * Azure's effective permission set of a role is the union over its permission blocks of
 * (actions − notActions), and likewise for data actions; `*` matches any run of characters,
 * `/` included, and comparison is case-insensitive. G covers R when R's effective set is a subset of
 * G's. The test below is exact for single patterns (glob containment and glob intersection are
 * decided on the patterns themselves) and conservative elsewhere: when an R pattern is only covered
 * by the union of several G patterns, or a G not-action removes part of an R pattern that R removes
 * through several not-actions together, it answers "does not cover" — a `fail` a human can check,
 * never a false `pass`.
 */

export interface RoleDefinition {
  /** Trailing GUID of the role definition id, lower-cased. */
  guid: string;
  roleName: string;
  actions: readonly string[];
  notActions: readonly string[];
  dataActions: readonly string[];
  notDataActions: readonly string[];
}

/** Does glob `g` match every string that glob `r` matches? (`*` = any run, case-insensitive.) */
export function globContains(g: string, r: string): boolean {
  return containsAt(g.toLowerCase(), r.toLowerCase(), 0, 0, new Map());
}

function containsAt(g: string, r: string, i: number, j: number, memo: Map<number, boolean>): boolean {
  const k = i * (r.length + 1) + j;
  const m = memo.get(k);
  if (m !== undefined) return m;
  let res: boolean;
  if (i === g.length) res = j === r.length;
  else if (g[i] === "*") {
    // g's star absorbs zero or more of r's characters (literal or star).
    res = containsAt(g, r, i + 1, j, memo) || (j < r.length && containsAt(g, r, i, j + 1, memo));
  } else if (j === r.length || r[j] === "*") {
    // A literal in g cannot stand for r's star, which may expand to anything.
    res = false;
  } else res = g[i] === r[j] && containsAt(g, r, i + 1, j + 1, memo);
  memo.set(k, res);
  return res;
}

/** Is there any string both globs match? */
export function globsIntersect(a: string, b: string): boolean {
  return intersectAt(a.toLowerCase(), b.toLowerCase(), 0, 0, new Map());
}

function intersectAt(a: string, b: string, i: number, j: number, memo: Map<number, boolean>): boolean {
  const k = i * (b.length + 1) + j;
  const m = memo.get(k);
  if (m !== undefined) return m;
  let res: boolean;
  if (i === a.length && j === b.length) res = true;
  else if (i < a.length && a[i] === "*") res = intersectAt(a, b, i + 1, j, memo) || (j < b.length && intersectAt(a, b, i, j + 1, memo));
  else if (j < b.length && b[j] === "*") res = intersectAt(a, b, i, j + 1, memo) || (i < a.length && intersectAt(a, b, i + 1, j, memo));
  else if (i === a.length || j === b.length) res = false;
  else res = a[i] === b[j] && intersectAt(a, b, i + 1, j + 1, memo);
  memo.set(k, res);
  return res;
}

/** Is every string `r` matches, outside R's own exclusions, granted by (gAllow − gDeny)? */
function patternCovered(r: string, rDeny: readonly string[], gAllow: readonly string[], gDeny: readonly string[]): boolean {
  if (rDeny.some((n) => globContains(n, r))) return true; // R grants nothing through r
  if (!gAllow.some((g) => globContains(g, r))) return false;
  for (const n of gDeny) {
    if (!globsIntersect(n, r)) continue;
    // G removes part of r; fine only if R removes that part too.
    if (!rDeny.some((rn) => globContains(rn, n))) return false;
  }
  return true;
}

function setCovered(rAllow: readonly string[], rDeny: readonly string[], gAllow: readonly string[], gDeny: readonly string[]): boolean {
  return rAllow.every((r) => patternCovered(r, rDeny, gAllow, gDeny));
}

/** Does `granted` grant everything `required` grants? A role always covers itself. */
export function roleCovers(granted: RoleDefinition, required: RoleDefinition): boolean {
  if (granted.guid === required.guid && granted.guid !== "") return true;
  return (
    setCovered(required.actions, required.notActions, granted.actions, granted.notActions) &&
    setCovered(required.dataActions, required.notDataActions, granted.dataActions, granted.notDataActions)
  );
}
