import { describe, it } from "vitest";
import { STORAGE_ID, SUB, SUB2, cluster, extension, storageAccount } from "./harness.js";
import { EXT_TARGET, allKindsBut, expectCase, type Case } from "./harness-extra.js";

const ID = "AKSBK-012";
const ACCOUNT = "configuration.backupStorageLocation.config.storageAccount";
const BUCKET = "configuration.backupStorageLocation.bucket";
const settings = (s: Record<string, string | undefined>) => extension({ properties: { configurationSettings: s } });
const UPDATE = [`az k8s-extension update --name azure-aks-backup ${EXT_TARGET}`, `storageAccountSubscriptionId=${SUB}`];

const cases: Case[] = [
  {
    name: "account and container named, account in the input: pass",
    resources: [cluster(), extension(), storageAccount()],
    status: "pass",
    evidence: ["aks-backups", STORAGE_ID],
  },
  {
    name: "lacking the storage account setting fails",
    resources: [cluster(), settings({ [ACCOUNT]: undefined }), storageAccount()],
    status: "fail",
    evidence: [ACCOUNT],
    notEvidence: [BUCKET],
    remediation: [...UPDATE, "blobContainer=aks-backups", "storageAccount='<storage account>'"],
  },
  {
    name: "lacking the container (bucket) setting fails",
    resources: [cluster(), settings({ [BUCKET]: undefined }), storageAccount()],
    status: "fail",
    evidence: [BUCKET],
    notEvidence: [ACCOUNT],
    remediation: [...UPDATE, "storageAccount=stbackup1", "storageAccountResourceGroup=rg-backup", "blobContainer='<blob container>'"],
  },
  {
    name: "lacking both fails, naming both",
    resources: [cluster(), extension({ properties: { configurationSettings: undefined } })],
    status: "fail",
    evidence: [ACCOUNT, BUCKET],
    remediation: UPDATE,
  },
  {
    name: "a blank account setting counts as lacking",
    resources: [cluster(), settings({ [ACCOUNT]: "  " }), storageAccount()],
    status: "fail",
    evidence: [ACCOUNT],
    remediation: UPDATE,
  },
  {
    name: "account not in the input (storage accounts collected) is unknown",
    resources: [cluster(), extension()],
    status: "unknown",
    evidence: ["stbackup1", "not in the input"],
  },
  {
    name: "account of that name only in another resource group is unknown",
    resources: [cluster(), extension(), storageAccount({ id: STORAGE_ID.replace("rg-backup", "rg-other") })],
    status: "unknown",
    evidence: ["stbackup1", "rg-backup"],
  },
  {
    name: "subscription defaults to the cluster's: account named without subscription, found in the cluster's subscription, passes",
    resources: [cluster(), settings({ "configuration.backupStorageLocation.config.subscriptionId": undefined }), storageAccount()],
    status: "pass",
  },
  {
    name: "subscription defaults to the cluster's: account only in another subscription is unknown",
    resources: [
      cluster(),
      settings({ "configuration.backupStorageLocation.config.subscriptionId": undefined }),
      storageAccount({ id: STORAGE_ID.replace(SUB, SUB2) }),
    ],
    status: "unknown",
    evidence: [SUB],
  },
  {
    name: "storage accounts not collected is unknown",
    resources: [cluster(), extension()],
    options: { collected: allKindsBut("storageAccounts") },
    status: "unknown",
    evidence: ["storageAccounts were not collected"],
  },
  {
    name: "no backup extension cascades to unknown (AKSBK-011 owns it)",
    resources: [cluster(), storageAccount()],
    status: "unknown",
    evidence: ["AKSBK-011"],
  },
  {
    name: "extensions not collected is unknown",
    resources: [cluster(), extension(), storageAccount()],
    options: { collected: allKindsBut("extensions") },
    status: "unknown",
    evidence: ["extensions were not collected"],
  },
];

describe(`${ID} backup storage location`, () => {
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
