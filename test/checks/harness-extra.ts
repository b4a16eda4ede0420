/**
 * Helpers for the per-check table tests, beside harness.ts: Microsoft's published example payloads,
 * builders for the kinds harness.ts does not build (policy, subscriptions, networks), and one
 * assertion that every table row goes through.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { isObject, path, type JsonObject } from "../../src/model/props.js";
import { KINDS, type CheckResult, type Kind, type Status } from "../../src/model/types.js";
import { RG, SUB, cluster, run, type RunOptions } from "./harness.js";

/** A file of ../shared/azure-examples (relative to the repo root), parsed. */
export function example(rel: string): JsonObject {
  const text = readFileSync(new URL(`../../../shared/azure-examples/${rel}`, import.meta.url), "utf8");
  const v = JSON.parse(text) as unknown;
  if (!isObject(v)) throw new Error(`${rel} is not a JSON object`);
  return v;
}

/** The response body of an example (`responses[code].body`). */
export function exampleBody(rel: string, code = "200"): JsonObject {
  return objectAt(example(rel), "responses", code, "body");
}

/** An object at a path, or a thrown error naming the path (test inputs must be what we think). */
export function objectAt(o: unknown, ...keys: string[]): JsonObject {
  const v = path(o, ...keys);
  if (!isObject(v)) throw new Error(`no object at ${keys.join(".")}`);
  return structuredClone(v);
}

/** Every kind except these: "X was not collected". */
export function allKindsBut(...kinds: Kind[]): Kind[] {
  return KINDS.filter((k) => !kinds.includes(k));
}

/** A copy of a resource with `properties` replaced wholesale (no deep merge). */
export function withProperties(r: JsonObject, properties: JsonObject): JsonObject {
  return { ...r, properties };
}

/** The cluster builder with the Azure Policy add-on on. */
export function policyCluster(patch: Record<string, unknown> = {}): JsonObject {
  const c = cluster(patch);
  const props = objectAt(c, "properties");
  props["addonProfiles"] = { azurepolicy: { enabled: true, config: null } };
  return { ...c, properties: props };
}

export const RG_ID = `/subscriptions/${SUB}/resourceGroups/${RG}`;
export const SUB_ID = `/subscriptions/${SUB}`;
export const mgId = (name: string): string => `/providers/Microsoft.Management/managementGroups/${name}`;

export interface AssignmentOptions {
  excludedNamespaces?: string[];
  effect?: string;
  enforcementMode?: "Default" | "DoNotEnforce";
  notScopes?: string[];
  definitionId?: string;
}

