#!/usr/bin/env bash
# The posture report (`polic report`) of examples/acme, with a small recorded history,
# opened in a real headless browser (Debian's chromium driven by Playwright) with the
# network off: no request, no console error, every internal link resolves, one heatmap
# cell per app × family, no serious or critical axe-core violation; a screenshot is kept in
# tests/browser/artifacts/. Usage: tests/browser/run.sh [PYTEST ARGS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv_name=browser-venv
# shellcheck source=../python-env.sh
source "$here/../python-env.sh"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
cd "$here"
npm ci --silent --no-audit --no-fund
artifacts="$here/artifacts"
rm -rf "$artifacts" && mkdir -p "$artifacts"
store="$artifacts/history.sqlite"
acme="$root/examples/acme"
for at in 2026-09-01 2026-10-15; do
  "$POLIC" eval "$acme" --at "$at" --record --store "$store" --format json >/dev/null
done
"$POLIC" eval "$acme" --at 2026-11-22 --format json >"$artifacts/snapshot.json" || true
"$POLIC" report "$acme" --at 2026-11-22 --store "$store" -o "$artifacts/report.html"
export REPORT="$artifacts/report.html" SNAPSHOT="$artifacts/snapshot.json" ARTIFACTS="$artifacts"
exec "$VENV/bin/pytest" -p no:cacheprovider "$@"
