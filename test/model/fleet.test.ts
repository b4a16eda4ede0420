import { describe, expect, it } from "vitest";
import { Fleet } from "../../src/model/fleet.js";
import { KINDS, type Kind } from "../../src/model/types.js";

const fleet = (resources: Record<string, unknown>[]) =>
  new Fleet({ resources: resources as never, collected: new Set<Kind>(KINDS), errors: [] });

describe("role definitions from the input", () => {
  it("reads the flat shape `az role definition list` prints as well as the ARM shape", () => {
    const f = fleet([
      {
        id: "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-1111-1111-111111111111",
        name: "11111111-1111-1111-1111-111111111111",
        type: "Microsoft.Authorization/roleDefinitions",
        roleName: "Backup blob writer",
        roleType: "CustomRole",
        permissions: [{ actions: [], notActions: [], dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"], notDataActions: [] }],
      },
    ]);
    const def = f.roleDefinitions.get("11111111-1111-1111-1111-111111111111");
    expect(def?.roleName).toBe("Backup blob writer");
    expect(def?.dataActions).toEqual(["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"]);
  });

  it("never lets an empty copy of a built-in replace the shipped definition", () => {
    const owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    const f = fleet([{ id: `/providers/Microsoft.Authorization/roleDefinitions/${owner}`, name: owner, type: "Microsoft.Authorization/roleDefinitions", properties: { roleName: "Owner" } }]);
    expect(f.roleDefinitions.get(owner)?.actions).toEqual(["*"]);
  });
});

describe("scope", () => {
  it("knows which subscriptions the input covers", () => {
    const f = new Fleet({ resources: [], collected: new Set<Kind>(KINDS), errors: [], scope: { subscriptions: ["AAA"], managementGroups: [] } });
    expect(f.inScope("aaa")).toBe(true);
    expect(f.inScope("bbb")).toBe(false);
    expect(fleet([]).inScope("anything")).toBe(true);
  });
});
