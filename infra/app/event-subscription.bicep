// The Event Grid subscription on one audited subscription's system topic, delivering to the app's Event
// Grid trigger. Deployed by infra/hooks/postdeploy.sh once the code exists (Event Grid validates that the
// function exists when the subscription is created), into the topic's resource group.
//
// Destination type AzureFunction with the function's resource id: Event Grid resolves the function itself,
// so no system key or function key appears in a template, a URL or a script. (`az eventgrid system-topic
// event-subscription create --endpoint-type azurefunction --endpoint <id>` creates the same destination,
// but that command cannot dead-letter with a managed identity, and the storage account allows no keys.)
//
// The filters are exactly what the handler acts on (src/functions/shared/events.ts EVENT_TYPES and
// EVENT_OPERATION_NAMES; test/infra/consistency.test.ts keeps them equal): anything else would be
// dropped by the handler anyway, after a billed delivery and an invocation. Event Grid allows 25 filter
// values across the advanced filters of one subscription.

@description('Name of the system topic (in this resource group).')
param systemTopicName string

@description('Resource id of the Event Grid trigger function: <function app id>/functions/resourceEvents.')
param functionResourceId string

@description('Resource id of the storage account holding the dead-letter container (the app\'s account).')
param deadLetterStorageAccountId string

param deadLetterContainerName string

param name string = 'aks-backup-auditor'

@description('Delivery attempts before an event is dead-lettered (Event Grid allows 1-30).')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Minutes Event Grid keeps retrying an event (1-1440).')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

var includedEventTypes = [
  'Microsoft.Resources.ResourceWriteSuccess'
  'Microsoft.Resources.ResourceDeleteSuccess'
  'Microsoft.Resources.ResourceActionSuccess'
]

var operationNames = [
  'Microsoft.ContainerService/managedClusters/write'
  'Microsoft.ContainerService/managedClusters/delete'
  'Microsoft.ContainerService/managedClusters/start/action'
  'Microsoft.ContainerService/managedClusters/stop/action'
  'Microsoft.ContainerService/managedClusters/agentPools/write'
  'Microsoft.ContainerService/managedClusters/agentPools/delete'
  'Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/write'
  'Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/delete'
  'Microsoft.KubernetesConfiguration/extensions/write'
  'Microsoft.KubernetesConfiguration/extensions/delete'
  'Microsoft.Authorization/roleAssignments/write'
  'Microsoft.Authorization/roleAssignments/delete'
  'Microsoft.Storage/storageAccounts/write'
  'Microsoft.Storage/storageAccounts/delete'
  'Microsoft.DataProtection/backupVaults/write'
  'Microsoft.DataProtection/backupVaults/delete'
  'Microsoft.DataProtection/backupVaults/backupInstances/write'
  'Microsoft.DataProtection/backupVaults/backupInstances/delete'
  'Microsoft.Resources/subscriptions/resourceGroups/write'
  'Microsoft.Resources/subscriptions/resourceGroups/delete'
  'Microsoft.KubernetesConfiguration/register/action'
  'Microsoft.KubernetesConfiguration/unregister/action'
]

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: name
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        // The Node.js Event Grid trigger takes one event per invocation.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: includedEventTypes
      enableAdvancedFilteringOnArrays: false
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: operationNames
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output id string = eventSubscription.id
