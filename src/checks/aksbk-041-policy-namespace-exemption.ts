/**
 * AKSBK-041. Choices where checks.md leaves room:
 * - An assignment at a management group whose ancestry for the cluster's subscription is not in the
 *   input "might cover" the cluster: if it would leave the namespace in scope, the check is `unknown`.
 * - An initiative counts as Kubernetes when any member definition in the input has mode
 *   Microsoft.Kubernetes.Data; when none does but some members are not in the input, its kind cannot
 *   be told (listed in the evidence, not deciding), like an assignment whose definition is absent.
 * - An unknown effect (no parameter, definition not in the input) counts as enforcing.
 */
import { ancestorKeys, idKey, isSameOrAncestor, managementGroupKey } from "../model/arm-id.js";
import { arr, bool, eqi, isObject, path, str, strings } from "../model/props.js";
import type { Res } from "../model/resource.js";
import { TYPES } from "../model/resource.js";
import { shellArg, type ClusterView } from "./cluster-view.js";
import { DOCS, defineCheck, fail, notApplicable, pass, unknown } from "./define-check.js";

export const BACKUP_NAMESPACE = "dataprotection-microsoft";
const K8S_MODE = "microsoft.kubernetes.data";

interface Verdict {
  res: Res;
  name: string;
  scope: string;
  kind: "ok" | "leaves" | "not-enforcing" | "not-kubernetes" | "undetermined";
  excluded: string[] | undefined;
}

function paramValue(a: Res, name: string): unknown {
  return path(a.raw, "properties", "parameters", name, "value");
}

function definitionOf(c: ClusterView, a: Res): Res | undefined {
  const id = str(a.raw, "properties", "policyDefinitionId");
  return id ? c.fleet.byKey.get(idKey(id)) : undefined;
}

/** Is the definition (or initiative) a Kubernetes policy? `undefined`: cannot tell (initiative members not in the input). */
function isKubernetesDefinition(c: ClusterView, def: Res): boolean | undefined {
  if (def.type === TYPES.policySetDefinition) {
    let missing = false;
    for (const m of arr(def.raw, "properties", "policyDefinitions") ?? []) {
      const id = str(m, "policyDefinitionId");
      const member = id ? c.fleet.byKey.get(idKey(id)) : undefined;
      if (member === undefined) missing = true;
      else if (eqi(str(member.raw, "properties", "mode"), K8S_MODE)) return true;
    }
    return missing ? undefined : false;
  }
  return eqi(str(def.raw, "properties", "mode"), K8S_MODE);
}

function judge(c: ClusterView, a: Res): Verdict {
  const name = str(a.raw, "properties", "displayName") ?? a.name;
  const scope = str(a.raw, "properties", "scope") ?? a.id.raw;
  const def = definitionOf(c, a);
  const assigned = paramValue(a, "excludedNamespaces");
  const assignedList = Array.isArray(assigned) ? assigned.filter((x): x is string => typeof x === "string") : undefined;
  const base = { res: a, name, scope };
  // An initiative whose members are not in the input cannot be told apart either: it is listed, not dropped.
  const isK8s = assignedList !== undefined ? true : def !== undefined ? isKubernetesDefinition(c, def) : undefined;
  if (isK8s !== true) return { ...base, kind: isK8s === false ? "not-kubernetes" : "undetermined", excluded: undefined };
  if (eqi(str(a.raw, "properties", "enforcementMode"), "DoNotEnforce")) return { ...base, kind: "not-enforcing", excluded: assignedList };
  const effectParam = paramValue(a, "effect");
  const effect = typeof effectParam === "string" ? effectParam : str(def?.raw, "properties", "parameters", "effect", "defaultValue");
  if (effect && ["audit", "disabled"].includes(effect.toLowerCase())) return { ...base, kind: "not-enforcing", excluded: assignedList };
  // Without an assigned value the definition's default applies; the built-in defaults do not list the namespace.
  // `excluded` stays undefined when that default is not in the input either, so the fix keeps the
  // built-in exclusions (kube-system…) instead of replacing them with the backup namespace alone.
  const defaults = arr(def?.raw, "properties", "parameters", "excludedNamespaces", "defaultValue");
  const excluded = assignedList ?? defaults?.filter((x): x is string => typeof x === "string");
  return { ...base, kind: excluded?.some((n) => n.toLowerCase() === BACKUP_NAMESPACE) ? "ok" : "leaves", excluded };
}

