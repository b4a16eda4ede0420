import { describe, it } from "vitest";
import { cluster } from "./harness.js";
import { AZ_TARGET, exampleBody, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-001";

/** The cluster with exactly these version fields (undefined = absent). */
const versions = (current: string | undefined, declared: string | undefined) =>
  cluster({ properties: { currentKubernetesVersion: current, kubernetesVersion: declared } });

const UPGRADE = ["az aks upgrade", AZ_TARGET, "az aks get-upgrades"];

const cases: Case[] = [
  { name: "1.21.1 (the minimum) passes", resources: [versions("1.21.1", "1.21.1")], status: "pass", evidence: ["currentKubernetesVersion 1.21.1"] },
  {
    name: "1.21.0 (one patch short) fails",
    resources: [versions("1.21.0", "1.21.0")],
    status: "fail",
    evidence: ["currentKubernetesVersion 1.21.0", "1.21.1"],
    remediation: UPGRADE,
  },
  { name: 'two-part "1.21" is unknown', resources: [versions("1.21", "1.21")], status: "unknown", evidence: ['"1.21"', "patch"] },
  { name: 'two-part "1.22" passes', resources: [versions("1.22", "1.22")], status: "pass", evidence: ["1.22"] },
  { name: 'two-part "1.20" fails', resources: [versions("1.20", "1.20")], status: "fail", evidence: ["1.20"], remediation: UPGRADE },
  { name: "1.20.15 fails", resources: [versions("1.20.15", undefined)], status: "fail", evidence: ["1.20.15"], remediation: UPGRADE },
  { name: "1.30.4 passes", resources: [versions("1.30.4", "1.30.4")], status: "pass", evidence: ["1.30.4"] },
  { name: "2.0.0 passes (major decides)", resources: [versions("2.0.0", undefined)], status: "pass", evidence: ["2.0.0"] },
  { name: "0.99.9 fails (major decides)", resources: [versions("0.99.9", undefined)], status: "fail", evidence: ["0.99.9"], remediation: UPGRADE },
  { name: "v-prefixed v1.29.4 passes", resources: [versions("v1.29.4", undefined)], status: "pass", evidence: ["v1.29.4"] },
  { name: "hotfix suffix 1.21.1-hotfix.20211115 passes", resources: [versions("1.21.1-hotfix.20211115", undefined)], status: "pass" },
  { name: "both absent is unknown", resources: [versions(undefined, undefined)], status: "unknown", evidence: ["currentKubernetesVersion", "kubernetesVersion"] },
  {
    name: "unreadable version is unknown",
    resources: [versions("latest", "1.30.4")],
    status: "unknown",
    evidence: ['"latest"'],
  },
  {
    name: "currentKubernetesVersion is preferred: current 1.21.0, declared 1.30.4 → fail",
    resources: [versions("1.21.0", "1.30.4")],
    status: "fail",
    evidence: ["currentKubernetesVersion 1.21.0"],
    notEvidence: ["1.30.4"],
    remediation: UPGRADE,
  },
  {
    name: "currentKubernetesVersion is preferred: current 1.30.4, declared 1.20.0 → pass",
    resources: [versions("1.30.4", "1.20.0")],
    status: "pass",
    evidence: ["currentKubernetesVersion 1.30.4"],
  },
  {
    name: "kubernetesVersion is used when currentKubernetesVersion is absent",
    resources: [versions(undefined, "1.21.0")],
    status: "fail",
    evidence: ["kubernetesVersion 1.21.0"],
    notEvidence: ["currentKubernetesVersion"],
    remediation: UPGRADE,
  },
  {
    name: "minor compared as a number: Microsoft's example cluster at 1.9.6 fails",
    resources: [exampleBody("containerservice/ManagedClustersGet.json")],
    status: "fail",
    evidence: ["1.9.6"],
    remediation: ["az aks upgrade --resource-group rg1 --name clustername1 --subscription 00000000-0000-0000-0000-000000000000"],
  },
  {
    name: "PascalCase property name (CurrentKubernetesVersion) is read",
    resources: [cluster({ properties: { currentKubernetesVersion: undefined, kubernetesVersion: undefined, CurrentKubernetesVersion: "1.21.0" } })],
    status: "fail",
    evidence: ["1.21.0"],
    remediation: UPGRADE,
  },
];

describe(`${ID} Kubernetes version`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
