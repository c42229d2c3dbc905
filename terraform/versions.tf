terraform {
  # 1.6: `check` blocks, lifecycle preconditions on data sources and the test framework are all stable.
  required_version = ">= 1.6"

  required_providers {
    # 7.21 is the first release with Direct VPC egress on google_cloudfunctions2_function
    # (service_config.direct_vpc_network_interface / direct_vpc_egress).
    google = {
      source  = "hashicorp/google"
      version = "~> 7.21"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 7.21"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
    # time_sleep: waits for IAM grants to propagate before they are used (iam-wait.tf).
    time = {
      source  = "hashicorp/time"
      version = "~> 0.12"
    }
    # random_password: the postback URL token (secrets.tf).
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}