function excludedByNotScopes(c: ClusterView, a: Res): boolean {
  return strings(a.raw, "properties", "notScopes").some((ns) => isSameOrAncestor(idKey(ns), c.key));
}

export default defineCheck({
  id: "AKSBK-041",
  slug: "policy-namespace-exemption",
  severity: "low",
  title: "Azure Policy for Kubernetes exempts the dataprotection-microsoft namespace",
  rationale:
    "If you use Azure Policy in your AKS cluster, the extension namespace dataprotection-microsoft must be excluded from those policies so that backup and restore operations can run.",
  docsUrl: DOCS.policy,
  evaluate(c) {
    const addon = c.prop("addonProfiles");
    const policyAddon = isObject(addon) ? Object.entries(addon).find(([k]) => k.toLowerCase() === "azurepolicy")?.[1] : undefined;
    if (bool(policyAddon, "enabled") !== true) return notApplicable("the Azure Policy add-on is not enabled on the cluster");
    const nc = c.notCollected("policyAssignments");
    if (nc) return unknown(nc);

    const chain = c.fleet.managementGroupsOf(c.subscriptionId);
    const certain: Res[] = [];
    for (const k of ancestorKeys(c.key)) certain.push(...(c.fleet.policyAssignmentsByScope.get(k) ?? []));
    const possible: Res[] = [];
    if (chain) for (const mg of chain) certain.push(...(c.fleet.policyAssignmentsByScope.get(managementGroupKey(mg)) ?? []));
    else possible.push(...c.fleet.policyAssignmentsAtManagementGroups);

    const verdicts = certain.filter((a) => !excludedByNotScopes(c, a)).map((a) => judge(c, a));
    const maybe = possible.filter((a) => !excludedByNotScopes(c, a)).map((a) => judge(c, a));
    const leaves = verdicts.filter((v) => v.kind === "leaves");
    const undetermined = [...verdicts, ...maybe].filter((v) => v.kind === "undetermined");
    const note = undetermined.length
      ? `; not decidable (no excludedNamespaces, definition not in the input): ${undetermined.map((v) => `"${v.name}" at ${v.scope}`).join(", ")}`
      : "";
    if (leaves.length) {
      return fail(
        `enforcing Kubernetes policy assignment(s) leave ${BACKUP_NAMESPACE} in scope: ${leaves.map((v) => `"${v.name}" at ${v.scope} (excludedNamespaces: ${v.excluded === undefined ? "not set; the definition's default is not in the input" : v.excluded.length ? v.excluded.join(", ") : "none"})`).join("; ")}${note}`,
        leaves.map((v) => policyFix(v)).join("\n"),
      );
    }
    const maybeLeaves = maybe.filter((v) => v.kind === "leaves");
    if (maybeLeaves.length) {
      return unknown(
        `assignment(s) at management groups may cover the cluster (the subscription's management-group ancestry is not in the input) and leave ${BACKUP_NAMESPACE} in scope: ${maybeLeaves.map((v) => `"${v.name}" at ${v.scope}`).join(", ")}`,
      );
    }
    const ok = verdicts.filter((v) => v.kind === "ok");
    return pass(
      ok.length
        ? `every enforcing Kubernetes policy assignment covering the cluster excludes ${BACKUP_NAMESPACE} (${ok.map((v) => `"${v.name}"`).join(", ")})${note}`
        : `no enforcing Kubernetes policy assignment covers the cluster${note}`,
    );
  },
});

function policyFix(v: Verdict): string {
  const list = [...(v.excluded ?? ["kube-system", "gatekeeper-system", "azure-arc"]), BACKUP_NAMESPACE];
  const params = JSON.stringify({ excludedNamespaces: { value: list } });
  return `az policy assignment update --name ${shellArg(v.res.name)} --scope ${v.scope} --params ${shellArg(params)}`;
}

