#!/usr/bin/env bash
# Renders a mindmill report in headless Chromium and saves a screenshot, to look at the page
# as a reader would. Installs Debian's chromium if it is missing (needs root).
# Usage: scripts/screenshot-report.sh REPORT_DIR [OUT.png]
set -euo pipefail
dir="$(realpath "$1")"
png="$(realpath -m "${2:-$dir/screenshot.png}")"
if ! command -v chromium >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size=1100,2600 --hide-scrollbars \
  --screenshot="$png" "file://$dir/report.html" 2>/dev/null
echo "wrote $png"
