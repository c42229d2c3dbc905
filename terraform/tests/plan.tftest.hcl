# Plan-level checks of the deployment, run offline with mock providers (scripts/terraform-validate.sh
# serves the providers' schemas through tools/tf-schema-provider when no real provider is installed).
# Every run is a plan: google_compute_address.egress has prevent_destroy, so the clean-up after an
# apply run could not destroy it. override_during = plan makes mocked computed values known at plan
# time, so the assertions can compare them.

mock_provider "google" {
  override_during = plan
  mock_data "google_project" {
    defaults = { number = "123456789012" }
  }
  # Empty blocks: with override_during = plan, their computed attributes (email, member, uri...) get
  # generated values at plan time instead of staying unknown.
  mock_resource "google_service_account" {}
  mock_resource "google_compute_network" {}
  mock_resource "google_compute_subnetwork" {}
  mock_resource "google_compute_router" {}
  mock_resource "google_pubsub_topic" {}
  mock_resource "google_secret_manager_secret" {}
  mock_resource "google_cloudfunctions2_function" {}
  mock_resource "google_compute_address" {
    defaults = {
      address   = "203.0.113.10"
      self_link = "https://www.googleapis.com/compute/v1/projects/my-trading-project/regions/asia-south1/addresses/tvfyers-fyers-egress"
    }
  }
}
mock_provider "google-beta" {
  override_during = plan
}
mock_provider "archive" {
  override_during = plan
}
mock_provider "time" {
  override_during = plan
}
mock_provider "random" {
  override_during = plan
  mock_resource "random_password" {
    defaults = { result = "mockPostbackToken0123456789abcdefghijklmnop" }
  }
}

variables {
  project_id          = "my-trading-project"
  fyers_app_id        = "ABCD1234EF-100"
  operator_members    = ["user:me@example.com"]
  function_source_dir = "./tests/testdata/function-source"
  alert_email         = "me@example.com"
}

# authCallback's URL is only known after apply; the check block compares it with the computed redirect URL.
override_resource {
  target          = module.function["authCallback"].google_cloudfunctions2_function.this
  override_during = plan
  values = {
    url = "https://asia-south1-my-trading-project.cloudfunctions.net/tvfyers-auth-callback"
  }
}

override_resource {
  target          = google_pubsub_topic.notifications
  override_during = plan
  values = {
    id = "projects/my-trading-project/topics/tvfyers-notifications"
  }
}

override_resource {
  target          = google_pubsub_topic.order_events
  override_during = plan
  values = {
    id = "projects/my-trading-project/topics/tvfyers-order-events"
  }
}

run "every_function_on_nodejs24_with_its_own_service_account" {
  command = plan

  assert {
    condition     = length(module.function) == 13
    error_message = "expected 13 functions (8 plus console, orderUpdates, reconcileOrders, orderEventWebhooks, squareOff)"
  }
  assert {
    condition     = alltrue([for k, m in module.function : m.runtime == "nodejs24"])
    error_message = "every function must run on nodejs24"
  }
  assert {
    condition     = alltrue([for k, m in module.function : m.service_account_email == google_service_account.fn[k].email])
    error_message = "every function must run as its own service account"
  }
  assert {
    condition     = length(distinct([for k, m in module.function : m.service_account_email])) == length(module.function)
    error_message = "no two functions may share a service account"
  }
  assert {
    condition     = length(google_service_account.fn) + 4 == 17
    error_message = "13 function identities plus scheduler, notifications push, order-events push and build"
  }
  assert {
    condition     = alltrue([for k in ["orderEventWebhooks", "squareOff"] : module.function[k].runtime == "nodejs24" && module.function[k].service_account_email == google_service_account.fn[k].email])
    error_message = "orderEventWebhooks and squareOff run on nodejs24 as their own service accounts"
  }
}

run "webhook_warm_in_fyers_mode" {
  command = plan

  assert {
    condition     = module.function["webhook"].min_instances == 1
    error_message = "with broker = fyers one webhook instance must stay warm by default"
  }
  assert {
    condition     = alltrue([for k, m in module.function : m.min_instances == 0 if k != "webhook"])
    error_message = "only the webhook keeps instances warm"
  }
}

