# Least privilege, one identity per function. Every grant below is additive (_iam_member) and scoped
# to the single secret, topic, bucket or service that needs it; only Firestore and logging are
# project-level, because that is the narrowest scope those services offer (Firestore further narrowed
# to this database by an IAM condition). test/unit/terraform-consistency.test.ts keeps an allow-list
# of these grants and fails on anything else.

# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------

resource "google_service_account" "fn" {
  for_each = local.functions

  account_id   = "${local.prefix}-${each.value.slug}"
  display_name = "${local.prefix} ${each.key} function"
  description  = "Runtime identity of the ${each.key} function."

  depends_on = [google_project_service.this]
}

resource "google_service_account" "scheduler" {
  account_id   = "${local.prefix}-scheduler"
  display_name = "${local.prefix} Cloud Scheduler caller"
  description  = "Signs the OIDC tokens Cloud Scheduler sends to refreshToken, refreshSymbolMaster, reconcileOrders and squareOff."

  depends_on = [google_project_service.this]
}

resource "google_service_account" "notify_push" {
  account_id   = "${local.prefix}-notify-push"
  display_name = "${local.prefix} notifications push"
  description  = "Identity of the Pub/Sub push subscription that delivers notifications to the notify function."

  depends_on = [google_project_service.this]
}

resource "google_service_account" "order_events_push" {
  account_id   = "${local.prefix}-order-events-push"
  display_name = "${local.prefix} order-events push"
  description  = "Identity of the Pub/Sub push subscription that delivers order events to the orderEventWebhooks function."

  depends_on = [google_project_service.this]
}

resource "google_service_account" "build" {
  account_id   = "${local.prefix}-build"
  display_name = "${local.prefix} function builds"
  description  = "Cloud Build identity for the function images (new projects' default build account has no roles)."

  depends_on = [google_project_service.this]
}

# ---------------------------------------------------------------------------------------------
# webhook: read the alert secret, claim/audit in Firestore, read the symbol index, publish notices
# ---------------------------------------------------------------------------------------------

resource "google_secret_manager_secret_iam_member" "webhook_reads_webhook_secret" {
  secret_id = google_secret_manager_secret.this["webhook-secret"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["webhook"].member
}

resource "google_project_iam_member" "webhook_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["webhook"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_storage_bucket_iam_member" "webhook_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["webhook"].member
}

# An instance that starts before any index exists builds one and publishes it. objectCreator can create
# the object (the write is conditional on generation 0) but never overwrite or delete a published one.
resource "google_storage_bucket_iam_member" "webhook_publishes_first_symbol_index" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.fn["webhook"].member
}

resource "google_pubsub_topic_iam_member" "webhook_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["webhook"].member
}

# A fill postback that arrives before the webhook has written the order's record is applied when the
# record is created, and the webhook instance publishes those events in the background
# (recordAccepted in shared/orders/lifecycle/order-tracker.ts).
resource "google_pubsub_topic_iam_member" "webhook_publishes_order_events" {
  topic  = google_pubsub_topic.order_events.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["webhook"].member
}

# ---------------------------------------------------------------------------------------------
# readyz: look, never touch. Read-only Firestore, symbol index, and proof the alert secret has a value
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "readyz_views_firestore" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = google_service_account.fn["readyz"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_storage_bucket_iam_member" "readyz_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["readyz"].member
}

