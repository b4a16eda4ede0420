/**
 * Test harness for checks: small Azure-shaped resource builders and `run(checkId, resources)`,
 * which evaluates one check on the first cluster of a fleet built exactly as an audit builds it.
 */
import { ClusterView } from "../../src/checks/cluster-view.js";
import { evaluateCluster } from "../../src/checks/evaluate.js";
import { CHECKS } from "../../src/checks/registry.js";
import { Fleet } from "../../src/model/fleet.js";
import type { JsonObject } from "../../src/model/props.js";
import { KINDS, type CheckResult, type CollectionError, type Kind } from "../../src/model/types.js";

export const SUB = "11111111-2222-3333-4444-555555555555";
export const SUB2 = "99999999-8888-7777-6666-555555555555";
export const RG = "rg-aks";
export const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-1`;
export const CLUSTER_PRINCIPAL = "c1c1c1c1-0000-0000-0000-000000000001";
export const EXT_PRINCIPAL = "e1e1e1e1-0000-0000-0000-000000000001";
export const VAULT_PRINCIPAL = "v1v1v1v1-0000-0000-0000-000000000001";
export const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-1`;
export const INSTANCE_ID = `${VAULT_ID}/backupInstances/aks-1-instance`;
export const SNAPSHOT_RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-aks-snapshots`;
export const STORAGE_ID = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/stbackup1`;
export const REFERENCE_TIME = new Date("2026-11-23T06:00:00Z");

export const ROLE_GUID = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  diskSnapshotContributor: "7efff54f-a5b4-42b5-a1c5-5411624893ce",
  dataOperatorForManagedDisks: "959f8984-c045-4866-89c7-12bf9737be2e",
} as const;

type Patch = Record<string, unknown>;

/** Deep merge for plain objects; `undefined` deletes a key. Arrays are replaced. */
export function merge<T extends JsonObject>(base: T, patch: Patch = {}): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" && !Array.isArray(out[k])) {
      out[k] = merge(out[k] as JsonObject, v as Patch);
    } else out[k] = v;
  }
  return out as T;
}

/** A healthy ARM-shaped AKS cluster (SystemAssigned identity). */
export function cluster(patch?: Patch): JsonObject {
  return merge(
    {
      id: CLUSTER_ID,
      name: "aks-1",
      type: "Microsoft.ContainerService/ManagedClusters",
      location: "westeurope",
      identity: { type: "SystemAssigned", principalId: CLUSTER_PRINCIPAL, tenantId: "t" },
      properties: {
        kubernetesVersion: "1.30.4",
        currentKubernetesVersion: "1.30.4",
        powerState: { code: "Running" },
        storageProfile: { diskCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
        networkProfile: { networkPlugin: "azure", outboundType: "loadBalancer" },
        agentPoolProfiles: [{ name: "nodepool1", count: 3, vmSize: "Standard_D4s_v5", mode: "System" }],
      },
    },
    patch,
  );
}

export function extension(patch?: Patch): JsonObject {
  return merge(
    {
      id: `${CLUSTER_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup`,
      name: "azure-aks-backup",
      type: "Microsoft.KubernetesConfiguration/extensions",
      properties: {
        extensionType: "microsoft.dataprotection.kubernetes",
        provisioningState: "Succeeded",
        aksAssignedIdentity: { principalId: EXT_PRINCIPAL, type: "SystemAssigned" },
        configurationSettings: {
          "configuration.backupStorageLocation.bucket": "aks-backups",
          "configuration.backupStorageLocation.config.storageAccount": "stbackup1",
          "configuration.backupStorageLocation.config.resourceGroup": "rg-backup",
          "configuration.backupStorageLocation.config.subscriptionId": SUB,
        },
      },
    },
    patch,
  );
}

export function storageAccount(patch?: Patch): JsonObject {
  return merge(
    {
      id: STORAGE_ID,
      name: "stbackup1",
      type: "Microsoft.Storage/storageAccounts",
      location: "westeurope",
      properties: {
        publicNetworkAccess: "Enabled",
        allowSharedKeyAccess: true,
        networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [] },
      },
    },
    patch,
  );
}

export function vault(patch?: Patch): JsonObject {
  return merge(
    {
      id: VAULT_ID,
      name: "bv-1",
      type: "Microsoft.DataProtection/backupVaults",
      location: "westeurope",
      identity: { type: "SystemAssigned", principalId: VAULT_PRINCIPAL, tenantId: "t" },
      properties: { provisioningState: "Succeeded" },
    },
    patch,
  );
}

