import { describe, expect, it } from "vitest";
import {
  ancestorKeys,
  idKey,
  isSameOrAncestor,
  managementGroupKey,
  managementGroupName,
  parentKey,
  parseArmId,
  resourceGroupKey,
  roleDefinitionGuid,
  subscriptionKey,
} from "../../src/model/arm-id.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/RG-Aks/providers/Microsoft.ContainerService/managedClusters/Aks-1`;
const CLUSTER_KEY = `/subscriptions/${SUB}/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/aks-1`;

describe("idKey: the normalised key", () => {
  it.each([
    [CLUSTER, CLUSTER_KEY],
    [`${CLUSTER}/`, CLUSTER_KEY], // trailing slash
    [`${CLUSTER}///`, CLUSTER_KEY],
    [CLUSTER.replace("/resourceGroups/", "//resourceGroups//"), CLUSTER_KEY], // doubled slashes
    [CLUSTER.slice(1), CLUSTER_KEY], // no leading slash (ARM example parameters write ids so)
    [CLUSTER.toUpperCase(), CLUSTER_KEY],
    ["/", "/"],
    ["", "/"],
    ["//", "/"],
    [`/subscriptions/${SUB}/resourcegroups/rg-aks`, `/subscriptions/${SUB}/resourcegroups/rg-aks`], // already a key: unchanged
  ])("idKey(%j) = %j", (raw, key) => {
    expect(idKey(raw)).toBe(key);
  });

  it("Resource Graph's and ARM's spellings of one id have one key", () => {
    const arm = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1`;
    const graph = `/subscriptions/${SUB}/resourcegroups/rg-backup/providers/microsoft.dataprotection/backupvaults/bv-1`;
    const odd = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/Backupvaults/BV-1/`;
    expect(new Set([arm, graph, odd].map(idKey)).size).toBe(1);
  });
});

describe("parseArmId", () => {
  it("reads subscription, resource group and name in their original casing", () => {
    const id = parseArmId(CLUSTER);
    expect(id.raw).toBe(CLUSTER);
    expect(id.key).toBe(CLUSTER_KEY);
    expect(id.subscriptionId).toBe(SUB);
    expect(id.resourceGroup).toBe("RG-Aks");
    expect(id.name).toBe("Aks-1");
    expect(id.segments).toEqual(CLUSTER_KEY.split("/").slice(1));
  });

  it("reads the same from an irregular id (trailing and doubled slashes, no leading slash)", () => {
    const raw = `subscriptions/${SUB}//resourceGroups/RG-Aks/providers/Microsoft.ContainerService/managedClusters/Aks-1/`;
    const id = parseArmId(raw);
    expect(id.raw).toBe(raw);
    expect(id.key).toBe(CLUSTER_KEY);
    expect(id.subscriptionId).toBe(SUB);
    expect(id.resourceGroup).toBe("RG-Aks");
    expect(id.name).toBe("Aks-1");
  });

  it("reads `resourcegroups` in Resource Graph's lower case", () => {
    const id = parseArmId(`/subscriptions/${SUB}/resourcegroups/rg-aks-snapshots`);
    expect(id.resourceGroup).toBe("rg-aks-snapshots");
    expect(id.name).toBe("rg-aks-snapshots");
  });

  it.each([
    [`/subscriptions/${SUB}`, SUB, undefined, SUB],
    [`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration`, SUB, undefined, "Microsoft.KubernetesConfiguration"],
    ["/providers/Microsoft.Management/managementGroups/mg-Root", undefined, undefined, "mg-Root"],
    ["/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", undefined, undefined, "acdd72a7-3385-48ef-bd42-f606fba81ae7"],
    ["/", undefined, undefined, ""],
  ])("%s → subscription %s, resource group %s, name %s", (raw, sub, rg, name) => {
    const id = parseArmId(raw);
    expect(id.subscriptionId).toBe(sub);
    expect(id.resourceGroup).toBe(rg);
    expect(id.name).toBe(name);
  });
});

