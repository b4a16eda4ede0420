import { describe, it } from "vitest";
import { CLUSTER_ID, SUB, cluster } from "./harness.js";
import {
  RG_ID,
  SUB_ID,
  allKindsBut,
  expectCase,
  mgId,
  objectAt,
  policyAssignment,
  policyCluster,
  policyDefinition,
  policySetDefinition,
  subscription,
  type Case,
} from "./harness-extra.js";

const ID = "AKSBK-041";
const NS = "dataprotection-microsoft";
const BUILTIN_DEFAULTS = ["kube-system", "gatekeeper-system", "azure-arc"];
const K8S_DEF = "95edb821-ddaf-4404-9732-666045e056b4";
const K8S_DEF_ID = `/providers/Microsoft.Authorization/policyDefinitions/${K8S_DEF}`;
const INDEXED_DEF = "871b6d14-10aa-478d-b590-94f262ecfa99";
const SET_ID = "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d";

const exempt = (name: string, scope: string, extra: Parameters<typeof policyAssignment>[2] = {}) =>
  policyAssignment(name, scope, { excludedNamespaces: [...BUILTIN_DEFAULTS, NS], effect: "deny", ...extra });
const leaves = (name: string, scope: string, extra: Parameters<typeof policyAssignment>[2] = {}) =>
  policyAssignment(name, scope, { excludedNamespaces: BUILTIN_DEFAULTS, effect: "deny", ...extra });

/** `az policy assignment update` for this assignment, adding the namespace to its list. */
const fix = (name: string, scope: string, list = BUILTIN_DEFAULTS) => [
  `az policy assignment update --name ${name} --scope ${scope} --params '${JSON.stringify({ excludedNamespaces: { value: [...list, NS] } })}'`,
];

/** The cluster with addonProfiles replaced wholesale. */
const addon = (profiles: Record<string, unknown>) => {
  const c = cluster();
  return { ...c, properties: { ...objectAt(c, "properties"), addonProfiles: profiles as never } };
};

