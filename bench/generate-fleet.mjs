#!/usr/bin/env node
// Synthetic fleet generator for the offline-audit benchmark.
//
// Writes `files` snapshot files (schema aks-backup-auditor/snapshot@1, contracts.md §1) holding a
// deterministic fleet of AKS clusters plus everything the checks of checks.md read, in the shapes
// Azure returns them (Resource Graph rows with lower-cased types and subscriptionId/resourceGroup
// columns; trusted-access bindings and provider registrations in their ARM shapes), plus unrelated
// resources (scale sets, disks, public IPs) with their usual property bulk.
//
// Deterministic: one seeded PRNG, a fixed collectedAt, no clock or Math.random in the output.
// Subscriptions are split between the files in contiguous blocks; custom role and policy
// definitions are repeated in every file (as independent per-file collections would), so a merge
// has duplicates by id to remove.
//
// Usage: node bench/generate-fleet.mjs [--clusters 10000] [--subscriptions 40] [--files 4]
//                                      [--seed 1] [--out bench/out]

import { mkdirSync, openSync, writeSync, closeSync, writeFileSync, readdirSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SNAPSHOT_SCHEMA = "aks-backup-auditor/snapshot@1";
/** Bumped whenever the generated fleet changes, so bench/run.mjs regenerates a stale bench/out. */
export const GENERATOR_VERSION = 1;
export const COLLECTED_AT = "2026-11-23T06:00:00.000Z";
const COLLECTED_AT_MS = Date.parse(COLLECTED_AT); // a constant, not the clock
export const KINDS = [
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
];

// Built-in role definition GUIDs (checks.md) and a few unrelated built-ins for realistic noise.
const ROLE = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  blobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  blobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  blobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageAccountContributor: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  diskSnapshotContributor: "7efff54f-a5b4-42b5-a1c5-5411624893ce",
  dataOperatorManagedDisks: "959f8984-c045-4866-89c7-12bf9737be2e",
  // not reasoned about by the auditor; assigned to other principals only
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
};

const REGIONS = [
  ["westeurope", "weu"],
  ["northeurope", "neu"],
  ["swedencentral", "sec"],
  ["germanywestcentral", "gwc"],
  ["uksouth", "uks"],
  ["francecentral", "frc"],
  ["eastus", "eus"],
  ["eastus2", "eus2"],
  ["westus2", "wus2"],
  ["centralus", "cus"],
];
const TEAMS = [
  "payments", "checkout", "search", "identity", "platform", "data", "ml", "web",
  "mobile", "billing", "logistics", "catalog", "ledger", "notify", "media", "risk",
];
const ENVS = ["prod", "prod", "stage", "dev", "test"];
const BUSINESS_UNITS = ["retail", "finance", "corp", "labs", "ops"];
const K8S_VERSIONS = ["1.29.9", "1.29.11", "1.30.6", "1.30.7", "1.31.2", "1.31.3", "1.32.0"];
const VM_SIZES = ["Standard_D4s_v5", "Standard_D8s_v5", "Standard_D4ds_v5", "Standard_E8s_v5", "Standard_D16s_v5"];
const NODE_IMAGES = ["AKSUbuntu-2204gen2containerd-202411.12.0", "AKSUbuntu-2204gen2containerd-202410.27.0", "AKSAzureLinux-V2gen2-202411.12.0"];
const AKS_IMAGE_GALLERY_SUB = "109a5e88-712a-48ae-9078-9ca8b3c81345";

// Breakages applied to ~19 % of clusters (one each), with their relative weights and the cluster
// status the audit should arrive at. Clusters in the subscription whose provider is not registered
// are non-compliant too.
const BREAKAGES = [
  ["missingRole", 22, "non_compliant"], // one of the required role assignments is absent
  ["extensionFailed", 8, "non_compliant"], // backup extension ProvisioningState Failed
  ["noExtension", 7, "non_compliant"], // backup extension not installed
  ["extensionNoBucket", 4, "non_compliant"], // extension lacks the blob container setting
  ["csiDisabled", 5, "non_compliant"], // storageProfile.diskCSIDriver.enabled false
  ["snapshotControllerDisabled", 6, "non_compliant"], // storageProfile.snapshotController.enabled false
  ["oldKubernetes", 3, "non_compliant"], // 1.20.x
  ["servicePrincipal", 2, "non_compliant"], // cluster uses a service principal
  ["noTrustedAccess", 7, "non_compliant"], // no trusted-access role binding
  ["protectionError", 6, "non_compliant"], // backup instance in ProtectionError
  ["noBackupInstance", 7, "non_compliant"], // never protected (extension and roles present)
  ["lastJobFailed", 5, "non_compliant"], // latest backup job failed
  ["staleBackup", 4, "non_compliant"], // latest successful backup 5 days old
  ["velero", 2, "non_compliant"], // a Velero extension alongside the backup extension
  ["storageLocked", 3, "non_compliant"], // own storage account with public network access disabled
  ["extensionCreating", 4, "unknown"], // extension in a transient state
  ["storageAccountMissing", 3, "unknown"], // extension names an account that is not in the input
];
const BREAK_RATE = 0.19;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

