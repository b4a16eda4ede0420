import { describe, expect, it } from "vitest";
import { SUB, SUB2, cluster, provider } from "./harness.js";
import { allKindsBut, exampleBody, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-010";
const REGISTER = [`az provider register --namespace Microsoft.KubernetesConfiguration --subscription ${SUB}`];

/** Microsoft's Providers_Get response, pointed at Microsoft.KubernetesConfiguration in the cluster's subscription. */
const ARM_GET = exampleBody("resources/GetProvider.json");
const armProvider = (state?: string) => ({
  ...ARM_GET,
  id: `/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration`,
  namespace: "Microsoft.KubernetesConfiguration",
  ...(state === undefined ? {} : { registrationState: state }),
});

const cases: Case[] = [
  { name: "Registered passes", resources: [cluster(), provider("Registered")], status: "pass", evidence: ["Registered", SUB] },
  {
    name: "NotRegistered fails",
    resources: [cluster(), provider("NotRegistered")],
    status: "fail",
    evidence: ["NotRegistered", SUB],
    remediation: REGISTER,
  },
  { name: "Unregistering fails", resources: [cluster(), provider("Unregistering")], status: "fail", evidence: ["Unregistering"], remediation: REGISTER },
  {
    name: "ARM GET shape (GetProvider.json, no type field) as published: Registering fails",
    resources: [cluster(), armProvider()],
    status: "fail",
    evidence: ["Registering", SUB],
    remediation: REGISTER,
  },
  { name: "ARM GET shape, Registered, passes", resources: [cluster(), armProvider("Registered")], status: "pass", evidence: ["Registered"] },
  { name: "registered in odd casing passes", resources: [cluster(), provider("registered")], status: "pass" },
  {
    name: "record missing for the cluster's subscription (providers collected) is unknown",
    resources: [cluster()],
    status: "unknown",
    evidence: ["no registration record", SUB],
  },
  {
    name: "registered only in another subscription is unknown",
    resources: [cluster(), provider("Registered", SUB2)],
    status: "unknown",
    evidence: [SUB],
  },
  {
    name: "providers not collected is unknown, even with a record present",
    resources: [cluster(), provider("Registered")],
    options: { collected: allKindsBut("providers") },
    status: "unknown",
    evidence: ["providers were not collected"],
  },
  {
    name: "providers failed to collect for this subscription is unknown, quoting the error",
    resources: [cluster()],
    options: { errors: [{ kind: "providers", subscriptionId: SUB, message: "AuthorizationFailed on providers" }] },
    status: "unknown",
    evidence: ["AuthorizationFailed on providers"],
  },
  {
    name: "a record without registrationState is unknown",
    resources: [cluster(), { id: `/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration`, namespace: "Microsoft.KubernetesConfiguration" }],
    status: "unknown",
    evidence: ["registrationState"],
  },
];

describe(`${ID} Microsoft.KubernetesConfiguration provider`, () => {
  it("the example file is the ARM shape this test claims", () => {
    expect(ARM_GET["type"]).toBeUndefined();
    expect(ARM_GET["registrationState"]).toBe("Registering");
  });
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
