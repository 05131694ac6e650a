#!/usr/bin/env python3
"""Validates a built site's feeds and sitemaps with tools bantin did not write.

  validate-feeds.py PUBLIC_DIR SCHEMA_DIR

- Every atom.xml and rss.xml must be read by Python's feedparser with bozo == 0 and at least
  one entry. (feedparser 6.0.x, the newest on PyPI, has no JSON Feed reader; feed.json files
  are checked here as JSON Feed 1.1 documents and parsed by the feed-rs crate in tests/feeds.rs.)
- sitemap.xml must validate with xmllint against the sitemap protocol's schemas: siteindex.xsd
  when it is an index, sitemap.xsd otherwise, and every part it lists too.
"""
import json
import os
import re
import subprocess
import sys

import feedparser


def main():
    public, schemas = sys.argv[1], sys.argv[2]
    failures = []
    counts = {"atom": 0, "rss": 0, "json": 0}
    for dirpath, _, files in os.walk(public):
        for name in files:
            path = os.path.join(dirpath, name)
            if name in ("atom.xml", "rss.xml"):
                d = feedparser.parse(path)
                want = "atom10" if name == "atom.xml" else "rss20"
                if d.bozo or d.version != want or not d.entries:
                    failures.append(f"{path}: bozo={d.bozo} {d.get('bozo_exception')} version={d.version} entries={len(d.entries)}")
                counts["atom" if name == "atom.xml" else "rss"] += 1
            elif name == "feed.json":
                with open(path, encoding="utf-8") as f:
                    feed = json.load(f)
                ok = feed.get("version") == "https://jsonfeed.org/version/1.1" and feed.get("title") and all(
                    "id" in i and ("content_html" in i or "content_text" in i) for i in feed.get("items", [])
                )
                if not ok or not feed.get("items"):
                    failures.append(f"{path}: not a JSON Feed 1.1 document with items")
                counts["json"] += 1

    index = os.path.join(public, "sitemap.xml")
    with open(index, encoding="utf-8") as f:
        text = f.read()
    checks = []
    if "<sitemapindex" in text:
        checks.append((index, "siteindex.xsd"))
        for loc in re.findall(r"<loc>([^<]+)</loc>", text):
            checks.append((os.path.join(public, loc.rsplit("/", 1)[-1]), "sitemap.xsd"))
    else:
        checks.append((index, "sitemap.xsd"))
    for path, schema in checks:
        r = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(schemas, schema), path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{path}: xmllint {schema}: {r.stderr.strip()}")

    print(f"{public}: {counts['atom']} Atom and {counts['rss']} RSS feeds read by feedparser, "
          f"{counts['json']} JSON feeds checked, {len(checks)} sitemap file(s) valid against the schemas"
          if not failures else "")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