run "paper_mode_scales_to_zero_and_needs_no_app_id" {
  command = plan

  variables {
    broker       = "paper"
    fyers_app_id = ""
  }

  assert {
    condition     = module.function["webhook"].min_instances == 0
    error_message = "paper mode keeps no instance warm unless asked"
  }
  assert {
    condition     = google_monitoring_alert_policy.no_login.enabled == false
    error_message = "the no-login alert is off when nothing needs a Fyers login"
  }
}

run "explicit_min_instances_wins" {
  command = plan

  variables {
    webhook_min_instances = 0
  }

  assert {
    condition     = module.function["webhook"].min_instances == 0
    error_message = "an explicit webhook_min_instances overrides the fyers default"
  }
}

run "all_traffic_egress_through_the_nat_reserved_ip" {
  command = plan

  assert {
    condition = alltrue([for k in ["webhook", "authCallback", "refreshToken", "orderUpdates", "reconcileOrders", "console", "squareOff"] :
      module.function[k].egress != null
      && module.function[k].egress.traffic == "VPC_EGRESS_ALL_TRAFFIC"
      && module.function[k].egress.network == google_compute_network.egress.name
    && module.function[k].egress.subnetwork == google_compute_subnetwork.egress.name])
    error_message = "every function that calls Fyers sends ALL traffic into the egress VPC"
  }
  assert {
    condition     = google_compute_router_nat.egress.nat_ip_allocate_option == "MANUAL_ONLY"
    error_message = "NAT must never pick an ephemeral address"
  }
  assert {
    condition     = length(google_compute_router_nat.egress.nat_ips) == 1 && contains(google_compute_router_nat.egress.nat_ips, google_compute_address.egress.self_link)
    error_message = "NAT must use exactly the reserved address"
  }
  assert {
    condition     = one(google_compute_router_nat.egress.subnetwork).name == google_compute_subnetwork.egress.id && google_compute_router_nat.egress.source_subnetwork_ip_ranges_to_nat == "LIST_OF_SUBNETWORKS"
    error_message = "NAT must cover the egress subnet"
  }
  assert {
    condition     = google_compute_router_nat.egress.router == google_compute_router.egress.name && google_compute_router.egress.network == google_compute_network.egress.id
    error_message = "the NAT's router must sit on the egress network"
  }
  assert {
    condition     = output.static_egress_ip == "203.0.113.10"
    error_message = "the IP to whitelist at Fyers is the reserved address"
  }
}

run "scheduler_jobs_in_ist_with_oidc" {
  command = plan

  assert {
    condition     = length(google_cloud_scheduler_job.this) == 5
    error_message = "symbol master, token keeper, session keep-alive, reconcile and square-off jobs"
  }
  assert {
    condition     = alltrue([for j in google_cloud_scheduler_job.this : j.time_zone == "Asia/Kolkata"])
    error_message = "every job runs on IST"
  }
  assert {
    condition = alltrue([for j in google_cloud_scheduler_job.this :
      length(j.http_target[0].oidc_token) == 1
    && j.http_target[0].oidc_token[0].service_account_email == google_service_account.scheduler.email])
    error_message = "every job authenticates with an OIDC token of the scheduler account"
  }
  assert {
    condition     = google_cloud_scheduler_job.this["reconcile-orders"].schedule == "* 9-15 * * 1-5"
    error_message = "reconcile runs every minute of the session hours on weekdays"
  }
  assert {
    condition     = alltrue([for k in ["refreshToken", "refreshSymbolMaster", "reconcileOrders", "notify", "orderEventWebhooks", "squareOff"] : module.function[k].ingress == "ALLOW_INTERNAL_ONLY"])
    error_message = "scheduled and push-only functions accept internal traffic only"
  }
  assert {
    condition = (google_cloud_scheduler_job.this["square-off"].time_zone == "Asia/Kolkata"
      && google_cloud_scheduler_job.this["square-off"].schedule == "0-29 15 * * 1-5"
      && google_cloud_scheduler_job.this["square-off"].http_target[0].uri == module.function["squareOff"].uri
      && google_cloud_scheduler_job.this["square-off"].http_target[0].oidc_token[0].service_account_email == google_service_account.scheduler.email
    && google_cloud_scheduler_job.this["square-off"].http_target[0].oidc_token[0].audience == module.function["squareOff"].uri)
    error_message = "square-off runs every minute 15:00-15:29 IST on weekdays, calling squareOff with the scheduler's OIDC token"
  }
  assert {
    condition     = google_cloud_run_v2_service_iam_member.scheduler_invokes_square_off.member == google_service_account.scheduler.member
    error_message = "the scheduler may invoke squareOff"
  }
}

