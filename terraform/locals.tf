locals {
  prefix = var.name_prefix

  labels = merge(var.labels, {
    app        = "tv-fyers-bridge"
    managed-by = "terraform"
  })

  firestore_location = coalesce(var.firestore_location, var.region)

  # Gen2 functions also answer on this stable, predictable host. Using it (rather than the run.app
  # URI, which carries a random hash) lets the redirect URL be known before the function exists,
  # so authUrl can be told authCallback's address without a dependency cycle.
  cloudfunctions_base_url = "https://${var.region}-${var.project_id}.cloudfunctions.net"
  auth_callback_url       = "${local.cloudfunctions_base_url}/${local.function_names.authCallback}"

  # Cloud function names are lowercase; the entry points keep their camelCase code names.
  function_names = { for k, f in local.functions : k => "${local.prefix}-${f.slug}" }

  # Every function loads the same index.ts, and index.ts parses the whole configuration at start-up,
  # so all of them get the same environment, except each one's share of the Fyers budget. Names mirror shared/config/config.schema.ts.
  common_environment = merge({
    GOOGLE_CLOUD_PROJECT      = var.project_id
    LOG_LEVEL                 = var.log_level
    BROKER                    = var.broker
    STORE                     = "firestore"
    SECRETS                   = "secret-manager"
    FIRESTORE_DATABASE        = var.firestore_database_id
    FYERS_APP_ID              = var.fyers_app_id
    FYERS_REDIRECT_URL        = local.auth_callback_url
    SYMBOL_MASTER_BUCKET      = google_storage_bucket.symbols.name
    SYMBOL_MASTER_URLS        = join(",", var.symbol_master_urls)
    MAX_LOTS                  = tostring(var.max_lots)
    TRADING_WINDOW            = var.trading_window
    MARKET_HOLIDAYS           = join(",", var.market_holidays)
    COVER_ONLY_BUY            = tostring(var.cover_only_buy)
    FREEZE_QTY_OVERRIDES      = join(",", [for k, v in var.freeze_qty_overrides : "${k}=${v}"])
    ALLOWED_SOURCE_IPS        = join(",", var.allowed_source_ips)
    NOTIFY_TOPIC              = google_pubsub_topic.notifications.name
    ORDER_EVENTS_TOPIC        = google_pubsub_topic.order_events.name
    PUBLIC_BASE_URL           = local.cloudfunctions_base_url
    LOGIN_URL                 = "${local.cloudfunctions_base_url}/${local.function_names.authUrl}"
    LOSS_LIMIT_FLATTEN        = tostring(var.loss_limit_flatten)
    SQUARE_OFF_AT             = join(",", var.square_off_at)
    PROTECTION                = var.protection
    LIMIT_PRICE_BAND_PERCENT  = tostring(var.limit_price_band_percent)
    BROKER_TIMEOUT_MS         = tostring(var.broker_timeout_ms)
    DEDUP_WINDOW_SECONDS      = tostring(var.dedup_window_seconds)
    IDEMPOTENCY_TTL_HOURS     = tostring(var.idempotency_ttl_hours)
    IDEMPOTENCY_LEASE_SECONDS = tostring(var.idempotency_lease_seconds)
    CONTROLS_CACHE_SECONDS    = tostring(var.controls_cache_seconds)
    UNFILLED_ALERT_SECONDS    = tostring(var.unfilled_alert_seconds)
    SYMBOL_MASTER_OBJECT      = var.symbol_master_object
    # BROKER_MAX_PER_SECOND/MINUTE differ per function: broker-budget.tf.
    },
    # Optional settings: left out when unset, so the code's own default (or "no limit") applies.
    var.daily_loss_limit == null ? {} : { DAILY_LOSS_LIMIT = tostring(var.daily_loss_limit) },
    length(var.paper_strategies) == 0 ? {} : { PAPER_STRATEGIES = join(",", var.paper_strategies) },
    length(var.strategy_risk) == 0 ? {} : { STRATEGY_RISK = jsonencode({ for id, r in var.strategy_risk : id => { for k, v in r : k => v if v != null } }) },
    var.enforce_trading_window == null ? {} : { ENFORCE_TRADING_WINDOW = tostring(var.enforce_trading_window) },
    length(var.symbol_master_json_urls) == 0 ? {} : { SYMBOL_MASTER_JSON_URLS = join(",", var.symbol_master_json_urls) },
    var.paper_fill_price == null ? {} : { PAPER_FILL_PRICE = tostring(var.paper_fill_price) },
  )

  # With real orders, one webhook instance stays warm unless the operator chose otherwise: a cold
  # instance attaching to the VPC can take far longer than TradingView's 3 s (docs/deploy.md).
  webhook_min_instances = coalesce(var.webhook_min_instances, var.broker == "fyers" ? 1 : 0)

  # Firestore IAM conditions can scope a role to one database; the functions get nothing on any other.
  firestore_database_condition = "resource.name == \"projects/${var.project_id}/databases/${var.firestore_database_id}\""
}

data "google_project" "this" {
  project_id = var.project_id
}
