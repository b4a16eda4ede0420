// The Event Grid system topic of one Azure subscription (resource write/delete/action events). Azure
// allows one system topic per source: if the subscription already has one for Microsoft.Resources.Subscriptions,
// deploy into that topic's resource group with its name instead (README, "Deploy to Azure").

param name string
param tags object = {}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: 'global'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

output id string = topic.id
output principalId string = topic.identity.principalId
