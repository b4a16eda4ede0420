// The Functions app on the Flex Consumption plan (FC1, Linux, Node 22), with a system-assigned identity
// and every setting src/config/settings.ts reads. No setting holds a secret: storage, tables, blobs, email
// and telemetry are reached with the app's managed identity (role assignments in rbac.bicep and
// audited-subscription.bicep). test/infra/consistency.test.ts holds this list against the code.
//
// On Flex Consumption the runtime and version live in functionAppConfig.runtime, not in the
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings (which the plan rejects).

param name string
param planName string
param location string
param tags object = {}

@description('azd deploys the code of service "api" (azure.yaml) to the app carrying this tag value.')
param serviceName string = 'api'

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string

@description('Memory of each instance. 2048 MB fits a 10,000-cluster fleet snapshot (~800 MB peak in bench/run.mjs); 512 MB is enough below ~2,000 clusters.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances. More do not make audits faster: Resource Graph throttles per identity.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

// ---- the app's own settings (see src/config/settings.ts for what each one means) -------------------
param tablesEndpoint string
param tablePrefix string
param cloud string
param blobEndpoint string
param auditedSubscriptions array
param managementGroupId string
param auditSchedule string
param debounceSeconds int
param chunkSize int
param collectBatch int
param targetedLimit int
param emailEndpoint string
param emailSenderAddress string
param digestRecipients array
param digestRoutes string
param digestSchedule string
param digestPeriod string
param digestSendEmpty bool
param digestTagDomains array

@description('Name of the Event Grid trigger function (src/functions/resourceEvents.ts RESOURCE_EVENTS_FUNCTION).')
param eventGridFunctionName string = 'resourceEvents'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Deployments go through Microsoft Entra ID (azd, Core Tools); publishing with a username and password is off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

var managementGroupMode = !empty(managementGroupId)

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host storage with the app's identity: blobs, queues and tables of this account (Durable Functions too).
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    // The ingestion address; with local auth disabled on the component it carries no usable key.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'

    // Results store and fleet snapshots, by endpoint with DefaultAzureCredential (no connection strings).
    AKS_BACKUP_AUDITOR_TABLES_ENDPOINT: tablesEndpoint
    AKS_BACKUP_AUDITOR_TABLE_PREFIX: tablePrefix
    AKS_BACKUP_AUDITOR_BLOB_ENDPOINT: blobEndpoint
    AKS_BACKUP_AUDITOR_CLOUD: cloud

    // What a fleet audit covers: subscriptions or one management group, never both.
    AKS_BACKUP_AUDITOR_SUBSCRIPTIONS: managementGroupMode ? '' : join(auditedSubscriptions, ',')
    AKS_BACKUP_AUDITOR_MANAGEMENT_GROUPS: managementGroupId
    AKS_BACKUP_AUDITOR_AUDIT_SCHEDULE: auditSchedule
    AKS_BACKUP_AUDITOR_DEBOUNCE_SECONDS: string(debounceSeconds)
    AKS_BACKUP_AUDITOR_CHUNK_SIZE: string(chunkSize)
    AKS_BACKUP_AUDITOR_COLLECT_BATCH: string(collectBatch)
    AKS_BACKUP_AUDITOR_TARGETED_LIMIT: string(targetedLimit)

    // Compliance digest through Communication Services, signed in with the app's identity.
    AKS_BACKUP_AUDITOR_EMAIL_ENDPOINT: emailEndpoint
    AKS_BACKUP_AUDITOR_EMAIL_SENDER: emailSenderAddress
    AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS: join(digestRecipients, ',')
    AKS_BACKUP_AUDITOR_DIGEST_ROUTES: digestRoutes
    AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE: digestSchedule
    AKS_BACKUP_AUDITOR_DIGEST_PERIOD: digestPeriod
    AKS_BACKUP_AUDITOR_DIGEST_SEND_EMPTY: digestSendEmpty ? 'true' : 'false'
    AKS_BACKUP_AUDITOR_DIGEST_TAG_DOMAINS: join(digestTagDomains, ',')
  }
}

output name string = functionApp.name
output id string = functionApp.id
output principalId string = functionApp.identity.principalId
output uri string = 'https://${functionApp.properties.defaultHostName}'
output eventGridFunctionId string = '${functionApp.id}/functions/${eventGridFunctionName}'
