#!/usr/bin/env bash
# install.sh — install playwright-core for the browser tests exactly as package-lock.json pins
# it (npm ci into tests/browser/node_modules), once per lockfile change. Builds that share the
# source tree take turns through a lock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null 2>&1 || { echo "browser tests: npm is missing (apt-get install npm)" >&2; exit 1; }
exec 9>"$here/.install.lock"
flock 9
if cmp -s "$here/package-lock.json" "$here/node_modules/.gavel-installed-lock" 2>/dev/null; then exit 0; fi
echo "browser tests: installing playwright-core from the npm registry (npm ci)" >&2
cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
cp package-lock.json node_modules/.gavel-installed-lock
