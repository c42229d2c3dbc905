# A thin wrapper over google_cloudfunctions2_function so every function shares one shape and differs
# only in the values passed in.
resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  location    = var.region
  name        = var.name
  description = var.description

  build_config {
    runtime           = var.runtime
    entry_point       = var.entry_point
    service_account   = var.build_service_account_id
    docker_repository = var.docker_repository_id

    # No build-time environment: the staged package.json carries an empty gcp-build script, so the
    # buildpack installs production dependencies and does not try to compile (the zip holds dist/
    # only). An empty GOOGLE_NODE_RUN_SCRIPTS here would do the same, but an empty value risks a
    # permanent plan diff, which would redeploy every function on every apply.

    source {
      storage_source {
        bucket = var.source_bucket
        object = var.source_object
      }
    }

    # Security patches of the Node runtime base image are applied without a redeploy.
    automatic_update_policy {}
  }

  service_config {
    available_memory = var.memory
    # null leaves the field to the API (Optional+Computed in the provider), so there is nothing to diff.
    available_cpu                    = var.cpu
    max_instance_request_concurrency = var.concurrency
    timeout_seconds                  = var.timeout_seconds
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    ingress_settings                 = var.ingress
    all_traffic_on_latest_revision   = true
    service_account_email            = var.service_account_email
    environment_variables            = var.environment

    dynamic "secret_environment_variables" {
      for_each = var.secret_environment
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }

    dynamic "direct_vpc_network_interface" {
      for_each = var.static_egress == null ? [] : [var.static_egress]
      content {
        network    = direct_vpc_network_interface.value.network
        subnetwork = direct_vpc_network_interface.value.subnetwork
      }
    }
    # ALL_TRAFFIC, not private ranges only: the point is that calls to public Fyers endpoints leave
    # through the NAT's static IP. Google APIs stay on Private Google Access (see network.tf).
    direct_vpc_egress = var.static_egress == null ? null : "VPC_EGRESS_ALL_TRAFFIC"
  }

  lifecycle {
    precondition {
      condition     = var.cpu != null || var.concurrency == 1
      error_message = "${var.name}: a memory-derived (fractional) CPU only serves one request at a time; set concurrency = 1 or cpu = \"1\"."
    }
  }

  timeouts {
    create = "20m"
    update = "20m"
  }
}
