import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../src/model/props.js";
import { SUB, VAULT_ID, backupInstance, binding, cluster, extension, storageAccount, vault } from "./harness.js";
import { allKindsBut, exampleBody, expectCase, objectAt, type Case } from "./harness-extra.js";

const ID = "AKSBK-013";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.DataProtection/backupVaults/bv-other`;
const SYNAPSE_ID = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.Synapse/workspaces/testworkspace`;

/** Microsoft's StorageAccountGetProperties example: bypass AzureServices, defaultAction Allow, one Synapse resource-access rule. */
const EXAMPLE_ACLS = objectAt(exampleBody("storage/StorageAccountGetProperties.json"), "properties", "networkAcls");

/** The storage account with `networkAcls` replaced wholesale and publicNetworkAccess set (undefined = absent). */
function account(acls: JsonObject | undefined, publicNetworkAccess: string | undefined = "Enabled"): JsonObject {
  const a = storageAccount({ properties: { publicNetworkAccess, networkAcls: undefined } });
  const props = objectAt(a, "properties");
  if (acls) props["networkAcls"] = acls;
  return { ...a, properties: props };
}
const rules = (...ids: string[]) => ids.map((resourceId) => ({ tenantId: TENANT, resourceId }));
const deny = (bypass: string, ...ruleIds: string[]): JsonObject => ({ bypass, defaultAction: "Deny", ipRules: [], virtualNetworkRules: [], resourceAccessRules: rules(...ruleIds) });

/** The cluster with its vault resolved through its backup instance. */
const withVault = (acct: JsonObject) => [cluster(), extension(), acct, vault(), backupInstance(), binding()];
/** No backup instance, no binding (both collected): no vault is resolved. */
const noVault = (acct: JsonObject) => [cluster(), extension(), acct];

const TARGET = `--resource-group rg-backup --account-name stbackup1 --subscription ${SUB}`;
const ADD_RULE = `az storage account network-rule add ${TARGET} --resource-id ${VAULT_ID}`;
const BYPASS = `az storage account update ${TARGET} --bypass AzureServices`;

