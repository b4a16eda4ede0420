import { describe, it } from "vitest";
import { cluster } from "./harness.js";
import { AZ_TARGET, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-005";
const power = (code: string | undefined) => cluster({ properties: { powerState: code === undefined ? undefined : { code } } });

const cases: Case[] = [
  { name: "Running passes", resources: [power("Running")], status: "pass", evidence: ["Running"] },
  { name: "Stopped → warn (low severity)", resources: [power("Stopped")], status: "warn", evidence: ["Stopped"], remediation: [`az aks start ${AZ_TARGET}`] },
  { name: "powerState absent is unknown", resources: [power(undefined)], status: "unknown", evidence: ["powerState.code"] },
  { name: "powerState without code is unknown", resources: [cluster({ properties: { powerState: { code: undefined } } })], status: "unknown" },
  { name: "running in odd casing passes", resources: [power("running")], status: "pass" },
];

describe(`${ID} cluster running`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
