// Reader for the app's identity at a management group (audit by management group). ARM cannot deploy to
// a management group from the subscription-scope main.bicep, so infra/hooks/postprovision.sh deploys this
// file with `az deployment mg create` when AKS_BACKUP_AUDITOR_MANAGEMENT_GROUP_ID is set.
targetScope = 'managementGroup'

@description('Principal id of the Function App\'s system-assigned identity (output APP_PRINCIPAL_ID).')
param principalId string

var roles = loadJsonContent('../roles.json')

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, roles.builtIn.reader.id)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.reader.id)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aks-backup-auditor: ${roles.builtIn.reader.why}'
  }
}