const cases: Case[] = [
  {
    name: "publicNetworkAccess Enabled, defaultAction Allow: pass",
    resources: withVault(account({ bypass: "AzureServices", defaultAction: "Allow", resourceAccessRules: [] })),
    status: "pass",
    evidence: ["stbackup1", "Allow"],
  },
  {
    name: "publicNetworkAccess absent, defaultAction Allow: pass",
    resources: withVault(account({ bypass: "None", defaultAction: "Allow" }, undefined)),
    status: "pass",
  },
  {
    name: "Microsoft's example networkAcls (Allow, Synapse rule): pass",
    resources: withVault(account(EXAMPLE_ACLS)),
    status: "pass",
    evidence: ["Allow"],
  },
  {
    name: "publicNetworkAccess Disabled fails even with Allow",
    resources: withVault(account({ bypass: "AzureServices", defaultAction: "Allow" }, "Disabled")),
    status: "fail",
    evidence: ["publicNetworkAccess Disabled", "stbackup1"],
    remediation: [`az storage account update ${TARGET} --public-network-access Enabled --default-action Deny`, ADD_RULE, BYPASS],
  },
  {
    name: "publicNetworkAccess Disabled fails even with the vault rule and AzureServices bypass",
    resources: withVault(account(deny("AzureServices", VAULT_ID), "Disabled")),
    status: "fail",
    evidence: ["Disabled"],
    remediation: ["--public-network-access Enabled"],
  },
  {
    name: 'Deny + rule for the resolved vault + bypass "Logging, Metrics, AzureServices": pass',
    resources: withVault(account(deny("Logging, Metrics, AzureServices", VAULT_ID))),
    status: "pass",
    evidence: [VAULT_ID],
  },
  {
    name: "Deny + rule for the vault, but bypass without AzureServices: fail",
    resources: withVault(account(deny("Logging, Metrics", VAULT_ID))),
    status: "fail",
    evidence: ["Logging, Metrics", "AzureServices"],
    notEvidence: ["no resource-instance rule"],
    remediation: [BYPASS],
  },
  {
    name: "Deny + bypass AzureServices, but no resource-instance rule: fail",
    resources: withVault(account(deny("AzureServices"))),
    status: "fail",
    evidence: [`no resource-instance rule names backup vault ${VAULT_ID}`],
    remediation: [ADD_RULE, `--tenant-id`],
  },
  {
    name: "Deny + bypass, rule for a different vault: fail",
    resources: withVault(account(deny("AzureServices", OTHER_VAULT_ID))),
    status: "fail",
    evidence: [VAULT_ID],
    remediation: [ADD_RULE],
  },
  {
    name: "Deny + bypass None + no rule: fail, both fixes",
    resources: withVault(account(deny("None"))),
    status: "fail",
    remediation: [ADD_RULE, BYPASS],
  },
  {
    name: "Deny + trailing * wildcard rule over the vault's resource group: pass",
    resources: withVault(account(deny("AzureServices", `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/*`))),
    status: "pass",
  },
  {
    name: "Deny + trailing * wildcard over another resource group: fail",
    resources: withVault(account(deny("AzureServices", `/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.DataProtection/backupVaults/*`))),
    status: "fail",
    remediation: [ADD_RULE],
  },
  {
    name: "Deny + the portal's all-instances-in-subscription rule (resourcegroups/*/…/backupVaults/*): pass",
    resources: withVault(account(deny("AzureServices", `/subscriptions/${SUB}/resourcegroups/*/providers/Microsoft.DataProtection/backupVaults/*`))),
    status: "pass",
  },
  {
    name: "Deny + all-instances rule of another subscription: fail",
    resources: withVault(account(deny("AzureServices", `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/*/providers/Microsoft.DataProtection/backupVaults/*`))),
    status: "fail",
    remediation: [ADD_RULE],
  },
  {
    name: "Deny + rule naming the vault in other casing with a trailing slash: pass",
    resources: withVault(account(deny("azureservices", `${VAULT_ID.toLowerCase()}/`))),
    status: "pass",
  },
  {
    name: "vault resolved through the trusted-access binding only: its rule counts",
    resources: [cluster(), extension(), account(deny("AzureServices", VAULT_ID)), vault(), binding()],
    status: "pass",
    evidence: [VAULT_ID],
  },
  {
    name: "no vault resolved: a rule for any backup vault counts",
    resources: noVault(account(deny("AzureServices", OTHER_VAULT_ID))),
    status: "pass",
    evidence: [OTHER_VAULT_ID],
  },
  {
    name: "no vault resolved: a rule for a non-vault resource does not count",
    resources: noVault(account(deny("AzureServices", SYNAPSE_ID))),
    status: "fail",
    evidence: ["a backup vault"],
    remediation: ["--resource-id <backup vault id>"],
  },
  {
    name: "Microsoft's example networkAcls with defaultAction Deny (Synapse rule only): fail",
    resources: withVault(account({ ...EXAMPLE_ACLS, defaultAction: "Deny" })),
    status: "fail",
    evidence: ["no resource-instance rule"],
    notEvidence: ["without AzureServices"],
    remediation: [ADD_RULE],
  },
  {
    name: "Microsoft's example networkAcls with defaultAction Deny plus a vault rule: pass",
    resources: withVault(
      account({
        ...EXAMPLE_ACLS,
        defaultAction: "Deny",
        resourceAccessRules: [...(EXAMPLE_ACLS["resourceAccessRules"] as JsonObject[]), ...rules(VAULT_ID)],
      }),
    ),
    status: "pass",
  },
  { name: "networkAcls absent is unknown", resources: withVault(account(undefined)), status: "unknown", evidence: ["networkAcls"] },
  { name: "storage account not in the input is unknown", resources: [cluster(), extension(), vault(), backupInstance()], status: "unknown", evidence: ["stbackup1"] },
  {
    name: "storage accounts not collected (account absent) is unknown",
    resources: [cluster(), extension(), vault(), backupInstance()],
    options: { collected: allKindsBut("storageAccounts") },
    status: "unknown",
    evidence: ["storageAccounts were not collected"],
  },
  { name: "no backup extension cascades to unknown", resources: [cluster(), account(deny("None"))], status: "unknown", evidence: ["AKSBK-011"] },
];

describe(`${ID} storage account reachable by the vault`, () => {
  it("the example file carries the networkAcls shape this test uses", () => {
    expect(EXAMPLE_ACLS["defaultAction"]).toBe("Allow");
    expect(EXAMPLE_ACLS["resourceAccessRules"]).toHaveLength(1);
  });
  it.each(cases)("$name", (c) => {
    expectCase(ID, c);
  });
});
