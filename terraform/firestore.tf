resource "google_firestore_database" "this" {
  project     = var.project_id
  name        = var.firestore_database_id
  location_id = local.firestore_location
  type        = "FIRESTORE_NATIVE"

  # Pessimistic transactions: the idempotency claim relies on a transaction that locks what it reads.
  concurrency_mode            = "PESSIMISTIC"
  app_engine_integration_mode = "DISABLED"

  # Any minute of the last 7 days can be read back or restored into a new database (docs/recovery.md).
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"

  # The audit trail and idempotency records outlive any one deployment: never delete them by accident.
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.this]
}

# A daily backup kept for var.firestore_backup_retention_days, for mistakes noticed after PITR's 7 days
# and as the starting point of a redeploy into a new project (docs/recovery.md). The schedule lives and
# dies with the database; the backups themselves outlive both.
resource "google_firestore_backup_schedule" "daily" {
  project   = var.project_id
  database  = google_firestore_database.this.name
  retention = "${var.firestore_backup_retention_days * 86400}s"

  daily_recurrence {}
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
