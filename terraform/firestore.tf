resource "google_firestore_database" "this" {
  project     = var.project_id
  name        = var.firestore_database_id
  location_id = local.firestore_location
  type        = "FIRESTORE_NATIVE"

  # Pessimistic transactions: the idempotency claim relies on a transaction that locks what it reads.
  concurrency_mode            = "PESSIMISTIC"
  app_engine_integration_mode = "DISABLED"

  # The audit trail and idempotency records outlive any one deployment: never delete them by accident.
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.this]
}

# Idempotency records delete themselves once expiresAt passes, so no clean-up job is needed.
# Firestore TTL only acts on Timestamp values: the store must write expiresAt as a Timestamp/Date.
# index_config {} drops the single-field indexes a monotonically rising timestamp would hot-spot.
resource "google_firestore_field" "idempotency_expires_at" {
  project    = var.project_id
  database   = google_firestore_database.this.name
  collection = "idempotency"
  field      = "expiresAt"

  ttl_config {}
  index_config {}
}

# "What happened today?" with a status filter, newest first.
resource "google_firestore_index" "audit_by_day_status" {
  project    = var.project_id
  database   = google_firestore_database.this.name
  collection = "audit"

  fields {
    field_path = "day"
    order      = "ASCENDING"
  }
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "receivedAt"
    order      = "DESCENDING"
  }
}

# The same without a status filter; the three-field index above cannot serve it.
resource "google_firestore_index" "audit_by_day" {
  project    = var.project_id
  database   = google_firestore_database.this.name
  collection = "audit"

  fields {
    field_path = "day"
    order      = "ASCENDING"
  }
  fields {
    field_path = "receivedAt"
    order      = "DESCENDING"
  }
}
