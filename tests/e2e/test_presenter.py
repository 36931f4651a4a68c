"""Presenter mode on a projector, every page (1280 × 720 and 1024 × 768): the page's main
picture lies wholly inside the first screen, and the lecturer can always get back to the sidebar
and leave presenter mode, with the keyboard alone (it used to hide the only way back)."""

import pytest

from benchmarks.harness import MAP, new_context, open_page, page_urls

SCREENS = {"1280x720": {"width": 1280, "height": 720}, "1024x768": {"width": 1024, "height": 768}}
# Each page's main picture: what a projector must show without scrolling.
PICTURE = {
    "latent_map": MAP,
    "sliders": "canvas.ll-digit",
    "interpolate": "figure.ll-figure:has(figcaption:text('linear')) img",
    "ae_vs_vae": "figure.ll-figure:has(figcaption:text('64 samples')) img",
    "loss_terms": MAP,
    "posterior": "figure.ll-figure:has(figcaption:text('samples z')) img",
    "manifold": "figure.ll-figure:has(figcaption:text('decoded grid')) img",
    "denoising": "figure.ll-figure svg.ll-chart",
    "anomalies": "figure.ll-figure svg.ll-chart",
    "your_digit": "canvas.ll-pad",
    "replay": "canvas.ll-map",
    "attributes": "figure.ll-figure:has(figcaption:text('after the steps')) img",
    "loss_units": "p:has-text('nats per pixel = ')",  # a printed loss, converted
    "collapse": "figure.ll-figure:has(figcaption:text('64 samples from the prior')) img",
    "strong_decoder": "figure.ll-figure:has(figcaption:text('64 samples from the prior')) img",
    "latent_size": "figure.ll-figure svg.ll-chart",
    "dimensions": "figure.ll-figure:has(figcaption:text('a row per dimension')) img",
    "draw": "figure.ll-figure:has(figcaption:text('8 codes z')) img",
    "analogies": "figure.ll-figure:has(figcaption:text('the answer')) img",
}


def settled(page, locator) -> dict:
    """The element's box once the page has stopped laying it out (components size themselves
    once they know their width; the pictures above them load)."""
    box = None
    for _ in range(50):
        page.wait_for_timeout(150)
        now = locator.bounding_box()
        if now == box:
            return box
        box = now
    raise AssertionError(f"still moving: {box}")


@pytest.fixture(params=SCREENS)
def projector(browser, request):
    ctx = new_context(browser, viewport=SCREENS[request.param])
    yield ctx.new_page()
    ctx.close()


@pytest.mark.parametrize("key", PICTURE)
def test_each_page_shows_its_picture_on_the_first_screen(projector, app_url, key):
    open_page(projector, page_urls(app_url)[key] + "?presenter=1")
    picture = projector.locator(PICTURE[key]).first
    picture.wait_for(timeout=60_000)
    box, screen = settled(projector, picture), projector.viewport_size
    assert box["width"] >= 150 and box["height"] >= 60, box  # a picture, not a thumbnail
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= screen["width"] + 0.5, box
    assert box["y"] + box["height"] <= screen["height"] + 0.5, box  # no scrolling to see it

def test_the_sidebar_and_leaving_presenter_mode_are_reachable_by_keyboard(projector, app_url):
    open_page(projector, app_url + "/interpolate?presenter=1")
    sidebar = projector.locator("[data-testid='stSidebar']")
    assert sidebar.get_attribute("data-collapsed") == "true"
    expand = projector.locator("[data-testid='stExpandSidebarButton']")
    box = expand.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24  # visible, not 0 x 0
    for _ in range(10):  # Tab from the top of the page to the control
        projector.keyboard.press("Tab")
        if projector.evaluate("document.activeElement.dataset.testid") == "stExpandSidebarButton":
            break
    else:
        pytest.fail("the control that opens the sidebar cannot be reached with Tab")
    projector.keyboard.press("Enter")
    projector.wait_for_selector("[data-testid='stSidebar'][data-collapsed='false']")
    toggle = sidebar.get_by_role("switch", name="Presenter mode")
    toggle.focus()
    projector.keyboard.press("Space")
    projector.wait_for_function("!new URL(location.href).searchParams.has('presenter')")
    # the address and the type change in one rerun, but reach the browser as separate messages (the
    # address first): wait for the rerun's style, and fail if the large type stays
    projector.wait_for_function("parseFloat(getComputedStyle(document.documentElement).fontSize) < 22",
                                timeout=15_000)


@pytest.mark.parametrize("key, query", [("denoising", ""), ("anomalies", ""), ("ae_vs_vae", ""),
                                        ("posterior", "&model=mnist_vae_20d")])
def test_every_chart_label_is_at_least_18_px_on_a_projector(projector, app_url, key, query):
    open_page(projector, page_urls(app_url)[key] + "?presenter=1" + query)
    projector.wait_for_selector("svg.ll-chart")
    projector.wait_for_timeout(300)  # laid out
    sizes = projector.evaluate("""() => [...document.querySelectorAll('svg.ll-chart')].map((s) => {
        const r = s.getBoundingClientRect(), vb = s.viewBox.baseVal;
        const k = Math.min(r.width / vb.width, r.height / vb.height); // the SVG is drawn to fit
        const sizes = [...s.querySelectorAll('text')].map((t) => parseFloat(t.getAttribute('font-size')));
        return k * Math.min(...sizes);
    })""")
    assert sizes and min(sizes) >= 18, sizes
