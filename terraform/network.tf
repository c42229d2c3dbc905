# Static egress for Fyers. Since 1 April 2026 Fyers accepts order requests only from the static IP
# registered on the app, so every function that may place, modify or cancel orders (and the session
# functions, to keep one identity towards Fyers) sends all traffic into this VPC (Direct VPC egress,
# ALL_TRAFFIC) and out through Cloud NAT, which uses only the reserved address below.
#
# Google APIs (Firestore, Secret Manager, Storage, Pub/Sub) are reached over Private Google Access on
# the subnet, so they neither need nor pay for NAT.

resource "google_compute_network" "egress" {
  name                    = "${local.prefix}-egress"
  description             = "Carries the egress of functions that call Fyers order APIs to Cloud NAT."
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"

  depends_on = [google_project_service.this]
}

resource "google_compute_subnetwork" "egress" {
  name                     = "${local.prefix}-egress-${var.region}"
  region                   = var.region
  network                  = google_compute_network.egress.id
  ip_cidr_range            = var.egress_subnet_cidr
  private_ip_google_access = true
}

# No firewall rules: a new VPC denies all ingress and allows all egress, which is exactly what is needed.

resource "google_compute_address" "egress" {
  name         = "${local.prefix}-fyers-egress"
  description  = "Whitelisted on the Fyers app. Losing it means re-registering a new IP at Fyers."
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "PREMIUM"

  depends_on = [google_project_service.this]

  lifecycle {
    # Fyers limits how often the registered IP may change; a destroy/recreate must be deliberate.
    prevent_destroy = true
  }
}

resource "google_compute_router" "egress" {
  name    = "${local.prefix}-egress"
  region  = var.region
  network = google_compute_network.egress.id
}

resource "google_compute_router_nat" "egress" {
  name   = "${local.prefix}-egress"
  router = google_compute_router.egress.name
  region = var.region

  # MANUAL_ONLY: NAT never picks an ephemeral address, so Fyers only ever sees the whitelisted one.
  nat_ip_allocate_option = "MANUAL_ONLY"
  nat_ips                = [google_compute_address.egress.self_link]

  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"
  subnetwork {
    name                    = google_compute_subnetwork.egress.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}
