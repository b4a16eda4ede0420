// aks-backup-auditor on Azure: `azd up` (README, "Deploy to Azure").
//
// In the deployment subscription, one resource group with the Functions app (Flex Consumption, Node 22,
// system-assigned identity), its storage account (identity-only: host storage, Durable Functions, results
// tables, snapshots, dead letters), Application Insights + Log Analytics (Entra ID ingestion), and
// Communication Services with an Azure-managed email domain. In every audited subscription, Reader for
// the app and an Event Grid system topic; the event subscriptions are created by infra/hooks/postdeploy.sh
// once the code (and so the Event Grid function) exists. Plain resources rather than Azure Verified
// Modules, so test/infra/consistency.test.ts can read every property it checks from these files.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; names the resource groups and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Region of the app. Flex Consumption is not offered everywhere: `az functionapp list-flexconsumption-locations`.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group of the app; empty: rg-<environment name>.')
param resourceGroupName string = ''

@description('Subscriptions to audit, separated by commas; empty: the deployment subscription. With a management group, the subscriptions whose change events trigger re-audits.')
param auditedSubscriptionIds string = ''

@description('Audit this management group instead of a list of subscriptions (Reader is assigned there by infra/hooks/postprovision.sh).')
param managementGroupId string = ''

@description('Resource group created in each audited subscription for its Event Grid system topic; empty: rg-<environment name>-events.')
param eventsResourceGroupName string = ''

@description('Name of the Event Grid system topic in each audited subscription; empty: evgst-<environment name>. Set it (and eventsResourceGroupName) to adopt a subscription\'s existing system topic: Azure allows one per subscription.')
param systemTopicName string = ''

@description('NCRONTAB (six fields, UTC) of the fleet audit; empty: daily at 05:00.')
param auditSchedule string = ''

@description('NCRONTAB (six fields, UTC) of the digest; empty: Mondays at 07:00.')
param digestSchedule string = ''

@description('Digest period: week (ISO week), day or month; empty: week.')
@allowed([
  ''
  'week'
  'day'
  'month'
])
param digestPeriod string = ''

@description('Digest recipients, separated by commas.')
param digestRecipients string = ''

@description('Digest routes as JSON (see src/digest/routing.ts), e.g. [{"subscription":"<id>","to":["team@contoso.com"]}]; empty: none.')
param digestRoutes string = ''

@description('Send a digest even when nothing changed.')
param digestSendEmpty bool = false

@description('Domains whose addresses may be taken from cluster tags for routing, separated by commas.')
param digestTagDomains string = ''

@description('Sender address of a verified domain; empty: DoNotReply@ the Azure-managed domain.')
param emailSenderAddress string = ''

@description('Where Communication Services keeps data at rest.')
param emailDataLocation string = 'United States'

@description('Seconds an event-driven re-audit waits for more events about the same cluster.')
@minValue(1)
@maxValue(3600)
param debounceSeconds int = 120

@description('Clusters per audit activity of a fleet audit.')
@minValue(50)
@maxValue(1000)
param chunkSize int = 300

@description('Subscriptions per collection activity of a fleet audit (a management group is collected whole).')
@minValue(1)
@maxValue(1000)
param collectBatch int = 50

@description('An event touching more clusters than this starts a fleet audit of their subscriptions instead.')
@minValue(1)
@maxValue(1000)
param targetedLimit int = 50

@description('Prefix of the results table names.')
param tablePrefix string = 'aksbackup'

@description('Memory of each Functions instance (MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days fleet snapshots are kept in blob storage.')
@minValue(1)
param snapshotRetentionDays int = 7

var abbrs = loadJsonContent('abbreviations.json')
var roles = loadJsonContent('roles.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var managementGroupMode = !empty(trim(managementGroupId))
var listedSubscriptions = filter(map(split(auditedSubscriptionIds, [',', ';', ' ']), s => trim(s)), s => !empty(s))
// Audit the deployment subscription when nothing else is named.
var auditedSubscriptions = managementGroupMode || !empty(listedSubscriptions)
  ? listedSubscriptions
  : [subscription().subscriptionId]

var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var deadLetterContainerName = 'eventgrid-deadletter'
var eventGridFunctionName = 'resourceEvents'
var cloud = environment().name =~ 'AzureChinaCloud'
  ? 'china'
  : environment().name =~ 'AzureUSGovernment' ? 'usgov' : 'public'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    tablePrefix: tablePrefix
    snapshotRetentionDays: snapshotRetentionDays
  }
}

