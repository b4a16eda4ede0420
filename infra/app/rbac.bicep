// Role assignments inside the app's resource group, each at the narrowest scope that works:
// - the app identity on its storage account: Storage Blob Data Owner (host storage + Flex deployment
//   container + snapshots), Storage Queue Data Contributor and Storage Table Data Contributor (Durable
//   Functions, host diagnostic events, results tables) — the roles Microsoft lists for identity-based
//   AzureWebJobsStorage with Durable Functions and timers, and no Storage Account Contributor (only the
//   blob trigger, which this app doesn't use, needs it);
// - the app identity on Application Insights: Monitoring Metrics Publisher (Entra ID ingestion);
// - the app identity on Communication Services: the custom email-sender role (email-sender-role.bicep);
// - each Event Grid system topic's identity on the dead-letter container only: Storage Blob Data Contributor.
// The audited scopes' Reader assignments are in audited-subscription.bicep / reader-management-group.bicep.

param principalId string
param storageAccountName string
param applicationInsightsName string
param communicationServiceName string
param emailSenderRoleDefinitionId string
param deadLetterContainerName string

@description('Principal ids of the Event Grid system topics that dead-letter into deadLetterContainerName.')
param topicPrincipalIds array = []

var roles = loadJsonContent('../roles.json')

var appStorageRoles = [
  roles.builtIn.storageBlobDataOwner
  roles.builtIn.storageQueueDataContributor
  roles.builtIn.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

resource appStorageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appStorageRoles: {
    name: guid(storage.id, principalId, role.id)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'aks-backup-auditor: ${role.why}'
    }
  }
]

resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roles.builtIn.monitoringMetricsPublisher.id)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.monitoringMetricsPublisher.id)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aks-backup-auditor: ${roles.builtIn.monitoringMetricsPublisher.why}'
  }
}

resource emailAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, principalId, emailSenderRoleDefinitionId)
  scope: communicationService
  properties: {
    roleDefinitionId: emailSenderRoleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aks-backup-auditor: send the compliance digest'
  }
}

resource deadLetterAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for topicPrincipalId in topicPrincipalIds: {
    name: guid(deadLetterContainer.id, topicPrincipalId, roles.builtIn.storageBlobDataContributor.id)
    scope: deadLetterContainer
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.storageBlobDataContributor.id)
      principalId: topicPrincipalId
      principalType: 'ServicePrincipal'
      description: 'aks-backup-auditor: ${roles.builtIn.storageBlobDataContributor.why}'
    }
  }
]
