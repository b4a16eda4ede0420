import { describe, it } from "vitest";
import { SUB, cluster, extension, storageAccount } from "./harness.js";
import { expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-015";
const at = (location: string | undefined) => storageAccount({ location });

const cases: Case[] = [
  { name: "same region passes", resources: [cluster(), extension(), at("westeurope")], status: "pass", evidence: ["stbackup1", "westeurope"] },
  { name: '"West Europe" vs "westeurope" passes (normalised)', resources: [cluster(), extension(), at("West Europe")], status: "pass" },
  { name: '"WestEurope" vs "westeurope" passes (normalised)', resources: [cluster(), extension(), at("WestEurope")], status: "pass" },
  {
    name: "different region → warn",
    resources: [cluster(), extension(), at("eastus")],
    status: "warn",
    evidence: ["stbackup1", "eastus", "westeurope"],
    remediation: [`az storage account create --resource-group rg-aks`, "--location westeurope", `--subscription ${SUB}`],
  },
  {
    name: "paired region is still a different region → warn",
    resources: [cluster(), extension(), at("North Europe")],
    status: "warn",
    evidence: ["North Europe"],
    remediation: ["--location westeurope"],
  },
  { name: "storage account location absent is unknown", resources: [cluster(), extension(), at(undefined)], status: "unknown", evidence: ["stbackup1"] },
  { name: "cluster location absent is unknown", resources: [cluster({ location: undefined }), extension(), at("westeurope")], status: "unknown", evidence: ["cluster"] },
  { name: "storage account not in the input is unknown", resources: [cluster(), extension()], status: "unknown", evidence: ["stbackup1"] },
  { name: "no backup extension cascades to unknown", resources: [cluster(), at("eastus")], status: "unknown", evidence: ["AKSBK-011"] },
];

describe(`${ID} storage account region`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
