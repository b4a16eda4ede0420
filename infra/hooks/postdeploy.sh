#!/bin/sh
# azd postdeploy hook: create (or update) the Event Grid subscription on each audited subscription's
# system topic, delivering to the deployed Event Grid function.
#
# It runs after the code is deployed because Event Grid checks, when an event subscription is created,
# that the target function exists. The destination is the function's resource id (endpoint type
# AzureFunction): Event Grid resolves the function itself, so no system key or function key is read,
# printed or put in a URL here. The subscription itself is infra/app/event-subscription.bicep (filters,
# retry policy, dead-lettering with the topic's managed identity), deployed once per topic.
#
# Needs: Azure CLI signed in (`az login`) to the same tenant as azd, with write access to the topics'
# resource groups. Inputs: the azd environment's values (outputs of infra/main.bicep), which azd exports
# to hooks.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
template="$here/../app/event-subscription.bicep"

need() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "postdeploy: $1 is not set; run 'azd provision' first (it is an output of infra/main.bicep)." >&2
    exit 1
  fi
}
need EVENT_GRID_FUNCTION_RESOURCE_ID
need DEAD_LETTER_STORAGE_ACCOUNT_ID
need DEAD_LETTER_CONTAINER_NAME

topics=${EVENT_GRID_SYSTEM_TOPIC_IDS:-}
if [ -z "$topics" ]; then
  echo "postdeploy: no audited subscription has a system topic (management group mode without AKS_BACKUP_AUDITOR_SUBSCRIPTION_IDS): no event subscriptions to create; scheduled audits still run."
  exit 0
fi

if ! az account show --only-show-errors >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI is not signed in; run 'az login' (same tenant as azd) and then 'azd hooks run postdeploy'." >&2
  exit 1
fi

# The platform lists the function once the host has indexed the new code; that can take a minute or two.
function_id=$EVENT_GRID_FUNCTION_RESOURCE_ID
tries=0
until az resource show --ids "$function_id" --query id --output tsv --only-show-errors >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 36 ]; then
    echo "postdeploy: $function_id did not appear within 6 minutes; check the app's logs, then run 'azd hooks run postdeploy'." >&2
    exit 1
  fi
  echo "postdeploy: waiting for the Event Grid function to be indexed ($tries)..."
  sleep 10
done

for topic in $topics; do
  # /subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.EventGrid/systemTopics/<name>
  subscription=$(printf '%s\n' "$topic" | cut -d/ -f3)
  group=$(printf '%s\n' "$topic" | cut -d/ -f5)
  name=$(printf '%s\n' "$topic" | cut -d/ -f9)
  if [ -z "$subscription" ] || [ -z "$group" ] || [ -z "$name" ]; then
    echo "postdeploy: not a system topic id: $topic" >&2
    exit 1
  fi
  echo "postdeploy: event subscription on $name (subscription $subscription)"
  az deployment group create \
    --subscription "$subscription" \
    --resource-group "$group" \
    --name "aksbackup-events-${AZURE_ENV_NAME:-env}" \
    --template-file "$template" \
    --parameters \
      systemTopicName="$name" \
      functionResourceId="$function_id" \
      deadLetterStorageAccountId="$DEAD_LETTER_STORAGE_ACCOUNT_ID" \
      deadLetterContainerName="$DEAD_LETTER_CONTAINER_NAME" \
    --only-show-errors \
    --output none
done
echo "postdeploy: event subscriptions are in place."
