#!/usr/bin/env python3
"""What a phone downloads for a page of a built site: its HTML, CSS and JS gzip-compressed (as
static hosts serve them), and its pictures as a phone picks them (375 CSS px wide at a device
pixel ratio of 2.625, Lighthouse's mobile preset; WebP where offered), lazy ones included, as
if the reader scrolled to the end.

  bench/page-weight.py PUBLIC_DIR PATH...     e.g.  bench/page-weight.py public / /thoi-su/
"""
import gzip
import os
import re
import sys
from html.parser import HTMLParser

WIDTH, DPR, REM = 375, 2.625, 16


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets, self.pictures, self.source = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "source" and a.get("type") == "image/webp":
            self.source = a
        elif tag == "img":
            self.pictures.append((self.source or a, a))
            self.source = None
        elif tag == "picture":
            self.source = None


def length(text):
    """A CSS length of a `sizes` entry, in CSS px at the phone's width."""
    text = text.strip()
    number = float(re.match(r"[\d.]+", text).group())
    return number * (WIDTH / 100 if text.endswith("vw") else REM if text.endswith("rem") else 1)


def slot(sizes):
    for entry in (sizes or "100vw").split(","):
        m = re.match(r"\s*\(max-width:\s*([\d.]+)(rem|px)\)\s*(.+)", entry)
        if not m:
            return length(entry)
        limit = float(m.group(1)) * (REM if m.group(2) == "rem" else 1)
        if WIDTH <= limit:
            return length(m.group(3))
    return WIDTH


def pick(srcset, sizes, fallback):
    if not srcset:
        return fallback
    candidates = sorted((int(w.rstrip("w")), url) for url, w in (c.split() for c in srcset.split(",")))
    need = slot(sizes) * DPR
    return next((url for w, url in candidates if w >= need), candidates[-1][1])


def local(public, page_path, href):
    base = os.path.join(public, page_path.lstrip("/"))
    return os.path.normpath(os.path.join(base if page_path.endswith("/") else os.path.dirname(base), href))


def main():
    public, paths = sys.argv[1], sys.argv[2:]
    for path in paths:
        file = os.path.join(public, path.lstrip("/"), "index.html" if path.endswith("/") else "")
        html = open(file, "rb").read()
        page = Page()
        page.feed(html.decode("utf-8"))
        text = len(gzip.compress(html, 6))
        for href in page.assets:
            text += len(gzip.compress(open(local(public, path, href), "rb").read(), 6))
        images = 0
        for chosen, img in page.pictures:
            url = pick(chosen.get("srcset"), chosen.get("sizes"), img.get("src"))
            if "://" not in url:
                images += os.path.getsize(local(public, path, url))
        print(f"{path}: HTML+CSS+JS {text / 1024:.1f} KB compressed; {len(page.pictures)} pictures, "
              f"{images / 1024:.0f} KB for a phone")


main()