/** An ARM-shaped policy assignment (GET /{scope}/providers/Microsoft.Authorization/policyAssignments/{name}). */
export function policyAssignment(name: string, scope: string, o: AssignmentOptions = {}): JsonObject {
  const parameters: JsonObject = {};
  if (o.excludedNamespaces) parameters["excludedNamespaces"] = { value: o.excludedNamespaces };
  if (o.effect) parameters["effect"] = { value: o.effect };
  const properties: JsonObject = {
    displayName: `${name} (display)`,
    policyDefinitionId: o.definitionId ?? "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4",
    scope,
    notScopes: o.notScopes ?? [],
    enforcementMode: o.enforcementMode ?? "Default",
    parameters,
  };
  return {
    id: `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/policyAssignments",
    location: "westeurope",
    properties,
  };
}

/** An ARM-shaped policy definition (built-in id form). */
export function policyDefinition(guid: string, o: { mode?: string; effectDefault?: string; excludedDefault?: string[] } = {}): JsonObject {
  const parameters: JsonObject = {};
  if (o.effectDefault) parameters["effect"] = { type: "String", defaultValue: o.effectDefault, allowedValues: ["audit", "deny", "disabled"] };
  if (o.excludedDefault) parameters["excludedNamespaces"] = { type: "Array", defaultValue: o.excludedDefault };
  return {
    id: `/providers/Microsoft.Authorization/policyDefinitions/${guid}`,
    name: guid,
    type: "Microsoft.Authorization/policyDefinitions",
    properties: { displayName: `definition ${guid}`, policyType: "BuiltIn", mode: o.mode ?? "Microsoft.Kubernetes.Data", parameters },
  };
}

/** An ARM-shaped policy set definition (initiative) listing member definition ids. */
export function policySetDefinition(guid: string, memberIds: string[]): JsonObject {
  return {
    id: `/providers/Microsoft.Authorization/policySetDefinitions/${guid}`,
    name: guid,
    type: "Microsoft.Authorization/policySetDefinitions",
    properties: {
      displayName: `initiative ${guid}`,
      policyType: "BuiltIn",
      policyDefinitions: memberIds.map((id, i) => ({ policyDefinitionId: id, policyDefinitionReferenceId: `ref${i}` })),
    },
  };
}

/** A subscription as Resource Graph's `resourcecontainers` returns it, optionally with its management-group ancestry. */
export function subscription(chain?: string[], subscriptionId = SUB): JsonObject {
  const properties: JsonObject = { state: "Enabled" };
  if (chain) properties["managementGroupAncestorsChain"] = chain.map((name) => ({ name, displayName: `MG ${name}` }));
  return { id: `/subscriptions/${subscriptionId}`, name: "Prod subscription", type: "microsoft.resources/subscriptions", subscriptionId, properties };
}

export const NET_RG = "rg-net";
export const VNET_ID = `/subscriptions/${SUB}/resourceGroups/${NET_RG}/providers/Microsoft.Network/virtualNetworks/vnet-aks`;
export const subnetId = (name: string, vnetId = VNET_ID): string => `${vnetId}/subnets/${name}`;
export const nsgId = (name: string): string => `/subscriptions/${SUB}/resourceGroups/${NET_RG}/providers/Microsoft.Network/networkSecurityGroups/${name}`;

/** An ARM-shaped virtual network; `subnets` maps subnet name → NSG name (or undefined for none). */
export function virtualNetwork(subnets: Record<string, string | undefined>, id = VNET_ID): JsonObject {
  return {
    id,
    name: id.split("/").pop() ?? "vnet",
    type: "Microsoft.Network/virtualNetworks",
    location: "westeurope",
    properties: {
      addressSpace: { addressPrefixes: ["10.224.0.0/12"] },
      subnets: Object.entries(subnets).map(([name, nsg], i) => {
        const props: JsonObject = { addressPrefix: `10.224.${i}.0/24`, provisioningState: "Succeeded" };
        if (nsg) props["networkSecurityGroup"] = { id: nsgId(nsg) };
        return { id: subnetId(name, id), name, properties: props };
      }),
    },
  };
}

export interface Rule {
  direction?: "Inbound" | "Outbound";
  access?: "Allow" | "Deny";
  source?: string;
  sources?: string[];
  priority?: number;
}

/** An ARM-shaped NSG whose security rules nest their fields under `properties`, as ARM returns them. */
export function networkSecurityGroup(name: string, rules: Rule[]): JsonObject {
  return {
    id: nsgId(name),
    name,
    type: "Microsoft.Network/networkSecurityGroups",
    location: "westeurope",
    properties: {
      securityRules: rules.map((r, i) => {
        const props: JsonObject = {
          protocol: "*",
          sourcePortRange: "*",
          destinationPortRange: "*",
          destinationAddressPrefix: "VirtualNetwork",
          access: r.access ?? "Allow",
          priority: r.priority ?? 100 + i * 10,
          direction: r.direction ?? "Inbound",
        };
        if (r.source !== undefined) props["sourceAddressPrefix"] = r.source;
        if (r.sources !== undefined) props["sourceAddressPrefixes"] = r.sources;
        return { id: `${nsgId(name)}/securityRules/rule${i}`, name: `rule${i}`, properties: props };
      }),
    },
  };
}

/** The cluster with its agent pools on the given subnets (one pool per subnet id). */
export function clusterOnSubnets(...subnetIds: string[]): JsonObject {
  const c = cluster();
  const props = objectAt(c, "properties");
  props["agentPoolProfiles"] = subnetIds.map((s, i) => ({ name: `pool${i}`, count: 3, vmSize: "Standard_D4s_v5", mode: i === 0 ? "System" : "User", vnetSubnetID: s }));
  return { ...c, properties: props };
}

/** One row of a check's table. */
export interface Case {
  name: string;
  resources: readonly JsonObject[];
  options?: RunOptions;
  status: Status;
  /** Substrings (or patterns) the evidence must contain. */
  evidence?: readonly (string | RegExp)[];
  /** Substrings the evidence must not contain. */
  notEvidence?: readonly string[];
  /** For fail/warn (required there): substrings (or patterns) the remediation must contain. */
  remediation?: readonly (string | RegExp)[];
}

function contains(haystack: string, needle: string | RegExp, what: string): void {
  if (typeof needle === "string") expect(haystack, what).toContain(needle);
  else expect(haystack, what).toMatch(needle);
}

/** Run one table row and assert exactly: status, evidence, remediation (present only for fail/warn). */
export function expectCase(checkId: string, c: Case): CheckResult {
  const r = run(checkId, c.resources, c.options);
  expect(r.id).toBe(checkId);
  expect(r.status, `evidence: ${r.evidence}`).toBe(c.status);
  expect(r.evidence.trim().length).toBeGreaterThan(0);
  for (const e of c.evidence ?? []) contains(r.evidence, e, "evidence");
  for (const e of c.notEvidence ?? []) expect(r.evidence, "evidence").not.toContain(e);
  if (r.status === "fail" || r.status === "warn") {
    if (!c.remediation?.length) throw new Error(`case "${c.name}" is ${r.status}: say what its remediation must contain`);
    expect(r.remediation, "remediation").toBeTypeOf("string");
    for (const e of c.remediation) contains(r.remediation ?? "", e, "remediation");
  } else {
    expect(r.remediation, "remediation only for fail/warn").toBeUndefined();
  }
  return r;
}

/** `--resource-group rg-aks --name aks-1 --subscription …`: the cluster's own ids, as every `az aks` fix names them. */
export const AZ_TARGET = `--resource-group ${RG} --name aks-1 --subscription ${SUB}`;
/** The k8s-extension target of the harness cluster. */
export const EXT_TARGET = `--cluster-type managedClusters --cluster-name aks-1 --resource-group ${RG} --subscription ${SUB}`;

