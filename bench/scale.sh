#!/usr/bin/env bash
# Scale benchmark: an archive of N bulletins (default 100,000, 200,000 and 1,000,000, made by
# ../shared/corpus/make-bulletins.py --repeat), output on disk. For each N it prints wall time
# and peak RSS of
#   - the site's first build (into an empty folder; it also makes the spare tree),
#   - a clean build (`--clean`, over the previous one),
#   - one bulletin edited, then `build`,
#   - a new bulletin published, then `build`,
#   - a file saved again with the same text (its time stamp too fresh to trust), then `build`,
#   - nothing changed, then `build`,
# each the median of RUNS runs (the first build: one), and the output's size, its file count
# and its fullest folder (files and folders in it), and, with node on PATH, what a reader's
# first query downloads for a few queries. Extra build options go in BUILD_ARGS (e.g. BUILD_ARGS=--timings).
# Needs about 5 GB of disk per 200,000 bulletins (sources, output, spare tree and cache).
#
#   bench/scale.sh [N ...]          (RUNS=3; WORK=dir to keep the sites, else a temp dir;
#                                    BANTIN=binary to time, else this checkout's, built)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${*:-100000 200000 1000000}
MAKE=../shared/corpus/make-bulletins.py
[ -f "$MAKE" ] || { echo "needs $MAKE" >&2; exit 2; }
if [ -z "${BANTIN:-}" ]; then
  cargo build --release --quiet
  BANTIN=$PWD/target/release/bantin
fi
if [ -n "${WORK:-}" ]; then mkdir -p "$WORK"; else WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
export BANTIN WORK BUILD_ARGS=${BUILD_ARGS:-}

# shellcheck source=bench/stats.sh
source bench/stats.sh
LABEL_WIDTH=44

for n in $SIZES; do
  site=$WORK/site-$n
  if [ ! -f "$site/site.toml" ]; then
    mkdir -p "$site"
    python3 "$MAKE" --count "$n" --out "$site/content" $([ "$n" -gt 20000 ] && echo --repeat) >/dev/null
    printf 'title = "Bench"\nbase_url = "https://bench.example/"\nsearch = true\n' > "$site/site.toml"
  fi
  export site
  # shellcheck disable=SC2086 # BUILD_ARGS is split into words on purpose
  build() { "$BANTIN" --root "$site" build $BUILD_ARGS "$@"; }
  export -f build
  echo "== $n bulletins ($(du -sh "$site/content" | cut -f1) of Markdown), output on disk, $(nproc) cores"
  # The same site each run: no bulletin a previous run published.
  rm -rf "$site/public" "$site/.public.bantin-spare" "$site/.bantin" "$site/content/new"
  sync
  RUNS=1 stats "first build (and its spare tree)" bash -c build
  out=$site/public
  # (awk, not head: head would end the pipe early, which pipefail counts as a failure)
  fullest=$(find "$out" -mindepth 1 -printf '%h\n' | sort | uniq -c | sort -rn | awk 'NR == 1')
  printf '  output: %s, %d files; the fullest folder (%s) holds %d files and folders\n' \
    "$(du -sh --apparent-size "$out" | cut -f1)" "$(find "$out" -type f | wc -l)" \
    "$(echo "$fullest" | awk '{print $2}' | sed "s|^$out|public|")" "$(echo "$fullest" | awk '{print $1}')"
  # What a reader's first query downloads at this size (a common pair, a common name, a
  # three-word query, a rarer word).
  if command -v node >/dev/null; then
    echo "  what a cold query fetches (node bench/search-bench.js; KB as transferred):"
    node bench/search-bench.js "$out" 'bảo vệ' 'ha noi' 'thủ tướng chính phủ' 'covid' | sed 's/^/    /'
  fi
  stats "clean build (--clean)" bash -c 'build --clean'
  one=$(find "$site/content" -name '*.md' | sort | sed -n 1p)
  export one
  edit() { printf '\nThêm một câu số %s về Đà Nẵng.\n' "$RANDOM" >> "$one"; build; }
  export -f edit
  stats "one bulletin edited, build" bash -c edit
  echo 0 > "$WORK/published"
  publish() {
    local k; k=$(( $(cat "$WORK/published") + 1 )); echo "$k" > "$WORK/published"
    mkdir -p "$site/content/new"
    printf -- '---\ntitle: "Tin mới số %s"\ndate: 2026-11-01T%02d:%02d:00+07:00\nauthor: "Phóng viên"\ntags: ["Thời sự"]\n---\n\nMưa lớn ở Đà Nẵng, tin số %s.\n' \
      "$k" $(( k / 60 )) $(( k % 60 )) "$k" > "$site/content/new/tin-$k.md"
    build
  }
  export -f publish
  stats "a new bulletin published, build" bash -c publish
  # The same text written again: its time stamp is too fresh to trust, so it is read again.
  resave() { cp "$one" "$WORK/same" && cat "$WORK/same" > "$one"; build; }
  export -f resave
  stats "a file saved again unchanged, build" bash -c resave
  # Nothing changed (files older than the 2 s a fresh time stamp is distrusted for).
  sleep 2.1; build > /dev/null 2>&1
  stats "nothing changed, build" bash -c build
done
