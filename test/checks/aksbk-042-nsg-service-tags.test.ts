import { describe, it } from "vitest";
import { SUB, cluster } from "./harness.js";
import {
  NET_RG,
  VNET_ID,
  allKindsBut,
  clusterOnSubnets,
  expectCase,
  networkSecurityGroup,
  nsgId,
  subnetId,
  virtualNetwork,
  type Case,
  type Rule,
} from "./harness-extra.js";

const ID = "AKSBK-042";
const NODES = subnetId("snet-nodes");
const onNodes = clusterOnSubnets(NODES);
const guarded = virtualNetwork({ "snet-nodes": "nsg-nodes" });
/** The cluster on snet-nodes, whose NSG nsg-nodes has these rules. */
const nsgWith = (...rules: Rule[]) => [onNodes, guarded, networkSecurityGroup("nsg-nodes", rules)];
const ruleCreate = (lacking: string) => [
  `az network nsg rule create --resource-group ${NET_RG} --nsg-name nsg-nodes --subscription ${SUB}`,
  "--direction Inbound --access Allow",
  `--source-address-prefixes ${lacking}`,
];

const cases: Case[] = [
  { name: "no agent pool with a vnetSubnetID → not_applicable", resources: [cluster()], status: "not_applicable", evidence: ["vnetSubnetID"] },
  {
    name: "no vnetSubnetID → not_applicable even when virtual networks were not collected",
    resources: [cluster()],
    options: { collected: allKindsBut("virtualNetworks", "networkSecurityGroups") },
    status: "not_applicable",
  },
  {
    name: "subnet without an NSG → pass",
    resources: [onNodes, virtualNetwork({ "snet-nodes": undefined })],
    status: "pass",
    evidence: ["snet-nodes has no NSG"],
  },
  {
    name: "two rules, AzureBackup and AzureCloud → pass",
    resources: nsgWith({ source: "AzureBackup" }, { source: "AzureCloud" }),
    status: "pass",
    evidence: ["nsg-nodes", "snet-nodes"],
  },
  { name: "one rule with sourceAddressPrefixes [AzureBackup, AzureCloud] → pass", resources: nsgWith({ sources: ["AzureBackup", "AzureCloud"] }), status: "pass" },
  {
    name: "regional forms AzureBackup.westeurope + AzureCloud.westeurope (cluster's region) → pass",
    resources: nsgWith({ source: "AzureBackup.westeurope" }, { source: "AzureCloud.westeurope" }),
    status: "pass",
  },
  { name: "AzureBackup + regional AzureCloud.WestEurope (casing) → pass", resources: nsgWith({ sources: ["AzureBackup", "AzureCloud.WestEurope"] }), status: "pass" },
  {
    name: "AzureCloud of another region (AzureCloud.eastus) does not count → warn",
    resources: nsgWith({ source: "AzureBackup" }, { source: "AzureCloud.eastus" }),
    status: "warn",
    evidence: ["AzureCloud"],
    remediation: ruleCreate("AzureCloud"),
  },
  { name: "source * → pass", resources: nsgWith({ source: "*" }), status: "pass" },
  { name: "source Internet → pass", resources: nsgWith({ source: "Internet" }), status: "pass" },
  { name: "source Any → pass", resources: nsgWith({ source: "Any" }), status: "pass" },
  {
    name: "AzureBackup only → warn, lacking AzureCloud",
    resources: nsgWith({ source: "AzureBackup" }),
    status: "warn",
    evidence: ["nsg-nodes", "snet-nodes", "AzureCloud"],
    notEvidence: ["AzureBackup or"],
    remediation: ruleCreate("AzureCloud"),
  },
  {
    name: "AzureCloud only → warn, lacking AzureBackup",
    resources: nsgWith({ source: "AzureCloud" }),
    status: "warn",
    evidence: ["AzureBackup"],
    remediation: ruleCreate("AzureBackup"),
  },
  {
    name: "no rules at all → warn, lacking both",
    resources: nsgWith(),
    status: "warn",
    evidence: ["AzureBackup or AzureCloud"],
    remediation: ruleCreate("AzureBackup AzureCloud"),
  },
  {
    name: "AzureCloud only in a Deny rule does not count → warn",
    resources: nsgWith({ source: "AzureBackup" }, { source: "AzureCloud", access: "Deny" }),
    status: "warn",
    remediation: ruleCreate("AzureCloud"),
  },
  {
    name: "AzureCloud only in an Outbound rule does not count → warn",
    resources: nsgWith({ source: "AzureBackup" }, { source: "AzureCloud", direction: "Outbound" }),
    status: "warn",
    remediation: ruleCreate("AzureCloud"),
  },
  {
    name: "VirtualNetwork source does not stand for the service tags → warn",
    resources: nsgWith({ source: "VirtualNetwork" }),
    status: "warn",
    remediation: ruleCreate("AzureBackup AzureCloud"),
  },
  {
    name: "flat rule shape (fields not nested under properties) is read",
    resources: [
      onNodes,
      guarded,
      {
        id: nsgId("nsg-nodes"),
        name: "nsg-nodes",
        type: "Microsoft.Network/networkSecurityGroups",
        properties: { securityRules: [{ name: "allow", direction: "Inbound", access: "Allow", priority: 100, sourceAddressPrefixes: ["AzureBackup", "AzureCloud"] }] },
      },
    ],
    status: "pass",
  },
  {
    name: "VNet not in the input → unknown",
    resources: [onNodes],
    status: "unknown",
    evidence: ["vnet-aks", "snet-nodes", "not in the input"],
  },
  {
    name: "virtual networks not collected → unknown",
    resources: [onNodes],
    options: { collected: allKindsBut("virtualNetworks") },
    status: "unknown",
    evidence: ["virtualNetworks were not collected"],
  },
  {
    name: "subnet missing from the VNet in the input → unknown",
    resources: [onNodes, virtualNetwork({ "snet-other": undefined })],
    status: "unknown",
    evidence: ["snet-nodes"],
  },
  {
    name: "NSG not in the input → unknown",
    resources: [onNodes, guarded],
    status: "unknown",
    evidence: [nsgId("nsg-nodes")],
  },
  {
    name: "two pools: one subnet fine, the other's NSG lacks AzureBackup → warn naming that NSG",
    resources: [
      clusterOnSubnets(NODES, subnetId("snet-user")),
      virtualNetwork({ "snet-nodes": undefined, "snet-user": "nsg-user" }),
      networkSecurityGroup("nsg-user", [{ source: "AzureCloud" }]),
    ],
    status: "warn",
    evidence: ["nsg-user", "snet-user", "AzureBackup"],
    remediation: ["--nsg-name nsg-user", "--source-address-prefixes AzureBackup"],
  },
  {
    name: "two pools on the same subnet (ids in different casing) are evaluated once",
    resources: [clusterOnSubnets(NODES, NODES.toUpperCase()), guarded, networkSecurityGroup("nsg-nodes", [{ source: "AzureBackup" }])],
    status: "warn",
    evidence: [/^NSG nsg-nodes on subnet snet-nodes has no inbound Allow rule admitting AzureCloud$/],
    remediation: [/^az network nsg rule create [^\n]+$/],
  },
  {
    name: "subnet id in other casing than the VNet's → still found",
    resources: [clusterOnSubnets(NODES.toLowerCase()), virtualNetwork({ "snet-nodes": undefined }, VNET_ID)],
    status: "pass",
  },
];

describe(`${ID} NSG service tags`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
