output "name" {
  description = "Function name, which is also its Cloud Run service name."
  value       = google_cloudfunctions2_function.this.name
}

output "uri" {
  description = "run.app URI of the underlying Cloud Run service; Cloud Scheduler and Pub/Sub push use it (and as OIDC audience)."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "url" {
  description = "Stable https://REGION-PROJECT.cloudfunctions.net/NAME URL."
  value       = google_cloudfunctions2_function.this.url
}
