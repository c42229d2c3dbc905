# Secret containers only. Values are added by the operator with `gcloud secrets versions add`
# (docs/deploy.md), so they never pass through Terraform state or plan output.
#
# The ids are the names in shared/secrets/secrets.port.ts (SecretName); the code reads them through
# the Secret Manager client (SECRETS=secret-manager). notify-webhook-url is the exception: the
# notify function reads NOTIFY_WEBHOOK_URL from its environment, filled from this secret at start-up.
locals {
  secret_ids = toset([
    "webhook-secret",
    "controls-key",
    "fyers-app-secret",
    "fyers-pin",
    "notify-webhook-url",
    # Set in the Fyers API dashboard next to the postback URL; orderUpdates checks every postback with it.
    "fyers-postback-secret",
  ])
}

resource "google_secret_manager_secret" "this" {
  for_each = local.secret_ids

  project   = var.project_id
  secret_id = each.value

  # Kept in the deployment region: trading credentials stay in India.
  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.this]
}
