#!/usr/bin/env bash
# Checks the Terraform configuration: `terraform fmt -check`, `terraform validate` and `terraform test`
# (terraform/tests/*.tftest.hcl, plan-only with mock providers).
#
# Providers, in this order:
#   1. the real ones, when `terraform -chdir=terraform init -backend=false` has installed them
#      (a machine with registry access: run that once, then this script gives the same checks
#      against the real provider code);
#   2. otherwise the offline stand-in, tools/tf-schema-provider from the shared folder beside the
#      clone (../shared) or TF_SCHEMA_PROVIDER=path: it serves the google, google-beta, archive and
#      time schemas (v7.45 of google), so validate and the mock-provider tests run without a registry.
#      Its set-up goes to .tools/tf-schema-provider; the shared folder itself is only read.
# Without either, fmt still runs and the rest fails (CI) or is skipped with the reason (elsewhere).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tf_dir="$root/terraform"
export CHECKPOINT_DISABLE=1

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform-validate: terraform is not installed; nothing checked" >&2
  exit 1
fi

echo "terraform-validate: terraform fmt -check -recursive terraform"
terraform -chdir="$root" fmt -check -recursive terraform

providers="$tf_dir/.terraform/providers/registry.terraform.io/hashicorp"
missing=()
for p in google google-beta archive time random; do
  [ -d "$providers/$p" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "terraform-validate: using the installed providers"
else
  stand_in="${TF_SCHEMA_PROVIDER:-$root/../shared/tools/tf-schema-provider}"
  # A fresh clone in a temp folder (how CI is run by hand) has no shared folder beside it: the one
  # beside the repository it was cloned from serves as well, when that origin is a local path.
  origin="$(git -C "$root" config --get remote.origin.url 2>/dev/null || true)"
  if [ -z "${TF_SCHEMA_PROVIDER:-}" ] && [ ! -x "$stand_in/setup.sh" ] && [ -n "$origin" ] && [ -d "$origin" ]; then
    stand_in="$(cd "$origin" && pwd)/../shared/tools/tf-schema-provider"
  fi
  if [ ! -x "$stand_in/setup.sh" ]; then
    msg="provider(s) not installed (${missing[*]}) and no stand-in at $stand_in (set TF_SCHEMA_PROVIDER)."
    hint="Run 'terraform -chdir=terraform init -backend=false' where the Terraform registry is reachable, then re-run."
    # CI=true, CI=1, anything but empty/false: a CI run that cannot validate must fail, not pass.
    if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; then
      echo "terraform-validate: FAILED: $msg" >&2
      echo "  $hint" >&2
      exit 1
    fi
    echo "terraform-validate: SKIPPED validate and test: $msg"
    echo "  $hint"
    exit 0
  fi
  echo "terraform-validate: using the schema stand-in at $stand_in (offline; real provider schemas, no API calls)"
  # setup.sh prints the two exports; it needs Node 20+ and the npm registry (or cache) once.
  eval "$("$stand_in/setup.sh" "$root/.tools/tf-schema-provider")"
  # With dev_overrides `terraform init` is neither needed nor possible offline; `get` fetches local modules.
  terraform -chdir="$tf_dir" get >/dev/null
fi

# The stand-in prints a "Provider development overrides are in effect" warning on every command; it is expected.
echo "terraform-validate: terraform validate"
terraform -chdir="$tf_dir" validate -no-color

echo "terraform-validate: terraform test"
terraform -chdir="$tf_dir" test -no-color
