import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../src/model/builtin-roles.js";
import { globContains, globsIntersect, roleCovers, type RoleDefinition } from "../../src/model/rbac.js";

const ROLES_DIR = new URL("../../../shared/azure-examples/built-in-roles/", import.meta.url);
const CHECKS_MD = readFileSync(new URL("../../../shared/spec/checks.md", import.meta.url), "utf8");

interface DocsRole {
  id: string;
  name: string;
  roleName: string;
  roleType: string;
  permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
}
const docs: DocsRole[] = readdirSync(ROLES_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(new URL(f, ROLES_DIR), "utf8")) as DocsRole);

const shipped = (name: string): RoleDefinition => {
  const r = BUILTIN_ROLES.find((x) => x.roleName === name);
  if (!r) throw new Error(`${name} is not shipped`);
  return r;
};
const role = (p: Partial<RoleDefinition> & { guid?: string }): RoleDefinition => ({
  guid: p.guid ?? "",
  roleName: p.roleName ?? "custom",
  actions: p.actions ?? [],
  notActions: p.notActions ?? [],
  dataActions: p.dataActions ?? [],
  notDataActions: p.notDataActions ?? [],
});

describe("globContains(g, r): does g match every string r matches?", () => {
  it.each([
    // [g, r, expected]
    ["*", "Microsoft.Compute/disks/read", true],
    ["*", "*/read", true],
    ["*", "*", true],
    ["Microsoft.Compute/disks/read", "Microsoft.Compute/disks/read", true],
    ["microsoft.compute/DISKS/READ", "Microsoft.Compute/disks/read", true], // case-insensitive
    ["Microsoft.Compute/*", "Microsoft.Compute/disks/read", true], // star at the end spans slashes
    ["Microsoft.Compute/*", "Microsoft.Compute/snapshots/*", true],
    ["Microsoft.Compute/*", "Microsoft.Storage/storageAccounts/read", false],
    ["*/read", "Microsoft.Compute/disks/read", true], // star at the start
    ["*/read", "Microsoft.Compute/*/read", true],
    ["*/read", "*/read", true],
    ["*/read", "*", false],
    ["*/read", "Microsoft.Compute/disks/write", false],
    ["*/read", "Microsoft.Compute/*", false], // r's star could end in /write
    ["Microsoft.Authorization/*/read", "Microsoft.Authorization/roleAssignments/read", true], // star in the middle
    ["Microsoft.Authorization/*/read", "Microsoft.Authorization/policies/assignments/read", true], // middle star spans several segments
    ["Microsoft.Authorization/*/read", "Microsoft.Authorization/*/read", true],
    ["Microsoft.Authorization/*/read", "Microsoft.Authorization/*", false],
    ["Microsoft.Authorization/*/read", "Microsoft.Authorization/roleAssignments/write", false],
    ["Microsoft.Storage/*/blobs/read", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", true],
    ["Microsoft.Storage/storageAccounts/blobServices/containers/*", "Microsoft.Storage/storageAccounts/blobServices/containers/delete", true],
    ["Microsoft.Storage/storageAccounts/blobServices/containers/*", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action", false],
    ["Microsoft.Compute/disks/read", "Microsoft.Compute/disks/read/extra", false], // no implicit prefix match
    ["Microsoft.Compute/disks/read", "Microsoft.Compute/disks/rea", false],
    ["Microsoft.Compute/disks/read", "Microsoft.Compute/*", false], // a literal never contains a star
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "a*c", false],
    ["a*c", "a*b*c", true],
  ] as const)("globContains(%j, %j) = %s", (g, r, expected) => {
    expect(globContains(g, r)).toBe(expected);
  });
});

describe("globsIntersect(a, b): is there a string both match?", () => {
  it.each([
    ["*", "Microsoft.Compute/disks/read", true],
    ["*/read", "Microsoft.Compute/*", true], // Microsoft.Compute/x/read
    ["*/read", "Microsoft.Authorization/*/Delete", false],
    ["*/read", "Microsoft.Authorization/*/delete", false],
    ["Microsoft.Authorization/*/Write", "*/write", true], // case-insensitive
    ["Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true],
    ["Microsoft.Compute/*", "Microsoft.Storage/*", false],
    ["Microsoft.Compute/snapshots/delete", "Microsoft.Compute/snapshots/delete", true],
    ["Microsoft.Compute/snapshots/delete", "Microsoft.Compute/snapshots/write", false],
    ["a*", "*b", true],
    ["a*x", "b*", false],
    ["", "", true],
    ["", "*", true],
    ["", "a", false],
  ] as const)("globsIntersect(%j, %j) = %s", (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected); // symmetric
  });
});

describe("roleCovers(granted, required)", () => {
  const R = {
    reader: shipped("Reader"),
    contributor: shipped("Contributor"),
    owner: shipped("Owner"),
    sbdc: shipped("Storage Blob Data Contributor"),
    sbdr: shipped("Storage Blob Data Reader"),
    sbdo: shipped("Storage Blob Data Owner"),
    sac: shipped("Storage Account Contributor"),
    dsc: shipped("Disk Snapshot Contributor"),
    domd: shipped("Data Operator for Managed Disks"),
  };

  it.each([
    // Checks.md's examples.
    ["Owner", R.owner, "Reader", R.reader, true],
    ["Contributor", R.contributor, "Reader", R.reader, true],
    ["Owner", R.owner, "Contributor", R.contributor, true],
    ["Storage Blob Data Owner", R.sbdo, "Storage Blob Data Contributor", R.sbdc, true],
    ["Storage Blob Data Owner", R.sbdo, "Storage Blob Data Reader", R.sbdr, true],
    ["Storage Blob Data Contributor", R.sbdc, "Storage Blob Data Reader", R.sbdr, true],
    ["Owner", R.owner, "Disk Snapshot Contributor", R.dsc, true],
    ["Contributor", R.contributor, "Disk Snapshot Contributor", R.dsc, true],
    ["Contributor", R.contributor, "Storage Account Contributor", R.sac, true],
    // Not covering.
    ["Reader", R.reader, "Contributor", R.contributor, false],
    ["Reader", R.reader, "Owner", R.owner, false],
    ["Contributor", R.contributor, "Owner", R.owner, false], // Contributor's notActions
    ["Contributor", R.contributor, "Storage Blob Data Reader", R.sbdr, false], // data actions
    ["Owner", R.owner, "Storage Blob Data Reader", R.sbdr, false], // Owner has no data actions either
    ["Owner", R.owner, "Data Operator for Managed Disks", R.domd, false],
    ["Storage Blob Data Reader", R.sbdr, "Storage Blob Data Contributor", R.sbdc, false],
    ["Storage Blob Data Contributor", R.sbdc, "Storage Blob Data Owner", R.sbdo, false], // blobs/* ⊄ the listed blob actions
    ["Storage Account Contributor", R.sac, "Storage Blob Data Reader", R.sbdr, false],
    ["Storage Account Contributor", R.sac, "Disk Snapshot Contributor", R.dsc, false],
    ["Disk Snapshot Contributor", R.dsc, "Reader", R.reader, false],
    ["Disk Snapshot Contributor", R.dsc, "Data Operator for Managed Disks", R.domd, false],
    ["Data Operator for Managed Disks", R.domd, "Disk Snapshot Contributor", R.dsc, false],
  ] as const)("%s covers %s: %s", (_g, g, _r, r, expected) => {
    expect(roleCovers(g, r)).toBe(expected);
  });

  it("every shipped role covers itself", () => {
    for (const r of BUILTIN_ROLES) expect(roleCovers(r, r), r.roleName).toBe(true);
  });

  it("an assignment of R itself qualifies even when the definition's lists would not say so (same GUID)", () => {
    expect(roleCovers(role({ guid: R.reader.guid }), R.reader)).toBe(true);
    // …but two anonymous definitions are compared by their permissions.
    expect(roleCovers(role({}), role({ actions: ["*/read"] }))).toBe(false);
  });

  it("a role with no permissions is covered by anything", () => {
    expect(roleCovers(role({ guid: "g" }), role({ guid: "r" }))).toBe(true);
  });

  describe("custom roles", () => {
    it.each([
      ["*/read covers Reader", role({ actions: ["*/read"] }), R.reader, true],
      ["* minus a write covers Reader", role({ actions: ["*"], notActions: ["Microsoft.Compute/virtualMachines/delete"] }), R.reader, true],
      ["* minus Microsoft.Compute/* does not cover Reader (Reader reads disks)", role({ actions: ["*"], notActions: ["Microsoft.Compute/*"] }), R.reader, false],
      ["* minus */read does not cover Reader", role({ actions: ["*"], notActions: ["*/read"] }), R.reader, false],
      ["Microsoft.*/read does not cover Reader (*/read reaches beyond Microsoft.*)", role({ actions: ["Microsoft.*/read"] }), R.reader, false],
      ["Microsoft.ContainerService/*/read does not cover Reader", role({ actions: ["Microsoft.ContainerService/*/read"] }), R.reader, false],
      ["an extra pattern beside */read still covers Reader", role({ actions: ["Microsoft.*", "*/read"] }), R.reader, true],
      [
        "Contributor's notActions in other casings: covers Contributor",
        role({ actions: ["*"], notActions: ["microsoft.authorization/*/delete", "MICROSOFT.AUTHORIZATION/*/WRITE"] }),
        R.contributor,
        true,
      ],
      ["* minus Microsoft.Network/*: does not cover Contributor", role({ actions: ["*"], notActions: ["Microsoft.Network/*"] }), R.contributor, false],
      [
        "a narrower exclusion than R's own is fine (R removes it too)",
        role({ actions: ["Microsoft.Storage/*"], notActions: ["Microsoft.Storage/storageAccounts/delete"] }),
        role({ actions: ["Microsoft.Storage/*"], notActions: ["Microsoft.Storage/*/delete"] }),
        true,
      ],
      [
        "a wider exclusion than R's is not",
        role({ actions: ["Microsoft.Storage/*"], notActions: ["Microsoft.Storage/*/delete"] }),
        role({ actions: ["Microsoft.Storage/*"], notActions: ["Microsoft.Storage/storageAccounts/delete"] }),
        false,
      ],
      ["data actions with a middle wildcard cover Storage Blob Data Reader", role({ actions: ["Microsoft.Storage/storageAccounts/blobServices/*"], dataActions: ["Microsoft.Storage/*/blobs/read"] }), R.sbdr, true],
      ["the same without the control-plane actions does not", role({ dataActions: ["Microsoft.Storage/*/blobs/read"] }), R.sbdr, false],
      [
        "blobs/* minus blobs/read (notDataActions) does not cover Storage Blob Data Reader",
        role({ actions: ["Microsoft.Storage/storageAccounts/blobServices/*"], dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"], notDataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"] }),
        R.sbdr,
        false,
      ],
      ["notDataActions do not remove actions", role({ actions: ["*"], notDataActions: ["*"] }), R.reader, true],
      ["notActions do not remove data actions", role({ dataActions: ["Microsoft.Compute/*"], notActions: ["*"] }), R.domd, true],
      ["actions are not data actions", role({ actions: ["Microsoft.Compute/*"] }), R.domd, false],
      ["data actions are not actions", role({ dataActions: ["*"] }), R.reader, false],
    ] as const)("%s", (_name, g, r, expected) => {
      expect(roleCovers(g, r)).toBe(expected);
    });
  });
});