resource "google_secret_manager_secret_iam_member" "readyz_reads_webhook_secret" {
  secret_id = google_secret_manager_secret.this["webhook-secret"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["readyz"].member
}

# ---------------------------------------------------------------------------------------------
# authUrl: check the controls key, store the single-use login state
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "auth_url_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["authUrl"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_secret_manager_secret_iam_member" "auth_url_reads_controls_key" {
  secret_id = google_secret_manager_secret.this["controls-key"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["authUrl"].member
}

# ---------------------------------------------------------------------------------------------
# authCallback: consume the state, exchange the code (needs the app secret), store the token
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "auth_callback_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["authCallback"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_secret_manager_secret_iam_member" "auth_callback_reads_fyers_app_secret" {
  secret_id = google_secret_manager_secret.this["fyers-app-secret"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["authCallback"].member
}

resource "google_pubsub_topic_iam_member" "auth_callback_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["authCallback"].member
}

# ---------------------------------------------------------------------------------------------
# refreshToken: read and write the token, refresh with app secret + PIN, warn the operator
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "refresh_token_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["refreshToken"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_secret_manager_secret_iam_member" "refresh_token_reads_fyers_app_secret" {
  secret_id = google_secret_manager_secret.this["fyers-app-secret"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["refreshToken"].member
}

resource "google_secret_manager_secret_iam_member" "refresh_token_reads_fyers_pin" {
  secret_id = google_secret_manager_secret.this["fyers-pin"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["refreshToken"].member
}

resource "google_pubsub_topic_iam_member" "refresh_token_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["refreshToken"].member
}

# ---------------------------------------------------------------------------------------------
# refreshSymbolMaster: publish the index (create/overwrite objects, no bucket or IAM admin)
# ---------------------------------------------------------------------------------------------

resource "google_storage_bucket_iam_member" "refresh_symbol_master_writes_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectUser"
  member = google_service_account.fn["refreshSymbolMaster"].member
}

resource "google_pubsub_topic_iam_member" "refresh_symbol_master_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["refreshSymbolMaster"].member
}

# ---------------------------------------------------------------------------------------------
# controls: check the bearer key, read/write the controls document and its history
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "controls_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["controls"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_secret_manager_secret_iam_member" "controls_reads_controls_key" {
  secret_id = google_secret_manager_secret.this["controls-key"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["controls"].member
}

resource "google_pubsub_topic_iam_member" "controls_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["controls"].member
}

# ---------------------------------------------------------------------------------------------
# notify: only the chat webhook URL (which may embed a bot token), and only once it has a value
# ---------------------------------------------------------------------------------------------

resource "google_secret_manager_secret_iam_member" "notify_reads_notify_webhook_url" {
  count = var.notify_webhook_enabled ? 1 : 0

  secret_id = google_secret_manager_secret.this["notify-webhook-url"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["notify"].member
}

# ---------------------------------------------------------------------------------------------
# console: check the operator key, read/write controls and the day's records, show the symbol master
# ---------------------------------------------------------------------------------------------

resource "google_secret_manager_secret_iam_member" "console_reads_controls_key" {
  secret_id = google_secret_manager_secret.this["controls-key"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["console"].member
}

# Controls, audit, order records, sessions and the broker token all live in Firestore.
resource "google_project_iam_member" "console_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["console"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_pubsub_topic_iam_member" "console_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["console"].member
}

# The page shows the symbol master's version and age from the published index.
resource "google_storage_bucket_iam_member" "console_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["console"].member
}

# ---------------------------------------------------------------------------------------------
# orderUpdates: verify postbacks, record them idempotently, place managed exits, publish events
# ---------------------------------------------------------------------------------------------

resource "google_secret_manager_secret_iam_member" "order_updates_reads_postback_secret" {
  secret_id = google_secret_manager_secret.this["fyers-postback-secret"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["orderUpdates"].member
}

resource "google_secret_manager_secret_iam_member" "order_updates_reads_postback_token" {
  secret_id = google_secret_manager_secret.this["fyers-postback-token"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["orderUpdates"].member
}

resource "google_project_iam_member" "order_updates_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["orderUpdates"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_pubsub_topic_iam_member" "order_updates_publishes_order_events" {
  topic  = google_pubsub_topic.order_events.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["orderUpdates"].member
}

resource "google_pubsub_topic_iam_member" "order_updates_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["orderUpdates"].member
}

# Managed exits are sized and priced from the symbol index.
resource "google_storage_bucket_iam_member" "order_updates_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["orderUpdates"].member
}

# ---------------------------------------------------------------------------------------------
# reconcileOrders: read the broker token and order records, publish what changed
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "reconcile_orders_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["reconcileOrders"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_pubsub_topic_iam_member" "reconcile_orders_publishes_order_events" {
  topic  = google_pubsub_topic.order_events.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["reconcileOrders"].member
}

resource "google_pubsub_topic_iam_member" "reconcile_orders_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["reconcileOrders"].member
}