run "no_function_identity_holds_an_unneeded_project_role" {
  command = plan

  # The project-level grants to function identities: Firestore only, and only on this database.
  # (test/unit/terraform-consistency.test.ts fails on any grant that is not in its allow-list, so a
  # new project-level grant cannot slip past this list either.)
  assert {
    condition = alltrue([for g in [
      google_project_iam_member.webhook_uses_firestore,
      google_project_iam_member.readyz_views_firestore,
      google_project_iam_member.auth_url_uses_firestore,
      google_project_iam_member.auth_callback_uses_firestore,
      google_project_iam_member.refresh_token_uses_firestore,
      google_project_iam_member.controls_uses_firestore,
      google_project_iam_member.console_uses_firestore,
      google_project_iam_member.order_updates_uses_firestore,
      google_project_iam_member.reconcile_orders_uses_firestore,
      google_project_iam_member.order_event_webhooks_views_firestore,
      google_project_iam_member.square_off_uses_firestore,
      ] : contains(["roles/datastore.user", "roles/datastore.viewer"], g.role)
    && one(g.condition).expression == "resource.name == \"projects/my-trading-project/databases/(default)\""])
    error_message = "function identities get Firestore on this database only, nothing else project-wide"
  }
  assert {
    condition     = google_project_iam_member.readyz_views_firestore.role == "roles/datastore.viewer" && google_project_iam_member.order_event_webhooks_views_firestore.role == "roles/datastore.viewer"
    error_message = "readyz and orderEventWebhooks only look"
  }
  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.public_invokes_controls) == 0
    error_message = "controls stays private by default"
  }
  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.public_invokes_auth_url) == 1
    error_message = "the login page is reachable from a phone by default"
  }
}

run "login_page_private_when_asked" {
  command = plan

  variables {
    public_login = false
  }

  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.public_invokes_auth_url) == 0
    error_message = "public_login = false keeps authUrl behind IAM"
  }
  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.public_invokes_console) == 0
    error_message = "public_login = false keeps the console behind IAM too (issue 19)"
  }
}

run "console_public_with_the_login_page" {
  command = plan

  assert {
    condition     = length(google_cloud_run_v2_service_iam_member.public_invokes_console) == 1
    error_message = "by default (public_login = true) the console is reachable from the phone"
  }
}

run "notify_push_endpoint_names_the_topic" {
  command = plan

  assert {
    condition     = google_pubsub_subscription.notify_push.push_config[0].push_endpoint == "${module.function["notify"].uri}/projects/my-trading-project/topics/tvfyers-notifications"
    error_message = "the push endpoint must end with projects/P/topics/T so the framework builds a CloudEvent source"
  }
  assert {
    condition     = google_pubsub_subscription.notify_push.push_config[0].oidc_token[0].audience == module.function["notify"].uri
    error_message = "the OIDC audience stays the service URL"
  }
}

