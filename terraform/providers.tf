# Credentials come from Application Default Credentials (`gcloud auth application-default login`);
# nothing secret is configured here.
provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = local.labels
}

# Kept in step with `google` for beta-only resources: today google_project_service_identity, which
# makes the Pub/Sub service agent exist before pubsub.tf grants it anything.
provider "google-beta" {
  project = var.project_id
  region  = var.region

  default_labels = local.labels
}
