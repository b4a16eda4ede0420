#!/usr/bin/env node
// Regenerates examples/sample-fleet.json, the bundled sample fleet (see examples/README.md).
//
//   node examples/make-sample-fleet.mjs
//
// Deterministic: every GUID is derived from a fixed label with SHA-256, every time is a literal,
// so running it twice gives byte-identical output. No Azure access, no dependencies.
//
// Shapes follow what Azure returns (contracts.md §1). Everything in subscription "prod" (and
// aks-sandbox-ds, the subscriptions, the management-group and central-subscription role assignments)
// is written as Azure Resource Graph rows: lower-cased `type`, `subscriptionId` / `resourceGroup` /
// `tenantId` columns, PascalCase extension properties as kubernetesconfigurationresources returns
// them. Everything in "nonprod" (and aks-sandbox-gpu) is an ARM GET body: type in its original
// casing, camelCase, no subscriptionId column. Trusted-access bindings and provider registrations
// only exist as ARM reads, so they are ARM-shaped everywhere.
//
// examples/README.md lists the expected audit result of every cluster; change both together.

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const COLLECTED_AT = "2026-11-23T06:00:00Z";
const TENANT = "8a3e5c71-2f4b-4d9a-b6e1-0c7d9f2a4b63";
const SUB = {
  prod: "3f6b2d84-9a1c-4e57-b0d2-6c8e1a5f7b49", // Contoso-AKS-Prod
  nonprod: "c1d7e5a3-4b2f-4860-9e1a-7f3c5b9d2e08", // Contoso-AKS-NonProd
  sandbox: "5e9a1c3b-7d4f-4a26-8c0e-2b6f4d8a1e95", // Contoso-DataScience-Sandbox
  central: "0a5c7e91-3b2d-4f68-a1e4-8d9c6b2f7e30", // Contoso-Backup-Central: NOT audited, nothing of it is in the snapshot but role assignments
};

// Built-in role definition GUIDs (checks.md) plus two the auditor does not reason about.
const ROLE = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  blobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  blobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  diskSnapshotContributor: "7efff54f-a5b4-42b5-a1c5-5411624893ce",
  dataOperatorManagedDisks: "959f8984-c045-4866-89c7-12bf9737be2e",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
};

const BACKUP_OPERATOR = "Microsoft.DataProtection/backupVaults/backup-operator";
const BACKUP_EXT_TYPE = "microsoft.dataprotection.kubernetes";

// ---------------------------------------------------------------------------------------------
// helpers