run "order_events_push_to_order_event_webhooks" {
  command = plan

  assert {
    condition     = google_pubsub_subscription.order_events_push.topic == google_pubsub_topic.order_events.id
    error_message = "the push subscription reads the order-events topic"
  }
  assert {
    condition     = google_pubsub_subscription.order_events_push.push_config[0].push_endpoint == "${module.function["orderEventWebhooks"].uri}/projects/my-trading-project/topics/tvfyers-order-events"
    error_message = "the push endpoint is orderEventWebhooks and ends with projects/P/topics/T"
  }
  assert {
    condition = (google_pubsub_subscription.order_events_push.push_config[0].oidc_token[0].service_account_email == google_service_account.order_events_push.email
    && google_pubsub_subscription.order_events_push.push_config[0].oidc_token[0].audience == module.function["orderEventWebhooks"].uri)
    error_message = "push authenticates with OIDC of its own push identity, audience the service URL"
  }
  assert {
    condition     = google_service_account.order_events_push.email != google_service_account.notify_push.email && google_cloud_run_v2_service_iam_member.order_events_push_invokes_order_event_webhooks.member == google_service_account.order_events_push.member
    error_message = "the order-events push identity is its own and may invoke orderEventWebhooks"
  }
  assert {
    condition = (one(google_pubsub_subscription.order_events_push.dead_letter_policy).dead_letter_topic == google_pubsub_topic.order_events_dead_letter.id
    && one(google_pubsub_subscription.order_events_push.dead_letter_policy).max_delivery_attempts >= 5)
    error_message = "failed deliveries dead-letter to the order-events dead-letter topic after several attempts"
  }
  assert {
    condition     = length(google_pubsub_subscription.order_events_push.retry_policy) == 1 && google_pubsub_subscription.order_events_push.ack_deadline_seconds >= local.functions["orderEventWebhooks"].timeout
    error_message = "exponential retry, and no redelivery while a delivery is still in flight"
  }
  assert {
    condition = (google_pubsub_subscription_iam_member.pubsub_agent_acks_dead_lettered_order_events.subscription == google_pubsub_subscription.order_events_push.name
    && google_pubsub_topic_iam_member.pubsub_agent_publishes_order_event_dead_letters.topic == google_pubsub_topic.order_events_dead_letter.name)
    error_message = "the Pub/Sub agent may forward dead letters and ack them on this subscription"
  }
  assert {
    condition     = module.function["orderEventWebhooks"].egress == null
    error_message = "subscriber webhooks need no static IP"
  }
  assert {
    condition     = google_pubsub_topic_iam_member.webhook_publishes_order_events.member == google_service_account.fn["webhook"].member
    error_message = "the webhook instance publishes early-fill events in the background"
  }
}

run "no_fractional_cpu_written" {
  command = plan

  assert {
    condition     = alltrue([for k, f in local.functions : f.cpu == null || can(regex("^[0-9]+$", f.cpu))])
    error_message = "a fractional available_cpu can come back rounded and redeploy on every apply"
  }
}

run "recovery_and_monitoring" {
  command = plan

  assert {
    condition     = google_firestore_database.this.point_in_time_recovery_enablement == "POINT_IN_TIME_RECOVERY_ENABLED"
    error_message = "PITR on"
  }
  assert {
    condition     = google_firestore_backup_schedule.daily.retention == "1209600s" && length(google_firestore_backup_schedule.daily.daily_recurrence) == 1
    error_message = "daily backups kept 14 days"
  }
  assert {
    condition     = length(google_monitoring_notification_channel.email) == 1
    error_message = "alert_email creates the operator's channel"
  }
  assert {
    condition = alltrue([for p in concat(values(google_monitoring_alert_policy.count), [google_monitoring_alert_policy.symbol_master_stale, google_monitoring_alert_policy.no_login, google_monitoring_alert_policy.webhook_latency, google_monitoring_alert_policy.order_events_dead_letter]) :
    length(p.notification_channels) == 1])
    error_message = "every alert policy routes to the operator's channel"
  }
  assert {
    condition     = toset(keys(google_logging_metric.counter)) == toset(["alerts", "refusals", "orders_by_state", "broker_errors", "notifications", "logins", "symbol_master_refreshed", "errors"])
    error_message = "log-based metrics"
  }
  assert {
    condition     = google_logging_metric.webhook_latency.value_extractor == "EXTRACT(jsonPayload.latencyMs)"
    error_message = "latency distribution reads the webhook's latencyMs"
  }
}

