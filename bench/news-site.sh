#!/usr/bin/env bash
# The theme's budgets on a newsroom-sized site: N real bulletins (default 2,000) with a photo on
# every third, in sections taken from their tags, built with the release binary; then
# Lighthouse (.ci/lighthouse.sh) on the front page, a bulletin with photos, a section page and
# the search page, and what a phone downloads for each (bench/page-weight.py).
#   bench/news-site.sh [N]        (needs pillow, piexif, chromium and .ci/node's lighthouse)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
corpus=../shared/corpus
dir=$(mktemp -d /tmp/bantin-news-XXXX)
python3 "$corpus/make-bulletins.py" --count "$n" --out "$dir/content" >/dev/null
python3 "$corpus/make-photos.py" --bulletins "$dir/content" --every 3 >/dev/null
sections=("Thời sự" "Kinh tế" "Xã hội" "Thế giới" "Giáo dục" "Thể thao" "Văn hóa" "Pháp luật")
{
  echo 'title = "Báo Tỉnh nhà"'
  echo 'description = "Tin tức, sự kiện của tỉnh"'
  echo 'base_url = "https://bao.example.vn/"'
  for s in "${sections[@]}"; do printf '[[sections]]\nname = "%s"\n' "$s"; done
} > "$dir/site.toml"
# A bulletin goes in the first of its tags that is a section.
python3 - "$dir/content" "${sections[@]}" <<'PY'
import os, re, sys
root, sections = sys.argv[1], sys.argv[2:]
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith(".md"):
            continue
        path = os.path.join(folder, name)
        text = open(path, encoding="utf-8").read()
        tags = re.search(r"^tags: \[(.*)\]$", text, re.M)
        found = [s for s in sections if tags and f'"{s}"' in tags.group(1)]
        if found:
            text = text.replace("\n---\n", f'\nsection: "{found[0]}"\n---\n', 1)
            open(path, "w", encoding="utf-8").write(text)
PY
cargo build --release --quiet
target/release/bantin --root "$dir" build --quiet
article=$(cd "$dir/public" && grep -l 'class="lead"' 20*/*/*/index.html | head -1 || true)
paths=(/ "/${article%index.html}" /thoi-su/ /search/)
python3 bench/page-weight.py "$dir/public" "${paths[@]}"
.ci/lighthouse.sh "$dir/public" "${paths[@]}"
echo "site: $dir"
