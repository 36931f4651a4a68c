"""Two of the audiences' first minute, in Chromium: a projector at 1024 × 768 in presenter mode
(the map and its decoded digit on the first screen, nothing wider than the window; every page's
picture: test_presenter.py), and a
phone at 390 × 844 by touch (a tap decodes there, a drag moves the live decode, the sliders
follow a finger, nothing scrolls sideways)."""

import pytest
from conftest import shot

from benchmarks.harness import FIGURE, act, new_context, open_page

PROJECTOR = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
EXPLORE = {"latent_map": "", "sliders": "sliders", "ae_vs_vae": "ae_vs_vae"}


@pytest.fixture()
def projector(browser):
    ctx = new_context(browser, viewport=PROJECTOR)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture()
def phone(browser):
    ctx = new_context(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield ctx.new_page()
    ctx.close()


def settle(page, url):
    open_page(page, url)
    page.wait_for_selector("canvas.ll-over", timeout=60_000)
    page.wait_for_selector("canvas.ll-digit", timeout=60_000)
    page.wait_for_timeout(300)  # the components lay themselves out once they know their width


def overflow(page) -> dict:
    """How far the page and its main column (Streamlit scrolls inside it) reach past the
    window's width, in px: what would scroll sideways. A wide table may scroll in its own box."""
    return page.evaluate("""() => {
        const main = document.querySelector("[data-testid='stMain']");
        return {page: document.documentElement.scrollWidth - window.innerWidth,
                main: main.scrollWidth - main.clientWidth};
    }""")


def outside(page, selector: str) -> list:
    """Elements matching `selector` that are not wholly inside the window, as it first opens."""
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel)].map((e) => {
        const r = e.getBoundingClientRect();
        return {sel, left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    }).filter((r) => r.left < 0 || r.top < 0 || r.right > window.innerWidth + 0.5
                     || r.bottom > window.innerHeight + 0.5)""", selector)


@pytest.mark.parametrize("name", ["latent_map", "sliders"])  # ae_vs_vae: its samples come first
def test_presenter_mode_shows_map_and_digit_on_the_first_screen_of_a_projector(projector, app_url, name):
    settle(projector, f"{app_url}/{EXPLORE[name]}?presenter=1")
    assert projector.locator("[data-testid='stSidebar'][data-collapsed='true']").count() == 1
    size = projector.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 22  # type for the back of a hall
    assert outside(projector, "canvas.ll-over") == [] and outside(projector, "canvas.ll-digit") == []
    maps = projector.locator("canvas.ll-over").evaluate_all("cs => cs.map((c) => c.clientWidth)")
    assert min(maps) >= 280  # bigger than the 223 px map the sliders page had here
    assert all(v <= 1 for v in overflow(projector).values()), overflow(projector)
    shot(projector, f"presenter_{name}")


@pytest.mark.parametrize("name", EXPLORE)
def test_on_a_phone_the_layout_stacks_without_sideways_scrolling(phone, app_url, name):
    settle(phone, f"{app_url}/{EXPLORE[name]}")
    assert all(v <= 1 for v in overflow(phone).values()), overflow(phone)
    shot(phone, f"phone_{name}")


def test_on_a_phone_a_tap_on_the_map_decodes_there(phone, app_url):
    settle(phone, app_url)
    over = phone.locator("canvas.ll-over").first
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    x0, x1, y0, y1 = phone.evaluate("c => JSON.parse(c.dataset.view)", over.element_handle())
    rx, ry = 0.7, 0.3  # right, low
    act(phone, lambda: phone.touchscreen.tap(box["x"] + rx * box["width"],
                                             box["y"] + (1 - ry) * box["height"]))
    caption = phone.locator(FIGURE).first.inner_text()
    u, v = (float(t.replace("−", "-")) for t in caption.split("(")[1].split(")")[0].split(","))
    assert u == pytest.approx(x0 + rx * (x1 - x0), abs=0.02 * (x1 - x0) + 0.01)
    assert v == pytest.approx(y0 + ry * (y1 - y0), abs=0.02 * (y1 - y0) + 0.01)


def touch_drag(page, points: list[tuple[float, float]]):
    """A finger pressed at the first point, moved through the others, lifted (CDP touch
    events: Playwright's touchscreen only taps)."""
    cdp = page.context.new_cdp_session(page)
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_on_a_phone_a_drag_over_the_map_moves_the_live_decode(phone, app_url):
    settle(phone, app_url)
    over = phone.locator("canvas.ll-over").first
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    digit = phone.locator("canvas.ll-digit").first
    first, frames = digit.evaluate("c => c.toDataURL()"), phone.evaluate("window.__latentLabFrames.length")
    scroll = phone.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTop")
    touch_drag(phone, [(box["x"] + box["width"] * (0.2 + 0.02 * i),
                        box["y"] + box["height"] * (0.8 - 0.02 * i)) for i in range(30)])
    phone.wait_for_function(f"window.__latentLabFrames.length >= {frames + 10}")
    assert digit.evaluate("c => c.toDataURL()") != first
    # the finger moved the decode, not the page
    assert phone.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTop") == scroll


def test_on_a_phone_the_sliders_follow_a_finger(phone, app_url):
    open_page(phone, f"{app_url}/sliders")
    phone.wait_for_selector(".ll-slider input", timeout=60_000)
    track = phone.locator(".ll-slider input").first
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    value = phone.locator(".ll-value").first
    before = float(value.inner_text().replace("−", "-"))
    y = box["y"] + box["height"] / 2
    act(phone, lambda: touch_drag(phone, [(box["x"] + box["width"] * (0.5 + 0.02 * i), y)
                                          for i in range(20)]))
    after = float(value.inner_text().replace("−", "-"))
    assert after > before + 0.5