run "order_lifecycle_plumbing" {
  command = plan

  assert {
    condition     = google_pubsub_topic.order_events.name == "tvfyers-order-events" && google_pubsub_topic.order_events_dead_letter.name == "tvfyers-order-events-dead-letter"
    error_message = "order-events topic and its dead-letter topic"
  }
  assert {
    condition     = google_secret_manager_secret.this["fyers-postback-secret"].secret_id == "fyers-postback-secret"
    error_message = "postback secret container"
  }
  assert {
    condition     = google_secret_manager_secret_version.postback_url_token.secret == google_secret_manager_secret.this["fyers-postback-token"].id && google_secret_manager_secret_iam_member.order_updates_reads_postback_token.secret_id == google_secret_manager_secret.this["fyers-postback-token"].secret_id
    error_message = "the postback URL token is generated into its secret, which orderUpdates reads (issue 19)"
  }
  assert {
    condition     = endswith(output.fyers_postback_url, "/mockPostbackToken0123456789abcdefghijklmnop")
    error_message = "the postback URL the operator pastes ends in the token"
  }
  assert {
    condition     = module.function["orderUpdates"].ingress == "ALLOW_ALL" && google_cloud_run_v2_service_iam_member.public_invokes_order_updates.member == "allUsers"
    error_message = "Fyers must be able to reach orderUpdates"
  }
}

run "fyers_without_app_id_fails" {
  command = plan

  variables {
    fyers_app_id = ""
  }

  expect_failures = [google_storage_bucket_object.function_source]
}

run "each_function_caps_its_heap_at_half_its_memory" {
  command = plan

  assert {
    condition     = local.node_environment["webhook"].NODE_OPTIONS == "--max-old-space-size=256" && local.node_environment["readyz"].NODE_OPTIONS == "--max-old-space-size=128" && local.node_environment["refreshSymbolMaster"].NODE_OPTIONS == "--max-old-space-size=512"
    error_message = "the old generation is capped at half the function's memory (512Mi: 256, 256Mi: 128, 1Gi: 512)"
  }
  assert {
    condition     = length(local.node_environment) == length(local.functions)
    error_message = "every function gets its heap cap"
  }
}

run "each_fyers_caller_gets_its_own_share_of_the_app_budget" {
  command = plan

  # Shares are per function across its instances; an instance gets its part, rounded down.
  assert {
    condition     = local.broker_environment["webhook"].BROKER_MAX_PER_SECOND == "4" && local.broker_environment["webhook"].BROKER_MAX_PER_MINUTE == "90"
    error_message = "one webhook instance carries the webhook's whole share"
  }
  assert {
    condition     = local.broker_environment["readyz"].BROKER_MAX_PER_SECOND == "0.25" && local.broker_environment["readyz"].BROKER_MAX_PER_MINUTE == "4"
    error_message = "readyz gets a quarter call a second"
  }
  assert {
    condition     = local.broker_environment["console"].BROKER_MAX_PER_MINUTE == "3.333"
    error_message = "console's 10/min over 3 instances rounds down to 3.333 each"
  }
  assert {
    condition     = local.broker_environment["notify"].BROKER_MAX_PER_SECOND == "0" && local.broker_environment["controls"].BROKER_MAX_PER_MINUTE == "0"
    error_message = "functions without a share get 0: their pacer refuses every Fyers call"
  }
  assert {
    condition     = output.broker_shares.total.per_second <= 8 && output.broker_shares.total.per_minute <= 180
    error_message = "the shares fit the default budget"
  }
}

run "more_webhook_instances_split_the_webhook_share" {
  command = plan

  variables {
    webhook_max_instances = 3
  }

  assert {
    condition     = local.broker_environment["webhook"].BROKER_MAX_PER_SECOND == "1.333" && local.broker_environment["webhook"].BROKER_MAX_PER_MINUTE == "30"
    error_message = "three webhook instances share 4/s and 90/min"
  }
}

run "shares_over_the_account_budget_fail_the_plan" {
  command = plan

  variables {
    broker_account_budget = { per_second = 7, per_minute = 180 }
  }

  expect_failures = [output.broker_shares]
}