# The session window and managed-exit prices come from the symbol index.
resource "google_storage_bucket_iam_member" "reconcile_orders_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["reconcileOrders"].member
}

# ---------------------------------------------------------------------------------------------
# orderEventWebhooks: read the registered subscribers (URL and signing secret live in Firestore)
# ---------------------------------------------------------------------------------------------

# Delivery only lists subscriptions; registering and removing them is the controls function's job.
resource "google_project_iam_member" "order_event_webhooks_views_firestore" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = google_service_account.fn["orderEventWebhooks"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

# ---------------------------------------------------------------------------------------------
# squareOff: read the broker token and holdings, lock and update them, place exits, tell the operator
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "square_off_uses_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn["squareOff"].member

  condition {
    title      = "this-database-only"
    expression = local.firestore_database_condition
  }
}

resource "google_pubsub_topic_iam_member" "square_off_publishes_notifications" {
  topic  = google_pubsub_topic.notifications.name
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["squareOff"].member
}

# With broker = paper the simulated book prices the closes from the symbol index.
resource "google_storage_bucket_iam_member" "square_off_reads_symbols" {
  bucket = google_storage_bucket.symbols.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["squareOff"].member
}

# ---------------------------------------------------------------------------------------------
# Who may call which function
# ---------------------------------------------------------------------------------------------

