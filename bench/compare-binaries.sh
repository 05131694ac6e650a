#!/usr/bin/env bash
# Two bantin binaries on the same site, in one run: byte-identical output and relative speed.
# Each binary builds its own copy of an N-bulletin site (make-bulletins.py), the runs
# alternating (old, new, old, new…) so that both see the same machine load. For a clean build,
# a one-bulletin edit and a build with nothing changed it prints each binary's median of RUNS
# and new/old; after every step both outputs are compared with `diff -r`, and a difference
# stops the script. Also: a sequence of edits (title, body, tags, a new bulletin, a deleted
# one), both outputs compared after each.
#
#   bench/compare-binaries.sh OLD_BINARY [NEW_BINARY] [N]   (NEW defaults to this tree's
#                                                            release build; N to 20000; RUNS=5)
#
# SAME=0 times the two without comparing their output (binaries that publish different sites).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "$1"); NEW=${2:-}; N=${3:-20000}; RUNS=${RUNS:-5}
if [ -z "$NEW" ]; then cargo build --release --quiet; NEW=$PWD/target/release/bantin; fi
MAKE=../shared/corpus/make-bulletins.py
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
python3 "$MAKE" --count "$N" --out "$WORK/src/content" $([ "$N" -gt 20000 ] && echo --repeat) >/dev/null
printf 'title = "Bench"\nbase_url = "https://bench.example/"\n' > "$WORK/src/site.toml"
cp -r "$WORK/src" "$WORK/old"; cp -r "$WORK/src" "$WORK/new"

# t BIN SITE ARGS…: wall seconds of one build.
t() { local bin=$1 site=$2; shift 2
  /usr/bin/time -f %e -o "$WORK/time" "$bin" --root "$site" build --quiet "$@" >/dev/null 2>&1
  tail -1 "$WORK/time"; }
same() {
  [ "${SAME:-1}" = 0 ] && return 0
  diff -r "$WORK/old/public" "$WORK/new/public" >/dev/null || { echo "OUTPUT DIFFERS after: $1" >&2; exit 1; }
}
median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
# bench LABEL SETUP ARGS…: SETUP (a shell function taking the site and a word) runs before
# each build.
bench() { local label=$1 setup=$2; shift 2; : > "$WORK/o"; : > "$WORK/n"
  for i in $(seq "$RUNS"); do
    $setup "$WORK/old" "$label $i"; t "$OLD" "$WORK/old" "$@" >> "$WORK/o"
    $setup "$WORK/new" "$label $i"; t "$NEW" "$WORK/new" "$@" >> "$WORK/n"
    same "$label"
  done
  local o n; o=$(median < "$WORK/o"); n=$(median < "$WORK/n")
  printf '%-28s old %6.2f s  new %6.2f s  new/old %.2f\n' "$label" "$o" "$n" "$(awk -v n="$n" -v o="$o" 'BEGIN { print n / o }')"; }
nothing() { :; }
# The n-th bulletin (in path order) of site $1.
nth() { find "$1/content" -name '*.md' | sort | sed -n "${2}p"; }
edit() { printf '\nThêm một câu: %s.\n' "$2" >> "$(nth "$1" 7)"; }
retitle() { sed -i "0,/^title: .*/s//title: \"Tiêu đề mới: $2\"/" "$(nth "$1" 11)"; }
retag() { sed -i "0,/^tags: .*/s//tags: [\"thẻ mới $2\"]/" "$(nth "$1" 13)"; }
add() { printf -- '---\ntitle: "Bản tin mới %s"\ndate: 2019-05-0%s\nauthor: Phóng viên\ntags: [thời sự]\n---\nNội dung %s.\n' \
  "$2" "$(( ${#2} % 9 + 1 ))" "$2" > "$1/content/moi-$(echo "$2" | tr -c 'a-z0-9\n' -).md"; }
delete() { rm -f "$(nth "$1" 17)"; }
echo "== $N bulletins; $([ "${SAME:-1}" = 0 ] && echo "output not compared" || echo "identical output checked after every build")"
bench "clean build" nothing --clean
bench "edit one bulletin" edit
# A file edited within two seconds of a build is read again by the next (its time cannot be
# trusted): wait, and let one build of each record it, so that both series time the same case.
sleep 2.5; t "$OLD" "$WORK/old" >/dev/null; t "$NEW" "$WORK/new" >/dev/null
bench "nothing changed" nothing
RUNS=1
for step in retitle retag add delete edit; do bench "sequence: $step" "$step"; done
