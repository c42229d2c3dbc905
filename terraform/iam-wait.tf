# IAM is eventually consistent: Google documents that a new grant usually takes effect within about two
# minutes and can take seven or more, and a new service account can be "not found" for a while. On a
# first apply the builds, the scheduler jobs and the push subscription use grants made seconds before,
# so their first attempts can fail with a permission error. These waits make a first apply in a new
# project succeed in one go. Should an error still appear (a slow propagation), run `terraform apply`
# again: everything here is idempotent (docs/deploy.md, step 4).

# Builds (build account) and instance start-up (function accounts reading their secrets and Firestore).
resource "time_sleep" "iam_propagation" {
  create_duration = "90s"

  triggers = {
    # A new identity or grant waits again; an unchanged set does not.
    function_accounts = join(",", sort([for sa in google_service_account.fn : sa.email]))
    build_account     = google_service_account.build.email
  }

  depends_on = [
    google_project_iam_member.build_writes_logs,
    google_project_iam_member.build_reads_function_sources,
    google_artifact_registry_repository_iam_member.build_pushes_images,
    google_storage_bucket_iam_member.build_reads_source,
    google_secret_manager_secret_iam_member.notify_reads_notify_webhook_url,
  ]
}

# Callers of the deployed functions: Cloud Scheduler's OIDC identity and the Pub/Sub push identities.
resource "time_sleep" "invoker_propagation" {
  create_duration = "60s"

  triggers = {
    scheduler         = google_service_account.scheduler.email
    push              = google_service_account.notify_push.email
    order_events_push = google_service_account.order_events_push.email
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.scheduler_invokes_refresh_token,
    google_cloud_run_v2_service_iam_member.scheduler_invokes_refresh_symbol_master,
    google_cloud_run_v2_service_iam_member.scheduler_invokes_reconcile_orders,
    google_cloud_run_v2_service_iam_member.scheduler_invokes_square_off,
    google_cloud_run_v2_service_iam_member.notify_push_invokes_notify,
    google_service_account_iam_member.pubsub_agent_signs_for_notify_push,
    google_cloud_run_v2_service_iam_member.order_events_push_invokes_order_event_webhooks,
    google_service_account_iam_member.pubsub_agent_signs_for_order_events_push,
  ]
}
