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
    # Set in the Fyers API dashboard next to the postback URL; a postback's signature header, when
    # Fyers sends one, must match it.
    "fyers-postback-secret",
    # The token in the postback URL itself, orderUpdates' primary check (Fyers' signing is undocumented).
    # Generated below, unlike the others: it is part of the URL the operator pastes (output fyers_postback_url).
    "fyers-postback-token",
  ])
}

# 256 bits, URL-safe. It lives in Terraform state (as the output does); the state bucket is the
# operator's own, and the token only lets one post order hints that the app checks against the orderbook.
resource "random_password" "postback_url_token" {
  length  = 43
  special = false
}

resource "google_secret_manager_secret_version" "postback_url_token" {
  secret = google_secret_manager_secret.this["fyers-postback-token"].id
  # Write-only: not copied into this resource's state as well.
  secret_data_wo         = random_password.postback_url_token.result
  secret_data_wo_version = 1
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
