// The app's one storage account: Functions host storage (identity-based AzureWebJobsStorage), the Flex
// Consumption deployment container, Durable Functions' task hub, the audit results tables, the fleet
// snapshots the activities pass to each other, and Event Grid's dead letters. Shared keys are off:
// every caller (the app, Event Grid, the deploying user's tools) signs in with Microsoft Entra ID.

param name string
param location string
param tags object = {}

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Blob container Event Grid writes undeliverable events to.')
param deadLetterContainerName string

@description('Blob container of the fleet snapshots (src/functions/shared/snapshots.ts SNAPSHOT_CONTAINER).')
param snapshotContainerName string = 'aks-backup-auditor'

@description('Prefix of the results tables (the app setting AKS_BACKUP_AUDITOR_TABLE_PREFIX).')
param tablePrefix string

@description('Days a fleet snapshot (runs/<run id>/snapshot.json) is kept; every run writes a new one.')
@minValue(1)
param snapshotRetentionDays int = 7

@description('Days a dead-lettered event is kept.')
@minValue(1)
param deadLetterRetentionDays int = 30

// The results tables (src/store/results-store.ts TABLES). The app creates them too when they are missing;
// creating them here lets an operator see the layout before the first run.
var resultTables = [
  'Verdicts'
  'Transitions'
  'Runs'
  'Suppressions'
  'DigestLedger'
  'ScopeIndex'
  'EventLog'
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource snapshotContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: snapshotContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in resultTables: {
    parent: tableService
    name: '${tablePrefix}${table}'
  }
]

// A 10,000-cluster snapshot is ~300 MB and every fleet audit writes one: without this the container grows
// by that much a day. Dead letters are for diagnosis, not an archive.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-fleet-snapshots'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${snapshotContainerName}/runs/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: snapshotRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'expire-dead-letters'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${deadLetterContainerName}/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: deadLetterRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerName string = deploymentContainer.name
output deadLetterContainerName string = deadLetterContainer.name
output snapshotContainerName string = snapshotContainer.name
output tableNames array = [for (table, i) in resultTables: tables[i].name]
