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

# What the plan tests (terraform/tests) assert on; the root module cannot see inside this one otherwise.
output "runtime" {
  description = "Runtime id the function is built for."
  value       = google_cloudfunctions2_function.this.build_config[0].runtime
}

output "service_account_email" {
  description = "Runtime identity of the function."
  value       = var.service_account_email
}

output "min_instances" {
  description = "Instances kept warm."
  value       = google_cloudfunctions2_function.this.service_config[0].min_instance_count
}

output "ingress" {
  description = "Ingress setting."
  value       = google_cloudfunctions2_function.this.service_config[0].ingress_settings
}

output "egress" {
  description = "Direct VPC egress of the function: network, subnetwork and which traffic goes through it (null when none)."
  value = var.static_egress == null ? null : {
    network    = google_cloudfunctions2_function.this.service_config[0].direct_vpc_network_interface[0].network
    subnetwork = google_cloudfunctions2_function.this.service_config[0].direct_vpc_network_interface[0].subnetwork
    traffic    = google_cloudfunctions2_function.this.service_config[0].direct_vpc_egress
  }
}
