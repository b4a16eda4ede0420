import { describe, it } from "vitest";
import { cluster } from "./harness.js";
import { AZ_TARGET, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-002";
const driver = (enabled: unknown) => cluster({ properties: { storageProfile: { diskCSIDriver: enabled === undefined ? undefined : { enabled } } } });

const cases: Case[] = [
  { name: "enabled true passes", resources: [driver(true)], status: "pass", evidence: ["storageProfile.diskCSIDriver.enabled is true"] },
  {
    name: "enabled false fails",
    resources: [driver(false)],
    status: "fail",
    evidence: ["storageProfile.diskCSIDriver.enabled is false"],
    remediation: [`az aks update ${AZ_TARGET} --enable-disk-driver`],
  },
  { name: "diskCSIDriver absent is unknown (default not assumed)", resources: [driver(undefined)], status: "unknown", evidence: ["not in the input"] },
  { name: "enabled absent is unknown", resources: [cluster({ properties: { storageProfile: { diskCSIDriver: { enabled: undefined } } } })], status: "unknown", evidence: ["diskCSIDriver"] },
  { name: "storageProfile absent is unknown", resources: [cluster({ properties: { storageProfile: undefined } })], status: "unknown" },
  {
    name: "snapshot controller off does not affect the disk driver",
    resources: [cluster({ properties: { storageProfile: { snapshotController: { enabled: false } } } })],
    status: "pass",
  },
  {
    name: "PascalCase DiskCSIDriver.Enabled false is read",
    resources: [cluster({ properties: { storageProfile: { diskCSIDriver: undefined, DiskCSIDriver: { Enabled: false } } } })],
    status: "fail",
    remediation: ["--enable-disk-driver"],
  },
];

describe(`${ID} Azure Disk CSI driver`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
