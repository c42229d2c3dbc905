output "webhook_url" {
  description = "Paste into the TradingView alert's Webhook URL field."
  value       = module.function["webhook"].url
}

output "auth_url" {
  description = "Starts the daily Fyers login; open it on your phone and enter the operator key (controls-key). With public_login = false it is private: open it through `gcloud run services proxy` (docs/deploy.md)."
  value       = module.function["authUrl"].url
}

output "auth_url_service" {
  description = "Cloud Run service name of authUrl, for `gcloud run services proxy`."
  value       = module.function["authUrl"].name
}

output "fyers_redirect_url" {
  description = "Set this as the Redirect URL of the Fyers app (myapi.fyers.in). It is the authCallback function."
  value       = local.auth_callback_url
}

output "static_egress_ip" {
  description = "Whitelist this IP on the Fyers app. Orders from any other address are refused by Fyers."
  value       = google_compute_address.egress.address
}

output "function_urls" {
  description = "Every function's URL, by code name."
  value       = { for k, m in module.function : k => m.url }
}

output "secrets_to_fill" {
  description = "Secret Manager secrets that need a value before the bridge can trade (docs/deploy.md shows the gcloud commands)."
  value       = sort(tolist(local.secret_ids))
}

output "tradingview_alert_template" {
  description = "Alert message for TradingView: the position template (the strategy says long, short or flat; the bridge buys a call, buys a put or holds nothing). Replace YOUR_WEBHOOK_SECRET with the webhook-secret value and nifty-trend with your strategy's id; TradingView fills the {{...}} placeholders. It never writes an option unless you add a mapping (docs/alerts.md)."
  # The same file the template test fires at the bridge (test/integration/alert-templates.e2e.test.ts).
  value = file("${path.module}/templates/tradingview-alert.json")
}

output "console_url" {
  description = "The operator's phone page (session, kill switch, today's alerts and orders). Protected by the operator key (controls-key); with public_login = false also by IAM (open it through `gcloud run services proxy`)."
  value       = module.function["console"].url
}

output "fyers_postback_url" {
  description = "Paste this whole URL (it ends in the postback token) as the Postback URL of the Fyers app, with the fyers-postback-secret value as its secret (docs/deploy.md, step 6). `terraform output -raw fyers_postback_url` shows it."
  value       = "${module.function["orderUpdates"].url}/${random_password.postback_url_token.result}"
  sensitive   = true
}

output "region" {
  description = "Region of every function, for gcloud commands (`--region`)."
  value       = var.region
}
