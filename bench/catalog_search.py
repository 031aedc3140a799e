"""Catalog search alone: the full-text index (catalog/fulltext.py) against the scan it replaced, over one database.

    DJANGO_SETTINGS_MODULE=microcred.settings.production MICROCRED_DATA_DIR=/tmp/w/data MICROCRED_SECRET_KEY=… \\
        .venv/bin/python bench/catalog_search.py [--repeat 50] [q …]

Times, both ways, the query that finds the matching versions of the published public catalog (what search_catalog
reads before facets and cards; "catalog_") and the match alone over every version ("match_"), and counts what each
finds. Last line: JSON {"versions": N, "searches": {q: {"catalog_index_p50_ms", "catalog_index_p95_ms",
"catalog_scan_p50_ms", …, "match_index_p50_ms", …, "found", "scan_found"}}}.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("q", nargs="*", default=["feedback", "reading fluency", "assess", "zzz"])
    args = parser.parse_args()
    import django

    django.setup()
    from microcred.catalog import fulltext, selectors

    from microcred.catalog.models import MicroCredentialVersion

    bases = {"catalog": selectors.catalog_versions(None), "match": MicroCredentialVersion.objects.all()}

    def timed(make):
        samples = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            found = set(make().values_list("pk", flat=True))
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        return found, round(samples[len(samples) // 2], 2), round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2)

    out = {}
    for q in args.q:
        terms = selectors.query_terms(q)
        out[q] = {}
        for name, base in bases.items():
            scan_qs = base
            for term in terms:
                scan_qs = scan_qs.filter(search_text__contains=term)
            found, i50, i95 = timed(lambda: fulltext.matching(base, terms))
            scanned, s50, s95 = timed(lambda: scan_qs)
            out[q].update({f"{name}_index_p50_ms": i50, f"{name}_index_p95_ms": i95, f"{name}_scan_p50_ms": s50,
                           f"{name}_scan_p95_ms": s95})
            if name == "catalog":
                out[q].update({"found": len(found), "scan_found": len(scanned)})
            print(f"{q!r:20} {name:8} index p50 {i50:7.2f} ms p95 {i95:7.2f}   scan p50 {s50:7.2f} ms p95 {s95:7.2f}   "
                  f"found {len(found)} (scan {len(scanned)})", file=sys.stderr)
    return {"versions": MicroCredentialVersion.objects.count(), "searches": out}


if __name__ == "__main__":
    print(json.dumps(main()))
