// A custom role that can send email through Communication Services and do nothing else a built-in role
// would add. Microsoft documents two ways for a Microsoft Entra identity to send email: the built-in
// "Communication and Email Service Owner" role, which "gives access to all Communication and Email service
// operations", or a custom role with exactly these three permissions
// (MicrosoftDocs/azure-docs .../email/send-email-smtp/includes/smtp-authentication-customrole.md). The
// custom role has no delete, no key listing and no domain management; it is assignable only inside the
// app's resource group and is assigned only on the Communication Services resource (rbac.bicep).
targetScope = 'subscription'

@description('The only scope the role can be assigned at (the app\'s resource group).')
param assignableScope string

@description('Unique in the tenant: the role name carries a token of the resource group it belongs to.')
param roleName string

var roles = loadJsonContent('../roles.json')

resource emailSender 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, assignableScope, 'aks-backup-auditor-email-sender')
  properties: {
    roleName: roleName
    description: roles.custom.emailSender.description
    type: 'CustomRole'
    assignableScopes: [
      assignableScope
    ]
    permissions: [
      {
        actions: roles.custom.emailSender.actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

output id string = emailSender.id