# TradingView sends no credentials; the alert's shared secret and the source-IP allow-list guard it.
resource "google_cloud_run_v2_service_iam_member" "public_invokes_webhook" {
  project  = var.project_id
  location = var.region
  name     = module.function["webhook"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Fyers redirects the operator's browser here; the single-use state is the protection.
resource "google_cloud_run_v2_service_iam_member" "public_invokes_auth_callback" {
  project  = var.project_id
  location = var.region
  name     = module.function["authCallback"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# The login page on a phone (var.public_login, default on): the operator key and the app's attempt
# limits protect it; see docs/deploy.md, "Logging in from a phone".
resource "google_cloud_run_v2_service_iam_member" "public_invokes_auth_url" {
  count = var.public_login || var.public_operator_functions ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = module.function["authUrl"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# The operator's phone page: the operator key, a short session cookie and attempt limits guard it.
# Public exactly when the login page is (var.public_login): with public_login = false both are
# reached through `gcloud run services proxy` with a Google identity.
resource "google_cloud_run_v2_service_iam_member" "public_invokes_console" {
  count    = var.public_login || var.public_operator_functions ? 1 : 0
  project  = var.project_id
  location = var.region
  name     = module.function["console"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Fyers posts order updates here and cannot present a Google identity; each postback must carry the
# fyers-postback-token in its URL (and match fyers-postback-secret if signed), and only names an
# order the app then reads from the orderbook.
resource "google_cloud_run_v2_service_iam_member" "public_invokes_order_updates" {
  project  = var.project_id
  location = var.region
  name     = module.function["orderUpdates"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Opt-in only (var.public_operator_functions): the controls key becomes the sole protection.
resource "google_cloud_run_v2_service_iam_member" "public_invokes_controls" {
  count = var.public_operator_functions ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = module.function["controls"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "operator_invokes_readyz" {
  for_each = toset(var.operator_members)

  project  = var.project_id
  location = var.region
  name     = module.function["readyz"].name
  role     = "roles/run.invoker"
  member   = each.value
}

resource "google_cloud_run_v2_service_iam_member" "operator_invokes_auth_url" {
  for_each = toset(var.operator_members)

  project  = var.project_id
  location = var.region
  name     = module.function["authUrl"].name
  role     = "roles/run.invoker"
  member   = each.value
}

# With public_login = false the console is reached like the login page: through the proxy, as the operator.
resource "google_cloud_run_v2_service_iam_member" "operator_invokes_console" {
  for_each = toset(var.operator_members)

  project  = var.project_id
  location = var.region
  name     = module.function["console"].name
  role     = "roles/run.invoker"
  member   = each.value
}

resource "google_cloud_run_v2_service_iam_member" "operator_invokes_controls" {
  for_each = toset(var.operator_members)

  project  = var.project_id
  location = var.region
  name     = module.function["controls"].name
  role     = "roles/run.invoker"
  member   = each.value
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_refresh_token" {
  project  = var.project_id
  location = var.region
  name     = module.function["refreshToken"].name
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_refresh_symbol_master" {
  project  = var.project_id
  location = var.region
  name     = module.function["refreshSymbolMaster"].name
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_reconcile_orders" {
  project  = var.project_id
  location = var.region
  name     = module.function["reconcileOrders"].name
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_square_off" {
  project  = var.project_id
  location = var.region
  name     = module.function["squareOff"].name
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

resource "google_cloud_run_v2_service_iam_member" "order_events_push_invokes_order_event_webhooks" {
  project  = var.project_id
  location = var.region
  name     = module.function["orderEventWebhooks"].name
  role     = "roles/run.invoker"
  member   = google_service_account.order_events_push.member
}

resource "google_cloud_run_v2_service_iam_member" "notify_push_invokes_notify" {
  project  = var.project_id
  location = var.region
  name     = module.function["notify"].name
  role     = "roles/run.invoker"
  member   = google_service_account.notify_push.member
}

# ---------------------------------------------------------------------------------------------
# Pub/Sub service agent: dead-lettering and OIDC push tokens for the notify and order-events push
# subscriptions
# ---------------------------------------------------------------------------------------------

resource "google_pubsub_topic_iam_member" "pubsub_agent_publishes_dead_letters" {
  topic  = google_pubsub_topic.notifications_dead_letter.name
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent_member

  depends_on = [google_project_service_identity.pubsub]
}

# The order-events push subscription dead-letters here.
resource "google_pubsub_topic_iam_member" "pubsub_agent_publishes_order_event_dead_letters" {
  topic  = google_pubsub_topic.order_events_dead_letter.name
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent_member

  depends_on = [google_project_service_identity.pubsub]
}

resource "google_pubsub_subscription_iam_member" "pubsub_agent_acks_dead_lettered" {
  subscription = google_pubsub_subscription.notify_push.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent_member

  depends_on = [google_project_service_identity.pubsub]
}

# Dead-lettering also needs the agent to acknowledge the message on its source subscription.
resource "google_pubsub_subscription_iam_member" "pubsub_agent_acks_dead_lettered_order_events" {
  subscription = google_pubsub_subscription.order_events_push.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent_member

  depends_on = [google_project_service_identity.pubsub]
}

resource "google_service_account_iam_member" "pubsub_agent_signs_for_order_events_push" {
  service_account_id = google_service_account.order_events_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent_member

  depends_on = [google_project_service_identity.pubsub]
}

resource "google_service_account_iam_member" "pubsub_agent_signs_for_notify_push" {
  service_account_id = google_service_account.notify_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent_member

  depends_on = [google_project_service_identity.pubsub]
}

# ---------------------------------------------------------------------------------------------
# Build account: write logs, read the uploaded source, push images to our repository only
# ---------------------------------------------------------------------------------------------

resource "google_project_iam_member" "build_writes_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.build.member
}

# Cloud Functions copies the zip into its own gcf-v2-sources-<number>-<region> bucket, created on the
# first deploy, so it cannot be granted on directly. Google documents project-level read for a custom
# build account; an IAM condition on the bucket-name prefix is not a documented pattern, so none is
# used. The project's buckets hold the symbol master and function sources, nothing secret.
resource "google_project_iam_member" "build_reads_function_sources" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_reads_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

resource "google_artifact_registry_repository_iam_member" "build_pushes_images" {
  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build.member
}
