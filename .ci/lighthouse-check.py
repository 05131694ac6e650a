#!/usr/bin/env python3
"""Checks Lighthouse JSON reports against bantin's budgets and prints one line per page:
performance >= 95, accessibility, best practices and SEO 100, cumulative layout shift 0.
Failing audits are named, so that a failure says what to fix."""
import json
import sys

BUDGET = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
failed = False
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    url = report["finalDisplayedUrl"]
    scores = {k: round(100 * (c["score"] or 0)) for k, c in report["categories"].items()}
    audits = report["audits"]
    cls = audits["cumulative-layout-shift"]["numericValue"]
    lcp = audits["largest-contentful-paint"]["numericValue"]
    print(f"{url}: " + ", ".join(f"{k} {v}" for k, v in scores.items()) + f", CLS {cls:.3f}, LCP {lcp / 1000:.2f} s")
    for key, least in BUDGET.items():
        if scores.get(key, 0) < least:
            failed = True
            refs = report["categories"][key]["auditRefs"]
            bad = [r["id"] for r in refs if r.get("weight", 0) > 0 and (audits[r["id"]].get("score") is not None) and audits[r["id"]]["score"] < 0.9]
            print(f"  FAIL {key} {scores.get(key)} < {least}: {', '.join(bad) or 'see the report'}")
    if cls > 0:
        failed = True
        print(f"  FAIL cumulative layout shift {cls} > 0")
sys.exit(1 if failed else 0)
