# Monitoring: log-based metrics over the structured JSON lines the functions write (shared/platform/
# logger.ts), a dashboard, and alert policies routed to the operator's notification channel(s).
#
# The filters rely on these fields, documented in docs/monitoring.md so code changes keep them:
#   webhook   message "alert handled": status, httpStatus, latencyMs
#   broker    every line of the Fyers adapter carries broker = "fyers"; order lines carry outcome
#   notify    message "notification forwarded" (from the notify handler, without host): kind
#   sessions  message "login completed" (authCallback) or "session refreshed" (refreshToken)
#   symbols   message "symbol master refreshed" (refreshSymbolMaster)
#   any       severity ERROR
# Cloud Run functions log against the cloud_run_revision resource, labelled with the service name,
# which is the function name.
locals {
  # Log-based metric names become part of PromQL metric names, where only [a-zA-Z0-9_:] is allowed.
  metric_prefix = replace(local.prefix, "-", "_")

  run_logs      = "resource.type=\"cloud_run_revision\""
  service_is    = { for k, n in local.function_names : k => "${local.run_logs} AND resource.labels.service_name=\"${n}\"" }
  alert_handled = "${local.service_is.webhook} AND jsonPayload.message=\"alert handled\""

  log_metrics = {
    alerts = {
      description = "Alerts answered by the webhook, by outcome (status) and HTTP status."
      filter      = local.alert_handled
      labels      = { status = "jsonPayload.status", http_status = "jsonPayload.httpStatus" }
    }
    refusals = {
      description = "Alerts refused with a 4xx (invalid, bad token, kill switch, outside the window, risk, unknown instrument), by status."
      filter      = "${local.alert_handled} AND jsonPayload.httpStatus>=400 AND jsonPayload.httpStatus<500"
      labels      = { status = "jsonPayload.status", http_status = "jsonPayload.httpStatus" }
    }
    orders_by_state = {
      description = "Orders sent to Fyers, by the state they reached (placed, rejected, unknown)."
      filter      = "${local.run_logs} AND jsonPayload.broker=\"fyers\" AND jsonPayload.outcome:*"
      labels      = { state = "jsonPayload.outcome" }
    }
    broker_errors = {
      description = "Fyers calls that failed or were refused (transport errors, refused reads, unknown outcomes), by log message."
      filter      = "${local.run_logs} AND jsonPayload.broker=\"fyers\" AND severity>=WARNING AND NOT jsonPayload.message=\"fyers order rejected\""
      labels      = { what = "jsonPayload.message" }
    }
    notifications = {
      description = "Operator notifications delivered by the notify function, by kind (broker.circuit_open, symbol_master.failed, ...)."
      filter      = "${local.service_is.notify} AND jsonPayload.message=\"notification forwarded\" AND NOT jsonPayload.host:*"
      labels      = { kind = "jsonPayload.kind" }
    }
    logins = {
      description = "Fyers sessions obtained: interactive logins and PIN refreshes."
      filter      = "${local.run_logs} AND (resource.labels.service_name=\"${local.function_names.authCallback}\" OR resource.labels.service_name=\"${local.function_names.refreshToken}\") AND (jsonPayload.message=\"login completed\" OR jsonPayload.message=\"session refreshed\")"
      labels      = {}
    }
    symbol_master_refreshed = {
      description = "Successful symbol-master publishes."
      filter      = "${local.service_is.refreshSymbolMaster} AND jsonPayload.message=\"symbol master refreshed\""
      labels      = {}
    }
    errors = {
      description = "ERROR log lines of the bridge's functions, by function."
      filter      = "${local.run_logs} AND resource.labels.service_name=~\"^${local.prefix}-\" AND severity>=ERROR"
      labels      = { service = "resource.labels.service_name" }
    }
  }

  metric_type         = { for k, _ in local.log_metrics : k => "logging.googleapis.com/user/${local.metric_prefix}_${k}" }
  metric_type_latency = "logging.googleapis.com/user/${local.metric_prefix}_webhook_latency"

  alert_channels = concat(google_monitoring_notification_channel.email[*].id, var.alert_notification_channels)
}

resource "google_logging_metric" "counter" {
  for_each = local.log_metrics

  name        = "${local.metric_prefix}_${each.key}"
  description = each.value.description
  filter      = each.value.filter

  label_extractors = { for l, field in each.value.labels : l => "EXTRACT(${field})" }

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.key
        value_type = "STRING"
      }
    }
  }

  depends_on = [google_project_service.this]
}

# Webhook latency as a distribution (p50/p99 on the dashboard): 5 ms to ~30 s in 1.6x steps.
resource "google_logging_metric" "webhook_latency" {
  name            = "${local.metric_prefix}_webhook_latency"
  description     = "Time from receiving an alert to answering it, in ms, by outcome."
  filter          = "${local.alert_handled} AND jsonPayload.latencyMs>=0"
  value_extractor = "EXTRACT(jsonPayload.latencyMs)"

  label_extractors = { status = "EXTRACT(jsonPayload.status)" }

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "ms"

    labels {
      key        = "status"
      value_type = "STRING"
    }
  }

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 20
      growth_factor      = 1.6
      scale              = 5
    }
  }

  depends_on = [google_project_service.this]
}