const cases: Case[] = [
  // The add-on decides applicability first.
  { name: "add-on absent → not_applicable", resources: [cluster(), leaves("psa", SUB_ID)], status: "not_applicable", evidence: ["Azure Policy add-on"] },
  {
    name: "add-on absent → not_applicable even when policyAssignments were not collected",
    resources: [cluster()],
    options: { collected: allKindsBut("policyAssignments", "policyDefinitions") },
    status: "not_applicable",
  },
  { name: "add-on enabled false → not_applicable", resources: [addon({ azurepolicy: { enabled: false } }), leaves("psa", SUB_ID)], status: "not_applicable" },
  { name: 'add-on enabled "yes" (not true) → not_applicable', resources: [addon({ azurepolicy: { enabled: "yes" } }), leaves("psa", SUB_ID)], status: "not_applicable" },
  {
    name: "add-on key in other casing (azurePolicy) is the add-on",
    resources: [addon({ azurePolicy: { enabled: true } }), leaves("psa", SUB_ID)],
    status: "warn",
    remediation: fix("psa", SUB_ID),
  },
  {
    name: "add-on on, policyAssignments not collected → unknown",
    resources: [policyCluster()],
    options: { collected: allKindsBut("policyAssignments") },
    status: "unknown",
    evidence: ["policyAssignments were not collected"],
  },
  { name: "add-on on, no assignments → pass", resources: [policyCluster()], status: "pass", evidence: ["no enforcing Kubernetes policy assignment covers the cluster"] },

  // Coverage by scope.
  {
    name: "subscription assignment excluding the namespace → pass",
    resources: [policyCluster(), exempt("psa-sub", SUB_ID)],
    status: "pass",
    evidence: ['"psa-sub (display)"', NS],
  },
  {
    name: "subscription assignment leaving the namespace in scope → warn",
    resources: [policyCluster(), leaves("psa-sub", SUB_ID)],
    status: "warn",
    evidence: ['"psa-sub (display)"', SUB_ID, "kube-system, gatekeeper-system, azure-arc"],
    remediation: fix("psa-sub", SUB_ID),
  },
  { name: "resource-group assignment leaving it → warn", resources: [policyCluster(), leaves("psa-rg", RG_ID)], status: "warn", remediation: fix("psa-rg", RG_ID) },
  { name: "cluster-scope assignment leaving it → warn", resources: [policyCluster(), leaves("psa-c", CLUSTER_ID)], status: "warn", remediation: fix("psa-c", CLUSTER_ID) },
  {
    name: "assignment on another resource group does not cover → pass",
    resources: [policyCluster(), leaves("psa-other", `/subscriptions/${SUB}/resourceGroups/rg-aks-other`)],
    status: "pass",
  },
  {
    name: "one exempting and one leaving → warn, naming the one that leaves",
    resources: [policyCluster(), exempt("good", SUB_ID), leaves("bad", RG_ID)],
    status: "warn",
    evidence: ['"bad (display)"'],
    notEvidence: ['"good (display)"'],
    remediation: fix("bad", RG_ID),
  },
  { name: "empty excludedNamespaces → warn", resources: [policyCluster(), policyAssignment("empty", SUB_ID, { excludedNamespaces: [] })], status: "warn", evidence: ["none"], remediation: fix("empty", SUB_ID, []) },

  // notScopes.
  { name: "notScopes holds the cluster's resource group → pass", resources: [policyCluster(), leaves("psa", SUB_ID, { notScopes: [RG_ID] })], status: "pass" },
  {
    name: "notScopes holds the cluster id (other casing, trailing slash) → pass",
    resources: [policyCluster(), leaves("psa", SUB_ID, { notScopes: [`${CLUSTER_ID.toUpperCase()}/`] })],
    status: "pass",
  },
  {
    name: "notScopes holds a sibling resource group (prefix of the name) → warn",
    resources: [policyCluster(), leaves("psa", SUB_ID, { notScopes: [`/subscriptions/${SUB}/resourceGroups/rg-ak`] })],
    status: "warn",
    remediation: fix("psa", SUB_ID),
  },

  // Enforcement.
  { name: "enforcementMode DoNotEnforce → pass", resources: [policyCluster(), leaves("psa", SUB_ID, { enforcementMode: "DoNotEnforce" })], status: "pass" },
  { name: "effect audit → pass", resources: [policyCluster(), leaves("psa", SUB_ID, { effect: "audit" })], status: "pass" },
  { name: "effect Audit (casing) → pass", resources: [policyCluster(), leaves("psa", SUB_ID, { effect: "Audit" })], status: "pass" },
  { name: "effect disabled → pass", resources: [policyCluster(), leaves("psa", SUB_ID, { effect: "disabled" })], status: "pass" },
  { name: "effect deny → warn", resources: [policyCluster(), leaves("psa", SUB_ID, { effect: "deny" })], status: "warn", remediation: fix("psa", SUB_ID) },
  {
    name: "no effect parameter: the definition's default audit → pass",
    resources: [policyCluster(), policyAssignment("psa", SUB_ID, { excludedNamespaces: BUILTIN_DEFAULTS }), policyDefinition(K8S_DEF, { effectDefault: "audit" })],
    status: "pass",
  },
  {
    name: "no effect parameter: the definition's default deny → warn",
    resources: [policyCluster(), policyAssignment("psa", SUB_ID, { excludedNamespaces: BUILTIN_DEFAULTS }), policyDefinition(K8S_DEF, { effectDefault: "deny" })],
    status: "warn",
    remediation: fix("psa", SUB_ID),
  },

  // Definition defaults and undeterminable assignments.
  {
    name: "no excludedNamespaces: the Kubernetes definition's default (built-in list) leaves it → warn",
    resources: [policyCluster(), policyAssignment("psa", SUB_ID, { effect: "deny" }), policyDefinition(K8S_DEF, { excludedDefault: BUILTIN_DEFAULTS })],
    status: "warn",
    evidence: ["kube-system, gatekeeper-system, azure-arc"],
    remediation: fix("psa", SUB_ID),
  },
  {
    name: "no excludedNamespaces: a definition default listing the namespace → pass",
    resources: [policyCluster(), policyAssignment("psa", SUB_ID, { effect: "deny" }), policyDefinition(K8S_DEF, { excludedDefault: [...BUILTIN_DEFAULTS, NS] })],
    status: "pass",
  },
  {
    name: "no excludedNamespaces, Kubernetes definition without that parameter's default → warn, fix keeps kube-system",
    resources: [policyCluster(), policyAssignment("psa", SUB_ID, { effect: "deny" }), policyDefinition(K8S_DEF)],
    status: "warn",
    evidence: ["not set"],
    remediation: fix("psa", SUB_ID),
  },
  {
    name: "no excludedNamespaces, definition not in the input: listed, not deciding → pass",
    resources: [policyCluster(), policyAssignment("mystery", SUB_ID, { effect: "deny" })],
    status: "pass",
    evidence: ["not decidable", '"mystery (display)"'],
  },
  {
    name: "an undeterminable assignment beside one that leaves: warn, listing both",
    resources: [policyCluster(), policyAssignment("mystery", SUB_ID, { effect: "deny" }), leaves("bad", RG_ID)],
    status: "warn",
    evidence: ['"bad (display)"', "not decidable", '"mystery (display)"'],
    remediation: fix("bad", RG_ID),
  },
  {
    name: "definition in the input but not Kubernetes (mode Indexed) → pass, not listed",
    resources: [
      policyCluster(),
      policyAssignment("tags", SUB_ID, { definitionId: `/providers/Microsoft.Authorization/policyDefinitions/${INDEXED_DEF}` }),
      policyDefinition(INDEXED_DEF, { mode: "Indexed" }),
    ],
    status: "pass",
    notEvidence: ["not decidable"],
  },
  {
    name: "initiative with a Kubernetes member in the input, no excludedNamespaces → warn",
    resources: [policyCluster(), policyAssignment("baseline", SUB_ID, { definitionId: SET_ID }), policySetDefinition(SET_ID.split("/").pop() ?? "", [K8S_DEF_ID]), policyDefinition(K8S_DEF)],
    status: "warn",
    evidence: ['"baseline (display)"', "not set; the definition's default is not in the input"],
    // The fix keeps the built-in exclusions rather than replacing them with the backup namespace alone.
    remediation: fix("baseline", SUB_ID),
  },
  {
    name: "initiative whose members are not in the input: listed as not decidable → pass",
    resources: [policyCluster(), policyAssignment("baseline", SUB_ID, { definitionId: SET_ID }), policySetDefinition(SET_ID.split("/").pop() ?? "", [K8S_DEF_ID])],
    status: "pass",
    evidence: ["not decidable", '"baseline (display)"'],
  },

  // Management groups.
  {
    name: "management-group assignment, ancestry known and including it → warn",
    resources: [policyCluster(), subscription(["mg-landingzones", "mg-root"]), leaves("psa-mg", mgId("mg-landingzones"))],
    status: "warn",
    evidence: ['"psa-mg (display)"', mgId("mg-landingzones")],
    remediation: fix("psa-mg", mgId("mg-landingzones")),
  },
  {
    name: "management-group assignment, ancestry known and including it, exempting → pass",
    resources: [policyCluster(), subscription(["mg-landingzones", "mg-root"]), exempt("psa-mg", mgId("mg-root"))],
    status: "pass",
    evidence: ['"psa-mg (display)"'],
  },
  {
    name: "management-group assignment, ancestry known and not including it → pass",
    resources: [policyCluster(), subscription(["mg-landingzones", "mg-root"]), leaves("psa-mg", mgId("mg-sandbox"))],
    status: "pass",
  },
  {
    name: "management-group assignment, ancestry unknown, would leave it → unknown",
    resources: [policyCluster(), leaves("psa-mg", mgId("mg-landingzones"))],
    status: "unknown",
    evidence: ['"psa-mg (display)"', "management-group ancestry"],
  },
  {
    name: "management-group assignment, subscription present without managementGroupAncestorsChain → unknown",
    resources: [policyCluster(), subscription(undefined), leaves("psa-mg", mgId("mg-landingzones"))],
    status: "unknown",
  },
  {
    name: "management-group assignment, ancestry unknown, exempting → pass",
    resources: [policyCluster(), exempt("psa-mg", mgId("mg-landingzones"))],
    status: "pass",
  },
  {
    name: "management-group assignment, ancestry unknown, but a certain assignment leaves it → warn",
    resources: [policyCluster(), leaves("psa-mg", mgId("mg-landingzones")), leaves("psa-sub", SUB_ID)],
    status: "warn",
    evidence: ['"psa-sub (display)"'],
    remediation: fix("psa-sub", SUB_ID),
  },
];

describe(`${ID} Azure Policy namespace exemption`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