describe("shipped built-in roles", () => {
  it("ships one definition per file in azure-examples/built-in-roles, and no other", () => {
    expect(BUILTIN_ROLES.map((r) => r.guid).sort()).toEqual(docs.map((d) => d.name).sort());
  });

  it.each(docs.map((d) => [d.roleName, d] as const))("%s equals Microsoft's definition", (_name, d) => {
    const r = BUILTIN_ROLES.find((x) => x.guid === d.name);
    expect(r, `${d.roleName} (${d.name}) is not shipped`).toBeDefined();
    if (!r) return;
    expect(d.roleType).toBe("BuiltInRole");
    expect(d.id).toBe(`/providers/Microsoft.Authorization/roleDefinitions/${r.guid}`);
    expect(r.guid).toBe(r.guid.toLowerCase()); // the fleet looks GUIDs up lower-cased
    expect(r.roleName).toBe(d.roleName);
    expect(d.permissions).toHaveLength(1);
    const [p] = d.permissions;
    expect({ actions: r.actions, notActions: r.notActions, dataActions: r.dataActions, notDataActions: r.notDataActions }).toEqual({
      actions: p?.actions,
      notActions: p?.notActions,
      dataActions: p?.dataActions,
      notDataActions: p?.notDataActions,
    });
  });

  it("the GUIDs are the ones checks.md lists", () => {
    const listed = [...CHECKS_MD.matchAll(/(Storage Blob Data Contributor|Storage Blob Data Reader|Storage Blob Data Owner|Storage Account Contributor|Disk Snapshot Contributor|Data Operator for Managed Disks|Reader|Contributor|Owner)\s*`([0-9a-f-]{36})`/g)].map((m) => [m[1], m[2]] as const);
    expect(listed).toHaveLength(9);
    for (const [name, guid] of listed) {
      const r = BUILTIN_ROLES.find((x) => x.roleName === name);
      expect(r?.guid, `${name}`).toBe(guid);
    }
    expect(new Set(listed.map(([n]) => n)).size).toBe(9);
  });
});
