# ---------------------------------------------------------------------------------------------
# Where it runs
# ---------------------------------------------------------------------------------------------

variable "project_id" {
  description = "GCP project that receives every resource. One deployment per project: the Secret Manager ids are fixed names the code looks up."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a GCP project id: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region for the functions, buckets, NAT, scheduler jobs and secrets. asia-south1 (Mumbai) keeps order latency to Fyers low and data in India."
  type        = string
  default     = "asia-south1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must look like asia-south1."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (functions, service accounts, buckets, network). 3-12 characters so service-account ids stay under 30."
  type        = string
  default     = "tvfyers"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-12 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "labels" {
  description = "Extra labels put on every resource that supports them."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (max 63)."
  }
}

# ---------------------------------------------------------------------------------------------
# Broker
# ---------------------------------------------------------------------------------------------

variable "broker" {
  description = "fyers places real orders; paper fills them in a simulated book (useful for a first cloud run). Maps to BROKER."
  type        = string
  default     = "fyers"

  validation {
    condition     = contains(["fyers", "paper"], var.broker)
    error_message = "broker must be fyers or paper."
  }
}

variable "fyers_app_id" {
  description = "Fyers API app id, e.g. ABCD1234EF-100 (myapi.fyers.in). Not a secret; the app secret goes to Secret Manager. Required when broker = fyers."
  type        = string
  default     = ""

  validation {
    condition     = var.fyers_app_id == "" || can(regex("^[A-Za-z0-9]+-[0-9]+$", var.fyers_app_id))
    error_message = "fyers_app_id must look like ABCD1234EF-100."
  }
}

# ---------------------------------------------------------------------------------------------
# Webhook capacity and cost
# ---------------------------------------------------------------------------------------------

variable "webhook_min_instances" {
  description = <<-EOT
    Webhook instances kept warm. null (the default) means 1 with broker = "fyers" and 0 with paper.
    A cold webhook instance must start Node, attach to the VPC for the static IP and open its first
    Firestore channel; Google documents that Direct VPC egress connections can take a minute or more
    to establish on instance start-up, and TradingView gives up after 3 s and may not resend. One warm
    instance costs roughly USD 15 a month (docs/deploy.md, "Monthly cost"). 0 is for paper runs or
    operators who accept a missed first alert after an idle spell.
  EOT
  type        = number
  default     = null

  validation {
    condition     = var.webhook_min_instances == null || try(var.webhook_min_instances >= 0 && var.webhook_min_instances <= 3 && floor(var.webhook_min_instances) == var.webhook_min_instances, false)
    error_message = "webhook_min_instances must be null or a whole number from 0 to 3."
  }
}

variable "webhook_max_instances" {
  description = "Upper bound on webhook instances. Each instance paces its own Fyers calls, so every instance gets an equal part of the webhook's share of the app budget (broker_share in functions.tf, as BROKER_MAX_PER_SECOND/MINUTE). One instance at concurrency 80 handles far more alerts than Fyers accepts and keeps the webhook's whole share in one pacer."
  type        = number
  default     = 1

  validation {
    condition     = var.webhook_max_instances >= 1 && var.webhook_max_instances <= 8 && floor(var.webhook_max_instances) == var.webhook_max_instances
    error_message = "webhook_max_instances must be a whole number from 1 to 8: beyond that one instance's part of the webhook's Fyers share (4/s) falls below one request per two seconds."
  }
}

variable "broker_account_budget" {
  description = "How much of the Fyers app's limits (10 requests/s and 200/min, counted across every caller) the functions' declared shares (broker_share in functions.tf) may add up to. The rest is headroom: three broken minutes block the app for the day."
  type = object({
    per_second = number
    per_minute = number
  })
  default = {
    per_second = 8
    per_minute = 180
  }

  validation {
    condition     = var.broker_account_budget.per_second > 0 && var.broker_account_budget.per_second <= 10 && var.broker_account_budget.per_minute > 0 && var.broker_account_budget.per_minute <= 200
    error_message = "broker_account_budget must stay within Fyers' limits: per_second in (0, 10], per_minute in (0, 200]."
  }
}

