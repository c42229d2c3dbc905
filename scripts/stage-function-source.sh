#!/usr/bin/env bash
# Stages exactly what the Cloud Run functions need into terraform/build/function-source:
# package.json, package-lock.json, the compiled dist/ and the compile-cache builder. Terraform zips that directory and names the
# upload by its hash, so an unchanged build deploys nothing. Run after `npm ci && npm run build`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/terraform/build/function-source"

if [ ! -f "$root/dist/functions/main.cjs" ]; then
  echo "stage-function-source: dist/functions/main.cjs (the package's main) is missing; run 'npm ci && npm run build' first" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
cp "$root/package-lock.json" "$out/"
# Only compiled code ships; source maps stay (stack traces in Cloud Logging point at .ts lines).
cp -R "$root/dist" "$out/dist"
# Node's compile cache is not byte-identical from one build to the next, so a cached copy would
# change the zip (and redeploy every function) on every build. It is built where it runs instead.
rm -rf "$out/dist/.compile-cache" "$out/dist/.build-stamp"
mkdir -p "$out/scripts"
cp "$root/scripts/build-compile-cache.mjs" "$out/scripts/"
# The staged package.json's gcp-build replaces the TypeScript build (the zip has no sources or dev
# dependencies; dist/ is already compiled) with the compile cache: the buildpack runs it after
# installing the dependencies, with the Node the functions run on, so every instance of this
# deployment starts from cached code (functions/compile-cache.ts). It never fails the build.
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  pkg.scripts = { ...(pkg.scripts ?? {}), "gcp-build": "node scripts/build-compile-cache.mjs" };
  fs.writeFileSync(process.argv[2], JSON.stringify(pkg, null, 2) + "\n");
' "$root/package.json" "$out/package.json"

# Identical builds must produce identical zips, so timestamps must not leak into them.
find "$out" -exec touch -h -d '2000-01-01T00:00:00Z' {} +
echo "stage-function-source: staged $(find "$out" -type f | wc -l) files in ${out#"$root"/}"
