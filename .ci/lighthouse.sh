#!/usr/bin/env bash
# Lighthouse (mobile preset, Debian's Chromium) on pages of a built site, served locally;
# fails when a page scores under the budget: performance 95, accessibility, best practices and
# SEO 100, and any layout shift.
#   .ci/lighthouse.sh PUBLIC_DIR PATH... (e.g. / /thoi-su/ /search/)
# Needs `npm install --prefix .ci/node lighthouse@12.2.3`; reports go to target/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
public=$(cd "$1" && pwd); shift
lighthouse=.ci/node/node_modules/.bin/lighthouse
out=target/lighthouse
mkdir -p "$out"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$public" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 -c 'import sys, time, urllib.request
for _ in range(100):
    try: urllib.request.urlopen(sys.argv[1]); break
    except OSError: time.sleep(0.1)' "http://127.0.0.1:$port/"
reports=()
for path in "$@"; do
  name=$(echo "$path" | tr -c 'a-zA-Z0-9\n' '_')
  report="$out/page$name.json"
  # Runs as root on CI: Chromium's sandbox needs a user namespace it may not have.
  "$lighthouse" "http://127.0.0.1:$port$path" --quiet --output=json --output-path="$report" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-path="$(command -v chromium)" --chrome-flags="--headless=new --no-sandbox --disable-gpu"
  reports+=("$report")
done
python3 .ci/lighthouse-check.py "${reports[@]}"