function makeRng(seed) {
  // mulberry32 seeded through splitmix32
  let s = (seed >>> 0) ^ 0x9e3779b9;
  s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
  s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
  let a = (s ^ (s >>> 16)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n) => {
    let out = "";
    while (out.length < n) out += Math.floor(next() * 0x100000000).toString(16).padStart(8, "0");
    return out.slice(0, n);
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    hex,
    guid: () => {
      const h = hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    weighted: (entries) => {
      let total = 0;
      for (const e of entries) total += e[1];
      let x = next() * total;
      for (const e of entries) {
        x -= e[1];
        if (x < 0) return e;
      }
      return entries[entries.length - 1];
    },
  };
}

const iso = (ms) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Resource builders (Resource Graph row shape unless noted)

function rgRow({ id, name, type, location = "", resourceGroup = "", subscriptionId, tenantId, kind = "", managedBy = "", sku = null, plan = null, properties, tags = {}, identity = null, zones = null }) {
  return { id, name, type, tenantId, kind, location, resourceGroup, subscriptionId, managedBy, sku, plan, properties, tags, identity, zones, extendedLocation: null };
}

function ctx(rng, sub, tenantId) {
  return { rng, sub, tenantId };
}

function sshKey(rng) {
  return `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${Buffer.from(rng.hex(260), "hex").toString("base64")} azureuser@bastion`;
}

function clusterResource(c, t) {
  const { rng } = t;
  const pools = [];
  const systemPool = {
    name: "system",
    count: rng.range(3, 5),
    vmSize: rng.pick(VM_SIZES),
    osDiskSizeGB: 128,
    osDiskType: "Managed",
    kubeletDiskType: "OS",
    maxPods: c.customVnet ? 50 : 110,
    type: "VirtualMachineScaleSets",
    availabilityZones: ["1", "2", "3"],
    enableAutoScaling: true,
    minCount: 3,
    maxCount: 6,
    provisioningState: "Succeeded",
    powerState: { code: c.stopped ? "Stopped" : "Running" },
    orchestratorVersion: c.k8sVersion,
    currentOrchestratorVersion: c.k8sVersion,
    enableNodePublicIP: false,
    nodeLabels: {},
    mode: "System",
    enableEncryptionAtHost: false,
    enableUltraSSD: false,
    osType: "Linux",
    osSKU: "Ubuntu",
    nodeImageVersion: c.nodeImage,
    upgradeSettings: { maxSurge: "10%" },
    enableFIPS: false,
    securityProfile: { enableVTPM: false, enableSecureBoot: false },
    eTag: rng.guid(),
  };
  if (c.customVnet) systemPool.vnetSubnetID = c.subnetId;
  pools.push(systemPool);
  if (c.userPool) {
    pools.push({
      ...systemPool,
      name: "user",
      count: rng.range(2, 20),
      vmSize: rng.pick(VM_SIZES),
      mode: "User",
      minCount: 2,
      maxCount: 30,
      nodeTaints: ["workload=apps:NoSchedule"],
      nodeLabels: { workload: "apps" },
      eTag: rng.guid(),
    });
  }
  const addonProfiles = {
    azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" }, identity: { resourceId: `/subscriptions/${c.subId}/resourcegroups/${c.nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-${c.name}`, clientId: rng.guid(), objectId: rng.guid() } },
    omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: `/subscriptions/${c.subId}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/log-${c.regionAbbr}`, useAADAuth: "true" }, identity: { resourceId: `/subscriptions/${c.subId}/resourcegroups/${c.nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/omsagent-${c.name}`, clientId: rng.guid(), objectId: rng.guid() } },
  };
  if (c.azurePolicy) addonProfiles.azurepolicy = { enabled: true, config: null, identity: { resourceId: `/subscriptions/${c.subId}/resourcegroups/${c.nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurepolicy-${c.name}`, clientId: rng.guid(), objectId: rng.guid() } };
  const networkProfile = {
    networkPlugin: "azure",
    networkPluginMode: c.customVnet ? undefined : "overlay",
    networkPolicy: "cilium",
    networkDataplane: "cilium",
    loadBalancerSku: "standard",
    loadBalancerProfile: c.outboundType === "loadBalancer"
      ? { managedOutboundIPs: { count: 1 }, effectiveOutboundIPs: [{ id: c.outboundIpId }], backendPoolType: "nodeIPConfiguration" }
      : undefined,
    podCidr: c.customVnet ? undefined : "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    outboundType: c.outboundType,
    podCidrs: c.customVnet ? undefined : ["10.244.0.0/16"],
    serviceCidrs: ["10.0.0.0/16"],
    ipFamilies: ["IPv4"],
  };
  const properties = {
    provisioningState: "Succeeded",
    powerState: { code: c.stopped ? "Stopped" : "Running" },
    kubernetesVersion: c.k8sVersion,
    currentKubernetesVersion: c.k8sVersion,
    dnsPrefix: `${c.name}-dns`,
    fqdn: c.private ? undefined : `${c.name}-dns-${rng.hex(8)}.hcp.${c.region}.azmk8s.io`,
    privateFQDN: c.private ? `${c.name}-dns-${rng.hex(8)}.${rng.guid()}.privatelink.${c.region}.azmk8s.io` : undefined,
    azurePortalFQDN: `${c.name}-dns-${rng.hex(8)}.portal.hcp.${c.region}.azmk8s.io`,
    agentPoolProfiles: pools,
    linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: sshKey(rng) }] } },
    servicePrincipalProfile: { clientId: c.identityType === "ServicePrincipal" ? rng.guid() : "msi" },
    addonProfiles,
    nodeResourceGroup: c.nodeRg,
    enableRBAC: true,
    supportPlan: "KubernetesOfficial",
    networkProfile,
    aadProfile: { managed: true, enableAzureRBAC: true, tenantID: t.tenantId },
    maxAgentPools: 100,
    apiServerAccessProfile: c.private ? { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false } : { enablePrivateCluster: false },
    identityProfile: { kubeletidentity: { resourceId: `/subscriptions/${c.subId}/resourcegroups/${c.nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${c.name}-agentpool`, clientId: rng.guid(), objectId: c.kubeletPrincipalId } },
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    disableLocalAccounts: true,
    securityProfile: { imageCleaner: { enabled: true, intervalHours: 168 }, workloadIdentity: { enabled: true } },
    storageProfile: {
      diskCSIDriver: { enabled: !c.csiDisabled, version: "v1" },
      fileCSIDriver: { enabled: true },
      snapshotController: { enabled: !c.snapshotControllerDisabled },
    },
    oidcIssuerProfile: { enabled: true, issuerURL: `https://${c.region}.oic.prod-aks.azure.com/${t.tenantId}/${rng.guid()}/` },
    workloadAutoScalerProfile: {},
    azureMonitorProfile: { metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: "", metricAnnotationsAllowList: "" } } },
    resourceUID: rng.hex(24),
    metricsProfile: { costAnalysis: { enabled: false } },
    nodeProvisioningProfile: { mode: "Manual" },
    bootstrapProfile: { artifactSource: "Direct" },
  };
  let identity = null;
  if (c.identityType === "SystemAssigned") identity = { type: "SystemAssigned", principalId: c.principalId, tenantId: t.tenantId };
  return rgRow({
    id: c.id,
    name: c.name,
    type: "microsoft.containerservice/managedclusters",
    location: c.region,
    resourceGroup: c.rg,
    subscriptionId: c.subId,
    tenantId: t.tenantId,
    sku: { name: "Base", tier: c.env === "prod" ? "Standard" : "Free" },
    properties: JSON.parse(JSON.stringify(properties)), // drop undefined members
    tags: { team: c.team, env: c.env, costCenter: `cc-${1000 + t.sub.index}`, owner: `${c.team}@contoso.example` },
    identity,
  });
}

