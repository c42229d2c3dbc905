# Operator notifications: the functions publish to `notifications`; a push subscription delivers each
# message to the notify function (authenticated with OIDC). Messages that still fail after
# max_delivery_attempts go to the dead-letter topic and are kept on its subscription for a week, so a
# broken chat webhook loses nothing that an operator cannot replay.
resource "google_pubsub_topic" "notifications" {
  name                       = "${local.prefix}-notifications"
  message_retention_duration = "86400s"

  depends_on = [google_project_service.this]
}

resource "google_pubsub_topic" "notifications_dead_letter" {
  name = "${local.prefix}-notifications-dead-letter"

  depends_on = [google_project_service.this]
}

resource "google_pubsub_subscription" "notifications_dead_letter" {
  name                       = "${local.prefix}-notifications-dead-letter"
  topic                      = google_pubsub_topic.notifications_dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "notify_push" {
  name  = "${local.prefix}-notify-push"
  topic = google_pubsub_topic.notifications.id

  # At least the notify function's timeout, so a slow chat API is not redelivered while in flight.
  ack_deadline_seconds       = 60
  message_retention_duration = "86400s"

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.notifications_dead_letter.id
    max_delivery_attempts = 5
  }

  # The Functions Framework turns a Pub/Sub push body into the CloudEvent the notify handler expects.
  push_config {
    push_endpoint = module.function["notify"].uri

    oidc_token {
      service_account_email = google_service_account.notify_push.email
      audience              = module.function["notify"].uri
    }
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.notify_push_invokes_notify,
    google_pubsub_topic_iam_member.pubsub_agent_publishes_dead_letters,
  ]
}

# The Pub/Sub service agent forwards dead letters and mints the push OIDC token; it only exists once
# the API has been used, so ask for it explicitly (beta-only resource) before granting it anything.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"

  depends_on = [google_project_service.this]
}

locals {
  pubsub_agent_member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}
