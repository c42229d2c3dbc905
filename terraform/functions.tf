# One entry per entry point registered in functions/index.ts. The key is the code name and must equal
# entry_point; test/unit/terraform-consistency.test.ts fails when this map and the code drift apart.
#
#   trigger        http: called over HTTPS; pubsub: receives CloudEvents from a push subscription (notify,
#                  orderEventWebhooks)
#   static_egress  all outbound traffic leaves through Cloud NAT's reserved IP (network.tf); required for
#                  anything that may call a Fyers order or session API, since Fyers refuses other IPs
#   ingress        ALLOW_INTERNAL_ONLY where only Cloud Scheduler / Pub/Sub in this project call the function
#   cpu            null = the fraction Cloud Run functions derives from memory (0.167 vCPU at 256Mi), which
#                  needs concurrency 1 (a Cloud Run rule); those functions are low-traffic anyway. Only
#                  whole numbers are written, because a written fraction can come back rounded and
#                  redeploy the function on every apply (see modules/function/variables.tf)
#   broker_share   what this function may spend of the Fyers app's budget, across ALL its instances:
#                  { per_second, per_minute }, fractions allowed. Fyers counts 10/s and 200/min per app,
#                  whoever calls, and three broken minutes block the app for the day, so every caller
#                  has a declared share and together they stay under var.broker_account_budget
#                  (broker-budget.tf refuses a plan that exceeds it). Each instance gets share /
#                  max_instances as BROKER_MAX_PER_SECOND/MINUTE. null: no share, and the function's
#                  pacer refuses every Fyers call (BROKER_MAX_* = 0)
locals {
  functions = {
    webhook = {
      entry_point   = "webhook"
      slug          = "webhook"
      description   = "TradingView alerts in, Fyers orders out. Public: TradingView cannot authenticate, so the alert carries a shared secret."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = true
      memory        = "512Mi"
      cpu           = "1"
      concurrency   = 80
      timeout       = 30
      min_instances = local.webhook_min_instances
      max_instances = var.webhook_max_instances
      broker_share  = { per_second = 4, per_minute = 90 }
    }
    readyz = {
      entry_point   = "readyz"
      slug          = "readyz"
      description   = "Readiness: session, symbol master, store and secrets. Private (IAM)."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = false
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 30
      min_instances = 0
      max_instances = 1
      broker_share  = { per_second = 0.25, per_minute = 4 }
    }
    authUrl = {
      entry_point   = "authUrl"
      slug          = "auth-url"
      description   = "Starts the daily Fyers login: stores a single-use state and redirects to Fyers. Public by default (operator key and attempt limits in the app); IAM-only when public_login = false."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = false
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 30
      min_instances = 0
      max_instances = 1
      broker_share  = null
    }
    authCallback = {
      entry_point   = "authCallback"
      slug          = "auth-callback"
      description   = "Fyers redirects the browser here after login. Public; protected by the single-use state."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = true
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 60
      min_instances = 0
      max_instances = 2
      broker_share  = { per_second = 0.125, per_minute = 2 }
    }
    refreshToken = {
      entry_point   = "refreshToken"
      slug          = "refresh-token"
      description   = "Token keeper: checks (and where Fyers still allows it, refreshes) the session. Cloud Scheduler only."
      trigger       = "http"
      ingress       = "ALLOW_INTERNAL_ONLY"
      static_egress = true
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 120
      min_instances = 0
      max_instances = 1
      broker_share  = { per_second = 0.125, per_minute = 2 }
    }
    refreshSymbolMaster = {
      entry_point   = "refreshSymbolMaster"
      slug          = "refresh-symbols"
      description   = "Downloads and validates the Fyers symbol master and publishes the index to the symbol bucket. Cloud Scheduler only."
      trigger       = "http"
      ingress       = "ALLOW_INTERNAL_ONLY"
      static_egress = false
      memory        = "1Gi"
      cpu           = "1"
      concurrency   = 1
      timeout       = 300
      min_instances = 0
      max_instances = 1
      broker_share  = null
    }
    controls = {
      entry_point   = "controls"
      slug          = "controls"
      description   = "Kill switch and runtime limits. Private (IAM) and bearer controls key."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = false
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 30
      min_instances = 0
      max_instances = 1
      broker_share  = null
    }
    notify = {
      entry_point   = "notify"
      slug          = "notify"
      description   = "Forwards operator notifications from Pub/Sub to the configured chat webhook."
      trigger       = "pubsub"
      ingress       = "ALLOW_INTERNAL_ONLY"
      static_egress = false
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 60
      min_instances = 0
      max_instances = 2
      broker_share  = null
    }
    console = {
      entry_point   = "console"
      slug          = "console"
      description   = "The operator's phone page: session, kill switch, limits, readiness, today's alerts, orders and positions. Public; the operator key (controls-key) and attempt limits protect it in the app."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = true
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 30
      min_instances = 0
      max_instances = 3
      # The page reloads itself every minute: session, positions, orders and (every 5 min) funds are
      # about 3.2 reads a minute, inside 10/3 per instance (functions/wiring/pages.wiring.ts).
      broker_share = { per_second = 0.5, per_minute = 10 }
    }
    orderUpdates = {
      entry_point   = "orderUpdates"
      slug          = "order-updates"
      description   = "Fyers order postbacks in (filled, rejected, cancelled...). Public: Fyers cannot authenticate with Google, so each postback must carry the token in its URL; it only names an order the app reads from the orderbook."
      trigger       = "http"
      ingress       = "ALLOW_ALL"
      static_egress = true
      memory        = "512Mi"
      cpu           = "1"
      concurrency   = 20
      timeout       = 30
      min_instances = 0
      max_instances = 2
      broker_share  = { per_second = 2, per_minute = 50 }
    }
    reconcileOrders = {
      entry_point   = "reconcileOrders"
      slug          = "reconcile"
      description   = "Backstop for lost postbacks: reads the orderbook and tradebook once a minute in the session and moves every open order record to its state. Cloud Scheduler only."
      trigger       = "http"
      ingress       = "ALLOW_INTERNAL_ONLY"
      static_egress = true
      memory        = "512Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 50
      min_instances = 0
      max_instances = 1
      broker_share  = { per_second = 0.5, per_minute = 12 }
    }
    orderEventWebhooks = {
      entry_point = "orderEventWebhooks"
      slug        = "order-webhooks"
      description = "Delivers each order event from the order-events push subscription to the subscribers' signed outbound webhooks. Pub/Sub push only."
      trigger     = "pubsub"
      ingress     = "ALLOW_INTERNAL_ONLY"
      # Subscribers' endpoints are theirs, not Fyers: no need for the reserved IP.
      static_egress = false
      memory        = "256Mi"
      cpu           = null
      concurrency   = 1
      # Each delivery gives up after 5 s; a few subscribers answer in parallel well inside this.
      timeout       = 60
      min_instances = 0
      max_instances = 3
      broker_share  = null
    }
    squareOff = {
      entry_point   = "squareOff"
      slug          = "square-off"
      description   = "Flattens INTRADAY holdings once their square-off time (SQUARE_OFF_AT, default 15:15 IST) has come, before the broker's own auto square-off. Cloud Scheduler only."
      trigger       = "http"
      ingress       = "ALLOW_INTERNAL_ONLY"
      static_egress = true
      memory        = "512Mi"
      cpu           = null
      concurrency   = 1
      timeout       = 50
      min_instances = 0
      max_instances = 1
      broker_share  = { per_second = 0.5, per_minute = 10 }
    }
  }
}

