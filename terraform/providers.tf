# Credentials come from Application Default Credentials (`gcloud auth application-default login`);
# nothing secret is configured here.
provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = local.labels
}

# Kept in step with `google` for resources that only exist in beta. Nothing in this configuration
# needs it today; it is declared so adding a beta-only resource does not mean a provider upgrade.
provider "google-beta" {
  project = var.project_id
  region  = var.region

  default_labels = local.labels
}
