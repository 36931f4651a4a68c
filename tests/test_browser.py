"""The real app in real Chromium: click empty space on the map and a digit appears; no page errors.

Needs Debian's Chromium (`apt-get install chromium`). Skipped without it, except in CI (CI=true),
where a missing browser is a failure. Set LATENT_LAB_SCREENSHOTS=<folder> to keep screenshots.
"""

import os
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from e2e import chromium_path, launch, running_app, wait_idle
from PIL import Image

if chromium_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: apt-get install chromium")
    pytest.skip("no Chromium on this machine", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
PAGES = {"latent_map": "", "sliders": "sliders", "interpolate": "interpolate",
         "ae_vs_vae": "ae_vs_vae"}


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def shot(page, name):
    folder = os.environ.get("LATENT_LAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def open_page(page, url, path=""):
    page.goto(f"{url}/{path}")
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
    page.wait_for_selector(".js-plotly-plot .nsewdrag", timeout=60_000)
    wait_idle(page)


def decoded_image(page):
    return page.locator("[data-testid='stImage'] img").first


def test_click_on_empty_space_decodes_a_digit(page, app_url):
    open_page(page, app_url)
    assert page.locator("[data-testid='stImage']").count() == 0
    area = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    # top-right corner of the plot: the 2-D VAE's map has no test point there
    page.mouse.click(area["x"] + area["width"] * 0.95, area["y"] + area["height"] * 0.05)
    page.wait_for_selector("[data-testid='stImage'] img", timeout=30_000)
    wait_idle(page)
    caption = page.locator("[data-testid='stImage']").first.inner_text()
    assert "decoded at" in caption
    assert page.locator("[data-testid='stImage']").count() == 1  # empty space: no test image
    png = decoded_image(page).screenshot()
    pixels = np.asarray(Image.open(BytesIO(png)).convert("L"), np.float32)
    assert pixels.std() > 10  # a digit, not a blank square
    shot(page, "latent_map")


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_without_errors(page, app_url, name):
    open_page(page, app_url, PAGES[name])
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("h2").first.inner_text()
    shot(page, name)
