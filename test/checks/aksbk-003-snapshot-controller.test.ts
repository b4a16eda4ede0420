import { describe, it } from "vitest";
import { cluster } from "./harness.js";
import { AZ_TARGET, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-003";
const controller = (enabled: unknown) =>
  cluster({ properties: { storageProfile: { snapshotController: enabled === undefined ? undefined : { enabled } } } });

const cases: Case[] = [
  { name: "enabled true passes", resources: [controller(true)], status: "pass", evidence: ["storageProfile.snapshotController.enabled is true"] },
  {
    name: "enabled false fails",
    resources: [controller(false)],
    status: "fail",
    evidence: ["storageProfile.snapshotController.enabled is false"],
    remediation: [`az aks update ${AZ_TARGET}`, "--enable-snapshot-controller"],
  },
  { name: "snapshotController absent is unknown (default not assumed)", resources: [controller(undefined)], status: "unknown", evidence: ["not in the input"] },
  { name: "enabled absent is unknown", resources: [cluster({ properties: { storageProfile: { snapshotController: { enabled: undefined } } } })], status: "unknown", evidence: ["snapshotController"] },
  { name: "storageProfile absent is unknown", resources: [cluster({ properties: { storageProfile: undefined } })], status: "unknown" },
  {
    name: "disk driver off does not affect the snapshot controller",
    resources: [cluster({ properties: { storageProfile: { diskCSIDriver: { enabled: false } } } })],
    status: "pass",
  },
];

describe(`${ID} CSI snapshot controller`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
