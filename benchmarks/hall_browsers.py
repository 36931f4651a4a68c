"""Real Chromium students for the lecture-hall run: they click and upload through the balancer
like the virtual ones, check that every picture loads, and (one of them pinned to the replica
that will be killed) show whether a browser comes back by itself after a kill."""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import time

from .harness import launch, new_context
from .students import RECONNECT_S

# A browser keeps going past the run's window until it has shown what the run asks of it (a few
# clicks and an upload; after a kill, an action begun after it and done): a slow or busy machine
# then takes longer, instead of failing a count. Past this grace it stops, and the counts say so.
BROWSER_GRACE_S = 90.0
BROWSER_GOALS = {"clicks": 3, "uploads": 1}
# How long one action may take before it counts as failed. The run's two replicas, ten virtual
# students and Chromium share two cores; on a slow CI machine a click's rerun or a page load has
# taken over 10 s without anything being wrong. Slowness is reported (`slow`, `slowest_s`, with
# SLOW_S the line), not counted as an error: an error is an action that never completed.
ACTION_TIMEOUT_MS = 45_000
SLOW_S = 10.0


CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


# The lecturer's own deck, imported from a file and presented on the replica that will be killed:
# after the kill it must come back on the same step (the step is in the link, the deck in the
# browser's local storage) and go on.
LECTURER_DECK = """title = "Across the kill"

[[steps]]
title = "The map"
say = "The 2-D VAE's codes."
page = "latent_map"
view = { model = "mnist_vae_2d" }

[[steps]]
title = "The grid"
say = "The decoded grid."
page = "manifold"
view = { model = "mnist_vae_2d", n = "9" }

[[steps]]
title = "A walk"
say = "A straight line between two codes."
page = "interpolate"
view = { model = "mnist_vae_2d" }
"""
COUNT = "() => document.querySelector('.ll-deck-count')?.innerText.trim()"


def _presenting(page) -> str | None:
    try:
        return page.evaluate(COUNT)
    except Exception:
        return None


def start_lecture(page, url: str, rec: dict):
    """Import LECTURER_DECK on the My deck page, present it and step to its second step."""
    from .harness import act, open_page

    path = os.path.join(tempfile.gettempdir(), "ll-lecturer-deck.toml")
    with open(path, "w") as f:
        f.write(LECTURER_DECK)
    open_page(page, url + "/my_deck", ACTION_TIMEOUT_MS)
    act(page, lambda: page.locator("input[type=file]").set_input_files(path), ACTION_TIMEOUT_MS)
    page.locator(".st-key-my-deck-present button").click()
    page.wait_for_function(COUNT + " === '1 / 3'", timeout=ACTION_TIMEOUT_MS)
    page.keyboard.press("PageDown")
    page.wait_for_function(COUNT + " === '2 / 3'", timeout=ACTION_TIMEOUT_MS)
    rec.update(lecturer=True, lecture_step_before=2, replica=_replica_cookie(page))


def lecture_after_kill(page, rec: dict, killed: dict):
    """After the kill: the page reconnects by itself (no reload) to another replica, shows the
    same step of the same deck, and the next key press still steps."""
    t = killed["t"]
    try:
        page.wait_for_selector(CONNECTED, timeout=1000 * RECONNECT_S)
        page.wait_for_function(COUNT + " === '2 / 3' && location.search.includes('step=2')",
                               timeout=1000 * RECONNECT_S)
        rec["lecture_step_after"] = 2
        rec["lecture_back_s"] = round(time.perf_counter() - t, 2)
        rec["replica_after"] = _replica_cookie(page)
        page.keyboard.press("PageDown")
        page.wait_for_function(COUNT + " === '3 / 3'", timeout=ACTION_TIMEOUT_MS)
        rec["lecture_next_after"] = 3
    except Exception as e:
        rec["errors"].append(f"lecture after the kill: {type(e).__name__}: {str(e)[:120]} "
                             f"(showing {_presenting(page)!r})")
    rec["after_kill_s"] = time.perf_counter() - t