# ---------------------------------------------------------------------------------------------
# Risk and alert handling (environment variables of config.schema.ts)
# ---------------------------------------------------------------------------------------------

variable "allowed_source_ips" {
  description = "Only alerts from these IPv4 addresses are accepted (ALLOWED_SOURCE_IPS). Defaults to TradingView's published webhook senders; [] accepts any source (the shared secret still applies)."
  type        = list(string)
  default     = ["52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7"]

  validation {
    condition     = alltrue([for ip in var.allowed_source_ips : can(regex("^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$", ip))])
    error_message = "allowed_source_ips must hold IPv4 addresses only (TradingView does not send over IPv6)."
  }
}

variable "max_lots" {
  description = "Most lots one alert may order (MAX_LOTS). The controls function can change it at run time."
  type        = number
  default     = 10

  validation {
    condition     = var.max_lots >= 1 && var.max_lots <= 10000 && floor(var.max_lots) == var.max_lots
    error_message = "max_lots must be a whole number from 1 to 10000."
  }
}

variable "trading_window" {
  description = "IST window in which orders are allowed (TRADING_WINDOW)."
  type        = string
  default     = "09:15-15:30"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.trading_window))
    error_message = "trading_window must look like 09:15-15:30."
  }
}

variable "market_holidays" {
  description = "Exchange holidays as IST dates (MARKET_HOLIDAYS); alerts on these days are refused."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for d in var.market_holidays : can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", d))])
    error_message = "market_holidays must be dates written YYYY-MM-DD."
  }
}

variable "cover_only_buy" {
  description = "When true every BUY may only reduce a short position (COVER_ONLY_BUY)."
  type        = bool
  default     = false
}

variable "freeze_qty_overrides" {
  description = "Exchange freeze quantities in units, overriding the built-in table (FREEZE_QTY_OVERRIDES), e.g. { NIFTY = 1800 }."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.freeze_qty_overrides : can(regex("^[A-Z0-9&_-]+$", k)) && v > 0 && floor(v) == v])
    error_message = "freeze_qty_overrides keys must be upper-case underlyings and values positive whole numbers."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of every function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "symbol_master_urls" {
  description = "Fyers symbol-master CSVs the refreshSymbolMaster function downloads (SYMBOL_MASTER_URLS)."
  type        = list(string)
  default = [
    "https://public.fyers.in/sym_details/NSE_FO.csv",
    "https://public.fyers.in/sym_details/BSE_FO.csv",
  ]

  validation {
    condition     = length(var.symbol_master_urls) > 0 && alltrue([for u in var.symbol_master_urls : startswith(u, "https://")])
    error_message = "symbol_master_urls must list at least one https:// URL."
  }
}

# ---------------------------------------------------------------------------------------------
# Who may reach the private functions
# ---------------------------------------------------------------------------------------------

variable "operator_members" {
  description = "Principals allowed to invoke readyz, authUrl and controls, e.g. [\"user:me@example.com\"]. Project owners can already invoke them."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.operator_members : can(regex("^(user|group|serviceAccount|domain):.+$", m))])
    error_message = "operator_members entries must start with user:, group:, serviceAccount: or domain: (allUsers is never accepted here)."
  }
}

variable "public_login" {
  description = <<-EOT
    true (default): the authUrl login page is reachable from any browser, so the daily Fyers login
    works from a phone. The operator key (controls-key) and per-source attempt limits protect it in
    the app, and authCallback accepts only the single-use state authUrl issued. false: authUrl needs a
    Google identity too (open it through `gcloud run services proxy` from a laptop). See
    docs/deploy.md, "Logging in from a phone".
  EOT
  type        = bool
  default     = true
}

