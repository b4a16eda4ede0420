/**
 * One simple Resource Graph query per kind: a type scan projecting the columns the checks read.
 * Joins happen in TypeScript over the fleet index, never in KQL (architecture.md). Every query starts
 * `<table> | where type in~ (…)`, which is all the loopback test server needs to understand.
 */
import type { Kind } from "../../model/types.js";

export interface GraphKind {
  /** `clusters` is not a kind of checks.md — clusters are always collected — but is queried the same way. */
  kind: Kind | "clusters";
  table: string;
  types: readonly string[];
  /** Extra KQL after the type filter (narrowing only). */
  where?: string;
}

const PROJECT = "| project id, name, type, location, resourceGroup, subscriptionId, tenantId, tags, identity, properties";

export const GRAPH_KINDS: readonly GraphKind[] = [
  { kind: "clusters", table: "resources", types: ["microsoft.containerservice/managedclusters"] },
  { kind: "extensions", table: "kubernetesconfigurationresources", types: ["microsoft.kubernetesconfiguration/extensions"], where: "| where id contains '/managedclusters/'" },
  { kind: "backupVaults", table: "resources", types: ["microsoft.dataprotection/backupvaults"] },
  {
    kind: "backupInstances",
    table: "recoveryservicesresources",
    types: ["microsoft.dataprotection/backupvaults/backupinstances"],
    where: "| where properties.dataSourceInfo.datasourceType =~ 'Microsoft.ContainerService/managedClusters'",
  },
  {
    kind: "backupJobs",
    table: "recoveryservicesresources",
    types: ["microsoft.dataprotection/backupvaults/backupjobs"],
    // AKSBK-031 looks 48 h back; a week keeps the answer small and the verdict exact.
    where: "| where properties.dataSourceType =~ 'Microsoft.ContainerService/managedClusters' and properties.operationCategory =~ 'Backup' and (isnull(properties.endTime) or todatetime(properties.endTime) > ago(7d))",
  },
  { kind: "storageAccounts", table: "resources", types: ["microsoft.storage/storageaccounts"] },
  { kind: "roleAssignments", table: "authorizationresources", types: ["microsoft.authorization/roleassignments"] },
  { kind: "roleDefinitions", table: "authorizationresources", types: ["microsoft.authorization/roledefinitions"] },
  { kind: "subscriptions", table: "resourcecontainers", types: ["microsoft.resources/subscriptions"] },
  { kind: "policyAssignments", table: "policyresources", types: ["microsoft.authorization/policyassignments"] },
  {
    kind: "policyDefinitions",
    table: "policyresources",
    types: ["microsoft.authorization/policydefinitions", "microsoft.authorization/policysetdefinitions"],
  },
  { kind: "virtualNetworks", table: "resources", types: ["microsoft.network/virtualnetworks"] },
  { kind: "networkSecurityGroups", table: "resources", types: ["microsoft.network/networksecuritygroups"] },
];

export function graphQuery(k: GraphKind): string {
  return `${k.table} | where type in~ (${k.types.map((t) => `'${t}'`).join(", ")}) ${k.where ? `${k.where} ` : ""}${PROJECT} | order by id asc`;
}
