#!/usr/bin/env bash
# Build benchmark: full (clean) builds, a one-bulletin edit-rebuild (incremental), a new
# bulletin published (incremental), a rebuild with nothing changed, and `serve`'s
# save-to-page latency: median/min/max wall time and peak RSS over RUNS runs, for each N.
# Bulletins come from ../shared/corpus/make-bulletins.py.
# When `hugo` is on PATH, the same bulletins are built in the same run with Hugo, through a
# comparable theme (bench/hugo-site), for a ratio; when `pagefind` is on PATH too (or PAGEFIND
# names it), Hugo plus Pagefind as well, which is Hugo with a search index.
#
#   bench/build-bench.sh [N ...]          (default: 1000 10000 20000; RUNS=5; OUT_ON=tmpfs|disk)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=${*:-1000 10000 20000}
MAKE=../shared/corpus/make-bulletins.py
[ -f "$MAKE" ] || { echo "needs $MAKE" >&2; exit 2; }
cargo build --release --quiet
BANTIN=$PWD/target/release/bantin
WORK=$(mktemp -d)
OUTBASE=$WORK
[ "${OUT_ON:-tmpfs}" = tmpfs ] && [ -d /dev/shm ] && OUTBASE=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$WORK" "$OUTBASE"' EXIT

# shellcheck source=bench/stats.sh
source bench/stats.sh

for n in $SIZES; do
  site=$WORK/site-$n
  mkdir -p "$site"
  python3 "$MAKE" --count "$n" --out "$site/content" $([ "$n" -gt 20000 ] && echo --repeat) >/dev/null
  printf 'title = "Bench"\nbase_url = "https://bench.example/"\n' > "$site/site.toml"
  echo "== $n bulletins ($(du -sh "$site/content" | cut -f1) of Markdown), output on ${OUT_ON:-tmpfs}"
  printf 'search = false\n' >> "$site/site.toml"
  stats "bantin build --clean (no search)" "$BANTIN" --root "$site" build --quiet --clean --out "$OUTBASE/out-$n"
  sed -i '/^search = false$/d' "$site/site.toml"
  stats "bantin build --clean (with search)" "$BANTIN" --root "$site" build --quiet --clean --out "$OUTBASE/out-$n"
  ours=$(cat "$WORK/last")
  # Incremental: one bulletin's body edited (a new sentence), then `build`.
  one=$(find "$site/content" -name '*.md' | sort | sed -n 1p)
  "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"
  edit() { printf '\nThêm một câu số %s về Đà Nẵng.\n' "$RANDOM" >> "$one"; "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"; }
  export -f edit; export one site BANTIN OUTBASE n
  stats "edit one bulletin, build" bash -c edit
  # Publishing: a new bulletin, newer than every other (as a newsroom's day goes), then `build`.
  echo 0 > "$WORK/published"
  publish() {
    local k; k=$(( $(cat "$WORK/published") + 1 )); echo "$k" > "$WORK/published"
    mkdir -p "$site/content/new"
    printf -- '---\ntitle: "Tin mới số %s"\ndate: 2026-11-01T%02d:%02d:00+07:00\nauthor: "Phóng viên"\ntags: ["Thời sự", "Đà Nẵng"]\n---\n\nMưa lớn ở Đà Nẵng, tin số %s.\n' \
      "$k" $(( k / 60 )) $(( k % 60 )) "$k" > "$site/content/new/tin-$k.md"
    "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"
  }
  export -f publish; export WORK
  stats "publish a new bulletin, build" bash -c publish
  # Nothing changed (files older than the 2 s a racy time stamp is distrusted for).
  sleep 2.1; "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"
  stats "nothing changed, build" "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"
  python3 bench/serve-latency.py "$BANTIN" "$site" "$RUNS"
  if command -v hugo >/dev/null; then
    # A Hugo site comparable to bantin's default theme (bench/hugo-site: bulletin pages with
    # related bulletins, paginated home, tag and author pages, feeds, sitemap).
    hsite=$WORK/hugo-$n
    mkdir -p "$hsite/content/posts"
    cp -r bench/hugo-site/. "$hsite/"
    python3 "$MAKE" --count "$n" --out "$hsite/content/posts" --format hugo $([ "$n" -gt 20000 ] && echo --repeat) >/dev/null
    stats "hugo (no search)" hugo --quiet -s "$hsite" --baseURL https://bench.example/ -d "$OUTBASE/hugo-$n"
    hugo_time=$(cat "$WORK/last")
    python3 -c "import sys; print(f\"   hugo / bantin (with search): {float(sys.argv[1]) / float(sys.argv[2]):.2f}x\")" "$hugo_time" "$ours"
    # Pagefind (on PATH, or PAGEFIND=path) indexes the bulletins Hugo wrote: Hugo's search.
    pagefind=${PAGEFIND:-$(command -v pagefind || true)}
    if [ -n "$pagefind" ]; then
      export pagefind hsite OUTBASE n
      stats "hugo + pagefind (with search)" bash -c 'rm -rf "$OUTBASE/hugo-$n" && hugo --quiet -s "$hsite" --baseURL https://bench.example/ -d "$OUTBASE/hugo-$n" && "$pagefind" --quiet --site "$OUTBASE/hugo-$n"'
      python3 -c "import sys; print(f\"   hugo + pagefind / bantin (with search): {float(sys.argv[1]) / float(sys.argv[2]):.2f}x\")" "$(cat "$WORK/last")" "$ours"
    fi
  fi
done