variable "public_operator_functions" {
  description = <<-EOT
    false (default): controls (and authUrl when public_login = false) need a Google identity (IAM) in
    addition to the controls key. true: anyone on the internet can reach them and only the controls
    key protects them. The console function is the phone-friendly way to use the kill switch; prefer false.
  EOT
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------
# Notifications, network, schedules, source
# ---------------------------------------------------------------------------------------------

variable "notify_webhook_enabled" {
  description = "Set true after adding a version to the notify-webhook-url secret; the notify function then forwards notifications there. A function cannot start while a referenced secret has no version, hence the switch."
  type        = bool
  default     = false
}

variable "egress_subnet_cidr" {
  description = "Private range of the subnet the egress functions attach to. Direct VPC egress takes about two addresses per instance, so /26 is the documented minimum."
  type        = string
  default     = "10.10.0.0/24"

  validation {
    condition     = can(cidrnetmask(var.egress_subnet_cidr)) && tonumber(split("/", var.egress_subnet_cidr)[1]) <= 26
    error_message = "egress_subnet_cidr must be an IPv4 CIDR of size /26 or larger."
  }
}

variable "symbol_master_schedule" {
  description = "Cron (Asia/Kolkata) for refreshSymbolMaster. Default 00:30 and 08:30: after Fyers publishes the new day's contracts and again before the open."
  type        = string
  default     = "30 0,8 * * *"

  validation {
    condition     = length(split(" ", trimspace(var.symbol_master_schedule))) == 5
    error_message = "symbol_master_schedule must be a five-field cron expression."
  }
}

variable "token_keeper_schedule" {
  description = "Cron (Asia/Kolkata) for the pre-open refreshToken run that checks the session and warns the operator if a login is needed."
  type        = string
  default     = "45 8 * * 1-5"

  validation {
    condition     = length(split(" ", trimspace(var.token_keeper_schedule))) == 5
    error_message = "token_keeper_schedule must be a five-field cron expression."
  }
}

variable "session_keepalive_schedule" {
  description = "Cron (Asia/Kolkata) for refreshToken during market hours, so an expired or revoked session is noticed within the interval rather than at the next alert."
  type        = string
  default     = "*/30 9-15 * * 1-5"

  validation {
    condition     = length(split(" ", trimspace(var.session_keepalive_schedule))) == 5
    error_message = "session_keepalive_schedule must be a five-field cron expression."
  }
}

variable "firestore_database_id" {
  description = "Firestore database id (FIRESTORE_DATABASE). \"(default)\" is free-tier eligible; import it if the project already has one."
  type        = string
  default     = "(default)"

  validation {
    condition     = var.firestore_database_id == "(default)" || can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_database_id))
    error_message = "firestore_database_id must be \"(default)\" or 4-63 lowercase letters, digits or hyphens."
  }
}

variable "firestore_location" {
  description = "Firestore location; null means the same as region."
  type        = string
  default     = null
}

variable "function_source_dir" {
  description = "Directory zipped as the function source: package.json, package-lock.json and dist/ staged by scripts/stage-function-source.sh. null means terraform/build/function-source."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Order lifecycle, monitoring and recovery
# ---------------------------------------------------------------------------------------------

variable "reconcile_schedule" {
  description = "Cron (Asia/Kolkata) for reconcileOrders. Every minute of the hours that contain the session (09:00-15:59, weekdays); the function itself does nothing outside the exchange session it reads from the symbol master, so the spare minutes cost one short request each."
  type        = string
  default     = "* 9-15 * * 1-5"

  validation {
    condition     = length(split(" ", trimspace(var.reconcile_schedule))) == 5
    error_message = "reconcile_schedule must be a five-field cron expression."
  }
}

variable "square_off_schedule" {
  description = "Cron (Asia/Kolkata) for squareOff. Every minute 15:00-15:29 on weekdays: the function flattens only holdings whose SQUARE_OFF_AT has come and is a no-op otherwise, so repeated runs retry what a failed or busy run left. Widen it if a strategy's square-off time is before 15:00; keep it before the 15:30 close."
  type        = string
  default     = "0-29 15 * * 1-5"

  validation {
    condition     = length(split(" ", trimspace(var.square_off_schedule))) == 5
    error_message = "square_off_schedule must be a five-field cron expression."
  }
}

variable "alert_email" {
  description = "E-mail address that receives Cloud Monitoring alerts (unknown outcome, broker circuit open, no login by 09:10 IST, stale symbol master, error rate). Empty: no e-mail channel is created; use alert_notification_channels instead or as well."
  type        = string
  default     = ""

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be an e-mail address or empty."
  }
}

