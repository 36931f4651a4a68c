"""Real Chromium students for the lecture-hall run: they click and upload through the balancer
like the virtual ones, check that every picture loads, and (one of them pinned to the replica
that will be killed) show whether a browser comes back by itself after a kill."""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import threading
import time

from .harness import ConnectionLost, launch, new_context
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
    page.locator(".st-key-my-deck-present button").click(timeout=ACTION_TIMEOUT_MS)
    page.wait_for_function(COUNT + " === '1 / 3'", timeout=ACTION_TIMEOUT_MS)
    page.keyboard.press("PageDown")
    page.wait_for_function(COUNT + " === '2 / 3'", timeout=ACTION_TIMEOUT_MS)
    rec.update(lecturer=True, lecture_step_before=2, replica=_replica_cookie(page))


def lecture_ready(page, rec: dict):
    """What the lecturer's page is like just before the kill (its connections closed so far)."""
    from .harness import closed

    rec["closed_before_kill"] = closed(page)


def lecture_after_kill(page, rec: dict, killed: dict):
    """After the kill: the page reconnects by itself (no reload) to another replica, shows the
    same step of the same deck, and the next key press still steps."""
    from .harness import closed

    t = killed["t"]
    try:
        # first the page must notice the kill (its connection closes): until then it still shows
        # step 2, connected, and a key pressed then goes to the dead replica
        deadline = time.perf_counter() + RECONNECT_S
        while closed(page) <= rec["closed_before_kill"] and time.perf_counter() < deadline:
            page.wait_for_timeout(50)
        rec["noticed_s"] = round(time.perf_counter() - t, 2)
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


class Clock:
    """The run's window, agreed with the browsers: each browser driver says when it is ready
    (its pages open, the lecturer's deck at step 2), and only then does the run start its
    measured time (`start`), so a slow machine delays the window instead of starting it, and
    killing a replica, before the browsers are in place."""

    READY_S = 180.0  # the longest the run waits for the browsers to get ready

    def __init__(self, drivers: int):
        self._ready = [threading.Event() for _ in range(drivers)]
        self._go = threading.Event()
        self.stop_at = None  # perf_counter time at which the measured window ends

    def ready(self, i: int):
        self._ready[i].set()

    def start(self, stop_at_from_now) -> float:
        """Wait for every driver (at most READY_S in all), then open the window; returns its start."""
        deadline = time.perf_counter() + self.READY_S
        for e in self._ready:
            e.wait(max(0.0, deadline - time.perf_counter()))
        t0 = time.perf_counter()
        self.stop_at = t0 + stop_at_from_now
        self._go.set()
        return t0

    def wait(self) -> float:
        """(In a driver, once ready.) The window's end, once the run has started it."""
        self._go.wait(self.READY_S + 60)
        return self.stop_at if self.stop_at is not None else time.perf_counter()


def drive_lecturer(url: str, host: str, pin: str, clock: Clock, killed: dict, lecture: dict):
    """The lecturer, in a browser of their own (beside the students, not taking turns with
    them): present LECTURER_DECK on replica `pin`; once the run has killed it, see the page come
    back on the same step and step on (lecture_after_kill). Fills `lecture`."""
    from playwright.sync_api import sync_playwright

    rec = lecture
    rec.update(errors=[], replica=None, replica_after=None)
    with contextlib.ExitStack() as stack:
        stack.callback(clock.ready, 1)  # ready, or given up: never keep the run waiting
        p = stack.enter_context(sync_playwright())
        browser = launch(p)
        try:
            ctx = new_context(browser, viewport={"width": 1280, "height": 720})
            ctx.add_cookies([{"name": "LLREPLICA", "value": pin, "domain": host, "path": "/"}])
            page = ctx.new_page()
            try:
                start_lecture(page, url, rec)
            except Exception as e:
                rec["errors"].append(f"lecture: {type(e).__name__}: {str(e)[:120]}")
            lecture_ready(page, rec)
            clock.ready(1)
            stop_at = clock.wait()
            while killed.get("t") is None and time.perf_counter() < stop_at + BROWSER_GRACE_S:
                time.sleep(0.1)
            if killed.get("t") is not None:
                lecture_after_kill(page, rec, killed)
        finally:
            browser.close()


