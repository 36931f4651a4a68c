"""The one harness for everything that drives the running app from outside: start `streamlit run
app.py` on a free loopback port and wait for its health check, launch Debian's Chromium with
Playwright, and wait for script runs the way Streamlit's own e2e tests do, on the app root's
`data-test-script-state`, never on fixed sleeps.

Shared by the browser tests, the benchmarks and the load tests; Playwright is imported by the
caller.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import weakref
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]  # the app's folder
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(env: dict | None = None, timeout: float = 60.0):
    """`streamlit run app.py` on a free loopback port; yields the base URL."""
    with running_server(env, timeout) as (url, _):
        yield url


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


@contextlib.contextmanager
def running_server(env: dict | None = None, timeout: float = 60.0):
    """`streamlit run app.py` on a free loopback port; yields (base URL, the server process)."""
    port = free_port()
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # a pipe could fill
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
           "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start:\n{log.read()[-3000:]}")
            time.sleep(0.05)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        os.unlink(log.name)


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


# The app's own elements: a latent map's pointer layer (ui/live/map.js; data-view holds its
# plane region [x0, x1, y0, y1]) and a picture with its caption (ui.widgets.show_digit).
MAP = "canvas.ll-over"
MAP_DRAWN = "canvas.ll-base"  # a map's base layer: there once the map is drawn
FIGURE = "[data-testid='stMain'] figure.ll-figure:has(img)"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"
_finished: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # page -> runs finished
_closed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # page -> app websockets closed


class ConnectionLost(Exception):
    """The page's connection to the server closed while it waited for the run an action asked
    for: the request went to a server that is gone, and nothing will answer it (a student would
    click again once the page says it is connected)."""


def _script_finished(payload) -> bool:
    """Whether a websocket frame from the server is the end of a script run (ForwardMsg)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return False
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # not a ForwardMsg: not ours to count
        return False
    return (msg.WhichOneof("type") == "script_finished"
            and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN)


def watch(page):
    """Count the script runs this page sees finish, from Streamlit's own messages: React may
    render "running" and "notRunning" in one frame, so the DOM alone can miss a short run."""
    _finished[page] = _closed[page] = 0
    current = []  # the page's newest app websocket

    def on_close(ws):
        if current and current[-1] is ws:  # not an old page's socket closing late after a navigation
            _closed[page] = _closed.get(page, 0) + 1

    def on_socket(ws):
        if ws.url.endswith("/_stcore/stream"):
            current[:] = [ws]
            ws.on("framereceived", lambda payload: _count(page, payload))
            ws.on("close", on_close)

    page.on("websocket", on_socket)
    return page


def _count(page, payload):
    if _script_finished(payload):
        _finished[page] = _finished.get(page, 0) + 1


def new_context(browser, **kw):
    """A browser context (its own cookies: its own Streamlit session); its pages count runs."""
    ctx = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **kw})
    ctx.on("page", watch)
    return ctx


def runs(page) -> int:
    """Script runs this page has seen finish so far."""
    return _finished.get(page, 0)


def closed(page) -> int:
    """The page's connections to the app (its websockets) closed so far."""
    return _closed.get(page, 0)


def wait_for_run(page, after: int = 0, timeout: float = 60_000, closed_before: int | None = None):
    """Wait until a script run that ends after `after` finished runs is over and the app root
    says so (data-test-script-state="notRunning", connected), as Streamlit's e2e tests do. With
    `closed_before` (`closed(page)` before the action), raise ConnectionLost as soon as the
    page's connection closes instead of waiting out the timeout for a run no server will do."""
    deadline = time.monotonic() + timeout / 1000
    while runs(page) <= after:
        if closed_before is not None and closed(page) > closed_before:
            raise ConnectionLost(f"the connection closed while waiting for the run after run {after}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished after run {after}")
        page.wait_for_timeout(20)  # lets Playwright deliver the websocket events
    page.wait_for_selector(IDLE, state="attached", timeout=max(1, deadline - time.monotonic()) * 1000)


SETTLED = "html[data-ll-stored='ready']"  # ui/live/deck.js: the browser's storage read back


def open_page(page, url: str, timeout: float = 60_000, lost: bool = False):
    """Navigate and wait for the page's first script run to finish, and for the run that
    follows when the page has read back what the browser keeps (a new session's second run).
    With `lost`, raise ConnectionLost if the page's connection closes after its first run,
    before it has settled (its read-back went to a server that is gone)."""
    before = runs(page)
    page.goto(url)
    wait_for_run(page, before, timeout)
    gone = closed(page)
    deadline = time.monotonic() + timeout / 1000
    for selector in (SETTLED, IDLE):
        while True:
            if lost and closed(page) > gone:
                raise ConnectionLost(f"the connection closed while {url} settled")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{url} did not settle ({selector})")
            try:
                page.wait_for_selector(selector, state="attached", timeout=min(250.0, left * 1000))
                break
            except Exception as e:  # Playwright's TimeoutError: look at the connection again
                if "Timeout" not in type(e).__name__:
                    raise


def act(page, action, timeout: float = 60_000, lost: bool = False):
    """Do something that triggers a rerun, then wait for that run to finish; with `lost`, raise
    ConnectionLost if the page's connection closes first (see wait_for_run)."""
    before, gone = runs(page), closed(page)
    action()
    wait_for_run(page, before, timeout, gone if lost else None)


def page_urls(base: str) -> dict[str, str]:
    """Every registered page's URL (ui.registry is the one list of pages)."""
    from ui.registry import PAGES

    return {p.key: f"{base}/{p.url_path}" for p in PAGES}


def warm(url: str):
    """Visit every page once, so the server has built what it caches (a lecturer's first tour)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = new_context(browser).new_page()
        for page_url in page_urls(url).values():
            open_page(page, page_url, 180_000)
        browser.close()


def on_own_thread(fn):
    """fn() on a thread of its own, its result or exception handed back: Playwright's sync API
    keeps an event loop running on the calling thread (a browser test's session fixture, say),
    where asyncio.run or a second sync_playwright() would refuse to start."""
    import threading

    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as e:  # re-raised on the caller's thread
            out["error"] = e

    t = threading.Thread(target=target, name="own-thread")
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def run_async(main):
    """asyncio.run(main()) on a thread of its own (see on_own_thread)."""
    import asyncio

    return on_own_thread(lambda: asyncio.run(main()))
