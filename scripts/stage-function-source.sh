#!/usr/bin/env bash
# Stages exactly what the Cloud Run functions need into terraform/build/function-source:
# package.json, package-lock.json and the compiled dist/. Terraform zips that directory and names the
# upload by its hash, so an unchanged build deploys nothing. Run after `npm ci && npm run build`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/terraform/build/function-source"

if [ ! -f "$root/dist/functions/index.js" ]; then
  echo "stage-function-source: dist/functions/index.js is missing; run 'npm ci && npm run build' first" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
cp "$root/package-lock.json" "$out/"
# Only compiled code ships; source maps stay (stack traces in Cloud Logging point at .ts lines).
cp -R "$root/dist" "$out/dist"
# The staged package.json gets an empty gcp-build, the buildpack's documented way to skip its build
# step: the zip has no TypeScript sources or dev dependencies, and dist/ is already compiled.
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  pkg.scripts = { ...(pkg.scripts ?? {}), "gcp-build": "" };
  fs.writeFileSync(process.argv[2], JSON.stringify(pkg, null, 2) + "\n");
' "$root/package.json" "$out/package.json"

# Identical builds must produce identical zips, so timestamps must not leak into them.
find "$out" -exec touch -h -d '2000-01-01T00:00:00Z' {} +
echo "stage-function-source: staged $(find "$out" -type f | wc -l) files in ${out#"$root"/}"