def drive_browsers(url: str, n: int, clock: Clock, png: bytes, out: list, killed: dict,
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
    lecturer = None
    if pin and lecture is not None:  # one more browser on the replica to be killed: a lecturer
        lecturer = threading.Thread(target=drive_lecturer, args=(url, host, pin, clock, killed, lecture),
                                    daemon=True)
        lecturer.start()
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
                       "slow": 0, "slowest_s": 0.0, "lost": 0}
                pages.append((ctx.new_page(), rec))
                out.append(rec)
            for page, rec in pages:
                try:
                    open_page(page, url + "/?live=0")
                    rec["replica"] = _replica_cookie(page)
                except Exception as e:
                    rec["errors"].append(f"open: {type(e).__name__}: {str(e)[:120]}")
            clock.ready(0)
            stop_at = clock.wait()
            rng, k = random.Random(7), 0
            recs = [rec for _, rec in pages]
            while time.perf_counter() < stop_at or (
                    not _goals_met(recs, killed, pin) and time.perf_counter() < stop_at + BROWSER_GRACE_S):
                for page, rec in pages:
                    k += 1
                    try:
                        with contextlib.suppress(Exception):  # "Connecting…": wait, as a student would
                            page.wait_for_selector(CONNECTED, timeout=1000 * RECONNECT_S)
                        began = time.perf_counter()
                        if rec["replica"] is None:  # its first page never loaded: load it again
                            open_page(page, url + "/?live=0", ACTION_TIMEOUT_MS)
                            rec["replica"] = _replica_cookie(page)
                            continue
                        if k % 4 == 0:
                            _browser_upload(page, url, png, rec)
                        else:
                            if not page.url.split("?")[0].rstrip("/") == url.rstrip("/"):  # back to the map
                                open_page(page, url + "/?live=0", ACTION_TIMEOUT_MS, lost=True)
                            the_map = page.locator(MAP).first
                            the_map.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
                            box = the_map.bounding_box()
                            x = box["x"] + box["width"] * rng.uniform(0.15, 0.85)
                            y = box["y"] + box["height"] * rng.uniform(0.15, 0.85)
                            act(page, lambda p=page, x=x, y=y: p.mouse.click(x, y), ACTION_TIMEOUT_MS,
                                lost=True)
                            rec["clicks"] += 1
                            rec["images" if _loaded(page, FIGURE, "decoded at") else "images_missing"] += 1
                        # the first action begun after the kill (one begun before may have been
                        # answered by the killed replica in its last moments)
                        if killed.get("t") is not None and began > killed["t"] and "after_kill_s" not in rec:
                            rec["after_kill_s"] = time.perf_counter() - killed["t"]
                            rec["replica_after"] = _replica_cookie(page)
                        _trace(rec, killed, began, "upload" if k % 4 == 0 else "click", page, None)
                        took = time.perf_counter() - began
                        rec["slow"] += took > SLOW_S
                        rec["slowest_s"] = round(max(rec["slowest_s"], took), 1)
                    except ConnectionLost as e:  # asked of a replica that died: not an error
                        rec["lost"] += 1
                        _trace(rec, killed, began, "upload" if k % 4 == 0 else "click", page, e)
                    except Exception as e:
                        rec["errors"].append(f"{type(e).__name__}: {str(e)[:120]}")
                        _trace(rec, killed, began, "upload" if k % 4 == 0 else "click", page, e)
            for rec in recs:
                rec["overtime_s"] = round(max(0.0, time.perf_counter() - stop_at), 1)
        finally:
            clock.ready(0)  # (already, unless it failed before: never keep the run waiting)
            browser.close()
        if lecturer:
            lecturer.join(BROWSER_GRACE_S + 3 * RECONNECT_S)


def _trace(rec: dict, killed: dict, began: float, what: str, page, error):
    """The first actions begun after a kill, for the run's record: when each began and ended
    (seconds after the kill), what it was, the replica cookie after it, and its error."""
    if killed.get("t") is None or began <= killed["t"] or len(rec.setdefault("trace", [])) >= 12:
        return
    rec["trace"].append({"began_s": round(began - killed["t"], 2),
                         "ended_s": round(time.perf_counter() - killed["t"], 2), "action": what,
                         "cookie": _replica_cookie(page),
                         "error": None if error is None else f"{type(error).__name__}: {str(error)[:80]}"})


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

    open_page(page, url + "/your_digit", ACTION_TIMEOUT_MS, lost=True)
    page.get_by_role("tab", name="Upload").click()
    path = os.path.join(tempfile.gettempdir(), "ll-my-digit.png")
    with open(path, "wb") as f:
        f.write(png)
    try:
        act(page, lambda: page.locator("input[type=file]").set_input_files(path), ACTION_TIMEOUT_MS,
            lost=True)
        ok = _loaded(page, FIGURE, "prepared 28×28 input")
    except ConnectionLost:  # the replica died with the upload: the driver counts it as lost
        raise
    except Exception:
        ok = False
    rec["uploads"] += 1
    rec["uploads_failed"] += not ok
    open_page(page, url + "/?live=0", ACTION_TIMEOUT_MS, lost=True)