module communication 'app/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    communicationServiceName: '${abbrs.communicationServices}${resourceToken}'
    tags: tags
    dataLocation: emailDataLocation
    emailSenderAddress: emailSenderAddress
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    eventGridFunctionName: eventGridFunctionName
    tablesEndpoint: storage.outputs.tableEndpoint
    tablePrefix: tablePrefix
    cloud: cloud
    blobEndpoint: storage.outputs.blobEndpoint
    auditedSubscriptions: auditedSubscriptions
    managementGroupId: managementGroupMode ? trim(managementGroupId) : ''
    auditSchedule: empty(auditSchedule) ? '0 0 5 * * *' : auditSchedule
    debounceSeconds: debounceSeconds
    chunkSize: chunkSize
    collectBatch: collectBatch
    targetedLimit: targetedLimit
    emailEndpoint: communication.outputs.endpoint
    emailSenderAddress: communication.outputs.senderAddress
    digestRecipients: filter(map(split(digestRecipients, [',', ';', ' ']), s => trim(s)), s => !empty(s))
    digestRoutes: digestRoutes
    digestSchedule: empty(digestSchedule) ? '0 0 7 * * 1' : digestSchedule
    digestPeriod: empty(digestPeriod) ? 'week' : digestPeriod
    digestSendEmpty: digestSendEmpty
    digestTagDomains: filter(map(split(digestTagDomains, [',', ';', ' ']), s => trim(s)), s => !empty(s))
  }
}

module emailSenderRole 'app/email-sender-role.bicep' = {
  name: 'email-sender-role-${resourceToken}'
  params: {
    assignableScope: rg.id
    roleName: '${roles.custom.emailSender.roleNamePrefix} (${rg.name}, ${resourceToken})'
  }
}

module audited 'app/audited-subscription.bicep' = [
  for (subscriptionId, i) in auditedSubscriptions: {
    name: 'aksbackup-audited-${i}-${resourceToken}'
    scope: subscription(subscriptionId)
    params: {
      principalId: api.outputs.principalId
      assignReader: !managementGroupMode
      resourceGroupName: !empty(eventsResourceGroupName) ? eventsResourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}-events'
      location: location
      topicName: !empty(systemTopicName) ? systemTopicName : '${abbrs.eventGridSystemTopics}${environmentName}'
      tags: tags
    }
  }
]

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: api.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    communicationServiceName: communication.outputs.communicationServiceName
    emailSenderRoleDefinitionId: emailSenderRole.outputs.id
    deadLetterContainerName: storage.outputs.deadLetterContainerName
    topicPrincipalIds: [for i in range(0, length(auditedSubscriptions)): audited[i].outputs.topicPrincipalId]
  }
}

// A for-expression cannot be a function argument: collect the topic ids first.
var systemTopicIds = [for i in range(0, length(auditedSubscriptions)): audited[i].outputs.topicId]

// ---- outputs (azd stores them in .azure/<env>/.env; the hooks read them) ------------------------------
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_ID string = api.outputs.id
output APP_PRINCIPAL_ID string = api.outputs.principalId
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri

// The HTTP functions (authLevel function: call them with a function key, `az functionapp function keys list`).
output AUDITS_URL string = '${api.outputs.uri}/api/audits'
output AUDIT_STATUS_URL string = '${api.outputs.uri}/api/audits/{id}'
output CLUSTERS_URL string = '${api.outputs.uri}/api/clusters'
output CLUSTER_URL string = '${api.outputs.uri}/api/clusters/{subscriptionId}/{resourceGroup}/{name}'

// What postdeploy.sh needs to create the event subscriptions, and postprovision.sh the management group Reader.
output EVENT_GRID_FUNCTION_RESOURCE_ID string = api.outputs.eventGridFunctionId
output EVENT_GRID_SYSTEM_TOPIC_IDS string = join(systemTopicIds, ' ')
output DEAD_LETTER_STORAGE_ACCOUNT_ID string = storage.outputs.id
output DEAD_LETTER_CONTAINER_NAME string = storage.outputs.deadLetterContainerName
output AUDIT_MANAGEMENT_GROUP_ID string = managementGroupMode ? trim(managementGroupId) : ''
output AUDITED_SUBSCRIPTION_IDS string = join(auditedSubscriptions, ',')
output EMAIL_SENDER_ADDRESS string = communication.outputs.senderAddress
