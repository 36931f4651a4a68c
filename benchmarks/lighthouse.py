"""Lighthouse scores of every page: performance, accessibility, best practices, and the metrics
behind them, in Debian's Chromium (CHROME_PATH), desktop preset, against a warm server.

    python -m benchmarks.lighthouse --write       # every page, 2 runs each -> benchmarks.json + docs
    python -m benchmarks.lighthouse --runs 1 --pages latent_map interpolate   # some, printed

Needs `npm ci --prefix benchmarks` (Lighthouse from npm, pinned in benchmarks/package.json).
The server is warmed first (every page visited once), as a class meets it after the lecturer's
first visit; each run is a fresh Lighthouse (fresh browser profile, empty cache).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .harness import CHROMIUM_ARGS, REPO, chromium_path, page_urls, running_app, warm

LIGHTHOUSE = REPO / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
METRICS = {"first-contentful-paint": "fcp_ms", "largest-contentful-paint": "lcp_ms",
           "total-blocking-time": "tbt_ms", "cumulative-layout-shift": "cls",
           "speed-index": "speed_index_ms", "total-byte-weight": "transfer_bytes"}


def audit(url: str) -> dict:
    """One Lighthouse run: category scores (0-100), metrics, and failing audits' ids."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(LIGHTHOUSE), url, "--preset=desktop", "--output=json", f"--output-path={out}",
               "--quiet", "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=" + " ".join(CHROMIUM_ARGS)]
        subprocess.run(cmd, check=True, timeout=300, env={**os.environ,
                                                          "CHROME_PATH": chromium_path() or ""})
        report = json.loads(out.read_text())
    audits = report["audits"]
    return {"scores": {c: round(100 * report["categories"][c]["score"]) for c in CATEGORIES},
            **{name: audits[key]["numericValue"] for key, name in METRICS.items()},
            "failing": sorted(k for k, a in audits.items()
                              if a.get("score") is not None and a["score"] < 0.9
                              and a.get("scoreDisplayMode") == "binary")}


def run(pages: list[str] | None = None, runs: int = 2) -> dict:
    with running_app() as url:
        warm(url)
        urls = page_urls(url)
        out = {}
        for key in pages or list(urls):
            results = [audit(urls[key]) for _ in range(runs)]
            out[key] = {"runs": runs,
                        **{c: min(r["scores"][c] for r in results) for c in CATEGORIES},
                        # performance varies from run to run: its median and range too
                        "performance_median": statistics.median(r["scores"]["performance"]
                                                                for r in results),
                        "performance_max": max(r["scores"]["performance"] for r in results),
                        "tbt_ms_max": max(r["tbt_ms"] for r in results),
                        **{m: statistics.median(r[m] for r in results) for m in METRICS.values()},
                        "cls_max": max(r["cls"] for r in results),
                        "failing": sorted({f for r in results for f in r["failing"]})}
            print(key, json.dumps(out[key]), file=sys.stderr, flush=True)
    return out


TARGETS = {"accessibility": 95, "best-practices": 95}  # every page; performance: below
PERFORMANCE = {"latent_map": 80}  # the first page; every other page: the heaviest's target, 60
README_START, README_END = "<!-- lighthouse:start -->", "<!-- lighthouse:end -->"
TABLE_FILE = REPO / "docs" / "performance.md"


def table(result: dict) -> str:
    """The Lighthouse table (docs/performance.md): the lowest score of the runs (performance also
    as median and range), the median metrics (TBT also its maximum)."""
    rows = ["| page | Performance (lowest) | median (range) | Accessibility | Best Practices | "
            "CLS (max) | TBT ms (max) | LCP s | transfer | targets met |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for key, r in result.items():
        ok = (all(r[c] >= t for c, t in TARGETS.items()) and r["performance"] >= PERFORMANCE.get(key, 60)
              and r["cls_max"] <= 0.1)
        spread = (f"{r['performance_median']:g} ({r['performance']}–{r['performance_max']})"
                  if "performance_median" in r else "")
        tbt = f"{r['tbt_ms']:.0f}" + (f" ({r['tbt_ms_max']:.0f})" if "tbt_ms_max" in r else "")
        rows.append(f"| {key} | {r['performance']} | {spread} | {r['accessibility']} | "
                    f"{r['best-practices']} | {r['cls_max']:.3f} | {tbt} | {r['lcp_ms'] / 1000:.2f} | "
                    f"{r['transfer_bytes'] / 1e6:.2f} MB | {'yes' if ok else '**no**'} |")
    runs = {r["runs"] for r in result.values()}
    rows.append("")
    rows.append(f"Lighthouse {_version()}, desktop preset, Debian's Chromium, {'/'.join(map(str, runs))} "
                "runs a page against a warm server (a fresh browser profile each). Targets, on the "
                "lowest score of the runs: Accessibility and Best Practices ≥ 95, Performance ≥ 80 "
                "on the latent map and ≥ 60 elsewhere, CLS ≤ 0.1.")
    return "\n".join(rows) + "\n"


def _version() -> str:
    package = REPO / "benchmarks" / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "?"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", nargs="*", default=None)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--write", action="store_true", help="store in benchmarks.json")
    args = p.parse_args(argv)
    if not LIGHTHOUSE.exists():
        p.error("Lighthouse is missing: npm ci --prefix benchmarks")
    result = run(args.pages, args.runs)
    print(json.dumps(result, indent=2))
    if args.write:
        from .bench import RESULTS

        doc = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
        doc["lighthouse"] = result
        RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
        from vae_core.index import replace_block

        replace_block(TABLE_FILE, README_START, README_END, table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