function extensionRow(c, t, { name, extensionType, releaseTrain, version, namespace, settings, provisioningState, principalId }) {
  const { rng } = t;
  const created = iso(COLLECTED_AT_MS - rng.range(20, 400) * DAY);
  return rgRow({
    id: `${c.id}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
    name,
    type: "microsoft.kubernetesconfiguration/extensions",
    location: "",
    resourceGroup: c.rg,
    subscriptionId: c.subId,
    tenantId: t.tenantId,
    properties: {
      ExtensionType: extensionType,
      AutoUpgradeMinorVersion: true,
      ReleaseTrain: releaseTrain,
      Version: null,
      Scope: { Cluster: { ReleaseNamespace: namespace }, Namespace: null },
      ConfigurationSettings: settings,
      ConfigurationProtectedSettings: {},
      ProvisioningState: provisioningState,
      Statuses: [],
      ErrorInfo: provisioningState === "Failed"
        ? [{ Code: "ExtensionOperationFailed", Message: "The extension operation failed with the following error: Error: [ InnerError: [Helm installation failed : Timed out waiting for the resource to come to a ready/completed state ] ]" }]
        : [],
      CustomLocationSettings: null,
      PackageUri: null,
      AksAssignedIdentity: principalId ? { PrincipalId: principalId, TenantId: t.tenantId, Type: "SystemAssigned" } : null,
      InstalledVersion: version,
      IsSystemExtension: false,
      SystemData: { CreatedBy: null, CreatedByType: null, CreatedAt: created, LastModifiedBy: null, LastModifiedByType: null, LastModifiedAt: created },
    },
  });
}

function roleAssignmentRow(t, { scope, roleGuid, principalId, principalType = "ServicePrincipal", subId }) {
  const { rng } = t;
  const name = rng.guid();
  const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(scope);
  const created = iso(COLLECTED_AT_MS - rng.range(5, 700) * DAY);
  return rgRow({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: "microsoft.authorization/roleassignments",
    resourceGroup: m ? m[1].toLowerCase() : "",
    subscriptionId: subId,
    tenantId: t.tenantId,
    properties: {
      roleDefinitionId: `/subscriptions/${subId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn: created,
      updatedOn: created,
      createdBy: rng.guid(),
      updatedBy: rng.guid(),
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  });
}

function vmssRow(c, t, pool) {
  const { rng } = t;
  const name = `aks-${pool}-${rng.range(10000000, 99999999)}-vmss`;
  const subnet = c.customVnet ? c.subnetId : `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Network/virtualNetworks/aks-vnet-${rng.range(10000000, 99999999)}/subnets/aks-subnet`;
  return rgRow({
    id: `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`,
    name,
    type: "microsoft.compute/virtualmachinescalesets",
    location: c.region,
    resourceGroup: c.nodeRg.toLowerCase(),
    subscriptionId: c.subId,
    tenantId: t.tenantId,
    sku: { name: rng.pick(VM_SIZES), tier: "Standard", capacity: rng.range(2, 12) },
    identity: { type: "UserAssigned", userAssignedIdentities: { [`/subscriptions/${c.subId}/resourcegroups/${c.nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${c.name}-agentpool`]: { principalId: c.kubeletPrincipalId, clientId: rng.guid() } } },
    zones: ["1", "2", "3"],
    properties: {
      singlePlacementGroup: false,
      orchestrationMode: "Uniform",
      upgradePolicy: { mode: "Manual" },
      virtualMachineProfile: {
        osProfile: {
          computerNamePrefix: `aks-${pool}-${rng.range(10000000, 99999999)}-vmss`,
          adminUsername: "azureuser",
          linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: sshKey(rng) }] }, provisionVMAgent: true, enableVMAgentPlatformUpdates: false },
          secrets: [],
          allowExtensionOperations: true,
          requireGuestProvisionSignal: true,
        },
        storageProfile: {
          osDisk: { osType: "Linux", createOption: "FromImage", caching: "ReadOnly", managedDisk: { storageAccountType: "Premium_LRS" }, diskSizeGB: 128 },
          imageReference: { id: `/subscriptions/${AKS_IMAGE_GALLERY_SUB}/resourceGroups/AKS-Ubuntu/providers/Microsoft.Compute/galleries/AKSUbuntu/images/2204gen2containerd/versions/202411.12.0` },
          dataDisks: [],
        },
        networkProfile: {
          networkInterfaceConfigurations: [{
            name: name,
            properties: {
              primary: true,
              enableAcceleratedNetworking: true,
              disableTcpStateTracking: false,
              dnsSettings: { dnsServers: [] },
              enableIPForwarding: true,
              ipConfigurations: [{
                name: "ipconfig1",
                properties: {
                  primary: true,
                  subnet: { id: subnet },
                  privateIPAddressVersion: "IPv4",
                  loadBalancerBackendAddressPools: [{ id: `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Network/loadBalancers/kubernetes/backendAddressPools/kubernetes` }, { id: `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Network/loadBalancers/kubernetes/backendAddressPools/aksOutboundBackendPool` }],
                },
              }],
            },
          }],
        },
        extensionProfile: {
          extensions: [
            { name: "vmssCSE", properties: { autoUpgradeMinorVersion: true, provisionAfterExtensions: [], suppressFailures: false, publisher: "Microsoft.Azure.Extensions", type: "CustomScript", typeHandlerVersion: "2.0", settings: {} } },
            { name: `${name.slice(0, 20)}-AKSLinuxBilling`, properties: { autoUpgradeMinorVersion: true, provisionAfterExtensions: [], suppressFailures: false, publisher: "Microsoft.AKS", type: "Compute.AKS.Linux.Billing", typeHandlerVersion: "1.0", settings: {} } },
          ],
          extensionsTimeBudget: "PT16M",
        },
        securityProfile: { encryptionAtHost: false },
      },
      overprovision: false,
      doNotRunExtensionsOnOverprovisionedVMs: false,
      provisioningState: "Succeeded",
      uniqueId: rng.guid(),
      platformFaultDomainCount: 1,
      timeCreated: iso(COLLECTED_AT_MS - rng.range(20, 500) * DAY),
    },
    tags: { "aks-managed-createOperationID": rng.guid(), "aks-managed-creationSource": `vmssclient-aks-${pool}`, "aks-managed-kubeletIdentityClientID": rng.guid(), "aks-managed-orchestrator": `Kubernetes:${c.k8sVersion}`, "aks-managed-poolName": pool, "aks-managed-resourceNameSuffix": String(rng.range(10000000, 99999999)), "aks-managed-coordination": "true", team: c.team, env: c.env },
  });
}

function diskRow(c, t) {
  const { rng } = t;
  const pvc = `data-${rng.pick(["postgres", "redis", "kafka", "elastic", "mongo", "rabbitmq"])}-${rng.int(5)}`;
  const ns = rng.pick(["default", "apps", "data", "messaging", c.team]);
  const size = rng.pick([8, 16, 32, 64, 128, 256]);
  const name = `pvc-${rng.guid()}`;
  return rgRow({
    id: `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Compute/disks/${name}`,
    name,
    type: "microsoft.compute/disks",
    location: c.region,
    resourceGroup: c.nodeRg.toLowerCase(),
    subscriptionId: c.subId,
    tenantId: t.tenantId,
    managedBy: `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-user-${rng.range(10000000, 99999999)}-vmss/virtualMachines/${rng.int(20)}`,
    sku: { name: "Premium_LRS", tier: "Premium" },
    zones: [String(rng.range(1, 3))],
    properties: {
      creationData: { createOption: "Empty" },
      diskSizeGB: size,
      diskIOPSReadWrite: 120 + size * 3,
      diskMBpsReadWrite: 25 + size,
      encryption: { type: "EncryptionAtRestWithPlatformKey" },
      networkAccessPolicy: "AllowAll",
      publicNetworkAccess: "Enabled",
      timeCreated: iso(COLLECTED_AT_MS - rng.range(1, 300) * DAY),
      provisioningState: "Succeeded",
      diskState: "Attached",
      diskSizeBytes: size * 1073741824,
      uniqueId: rng.guid(),
      tier: size <= 32 ? "P4" : size <= 128 ? "P10" : "P15",
    },
    tags: { "k8s-azure-created-by": "kubernetes-azure-dd", "kubernetes.io-created-for-pv-name": name, "kubernetes.io-created-for-pvc-name": pvc, "kubernetes.io-created-for-pvc-namespace": ns },
  });
}

