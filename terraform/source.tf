# The function source is the compiled build, not the TypeScript tree:
#   npm ci && npm run build && scripts/stage-function-source.sh
# stages package.json, package-lock.json and dist/ into terraform/build/function-source, and this zips
# exactly that directory. An allow-list of what ships (rather than zipping the repo with excludes)
# means a stray .env or test fixture can never end up in a deployed image.
locals {
  function_source_dir = coalesce(var.function_source_dir, "${path.module}/build/function-source")
}

data "archive_file" "function_source" {
  type             = "zip"
  source_dir       = local.function_source_dir
  output_path      = "${path.module}/build/function-source.zip"
  output_file_mode = "0644"

  lifecycle {
    precondition {
      condition     = fileexists("${local.function_source_dir}/dist/functions/main.cjs") && fileexists("${local.function_source_dir}/package-lock.json")
      error_message = "No staged build in ${local.function_source_dir}. Run `npm ci && npm run build && scripts/stage-function-source.sh` in the repository root first."
    }
  }
}

resource "google_storage_bucket_object" "function_source" {
  # Named by content hash: an unchanged build keeps the same object and no function is redeployed;
  # any change produces a new object, which every function picks up on the same apply.
  name         = "function-source/${data.archive_file.function_source.output_sha256}.zip"
  bucket       = google_storage_bucket.source.name
  source       = data.archive_file.function_source.output_path
  content_type = "application/zip"

  lifecycle {
    precondition {
      condition     = var.broker == "paper" || var.fyers_app_id != ""
      error_message = "broker = \"fyers\" needs fyers_app_id (the functions refuse to start without it)."
    }
  }
}

# Built images go to a repository this configuration owns, so the build account needs write access to
# it alone, and old images are cleaned up instead of accumulating storage cost.
resource "google_artifact_registry_repository" "functions" {
  repository_id = "${local.prefix}-functions"
  location      = var.region
  format        = "DOCKER"
  description   = "Images Cloud Build produces for the ${local.prefix} functions."

  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.this]
}
