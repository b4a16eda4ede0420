// Everything one audited subscription needs, deployed into that subscription (main.bicep:
// `scope: subscription(id)`):
// - Reader for the app's identity at the subscription (skipped when a management group is audited: the
//   Reader assignment is then at the management group, reader-management-group.bicep);
// - a resource group holding the subscription's Event Grid system topic (source: the Azure subscription,
//   type Microsoft.Resources.Subscriptions), with a system-assigned identity it dead-letters with.
// The event subscription on the topic is created after the code is deployed (infra/hooks/postdeploy.sh,
// event-subscription.bicep): Event Grid checks that the target function exists.
targetScope = 'subscription'

param principalId string
param assignReader bool = true
param resourceGroupName string
param location string
param topicName string
param tags object = {}

var roles = loadJsonContent('../roles.json')

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignReader) {
  name: guid(subscription().id, principalId, roles.builtIn.reader.id)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.reader.id)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aks-backup-auditor: ${roles.builtIn.reader.why}'
  }
}

resource eventsGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module systemTopic 'system-topic.bicep' = {
  name: 'aksbackup-system-topic'
  scope: eventsGroup
  params: {
    name: topicName
    tags: tags
  }
}

output topicId string = systemTopic.outputs.id
output topicPrincipalId string = systemTopic.outputs.principalId
