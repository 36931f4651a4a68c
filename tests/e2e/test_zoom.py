"""Zoom and pan on the maps, in Chromium: one unit is as long across as up, the wheel and the keys
zoom about the pointer or the spot, a drag pans, Reset zoom goes home, decoding keeps working
while zoomed, and the link keeps the view (the manifold's even grid follows it)."""

import json

from benchmarks.harness import FIGURE, MAP, open_page


def view(page, k=0) -> list:
    return json.loads(page.locator(MAP).nth(k).get_attribute("data-view"))


def span(v) -> tuple:
    return v[1] - v[0], v[3] - v[2]


def changed(page, old: list, k=0) -> list:
    """The map's view once it differs from `old` (the handlers run as the input arrives)."""
    for _ in range(100):
        v = view(page, k)
        if v != old:
            return v
        page.wait_for_timeout(20)
    raise AssertionError("the view did not change")


def test_maps_are_square_in_plane_units(page, app_url):
    for path in ("/?model=mnist_ae_2d", "/ae_vs_vae"):  # the autoencoder: 44 x 64 units of codes
        open_page(page, app_url + path)
        page.locator(MAP).first.wait_for()
        for k in range(page.locator(MAP).count()):
            w, h = span(view(page, k))
            assert abs(w - h) < 1e-6 * w, (path, k, w, h)


def test_wheel_keys_drag_and_reset_zoom_while_live_decoding_goes_on(page, app_url):
    open_page(page, app_url)
    over = page.locator(MAP).first
    box = over.bounding_box()
    home = view(page)
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    page.mouse.wheel(0, -400)  # zoom in about the pointer
    z = changed(page, home)
    assert span(z)[0] < 0.6 * span(home)[0]
    u = home[0] + 0.7 * span(home)[0]  # the point under the pointer stays under it
    assert abs((u - z[0]) / span(z)[0] - 0.7) < 0.02
    reset = page.locator(".ll-reset").first
    assert reset.is_visible()
    frames = page.evaluate("window.__latentLabFrames.length")
    for i in range(10):  # live decoding goes on over the zoomed map
        page.mouse.move(box["x"] + box["width"] * (0.2 + 0.05 * i), box["y"] + box["height"] * 0.5)
    page.wait_for_function(f"window.__latentLabFrames.length >= {frames + 5}")
    before = view(page)  # a drag pans: the map follows the hand
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 160, box["y"] + 100, steps=4)
    page.mouse.up()
    after = changed(page, before)
    assert after[0] < before[0] and abs(span(after)[0] - span(before)[0]) < 1e-9
    assert page.locator(FIGURE).count() == 0  # a pan is not a click
    reset.click()
    assert view(page) == home and not reset.is_visible()
    over.focus()
    page.keyboard.press("+")
    assert span(view(page))[0] < span(home)[0]
    page.keyboard.press("0")
    assert view(page) == home


def test_the_link_keeps_the_zoom_and_the_manifold_grid_follows_it(page, app_url):
    open_page(page, app_url + "/manifold?grid=linear&n=5")
    grid = page.locator("figure.ll-figure:has(figcaption:text('decoded grid')) img")
    src = grid.get_attribute("src")
    over = page.locator(MAP).first
    over.focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    zoomed = view(page)
    page.wait_for_function("new URL(location.href).searchParams.has('zoom')", timeout=15_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    link = page.url
    assert grid.get_attribute("src") != src  # the even grid now decodes the zoomed part
    open_page(page, link)  # a new session from the link alone
    page.locator(MAP).first.wait_for()
    reopened = view(page)
    assert all(abs(a - b) < 1e-3 * span(zoomed)[0] for a, b in zip(reopened, zoomed)), (reopened, zoomed)
    assert "&zoom=" in link or "?zoom=" in link


def test_two_fingers_pinch_to_zoom_on_a_phone(browser, app_url):
    from benchmarks.harness import new_context

    ctx = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    open_page(phone, app_url)
    over = phone.locator(MAP).first
    over.scroll_into_view_if_needed()
    box, home = over.bounding_box(), view(phone)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = phone.context.new_cdp_session(phone)
    touch = lambda kind, d: cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [  # noqa: E731
        {"x": cx - d, "y": cy, "id": 0}, {"x": cx + d, "y": cy, "id": 1}]})
    touch("touchStart", 20)
    for d in range(20, 100, 8):  # the fingers move apart: zoom in
        touch("touchMove", d)
        phone.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    z = changed(phone, home)
    assert span(z)[0] < 0.5 * span(home)[0] and abs(span(z)[0] - span(z)[1]) < 1e-9 * span(z)[0]
    ctx.close()
