variable "project_id" {
  description = "Project of the function."
  type        = string
}

variable "region" {
  description = "Region of the function."
  type        = string
}

variable "name" {
  description = "Cloud function (and Cloud Run service) name: lowercase letters, digits, hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.name))
    error_message = "name must be lowercase letters, digits or hyphens, at most 63 characters."
  }
}

variable "description" {
  description = "What the function is for."
  type        = string
}

variable "entry_point" {
  description = "Name registered with the Functions Framework in functions/index.ts."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.entry_point))
    error_message = "entry_point must be a JavaScript identifier."
  }
}

variable "runtime" {
  description = "Cloud Run functions runtime id."
  type        = string
}

variable "source_bucket" {
  description = "Bucket holding the source zip."
  type        = string
}

variable "source_object" {
  description = "Source zip object; its name carries the content hash, so a new build means a new object and a redeploy."
  type        = string
}

variable "build_service_account_id" {
  description = "Service account Cloud Build uses, as projects/PROJECT/serviceAccounts/EMAIL."
  type        = string
}

variable "docker_repository_id" {
  description = "Artifact Registry repository for the built image, as projects/PROJECT/locations/REGION/repositories/NAME."
  type        = string
}

variable "service_account_email" {
  description = "Runtime identity of the function."
  type        = string
}

variable "memory" {
  description = "Memory per instance, e.g. 256Mi or 1Gi."
  type        = string
}

variable "cpu" {
  description = <<-EOT
    Whole vCPUs per instance ("1", "2", ...), or null to take the default Cloud Run functions derives
    from the memory size (0.167 vCPU at 256Mi, 0.333 at 512Mi), which requires concurrency 1.
    Fractions are not written here: the API may answer a rounded value (0.1666 for 0.167) and the
    provider does not suppress that difference, so every apply would redeploy the function.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.cpu == null || can(regex("^[1-8]$", var.cpu))
    error_message = "cpu must be null (memory-derived fraction) or a whole number of vCPUs from 1 to 8."
  }
}

variable "concurrency" {
  description = "Requests one instance serves at once."
  type        = number

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be between 1 and 1000."
  }
}

variable "timeout_seconds" {
  description = "Request timeout."
  type        = number

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "timeout_seconds must be between 1 and 3600."
  }
}

variable "min_instances" {
  description = "Instances kept warm."
  type        = number
}

variable "max_instances" {
  description = "Upper bound on instances."
  type        = number
}

variable "ingress" {
  description = "ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  type        = string

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress)
    error_message = "ingress must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "environment" {
  description = "Plain environment variables. Never put secret values here; they would land in state and in the console."
  type        = map(string)
}

variable "secret_environment" {
  description = "Environment variable name => Secret Manager secret id, resolved (latest version) when an instance starts."
  type        = map(string)
  default     = {}
}

variable "static_egress" {
  description = "When set, all egress goes through this network/subnetwork (Direct VPC egress, ALL_TRAFFIC) and so through its Cloud NAT."
  type = object({
    network    = string
    subnetwork = string
  })
  default = null
}
