#!/usr/bin/env bash
# Search quality benchmark: N real bulletins (../shared/corpus/make-bulletins.py, default
# 20,000) built with bantin; two query sets from bench/search-queries.py, `tune` (what the
# ranking was tuned on) and `report` (from the other half of the bulletins, never tuned on);
# top-1, top-3 and MRR@10 per query class through the site's own search.js
# (bench/search-quality.js), with the bytes each cold query fetched; what the search page
# loads before the first query; and the search stage's share of a clean build.
# When `pagefind` is on PATH (or PAGEFIND names it; `npm install pagefind@1.6`), Pagefind
# indexes the same pages (--root-selector article, the same URLs) and answers the report set.
#
#   bench/search-quality.sh [N]        (WORK=dir keeps the site between runs)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
MAKE=../shared/corpus/make-bulletins.py
[ -f "$MAKE" ] || { echo "needs $MAKE" >&2; exit 2; }
cargo build --release --quiet
BANTIN=$PWD/target/release/bantin
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
if [ ! -d "$WORK/content" ]; then
  python3 "$MAKE" --count "$N" --out "$WORK/content" >/dev/null
  printf 'title = "Bench"\nbase_url = "https://bench.example/"\nlanguage = "vi"\n' > "$WORK/site.toml"
fi
"$BANTIN" build --root "$WORK" --clean --timings > "$WORK/timings.txt" 2>&1 || { cat "$WORK/timings.txt"; exit 1; }
echo "== clean build, stage times (--timings)"
cat "$WORK/timings.txt"
for set in tune report; do
  [ -f "$WORK/q-$set.jsonl" ] || python3 bench/search-queries.py "$WORK/content" --set "$set" > "$WORK/q-$set.jsonl"
done
PUB=$WORK/public
page=0
for f in search/index.html style.css search.css search.js search/manifest.json favicon.svg; do
  page=$(( page + $(stat -c %s "$PUB/$f") ))
done
echo "== the search page before the first query (HTML, CSS, JS, manifest, icon; uncompressed): $(( page / 1024 )) KB"
echo "== bantin, tune set"
node bench/search-quality.js "$PUB" "$WORK/q-tune.jsonl"
echo "== bantin, report set"
node bench/search-quality.js "$PUB" "$WORK/q-report.jsonl"
PAGEFIND=${PAGEFIND:-$(command -v pagefind || true)}
if [ -n "$PAGEFIND" ]; then
  [ -f "$PUB/pagefind/pagefind.js" ] || "$PAGEFIND" --site "$PUB" --root-selector article --output-path "$PUB/pagefind" >/dev/null
  echo "== Pagefind, report set"
  node bench/search-quality.js "$PUB" "$WORK/q-report.jsonl" --pagefind
else
  echo "(no pagefind on PATH: npm install pagefind@1.6, then PAGEFIND=node_modules/.bin/pagefind)"
fi