function hex(label, n = 64) {
  return createHash("sha256").update(`aks-backup-auditor/sample-fleet:${label}`).digest("hex").slice(0, n);
}
/** A version-4-looking GUID derived from a label. */
function guid(label) {
  const h = hex(label, 32);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const rgId = (sub, rg) => `/subscriptions/${sub}/resourceGroups/${rg}`;
const resId = (sub, rg, type, name) => `${rgId(sub, rg)}/providers/${type}/${name}`;
const parseSub = (id) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";
const parseRg = (id) => /\/resourcegroups\/([^/]+)/i.exec(id)?.[1] ?? "";
const lowerRgSegment = (id) => id.replace("/resourceGroups/", "/resourcegroups/");
function dropUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
/** Azure prints seven fractional digits; derive them from a label so they look real but stay fixed. */
function withTicks(iso, label) {
  return iso.replace("Z", `.${String(parseInt(hex(label, 8), 16) % 10000000).padStart(7, "0")}Z`);
}
function durationOf(start, end) {
  const ms = Date.parse(end) - Date.parse(start);
  const s = Math.floor(ms / 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}.${String(ms % 1000).padStart(3, "0")}0000`;
}
/** PascalCase every property name, except the keys of maps whose keys are data (ConfigurationSettings). */
function pascal(value, keysAreData = false) {
  if (Array.isArray(value)) return value.map((v) => pascal(v));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const key = keysAreData ? k : k.charAt(0).toUpperCase() + k.slice(1);
      const dataMap = !keysAreData && (k === "configurationSettings" || k === "configurationProtectedSettings");
      return [key, keysAreData ? v : pascal(v, dataMap)];
    }),
  );
}

const resources = [];

/** Resource Graph row: lower-cased type, extra columns. */
function argRow(o) {
  return {
    id: o.id,
    name: o.name,
    type: o.type.toLowerCase(),
    tenantId: TENANT,
    kind: o.kind ?? "",
    location: o.location ?? "",
    resourceGroup: parseRg(o.id).toLowerCase(),
    subscriptionId: parseSub(o.id),
    managedBy: o.managedBy ?? "",
    sku: o.sku ?? null,
    plan: null,
    properties: o.properties ?? {},
    tags: o.tags ?? {},
    identity: o.identity ?? null,
    zones: o.zones ?? null,
    extendedLocation: null,
  };
}
/** ARM GET body: original casing, no Resource Graph columns. */
function armBody(o) {
  return dropUndefined({
    id: o.id,
    name: o.name,
    type: o.type,
    kind: o.kind,
    location: o.location,
    tags: o.tags,
    sku: o.sku,
    identity: o.identity,
    systemData: o.systemData,
    properties: o.properties,
  });
}
function emit(shape, o) {
  resources.push(shape === "arg" ? argRow(o) : armBody(o));
}

// ---------------------------------------------------------------------------------------------
// subscriptions (Resource Graph `resourcecontainers`) and provider registrations (ARM)

const SUBSCRIPTIONS = [
  { id: SUB.prod, name: "Contoso-AKS-Prod", chain: [["mg-platform", "Platform"], ["mg-contoso", "Contoso"]] },
  { id: SUB.nonprod, name: "Contoso-AKS-NonProd", chain: [["mg-nonprod", "Non-production"], ["mg-contoso", "Contoso"]] },
  { id: SUB.sandbox, name: "Contoso-DataScience-Sandbox", chain: [["mg-sandbox", "Sandboxes"], ["mg-contoso", "Contoso"]] },
];
for (const s of SUBSCRIPTIONS) {
  resources.push({
    id: `/subscriptions/${s.id}`,
    name: s.name,
    type: "microsoft.resources/subscriptions",
    tenantId: TENANT,
    kind: "",
    location: "",
    resourceGroup: "",
    subscriptionId: s.id,
    managedBy: "",
    sku: null,
    plan: null,
    properties: {
      subscriptionPolicies: {
        locationPlacementId: "Public_2014-09-01",
        quotaId: "EnterpriseAgreement_2014-09-01",
        spendingLimit: "Off",
      },
      managementGroupAncestorsChain: [
        ...s.chain.map(([name, displayName]) => ({ displayName, name })),
        { displayName: "Tenant Root Group", name: TENANT },
      ],
      state: "Enabled",
    },
    tags: { costCenter: "CC-4410", owner: "platform-team@contoso.com" },
    identity: null,
    zones: null,
    extendedLocation: null,
  });
}

const PROVIDER_STATE = { [SUB.prod]: "Registered", [SUB.nonprod]: "Registered", [SUB.sandbox]: "NotRegistered" };
for (const [sub, state] of Object.entries(PROVIDER_STATE)) {
  resources.push({
    id: `/subscriptions/${sub}/providers/Microsoft.KubernetesConfiguration`,
    namespace: "Microsoft.KubernetesConfiguration",
    registrationState: state,
    registrationPolicy: "RegistrationRequired",
    resourceTypes: [
      {
        resourceType: "extensions",
        locations: ["West Europe", "North Europe", "Sweden Central", "East US", "East US 2"],
        apiVersions: ["2025-03-01", "2024-11-01", "2023-05-01", "2022-11-01"],
        capabilities: "SupportsExtension",
      },
      {
        resourceType: "operations",
        locations: [],
        apiVersions: ["2025-03-01", "2024-11-01", "2023-05-01"],
        capabilities: "None",
      },
    ],
  });
  // A second provider in the same subscription: registered everywhere, including the sandbox,
  // so the auditor must look at the right namespace.
  resources.push({
    id: `/subscriptions/${sub}/providers/Microsoft.DataProtection`,
    namespace: "Microsoft.DataProtection",
    registrationState: "Registered",
    registrationPolicy: "RegistrationRequired",
    resourceTypes: [
      {
        resourceType: "backupVaults",
        locations: ["West Europe", "North Europe", "Sweden Central", "East US", "East US 2"],
        apiVersions: ["2025-07-01", "2025-01-01", "2024-04-01"],
        capabilities: "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SystemAssignedResourceIdentity, SupportsTags, SupportsLocation",
      },
    ],
  });
}

// A few resource groups (resourcecontainers). Not needed by the checks; they make the
// rg-aks-snap / rg-aks-snapshots sibling pair visible to a human reader.
for (const [sub, rg, location, tags] of [
  [SUB.nonprod, "rg-aks-snapshots", "westeurope", { purpose: "aks-backup-snapshots", env: "qa" }],
  [SUB.nonprod, "rg-aks-snap", "westeurope", { purpose: "scratch", env: "qa" }],
  [SUB.nonprod, "AKSAzureBackup_westeurope", "westeurope", { AKSAzureBackup: "westeurope" }],
  [SUB.prod, "rg-aks-snapshots-prod-weu", "westeurope", { purpose: "aks-backup-snapshots", env: "prod" }],
  [SUB.prod, "rg-aks-snapshots-prod-neu", "northeurope", { purpose: "aks-backup-snapshots", env: "prod" }],
]) {
  resources.push({
    ...argRow({ id: rgId(sub, rg), name: rg, type: "microsoft.resources/subscriptions/resourcegroups", location, tags }),
    properties: { provisioningState: "Succeeded" },
  });
}

// ---------------------------------------------------------------------------------------------
// networks

const VNET_PROD = resId(SUB.prod, "rg-network-prod-weu", "Microsoft.Network/virtualNetworks", "vnet-aks-prod-weu");
const VNET_NONPROD = resId(SUB.nonprod, "rg-network-nonprod-weu", "Microsoft.Network/virtualNetworks", "vnet-aks-nonprod-weu");
const NSG = {
  payments: resId(SUB.prod, "rg-network-prod-weu", "Microsoft.Network/networkSecurityGroups", "nsg-aks-payments-weu"),
  orders: resId(SUB.prod, "rg-network-prod-weu", "Microsoft.Network/networkSecurityGroups", "nsg-aks-orders-weu"),
  platform: resId(SUB.nonprod, "rg-network-nonprod-weu", "Microsoft.Network/networkSecurityGroups", "nsg-aks-platform-weu"),
};
const SUBNET = {
  payments: `${VNET_PROD}/subnets/snet-aks-payments`,
  orders: `${VNET_PROD}/subnets/snet-aks-orders`,
  privateEndpoints: `${VNET_PROD}/subnets/snet-privateendpoints`,
  internalApi: `${VNET_NONPROD}/subnets/snet-aks-internal-api`,
  platform: `${VNET_NONPROD}/subnets/snet-aks-platform`,
};

function subnet(id, addressPrefix, extra = {}) {
  return {
    id,
    name: id.split("/").pop(),
    etag: `W/"${guid(`etag:${id}`)}"`,
    properties: dropUndefined({
      provisioningState: "Succeeded",
      addressPrefix,
      networkSecurityGroup: extra.nsg ? { id: extra.nsg } : undefined,
      routeTable: extra.routeTable ? { id: extra.routeTable } : undefined,
      serviceEndpoints: extra.serviceEndpoints,
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    }),
    type: "Microsoft.Network/virtualNetworks/subnets",
  };
}
const storageEndpoint = [{ service: "Microsoft.Storage", locations: ["westeurope", "northeurope"], provisioningState: "Succeeded" }];

emit("arg", {
  id: VNET_PROD,
  name: "vnet-aks-prod-weu",
  type: "Microsoft.Network/virtualNetworks",
  location: "westeurope",
  tags: { env: "prod", owner: "network-team@contoso.com" },
  properties: {
    provisioningState: "Succeeded",
    resourceGuid: guid("vnet-prod-resourceGuid"),
    addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
    subnets: [
      subnet(SUBNET.payments, "10.20.0.0/22", { nsg: NSG.payments, serviceEndpoints: storageEndpoint }),
      subnet(SUBNET.orders, "10.20.4.0/22", { nsg: NSG.orders, serviceEndpoints: storageEndpoint }),
      subnet(SUBNET.privateEndpoints, "10.20.8.0/24"),
    ],
    virtualNetworkPeerings: [],
    enableDdosProtection: false,
  },
});
emit("arm", {
  id: VNET_NONPROD,
  name: "vnet-aks-nonprod-weu",
  type: "Microsoft.Network/virtualNetworks",
  location: "westeurope",
  tags: { env: "nonprod", owner: "network-team@contoso.com" },
  properties: {
    provisioningState: "Succeeded",
    resourceGuid: guid("vnet-nonprod-resourceGuid"),
    addressSpace: { addressPrefixes: ["10.40.0.0/16"] },
    subnets: [
      // No NSG on this subnet: egress is forced through the hub firewall by a route table.
      subnet(SUBNET.internalApi, "10.40.0.0/22", {
        routeTable: resId(SUB.nonprod, "rg-network-nonprod-weu", "Microsoft.Network/routeTables", "rt-aks-egress-fw-weu"),
      }),
      subnet(SUBNET.platform, "10.40.4.0/22", { nsg: NSG.platform }),
    ],
    virtualNetworkPeerings: [],
    enableDdosProtection: false,
  },
});

function rule(name, priority, direction, access, source, extra = {}) {
  const src = Array.isArray(source)
    ? { sourceAddressPrefixes: source }
    : { sourceAddressPrefix: source, sourceAddressPrefixes: [] };
  return {
    name,
    id: `${extra.nsg}/securityRules/${name}`,
    etag: `W/"${guid(`etag:${extra.nsg}:${name}`)}"`,
    type: "Microsoft.Network/networkSecurityGroups/securityRules",
    properties: {
      provisioningState: "Succeeded",
      description: extra.description,
      protocol: extra.protocol ?? "Tcp",
      sourcePortRange: "*",
      destinationPortRange: extra.port ?? "443",
      ...src,
      destinationAddressPrefix: extra.destination ?? "VirtualNetwork",
      access,
      priority,
      direction,
      sourcePortRanges: [],
      destinationPortRanges: [],
      destinationAddressPrefixes: [],
    },
  };
}
function defaultRules(nsg) {
  const d = (name, priority, direction, access, source, destination) => ({
    name,
    id: `${nsg}/defaultSecurityRules/${name}`,
    type: "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
    properties: {
      provisioningState: "Succeeded",
      protocol: "*",
      sourcePortRange: "*",
      destinationPortRange: "*",
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
    },
  });
  return [
    d("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    d("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
    d("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
    d("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    d("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
    d("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
  ];
}
function nsg(shape, id, location, securityRules, subnets) {
  emit(shape, {
    id,
    name: id.split("/").pop(),
    type: "Microsoft.Network/networkSecurityGroups",
    location,
    tags: { owner: "network-team@contoso.com" },
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: guid(`nsg-resourceGuid:${id}`),
      securityRules,
      defaultSecurityRules: defaultRules(id),
      subnets: subnets.map((s) => ({ id: s })),
    },
  });
}
// Allows both service tags inbound (one as the regional form of AzureCloud).
nsg("arg", NSG.payments, "westeurope", [
  rule("AllowAzureBackupInbound", 200, "Inbound", "Allow", "AzureBackup", { nsg: NSG.payments, description: "Azure Backup for AKS" }),
  rule("AllowAzureCloudWestEuropeInbound", 210, "Inbound", "Allow", "AzureCloud.westeurope", { nsg: NSG.payments }),
  rule("AllowCorpNetworksInbound", 300, "Inbound", "Allow", ["10.100.0.0/16", "10.101.0.0/16"], { nsg: NSG.payments }),
  rule("DenyInternetInbound", 4000, "Inbound", "Deny", "Internet", { nsg: NSG.payments, protocol: "*", port: "*" }),
], [SUBNET.payments]);
// Lacks AzureBackup inbound: it only appears in an Outbound rule, and the Internet rule is a Deny.
nsg("arg", NSG.orders, "westeurope", [
  rule("AllowAzureCloudInbound", 200, "Inbound", "Allow", "AzureCloud", { nsg: NSG.orders }),
  rule("AllowFrontDoorInbound", 210, "Inbound", "Allow", "AzureFrontDoor.Backend", { nsg: NSG.orders }),
  rule("AllowCorpNetworksInbound", 300, "Inbound", "Allow", ["10.100.0.0/16"], { nsg: NSG.orders }),
  rule("DenyInternetInbound", 4000, "Inbound", "Deny", "Internet", { nsg: NSG.orders, protocol: "*", port: "*" }),
  rule("AllowAzureBackupOutbound", 200, "Outbound", "Allow", "VirtualNetwork", { nsg: NSG.orders, destination: "AzureBackup" }),
], [SUBNET.orders]);
// A permissive dev NSG: source "*" covers both tags.
nsg("arm", NSG.platform, "westeurope", [
  rule("AllowHttpsInbound", 100, "Inbound", "Allow", "*", { nsg: NSG.platform }),
], [SUBNET.platform]);

// ---------------------------------------------------------------------------------------------
// backup vaults

const VAULTS = {
  prodWeu: { sub: SUB.prod, rg: "rg-backup-prod-weu", name: "bv-aks-prod-weu", location: "westeurope", shape: "arg", identity: "system" },
  prodWeuOld: { sub: SUB.prod, rg: "rg-backup-prod-weu", name: "bv-aks-prod-weu-old", location: "westeurope", shape: "arg", identity: "system" },
  prodNeu: { sub: SUB.prod, rg: "rg-backup-prod-neu", name: "bv-aks-prod-neu", location: "northeurope", shape: "arg", identity: "system" },
  nonprod: { sub: SUB.nonprod, rg: "AKSAzureBackup_westeurope", name: "AKSAzureBackup-westeurope", location: "westeurope", shape: "arm", identity: "system", tags: { AKSAzureBackup: "westeurope" } },
  test: { sub: SUB.nonprod, rg: "rg-aks-qa-weu", name: "bv-aks-test-weu", location: "westeurope", shape: "arm", identity: "system", typeCasing: "Microsoft.DataProtection/Backupvaults" },
  dev: { sub: SUB.nonprod, rg: "rg-backup-dev-weu", name: "bv-aks-dev-weu", location: "westeurope", shape: "arm", identity: "none" },
};
for (const [key, v] of Object.entries(VAULTS)) {
  v.key = key;
  v.id = resId(v.sub, v.rg, "Microsoft.DataProtection/backupVaults", v.name);
  v.principalId = v.identity === "system" ? guid(`principal:vault:${key}`) : undefined;
  emit(v.shape, {
    id: v.id,
    name: v.name,
    type: v.typeCasing ?? "Microsoft.DataProtection/backupVaults",
    location: v.location,
    tags: v.tags ?? { env: v.sub === SUB.prod ? "prod" : "nonprod", owner: "backup-team@contoso.com" },
    identity: v.identity === "system" ? { type: "SystemAssigned", principalId: v.principalId, tenantId: TENANT } : { type: "None" },
    properties: {
      provisioningState: "Succeeded",
      resourceMoveState: "Unknown",
      storageSettings: [{ datastoreType: "VaultStore", type: v.sub === SUB.prod ? "GeoRedundant" : "LocallyRedundant" }],
      securitySettings: {
        softDeleteSettings: { state: "On", retentionDurationInDays: 14 },
        immutabilitySettings: { state: "Unlocked" },
      },
      featureSettings: { crossSubscriptionRestoreSettings: { state: "Enabled" } },
      monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: "Enabled" } },
      isVaultProtectedByResourceGuard: false,
      secureScore: "Adequate",
      bcdrSecurityLevel: "Fair",
      replicatedRegions: [],
    },
  });
}

// ---------------------------------------------------------------------------------------------
// storage accounts (the central one is referenced but deliberately absent)

const STORAGE = {
  prodWeu: { sub: SUB.prod, rg: "rg-backup-prod-weu", name: "stcontosoaksbkpweu01", location: "westeurope", shape: "arg",
    publicNetworkAccess: "Enabled", allowSharedKeyAccess: true,
    networkAcls: { bypass: "AzureServices", defaultAction: "Deny",
      ipRules: [{ value: "203.0.113.0/24", action: "Allow" }],
      virtualNetworkRules: [{ id: SUBNET.payments, action: "Allow", state: "Succeeded" }, { id: SUBNET.orders, action: "Allow", state: "Succeeded" }],
      resourceAccessRules: [{ tenantId: TENANT, resourceId: lowerRgSegment(resId(SUB.prod, "rg-backup-prod-weu", "Microsoft.DataProtection/backupVaults", "bv-aks-prod-weu")) }] } },
  prodNeu: { sub: SUB.prod, rg: "rg-backup-prod-neu", name: "stcontosoaksbkpneu01", location: "northeurope", shape: "arg",
    publicNetworkAccess: "Enabled", allowSharedKeyAccess: false,
    networkAcls: { bypass: "Logging, Metrics, AzureServices", defaultAction: "Deny", ipRules: [], virtualNetworkRules: [],
      // "All backup vaults in this resource group", as the portal writes it.
      resourceAccessRules: [{ tenantId: TENANT, resourceId: `/subscriptions/${SUB.prod}/resourcegroups/rg-backup-prod-neu/providers/Microsoft.DataProtection/backupVaults/*` }] } },
  nonprod: { sub: SUB.nonprod, rg: "AKSAzureBackup_westeurope", name: "aksbkpwesteurope7c41d2", location: "westeurope", shape: "arm",
    publicNetworkAccess: "Enabled", allowSharedKeyAccess: false, tags: { AKSAzureBackup: "westeurope" },
    networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [] } },
  devNeu: { sub: SUB.nonprod, rg: "rg-backup-dev-neu", name: "stcontosoaksdevneu01", location: "northeurope", shape: "arm",
    publicNetworkAccess: "Enabled", allowSharedKeyAccess: true,
    networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [] } },
  qa: { sub: SUB.nonprod, rg: "rg-aks-qa-weu", name: "stcontosoaksqaweu01", location: "westeurope", shape: "arm",
    publicNetworkAccess: "Enabled", allowSharedKeyAccess: true,
    // Locked down: the only resource instance rule is for a Synapse workspace, none for a backup vault.
    networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [{ value: "198.51.100.24", action: "Allow" }], virtualNetworkRules: [],
      resourceAccessRules: [{ tenantId: TENANT, resourceId: resId(SUB.nonprod, "rg-data-qa-weu", "Microsoft.Synapse/workspaces", "syn-contoso-qa-weu") }] } },
  central: { sub: SUB.central, rg: "rg-backup-central", name: "stcorpaksbackup01", location: "westeurope", shape: "absent" },
};
for (const [key, s] of Object.entries(STORAGE)) {
  s.key = key;
  s.id = resId(s.sub, s.rg, "Microsoft.Storage/storageAccounts", s.name);
  if (s.shape === "absent") continue;
  emit(s.shape, {
    id: s.id,
    name: s.name,
    type: "Microsoft.Storage/storageAccounts",
    kind: "StorageV2",
    location: s.location,
    sku: { name: s.sub === SUB.prod ? "Standard_ZRS" : "Standard_LRS", tier: "Standard" },
    tags: s.tags ?? { purpose: "aks-backup", owner: "backup-team@contoso.com" },
    properties: {
      provisioningState: "Succeeded",
      creationTime: "2025-03-11T09:14:27.4419843Z",
      primaryLocation: s.location,
      statusOfPrimary: "available",
      accessTier: "Hot",
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: s.allowSharedKeyAccess,
      allowCrossTenantReplication: false,
      defaultToOAuthAuthentication: s.allowSharedKeyAccess === false,
      publicNetworkAccess: s.publicNetworkAccess,
      isHnsEnabled: false,
      networkAcls: s.networkAcls,
      encryption: {
        keySource: "Microsoft.Storage",
        requireInfrastructureEncryption: false,
        services: {
          blob: { enabled: true, keyType: "Account", lastEnabledTime: "2025-03-11T09:14:27.5201125Z" },
          file: { enabled: true, keyType: "Account", lastEnabledTime: "2025-03-11T09:14:27.5201125Z" },
        },
      },
      primaryEndpoints: {
        blob: `https://${s.name}.blob.core.windows.net/`,
        dfs: `https://${s.name}.dfs.core.windows.net/`,
        file: `https://${s.name}.file.core.windows.net/`,
        queue: `https://${s.name}.queue.core.windows.net/`,
        table: `https://${s.name}.table.core.windows.net/`,
        web: `https://${s.name}.z6.web.core.windows.net/`,
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// clusters
//
// For each cluster: its own shape, identity, power state, networking, and the backup set-up
// (extension, trusted-access bindings, backup instances and jobs). Role assignments follow below.

const CLUSTERS = [
  // ----- Contoso-AKS-Prod (Resource Graph shapes) -----
  { key: "payments", name: "aks-payments-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.33", "1.33.4"], identity: "system", azurePolicy: true,
    pools: [{ name: "system", mode: "System", subnet: SUBNET.payments }, { name: "apps", mode: "User", subnet: SUBNET.payments, count: 6 }],
    otherExtensions: ["flux"],
    backup: { storage: "prodWeu", container: "aks-payments-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      bindings: ["prodWeu"], instanceName: "aks-payments-prod-aks-payments-prod-" + guid("bi:payments"), policy: "pol-aks-every4h-7d",
      jobs: [["2026-11-22T17:30:04Z", "2026-11-22T17:38:51Z", "Completed"], ["2026-11-22T21:30:03Z", "2026-11-22T21:39:12Z", "Completed"],
        ["2026-11-23T01:30:05Z", "2026-11-23T01:37:44Z", "Completed"], ["2026-11-23T05:30:02Z", null, "InProgress"]] } },
  { key: "checkout", name: "aks-checkout-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.33.4", "1.33.4"], identity: { userAssigned: "id-aks-checkout-prod" },
    pools: [{ name: "system", mode: "System" }, { name: "checkout", mode: "User", count: 4 }],
    backup: { storage: "prodWeu", container: "aks-checkout-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      bindings: ["prodWeuOld", "prodWeu"], instanceName: "aks-checkout-prod-5d0e7a21", policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T02:00:11Z", "2026-11-22T02:09:30Z", "Completed"], ["2026-11-23T02:00:09Z", "2026-11-23T02:11:02Z", "CompletedWithWarnings"]],
      // the cluster's earlier protection, stopped when it moved to the new vault
      oldInstances: [{ vault: "prodWeuOld", name: "aks-checkout-prod-0b8c3f12", state: "ProtectionStopped",
        jobs: [["2026-10-02T02:00:10Z", "2026-10-02T02:07:55Z", "Completed"]] }] } },
  { key: "identity", name: "aks-identity-prod", sub: SUB.prod, rg: "rg-aks-prod-neu", location: "northeurope", shape: "arg",
    version: ["1.32.7", "1.32.7"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "apps", mode: "User" }],
    backup: { storage: "prodNeu", container: "aks-identity-prod", useAAD: "true", vault: "prodNeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-neu"],
      bindings: ["prodNeu"], instanceName: "aks-identity-prod-aks-identity-prod-" + guid("bi:identity"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T01:00:07Z", "2026-11-22T01:06:40Z", "Completed"], ["2026-11-23T01:00:06Z", "2026-11-23T01:06:58Z", "Completed"]] } },
  { key: "catalog", name: "aks-catalog-prod", sub: SUB.prod, rg: "rg-aks-prod-neu", location: "northeurope", shape: "arg",
    version: ["1.32.7", "1.32.7"], identity: "system",
    pools: [{ name: "system", mode: "System" }],
    backup: { storage: "prodNeu", container: "aks-catalog-prod", useAAD: "True", vault: "prodNeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-neu"],
      bindings: ["prodNeu"], instanceName: "aks-catalog-prod-aks-catalog-prod-" + guid("bi:catalog"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T01:00:08Z", "2026-11-22T01:12:19Z", "Completed"], ["2026-11-23T01:00:05Z", "2026-11-23T01:12:47Z", "Completed"],
        // a later restore drill that failed: not a backup job, must not decide AKSBK-031
        ["2026-11-23T04:10:00Z", "2026-11-23T04:40:13Z", "Failed", "Restore"]] } },
  { key: "orders", name: "aks-orders-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.33.4", "1.33.4"], identity: "system",
    pools: [{ name: "system", mode: "System", subnet: lowerRgSegment(SUBNET.orders) }, { name: "apps", mode: "User", subnet: SUBNET.payments, count: 5 }],
    otherExtensions: ["flux"],
    backup: { storage: "prodWeu", container: "aks-orders-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      // only a binding left over from the old vault: none for the vault that owns the backup instance
      bindings: ["prodWeuOld"], instanceName: "aks-orders-prod-aks-orders-prod-" + guid("bi:orders"), policy: "pol-aks-daily-7d",
      dataSourceIdLowerRg: true,
      jobs: [["2026-11-22T02:00:12Z", "2026-11-22T02:10:03Z", "Completed"], ["2026-11-23T02:00:10Z", "2026-11-23T02:09:48Z", "Completed"]] } },
  { key: "ledger", name: "aks-ledger-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.32.7", "1.32.7"], identity: "system", azurePolicy: false,
    pools: [{ name: "system", mode: "System" }, { name: "ledger", mode: "User", count: 3 }],
    backup: { storage: "prodWeu", container: "aks-ledger-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      bindings: ["prodWeu"], instanceName: "aks-ledger-prod-aks-ledger-prod-" + guid("bi:ledger"), policy: "pol-aks-daily-7d",
      protection: { state: "ProtectionError", error: { code: "UserErrorBackupExtensionNotReachable",
        message: "The backup extension on the cluster did not respond to the vault. Make sure the extension pods in namespace dataprotection-microsoft are running and retry the operation." } },
      jobs: [["2026-11-16T02:00:10Z", "2026-11-16T02:08:41Z", "Completed"], ["2026-11-17T02:00:09Z", "2026-11-17T02:09:15Z", "Completed"]] } },
  { key: "notifications", name: "aks-notifications-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.33.4", "1.33.4"], identity: "system",
    pools: [{ name: "system", mode: "System" }],
    backup: { storage: "prodWeu", container: "aks-notifications-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      extensionState: "Failed",
      extensionError: { code: "ExtensionOperationFailed",
        message: "Helm upgrade of release azure-aks-backup failed: timed out waiting for the condition (deployment dataprotection-microsoft-kubernetes-agent not ready)." },
      bindings: ["prodWeu"], instanceName: "aks-notifications-prod-aks-notifications-prod-" + guid("bi:notifications"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T02:00:10Z", "2026-11-22T02:05:33Z", "Completed"], ["2026-11-23T02:00:12Z", "2026-11-23T02:05:58Z", "Completed"]] } },
  { key: "reporting", name: "aks-reporting-prod", sub: SUB.prod, rg: "rg-aks-prod-neu", location: "northeurope", shape: "arg",
    version: ["1.32.7", "1.32.7"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "batch", mode: "User", count: 2 }],
    // no useAAD although the account refuses shared keys
    backup: { storage: "prodNeu", container: "aks-reporting-prod", vault: "prodNeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-neu"],
      bindings: ["prodNeu"], instanceName: "aks-reporting-prod-aks-reporting-prod-" + guid("bi:reporting"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-21T01:00:06Z", "2026-11-21T01:09:27Z", "Completed"], ["2026-11-22T01:00:09Z", "2026-11-22T01:10:02Z", "Completed"],
        ["2026-11-23T01:00:07Z", "2026-11-23T01:21:36Z", "Failed", "Backup",
          { code: "UserErrorBackupStorageLocationNotAccessible", message: "The backup extension could not write to the blob container aks-reporting-prod in storage account stcontosoaksbkpneu01: Key based authentication is not permitted on this storage account." }]] } },
  { key: "risk", name: "aks-risk-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.33.4", "1.33.4"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "models", mode: "User", count: 3, vmSize: "Standard_E8ds_v5" }],
    // the storage account lives in the central backup subscription, which was not audited
    backup: { storage: "central", container: "aks-risk-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      bindings: ["prodWeu"], instanceName: "aks-risk-prod-aks-risk-prod-" + guid("bi:risk"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T02:00:08Z", "2026-11-22T02:08:14Z", "Completed"], ["2026-11-23T02:00:07Z", "2026-11-23T02:08:40Z", "Completed"]] } },
  { key: "fraud", name: "aks-fraud-prod", sub: SUB.prod, rg: "rg-aks-prod-weu", location: "westeurope", shape: "arg",
    version: ["1.33.4", "1.33.4"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "scoring", mode: "User", count: 4 }],
    backup: { storage: "prodWeu", container: "aks-fraud-prod", vault: "prodWeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-weu"],
      bindings: ["prodWeu"], instanceName: "aks-fraud-prod-aks-fraud-prod-" + guid("bi:fraud"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T02:00:06Z", "2026-11-22T02:07:21Z", "Completed"], ["2026-11-23T02:00:08Z", "2026-11-23T02:07:09Z", "Completed"]] } },
  { key: "gateway", name: "aks-gateway-prod", sub: SUB.prod, rg: "rg-aks-prod-neu", location: "northeurope", shape: "arg",
    version: ["1.33.4", "1.33.4"], identity: "system", outbound: "managedNATGateway",
    pools: [{ name: "system", mode: "System" }, { name: "ingress", mode: "User", count: 3 }],
    // the extension is being re-installed (release train change): a transient state
    backup: { storage: "prodNeu", container: "aks-gateway-prod", useAAD: "true", vault: "prodNeu", snapshotRg: [SUB.prod, "rg-aks-snapshots-prod-neu"],
      extensionState: "Creating",
      bindings: ["prodNeu"], instanceName: "aks-gateway-prod-aks-gateway-prod-" + guid("bi:gateway"), policy: "pol-aks-daily-7d",
      jobs: [["2026-11-22T01:00:05Z", "2026-11-22T01:04:50Z", "Completed"], ["2026-11-23T01:00:06Z", "2026-11-23T01:05:12Z", "Completed"]] } },

  // ----- Contoso-AKS-NonProd (ARM GET shapes) -----
  { key: "webStaging", name: "aks-web-staging", sub: SUB.nonprod, rg: "rg-aks-nonprod-weu", location: "westeurope", shape: "arm",
    version: ["1.34.1", "1.34.1"], identity: "system", azurePolicy: true,
    pools: [{ name: "system", mode: "System" }, { name: "web", mode: "User", count: 2 }],
    backup: { storage: "nonprod", container: "aks-web-staging-rg-aks-nonprod-weu", useAAD: "true", vault: "nonprod", snapshotRg: [SUB.nonprod, "AKSAzureBackup_westeurope"],
      bindings: ["nonprod"], instanceName: "aks-web-staging-3a9f0c6e", policy: "AKSBackupPolicy-Week", cliCreated: true,
      jobs: [["2026-11-22T00:00:21Z", "2026-11-22T00:06:03Z", "Completed"], ["2026-11-23T00:00:18Z", "2026-11-23T00:05:47Z", "Completed"]] } },
  { key: "internalApi", name: "aks-internal-api-staging", sub: SUB.nonprod, rg: "rg-aks-nonprod-weu", location: "westeurope", shape: "arm",
    version: ["1.34.1", "1.34.1"], identity: { userAssigned: "id-aks-internal-api-staging" }, private: true, outbound: "userDefinedRouting",
    pools: [{ name: "system", mode: "System", subnet: SUBNET.internalApi }, { name: "api", mode: "User", subnet: SUBNET.internalApi, count: 3 }],
    backup: { storage: "nonprod", container: "aks-internal-api-staging-rg-aks-nonprod-weu", useAAD: "true", vault: "nonprod", snapshotRg: [SUB.nonprod, "AKSAzureBackup_westeurope"],
      bindings: ["nonprod"], instanceName: "aks-internal-api-staging-81d2b7f4", policy: "AKSBackupPolicy-Week", cliCreated: true, explicitSystemIdentity: true,
      jobs: [["2026-11-22T00:00:19Z", "2026-11-22T00:07:11Z", "Completed"], ["2026-11-23T00:00:20Z", "2026-11-23T00:07:36Z", "Completed"]] } },
  { key: "batchDev", name: "aks-batch-dev", sub: SUB.nonprod, rg: "rg-aks-nonprod-weu", location: "westeurope", shape: "arm",
    version: ["1.33.4", "1.33.4"], identity: "system", power: "Stopped",
    pools: [{ name: "system", mode: "System" }, { name: "batch", mode: "User", count: 0 }],
    backup: { storage: "devNeu", container: "aks-batch-dev", vault: "nonprod", snapshotRg: [SUB.nonprod, "rg-aks-snapshots-dev-weu"],
      bindings: ["nonprod"], instanceName: "aks-batch-dev-c47e19a0", policy: "AKSBackupPolicy-Week",
      jobs: [["2026-11-22T00:00:22Z", "2026-11-22T00:04:09Z", "Completed"], ["2026-11-23T00:00:19Z", "2026-11-23T00:04:31Z", "Completed"]] } },
  { key: "mlDev", name: "aks-ml-dev", sub: SUB.nonprod, rg: "rg-aks-nonprod-weu", location: "westeurope", shape: "arm",
    version: ["1.33.4", "1.33.4"], identity: "system", snapshotController: false,
    pools: [{ name: "system", mode: "System" }, { name: "gpu", mode: "User", count: 2, vmSize: "Standard_NC24ads_A100_v4" }],
    backup: { storage: "nonprod", container: "aks-ml-dev-rg-aks-nonprod-weu", useAAD: "true", vault: "nonprod", snapshotRg: [SUB.nonprod, "AKSAzureBackup_westeurope"],
      bindings: ["nonprod"], instanceName: "aks-ml-dev-e2b85d3c", policy: "AKSBackupPolicy-Week", cliCreated: true,
      extraBindings: [{ name: "mlworkspace-binding", roles: ["Microsoft.MachineLearningServices/workspaces/mlworkload"],
        source: resId(SUB.nonprod, "rg-ml-dev-weu", "Microsoft.MachineLearningServices/workspaces", "mlw-contoso-dev-weu") }],
      jobs: [["2026-11-22T00:00:20Z", "2026-11-22T00:09:58Z", "Completed"],
        ["2026-11-23T00:00:17Z", "2026-11-23T00:14:26Z", "Failed", "Backup",
          { code: "UserErrorSnapshotControllerNotInstalled", message: "Volume snapshot failed: no VolumeSnapshotClass/snapshot controller found on the cluster. Enable the CSI snapshot controller and retry." }]] } },
  { key: "legacy", name: "aks-legacy-test", sub: SUB.nonprod, rg: "rg-aks-legacy-weu", location: "westeurope", shape: "arm",
    version: ["1.20.15", "1.20.15"], identity: "servicePrincipal", storageProfile: "absent", networkPlugin: "kubenet",
    pools: [{ name: "nodepool1", mode: "System", count: 2, vmSize: "Standard_DS2_v2", osSKU: "Ubuntu" }],
    backup: null },
  { key: "devShared", name: "aks-dev-shared", sub: SUB.nonprod, rg: "rg-aks-nonprod-weu", location: "westeurope", shape: "arm",
    version: ["1.33.4", "1.33.4"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "apps", mode: "User", count: 3 }],
    backup: { storage: "nonprod", container: "aks-dev-shared-rg-aks-nonprod-weu", useAAD: "true", vault: "dev", snapshotRg: [SUB.nonprod, "rg-aks-snapshots-dev-weu"],
      bindings: ["dev"], instanceName: "aks-dev-shared-6f03a9d8", policy: "pol-aks-daily-3d",
      jobs: [["2026-11-22T03:00:14Z", "2026-11-22T03:06:51Z", "Completed"], ["2026-11-23T03:00:12Z", "2026-11-23T03:07:20Z", "Completed"]] } },
  { key: "qa", name: "aks-qa-weu", sub: SUB.nonprod, rg: "rg-aks-qa-weu", location: "westeurope", shape: "arm",
    version: ["1.34.1", "1.34.1"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "qa", mode: "User", count: 2 }],
    backup: { storage: "qa", container: "aks-qa-weu", vault: "nonprod", snapshotRg: [SUB.nonprod, "rg-aks-snapshots"],
      bindings: ["nonprod"], instanceName: "aks-qa-weu-9b1d4e07", policy: "AKSBackupPolicy-Week",
      jobs: [["2026-11-22T00:00:23Z", "2026-11-22T00:18:40Z", "Failed", "Backup",
          { code: "UserErrorSnapshotResourceGroupHasNoPermission", message: "The backup vault's managed identity does not have the required permissions on the snapshot resource group rg-aks-snapshots." }],
        ["2026-11-23T00:00:21Z", "2026-11-23T00:18:02Z", "Failed", "Backup",
          { code: "UserErrorSnapshotResourceGroupHasNoPermission", message: "The backup vault's managed identity does not have the required permissions on the snapshot resource group rg-aks-snapshots." }]] } },
  { key: "integration", name: "aks-integration-test", sub: SUB.nonprod, rg: "rg-aks-qa-weu", location: "westeurope", shape: "arm",
    version: ["1.34.1", "1.34.1"], identity: "system",
    pools: [{ name: "system", mode: "System" }],
    backup: { storage: "nonprod", container: "aks-integration-test-rg-aks-qa-weu", useAAD: "true", vault: "test", snapshotRg: [SUB.nonprod, "rg-aks-snapshots-test-weu"],
      bindings: ["test"], instanceName: "aks-integration-test-2c7a5e91", policy: "pol-aks-daily-3d",
      protection: { state: "ConfiguringProtectionFailed", error: { code: "UserErrorMissingRequiredPermissions",
        message: "Appropriate permissions to perform the operation is missing. The backup vault's managed identity needs Reader on the cluster and on the snapshot resource group." } },
      jobs: [] } },
  { key: "platformTools", name: "aks-platform-tools-dev", sub: SUB.nonprod, rg: "rg-aks-platform-weu", location: "westeurope", shape: "arm",
    version: ["1.33", "1.33.4"], identity: "system", azurePolicy: true,
    pools: [{ name: "system", mode: "System", subnet: SUBNET.platform }, { name: "tools", mode: "User", subnet: SUBNET.platform, count: 2 }],
    otherExtensions: ["velero", "flux"],
    backup: { storage: "nonprod", container: "aks-platform-tools-dev-rg-aks-platform-weu", useAAD: "true", vault: "nonprod", snapshotRg: [SUB.nonprod, "AKSAzureBackup_westeurope"],
      bindings: ["nonprod"], instanceName: "aks-platform-tools-dev-47ad0b3e", policy: "AKSBackupPolicy-Week", cliCreated: true,
      jobs: [["2026-11-22T00:00:16Z", "2026-11-22T00:05:12Z", "Completed"], ["2026-11-23T00:00:15Z", "2026-11-23T00:05:29Z", "Completed"]] } },

  // ----- Contoso-DataScience-Sandbox (provider not registered) -----
  { key: "sandboxDs", name: "aks-sandbox-ds", sub: SUB.sandbox, rg: "rg-aks-sandbox-swc", location: "swedencentral", shape: "arg",
    version: ["1.32.7", "1.32.7"], identity: "system",
    pools: [{ name: "system", mode: "System" }, { name: "notebooks", mode: "User", count: 2 }],
    backup: null },
  { key: "sandboxGpu", name: "aks-sandbox-gpu", sub: SUB.sandbox, rg: "rg-aks-sandbox-swc", location: "swedencentral", shape: "arm",
    version: ["1.32.7", "1.32.7"], identity: { userAssigned: "id-aks-sandbox-gpu" }, power: "Stopped",
    pools: [{ name: "system", mode: "System" }, { name: "gpu", mode: "User", count: 0, vmSize: "Standard_NC24ads_A100_v4" }],
    backup: null },
];

for (const c of CLUSTERS) {
  c.id = resId(c.sub, c.rg, "Microsoft.ContainerService/managedClusters", c.name);
  c.principalId = c.identity === "servicePrincipal" ? undefined : guid(`principal:cluster:${c.key}`);
  if (c.backup) c.backup.extPrincipalId = guid(`principal:extension:${c.key}`);
}

function clusterBody(c) {
  const [k8s, current] = c.version;
  const power = c.power ?? "Running";
  const suffix = hex(`fqdn:${c.key}`, 8);
  const nodeRg = `MC_${c.rg}_${c.name}_${c.location}`;
  let identity;
  let servicePrincipalProfile = { clientId: "msi" };
  if (c.identity === "system") {
    identity = { type: "SystemAssigned", principalId: c.principalId, tenantId: TENANT };
  } else if (c.identity === "servicePrincipal") {
    identity = undefined;
    servicePrincipalProfile = { clientId: guid(`sp-client:${c.key}`) };
  } else {
    const uai = `/subscriptions/${c.sub}/resourcegroups/${c.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${c.identity.userAssigned}`;
    identity = { type: "UserAssigned", userAssignedIdentities: { [uai]: { principalId: c.principalId, clientId: guid(`uai-client:${c.key}`) } } };
  }
  const pools = c.pools.map((p) => dropUndefined({
    name: p.name,
    count: p.count ?? (p.mode === "System" ? 3 : 2),
    vmSize: p.vmSize ?? (p.mode === "System" ? "Standard_D4ds_v5" : "Standard_D8ds_v5"),
    osDiskSizeGB: 128,
    osDiskType: p.osSKU === "Ubuntu" ? "Managed" : "Ephemeral",
    kubeletDiskType: "OS",
    vnetSubnetID: p.subnet,
    maxPods: p.subnet ? 50 : 110,
    type: "VirtualMachineScaleSets",
    availabilityZones: c.location === "swedencentral" || c.key === "legacy" ? undefined : ["1", "2", "3"],
    enableAutoScaling: p.mode === "User" && power === "Running",
    minCount: p.mode === "User" && power === "Running" ? 1 : undefined,
    maxCount: p.mode === "User" && power === "Running" ? 10 : undefined,
    provisioningState: "Succeeded",
    powerState: { code: power },
    orchestratorVersion: current,
    currentOrchestratorVersion: current,
    enableNodePublicIP: false,
    mode: p.mode,
    osType: "Linux",
    osSKU: p.osSKU ?? "AzureLinux",
    nodeImageVersion: p.osSKU === "Ubuntu" ? "AKSUbuntu-1804gen2containerd-2022.05.10" : "AKSAzureLinux-V3gen2-202611.03.0",
    upgradeSettings: p.osSKU === "Ubuntu" ? undefined : { maxSurge: "10%" },
    enableFIPS: false,
  }));
  const outbound = c.outbound ?? "loadBalancer";
  const networkProfile = dropUndefined({
    networkPlugin: c.networkPlugin ?? "azure",
    networkPluginMode: c.networkPlugin ? undefined : "overlay",
    networkPolicy: c.networkPlugin ? "none" : "cilium",
    networkDataplane: c.networkPlugin ? undefined : "cilium",
    loadBalancerSku: "standard",
    loadBalancerProfile: outbound === "loadBalancer"
      ? { managedOutboundIPs: { count: 1 }, effectiveOutboundIPs: [{ id: `/subscriptions/${c.sub}/resourceGroups/${nodeRg}/providers/Microsoft.Network/publicIPAddresses/${guid(`pip:${c.key}`)}` }], backendPoolType: "nodeIPConfiguration" }
      : undefined,
    natGatewayProfile: outbound === "managedNATGateway" ? { managedOutboundIPProfile: { count: 1 }, idleTimeoutInMinutes: 4 } : undefined,
    outboundType: outbound,
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    podCidrs: ["10.244.0.0/16"],
    serviceCidrs: ["10.0.0.0/16"],
    ipFamilies: ["IPv4"],
  });
  const addonProfiles = {};
  if (c.azurePolicy !== undefined) {
    addonProfiles.azurepolicy = c.azurePolicy
      ? { enabled: true, config: null, identity: { resourceId: `/subscriptions/${c.sub}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurepolicy-${c.name}`, clientId: guid(`policy-client:${c.key}`), objectId: guid(`policy-object:${c.key}`) } }
      : { enabled: false, config: null };
  }
  if (c.identity !== "servicePrincipal") {
    addonProfiles.omsagent = { enabled: true, config: { logAnalyticsWorkspaceResourceID: resId(c.sub, "rg-monitoring-weu", "Microsoft.OperationalInsights/workspaces", "log-contoso-aks"), useAADAuth: "true" } };
  }
  const storageProfile = c.storageProfile === "absent" ? undefined : {
    diskCSIDriver: { enabled: true },
    fileCSIDriver: { enabled: true },
    snapshotController: { enabled: c.snapshotController ?? true },
    blobCSIDriver: { enabled: false },
  };
  const properties = dropUndefined({
    provisioningState: "Succeeded",
    powerState: { code: power },
    kubernetesVersion: k8s,
    currentKubernetesVersion: current,
    dnsPrefix: `${c.name}-dns`,
    fqdn: c.private ? undefined : `${c.name}-dns-${suffix}.hcp.${c.location}.azmk8s.io`,
    privateFQDN: c.private ? `${c.name}-dns-${suffix}.${guid(`pdns:${c.key}`)}.privatelink.${c.location}.azmk8s.io` : undefined,
    azurePortalFQDN: `${c.name}-dns-${suffix}.portal.hcp.${c.location}.azmk8s.io`,
    agentPoolProfiles: pools,
    servicePrincipalProfile,
    addonProfiles,
    nodeResourceGroup: nodeRg,
    enableRBAC: true,
    supportPlan: "KubernetesOfficial",
    networkProfile,
    aadProfile: c.identity === "servicePrincipal" ? undefined : { managed: true, enableAzureRBAC: true, tenantID: TENANT },
    apiServerAccessProfile: c.private ? { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false } : undefined,
    maxAgentPools: 100,
    identityProfile: c.identity === "servicePrincipal" ? undefined : {
      kubeletidentity: {
        resourceId: `/subscriptions/${c.sub}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${c.name}-agentpool`,
        clientId: guid(`kubelet-client:${c.key}`),
        objectId: guid(`kubelet-object:${c.key}`),
      },
    },
    autoUpgradeProfile: c.key === "legacy" ? undefined : { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    disableLocalAccounts: c.identity !== "servicePrincipal",
    securityProfile: c.identity === "servicePrincipal" ? undefined : { imageCleaner: { enabled: true, intervalHours: 168 } },
    storageProfile,
    oidcIssuerProfile: c.identity === "servicePrincipal" ? { enabled: false } : { enabled: true, issuerURL: `https://${c.location}.oic.prod-aks.azure.com/${TENANT}/${guid(`oidc:${c.key}`)}/` },
    resourceUID: hex(`uid:${c.key}`, 24),
  });
  return {
    id: c.id,
    name: c.name,
    type: "Microsoft.ContainerService/managedClusters",
    location: c.location,
    sku: { name: "Base", tier: c.sub === SUB.prod ? "Standard" : "Free" },
    tags: { env: c.sub === SUB.prod ? "prod" : c.sub === SUB.nonprod ? "nonprod" : "sandbox", app: c.name.replace(/^aks-/, "").replace(/-(prod|staging|dev|test|weu)$/, ""), owner: "platform-team@contoso.com" },
    identity,
    properties,
  };
}

function extensionBody(c, { name, type, state, settings, principalId, releaseNamespace, version, releaseTrain, error }) {
  const props = dropUndefined({
    extensionType: type,
    autoUpgradeMinorVersion: true,
    releaseTrain: releaseTrain ?? "stable",
    version: null,
    scope: { cluster: { releaseNamespace } },
    configurationSettings: settings,
    configurationProtectedSettings: {},
    provisioningState: state,
    currentVersion: state === "Creating" ? undefined : version,
    statuses: [],
    errorInfo: error,
    isSystemExtension: false,
    aksAssignedIdentity: principalId ? { principalId, tenantId: TENANT, type: "SystemAssigned" } : undefined,
  });
  return {
    id: `${c.id}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
    name,
    type: "Microsoft.KubernetesConfiguration/extensions",
    systemData: {
      createdBy: "platform-automation@contoso.com",
      createdByType: "User",
      createdAt: "2026-03-04T10:12:44.1732901Z",
      lastModifiedBy: "platform-automation@contoso.com",
      lastModifiedByType: "User",
      lastModifiedAt: state === "Succeeded" ? "2026-09-15T08:30:02.5521193Z" : "2026-11-23T03:40:19.0028714Z",
    },
    properties: props,
  };
}
function emitExtension(c, body) {
  if (c.shape === "arg") {
    // kubernetesconfigurationresources: PascalCase property names; setting keys keep their spelling
    resources.push({ ...argRow({ ...body, location: "" }), properties: pascal(body.properties) });
  } else {
    resources.push(armBody(body));
  }
}

function bindingBody(c, name, roles, sourceResourceId) {
  return {
    id: `${c.id}/trustedAccessRoleBindings/${name}`,
    name,
    type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings",
    systemData: { createdBy: "platform-automation@contoso.com", createdByType: "User", createdAt: "2026-03-04T10:20:31.0000000Z" },
    properties: { provisioningState: "Succeeded", roles, sourceResourceId },
  };
}

function instanceBody(c, vault, name, policyName, snapshotRgId, protection, opts = {}) {
  const dsId = opts.dataSourceIdLowerRg ? lowerRgSegment(c.id) : c.id;
  const ds = (objectType) => ({
    resourceID: dsId,
    resourceUri: dsId,
    datasourceType: "Microsoft.ContainerService/managedclusters",
    resourceName: c.name,
    resourceType: "Microsoft.ContainerService/managedclusters",
    resourceLocation: c.location,
    objectType,
  });
  const protectionStatus = protection.error
    ? { status: protection.state, errorDetails: { code: protection.error.code, message: protection.error.message, isRetryable: true, recommendations: [] } }
    : { status: protection.state };
  return {
    id: `${vault.id}/backupInstances/${name}`,
    name,
    type: "Microsoft.DataProtection/backupVaults/backupInstances",
    properties: dropUndefined({
      friendlyName: opts.cliCreated ? `${c.name}\\fullbackup` : name,
      dataSourceInfo: ds("Datasource"),
      dataSourceSetInfo: ds("DatasourceSet"),
      policyInfo: {
        policyId: `${vault.id}/backupPolicies/${policyName}`,
        policyVersion: "",
        policyParameters: {
          dataStoreParametersList: [
            { objectType: "AzureOperationalStoreParameters", dataStoreType: "OperationalStore", resourceGroupId: snapshotRgId },
          ],
          backupDatasourceParametersList: [
            {
              objectType: "KubernetesClusterBackupDatasourceParameters",
              snapshotVolumes: true,
              includeClusterScopeResources: true,
              includedNamespaces: [],
              excludedNamespaces: ["kube-system", "gatekeeper-system"],
              includedResourceTypes: [],
              excludedResourceTypes: [],
              labelSelectors: [],
              includedVolumeTypes: ["AzureDisk"],
            },
          ],
        },
      },
      identityDetails: opts.explicitSystemIdentity ? { useSystemAssignedIdentity: true } : undefined,
      protectionStatus,
      currentProtectionState: protection.state,
      provisioningState: "Succeeded",
      objectType: "BackupInstance",
    }),
  };
}

function emitJobs(c, vault, instanceId, policyName, jobs, opts = {}) {
  for (const [start, end, status, category = "Backup", error] of jobs) {
    const name = guid(`job:${c.key}:${start}:${category}`);
    const props = dropUndefined({
      activityID: `${guid(`activity:${c.key}:${start}`)}-${start.slice(0, 10)}`,
      backupInstanceFriendlyName: opts.friendlyName,
      backupInstanceId: instanceId,
      dataSourceId: c.id,
      dataSourceLocation: c.location,
      dataSourceName: c.name,
      dataSourceSetName: c.name,
      dataSourceType: "Microsoft.ContainerService/managedClusters",
      duration: end ? durationOf(start, end) : "00:00:00",
      startTime: withTicks(start, `start:${c.key}:${start}`),
      endTime: end ? withTicks(end, `end:${c.key}:${end}`) : undefined,
      isUserTriggered: category === "Restore",
      operation: category === "Restore" ? "Restore" : "ScheduledBackup",
      operationCategory: category,
      policyId: `${vault.id}/backupPolicies/${policyName}`,
      policyName,
      progressEnabled: false,
      sourceResourceGroup: c.rg,
      sourceSubscriptionID: c.sub,
      status,
      subscriptionId: vault.sub,
      supportedActions: status === "InProgress" ? ["Cancellable"] : [],
      vaultName: vault.name,
      errorDetails: error ? [{ code: error.code, message: error.message, isRetryable: false, recommendations: [] }] : undefined,
    });
    // the job list API spells the vault segment "Backupvaults"
    const body = {
      id: `${vault.id.replace("/backupVaults/", "/Backupvaults/")}/backupJobs/${name}`,
      name,
      type: "Microsoft.DataProtection/backupVaults/backupJobs",
      properties: props,
    };
    emit(vault.shape, body);
  }
}

for (const c of CLUSTERS) {
  emit(c.shape, clusterBody(c));
  const b = c.backup;
  const otherExtensions = c.otherExtensions ?? [];
  for (const other of otherExtensions) {
    if (other === "flux") {
      emitExtension(c, extensionBody(c, { name: "flux", type: "microsoft.flux", state: "Succeeded", releaseNamespace: "flux-system", version: "1.17.3",
        settings: { "multiTenancy.enforce": "false" }, principalId: undefined }));
    } else if (other === "velero") {
      // a marketplace Velero installed before Azure Backup: conflicts with the backup extension
      emitExtension(c, extensionBody(c, { name: "velero", type: "bitnami.velero", state: "Succeeded", releaseNamespace: "velero", version: "6.4.1",
        releaseTrain: "stable", settings: { "configuration.provider": "azure", "configuration.backupStorageLocation.bucket": "velero-platform-tools" }, principalId: undefined }));
    }
  }
  if (!b) continue;

  const vault = VAULTS[b.vault];
  const storage = STORAGE[b.storage];
  const settings = {
    "configuration.backupStorageLocation.bucket": b.container,
    "configuration.backupStorageLocation.config.resourceGroup": storage.rg,
    "configuration.backupStorageLocation.config.storageAccount": storage.name,
    "configuration.backupStorageLocation.config.subscriptionId": storage.sub,
    "credentials.tenantId": TENANT,
  };
  if (b.useAAD !== undefined) {
    settings["configuration.backupStorageLocation.config.useAAD"] = b.useAAD;
    settings["configuration.backupStorageLocation.config.storageAccountURI"] = `https://${storage.name}.blob.core.windows.net/`;
  }
  emitExtension(c, extensionBody(c, {
    name: "azure-aks-backup",
    type: BACKUP_EXT_TYPE,
    state: b.extensionState ?? "Succeeded",
    settings,
    principalId: b.extPrincipalId,
    releaseNamespace: "dataprotection-microsoft",
    version: "25.10.2",
    error: b.extensionError,
  }));

  for (const target of b.bindings) {
    const v = VAULTS[target];
    const name = b.cliCreated ? `tarb-${hex(`tarb:${c.key}:${target}`, 16)}` : `tab-${v.name}`;
    resources.push(armBody(bindingBody(c, name, [BACKUP_OPERATOR], v.id)));
  }
  for (const extra of b.extraBindings ?? []) {
    resources.push(armBody(bindingBody(c, extra.name, extra.roles, extra.source)));
  }

  const snapshotRgId = rgId(...b.snapshotRg);
  const protection = b.protection ?? { state: "ProtectionConfigured" };
  const instance = instanceBody(c, vault, b.instanceName, b.policy, snapshotRgId, protection, b);
  emit(vault.shape, instance);
  emitJobs(c, vault, instance.id, b.policy, b.jobs, { friendlyName: instance.properties.friendlyName });
  for (const old of b.oldInstances ?? []) {
    const ov = VAULTS[old.vault];
    const oi = instanceBody(c, ov, old.name, "pol-aks-daily-7d", snapshotRgId, { state: old.state }, {});
    emit(ov.shape, oi);
    emitJobs(c, ov, oi.id, "pol-aks-daily-7d", old.jobs, { friendlyName: oi.properties.friendlyName });
  }
}

// ---------------------------------------------------------------------------------------------
// role definitions (custom) and role assignments

const CUSTOM_BLOB_WRITER = guid("roledef:contoso-aks-backup-blob-writer");
const UNKNOWN_CUSTOM_ROLE = guid("roledef:contoso-storage-operator-not-exported"); // referenced, never in the snapshot
resources.push(argRow({
  id: `/subscriptions/${SUB.prod}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM_BLOB_WRITER}`,
  name: CUSTOM_BLOB_WRITER,
  type: "Microsoft.Authorization/roleDefinitions",
  properties: {
    roleName: "Contoso AKS Backup Blob Writer",
    type: "CustomRole",
    description: "Lets the AKS backup extension manage its blob container and blobs. Maintained by the platform team.",
    assignableScopes: [`/subscriptions/${SUB.prod}`],
    permissions: [
      {
        actions: [
          "Microsoft.Storage/storageAccounts/read",
          "Microsoft.Storage/storageAccounts/blobServices/containers/*",
          "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
        notActions: [],
        dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
        notDataActions: [],
      },
    ],
    createdOn: "2025-06-02T13:44:09.0172256Z",
    updatedOn: "2025-06-02T13:44:09.0172256Z",
    createdBy: guid("user:platform-admin"),
    updatedBy: guid("user:platform-admin"),
  },
}));

const clusterByKey = Object.fromEntries(CLUSTERS.map((c) => [c.key, c]));
const P = {
  vault: (k) => VAULTS[k].principalId,
  cluster: (k) => clusterByKey[k].principalId,
  ext: (k) => clusterByKey[k].backup.extPrincipalId,
};
const S = {
  cluster: (k) => clusterByKey[k].id,
  rg: (sub, rg) => rgId(sub, rg),
  storage: (k) => STORAGE[k].id,
  sub: (sub) => `/subscriptions/${sub}`,
  mg: (name) => `/providers/Microsoft.Management/managementGroups/${name}`,
};

/** [principal, role GUID, scope, options] — options: shape, condition, principalType, description */
const GRANTS = [];
const grant = (principalId, role, scope, opts = {}) => GRANTS.push({ principalId, role, scope, ...opts });

// --- prod, West Europe vault (bv-aks-prod-weu) ---
const SNAP_PROD_WEU = S.rg(SUB.prod, "rg-aks-snapshots-prod-weu");
for (const k of ["payments", "orders", "ledger", "notifications", "risk", "fraud"]) grant(P.vault("prodWeu"), ROLE.reader, S.cluster(k));
grant(P.vault("prodWeu"), ROLE.owner, S.cluster("checkout"), { description: "granted by the checkout team (broader than needed)" });
grant(P.vault("prodWeu"), ROLE.reader, SNAP_PROD_WEU);
grant(P.vault("prodWeu"), ROLE.diskSnapshotContributor, SNAP_PROD_WEU);
grant(P.vault("prodWeu"), ROLE.dataOperatorManagedDisks, SNAP_PROD_WEU);
grant(P.vault("prodWeu"), ROLE.blobDataReader, S.storage("prodWeu"));
grant(P.vault("prodWeu"), ROLE.blobDataReader, S.storage("central"));
for (const k of ["payments", "checkout", "orders", "ledger", "notifications", "risk", "fraud"]) grant(P.cluster(k), ROLE.contributor, SNAP_PROD_WEU);
for (const k of ["payments", "checkout", "orders", "ledger", "notifications"]) grant(P.ext(k), ROLE.blobDataContributor, S.storage("prodWeu"));
grant(P.ext("risk"), ROLE.blobDataContributor, S.storage("central"));
grant(P.ext("fraud"), UNKNOWN_CUSTOM_ROLE, S.storage("prodWeu"), { description: "Contoso Storage Operator (custom role, defined in another tenant export)" });

// --- prod, North Europe vault (bv-aks-prod-neu): Reader inherited from the management group ---
const SNAP_PROD_NEU = S.rg(SUB.prod, "rg-aks-snapshots-prod-neu");
grant(P.vault("prodNeu"), ROLE.reader, S.mg("mg-platform"), { description: "Backup vaults read the platform estate" });
grant(P.vault("prodNeu"), ROLE.diskSnapshotContributor, SNAP_PROD_NEU);
grant(P.vault("prodNeu"), ROLE.dataOperatorManagedDisks, SNAP_PROD_NEU);
grant(P.vault("prodNeu"), ROLE.blobDataReader, S.storage("prodNeu"), {
  condition: "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringStartsWith 'aks-'))",
  conditionVersion: "2.0",
});
for (const k of ["identity", "catalog", "reporting", "gateway"]) grant(P.cluster(k), ROLE.contributor, SNAP_PROD_NEU);
for (const k of ["identity", "reporting", "gateway"]) grant(P.ext(k), ROLE.blobDataContributor, S.storage("prodNeu"));
grant(P.ext("catalog"), CUSTOM_BLOB_WRITER, S.storage("prodNeu"));

// --- nonprod, CLI-created vault (AKSAzureBackup-westeurope): Reader inherited from the subscription ---
const SNAP_NP = S.rg(SUB.nonprod, "AKSAzureBackup_westeurope");
const SNAP_DEV = S.rg(SUB.nonprod, "rg-aks-snapshots-dev-weu");
const SNAP_QA = S.rg(SUB.nonprod, "rg-aks-snapshots");
const SNAP_QA_SIBLING = S.rg(SUB.nonprod, "rg-aks-snap");
const SNAP_TEST = S.rg(SUB.nonprod, "rg-aks-snapshots-test-weu");
grant(P.vault("nonprod"), ROLE.reader, S.sub(SUB.nonprod), { description: "Backup vault reads the whole non-prod subscription" });
grant(P.vault("nonprod"), ROLE.diskSnapshotContributor, SNAP_NP);
grant(P.vault("nonprod"), ROLE.dataOperatorManagedDisks, SNAP_NP);
grant(P.vault("nonprod"), ROLE.diskSnapshotContributor, SNAP_DEV); // no Data Operator here: aks-batch-dev warns on AKSBK-028
grant(P.vault("nonprod"), ROLE.dataOperatorManagedDisks, SNAP_QA);
grant(P.vault("nonprod"), ROLE.diskSnapshotContributor, SNAP_QA_SIBLING); // wrong group: rg-aks-snap is not rg-aks-snapshots
grant(P.vault("nonprod"), ROLE.blobDataReader, S.storage("nonprod"));
grant(P.vault("nonprod"), ROLE.blobDataReader, S.storage("devNeu"));
grant(P.vault("nonprod"), ROLE.blobDataReader, S.storage("qa"));
grant(P.cluster("webStaging"), ROLE.contributor, S.sub(SUB.nonprod), { description: "legacy broad grant" });
for (const k of ["internalApi", "mlDev", "platformTools"]) grant(P.cluster(k), ROLE.contributor, SNAP_NP);
for (const k of ["batchDev", "devShared"]) grant(P.cluster(k), ROLE.contributor, SNAP_DEV);
grant(P.cluster("qa"), ROLE.contributor, SNAP_QA_SIBLING); // wrong group again
grant(P.cluster("integration"), ROLE.contributor, SNAP_TEST);
for (const k of ["webStaging", "internalApi", "mlDev", "platformTools", "devShared"]) grant(P.ext(k), ROLE.blobDataContributor, S.storage("nonprod"));
grant(P.ext("batchDev"), ROLE.blobDataContributor, S.storage("devNeu"));
grant(P.ext("qa"), ROLE.blobDataContributor, S.storage("qa"));
grant(P.ext("integration"), ROLE.blobDataReader, S.storage("nonprod")); // Reader does not cover Contributor
// --- nonprod, test vault (bv-aks-test-weu): only the snapshot roles ---
grant(P.vault("test"), ROLE.diskSnapshotContributor, SNAP_TEST);
grant(P.vault("test"), ROLE.dataOperatorManagedDisks, SNAP_TEST);

// --- unrelated assignments, as any real tenant has them ---
grant(guid("group:platform-admins"), ROLE.owner, S.sub(SUB.prod), { principalType: "Group" });
grant(guid("group:platform-admins"), ROLE.owner, S.sub(SUB.nonprod), { principalType: "Group" });
grant(guid("group:data-scientists"), ROLE.contributor, S.sub(SUB.sandbox), { principalType: "Group" });
const ACR = resId(SUB.prod, "rg-acr-weu", "Microsoft.ContainerRegistry/registries", "acrcontosoprod");
for (const c of CLUSTERS.filter((x) => x.identity !== "servicePrincipal")) grant(guid(`kubelet-object:${c.key}`), ROLE.acrPull, ACR);
grant(P.cluster("payments"), ROLE.networkContributor, SUBNET.payments);
grant(P.cluster("orders"), ROLE.networkContributor, SUBNET.orders);
grant(P.cluster("internalApi"), ROLE.networkContributor, SUBNET.internalApi);
grant(P.cluster("platformTools"), ROLE.networkContributor, SUBNET.platform);

for (const g of GRANTS) {
  const name = guid(`ra:${g.principalId}:${g.role}:${g.scope.toLowerCase()}`);
  const scopeSub = parseSub(g.scope);
  const roleDefinitionId = scopeSub
    ? `/subscriptions/${scopeSub}/providers/Microsoft.Authorization/roleDefinitions/${g.role}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${g.role}`;
  const fromResourceGraph = scopeSub !== SUB.nonprod; // nonprod assignments are ARM list bodies
  const properties = dropUndefined({
    roleDefinitionId,
    principalId: g.principalId,
    principalType: g.principalType ?? "ServicePrincipal",
    // Resource Graph returns the scope as it was written; these were written by scripts using "resourcegroups"
    scope: fromResourceGraph ? lowerRgSegment(g.scope) : g.scope,
    condition: g.condition ?? null,
    conditionVersion: g.conditionVersion ?? null,
    description: g.description ?? null,
    createdOn: "2026-03-04T10:18:55.2287331Z",
    updatedOn: "2026-03-04T10:18:55.2287331Z",
    createdBy: guid("user:platform-automation"),
    updatedBy: guid("user:platform-automation"),
    delegatedManagedIdentityResourceId: null,
  });
  const body = {
    id: `${g.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/roleAssignments",
    properties,
  };
  if (fromResourceGraph) {
    const row = argRow(body);
    if (!scopeSub) row.subscriptionId = "";
    resources.push(row);
  } else {
    resources.push(armBody(body));
  }
}

// ---------------------------------------------------------------------------------------------
// policy

const POLICY_DEF = {
  noPrivileged: "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4",
  noPrivilegeEscalation: "/providers/Microsoft.Authorization/policyDefinitions/1c6e92c9-99f0-4e55-9cf2-0c234dc48f99",
  allowedImages: "/providers/Microsoft.Authorization/policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469",
  allowedLocations: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
};
const SYSTEM_NAMESPACES = ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"];

function policyAssignment(shape, scope, name, p) {
  const id = `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}`;
  const body = {
    id,
    name,
    type: "Microsoft.Authorization/policyAssignments",
    location: p.location,
    identity: p.location ? { type: "SystemAssigned", principalId: guid(`policy-mi:${name}`), tenantId: TENANT } : undefined,
    properties: dropUndefined({
      displayName: p.displayName,
      description: p.description,
      policyDefinitionId: p.policyDefinitionId,
      definitionVersion: "1.*.*",
      scope,
      notScopes: p.notScopes ?? [],
      parameters: p.parameters,
      enforcementMode: p.enforcementMode ?? "Default",
      metadata: { assignedBy: "Platform Team", createdBy: guid("user:platform-automation"), createdOn: "2025-11-20T09:02:11.4410223Z" },
      nonComplianceMessages: [],
    }),
  };
  if (shape === "arg") {
    const row = argRow(body);
    row.location = p.location ?? "";
    if (!parseSub(scope)) row.subscriptionId = "";
    resources.push(row);
  } else {
    resources.push(armBody(body));
  }
}

// prod: enforcing, exempts the backup extension's namespace
policyAssignment("arg", S.sub(SUB.prod), "aks-no-privileged-prod", {
  displayName: "[AKS] Kubernetes cluster should not allow privileged containers",
  policyDefinitionId: POLICY_DEF.noPrivileged,
  parameters: { effect: { value: "deny" }, excludedNamespaces: { value: [...SYSTEM_NAMESPACES, "dataprotection-microsoft"] } },
});
// prod: leaves the namespace in scope, but DoNotEnforce
policyAssignment("arg", S.sub(SUB.prod), "aks-allowed-images-prod", {
  displayName: "[AKS] Containers should only use images from acrcontosoprod",
  policyDefinitionId: POLICY_DEF.allowedImages,
  enforcementMode: "DoNotEnforce",
  parameters: { effect: { value: "deny" }, excludedNamespaces: { value: ["kube-system", "gatekeeper-system"] }, allowedContainerImagesRegex: { value: "^acrcontosoprod\\.azurecr\\.io/.+$" } },
});
// platform management group: leaves the namespace in scope, but only audits
policyAssignment("arg", S.mg("mg-platform"), "aks-no-priv-escalation", {
  displayName: "[AKS] Kubernetes clusters should not allow container privilege escalation",
  policyDefinitionId: POLICY_DEF.noPrivilegeEscalation,
  parameters: { effect: { value: "audit" }, excludedNamespaces: { value: ["kube-system", "gatekeeper-system", "azure-arc"] } },
});
// prod: not a Kubernetes policy at all (its definition, in the snapshot, has mode Indexed)
policyAssignment("arg", S.sub(SUB.prod), "allowed-locations-prod", {
  displayName: "Allowed locations",
  policyDefinitionId: POLICY_DEF.allowedLocations,
  parameters: { listOfAllowedLocations: { value: ["westeurope", "northeurope"] } },
});
// nonprod: enforcing deny, does NOT exempt dataprotection-microsoft; rg-aks-platform-weu is carved out
policyAssignment("arm", S.sub(SUB.nonprod), "aks-no-privileged-nonprod", {
  displayName: "[AKS] Kubernetes cluster should not allow privileged containers",
  policyDefinitionId: POLICY_DEF.noPrivileged,
  notScopes: [S.rg(SUB.nonprod, "rg-aks-platform-weu")],
  parameters: { effect: { value: "deny" }, excludedNamespaces: { value: ["kube-system", "gatekeeper-system", "azure-arc"] } },
});
// nonprod: a custom policy whose definition is not in the snapshot and whose kind cannot be told
policyAssignment("arm", S.sub(SUB.nonprod), "require-costcenter-tag", {
  displayName: "Require a costCenter tag on resources",
  policyDefinitionId: `/subscriptions/${SUB.nonprod}/providers/Microsoft.Authorization/policyDefinitions/contoso-require-costcenter-tag`,
  parameters: { tagName: { value: "costCenter" } },
});

resources.push({
  ...argRow({
    id: POLICY_DEF.allowedLocations,
    name: "e56962a6-4747-49cd-b67b-bf8b01975c4c",
    type: "Microsoft.Authorization/policyDefinitions",
    properties: {
      displayName: "Allowed locations",
      policyType: "BuiltIn",
      mode: "Indexed",
      description: "This policy enables you to restrict the locations your organization can specify when deploying resources. Use to enforce your geo-compliance requirements. Excludes resource groups, Microsoft.AzureActiveDirectory/b2cDirectories, and resources that use the 'global' region.",
      metadata: { version: "1.0.0", category: "General" },
      version: "1.0.0",
      parameters: {
        listOfAllowedLocations: {
          type: "Array",
          metadata: { description: "The list of locations that can be specified when deploying resources.", strongType: "location", displayName: "Allowed locations" },
        },
      },
      policyRule: {
        if: {
          allOf: [
            { field: "location", notIn: "[parameters('listOfAllowedLocations')]" },
            { field: "location", notEquals: "global" },
            { field: "type", notEquals: "Microsoft.AzureActiveDirectory/b2cDirectories" },
          ],
        },
        then: { effect: "deny" },
      },
    },
  }),
  subscriptionId: "",
});

// ---------------------------------------------------------------------------------------------
// write

const snapshot = {
  schema: "aks-backup-auditor/snapshot@1",
  collectedAt: COLLECTED_AT,
  scope: { subscriptions: [SUB.prod, SUB.nonprod, SUB.sandbox] },
  collected: [
    "extensions",
    "trustedAccessRoleBindings",
    "roleAssignments",
    "roleDefinitions",
    "backupVaults",
    "backupInstances",
    "backupJobs",
    "providers",
    "storageAccounts",
    "subscriptions",
    "policyAssignments",
    "policyDefinitions",
    "virtualNetworks",
    "networkSecurityGroups",
  ],
  resources,
};

const ids = new Set();
for (const r of resources) {
  const key = r.id.toLowerCase();
  if (ids.has(key)) throw new Error(`duplicate id ${r.id}`);
  ids.add(key);
}

const out = fileURLToPath(new URL("./sample-fleet.json", import.meta.url));
writeFileSync(out, `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`wrote ${out}: ${CLUSTERS.length} clusters, ${resources.length} resources`);
