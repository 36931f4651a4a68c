"""The reliability table (docs/reliability.md): run every test tagged `reliability(category)`, count the cases
tried and passed per category, run the load test, and write both into docs/reliability.md.

    python -m benchmarks.reliability                # full load test: 20 sessions x 60 s
    python -m benchmarks.reliability --quick        # 4 sessions x 10 s; prints, writes nothing

Needs the dev requirements, the data set and Debian's Chromium (for the load test).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from vae_core.index import replace_block

from .harness import REPO

RESULTS = REPO / "reliability.json"
README_START, README_END = "<!-- reliability:start -->", "<!-- reliability:end -->"
TABLE_FILE = REPO / "docs" / "reliability.md"


class _Collector:
    """A pytest plugin: outcome of every test, grouped by its reliability category."""

    def __init__(self):
        self.category: dict[str, str] = {}
        self.counts = defaultdict(lambda: {"tried": 0, "passed": 0})

    def pytest_collection_modifyitems(self, items):
        for item in items:
            mark = item.get_closest_marker("reliability")
            if mark:
                self.category[item.nodeid] = mark.args[0]

    def pytest_runtest_logreport(self, report):
        cat = self.category.get(report.nodeid)
        if cat is None:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.counts[cat]["tried"] += 1
            self.counts[cat]["passed"] += int(report.passed)


def run_cases() -> dict:
    import pytest

    collector = _Collector()
    pytest.main(["-q", "-m", "reliability", "-p", "no:cacheprovider", str(REPO / "tests")],
                plugins=[collector])
    return dict(sorted(collector.counts.items()))


def table(doc: dict) -> str:
    rows = ["| category | cases tried | passed |", "|---|---|---|"]
    for cat, c in doc["cases"].items():
        rows.append(f"| {cat} | {c['tried']} | {c['passed']} |")
    ws = doc.get("load_test_server")
    if ws:
        rows += ["", "| load test of the server alone (`python -m benchmarks.wsload`) | figure |",
                 "|---|---|",
                 f"| sessions over Streamlit's websocket protocol, one server | {ws['sessions']} |",
                 f"| duration after warm-up; think time between actions | {ws['seconds']:.0f} s; "
                 f"{ws['think_time_s']:.0f} s |",
                 f"| actions (map clicks and slider moves) | {ws['actions']} |",
                 f"| errors (incl. one session seeing another's state) | {ws['errors']} |",
                 f"| latency action → end of the server's run, median / p95 | "
                 f"{ws['latency_ms_median']:.0f} / {ws['latency_ms_p95']:.0f} ms |",
                 f"| server memory idle / after warm-up / end / max | {ws['rss_mb_idle']:.0f} / "
                 f"{ws['rss_mb_after_warmup']:.0f} / {ws['rss_mb_end']:.0f} / "
                 f"{ws['rss_mb_max']:.0f} MB |",
                 f"| server memory, median of the first / last third of the run (1 s samples) | "
                 f"{ws['rss_mb_first_third_median']:.0f} / {ws['rss_mb_last_third_median']:.0f} MB |"]
    lt = doc.get("load_test")
    if lt:
        rows += ["", "| load test with browsers (`python -m benchmarks.loadtest`) | figure |",
                 "|---|---|",
                 f"| browser sessions at once (Playwright, one server) | {lt['sessions']} |",
                 f"| duration after warm-up | {lt['seconds']:.0f} s |",
                 f"| actions (map clicks and slider steps) | {lt['actions']} |",
                 f"| errors (incl. one session seeing another's state) | {lt['errors']} |",
                 f"| latency action → server's answer, median / p95 | "
                 f"{lt['latency_ms_median']:.0f} / {lt['latency_ms_p95']:.0f} ms |",
                 f"| the server's own script time per run under this load, median / p95 | "
                 f"{lt['server_script_ms_median']:.0f} / {lt['server_script_ms_p95']:.0f} ms |",
                 f"| server memory idle / after warm-up / end / max | {lt['rss_mb_idle']:.0f} / "
                 f"{lt['rss_mb_after_warmup']:.0f} / {lt['rss_mb_end']:.0f} / "
                 f"{lt['rss_mb_max']:.0f} MB |"]
    return "\n".join(rows) + "\n"


def update_readme(doc: dict, readme: Path = TABLE_FILE) -> None:
    replace_block(readme, README_START, README_END, table(doc))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.reliability", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--skip-load-test", action="store_true")
    args = p.parse_args(argv)
    doc = {"cases": run_cases()}
    if not args.skip_load_test:
        from . import loadtest, wsload

        doc["load_test_server"] = wsload.run(4, 10) if args.quick else wsload.run(20, 60)
        doc["load_test"] = loadtest.run(4, 10) if args.quick else loadtest.run(20, 60)
    print(json.dumps(doc, indent=2))
    if not args.quick:  # the lecture-hall runs (benchmarks.replicas) keep their own keys
        kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        kept.update(doc)
        RESULTS.write_text(json.dumps(kept, indent=2) + "\n")
        update_readme(doc)
    failed = sum(c["tried"] - c["passed"] for c in doc["cases"].values())
    errors = sum(doc.get(k, {}).get("errors", 0) for k in ("load_test", "load_test_server"))
    return 0 if failed == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