locals {
  # V8 sizes its heap from the memory it can see, which on a function need not be the function's limit:
  # a heap sized for the host defers its full collections until the instance is killed for memory. Under
  # sustained load the webhook's live heap after a collection is ~45 MB, yet without a cap its heap grew
  # to ~240 MB and RSS to 350-600 MB (bench, memory). Half the limit for the old generation leaves the
  # rest to the young generation, code, buffers (a downloaded master) and gRPC.
  node_heap_mb = { "256Mi" = 128, "512Mi" = 256, "1Gi" = 512 }
  node_environment = {
    for k, f in local.functions : k => { NODE_OPTIONS = "--max-old-space-size=${local.node_heap_mb[f.memory]}" }
  }
}

module "function" {
  source   = "./modules/function"
  for_each = local.functions

  project_id  = var.project_id
  region      = var.region
  name        = local.function_names[each.key]
  description = each.value.description
  entry_point = each.value.entry_point
  runtime     = "nodejs24"

  source_bucket            = google_storage_bucket.source.name
  source_object            = google_storage_bucket_object.function_source.name
  build_service_account_id = google_service_account.build.id
  docker_repository_id     = google_artifact_registry_repository.functions.id

  service_account_email = google_service_account.fn[each.key].email
  memory                = each.value.memory
  cpu                   = each.value.cpu
  concurrency           = each.value.concurrency
  timeout_seconds       = each.value.timeout
  min_instances         = each.value.min_instances
  max_instances         = each.value.max_instances
  ingress               = each.value.ingress

  # Shared settings plus this function's own slice of the Fyers budget and its heap size.
  environment = merge(local.common_environment, local.broker_environment[each.key], local.node_environment[each.key])
  # Read from env by the code, so Cloud Run resolves it at instance start. Everything else the code
  # reads through the Secret Manager client (SECRETS=secret-manager) and never sits in an env var.
  secret_environment = each.key == "notify" && var.notify_webhook_enabled ? {
    NOTIFY_WEBHOOK_URL = google_secret_manager_secret.this["notify-webhook-url"].secret_id
  } : {}

  static_egress = each.value.static_egress ? {
    network    = google_compute_network.egress.name
    subnetwork = google_compute_subnetwork.egress.name
  } : null

  depends_on = [
    google_project_service.this,
    google_compute_router_nat.egress,
    # Every grant a build or a starting instance relies on, plus the wait for IAM to propagate (iam-wait.tf).
    time_sleep.iam_propagation,
  ]
}

# The redirect URL handed to authUrl is computed, not read back (that would be a cycle). This warns if
# Google ever serves authCallback somewhere else, which would make every login fail at Fyers.
check "auth_callback_url_matches_deployed_function" {
  assert {
    condition     = module.function["authCallback"].url == local.auth_callback_url
    error_message = "authCallback is served at ${module.function["authCallback"].url}, but FYERS_REDIRECT_URL is ${local.auth_callback_url}. Update locals.tf and the Fyers app."
  }
}
