#!/usr/bin/env bash
# Build benchmark: full builds and a one-bulletin edit-rebuild, median/min/max wall time and
# peak RSS over RUNS runs, for each N. Bulletins come from ../shared/corpus/make-bulletins.py.
# When `hugo` is on PATH, the same bulletins are built with Hugo in the same run for a ratio.
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

# stats "label" cmd...: runs RUNS times, prints median/min/max seconds and median peak RSS.
stats() {
  local label=$1; shift
  local t=() m=()
  for _ in $(seq "$RUNS"); do
    local line
    /usr/bin/time -f "%e %M" -o "$WORK/timing" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    line=$(tail -1 "$WORK/timing")
    t+=("${line% *}"); m+=("${line#* }")
  done
  printf '%s\n' "${t[@]}" | sort -n > "$WORK/t"; printf '%s\n' "${m[@]}" | sort -n > "$WORK/m"
  local mid=$(( (RUNS + 1) / 2 ))
  printf '%-34s median %7.2f s  (min %.2f, max %.2f)  peak RSS %5d MB\n' "$label" \
    "$(sed -n "${mid}p" "$WORK/t")" "$(head -1 "$WORK/t")" "$(tail -1 "$WORK/t")" $(( $(sed -n "${mid}p" "$WORK/m") / 1024 ))
  sed -n "${mid}p" "$WORK/t" > "$WORK/last"
}

for n in $SIZES; do
  site=$WORK/site-$n
  mkdir -p "$site"
  python3 "$MAKE" --count "$n" --out "$site/content" $([ "$n" -gt 20000 ] && echo --repeat) >/dev/null
  printf 'title = "Bench"\nbase_url = "https://bench.example/"\n' > "$site/site.toml"
  echo "== $n bulletins ($(du -sh "$site/content" | cut -f1) of Markdown), output on ${OUT_ON:-tmpfs}"
  stats "bantin build (with search)" "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"
  ours=$(cat "$WORK/last")
  printf 'search = false\n' >> "$site/site.toml"
  stats "bantin build (no search)" "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"
  sed -i '/^search = false$/d' "$site/site.toml"
  one=$(find "$site/content" -name '*.md' | sort | sed -n 1p)
  edit() { sed -i "0,/^title: /s/^title: \"/title: \"$RANDOM /" "$one"; "$BANTIN" --root "$site" build --quiet --out "$OUTBASE/out-$n"; }
  export -f edit; export one site BANTIN OUTBASE n
  stats "edit one bulletin, rebuild" bash -c edit
  if command -v hugo >/dev/null; then
    hsite=$WORK/hugo-$n
    mkdir -p "$hsite/content/posts"
    python3 "$MAKE" --count "$n" --out "$hsite/content/posts" --format hugo $([ "$n" -gt 20000 ] && echo --repeat) >/dev/null
    printf 'baseURL = "https://bench.example/"\ntitle = "Bench"\n' > "$hsite/hugo.toml"
    stats "hugo (no search)" hugo --quiet -s "$hsite" -d "$OUTBASE/hugo-$n"
    python3 -c "import sys; print(f\"   hugo / bantin (with search): {float(sys.argv[1]) / float(sys.argv[2]):.2f}x\")" "$(cat "$WORK/last")" "$ours"
  fi
done
