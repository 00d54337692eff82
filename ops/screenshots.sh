#!/usr/bin/env bash
# The pictures of the product in docs/images (a daily digest, a trending ranking, the front page at
# 375 px): taken from a demo run by headless Chromium, never edited by hand. Needs chromium, as the
# browser tests do (apt-get install chromium). Usage: ops/screenshots.sh [PORT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${1:-18080}"
work="$(mktemp -d)"
trap 'kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/paper-alerts" demo --out "$work/emails" --port "$port" --serve > "$work/demo.log" 2>&1 &
demo=$!
for _ in $(seq 1 180); do
  grep -q "^Serving" "$work/demo.log" && break
  kill -0 "$demo" 2>/dev/null || { cat "$work/demo.log" >&2; exit 1; }
  sleep 1
done
grep -q "^Serving" "$work/demo.log" || { echo "The demo did not start serving" >&2; exit 1; }

shot() {  # width height output url
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=5000 \
    --window-size="$1,$2" --screenshot="$root/docs/images/$3" "$4" > /dev/null 2>&1
  echo "docs/images/$3"
}
shot 700 1500 email-daily-digest.png "file://$(ls "$work"/emails/*grace@example.org.html | head -1)"
shot 700 1100 email-trending.png "file://$(ls "$work"/emails/*alan@example.org.html | head -1)"
shot 375 812 front-page-375.png "http://localhost:$port/"