variable "alert_notification_channels" {
  description = "Existing Cloud Monitoring notification channel ids (projects/P/notificationChannels/N), e.g. the Cloud Monitoring mobile app or a Slack channel, that also receive every alert."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.alert_notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", c))])
    error_message = "alert_notification_channels entries must look like projects/PROJECT/notificationChannels/123."
  }
}

variable "error_rate_threshold" {
  description = "ERROR log lines from the bridge's functions, summed over 5 minutes, above which the error-rate alert fires."
  type        = number
  default     = 5

  validation {
    condition     = var.error_rate_threshold >= 1
    error_message = "error_rate_threshold must be at least 1."
  }
}

variable "firestore_backup_retention_days" {
  description = "How long each daily Firestore backup is kept (at most 14 weeks, Firestore's limit). Point-in-time recovery covers the last 7 days at minute granularity besides."
  type        = number
  default     = 14

  validation {
    condition     = var.firestore_backup_retention_days >= 1 && var.firestore_backup_retention_days <= 98 && floor(var.firestore_backup_retention_days) == var.firestore_backup_retention_days
    error_message = "firestore_backup_retention_days must be a whole number from 1 to 98 (14 weeks)."
  }
}

# --- Trading settings every function reads (shared/config/config.schema.ts). Unset optional ones are
# --- left out of the environment, so the code's default applies (docs/configuration.md). -------------

variable "daily_loss_limit" {
  description = "Rupees of today's loss (realised + unrealised) at which trading stops (DAILY_LOSS_LIMIT). null = no limit."
  type        = number
  default     = null

  validation {
    condition     = var.daily_loss_limit == null ? true : (var.daily_loss_limit >= 1 && floor(var.daily_loss_limit) == var.daily_loss_limit)
    error_message = "daily_loss_limit must be a whole number of rupees, at least 1 (or null for no limit)."
  }
}

variable "loss_limit_flatten" {
  description = "At the daily loss limit, also flatten every strategy holding, not only switch trading off (LOSS_LIMIT_FLATTEN)."
  type        = bool
  default     = true
}

variable "square_off_at" {
  description = "IST time the squareOff function flattens INTRADAY strategy holdings (SQUARE_OFF_AT), with optional per-strategy times: [\"15:15\", \"scalper=14:50\"]."
  type        = list(string)
  default     = ["15:15"]

  validation {
    condition     = alltrue([for s in var.square_off_at : can(regex("^([A-Za-z0-9_.-]{1,64}=)?([01][0-9]|2[0-3]):[0-5][0-9]$", s))])
    error_message = "square_off_at entries must be HH:MM or strategy=HH:MM."
  }
}

variable "protection" {
  description = "What sl/tp do (PROTECTION): legs (Fyers TP/SL legs), managed (the bridge's own exits) or off. bracket is gone with CO/BO, which Fyers rejects."
  type        = string
  default     = "legs"

  validation {
    condition     = contains(["legs", "managed", "off"], var.protection)
    error_message = "protection must be legs, managed or off (bracket went with CO/BO, which Fyers rejects)."
  }
}

variable "paper_strategies" {
  description = "Strategy ids forward-tested on paper beside live ones (PAPER_STRATEGIES): their alerts fill on the paper book at live prices and never reach Fyers. The console can switch a strategy either way."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.paper_strategies : can(regex("^[A-Za-z0-9_.-]{1,64}$", id))])
    error_message = "paper_strategies must be strategy ids: 1-64 letters, digits or _ . -."
  }
}

variable "strategy_risk" {
  description = "Per-strategy risk rules in rupees (STRATEGY_RISK), keyed by strategy id: stop, target, lockAfter + lockGiveBack, dailyTarget. Empty = none."
  type = map(object({
    stop         = optional(number)
    target       = optional(number)
    lockAfter    = optional(number)
    lockGiveBack = optional(number)
    dailyTarget  = optional(number)
  }))
  default = {}
}

