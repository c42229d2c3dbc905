#!/usr/bin/env bash
# First steps in a brand-new GCP project, before `terraform init`/`apply` (docs/deploy.md, step 2).
# Safe to run again: every step checks first and changes only what is missing.
#
#   scripts/bootstrap-project.sh PROJECT_ID
#
# 1. checks that gcloud is signed in, billing is on, and the caller holds the roles a deploy needs;
# 2. makes PROJECT_ID gcloud's current project;
# 3. makes sure Application Default Credentials (what Terraform uses) exist and bill their API quota
#    to PROJECT_ID: created after the project is set, so the quota project is this one, not whatever
#    gcloud pointed at before;
# 4. enables the Service Usage and Cloud Resource Manager APIs, which Terraform itself calls to enable
#    every other API (google_project_service) and to read the project (data.google_project); a new
#    project has neither.
# Environment: BOOTSTRAP_NO_LOGIN=1 never opens a browser (fails instead, e.g. in scripts).
set -euo pipefail

die() {
  echo "bootstrap: $*" >&2
  exit 1
}
say() { echo "bootstrap: $*"; }

usage() {
  cat <<USAGE
usage: $0 PROJECT_ID

First steps in a new GCP project before terraform apply (docs/deploy.md, step 2): checks that gcloud
is signed in, billing is on and you hold the roles a deploy needs; makes PROJECT_ID the current
project; creates Application Default Credentials billed to it; enables the Service Usage and Cloud
Resource Manager APIs. Safe to run again.

  BOOTSTRAP_NO_LOGIN=1   never open a browser (fail instead)
USAGE
}
case "${1:-}" in
  -h | --help | help)
    usage
    exit 0
    ;;
  -*) usage >&2; die "unknown option $1" ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 1; }
project="$1"
[[ "$project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || die "\"$project\" is not a project id (6-30 lowercase letters, digits, hyphens)"
command -v gcloud >/dev/null 2>&1 || die "gcloud is not installed: https://cloud.google.com/sdk/docs/install"

# --- 1. who is calling, and may they? ---------------------------------------------------------
account="$(gcloud auth list --filter=status:ACTIVE --format='value(account)' 2>/dev/null | head -n1)"
if [ -z "$account" ]; then
  [ "${BOOTSTRAP_NO_LOGIN:-}" = 1 ] && die "gcloud is not signed in; run: gcloud auth login"
  say "signing in to gcloud"
  gcloud auth login
  account="$(gcloud auth list --filter=status:ACTIVE --format='value(account)' | head -n1)"
fi
say "signed in as $account"

billing="$(gcloud billing projects describe "$project" --format='value(billingEnabled)' 2>/dev/null || echo unknown)"
case "$billing" in
  True | true) say "billing is enabled on $project" ;;
  False | false) die "billing is not enabled on $project. Link a billing account: gcloud billing projects link $project --billing-account=ACCOUNT_ID (gcloud billing accounts list shows yours)" ;;
  *) say "WARNING: could not read the billing state of $project (no access to the billing account?). Functions, Cloud NAT and the static IP need billing; check it in the console." ;;
esac

# Roles granted to the account directly. Owner covers everything; otherwise these are what a deploy
# creates or grants with. Grants through groups are not visible here, hence a warning, not a failure.
needed_roles=(
  roles/resourcemanager.projectIamAdmin roles/iam.serviceAccountAdmin roles/iam.serviceAccountUser
  roles/serviceusage.serviceUsageAdmin roles/cloudfunctions.admin roles/run.admin roles/cloudbuild.builds.editor
  roles/artifactregistry.admin roles/compute.networkAdmin roles/secretmanager.admin roles/datastore.owner
  roles/pubsub.admin roles/cloudscheduler.admin roles/storage.admin roles/logging.configWriter roles/monitoring.editor
)
kind=user
[[ "$account" == *.gserviceaccount.com ]] && kind=serviceAccount
if held="$(gcloud projects get-iam-policy "$project" --flatten='bindings[].members' \
  --filter="bindings.members:$kind:$account" --format='value(bindings.role)' 2>/dev/null)"; then
  if grep -qx 'roles/owner' <<<"$held"; then
    say "$account is Owner of $project"
  else
    missing=()
    for r in "${needed_roles[@]}"; do grep -qx "$r" <<<"$held" || missing+=("$r"); done
    if [ ${#missing[@]} -gt 0 ]; then
      say "WARNING: $account is not Owner of $project and holds none of these directly: ${missing[*]}"
      say "  If a group grants them, carry on; otherwise ask for Owner or those roles before terraform apply."
    fi
  fi
else
  die "cannot read the IAM policy of $project as $account: the project does not exist or you have no role on it"
fi

# --- 2. the current project -------------------------------------------------------------------
if [ "$(gcloud config get-value project 2>/dev/null)" != "$project" ]; then
  gcloud config set project "$project"
fi
say "gcloud's current project is $project"

# --- 3. Application Default Credentials, billed to this project -------------------------------
adc_file="${CLOUDSDK_CONFIG:-$HOME/.config/gcloud}/application_default_credentials.json"
[ -n "${GOOGLE_APPLICATION_CREDENTIALS:-}" ] && say "WARNING: GOOGLE_APPLICATION_CREDENTIALS is set; Terraform will use that file, not the credentials made here"
if ! gcloud auth application-default print-access-token >/dev/null 2>&1; then
  [ "${BOOTSTRAP_NO_LOGIN:-}" = 1 ] && die "no Application Default Credentials; run: gcloud auth application-default login"
  say "creating Application Default Credentials (a browser opens)"
  gcloud auth application-default login
fi
quota="$(sed -n 's/.*"quota_project_id": *"\([^"]*\)".*/\1/p' "$adc_file" 2>/dev/null | head -n1)"
if [ "$quota" != "$project" ]; then
  gcloud auth application-default set-quota-project "$project"
fi
say "Application Default Credentials bill quota to $project"

# --- 4. the two APIs Terraform needs before it can enable the rest -----------------------------
enabled="$(gcloud services list --enabled --project "$project" --format='value(config.name)' 2>/dev/null || true)"
to_enable=()
for api in serviceusage.googleapis.com cloudresourcemanager.googleapis.com; do
  grep -qx "$api" <<<"$enabled" || to_enable+=("$api")
done
if [ ${#to_enable[@]} -gt 0 ]; then
  gcloud services enable "${to_enable[@]}" --project "$project"
fi
say "serviceusage and cloudresourcemanager are enabled on $project"

cat <<EOF
bootstrap: done. Next (docs/deploy.md, steps 3-4):
  npm ci && npm run build && scripts/stage-function-source.sh
  terraform -chdir=terraform init
  terraform -chdir=terraform apply
EOF
