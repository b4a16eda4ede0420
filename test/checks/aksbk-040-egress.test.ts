import { describe, expect, it } from "vitest";
import { cluster } from "./harness.js";
import { exampleBody, expectCase, objectAt, type Case } from "./harness-extra.js";

const ID = "AKSBK-040";
/** Microsoft's private-cluster example: apiServerAccessProfile.enablePrivateCluster true, outboundType loadBalancer. */
const PRIVATE_EXAMPLE = exampleBody("containerservice/ManagedClustersCreate_PrivateClusterFQDNSubdomain.json");

const outbound = (outboundType: string | undefined) => cluster({ properties: { networkProfile: { outboundType } } });
const privateCluster = (enablePrivateCluster: boolean, outboundType = "loadBalancer") =>
  cluster({ properties: { apiServerAccessProfile: { enablePrivateCluster }, networkProfile: { outboundType } } });
const FQDNS = ["mcr.microsoft.com", "management.azure.com", "*.blob.core.windows.net", "*.dp.kubernetesconfiguration.azure.com"];

const cases: Case[] = [
  { name: "public cluster, outboundType loadBalancer: pass", resources: [outbound("loadBalancer")], status: "pass", evidence: ["loadBalancer"] },
  { name: "public cluster, managedNATGateway: pass", resources: [outbound("managedNATGateway")], status: "pass", evidence: ["managedNATGateway"] },
  { name: "public cluster, outboundType not set: pass", resources: [outbound(undefined)], status: "pass", evidence: ["not set"] },
  { name: "enablePrivateCluster false: pass", resources: [privateCluster(false)], status: "pass" },
  { name: "private cluster → warn", resources: [privateCluster(true)], status: "warn", evidence: ["private cluster"], remediation: FQDNS },
  { name: "userDefinedRouting → warn", resources: [outbound("userDefinedRouting")], status: "warn", evidence: ["userDefinedRouting"], remediation: FQDNS },
  {
    name: "private and userDefinedRouting → warn, naming both",
    resources: [privateCluster(true, "userDefinedRouting")],
    status: "warn",
    evidence: ["private cluster", "userDefinedRouting"],
    remediation: FQDNS,
  },
  {
    name: "Microsoft's private-cluster example → warn",
    resources: [PRIVATE_EXAMPLE],
    status: "warn",
    evidence: ["private cluster"],
    notEvidence: ["userDefinedRouting"],
    remediation: FQDNS,
  },
  { name: "networkProfile absent on a public cluster is unknown", resources: [cluster({ properties: { networkProfile: undefined } })], status: "unknown", evidence: ["networkProfile"] },
];

describe(`${ID} egress`, () => {
  it("the example file is a private cluster with a load balancer", () => {
    expect(objectAt(PRIVATE_EXAMPLE, "properties", "apiServerAccessProfile")["enablePrivateCluster"]).toBe(true);
    expect(objectAt(PRIVATE_EXAMPLE, "properties", "networkProfile")["outboundType"]).toBe("loadBalancer");
  });
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
