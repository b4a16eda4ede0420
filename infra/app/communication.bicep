// Azure Communication Services for the compliance digest: an Email Communication Service with an
// Azure-managed domain (<guid>.azurecomm.net, verified by Azure, nothing to set up in DNS) linked to a
// Communication Services resource. The app sends through the Communication Services endpoint with its
// managed identity (see rbac.bicep); no access key or connection string is read anywhere.
//
// Sender: Azure-managed domains send from their default MailFrom address, DoNotReply@<domain>; custom sender
// usernames can't be enabled on them (add-multiple-senders.md). For a branded address, connect a custom
// verified domain and pass its address as emailSenderAddress.

param emailServiceName string
param communicationServiceName string
param tags object = {}

@description('Where Communication Services keeps data at rest (both resources must agree).')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param dataLocation string = 'United States'

@description('Sender address of a verified domain; empty: the Azure-managed domain\'s DoNotReply address.')
param emailSenderAddress string = ''

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

output communicationServiceName string = communicationService.name
output communicationServiceId string = communicationService.id
output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = empty(emailSenderAddress)
  ? 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
  : emailSenderAddress
