"""The very first request to a freshly started server: a lecturer opens a bookmark just after
starting the app. Each case starts its own server, makes that one request, and checks that the
page comes framed (app.py's navigation, never Streamlit's legacy list of files), shows the
link's values, and raises no error or "Page not found" dialog."""

import re
import urllib.parse

import pytest

from benchmarks.harness import new_context, open_page, running_app
from ui.registry import PAGES

FIRST_REQUESTS = {  # path and query -> text the page shows only if it read the link
    "": "Click the map to keep a spot",
    "posterior?image=0&k=4&seed=3": "the 4 samples z = μ + σ·ε, decoded (seed 3)",
    "sliders?z=1.25,-0.50&live=0": "1.25",
    "interpolate?a=10&b=20&steps=12": "Animated GIF of the morph",
    "manifold?grid=linear&n=7": "7×7 decoded grid",
    "denoising?noise=occlusion&strength=0.5&image=5": "occlusion, strength 0.50",
    "loss_terms?beta=%CE%B2%20%3D%204": "β = 4",
}


@pytest.mark.parametrize("first", list(FIRST_REQUESTS))
def test_the_first_request_to_a_fresh_server_is_framed(browser, first):
    with running_app() as url:
        page = new_context(browser).new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_page(page, f"{url}/{first}")
        nav = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']")
        nav.first.wait_for()
        links = [t.strip().splitlines()[-1] for t in nav.all_inner_texts()]
        assert links == [p.title for p in PAGES], links  # the registry's titles, in order
        assert page.locator("[data-testid='stSidebarNav']").count() == 0  # not Streamlit's list
        assert not re.search(r"\.py|\bcommon\b|\bapp\b|live[ _]decoding", " ".join(links))
        main = page.locator("[data-testid='stMain']")
        main.get_by_text(FIRST_REQUESTS[first], exact=False).first.wait_for()
        if first.startswith("posterior"):
            assert "test #0, a 7" in main.inner_text()
        assert page.locator("[role='dialog']").count() == 0  # no "Page not found"
        assert page.locator("[data-testid='stException']").count() == 0 and not errors
        # the page wrote its state back into the address bar: the link's values, not defaults
        path, _, query = first.partition("?")
        got = urllib.parse.urlparse(page.url)
        assert got.path.strip("/") == path
        assert set(urllib.parse.parse_qsl(query)) <= set(urllib.parse.parse_qsl(got.query))
        page.context.close()
