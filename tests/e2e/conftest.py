"""Browser tests: one app server for the whole session, Debian's Chromium, a context per test.

Needs Debian's Chromium (`apt-get install chromium`). Skipped without it, except in CI (CI=true),
where a missing browser is a failure. Set LATENT_LAB_SCREENSHOTS=<folder> to keep screenshots.
"""

import os
from pathlib import Path

import pytest

from benchmarks.harness import chromium_path, launch, new_context, running_app

if chromium_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: apt-get install chromium")
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = new_context(browser)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def shot(page, name):
    """Keep a screenshot of the whole main area when $LATENT_LAB_SCREENSHOTS names a folder
    (Streamlit scrolls inside its own container: a tall viewport shows it all)."""
    folder = os.environ.get("LATENT_LAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": 2400})
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
        page.set_viewport_size(size)
