import { describe, expect, it } from "vitest";
import { cluster } from "./harness.js";
import { AZ_TARGET, exampleBody, expectCase, objectAt, type Case } from "./harness-extra.js";

const ID = "AKSBK-004";

/** Microsoft's examples: a cluster with a user-assigned identity, and one with a service principal and no identity block. */
const UAI_CLUSTER = exampleBody("containerservice/ManagedClustersCreate_Update.json");
const SP_CLUSTER = exampleBody("containerservice/ManagedClustersGet.json");
const UAI_IDENTITY = objectAt(UAI_CLUSTER, "identity");

/** The harness cluster with `identity` replaced wholesale (undefined = no identity block). */
const withIdentity = (identity: Record<string, unknown> | undefined) => {
  const { identity: _drop, ...rest } = cluster();
  return identity === undefined ? rest : { ...rest, identity: identity as never };
};

const ENABLE_MI = [`az aks update ${AZ_TARGET} --enable-managed-identity`];

const cases: Case[] = [
  { name: "SystemAssigned passes", resources: [cluster()], status: "pass", evidence: ["SystemAssigned"] },
  {
    name: "UserAssigned (Microsoft's ManagedClustersCreate_Update example) passes",
    resources: [UAI_CLUSTER],
    status: "pass",
    evidence: ["UserAssigned"],
  },
  { name: "UserAssigned identity block on the harness cluster passes", resources: [withIdentity(UAI_IDENTITY)], status: "pass", evidence: ["UserAssigned"] },
  { name: '"SystemAssigned, UserAssigned" passes', resources: [withIdentity({ type: "SystemAssigned, UserAssigned", principalId: "p" })], status: "pass" },
  { name: "type in odd casing (systemassigned) passes", resources: [withIdentity({ type: "systemassigned", principalId: "p" })], status: "pass" },
  {
    name: "service principal (Microsoft's ManagedClustersGet example, no identity block) fails",
    resources: [SP_CLUSTER],
    status: "fail",
    evidence: ["service principal clientid"],
    remediation: ["az aks update --resource-group rg1 --name clustername1 --subscription 00000000-0000-0000-0000-000000000000 --enable-managed-identity"],
  },
  {
    name: "service principal on the harness cluster fails, naming the client id",
    resources: [{ ...withIdentity(undefined), properties: { ...objectAt(cluster(), "properties"), servicePrincipalProfile: { clientId: "0f0f0f0f-aaaa-bbbb-cccc-000000000001" } } }],
    status: "fail",
    evidence: ["0f0f0f0f-aaaa-bbbb-cccc-000000000001"],
    remediation: ENABLE_MI,
  },
  { name: 'identity.type "None" fails', resources: [withIdentity({ type: "None" })], status: "fail", evidence: ["None"], remediation: ENABLE_MI },
  { name: "no identity and no service principal fails", resources: [withIdentity(undefined)], status: "fail", evidence: ["absent"], remediation: ENABLE_MI },
];

describe(`${ID} managed identity`, () => {
  it("uses the example files' real identity shapes", () => {
    expect(UAI_IDENTITY["type"]).toBe("UserAssigned");
    expect(SP_CLUSTER["identity"]).toBeUndefined();
  });
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