function publicIpRow(c, t) {
  const { rng } = t;
  const name = c.outboundIpId.split("/").pop();
  return rgRow({
    id: c.outboundIpId,
    name,
    type: "microsoft.network/publicipaddresses",
    location: c.region,
    resourceGroup: c.nodeRg.toLowerCase(),
    subscriptionId: c.subId,
    tenantId: t.tenantId,
    sku: { name: "Standard", tier: "Regional" },
    zones: ["1", "2", "3"],
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: rng.guid(),
      ipAddress: `20.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
      publicIPAddressVersion: "IPv4",
      publicIPAllocationMethod: "Static",
      idleTimeoutInMinutes: 30,
      ipTags: [],
      ipConfiguration: { id: `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Network/loadBalancers/kubernetes/frontendIPConfigurations/${name}` },
      ddosSettings: { protectionMode: "VirtualNetworkInherited" },
    },
    tags: { "aks-managed-cluster-name": c.name, "aks-managed-cluster-rg": c.rg, "aks-managed-type": "aks-slb-managed-outbound-ip" },
  });
}

// ---------------------------------------------------------------------------------------------
// Fleet model

function planFleet({ clusters, subscriptions, seed }) {
  const rng = makeRng(seed);
  const tenantId = rng.guid();
  const subs = [];
  for (let i = 0; i < subscriptions; i++) {
    const bu = BUSINESS_UNITS[i % BUSINESS_UNITS.length];
    const env = i % 3 === 0 ? "nonprod" : "prod";
    const regionCount = rng.range(1, 3);
    const regions = [];
    while (regions.length < regionCount) {
      const r = rng.pick(REGIONS);
      if (!regions.includes(r)) regions.push(r);
    }
    subs.push({
      index: i,
      id: rng.guid(),
      displayName: `sub-${bu}-${env}-${String(i + 1).padStart(2, "0")}`,
      bu,
      env,
      regions,
      weight: 0.5 + rng.next() * 1.5,
      vaultRolesAtSubscription: rng.chance(0.35),
      customSnapshotRole: rng.chance(0.1),
      policyExcludesBackupNs: rng.chance(0.7),
      clusters: [],
      providerState: "Registered",
    });
  }
  const cumulative = [];
  let acc = 0;
  for (const s of subs) cumulative.push((acc += s.weight));
  for (let i = 0; i < clusters; i++) {
    const x = rng.next() * acc;
    let k = 0;
    while (cumulative[k] <= x) k++;
    subs[k].clusters.push(i);
  }
  // The smallest populated subscription has the KubernetesConfiguration provider unregistered.
  let unregistered = null;
  for (const s of subs) if (s.clusters.length > 0 && (!unregistered || s.clusters.length < unregistered.clusters.length)) unregistered = s;
  if (unregistered && subs.length > 1) unregistered.providerState = "NotRegistered";
  return { rng, tenantId, subs };
}

function snapshotHeader(subIds) {
  return {
    schema: SNAPSHOT_SCHEMA,
    collectedAt: COLLECTED_AT,
    scope: { subscriptions: subIds, managementGroups: [] },
    collected: KINDS,
    errors: [],
  };
}

/**
 * Generates the fleet and writes `files` snapshot files into `outDir`.
 * @returns {{ outDir: string, files: {path: string, bytes: number, resources: number}[], totalResources: number,
 *   totalBytes: number, clusters: number, byType: Record<string, number>, expected: Record<string, number>,
 *   breakages: Record<string, number>, ms: number }}
 */
export function generateFleet({ clusters = 10000, subscriptions = 40, outDir, files = 4, seed = 1, quiet = false } = {}) {
  if (!outDir) throw new Error("generateFleet: outDir is required");
  const t0 = performance.now();
  outDir = resolve(outDir);
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (/^fleet-\d+\.json$/.test(f) || f === "manifest.json" || f === "intent.json") unlinkSync(join(outDir, f));
  files = Math.max(1, Math.min(files, subscriptions));

  const { rng, tenantId, subs } = planFleet({ clusters, subscriptions, seed });
  const byType = {};
  const breakages = {};
  const expected = { compliant: 0, non_compliant: 0, unknown: 0 };
  const intent = []; // [clusterId, breakage] for every cluster meant to be non-compliant or unknown

  // Tenant-wide objects repeated in every file.
  const customRoleGuid = rng.guid();
  const customRoleDef = rgRow({
    id: `/subscriptions/${subs[0].id}/providers/Microsoft.Authorization/roleDefinitions/${customRoleGuid}`,
    name: customRoleGuid,
    type: "microsoft.authorization/roledefinitions",
    subscriptionId: subs[0].id,
    tenantId,
    properties: {
      roleName: "AKS Backup Snapshot Operator (custom)",
      type: "CustomRole",
      description: "Disk snapshot management for the AKS backup vaults, plus reading resource groups and deployments.",
      assignableScopes: subs.map((s) => `/subscriptions/${s.id}`),
      permissions: [{
        actions: [
          "Microsoft.Authorization/*/read",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Resources/deployments/read",
          "Microsoft.Compute/snapshots/*",
          "Microsoft.Compute/disks/beginGetAccess/action",
          "Microsoft.Compute/disks/read",
          "Microsoft.Storage/storageAccounts/listkeys/action",
          "Microsoft.Storage/storageAccounts/write",
          "Microsoft.Storage/storageAccounts/read",
          "Microsoft.Storage/storageAccounts/delete",
        ],
        notActions: [],
        dataActions: [],
        notDataActions: [],
      }],
      createdOn: "2024-03-11T09:12:44.1234567Z",
      updatedOn: "2025-06-02T14:01:09.7654321Z",
      createdBy: rng.guid(),
      updatedBy: rng.guid(),
    },
  });
  const k8sPolicyDefGuid = rng.guid();
  const k8sPolicyDef = rgRow({
    id: `/providers/Microsoft.Management/managementGroups/mg-root/providers/Microsoft.Authorization/policyDefinitions/${k8sPolicyDefGuid}`,
    name: k8sPolicyDefGuid,
    type: "microsoft.authorization/policydefinitions",
    tenantId,
    subscriptionId: "",
    properties: {
      displayName: "Kubernetes containers must not run as root (contoso)",
      policyType: "Custom",
      mode: "Microsoft.Kubernetes.Data",
      metadata: { category: "Kubernetes", version: "1.2.0" },
      parameters: {
        effect: { type: "String", allowedValues: ["audit", "deny", "disabled"], defaultValue: "audit" },
        excludedNamespaces: { type: "Array", defaultValue: ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"] },
      },
      policyRule: {
        if: { field: "type", in: ["Microsoft.Kubernetes/connectedClusters", "Microsoft.ContainerService/managedClusters"] },
        then: { effect: "[parameters('effect')]", details: { templateInfo: { sourceType: "PublicURL", url: "https://store.policy.core.windows.net/kubernetes/containers-must-not-run-as-root/v1/template.yaml" }, excludedNamespaces: "[parameters('excludedNamespaces')]" } },
      },
    },
  });

  const subsPerFile = Math.ceil(subs.length / files);
  const outFiles = [];
  let globalIndex = 0;

  for (let f = 0; f < files; f++) {
    const fileSubs = subs.slice(f * subsPerFile, (f + 1) * subsPerFile);
    // Per-kind output buckets, written in this order (as a collector running one query per table would).
    const buckets = new Map();
    const emit = (bucket, obj) => {
      let arr = buckets.get(bucket);
      if (!arr) buckets.set(bucket, (arr = []));
      arr.push(JSON.stringify(obj));
      const ty = (obj.type ?? "(provider registration)").toLowerCase();
      byType[ty] = (byType[ty] ?? 0) + 1;
    };
    const bucketOrder = ["resourcecontainers", "providers", "resources", "noise", "kubernetesconfigurationresources", "trustedAccessRoleBindings", "recoveryservicesresources", "authorizationresources", "policyresources"];
    for (const b of bucketOrder) buckets.set(b, []);
    emit("authorizationresources", customRoleDef);
    emit("policyresources", k8sPolicyDef);

    for (const sub of fileSubs) {
      const t = ctx(rng, sub, tenantId);
      const subScope = `/subscriptions/${sub.id}`;
      const emitted = new Set(); // dedupe shared role assignments
      const teamGroups = new Map();
      const assign = (scope, roleGuid, principalId, principalType = "ServicePrincipal") => {
        const key = `${scope.toLowerCase()}|${roleGuid}|${principalId}`;
        if (emitted.has(key)) return;
        emitted.add(key);
        emit("authorizationresources", roleAssignmentRow(t, { scope, roleGuid, principalId, principalType, subId: sub.id }));
      };

      // Subscription (resourcecontainers) with its management-group ancestry.
      emit("resourcecontainers", rgRow({
        id: subScope,
        name: sub.displayName,
        type: "microsoft.resources/subscriptions",
        subscriptionId: sub.id,
        tenantId,
        properties: {
          subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "EnterpriseAgreement_2014-09-01", spendingLimit: "Off" },
          state: "Enabled",
          managementGroupAncestorsChain: [
            { displayName: `${sub.bu} ${sub.env}`, name: `mg-${sub.bu}-${sub.env}` },
            { displayName: sub.bu, name: `mg-${sub.bu}` },
            { displayName: "Landing zones", name: "mg-landingzones" },
            { displayName: "Tenant Root Group", name: tenantId },
          ],
        },
        tags: { businessUnit: sub.bu },
      }));

      // Provider registrations (ARM GET shape: no type).
      const providerTypes = ["extensions", "fluxConfigurations", "sourceControlConfigurations", "extensionTypes", "operations", "namespaces", "privateLinkScopes"];
      emit("providers", {
        id: `${subScope}/providers/Microsoft.KubernetesConfiguration`,
        namespace: "Microsoft.KubernetesConfiguration",
        authorizations: [{ applicationId: "bd9b7cd5-dac1-495f-b013-ac871e98fa5f", roleDefinitionId: "0d3ed1a2-6a5d-4b5e-8d2f-7c5c8f0e5a21" }],
        resourceTypes: providerTypes.map((rt) => ({
          resourceType: rt,
          locations: REGIONS.map((r) => r[0]).concat(["East Asia", "Southeast Asia", "Australia East", "Japan East", "Canada Central", "Brazil South"]),
          apiVersions: ["2025-03-01", "2024-11-01", "2023-05-01", "2022-11-01", "2022-03-01"],
          defaultApiVersion: "2023-05-01",
          capabilities: "SupportsExtension",
        })),
        registrationState: sub.providerState,
        registrationPolicy: "RegistrationRequired",
      });
      for (const ns of ["Microsoft.DataProtection", "Microsoft.ContainerService"]) {
        emit("providers", { id: `${subScope}/providers/${ns}`, namespace: ns, resourceTypes: [], registrationState: "Registered", registrationPolicy: "RegistrationRequired" });
      }

      // Subscription-scope policy assignments.
      const psaName = rng.hex(24);
      emit("policyresources", rgRow({
        id: `${subScope}/providers/Microsoft.Authorization/policyAssignments/${psaName}`,
        name: psaName,
        type: "microsoft.authorization/policyassignments",
        subscriptionId: sub.id,
        tenantId,
        location: "westeurope",
        identity: { type: "SystemAssigned", principalId: rng.guid(), tenantId },
        properties: {
          displayName: "Kubernetes cluster pod security baseline standards for Linux-based workloads",
          policyDefinitionId: "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d",
          scope: subScope,
          notScopes: [],
          parameters: {
            effect: { value: "deny" },
            excludedNamespaces: { value: sub.policyExcludesBackupNs ? ["kube-system", "gatekeeper-system", "azure-arc", "dataprotection-microsoft"] : ["kube-system", "gatekeeper-system", "azure-arc"] },
          },
          enforcementMode: "Default",
          metadata: { assignedBy: "Platform Team", createdOn: "2025-01-14T10:00:00Z" },
        },
      }));
      emit("policyresources", rgRow({
        id: `${subScope}/providers/Microsoft.Authorization/policyAssignments/allowed-locations`,
        name: "allowed-locations",
        type: "microsoft.authorization/policyassignments",
        subscriptionId: sub.id,
        tenantId,
        properties: {
          displayName: "Allowed locations",
          policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
          scope: subScope,
          notScopes: [],
          parameters: { listOfAllowedLocations: { value: REGIONS.map((r) => r[0]) } },
          enforcementMode: "Default",
        },
      }));

      // Humans with access at subscription scope (unrelated principals).
      for (let k = 0; k < 4; k++) assign(subScope, rng.pick([ROLE.owner, ROLE.contributor, ROLE.reader]), rng.guid(), rng.pick(["User", "Group"]));

      // Group clusters by region, then into storage-account groups of 20.
      const byRegion = new Map();
      for (const ci of sub.clusters) {
        const region = rng.pick(sub.regions);
        if (!byRegion.has(region)) byRegion.set(region, []);
        byRegion.get(region).push(ci);
      }
      const acrId = `${subScope}/resourceGroups/rg-shared-${sub.bu}/providers/Microsoft.ContainerRegistry/registries/acr${sub.bu}${sub.index}`;

      for (const [[region, regionAbbr], clusterIdx] of byRegion) {
        // Backup vault for this subscription + region.
        const vaultRg = `rg-backup-${regionAbbr}`;
        const vaultName = `bv-${sub.bu}-${regionAbbr}-${String(sub.index + 1).padStart(2, "0")}`;
        const vaultId = `${subScope}/resourceGroups/${vaultRg}/providers/Microsoft.DataProtection/backupVaults/${vaultName}`;
        const vaultPrincipal = rng.guid();
        emit("resources", rgRow({
          id: vaultId,
          name: vaultName,
          type: "microsoft.dataprotection/backupvaults",
          location: region,
          resourceGroup: vaultRg,
          subscriptionId: sub.id,
          tenantId,
          identity: { type: "SystemAssigned", principalId: vaultPrincipal, tenantId },
          properties: {
            provisioningState: "Succeeded",
            resourceMoveState: "Unknown",
            storageSettings: [{ datastoreType: "VaultStore", type: "LocallyRedundant" }],
            featureSettings: { crossRegionRestoreSettings: { state: "Disabled" }, crossSubscriptionRestoreSettings: { state: "Enabled" } },
            securitySettings: { softDeleteSettings: { state: "On", retentionDurationInDays: 14 }, immutabilitySettings: { state: "Disabled" } },
            monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: "Enabled" } },
            secureScore: "Adequate",
            bcdrSecurityLevel: "Fair",
            replicatedRegions: [],
          },
          tags: { purpose: "aks-backup" },
        }));
        const policyId = `${vaultId}/backupPolicies/aks-daily`;
        const sharedSnapshotRg = `rg-aks-snapshots-${regionAbbr}`;
        if (sub.vaultRolesAtSubscription) {
          assign(subScope, ROLE.reader, vaultPrincipal);
          assign(subScope, sub.customSnapshotRole ? customRoleGuid : ROLE.diskSnapshotContributor, vaultPrincipal);
          assign(subScope, ROLE.dataOperatorManagedDisks, vaultPrincipal);
        }

        for (let g = 0; g * 20 < clusterIdx.length; g++) {
          const group = clusterIdx.slice(g * 20, g * 20 + 20);
          // Shared storage account for this group.
          const saRg = vaultRg;
          const saName = `stbk${sub.bu.slice(0, 4)}${regionAbbr}${sub.index}${g}${rng.hex(4)}`.slice(0, 24);
          const saId = `${subScope}/resourceGroups/${saRg}/providers/Microsoft.Storage/storageAccounts/${saName}`;
          const saVariant = rng.next();
          const emitStorageAccount = (name, id, rgName, { locked = false } = {}) => {
            const deny = locked || saVariant < 0.35;
            emit("resources", rgRow({
              id,
              name,
              type: "microsoft.storage/storageaccounts",
              kind: "StorageV2",
              location: region,
              resourceGroup: rgName,
              subscriptionId: sub.id,
              tenantId,
              sku: { name: "Standard_ZRS", tier: "Standard" },
              properties: {
                dnsEndpointType: "Standard",
                defaultToOAuthAuthentication: false,
                publicNetworkAccess: locked ? "Disabled" : "Enabled",
                keyCreationTime: { key1: "2025-02-03T10:11:12.0000000Z", key2: "2025-02-03T10:11:12.0000000Z" },
                allowCrossTenantReplication: false,
                privateEndpointConnections: [],
                minimumTlsVersion: "TLS1_2",
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: saVariant > 0.9 ? false : true,
                largeFileSharesState: "Enabled",
                networkAcls: {
                  bypass: "AzureServices",
                  virtualNetworkRules: [],
                  ipRules: deny ? [{ value: `52.${rng.int(256)}.${rng.int(256)}.0/24`, action: "Allow" }] : [],
                  defaultAction: deny ? "Deny" : "Allow",
                  resourceAccessRules: deny ? [{ tenantId, resourceId: vaultId }] : [],
                },
                supportsHttpsTrafficOnly: true,
                encryption: { requireInfrastructureEncryption: false, services: { file: { keyType: "Account", enabled: true, lastEnabledTime: "2025-02-03T10:11:12.0000000Z" }, blob: { keyType: "Account", enabled: true, lastEnabledTime: "2025-02-03T10:11:12.0000000Z" } }, keySource: "Microsoft.Storage" },
                accessTier: "Hot",
                provisioningState: "Succeeded",
                creationTime: "2025-02-03T10:11:11.0000000Z",
                primaryEndpoints: { dfs: `https://${name}.dfs.core.windows.net/`, web: `https://${name}.z6.web.core.windows.net/`, blob: `https://${name}.blob.core.windows.net/`, queue: `https://${name}.queue.core.windows.net/`, table: `https://${name}.table.core.windows.net/`, file: `https://${name}.file.core.windows.net/` },
                primaryLocation: region,
                statusOfPrimary: "available",
              },
              tags: { purpose: "aks-backup" },
            }));
          };
          emitStorageAccount(saName, saId, saRg);
          if (saVariant < 0.15) assign(`${subScope}/resourceGroups/${saRg}`, ROLE.blobDataReader, vaultPrincipal);
          else assign(saId, ROLE.blobDataReader, vaultPrincipal);

          // Custom VNet + NSG shared by the group's clusters that use one.
          const customVnetFlags = group.map(() => rng.chance(0.4));
          let vnetSubnets = null;
          let nsgId = null;
          let vnetId = null;
          if (customVnetFlags.some(Boolean)) {
            const netRg = `rg-network-${regionAbbr}`;
            const vnetName = `vnet-aks-${regionAbbr}-${g}`;
            vnetId = `${subScope}/resourceGroups/${netRg}/providers/Microsoft.Network/virtualNetworks/${vnetName}`;
            const nsgName = `nsg-aks-${regionAbbr}-${g}`;
            nsgId = `${subScope}/resourceGroups/${netRg}/providers/Microsoft.Network/networkSecurityGroups/${nsgName}`;
            vnetSubnets = [];
            const nsgComplete = rng.chance(0.85);
            const rule = (name, priority, direction, access, src, dst, port, protocol = "*") => ({
              name,
              id: `${nsgId}/securityRules/${name}`,
              etag: `W/"${rng.guid()}"`,
              type: "Microsoft.Network/networkSecurityGroups/securityRules",
              properties: {
                provisioningState: "Succeeded",
                protocol,
                sourcePortRange: "*",
                destinationPortRange: port,
                ...(Array.isArray(src) ? { sourceAddressPrefixes: src } : { sourceAddressPrefix: src }),
                destinationAddressPrefix: dst,
                access,
                priority,
                direction,
                sourcePortRanges: [],
                destinationPortRanges: [],
                destinationAddressPrefixes: [],
              },
            });
            const securityRules = [
              rule("allow-azurebackup-in", 200, "Inbound", "Allow", nsgComplete ? ["AzureBackup", `AzureCloud.${region}`] : ["AzureBackup"], "VirtualNetwork", "*"),
              rule("allow-https-lb", 300, "Inbound", "Allow", "AzureLoadBalancer", "*", "443", "Tcp"),
              rule("allow-corp", 400, "Inbound", "Allow", ["10.0.0.0/8", "172.16.0.0/12"], "VirtualNetwork", "*"),
              rule("deny-internet-in", 4000, "Inbound", "Deny", "Internet", "*", "*"),
              rule("allow-out-https", 100, "Outbound", "Allow", "VirtualNetwork", "AzureCloud", "443", "Tcp"),
            ];
            emit("resources", rgRow({
              id: nsgId,
              name: nsgName,
              type: "microsoft.network/networksecuritygroups",
              location: region,
              resourceGroup: netRg,
              subscriptionId: sub.id,
              tenantId,
              properties: {
                provisioningState: "Succeeded",
                resourceGuid: rng.guid(),
                securityRules,
                defaultSecurityRules: [
                  rule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork", "*"),
                  rule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*", "*"),
                  rule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", "*"),
                  rule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork", "*"),
                  rule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet", "*"),
                  rule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", "*"),
                ],
                subnets: [],
              },
            }));
            // the VNet is emitted after the clusters (it needs their subnets)
            vnetSubnets.netRg = netRg;
            vnetSubnets.vnetName = vnetName;
          }

          for (let gi = 0; gi < group.length; gi++) {
            const n = globalIndex++;
            const team = rng.pick(TEAMS);
            const env = rng.pick(ENVS);
            const name = `aks-${team}-${env}-${regionAbbr}-${String(group[gi]).padStart(5, "0")}`;
            const rg = `rg-${team}-${env}-${regionAbbr}`;
            const id = `${subScope}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
            const broken = sub.providerState === "Registered" && rng.chance(BREAK_RATE) ? rng.weighted(BREAKAGES) : null;
            const breakage = broken ? broken[0] : null;
            const customVnet = customVnetFlags[gi];
            const c = {
              n,
              id,
              name,
              rg,
              team,
              env,
              subId: sub.id,
              region,
              regionAbbr,
              nodeRg: `MC_${rg}_${name}_${region}`,
              k8sVersion: breakage === "oldKubernetes" ? rng.pick(["1.20.9", "1.20.15", "1.19.13"]) : rng.pick(K8S_VERSIONS),
              nodeImage: rng.pick(NODE_IMAGES),
              identityType: breakage === "servicePrincipal" ? "ServicePrincipal" : "SystemAssigned",
              principalId: rng.guid(),
              kubeletPrincipalId: rng.guid(),
              csiDisabled: breakage === "csiDisabled",
              snapshotControllerDisabled: breakage === "snapshotControllerDisabled",
              stopped: rng.chance(0.03),
              private: rng.chance(0.08),
              outboundType: rng.chance(0.05) ? "userDefinedRouting" : "loadBalancer",
              azurePolicy: rng.chance(0.3),
              userPool: rng.chance(0.35),
              customVnet,
            };
            if (customVnet) {
              c.subnetId = `${vnetId}/subnets/snet-${name}`;
              vnetSubnets.push({ id: c.subnetId, name: `snet-${name}`, index: vnetSubnets.length });
            }
            c.outboundIpId = `/subscriptions/${c.subId}/resourceGroups/${c.nodeRg}/providers/Microsoft.Network/publicIPAddresses/${rng.guid()}`;
            breakages[breakage ?? "none"] = (breakages[breakage ?? "none"] ?? 0) + 1;
            if (breakage || sub.providerState !== "Registered") intent.push([id, breakage ?? "providerNotRegistered"]);
            expected[sub.providerState !== "Registered" ? "non_compliant" : broken ? broken[2] : "compliant"]++;

            // -- the cluster
            emit("resources", clusterResource(c, t));

            // -- snapshot resource group: the cluster's own, or the region's shared one
            const snapshotRg = rng.chance(0.4) ? rg : sharedSnapshotRg;
            const snapshotRgId = `${subScope}/resourceGroups/${snapshotRg}`;

            // -- storage location of this cluster
            let clusterSaName = saName;
            let clusterSaRg = saRg;
            let clusterSaId = saId;
            if (breakage === "storageLocked") {
              clusterSaName = `stbk${rng.hex(10)}`;
              clusterSaRg = rg;
              clusterSaId = `${subScope}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${clusterSaName}`;
              emitStorageAccount(clusterSaName, clusterSaId, clusterSaRg, { locked: true });
              assign(clusterSaId, ROLE.blobDataReader, vaultPrincipal);
            } else if (breakage === "storageAccountMissing") {
              clusterSaName = `stbkgone${rng.hex(8)}`;
              clusterSaRg = rg;
              clusterSaId = `${subScope}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${clusterSaName}`;
              assign(clusterSaId, ROLE.blobDataReader, vaultPrincipal);
            }
            const bucket = `aks-${name}`.slice(0, 63);

            // -- extensions
            const extPrincipal = rng.guid();
            const hasExtension = breakage !== "noExtension";
            if (hasExtension) {
              const settings = {
                "configuration.backupStorageLocation.bucket": bucket,
                "configuration.backupStorageLocation.config.resourceGroup": clusterSaRg,
                "configuration.backupStorageLocation.config.storageAccount": clusterSaName,
                "configuration.backupStorageLocation.config.subscriptionId": sub.id,
                "credentials.tenantId": tenantId,
              };
              if (breakage === "extensionNoBucket") delete settings["configuration.backupStorageLocation.bucket"];
              if (rng.chance(0.1)) settings["configuration.backupStorageLocation.config.useAAD"] = "true";
              emit("kubernetesconfigurationresources", extensionRow(c, t, {
                name: rng.chance(0.8) ? "azure-aks-backup" : "aksbackup",
                extensionType: rng.chance(0.5) ? "microsoft.dataprotection.kubernetes" : "Microsoft.DataProtection.Kubernetes",
                releaseTrain: "stable",
                version: "0.0.2395-1001",
                namespace: "dataprotection-microsoft",
                settings,
                provisioningState: breakage === "extensionFailed" ? "Failed" : breakage === "extensionCreating" ? "Creating" : "Succeeded",
                principalId: extPrincipal,
              }));
            }
            if (rng.chance(0.2)) {
              emit("kubernetesconfigurationresources", extensionRow(c, t, {
                name: "flux",
                extensionType: "microsoft.flux",
                releaseTrain: "Stable",
                version: "1.14.1",
                namespace: "flux-system",
                settings: { "multiTenancy.enforce": "false", "helm-controller.enabled": "true", "source-controller.enabled": "true", "kustomize-controller.enabled": "true", "notification-controller.enabled": "true", "image-automation-controller.enabled": "false", "image-reflector-controller.enabled": "false" },
                provisioningState: "Succeeded",
                principalId: rng.guid(),
              }));
            }
            if (breakage === "velero") {
              emit("kubernetesconfigurationresources", extensionRow(c, t, {
                name: "velero",
                extensionType: "cloudcasa.velero",
                releaseTrain: "stable",
                version: "5.2.0",
                namespace: "velero",
                settings: { "configuration.provider": "azure", "configuration.backupStorageLocation.bucket": `velero-${name}`.slice(0, 63) },
                provisioningState: "Succeeded",
                principalId: rng.guid(),
              }));
            }

            // -- trusted access (ARM list shape: original-casing type, no subscriptionId column)
            if (breakage !== "noTrustedAccess") {
              const bindingName = `tarb-${vaultName}`.slice(0, 24);
              emit("trustedAccessRoleBindings", {
                id: `${id}/trustedAccessRoleBindings/${bindingName}`,
                name: bindingName,
                type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings",
                systemData: { createdBy: rng.guid(), createdByType: "Application", createdAt: iso(COLLECTED_AT_MS - rng.range(20, 400) * DAY), lastModifiedBy: rng.guid(), lastModifiedByType: "Application", lastModifiedAt: iso(COLLECTED_AT_MS - rng.range(1, 20) * DAY) },
                properties: { provisioningState: "Succeeded", roles: ["Microsoft.DataProtection/backupVaults/backup-operator"], sourceResourceId: rng.chance(0.3) ? vaultId.replace("/backupVaults/", "/BackupVaults/") : vaultId },
              });
            }

            // -- backup instance and jobs
            let biId = null;
            if (breakage !== "noBackupInstance") {
              const biName = `${name}-${name}-${rng.guid()}`;
              biId = `${vaultId}/backupInstances/${biName}`;
              const state = breakage === "protectionError" ? "ProtectionError" : "ProtectionConfigured";
              const dsId = rng.chance(0.3) ? id.replace("/resourceGroups/", "/resourcegroups/").replace("/managedClusters/", "/managedclusters/") : id;
              const dsInfo = { resourceID: dsId, resourceUri: dsId, datasourceType: "Microsoft.ContainerService/managedClusters", resourceName: name, resourceType: "Microsoft.ContainerService/managedClusters", resourceLocation: region, objectType: "Datasource" };
              emit("recoveryservicesresources", rgRow({
                id: biId,
                name: biName,
                type: "microsoft.dataprotection/backupvaults/backupinstances",
                resourceGroup: vaultRg,
                subscriptionId: sub.id,
                tenantId,
                properties: {
                  friendlyName: name,
                  dataSourceInfo: dsInfo,
                  dataSourceSetInfo: { ...dsInfo, objectType: "DatasourceSet" },
                  policyInfo: {
                    policyId,
                    policyVersion: "",
                    policyParameters: {
                      dataStoreParametersList: [{ objectType: "AzureOperationalStoreParameters", dataStoreType: "OperationalStore", resourceGroupId: snapshotRgId }],
                      backupDatasourceParametersList: [{ objectType: "KubernetesClusterBackupDatasourceParameters", includedNamespaces: [], excludedNamespaces: ["kube-system", "kube-node-lease"], includedResourceTypes: [], excludedResourceTypes: ["v1/Secret"], includedVolumeTypes: ["AzureDisk"], labelSelectors: [], snapshotVolumes: true, includeClusterScopeResources: true }],
                    },
                  },
                  protectionStatus: state === "ProtectionConfigured" ? { status: "ProtectionConfigured" } : { status: "ProtectionError", errorDetails: { code: "UserErrorMissingRequiredPermissions", message: "Appropriate permissions to perform the operation is missing.", recommendations: ["Grant appropriate permissions to perform this operation as mentioned at https://aka.ms/UserErrorMissingRequiredPermissions and retry the operation."], isRetryable: false } },
                  currentProtectionState: state,
                  provisioningState: "Succeeded",
                  objectType: "BackupInstance",
                  validationType: "ShallowValidation",
                },
              }));
              const latestOk = breakage !== "lastJobFailed";
              const latestEnd = breakage === "staleBackup" ? COLLECTED_AT_MS - 5 * DAY - rng.range(1, 20) * HOUR : COLLECTED_AT_MS - rng.range(1, 22) * HOUR;
              for (let j = 0; j < 2; j++) {
                const end = latestEnd - j * DAY;
                const start = end - rng.range(120, 1500) * 1000;
                const jobName = rng.guid();
                const dur = end - start;
                emit("recoveryservicesresources", rgRow({
                  id: `${subScope}/resourceGroups/${vaultRg}/providers/Microsoft.DataProtection/Backupvaults/${vaultName}/backupJobs/${jobName}`,
                  name: jobName,
                  type: "microsoft.dataprotection/backupvaults/backupjobs",
                  resourceGroup: vaultRg,
                  subscriptionId: sub.id,
                  tenantId,
                  properties: {
                    activityID: `${rng.guid()}-${rng.hex(6)}`,
                    subscriptionId: sub.id,
                    backupInstanceId: biId,
                    policyId,
                    dataSourceId: id,
                    vaultName,
                    backupInstanceFriendlyName: name,
                    policyName: "aks-daily",
                    sourceResourceGroup: rg,
                    dataSourceSetName: name,
                    dataSourceName: name,
                    progressEnabled: false,
                    sourceSubscriptionID: sub.id,
                    startTime: iso(start),
                    endTime: iso(end),
                    dataSourceType: "Microsoft.ContainerService/managedClusters",
                    operationCategory: "Backup",
                    operation: "Backup",
                    status: j === 0 && !latestOk ? "Failed" : "Completed",
                    isUserTriggered: false,
                    supportedActions: [""],
                    duration: `00:${String(Math.floor(dur / 60000)).padStart(2, "0")}:${String(Math.floor((dur % 60000) / 1000)).padStart(2, "0")}.${String(dur % 1000).padStart(3, "0")}0000`,
                    dataSourceLocation: region,
                    destinationDataStoreName: "OperationalStore",
                    ...(j === 0 && !latestOk ? { errorDetails: [{ code: "UserErrorSnapshotResourceGroupNotFound", message: "Snapshot resource group could not be found." }] } : {}),
                  },
                }));
              }
            }

            // -- role assignments the checks need (one may be dropped)
            const needed = [];
            if (c.identityType === "SystemAssigned") {
              if (snapshotRg === rg && rng.chance(0.1)) needed.push(["clusterContributor", `${subScope}/resourceGroups/${rg}`, ROLE.owner, c.principalId]);
              else needed.push(["clusterContributor", snapshotRgId, ROLE.contributor, c.principalId]);
            }
            if (hasExtension) needed.push(["extensionBlob", clusterSaId, rng.chance(0.1) ? ROLE.blobDataOwner : ROLE.blobDataContributor, extPrincipal]);
            if (!sub.vaultRolesAtSubscription) {
              if (snapshotRg === rg && rng.chance(0.2)) {
                // one Reader on the cluster's resource group covers both the cluster and the snapshot RG
                needed.push(["vaultReaderCluster", snapshotRgId, ROLE.reader, vaultPrincipal]);
              } else {
                needed.push(["vaultReaderCluster", id, ROLE.reader, vaultPrincipal]);
                needed.push(["vaultReaderSnapshotRg", snapshotRgId, ROLE.reader, vaultPrincipal]);
              }
              needed.push(["vaultSnapshotContributor", snapshotRgId, sub.customSnapshotRole ? customRoleGuid : ROLE.diskSnapshotContributor, vaultPrincipal]);
              needed.push(["vaultDiskOperator", snapshotRgId, ROLE.dataOperatorManagedDisks, vaultPrincipal]);
            }
            let drop = null;
            if (breakage === "missingRole") {
              // Drop an assignment whose principal is this cluster's own. (The vault's are shared: its
              // Reader on the cluster is covered whenever a sibling in the same resource group uses
              // that group as its snapshot resource group, so dropping it would not reliably break.)
              const candidates = needed.filter((x) => x[0] === "clusterContributor" || x[0] === "extensionBlob");
              // (the extension's and the cluster identity's assignments are always among them)
              drop = rng.pick(candidates);
            }
            for (const x of needed) if (x !== drop) assign(x[1], x[2], x[3]);

            // -- unrelated role assignments around the cluster
            if (rng.chance(0.5)) assign(acrId, ROLE.acrPull, c.kubeletPrincipalId);
            if (customVnet) assign(c.subnetId, ROLE.networkContributor, c.principalId);
            // the team's Entra group administers the clusters of its resource group
            if (!teamGroups.has(team)) teamGroups.set(team, rng.guid());
            assign(`${subScope}/resourceGroups/${rg}`, ROLE.aksRbacClusterAdmin, teamGroups.get(team), "Group");

            // -- noise in the node resource group
            emit("noise", vmssRow(c, t, "system"));
            if (c.userPool) emit("noise", vmssRow(c, t, "user"));
            if (c.outboundType === "loadBalancer") emit("noise", publicIpRow(c, t));
            const disks = rng.weighted([[0, 55], [1, 25], [2, 12], [3, 6], [5, 2]])[0];
            for (let d = 0; d < disks; d++) emit("noise", diskRow(c, t));
          }

          if (vnetSubnets) {
            const subnets = vnetSubnets.map((s, k) => ({
              name: s.name,
              id: s.id,
              etag: `W/"${rng.guid()}"`,
              type: "Microsoft.Network/virtualNetworks/subnets",
              properties: {
                provisioningState: "Succeeded",
                addressPrefix: `10.${20 + g}.${k}.0/24`,
                networkSecurityGroup: { id: nsgId },
                serviceEndpoints: [{ provisioningState: "Succeeded", service: "Microsoft.Storage", locations: [region] }],
                delegations: [],
                privateEndpointNetworkPolicies: "Disabled",
                privateLinkServiceNetworkPolicies: "Enabled",
              },
            }));
            emit("resources", rgRow({
              id: vnetId,
              name: vnetSubnets.vnetName,
              type: "microsoft.network/virtualnetworks",
              location: region,
              resourceGroup: vnetSubnets.netRg,
              subscriptionId: sub.id,
              tenantId,
              properties: {
                provisioningState: "Succeeded",
                resourceGuid: rng.guid(),
                addressSpace: { addressPrefixes: [`10.${20 + g}.0.0/16`] },
                subnets,
                virtualNetworkPeerings: [],
                enableDdosProtection: false,
                privateEndpointVNetPolicies: "Disabled",
              },
            }));
          }
        }
      }
    }

    // Write the file: header, then every bucket in order.
    const path = join(outDir, `fleet-${String(f + 1).padStart(2, "0")}.json`);
    const fd = openSync(path, "w");
    let bytes = 0;
    let resources = 0;
    const header = JSON.stringify(snapshotHeader(fileSubs.map((s) => s.id)));
    let buf = header.slice(0, -1) + ',"resources":[';
    let first = true;
    const flush = () => {
      bytes += writeSync(fd, buf);
      buf = "";
    };
    for (const b of bucketOrder) {
      for (const s of buckets.get(b)) {
        buf += first ? s : "," + s;
        first = false;
        resources++;
        if (buf.length > 1 << 20) flush();
      }
      buckets.set(b, null);
    }
    buf += "]}\n";
    flush();
    closeSync(fd);
    outFiles.push({ path, bytes, resources });
  }

  const totalResources = outFiles.reduce((a, x) => a + x.resources, 0);
  const totalBytes = outFiles.reduce((a, x) => a + x.bytes, 0);
  const result = {
    outDir,
    generatorVersion: GENERATOR_VERSION,
    params: { clusters, subscriptions, files, seed },
    collectedAt: COLLECTED_AT,
    files: outFiles.map((x) => ({ ...x, path: x.path })),
    totalResources,
    totalBytes,
    clusters,
    byType,
    breakages,
    expected,
    ms: Math.round(performance.now() - t0),
  };
  const { ms: _ms, ...manifest } = result;
  writeFileSync(join(outDir, "manifest.json"), JSON.stringify({ ...manifest, files: outFiles.map((x) => ({ ...x, path: x.path.slice(outDir.length + 1) })) }, null, 2) + "\n");
  // Which clusters were broken on purpose, and how (every other cluster is meant to be compliant).
  const statusOf = Object.fromEntries(BREAKAGES.map((b) => [b[0], b[2]]));
  writeFileSync(join(outDir, "intent.json"), JSON.stringify(intent.map(([id, b]) => ({ id, breakage: b, status: statusOf[b] ?? "non_compliant" }))) + "\n");
  if (!quiet) printSummary(result);
  return result;
}

const mb = (b) => (b / 1048576).toFixed(1);

function printSummary(r) {
  console.log(`generated ${r.clusters} clusters in ${r.params.subscriptions} subscriptions (seed ${r.params.seed}) into ${r.outDir}`);
  for (const f of r.files) console.log(`  ${f.path}  ${String(f.resources).padStart(7)} resources  ${mb(f.bytes).padStart(7)} MB`);
  console.log(`  total: ${r.totalResources} resources, ${r.totalBytes} bytes (${mb(r.totalBytes)} MB)`);
  console.log(`  by type: ${Object.entries(r.byType).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  console.log(`  intended: compliant ${r.expected.compliant}, non_compliant ${r.expected.non_compliant}, unknown ${r.expected.unknown}`);
  console.log(`  breakages: ${Object.entries(r.breakages).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  console.log(`  took ${r.ms} ms`);
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--clusters") opts.clusters = Number(val());
    else if (a === "--subscriptions") opts.subscriptions = Number(val());
    else if (a === "--files") opts.files = Number(val());
    else if (a === "--seed") opts.seed = Number(val());
    else if (a === "--out") opts.outDir = val();
    else if (a === "--help" || a === "-h") {
      console.log("usage: node bench/generate-fleet.mjs [--clusters 10000] [--subscriptions 40] [--files 4] [--seed 1] [--out bench/out]");
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  for (const k of ["clusters", "subscriptions", "files", "seed"]) {
    if (k in opts && !(Number.isInteger(opts[k]) && opts[k] >= (k === "clusters" || k === "seed" ? 0 : 1))) throw new Error(`--${k} must be a non-negative integer`);
  }
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    generateFleet({ outDir: fileURLToPath(new URL("./out", import.meta.url)), ...opts });
  } catch (err) {
    console.error(`generate-fleet: ${err.message}`);
    process.exit(2);
  }
}
