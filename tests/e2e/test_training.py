"""Training in the browser, for real: the map redraws while it trains, the model joins the
sidebar and decodes a click, Stop ends a run, a second browser is told to wait, and a closed
tab lets the run go."""

import time

from benchmarks.harness import FIGURE, act, new_context, open_page

SHORT = "train?epochs=2&images=10000"
LONG = "train?epochs=20&images=60000"
NAV = "[data-testid='stSidebar'] [data-testid='stPageLink']"


def start(page):
    act(page, lambda: page.get_by_role("button", name="Start").click())


def wait_for_text(page, text, timeout=120_000):
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_train_watch_use_and_share_the_server(browser, app_url):
    mine = new_context(browser).new_page()
    errors = []
    mine.on("pageerror", lambda e: errors.append(str(e)))
    open_page(mine, f"{app_url}/{SHORT}")
    start(mine)
    other = new_context(browser).new_page()  # a second student, same server
    open_page(other, f"{app_url}/{SHORT}")
    start(other)
    wait_for_text(other, "Another browser is training a model right now")
    wait_for_text(other, "started in another browser")  # and can watch it
    assert other.locator("[data-testid='stException']").count() == 0
    mine.wait_for_function("(window.__llReplayMounts || 0) >= 3", timeout=60_000)  # redrawn
    wait_for_text(mine, "now joins your model choices")
    assert mine.locator(".ll-map").count() >= 1 and not errors

    # the new model, on the latent map (through the sidebar: a new page load is a new session)
    act(mine, lambda: mine.locator(NAV).get_by_text("Latent map").click())
    picker = mine.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
    picker.scroll_into_view_if_needed()  # below the sidebar's fold at 1000 px, since Start joined it
    picker.click()  # opens the list
    act(mine, lambda: mine.get_by_role("option", name="yours: VAE, β = 1, 2 epochs").click())
    over = mine.locator("canvas.ll-over").first
    over.wait_for()
    box = over.bounding_box()
    act(mine, lambda: mine.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4))
    mine.locator(FIGURE).first.wait_for()
    assert "decoded at" in mine.locator(FIGURE).first.inner_text()

    # Stop ends a long run; what it learned so far is kept
    act(mine, lambda: mine.locator(NAV).get_by_text("Train one now").click())
    act(mine, lambda: mine.get_by_role("button", name="Preset").click())  # 8 epochs of 60,000
    start(mine)
    wait_for_text(mine, "Training (yours)")
    act(mine, lambda: mine.get_by_role("button", name="Stop").click())
    wait_for_text(mine, "now joins your model choices", 30_000)
    assert mine.locator("[data-testid='stException']").count() == 0

    # a closed tab: its run stops by itself, and the other student may start
    start(mine)
    wait_for_text(mine, "Training (yours)")
    mine.context.close()
    deadline = time.monotonic() + 30
    while True:
        open_page(other, f"{app_url}/{LONG}")
        start(other)
        if other.get_by_text("Training (yours)").count():
            break
        assert time.monotonic() < deadline, "the closed tab's run kept the server busy"
        other.wait_for_timeout(1000)
    act(other, lambda: other.get_by_role("button", name="Stop").click())
    wait_for_text(other, "now joins your model choices", 30_000)
    other.context.close()