describe("isSameOrAncestor(scope, target): whole path segments", () => {
  const rg = (name: string) => `/subscriptions/${SUB}/resourcegroups/${name}`;
  const st = (name: string) => `${rg("rg-backup")}/providers/microsoft.storage/storageaccounts/${name}`;
  it.each([
    [rg("rg-aks-snapshots"), rg("rg-aks-snapshots"), true],
    [rg("rg-aks-snap"), rg("rg-aks-snapshots"), false], // prefix-named sibling
    [rg("rg-aks-snapshots"), rg("rg-aks-snap"), false],
    [st("st1"), st("st10"), false],
    [st("st1"), st("st1"), true],
    [st("st1"), `${st("st1")}/blobservices/default`, true],
    [`${st("st1")}/blobservices/default`, st("st1"), false], // a child is not an ancestor
    [rg("rg-backup"), st("st10"), true],
    [`/subscriptions/${SUB}`, st("st10"), true],
    [`/subscriptions/${SUB.slice(0, -1)}`, st("st10"), false], // prefix of the subscription id
    ["/subscriptions", st("st10"), true],
    ["/", st("st10"), true],
    ["/", "/", true],
    [`/subscriptions/${SUB}/resourcegroups/rg-backup/providers/microsoft.storage/storageaccounts/st`, st("st10"), false],
  ])("isSameOrAncestor(%j, %j) = %s", (scope, target, expected) => {
    expect(isSameOrAncestor(scope, target)).toBe(expected);
  });

  it("expects keys: compare idKey()s", () => {
    expect(isSameOrAncestor(idKey(`/subscriptions/${SUB}/resourceGroups/RG-BACKUP/`), idKey(st("st1")))).toBe(true);
  });
});

describe("ancestorKeys", () => {
  it("lists the key itself first, then every ancestor by whole segments, ending with /", () => {
    expect(ancestorKeys(`/subscriptions/${SUB}/resourcegroups/rg-aks-snapshots`)).toEqual([
      `/subscriptions/${SUB}/resourcegroups/rg-aks-snapshots`,
      `/subscriptions/${SUB}/resourcegroups`,
      `/subscriptions/${SUB}`,
      "/subscriptions",
      "/",
    ]);
  });

  it("includes the resource group and subscription of a resource, and never a prefix-named sibling", () => {
    const keys = ancestorKeys(CLUSTER_KEY);
    expect(keys[0]).toBe(CLUSTER_KEY);
    expect(keys).toContain(`/subscriptions/${SUB}/resourcegroups/rg-aks`);
    expect(keys).toContain(`/subscriptions/${SUB}`);
    expect(keys.at(-1)).toBe("/");
    expect(keys).not.toContain(`/subscriptions/${SUB}/resourcegroups/rg-ak`);
    expect(keys).not.toContain(`/subscriptions/${SUB}/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/aks`);
    for (const k of keys) expect(isSameOrAncestor(k, CLUSTER_KEY)).toBe(true);
  });

  it("of the root is just the root", () => {
    expect(ancestorKeys("/")).toEqual(["/"]);
  });

  it("is memoised (the same array for the same key)", () => {
    expect(ancestorKeys(CLUSTER_KEY)).toBe(ancestorKeys(CLUSTER_KEY));
  });
});

describe("small helpers", () => {
  it("parentKey follows ARM's type chain", () => {
    expect(parentKey(`${CLUSTER_KEY}/trustedaccessrolebindings/b1`)).toBe(CLUSTER_KEY);
    expect(parentKey(`/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.dataprotection/backupvaults/bv/backupinstances/bi`)).toBe(
      `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.dataprotection/backupvaults/bv`,
    );
    expect(parentKey("/x")).toBeUndefined();
  });

  it("management-group keys and names", () => {
    expect(managementGroupKey("MG-Root")).toBe("/providers/microsoft.management/managementgroups/mg-root");
    expect(managementGroupName(idKey("/providers/Microsoft.Management/managementGroups/MG-Root"))).toBe("mg-root");
    expect(managementGroupName(idKey("/providers/Microsoft.Management/managementGroups/mg/providers/x"))).toBeUndefined();
    expect(managementGroupName(`/subscriptions/${SUB}`)).toBeUndefined();
  });

  it("subscription and resource-group keys are lower-cased", () => {
    expect(subscriptionKey(SUB.toUpperCase())).toBe(`/subscriptions/${SUB}`);
    expect(resourceGroupKey(SUB, "RG-Aks")).toBe(`/subscriptions/${SUB}/resourcegroups/rg-aks`);
  });

  it("roleDefinitionGuid takes the trailing GUID of either form, lower-cased", () => {
    const g = "ACDD72A7-3385-48EF-BD42-F606FBA81AE7";
    expect(roleDefinitionGuid(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${g}`)).toBe(g.toLowerCase());
    expect(roleDefinitionGuid(`/providers/Microsoft.Authorization/roleDefinitions/${g}/`)).toBe(g.toLowerCase());
  });
});
