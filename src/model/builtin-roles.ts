/**
 * Built-in role definitions the catalogue reasons about, with their real permission lists, copied from
 * Microsoft's built-in roles reference (azure-docs articles/role-based-access-control/built-in-roles/*.md:
 * general.md, privileged.md, storage.md, compute.md). Role definition ids of built-in roles are the same in
 * every tenant. A snapshot may carry its own copy of any role definition; the input wins.
 */
import type { RoleDefinition } from "./rbac.js";

export const BUILTIN_ROLES: readonly RoleDefinition[] = [
  {
    guid: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    actions: [
      "*"
    ],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
      "Microsoft.Blueprint/blueprintAssignments/write",
      "Microsoft.Blueprint/blueprintAssignments/delete",
      "Microsoft.Compute/galleries/share/action",
      "Microsoft.Purview/consents/write",
      "Microsoft.Purview/consents/delete",
      "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
      "Microsoft.Subscription/cancel/action",
      "Microsoft.Subscription/enable/action"
    ],
    dataActions: [],
    notDataActions: []
  },
  {
    guid: "959f8984-c045-4866-89c7-12bf9737be2e",
    roleName: "Data Operator for Managed Disks",
    actions: [],
    notActions: [],
    dataActions: [
      "Microsoft.Compute/disks/download/action",
      "Microsoft.Compute/disks/upload/action",
      "Microsoft.Compute/snapshots/download/action",
      "Microsoft.Compute/snapshots/upload/action"
    ],
    notDataActions: []
  },
  {
    guid: "7efff54f-a5b4-42b5-a1c5-5411624893ce",
    roleName: "Disk Snapshot Contributor",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Compute/snapshots/delete",
      "Microsoft.Compute/snapshots/write",
      "Microsoft.Compute/snapshots/read",
      "Microsoft.Compute/snapshots/beginGetAccess/action",
      "Microsoft.Compute/snapshots/endGetAccess/action",
      "Microsoft.Compute/disks/beginGetAccess/action",
      "Microsoft.Storage/storageAccounts/listkeys/action",
      "Microsoft.Storage/storageAccounts/write",
      "Microsoft.Storage/storageAccounts/read",
      "Microsoft.Storage/storageAccounts/delete"
    ],
    notActions: [],
    dataActions: [],
    notDataActions: []
  },
  {
    guid: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    actions: [
      "*"
    ],
    notActions: [],
    dataActions: [],
    notDataActions: []
  },
  {
    guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    actions: [
      "*/read"
    ],
    notActions: [],
    dataActions: [],
    notDataActions: []
  },
  {
    guid: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    roleName: "Storage Account Contributor",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Insights/diagnosticSettings/*",
      "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Storage/storageAccounts/*",
      "Microsoft.Support/*"
    ],
    notActions: [],
    dataActions: [],
    notDataActions: []
  },
  {
    guid: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    roleName: "Storage Blob Data Contributor",
    actions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
      "Microsoft.Storage/storageAccounts/blobServices/containers/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/write",
      "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"
    ],
    notActions: [],
    dataActions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"
    ],
    notDataActions: []
  },
  {
    guid: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    roleName: "Storage Blob Data Owner",
    actions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/*",
      "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"
    ],
    notActions: [],
    dataActions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"
    ],
    notDataActions: []
  },
  {
    guid: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    roleName: "Storage Blob Data Reader",
    actions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/read",
      "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"
    ],
    notActions: [],
    dataActions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
    ],
    notDataActions: []
  }
];
