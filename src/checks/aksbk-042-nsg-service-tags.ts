/**
 * AKSBK-042. A regional tag (`AzureCloud.westeurope`) counts only for the cluster's own region: the
 * backup service that reaches the nodes is the one in the cluster's region. `Internet`, `*` and `Any`
 * count for both tags, as checks.md says. Deny rules and priorities are not evaluated: the check asks
 * whether some inbound Allow rule admits the tags at all.
 */
import { idKey, parentKey } from "../model/arm-id.js";
import { arr, eqi, isObject, normaliseLocation, str, strings } from "../model/props.js";
import type { Res } from "../model/resource.js";
import { shellArg, type ClusterView } from "./cluster-view.js";
import { DOCS, defineCheck, fail, notApplicable, pass, unknown } from "./define-check.js";

const TAGS = ["AzureBackup", "AzureCloud"] as const;
const EVERYTHING = new Set(["*", "any", "internet"]);

export function tagCovered(prefixes: readonly string[], tag: string, region: string): boolean {
  return prefixes.some((p) => {
    const l = p.trim().toLowerCase();
    return EVERYTHING.has(l) || l === tag.toLowerCase() || (region !== "" && l === `${tag.toLowerCase()}.${region}`);
  });
}

function inboundAllowSources(nsg: Res): string[] {
  return (arr(nsg.raw, "properties", "securityRules") ?? []).filter(isObject).flatMap((r) => {
    const p = isObject(r["properties"]) ? r["properties"] : r;
    if (!eqi(str(p, "direction"), "Inbound") || !eqi(str(p, "access"), "Allow")) return [];
    const one = str(p, "sourceAddressPrefix");
    return [...(one ? [one] : []), ...strings(p, "sourceAddressPrefixes")];
  });
}

function freePriority(nsg: Res): number {
  const used = new Set(
    (arr(nsg.raw, "properties", "securityRules") ?? []).map((r) => {
      const p = isObject(r) && isObject(r["properties"]) ? r["properties"] : r;
      return isObject(p) && typeof p["priority"] === "number" ? p["priority"] : -1;
    }),
  );
  for (let n = 200; n <= 4096; n += 10) if (!used.has(n)) return n;
  return 4000;
}

export default defineCheck({
  id: "AKSBK-042",
  slug: "nsg-service-tags",
  severity: "low",
  title: "Node subnets' NSGs allow the AzureBackup and AzureCloud service tags inbound",
  rationale:
    "If you use network security groups to filter traffic in the cluster's virtual network, add an inbound rule that allows the AzureBackup and AzureCloud service tags.",
  docsUrl: DOCS.nsg,
  evaluate(c) {
    // One entry per subnet, compared by normalised id: pools sharing a subnet must not repeat its fix.
    const byKey = new Map<string, string>();
    for (const p of arr(c.raw, "properties", "agentPoolProfiles") ?? []) {
      const s = str(p, "vnetSubnetID");
      if (s && !byKey.has(idKey(s))) byKey.set(idKey(s), s);
    }
    const subnets = [...byKey.values()];
    if (!subnets.length) return notApplicable("no agent pool has a vnetSubnetID (AKS-managed virtual network)");
    const region = normaliseLocation(c.location);
    const problems: string[] = [];
    const fixes: string[] = [];
    const unknowns: string[] = [];
    const fine: string[] = [];
    for (const subnetId of subnets) {
      const sKey = idKey(subnetId);
      const vnetKey = parentKey(sKey) ?? "";
      const vnet = c.fleet.byKey.get(vnetKey);
      const subnetName = subnetId.split("/").filter(Boolean).pop() ?? subnetId;
      if (!vnet) {
        const vsub = subnetId.split("/").filter(Boolean)[1];
        unknowns.push(c.notCollected("virtualNetworks", vsub) ?? `virtual network ${vnetKey} of subnet ${subnetName} is not in the input`);
        continue;
      }
      const subnet = (arr(vnet.raw, "properties", "subnets") ?? []).find((s) => idKey(str(s, "id") ?? "") === sKey || eqi(str(s, "name"), subnetName));
      if (!subnet) {
        unknowns.push(`subnet ${subnetName} is not among virtual network ${vnet.name}'s subnets in the input`);
        continue;
      }
      const nsgId = str(subnet, "properties", "networkSecurityGroup", "id");
      if (!nsgId) {
        fine.push(`subnet ${subnetName} has no NSG`);
        continue;
      }
      const nsg = c.fleet.byKey.get(idKey(nsgId));
      if (!nsg) {
        unknowns.push(c.notCollected("networkSecurityGroups", nsgId.split("/").filter(Boolean)[1]) ?? `NSG ${nsgId} of subnet ${subnetName} is not in the input`);
        continue;
      }
      const sources = inboundAllowSources(nsg);
      const lacking = TAGS.filter((t) => !tagCovered(sources, t, region));
      if (!lacking.length) {
        fine.push(`NSG ${nsg.name} on subnet ${subnetName} allows AzureBackup and AzureCloud inbound`);
        continue;
      }
      problems.push(`NSG ${nsg.name} on subnet ${subnetName} has no inbound Allow rule admitting ${lacking.join(" or ")}`);
      fixes.push(
        `az network nsg rule create --resource-group ${shellArg(nsg.resourceGroup ?? "")} --nsg-name ${shellArg(nsg.name)} --subscription ${nsg.subscriptionId ?? ""} --name AllowAzureBackupInbound --priority ${freePriority(nsg)} --direction Inbound --access Allow --protocol '*' --source-address-prefixes ${lacking.join(" ")} --source-port-ranges '*' --destination-address-prefixes VirtualNetwork --destination-port-ranges '*'`,
      );
    }
    if (problems.length) return fail(problems.concat(unknowns).join("; "), fixes.join("\n"));
    if (unknowns.length) return unknown(unknowns.join("; "));
    return pass(fine.join("; "));
  },
});
