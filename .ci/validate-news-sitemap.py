#!/usr/bin/env python3
"""Checks a published site's Google News sitemap against Google's specification
(https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap), with
nothing shared with bantin's writer: the sitemap and news namespaces, one <news:news> per URL
with <news:publication> (<news:name>, <news:language>), <news:publication_date> in W3C form and
<news:title>; only articles of the two days before NOW; at most 1,000 URLs; listed in robots.txt.

    validate-news-sitemap.py PUBLIC_DIR NOW        (NOW: the build's clock, RFC 3339)
"""
import datetime
import re
import sys
import xml.etree.ElementTree as ET

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
W3C = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")
LANGUAGE = re.compile(r"^([a-z]{2,3}|zh-cn|zh-tw)$")


def parse_time(text):
    if len(text) == 4:
        text += "-01"
    if len(text) == 7:
        text += "-01"
    if len(text) == 10:
        text += "T00:00:00+00:00"
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main(public, now_text):
    now = datetime.datetime.fromisoformat(now_text)
    problems = []
    tree = ET.parse(f"{public}/news-sitemap.xml")
    root = tree.getroot()
    if root.tag != f"{{{SITEMAP}}}urlset":
        problems.append(f"root element is {root.tag}, not the sitemap urlset")
    urls = root.findall(f"{{{SITEMAP}}}url")
    if not urls:
        problems.append("no <url>")
    if len(urls) > 1000:
        problems.append(f"{len(urls)} URLs; at most 1,000 allowed")
    for url in urls:
        loc = url.findtext(f"{{{SITEMAP}}}loc") or ""
        where = loc or "a <url>"
        if not re.match(r"^https?://", loc):
            problems.append(f"{where}: <loc> is not an absolute URL")
        news = url.findall(f"{{{NEWS}}}news")
        if len(news) != 1:
            problems.append(f"{where}: {len(news)} <news:news> elements")
            continue
        n = news[0]
        pub = n.find(f"{{{NEWS}}}publication")
        if pub is None:
            problems.append(f"{where}: no <news:publication>")
        else:
            if not (pub.findtext(f"{{{NEWS}}}name") or "").strip():
                problems.append(f"{where}: empty <news:name>")
            lang = pub.findtext(f"{{{NEWS}}}language") or ""
            if not LANGUAGE.match(lang):
                problems.append(f"{where}: <news:language> {lang!r} is not an ISO 639 code")
        date = n.findtext(f"{{{NEWS}}}publication_date") or ""
        if not W3C.match(date):
            problems.append(f"{where}: publication date {date!r} is not in W3C format")
        else:
            when = parse_time(date)
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
            age = now - when
            if age.total_seconds() < 0 or age > datetime.timedelta(days=2):
                problems.append(f"{where}: published {date}, not in the two days before {now_text}")
        if not (n.findtext(f"{{{NEWS}}}title") or "").strip():
            problems.append(f"{where}: empty <news:title>")
    robots = open(f"{public}/robots.txt", encoding="utf-8").read()
    if not re.search(r"^Sitemap: https?://\S+/news-sitemap\.xml$", robots, re.M):
        problems.append("robots.txt does not list news-sitemap.xml")
    for p in problems:
        print(f"news sitemap: {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"news sitemap: {len(urls)} URL(s) valid")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
