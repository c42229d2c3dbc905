# Cloud Scheduler calls the private functions over HTTPS with an OIDC token of the scheduler service
# account, which holds run.invoker on these targets only. All times are IST (Asia/Kolkata).
locals {
  scheduler_time_zone = "Asia/Kolkata"

  scheduled_jobs = {
    # 00:30 catches the new day's contracts after Fyers republishes; 08:30 is the pre-open safety net.
    "refresh-symbol-master" = {
      function    = "refreshSymbolMaster"
      schedule    = var.symbol_master_schedule
      description = "Refresh the Fyers symbol master (00:30 and 08:30 IST)."
      deadline    = "320s"
      body        = { trigger = "schedule" }
    }
    # Before the 09:15 open: confirm the day's session exists (or refresh it where Fyers still allows)
    # and notify the operator in time to log in.
    "token-keeper" = {
      function    = "refreshToken"
      schedule    = var.token_keeper_schedule
      description = "Pre-open session check and refresh (08:45 IST, weekdays)."
      deadline    = "150s"
      body        = { trigger = "pre-open" }
    }
    # During market hours: notice a revoked or expired session within minutes, not at the next alert.
    "session-keepalive" = {
      function    = "refreshToken"
      schedule    = var.session_keepalive_schedule
      description = "Session keep-alive check during market hours (every 30 min, weekdays)."
      deadline    = "150s"
      body        = { trigger = "keep-alive" }
    }
    # A lost postback costs at most a minute: reconcile every open order record against the orderbook.
    # Cloud Scheduler has no "09:15-15:30" window, so the job covers the hours around the session and
    # the function answers at once when the exchange session (from the symbol master) is closed.
    "reconcile-orders" = {
      function    = "reconcileOrders"
      schedule    = var.reconcile_schedule
      description = "Reconcile open orders with the Fyers orderbook (every minute, session hours, weekdays)."
      deadline    = "60s"
      body        = { trigger = "schedule" }
    }
    # Every minute from 15:00 to 15:29, not once at 15:15: squareOff acts only on holdings whose time
    # (SQUARE_OFF_AT, per strategy too) has come and closes only what is still open, so the extra
    # calls are cheap no-ops, while a run that failed, or found a holding locked by a concurrent
    # order, is finished a minute later rather than left to the broker's auto square-off (and its fee).
    "square-off" = {
      function    = "squareOff"
      schedule    = var.square_off_schedule
      description = "Square off INTRADAY holdings at SQUARE_OFF_AT (every minute 15:00-15:29 IST, weekdays)."
      deadline    = "60s"
      body        = { trigger = "schedule" }
    }
  }
}

resource "google_cloud_scheduler_job" "this" {
  for_each = local.scheduled_jobs

  name             = "${local.prefix}-${each.key}"
  description      = each.value.description
  region           = var.region
  schedule         = each.value.schedule
  time_zone        = local.scheduler_time_zone
  attempt_deadline = each.value.deadline

  retry_config {
    retry_count          = 2
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = module.function[each.value.function].uri
    headers     = { "Content-Type" = "application/json" }
    body        = base64encode(jsonencode(each.value.body))

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = module.function[each.value.function].uri
    }
  }

  depends_on = [
    google_project_service.this,
    # The run.invoker grants on the targets, and the wait for them to propagate.
    time_sleep.invoker_propagation,
  ]
}