# Cloud Monitoring learns a log-based metric's descriptor a little after Logging creates the metric;
# an alert policy on a metric type it does not know yet is refused. Wait briefly, once.
resource "time_sleep" "log_metric_descriptors" {
  create_duration = "30s"

  triggers = {
    metrics = join(",", sort(concat([for m in google_logging_metric.counter : m.name], [google_logging_metric.webhook_latency.name])))
  }
}

# ---------------------------------------------------------------------------------------------
# Where alerts go
# ---------------------------------------------------------------------------------------------

resource "google_monitoring_notification_channel" "email" {
  count = var.alert_email == "" ? 0 : 1

  display_name = "${local.prefix} operator e-mail"
  type         = "email"
  labels       = { email_address = var.alert_email }

  depends_on = [google_project_service.this]
}

# ---------------------------------------------------------------------------------------------
# Alert policies
# ---------------------------------------------------------------------------------------------

locals {
  # "More than zero in the last minute" on a log-based counter, optionally narrowed by a label.
  count_conditions = {
    unknown_outcome = {
      title  = "Order outcome unknown"
      metric = "alerts"
      label  = "metric.label.status=\"unknown\""
      period = "60s"
      above  = 0
      doc    = "An order was sent to Fyers but its outcome could not be confirmed. It is never re-sent automatically. Check the Fyers orderbook and the audit record (requestId in the notification), then act by hand."
    }
    circuit_open = {
      title  = "Broker circuit open"
      metric = "notifications"
      label  = "metric.label.kind=\"broker.circuit_open\""
      period = "60s"
      above  = 0
      doc    = "Fyers failed several times in a row; alerts are answered 503 at once while the circuit is open. Check Fyers' status, the static IP whitelist and the session (readyz or the console)."
    }
    protection_failed = {
      title  = "A protection could not be placed"
      metric = "notifications"
      label  = "metric.label.kind=\"exit.failed\""
      period = "60s"
      above  = 0
      doc    = "A filled entry's stop or target (PROTECTION=managed) could not be placed, modified or withdrawn: the position may be unprotected now. Open the console: the strategy's Protection line says which leg; place the stop by hand at Fyers or exit the position from the console."
    }
    error_rate = {
      title  = "Error rate"
      metric = "errors"
      label  = ""
      period = "300s"
      above  = var.error_rate_threshold
      doc    = "The bridge's functions wrote more ERROR lines than expected in 5 minutes. Open Logs Explorer on resource.type=cloud_run_revision with severity>=ERROR."
    }
  }
}