export function backupInstance(patch?: Patch): JsonObject {
  return merge(
    {
      id: INSTANCE_ID,
      name: "aks-1-instance",
      type: "Microsoft.DataProtection/backupVaults/backupInstances",
      properties: {
        friendlyName: "aks-1",
        currentProtectionState: "ProtectionConfigured",
        protectionStatus: { status: "ProtectionConfigured" },
        dataSourceInfo: { resourceID: CLUSTER_ID, datasourceType: "Microsoft.ContainerService/managedClusters", objectType: "Datasource" },
        policyInfo: {
          policyId: `${VAULT_ID}/backupPolicies/aks-daily`,
          policyParameters: {
            dataStoreParametersList: [{ objectType: "AzureOperationalStoreParameters", dataStoreType: "OperationalStore", resourceGroupId: SNAPSHOT_RG_ID }],
          },
        },
      },
    },
    patch,
  );
}

export function binding(patch?: Patch): JsonObject {
  return merge(
    {
      id: `${CLUSTER_ID}/trustedAccessRoleBindings/backup-binding`,
      name: "backup-binding",
      type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings",
      properties: { roles: ["Microsoft.DataProtection/backupVaults/backup-operator"], sourceResourceId: VAULT_ID, provisioningState: "Succeeded" },
    },
    patch,
  );
}

export function job(name: string, patch?: Patch): JsonObject {
  return merge(
    {
      id: `${VAULT_ID}/backupJobs/${name}`,
      name,
      type: "Microsoft.DataProtection/backupVaults/backupJobs",
      properties: {
        operationCategory: "Backup",
        operation: "Backup",
        status: "Completed",
        startTime: "2026-11-22T20:00:00Z",
        endTime: "2026-11-22T20:10:00Z",
        backupInstanceId: INSTANCE_ID,
        dataSourceId: CLUSTER_ID,
      },
    },
    patch,
  );
}

let assignmentCounter = 0;
export function assignment(principalId: string, roleGuid: string, scope: string, patch?: Patch): JsonObject {
  const n = (++assignmentCounter).toString(16).padStart(12, "0");
  return merge(
    {
      id: `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-${n}`,
      name: `00000000-0000-0000-0000-${n}`,
      type: "Microsoft.Authorization/roleAssignments",
      properties: {
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        principalId,
        principalType: "ServicePrincipal",
        scope,
      },
    },
    patch,
  );
}

export function provider(state = "Registered", subscriptionId = SUB): JsonObject {
  return { id: `/subscriptions/${subscriptionId}/providers/Microsoft.KubernetesConfiguration`, namespace: "Microsoft.KubernetesConfiguration", registrationState: state };
}

/** Every role assignment a fully configured cluster needs. */
export function allRoles(): JsonObject[] {
  return [
    assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID),
    assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, SNAPSHOT_RG_ID),
    assignment(VAULT_PRINCIPAL, ROLE_GUID.diskSnapshotContributor, SNAPSHOT_RG_ID),
    assignment(VAULT_PRINCIPAL, ROLE_GUID.dataOperatorForManagedDisks, SNAPSHOT_RG_ID),
    assignment(VAULT_PRINCIPAL, ROLE_GUID.storageBlobDataReader, STORAGE_ID),
    assignment(CLUSTER_PRINCIPAL, ROLE_GUID.contributor, SNAPSHOT_RG_ID),
    assignment(EXT_PRINCIPAL, ROLE_GUID.storageBlobDataContributor, STORAGE_ID),
  ];
}

/** A cluster that passes every check, with everything it relates to. */
export function compliantFleet(): JsonObject[] {
  return [cluster(), extension(), storageAccount(), vault(), backupInstance(), binding(), job("job-1"), provider(), ...allRoles()];
}

export interface RunOptions {
  /** Kinds collected; default: all kinds. */
  collected?: readonly Kind[];
  errors?: CollectionError[];
  collectedAt?: Date;
}

export function fleetOf(resources: readonly JsonObject[], o: RunOptions = {}): Fleet {
  return new Fleet(
    { resources, collected: new Set<Kind>(o.collected ?? KINDS), errors: o.errors ?? [], collectedAt: o.collectedAt ?? REFERENCE_TIME },
    REFERENCE_TIME,
  );
}

/** Evaluate one check (by id) on the first cluster of the fleet. */
export function run(checkId: string, resources: readonly JsonObject[], o: RunOptions = {}): CheckResult {
  const fleet = fleetOf(resources, o);
  const def = CHECKS.find((c) => c.id === checkId);
  if (!def) throw new Error(`no check ${checkId}`);
  const first = fleet.clusters[0];
  if (!first) throw new Error("no cluster in the fleet");
  const [result] = evaluateCluster(new ClusterView(first, fleet), { checks: [def] }).checks;
  if (!result) throw new Error("no result");
  return result;
}

/** Replace (by id, case-insensitively) or add resources in a fleet. */
export function withResources(base: readonly JsonObject[], ...replacements: JsonObject[]): JsonObject[] {
  const keys = new Set(replacements.map((r) => String(r["id"]).toLowerCase()));
  return [...base.filter((r) => !keys.has(String(r["id"]).toLowerCase())), ...replacements];
}

/** Remove resources whose id matches. */
export function without(base: readonly JsonObject[], pred: (r: JsonObject) => boolean): JsonObject[] {
  return base.filter((r) => !pred(r));
}
