"""Benchmarks that report figures (never pass/fail): live decoding in headless Chromium.

    python -m vae_core.bench live            # writes the "live" entry of benchmarks.json
    python -m vae_core.bench live --quick    # CI smoke run: one short run

Needs the dev requirements (Playwright) and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from .browser import REPO, launch, running_app, wait_idle

RESULTS = REPO / "benchmarks.json"
FRAME_BUDGET_MS = 1000 / 60


def _quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def bench_live(runs: int = 5, moves: int = 200) -> dict:
    """Decode + draw time per frame while the pointer sweeps the latent map, per run."""
    from playwright.sync_api import sync_playwright

    p50s, p95s, load_gaps = [], [], []
    with running_app() as url, sync_playwright() as p:
        browser = launch(p)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector("h2", timeout=120_000)
            t_header = time.perf_counter()
            page.wait_for_selector("canvas.ll-base", timeout=120_000)
            load_gaps.append(time.perf_counter() - t_header)
            wait_idle(page, 120_000)
            page.evaluate("window.__latentLabFrames.length = 0")
            box = page.locator("canvas.ll-over").first.bounding_box()
            for i in range(moves):  # a Lissajous sweep over the whole map
                fx, fy = 0.5 + 0.45 * ((i * 0.037) % 2 - 1), 0.5 + 0.45 * ((i * 0.053) % 2 - 1)
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(8)
            page.wait_for_timeout(100)
            frames = page.evaluate("Array.from(window.__latentLabFrames)")
            p50s.append(_quantile(frames, 0.5))
            p95s.append(_quantile(frames, 0.95))
            page.close()
        browser.close()
    return {
        "live_decode_frame_ms": _summary(p50s),
        "live_decode_frame_ms_p95": _summary(p95s),
        "frame_budget_ms": FRAME_BUDGET_MS,
        "p95_share_of_frame_budget": statistics.median(p95s) / FRAME_BUDGET_MS,
        "map_after_header_s": _summary(load_gaps),
        "moves_per_run": moves,
    }


def machine() -> dict:
    import os

    import torch

    return {"cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "platform": platform.platform()}


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def readme_table(doc: dict) -> str:
    """The README's performance table, from benchmarks.json only."""
    rows = ["| figure | median | min | max | runs |", "|---|---|---|---|---|"]
    live = doc.get("live")
    if live:
        for label, key, unit in (
            ("live decode + draw per frame, p50", "live_decode_frame_ms", "ms"),
            ("live decode + draw per frame, p95", "live_decode_frame_ms_p95", "ms"),
            ("live map drawn after the page header", "map_after_header_s", "s"),
        ):
            f = live[key]
            rows.append(f"| {label} | {f['median']:.2f} {unit} | {f['min']:.2f} | {f['max']:.2f} "
                        f"| {f['runs']} |")
        rows.append(f"| p95 frame time / 16.7 ms frame budget | "
                    f"{live['p95_share_of_frame_budget']:.2f} | | | |")
    m = doc.get("machine", {})
    rows.append("")
    rows.append(f"Machine: {m.get('cores')} cores, Python {m.get('python')}, torch {m.get('torch')}.")
    return "\n".join(rows) + "\n"


def update_readme(doc: dict, readme: Path = REPO / "README.md") -> None:
    text = readme.read_text()
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        tail = rest.split(README_END, 1)[1]
        readme.write_text(f"{head}{README_START}\n{readme_table(doc)}{README_END}{tail}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m vae_core.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("which", choices=("live",))
    p.add_argument("--quick", action="store_true", help="one short run (CI smoke test)")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    result = bench_live(runs=1, moves=40) if args.quick else bench_live()
    print(json.dumps(result, indent=2))
    if not args.quick:
        doc = json.loads(args.out.read_text()) if args.out.is_file() else {}
        doc[args.which] = result
        doc["machine"] = machine()
        args.out.write_text(json.dumps(doc, indent=2) + "\n")
        update_readme(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
