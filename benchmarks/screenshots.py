"""Screenshots of the running app in Debian's Chromium, for looking at pages and for the docs.

    python -m benchmarks.screenshots                         # every page, three windows -> screenshots/
    python -m benchmarks.screenshots --pages latent_map posterior --windows presenter

Windows: `desktop` 1400 px wide and tall enough for the whole page; `presenter` 1280 x 720 with
presenter=1 (only the first screen: what a projector shows); `phone` 390 px wide, whole page.
Each page is opened by its link (extra query parameters with --query) and shot once its script
run is over and its pictures are drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .harness import REPO, launch, new_context, open_page, page_urls, running_app

WINDOWS = {"desktop": ({"width": 1400, "height": 2600}, "", True),
           "presenter": ({"width": 1280, "height": 720}, "presenter=1", False),
           "phone": ({"width": 390, "height": 2600}, "", True)}


def shoot(url: str, out: Path, pages: list[str], windows: list[str], query: str = "") -> list[Path]:
    from playwright.sync_api import sync_playwright

    urls, done = page_urls(url), []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        for window in windows:
            viewport, extra, tall = WINDOWS[window]
            page = new_context(browser, viewport=viewport).new_page()
            for key in pages:
                q = "&".join(filter(None, (extra, query)))
                open_page(page, urls[key] + (f"?{q}" if q else ""), 120_000)
                page.wait_for_timeout(600)  # canvases draw on the next animation frames
                path = out / f"{key}-{window}.png"
                page.screenshot(path=str(path), full_page=tall)
                done.append(path)
        browser.close()
    return done


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.screenshots", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", nargs="*", default=None, help="page keys (default: every page)")
    p.add_argument("--windows", nargs="*", default=list(WINDOWS), choices=list(WINDOWS))
    p.add_argument("--query", default="", help="extra query string for every page, e.g. live=0")
    p.add_argument("--out", type=Path, default=REPO / "screenshots")
    args = p.parse_args(argv)
    with running_app() as url:
        pages = args.pages or list(page_urls(url))
        for path in shoot(url, args.out, pages, args.windows, args.query):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
