#!/bin/sh
# azd postprovision hook: when a management group is audited (AKS_BACKUP_AUDITOR_MANAGEMENT_GROUP_ID),
# give the app's identity Reader at that management group. infra/main.bicep deploys at subscription
# scope, and ARM cannot target a management group from there, so this deploys
# infra/app/reader-management-group.bicep (targetScope = 'managementGroup') on its own.
#
# Needs: Azure CLI signed in (`az login`) as someone who may create role assignments at the management
# group (Owner, User Access Administrator or Role Based Access Control Administrator there).
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
management_group=${AUDIT_MANAGEMENT_GROUP_ID:-}

if [ -z "$management_group" ]; then
  exit 0
fi
if [ -z "${APP_PRINCIPAL_ID:-}" ]; then
  echo "postprovision: APP_PRINCIPAL_ID is not set; it is an output of infra/main.bicep." >&2
  exit 1
fi
if ! az account show --only-show-errors >/dev/null 2>&1; then
  echo "postprovision: the Azure CLI is not signed in; run 'az login' and then 'azd hooks run postprovision'." >&2
  exit 1
fi

echo "postprovision: Reader for the app at management group $management_group"
az deployment mg create \
  --management-group-id "$management_group" \
  --location "${AZURE_LOCATION:?AZURE_LOCATION is not set}" \
  --name "aksbackup-reader-${AZURE_ENV_NAME:-env}" \
  --template-file "$here/../app/reader-management-group.bicep" \
  --parameters principalId="$APP_PRINCIPAL_ID" \
  --only-show-errors \
  --output none
