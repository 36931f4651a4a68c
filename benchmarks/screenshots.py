"""Screenshots of the running app in Debian's Chromium, for looking at pages and for the docs.

    python -m benchmarks.screenshots                         # every page, three windows -> screenshots/
    python -m benchmarks.screenshots --pages latent_map posterior --windows presenter
    python -m benchmarks.screenshots --readme                # the README's picture and GIF

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


README_IMAGES = REPO / "docs" / "img"
PICTURE, ANIMATION = "latent-map.png", "live-decode.gif"


def readme_images(url: str, out: Path = README_IMAGES, frames: int = 16) -> list[Path]:
    """The README's picture (the latent map with the digit decoded under the pointer, 1400 x 900)
    and an animated GIF of the pointer sweeping from one cluster to another while the browser
    decodes under it."""
    from io import BytesIO

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from .harness import MAP

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = new_context(browser, viewport={"width": 1400, "height": 900}).new_page()
        open_page(page, page_urls(url)["latent_map"], 120_000)
        box = page.locator(MAP).first.bounding_box()
        region = {"x": box["x"] - 8, "y": box["y"] - 8, "width": box["width"] + 240,
                  "height": box["height"] + 40}  # the map, the decoded digit and its caption

        def at(fx: float, fy: float):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.wait_for_timeout(120)  # the decode is drawn on the next animation frame

        at(0.62, 0.38)
        page.screenshot(path=str(out / PICTURE))
        shots = []
        for k in range(frames):
            t = k / (frames - 1)
            at(0.25 + 0.5 * t, 0.7 - 0.4 * t)
            shots.append(Image.open(BytesIO(page.screenshot(clip=region))).convert("RGB"))
        browser.close()
    small = [s.resize((s.width * 3 // 5, s.height * 3 // 5), Image.Resampling.LANCZOS)
             for s in shots]
    palette = small[len(small) // 2].quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small = [s.quantize(palette=palette, dither=Image.Dither.NONE) for s in small]
    small[0].save(out / ANIMATION, save_all=True, append_images=small[1:] + small[-2:0:-1],
                  duration=120, loop=0, optimize=True)
    return [out / PICTURE, out / ANIMATION]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.screenshots", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", nargs="*", default=None, help="page keys (default: every page)")
    p.add_argument("--windows", nargs="*", default=list(WINDOWS), choices=list(WINDOWS))
    p.add_argument("--query", default="", help="extra query string for every page, e.g. live=0")
    p.add_argument("--out", type=Path, default=REPO / "screenshots")
    p.add_argument("--readme", action="store_true",
                   help=f"write the README's picture and GIF into {README_IMAGES.relative_to(REPO)}/")
    args = p.parse_args(argv)
    with running_app() as url:
        if args.readme:
            for path in readme_images(url):
                print(path)
            return 0
        pages = args.pages or list(page_urls(url))
        for path in shoot(url, args.out, pages, args.windows, args.query):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
