import { describe, it } from "vitest";
import { SUB, cluster, extension, storageAccount } from "./harness.js";
import { EXT_TARGET, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-014";
const USE_AAD = "configuration.backupStorageLocation.config.useAAD";
const keys = (allowSharedKeyAccess: unknown) => storageAccount({ properties: { allowSharedKeyAccess } });
const aad = (v: unknown) => extension({ properties: { configurationSettings: { [USE_AAD]: v } } });
const FIX = [
  `az k8s-extension update --name azure-aks-backup ${EXT_TARGET} --configuration-settings ${USE_AAD}=true`,
  `az storage account update --resource-group rg-backup --name stbackup1 --subscription ${SUB} --allow-shared-key-access true`,
];

const cases: Case[] = [
  { name: "allowSharedKeyAccess true passes", resources: [cluster(), extension(), keys(true)], status: "pass", evidence: ["stbackup1", "allowSharedKeyAccess true"] },
  { name: "allowSharedKeyAccess absent passes (Azure's default is true)", resources: [cluster(), extension(), keys(undefined)], status: "pass", evidence: ["not set"] },
  {
    name: "allowSharedKeyAccess false without useAAD → warn",
    resources: [cluster(), extension(), keys(false)],
    status: "warn",
    evidence: ["stbackup1", "allowSharedKeyAccess false", USE_AAD],
    remediation: FIX,
  },
  { name: 'allowSharedKeyAccess false, useAAD "TRUE" → pass', resources: [cluster(), aad("TRUE"), keys(false)], status: "pass", evidence: [USE_AAD] },
  { name: 'allowSharedKeyAccess false, useAAD "true" → pass', resources: [cluster(), aad("true"), keys(false)], status: "pass" },
  { name: "allowSharedKeyAccess false, useAAD boolean true → pass", resources: [cluster(), aad(true), keys(false)], status: "pass" },
  { name: 'allowSharedKeyAccess false, useAAD "false" → warn', resources: [cluster(), aad("false"), keys(false)], status: "warn", remediation: FIX },
  { name: "allowSharedKeyAccess false, useAAD boolean false → warn", resources: [cluster(), aad(false), keys(false)], status: "warn", remediation: FIX },
  {
    name: "useAAD true decides without the storage account in the input",
    resources: [cluster(), aad("true")],
    status: "pass",
  },
  { name: "storage account not in the input (no useAAD) is unknown", resources: [cluster(), extension()], status: "unknown", evidence: ["stbackup1"] },
  { name: "no backup extension cascades to unknown", resources: [cluster(), keys(false)], status: "unknown", evidence: ["AKSBK-011"] },
];

describe(`${ID} shared-key access`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
