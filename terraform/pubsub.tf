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

  # The Functions Framework turns a Pub/Sub push body into the CloudEvent the notify handler expects,
  # taking the event's source from a projects/P/topics/T path in the URL; without it, it logs two
  # warnings per message. Cloud Run routes any path to the function. The OIDC audience stays the
  # service URL, which is what Cloud Run checks.
  push_config {
    push_endpoint = "${module.function["notify"].uri}/${google_pubsub_topic.notifications.id}"

    oidc_token {
      service_account_email = google_service_account.notify_push.email
      audience              = module.function["notify"].uri
    }
  }

  depends_on = [
    # The invoker and token-creator grants must have propagated before the first push.
    time_sleep.invoker_propagation,
    google_pubsub_topic_iam_member.pubsub_agent_publishes_dead_letters,
  ]
}

# Order events (issue: after the order): orderUpdates and reconcileOrders publish every order state
# change here, once, in the versioned schema documented in docs/operating.md. Subscribers' outbound webhooks
# are delivered from it with retries; deliveries that keep failing land in the dead-letter topic and
# stay on its subscription for a week, for the operator to inspect or replay.
resource "google_pubsub_topic" "order_events" {
  name                       = "${local.prefix}-order-events"
  message_retention_duration = "604800s"

  depends_on = [google_project_service.this]
}

resource "google_pubsub_topic" "order_events_dead_letter" {
  name = "${local.prefix}-order-events-dead-letter"

  depends_on = [google_project_service.this]
}

resource "google_pubsub_subscription" "order_events_dead_letter" {
  name                       = "${local.prefix}-order-events-dead-letter"
  topic                      = google_pubsub_topic.order_events_dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
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

# Delivers every order event to the orderEventWebhooks function, which signs and posts it to each
# registered subscriber. A failed delivery makes the function fail, so Pub/Sub retries with backoff
# and, after max_delivery_attempts, dead-letters the event (kept a week on the dead-letter
# subscription). Its own push identity: the notify push account may invoke notify only.
resource "google_pubsub_subscription" "order_events_push" {
  name  = "${local.prefix}-order-events-push"
  topic = google_pubsub_topic.order_events.id

  # At least the function's timeout, so a slow subscriber is not redelivered while in flight.
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.order_events_dead_letter.id
    max_delivery_attempts = 10
  }

  # Same shape as notify_push: the topic path in the URL lets the Functions Framework build the
  # CloudEvent's source; the audience stays the service URL Cloud Run checks.
  push_config {
    push_endpoint = "${module.function["orderEventWebhooks"].uri}/${google_pubsub_topic.order_events.id}"

    oidc_token {
      service_account_email = google_service_account.order_events_push.email
      audience              = module.function["orderEventWebhooks"].uri
    }
  }

  depends_on = [
    time_sleep.invoker_propagation,
    google_pubsub_topic_iam_member.pubsub_agent_publishes_order_event_dead_letters,
  ]
}