resource "google_monitoring_alert_policy" "count" {
  for_each = local.count_conditions

  display_name          = "${local.prefix}: ${each.value.title}"
  combiner              = "OR"
  severity              = each.key == "error_rate" ? "WARNING" : "CRITICAL"
  notification_channels = local.alert_channels

  conditions {
    display_name = each.value.title

    condition_threshold {
      filter          = join(" AND ", compact(["metric.type=\"${local.metric_type[each.value.metric]}\"", "resource.type=\"cloud_run_revision\"", each.value.label]))
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.above
      duration        = "0s"

      aggregations {
        alignment_period     = each.value.period
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    content   = each.value.doc
    mime_type = "text/markdown"
  }

  depends_on = [time_sleep.log_metric_descriptors]
}

# TradingView gives up on a webhook after 3 s and never resends a timeout: a p99 above 2.5 s over
# five minutes means alerts are close to being lost (a cold instance, a slow Fyers, a busy pacer).
resource "google_monitoring_alert_policy" "webhook_latency" {
  display_name          = "${local.prefix}: Webhook latency nearing TradingView's 3 s"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.alert_channels

  conditions {
    display_name = "Webhook p99 latency above 2.5 s for 5 minutes"

    condition_threshold {
      filter          = "metric.type=\"${local.metric_type_latency}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 2500
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    content   = "Alerts take close to TradingView's 3 s limit; past it TradingView drops them without a retry. Check the webhook's warm instance (webhook_min_instances), Fyers' latency (broker errors chart) and the dashboard's p99. docs/guarantees.md shows where the 3 s go."
    mime_type = "text/markdown"
  }

  depends_on = [time_sleep.log_metric_descriptors]
}

# Order events that the order-event-webhooks push could not deliver pile up on the dead-letter
# subscription (kept a week). Any message there is a subscriber that did not hear about an order.
resource "google_monitoring_alert_policy" "order_events_dead_letter" {
  display_name          = "${local.prefix}: Order events piling up in the dead-letter topic"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.alert_channels

  conditions {
    display_name = "Undelivered order events on the dead-letter subscription"

    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"${google_pubsub_subscription.order_events_dead_letter.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "300s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    content   = "Order events could not be delivered to a registered outbound webhook and were dead-lettered. Check the orderEventWebhooks logs for the subscriber's answers, fix the receiver, then replay from the dead-letter subscription (docs/monitoring.md)."
    mime_type = "text/markdown"
  }
}

# Symbol master stale: no successful publish for 18 hours (the schedule publishes at 00:30 and 08:30
# IST, so a healthy master is never older than 16 hours), or a refresh that failed.
resource "google_monitoring_alert_policy" "symbol_master_stale" {
  display_name          = "${local.prefix}: Symbol master stale"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.alert_channels

  conditions {
    display_name = "No symbol-master publish for 18 hours"

    condition_absent {
      filter   = "metric.type=\"${local.metric_type.symbol_master_refreshed}\" AND resource.type=\"cloud_run_revision\""
      duration = "64800s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  conditions {
    display_name = "Symbol-master refresh failed"

    condition_threshold {
      filter          = "metric.type=\"${local.metric_type.notifications}\" AND resource.type=\"cloud_run_revision\" AND metric.label.kind=\"symbol_master.failed\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    content   = "Alerts resolve contracts from the symbol master; a stale one refuses new expiries. Run the refresh-symbol-master Cloud Scheduler job by hand (`gcloud scheduler jobs run`) and read the refreshSymbolMaster logs."
    mime_type = "text/markdown"
  }

  depends_on = [time_sleep.log_metric_descriptors]
}

# No Fyers session obtained between 00:00 and 09:10 IST on a weekday. Cloud Monitoring has no
# time-of-day window for metric conditions, so this one is PromQL: it counts logins since midnight IST
# and is only true from 09:10 to 09:30 IST, Monday to Friday (IST = UTC + 19800 s). Exchange holidays
# are not known to Monitoring: on a holiday this fires once and closes itself (docs/monitoring.md).
resource "google_monitoring_alert_policy" "no_login" {
  display_name          = "${local.prefix}: No Fyers login by 09:10 IST"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.alert_channels
  enabled               = var.broker == "fyers"

  conditions {
    display_name = "No login since midnight IST at 09:10 on a weekday"

    condition_prometheus_query_language {
      query               = <<-EOT
        (sum(sum_over_time(logging_googleapis_com:user_${local.metric_prefix}_logins[9h10m])) or vector(0)) < 1
        and on() ((vector(time()) + 19800) % 86400 >= 33000)
        and on() ((vector(time()) + 19800) % 86400 < 34200)
        and on() (day_of_week(vector(time()) + 19800) >= 1)
        and on() (day_of_week(vector(time()) + 19800) <= 5)
      EOT
      duration            = "0s"
      evaluation_interval = "60s"
      # A PromQL condition is checked against existing metric descriptors; the log-based metric is
      # created in the same apply and its descriptor may not be visible yet.
      disable_metric_validation = true
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    content   = "Nobody has logged in to Fyers today and the market opens at 09:15 IST: every alert will be refused. Open the login page (the auth_url output, or the console) on your phone and log in. On an exchange holiday, ignore this."
    mime_type = "text/markdown"
  }

  depends_on = [time_sleep.log_metric_descriptors]
}

# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------

locals {
  dashboard_charts = [
    { title = "Alerts by outcome", metric = local.metric_type.alerts, by = "metric.label.status", reducer = "REDUCE_SUM", aligner = "ALIGN_SUM" },
    { title = "Refusals by reason", metric = local.metric_type.refusals, by = "metric.label.status", reducer = "REDUCE_SUM", aligner = "ALIGN_SUM" },
    { title = "Orders by state", metric = local.metric_type.orders_by_state, by = "metric.label.state", reducer = "REDUCE_SUM", aligner = "ALIGN_SUM" },
    { title = "Webhook latency p50 (ms)", metric = local.metric_type_latency, by = "", reducer = "REDUCE_PERCENTILE_50", aligner = "ALIGN_DELTA" },
    { title = "Webhook latency p99 (ms)", metric = local.metric_type_latency, by = "", reducer = "REDUCE_PERCENTILE_99", aligner = "ALIGN_DELTA" },
    { title = "Broker errors", metric = local.metric_type.broker_errors, by = "metric.label.what", reducer = "REDUCE_SUM", aligner = "ALIGN_SUM" },
    { title = "Notifications by kind", metric = local.metric_type.notifications, by = "metric.label.kind", reducer = "REDUCE_SUM", aligner = "ALIGN_SUM" },
    { title = "Errors by function", metric = local.metric_type.errors, by = "metric.label.service", reducer = "REDUCE_SUM", aligner = "ALIGN_SUM" },
  ]
}

resource "google_monitoring_dashboard" "bridge" {
  dashboard_json = jsonencode({
    displayName = "${local.prefix} trading bridge"
    mosaicLayout = {
      columns = 48
      tiles = [for i, c in local.dashboard_charts : {
        xPos   = (i % 2) * 24
        yPos   = floor(i / 2) * 16
        width  = 24
        height = 16
        widget = {
          title = c.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = "metric.type=\"${c.metric}\" resource.type=\"cloud_run_revision\""
                  aggregation = merge({
                    alignmentPeriod    = "300s"
                    perSeriesAligner   = c.aligner
                    crossSeriesReducer = c.reducer
                  }, c.by == "" ? {} : { groupByFields = [c.by] })
                }
              }
            }]
          }
        }
      }]
    }
  })

  depends_on = [time_sleep.log_metric_descriptors]
}