def drive_browsers(url: str, n: int, stop_at: float, png: bytes, out: list, killed: dict,
                   pin: str | None = None, lecture: dict | None = None):
    """A few Chromium sessions through the balancer: click the map, check the decoded digit's
    picture loaded; upload a digit, check its prepared picture loaded. With `pin`, the first
    browser carries the balancer's cookie for that replica (the one to be killed). Like a
    student, a browser whose page shows it is reconnecting waits for it; it never reloads.
    `killed["t"]` (set by the run when it kills a replica) starts the clock of a browser's
    recovery: its first action begun after the kill, done."""
    from playwright.sync_api import sync_playwright

    from .harness import FIGURE, MAP, act, open_page

    host = url.split("//", 1)[1].rsplit(":", 1)[0]
    with sync_playwright() as p:
        browser = launch(p)
        try:
            pages = []
            for i in range(n):
                ctx = new_context(browser, viewport={"width": 1300, "height": 900})
                if pin and i == 0:
                    ctx.add_cookies([{"name": "LLREPLICA", "value": pin, "domain": host, "path": "/"}])
                rec = {"clicks": 0, "images": 0, "images_missing": 0, "uploads": 0,
                       "uploads_failed": 0, "errors": [], "replica": None, "replica_after": None,
                       "slow": 0, "slowest_s": 0.0}
                pages.append((ctx.new_page(), rec))
                out.append(rec)
            lecturer = None
            if pin and lecture is not None:  # one more browser on the replica to be killed: a lecturer
                ctx = new_context(browser, viewport={"width": 1280, "height": 720})
                ctx.add_cookies([{"name": "LLREPLICA", "value": pin, "domain": host, "path": "/"}])
                lecturer = (ctx.new_page(), {"errors": [], "replica": None, "replica_after": None})
                try:
                    start_lecture(lecturer[0], url, lecturer[1])
                except Exception as e:
                    lecturer[1]["errors"].append(f"lecture: {type(e).__name__}: {str(e)[:120]}")
            for page, rec in pages:
                try:
                    open_page(page, url + "/?live=0")
                    rec["replica"] = _replica_cookie(page)
                except Exception as e:
                    rec["errors"].append(f"open: {type(e).__name__}: {str(e)[:120]}")
            rng, k = random.Random(7), 0
            recs = [rec for _, rec in pages]
            while time.perf_counter() < stop_at or (
                    not _goals_met(recs, killed, pin) and time.perf_counter() < stop_at + BROWSER_GRACE_S):
                if lecturer and killed.get("t") is not None and "after_kill_s" not in lecturer[1]:
                    lecture_after_kill(*lecturer, killed)
                for page, rec in pages:
                    k += 1
                    try:
                        with contextlib.suppress(Exception):  # "Connecting…": wait, as a student would
                            page.wait_for_selector(CONNECTED, timeout=1000 * RECONNECT_S)
                        began = time.perf_counter()
                        if k % 4 == 0:
                            _browser_upload(page, url, png, rec)
                        else:
                            the_map = page.locator(MAP).first
                            the_map.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
                            box = the_map.bounding_box()
                            x = box["x"] + box["width"] * rng.uniform(0.15, 0.85)
                            y = box["y"] + box["height"] * rng.uniform(0.15, 0.85)
                            act(page, lambda p=page, x=x, y=y: p.mouse.click(x, y), ACTION_TIMEOUT_MS)
                            rec["clicks"] += 1
                            rec["images" if _loaded(page, FIGURE, "decoded at") else "images_missing"] += 1
                        # the first action begun after the kill (one begun before may have been
                        # answered by the killed replica in its last moments)
                        if killed.get("t") is not None and began > killed["t"] and "after_kill_s" not in rec:
                            rec["after_kill_s"] = time.perf_counter() - killed["t"]
                            rec["replica_after"] = _replica_cookie(page)
                        took = time.perf_counter() - began
                        rec["slow"] += took > SLOW_S
                        rec["slowest_s"] = round(max(rec["slowest_s"], took), 1)
                    except Exception as e:
                        rec["errors"].append(f"{type(e).__name__}: {str(e)[:120]}")
            if lecturer and "after_kill_s" not in lecturer[1] and killed.get("t") is not None:
                lecture_after_kill(*lecturer, killed)
            for rec in recs:
                rec["overtime_s"] = round(max(0.0, time.perf_counter() - stop_at), 1)
            if lecturer:
                lecture.update(lecturer[1])
        finally:
            browser.close()


def _goals_met(recs: list, killed: dict, pin: str | None) -> bool:
    """Whether every browser has done what the run asks of it: the BROWSER_GOALS counts, and,
    in a run that kills replica `pin`, each browser that was on it an action after the kill."""
    if any(rec[k] < n for rec in recs for k, n in BROWSER_GOALS.items()):
        return False
    if pin is None:
        return True
    return killed.get("t") is not None and all(
        "after_kill_s" in rec for rec in recs if rec["replica"] == pin)


def _replica_cookie(page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "LLREPLICA"), None)


def _loaded(page, figure: str, text: str = "", timeout: float = 5_000) -> bool:
    """Whether the page's first matching figure shows a decoded picture (an <img> decodes a data
    URI asynchronously: give it a moment before calling it broken)."""
    try:
        page.wait_for_function(
            """([sel, text]) => [...document.querySelectorAll(sel)].some(f =>
                   f.innerText.includes(text) && f.querySelector("img")?.complete
                   && f.querySelector("img").naturalWidth > 0)""",
            arg=[figure, text], timeout=timeout)
        return True
    except Exception:
        return False


def _browser_upload(page, url, png, rec):
    from .harness import FIGURE, act, open_page

    open_page(page, url + "/your_digit", ACTION_TIMEOUT_MS)
    page.get_by_role("tab", name="Upload").click()
    path = os.path.join(tempfile.gettempdir(), "ll-my-digit.png")
    with open(path, "wb") as f:
        f.write(png)
    rec["uploads"] += 1
    try:
        act(page, lambda: page.locator("input[type=file]").set_input_files(path), ACTION_TIMEOUT_MS)
        ok = _loaded(page, FIGURE, "prepared 28×28 input")
    except Exception:
        ok = False
    rec["uploads_failed"] += not ok
    open_page(page, url + "/?live=0", ACTION_TIMEOUT_MS)