run "alert_template_is_the_position_template" {
  command = plan

  assert {
    condition     = jsondecode(output.tradingview_alert_template).position == "{{strategy.market_position}}"
    error_message = "the printed template says what the strategy should hold (position mode), not an order action"
  }
  assert {
    condition     = !contains(keys(jsondecode(output.tradingview_alert_template)), "action") && !contains(keys(jsondecode(output.tradingview_alert_template)), "mapping")
    error_message = "no action and no mapping: the printed template can never write an option"
  }
  assert {
    condition     = length(regexall("\\{\\{timenow\\}\\}", jsondecode(output.tradingview_alert_template).idempotency_key)) == 1 && jsondecode(output.tradingview_alert_template).strategy != ""
    error_message = "a strategy id and a per-firing key"
  }
}

run "trading_settings_reach_every_function" {
  command = plan

  variables {
    daily_loss_limit       = 25000
    loss_limit_flatten     = false
    square_off_at          = ["15:10", "scalper=14:50"]
    protection             = "managed"
    enforce_trading_window = true
    paper_strategies       = ["fwd", "orb.v2"]
  }

  assert {
    condition = alltrue([for k in keys(local.functions) :
      merge(local.common_environment, local.broker_environment[k]).DAILY_LOSS_LIMIT == "25000"
    ])
    error_message = "every function gets DAILY_LOSS_LIMIT"
  }
  assert {
    condition     = local.common_environment.LOSS_LIMIT_FLATTEN == "false" && local.common_environment.SQUARE_OFF_AT == "15:10,scalper=14:50" && local.common_environment.PROTECTION == "managed" && local.common_environment.ENFORCE_TRADING_WINDOW == "true"
    error_message = "loss-limit flatten, square-off times, protection and the session switch are passed as set"
  }
  assert {
    condition     = local.common_environment.PAPER_STRATEGIES == "fwd,orb.v2"
    error_message = "every function knows which strategies trade on paper (the webhook routes them, the reconcile, square-off and console follow them)"
  }
}

run "unset_optional_settings_are_left_to_the_code" {
  command = plan

  assert {
    condition     = !contains(keys(local.common_environment), "DAILY_LOSS_LIMIT") && !contains(keys(local.common_environment), "ENFORCE_TRADING_WINDOW") && !contains(keys(local.common_environment), "PAPER_FILL_PRICE") && !contains(keys(local.common_environment), "PAPER_STRATEGIES")
    error_message = "no limit and the broker's own session default when nothing is set"
  }
  assert {
    condition     = local.common_environment.PROTECTION == "legs" && local.common_environment.SQUARE_OFF_AT == "15:15" && local.common_environment.LOSS_LIMIT_FLATTEN == "true"
    error_message = "defaults match shared/config/config.schema.ts"
  }
}

run "alerts_that_matter_to_a_trader" {
  command = plan

  assert {
    condition     = google_monitoring_alert_policy.webhook_latency.conditions[0].condition_threshold[0].threshold_value == 2500 && google_monitoring_alert_policy.webhook_latency.conditions[0].condition_threshold[0].aggregations[0].per_series_aligner == "ALIGN_PERCENTILE_99" && strcontains(google_monitoring_alert_policy.webhook_latency.conditions[0].condition_threshold[0].filter, google_logging_metric.webhook_latency.name)
    error_message = "webhook p99 above 2.5 s (TradingView gives up at 3 s) on the latency distribution"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.order_events_dead_letter.conditions[0].condition_threshold[0].filter, "num_undelivered_messages") && strcontains(google_monitoring_alert_policy.order_events_dead_letter.conditions[0].condition_threshold[0].filter, "subscription_id=\"tvfyers-order-events-dead-letter\"")
    error_message = "order events on the dead-letter subscription raise an alert"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.count["protection_failed"].conditions[0].condition_threshold[0].filter, "metric.label.kind=\"exit.failed\"") && google_monitoring_alert_policy.count["protection_failed"].severity == "CRITICAL"
    error_message = "a protection that could not be placed is critical"
  }
  assert {
    condition     = length(google_monitoring_alert_policy.webhook_latency.notification_channels) == 1 && length(google_monitoring_alert_policy.order_events_dead_letter.notification_channels) == 1
    error_message = "the new policies reach the operator"
  }
}

run "paper_strategies_must_be_strategy_ids" {
  command = plan

  variables {
    paper_strategies = ["ORB 15m"]
  }

  expect_failures = [var.paper_strategies]
}