variable "limit_price_band_percent" {
  description = "A LIMIT price further than this percentage from the option's LTP is refused (LIMIT_PRICE_BAND_PERCENT)."
  type        = number
  default     = 20

  validation {
    condition     = var.limit_price_band_percent >= 1 && var.limit_price_band_percent <= 100 && floor(var.limit_price_band_percent) == var.limit_price_band_percent
    error_message = "limit_price_band_percent must be a whole number from 1 to 100."
  }
}

variable "broker_timeout_ms" {
  description = "Per-call timeout towards Fyers in ms (BROKER_TIMEOUT_MS); at most 2800, inside TradingView's 3 s."
  type        = number
  default     = 2000

  validation {
    condition     = var.broker_timeout_ms >= 100 && var.broker_timeout_ms <= 2800 && floor(var.broker_timeout_ms) == var.broker_timeout_ms
    error_message = "broker_timeout_ms must be a whole number from 100 to 2800."
  }
}

variable "enforce_trading_window" {
  description = "Whether the exchange session (and trading_window) is enforced (ENFORCE_TRADING_WINDOW). null = on with broker fyers, off with paper."
  type        = bool
  default     = null
}

variable "dedup_window_seconds" {
  description = "Identical alert bodies within this many seconds are one alert (DEDUP_WINDOW_SECONDS)."
  type        = number
  default     = 120

  validation {
    condition     = var.dedup_window_seconds >= 1 && var.dedup_window_seconds <= 86400 && floor(var.dedup_window_seconds) == var.dedup_window_seconds
    error_message = "dedup_window_seconds must be a whole number from 1 to 86400."
  }
}

variable "idempotency_ttl_hours" {
  description = "How long an alert's record is kept (IDEMPOTENCY_TTL_HOURS)."
  type        = number
  default     = 24

  validation {
    condition     = var.idempotency_ttl_hours >= 1 && var.idempotency_ttl_hours <= 720 && floor(var.idempotency_ttl_hours) == var.idempotency_ttl_hours
    error_message = "idempotency_ttl_hours must be a whole number from 1 to 720."
  }
}

variable "idempotency_lease_seconds" {
  description = "When an unfinished claim counts as abandoned (IDEMPOTENCY_LEASE_SECONDS)."
  type        = number
  default     = 30

  validation {
    condition     = var.idempotency_lease_seconds >= 5 && var.idempotency_lease_seconds <= 600 && floor(var.idempotency_lease_seconds) == var.idempotency_lease_seconds
    error_message = "idempotency_lease_seconds must be a whole number from 5 to 600."
  }
}

variable "controls_cache_seconds" {
  description = "Controls cache per instance while the real-time listener is down (CONTROLS_CACHE_SECONDS)."
  type        = number
  default     = 5

  validation {
    condition     = var.controls_cache_seconds >= 0 && var.controls_cache_seconds <= 300 && floor(var.controls_cache_seconds) == var.controls_cache_seconds
    error_message = "controls_cache_seconds must be a whole number from 0 to 300."
  }
}

variable "unfilled_alert_seconds" {
  description = "A market order still unfilled this long after acceptance is reported (UNFILLED_ALERT_SECONDS)."
  type        = number
  default     = 60

  validation {
    condition     = var.unfilled_alert_seconds >= 5 && var.unfilled_alert_seconds <= 3600 && floor(var.unfilled_alert_seconds) == var.unfilled_alert_seconds
    error_message = "unfilled_alert_seconds must be a whole number from 5 to 3600."
  }
}

variable "symbol_master_json_urls" {
  description = "JSON masters read for freeze quantities (SYMBOL_MASTER_JSON_URLS); [] = each CSV URL's _sym_master.json, [\"none\"] turns them off."
  type        = list(string)
  default     = []
}

variable "symbol_master_object" {
  description = "Object in the symbol-master bucket holding the validated index (SYMBOL_MASTER_OBJECT)."
  type        = string
  default     = "symbol-master/index.json"
}

variable "paper_fill_price" {
  description = "With broker = paper, fill at this premium instead of the synthetic one (PAPER_FILL_PRICE). null = synthetic."
  type        = number
  default     = null
}
