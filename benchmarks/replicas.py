"""A lecture hall on one machine: N replicas of the app behind Debian's HAProxy, as Streamlit's
deployment docs describe it (several servers, one load balancer, session affinity).

    python -m benchmarks.replicas                          # 3 replicas, 30 sessions, 60 s a run
    python -m benchmarks.replicas --replicas 2 --sessions 10 --seconds 20 --browsers 1 --no-kill
    python -m benchmarks.replicas --write                  # also into reliability.json and README

Three runs through the balancer, on the same replicas:
1. affinity on (HAProxy inserts a cookie naming the replica; Streamlit's documented set-up);
2. affinity off (every HTTP request balanced on its own, what a new user gets by default);
3. affinity on, and one replica killed (SIGKILL) halfway: its students reconnect through the
   balancer to another replica, as Streamlit's frontend does by itself, with the page's state
   kept in its URL.

Each virtual student speaks Streamlit's websocket protocol (benchmarks.wsload): it clicks the
latent map once a second (the decoded digit comes back inline, as a data URI, so it is checked
in the same message) and every tenth action uploads a digit on "Your own digit" (an HTTP PUT to
/_stcore/upload_file/<session>/<file>, then the page must show the prepared picture). A few real
Chromium sessions do the same through the balancer and check that every picture loads.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

from .harness import REPO, free_port, rss_mb, run_async, running_server
from .wsload import Session, click_state, server_side

THINK_S = 1.0
UPLOAD_EVERY = 10
RECONNECT_S = 60.0  # a student who cannot get back in within this is counted as lost
# A browser keeps going past the run's window until it has shown what the run asks of it (a few
# clicks and an upload; after a kill, an action begun after it and done): a slow or busy machine
# then takes longer, instead of failing a count. Past this grace it stops, and the counts say so.
BROWSER_GOALS = {"clicks": 3, "uploads": 1}
BROWSER_GRACE_S = 90.0
FIGURE_HTML = '<figure class="ll-figure"><img src="data:image/png;base64,'


# -- the balancer -----------------------------------------------------------------------------

def haproxy_config(port: int, replicas: list[int], affinity: bool) -> str:
    """HAProxy in front of the replicas: health checks on /_stcore/health, websockets tunnelled
    for a lecture's length, and (with affinity) a cookie that pins a browser to its replica.
    X-Replica on every answer names the replica that served it (for the report)."""
    servers = "\n".join(
        f"    server r{i} 127.0.0.1:{p} check" + (f" cookie r{i}" if affinity else "")
        for i, p in enumerate(replicas))
    cookie = "    cookie LLREPLICA insert indirect nocache httponly\n" if affinity else ""
    return f"""global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 2h
    timeout server 2h
    timeout tunnel 2h
    option redispatch
    retries 3

frontend lecture
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
{cookie}    option httpchk GET /_stcore/health
    http-check expect status 200
    default-server inter 1s fall 2 rise 1
    http-response set-header X-Replica %[srv_name]
{servers}
"""


@contextlib.contextmanager
def balancer(replicas: list[int], affinity: bool, timeout: float = 30.0):
    """Debian's HAProxy on a free loopback port in front of the replicas; yields its URL once
    every replica has answered a health check through it."""
    exe = os.environ.get("HAPROXY") or "/usr/sbin/haproxy"
    if not os.path.exists(exe):
        raise RuntimeError("HAProxy is not installed (apt-get install -y haproxy)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="ll-haproxy-")
    cfg = os.path.join(folder, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(haproxy_config(port, replicas, affinity))
    check = subprocess.run([exe, "-c", "-q", "-f", cfg], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"HAProxy refused its configuration: {check.stderr}")
    log = open(os.path.join(folder, "haproxy.log"), "w+")
    proc = subprocess.Popen([exe, "-db", "-f", cfg], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        seen, deadline = set(), time.monotonic() + timeout
        while len(seen) < len(replicas):  # round robin: every replica answers in turn
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    seen.add(r.headers.get("X-Replica"))
            except OSError:
                time.sleep(0.1)
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"HAProxy did not reach every replica ({seen}):\n{log.read()}")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


# -- one student ------------------------------------------------------------------------------

def digit_png() -> bytes:
    """A hand-drawn-looking 1 as a student's photo would be: dark ink on white, 120×120."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (120, 120), 255)
    ImageDraw.Draw(img).line([(52, 18), (66, 12), (64, 104)], fill=20, width=11)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _multipart(name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Student:
    """A browser's worth of HTTP state: its cookie jar (the balancer's affinity cookie and
    Streamlit's XSRF cookie) shared by its page loads, its websocket and its uploads."""

    def __init__(self, url: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def load_page(self) -> str:
        """GET the app's page and its health check as a browser does first (the health check
        sets Streamlit's XSRF cookie); returns the replica that served the page."""
        with self.http.open(self.url + "/", timeout=30) as r:
            r.read()
            replica = r.headers.get("X-Replica", "")
        with self.http.open(self.url + "/_stcore/health", timeout=30) as r:
            r.read()
        return replica

    def headers(self) -> dict:
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.jar)}

    def upload(self, session_id: str, data: bytes) -> tuple[int, str, str]:
        """PUT a file the way st.file_uploader does; returns (status, file id, replica)."""
        file_id = uuid.uuid4().hex
        body, ctype = _multipart("my-digit.png", data, "image/png")
        req = urllib.request.Request(f"{self.url}/_stcore/upload_file/{session_id}/{file_id}",
                                     data=body, method="PUT",
                                     headers={"Content-Type": ctype,
                                              "X-Xsrftoken": self.cookie("_streamlit_xsrf") or ""})
        try:
            with self.http.open(req, timeout=30) as r:
                return r.status, file_id, r.headers.get("X-Replica", "")
        except urllib.error.HTTPError as e:
            return e.code, file_id, e.headers.get("X-Replica", "")


def _file_state(widget_id: str, file_id: str, size: int):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=widget_id)
    info = s.file_uploader_state_value.uploaded_file_info.add()
    info.file_id, info.name, info.size = file_id, "my-digit.png", size
    return s


def _record() -> dict:
    return {"errors": [], "latency_ms": [], "actions": 0, "replicas": [], "images": 0,
            "images_missing": 0, "uploads": 0, "uploads_failed": 0, "upload_status": [],
            "disconnects": [], "recovered_s": [], "lost": False}


async def _connect(student: Student, rec) -> Session:
    replica = await asyncio.to_thread(student.load_page)
    s = Session(student.url, student.headers())
    await s.__aenter__()
    rec["replicas"].append(s.ws.response.headers.get("X-Replica", replica))
    return s


async def _open_map(s: Session, rec, i: int, query: str = "live=0") -> str | None:
    await s.run(query)
    wid = s.widgets.get("map")
    if wid is None:
        rec["errors"].append(f"session {i}: no map widget on the page")
    elif not server_side(s, rec, i):
        wid = None
    return wid


async def _upload(student: Student, s: Session, rec, png: bytes, i: int):
    """Open "Your own digit", upload a picture, and see it prepared and reconstructed."""
    await s.run("", "your_digit")
    wid = s.widgets.get("upload")
    if wid is None:
        rec["errors"].append(f"session {i}: no file uploader on Your own digit")
        return
    status, file_id, replica = await asyncio.to_thread(student.upload, s.session_id, png)
    rec["uploads"] += 1
    rec["upload_status"].append([status, replica])
    t = await s.run("", "your_digit", [_file_state(wid, file_id, len(png))])
    rec["latency_ms"].append(1000 * t)
    shown = any(FIGURE_HTML in m and "prepared 28×28 input" in m for m in s.markdown)
    if status != 204 or not shown:
        rec["uploads_failed"] += 1
    s.held.pop(wid, None)  # leave the page as a student would: the upload is done with


async def _student(url: str, i: int, stop_at: float, rec, png: bytes):
    rng = random.Random(i)
    student = Student(url)
    s = await _connect(student, rec)
    try:
        wid = await _open_map(s, rec, i)
        if wid is None:
            return
        n = 0
        while time.perf_counter() < stop_at:
            n += 1
            try:
                if n % UPLOAD_EVERY == i % UPLOAD_EVERY:
                    await _upload(student, s, rec, png, i)
                    wid = await _open_map(s, rec, i, s.query if "at=" in s.query else "live=0")
                    if wid is None:
                        return
                else:
                    u, v = round(rng.uniform(-2.5, 2.5), 3), round(rng.uniform(-2.5, 2.5), 3)
                    t = await s.run(s.query, "", [click_state(wid, u, v)])
                    rec["latency_ms"].append(1000 * t)
                    got = [float(x) for x in (s.param("at") or "nan,nan").split(",")]
                    if not (abs(got[0] - u) <= 0.006 and abs(got[1] - v) <= 0.006):
                        rec["errors"].append(f"session {i} clicked ({u}, {v}), the server shows {got}")
                    if any(FIGURE_HTML in m and "decoded at" in m for m in s.markdown):
                        rec["images"] += 1
                    else:
                        rec["images_missing"] += 1
                rec["actions"] += 1
            except (OSError, asyncio.TimeoutError) + _closed() as e:
                # the replica went away: reconnect through the balancer, as Streamlit's frontend
                # does on its own, and reopen the page from its URL (the state lives there)
                t_lost = time.perf_counter()
                rec["disconnects"].append(f"{type(e).__name__}")
                query = s.query
                with contextlib.suppress(Exception):
                    await s.__aexit__()
                s, wid = None, None
                while wid is None and time.perf_counter() - t_lost < RECONNECT_S:
                    try:
                        s = await _connect(student, rec)
                        wid = await _open_map(s, rec, i, query or "live=0")
                    except Exception:
                        await asyncio.sleep(0.5)
                if wid is None:
                    rec["lost"] = True
                    return
                rec["recovered_s"].append(time.perf_counter() - t_lost)
            await asyncio.sleep(THINK_S)
    finally:
        if s is not None:
            with contextlib.suppress(Exception):
                await s.__aexit__()


def _closed():
    import websockets

    return (websockets.ConnectionClosed, websockets.InvalidStatus)


# -- real browsers ----------------------------------------------------------------------------

CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def _browsers(url: str, n: int, stop_at: float, png: bytes, out: list, killed: dict,
              pin: str | None = None):
    """A few Chromium sessions through the balancer: click the map, check the decoded digit's
    picture loaded; upload a digit, check its prepared picture loaded. With `pin`, the first
    browser carries the balancer's cookie for that replica (the one to be killed). Like a
    student, a browser whose page shows it is reconnecting waits for it; it never reloads.
    `killed["t"]` (set by the run when it kills a replica) starts the clock of a browser's
    recovery: its first action begun after the kill, done."""
    from playwright.sync_api import sync_playwright

    from .harness import FIGURE, MAP, act, launch, new_context, open_page

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
                       "uploads_failed": 0, "errors": [], "replica": None, "replica_after": None}
                pages.append((ctx.new_page(), rec))
                out.append(rec)
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
                for page, rec in pages:
                    k += 1
                    try:
                        with contextlib.suppress(Exception):  # "Connecting…": wait, as a student would
                            page.wait_for_selector(CONNECTED, timeout=1000 * RECONNECT_S)
                        began = time.perf_counter()
                        if k % 4 == 0:
                            _browser_upload(page, url, png, rec)
                        else:
                            box = page.locator(MAP).first.bounding_box()
                            x = box["x"] + box["width"] * rng.uniform(0.15, 0.85)
                            y = box["y"] + box["height"] * rng.uniform(0.15, 0.85)
                            act(page, lambda p=page, x=x, y=y: p.mouse.click(x, y), 10_000)
                            rec["clicks"] += 1
                            rec["images" if _loaded(page, FIGURE, "decoded at") else "images_missing"] += 1
                        # the first action begun after the kill (one begun before may have been
                        # answered by the killed replica in its last moments)
                        if killed.get("t") is not None and began > killed["t"] and "after_kill_s" not in rec:
                            rec["after_kill_s"] = time.perf_counter() - killed["t"]
                            rec["replica_after"] = _replica_cookie(page)
                    except Exception as e:
                        rec["errors"].append(f"{type(e).__name__}: {str(e)[:120]}")
            for rec in recs:
                rec["overtime_s"] = round(max(0.0, time.perf_counter() - stop_at), 1)
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

    open_page(page, url + "/your_digit", 10_000)
    page.get_by_role("tab", name="Upload").click()
    path = os.path.join(tempfile.gettempdir(), "ll-my-digit.png")
    with open(path, "wb") as f:
        f.write(png)
    rec["uploads"] += 1
    try:
        act(page, lambda: page.locator("input[type=file]").set_input_files(path), 10_000)
        ok = _loaded(page, FIGURE, "prepared 28×28 input")
    except Exception:
        ok = False
    rec["uploads_failed"] += not ok
    open_page(page, url + "/?live=0", 10_000)


# -- one run ----------------------------------------------------------------------------------

def _summary(records: list, browsers: list, memory: dict) -> dict:
    lat = [x for r in records for x in r["latency_ms"]]
    q = statistics.quantiles(lat, n=20) if len(lat) >= 2 else [float("nan")] * 19
    errors = [e for r in records for e in r["errors"]]
    first = [r["replicas"][0] for r in records if r["replicas"]]
    return {
        "actions": sum(r["actions"] for r in records), "errors": len(errors),
        "disconnects": sum(len(r["disconnects"]) for r in records),
        "error_samples": errors[:8],
        "latency_ms_median": round(statistics.median(lat), 1) if lat else None,
        "latency_ms_p95": round(q[18], 1),
        "sessions_per_replica": {name: first.count(name) for name in sorted(set(first))},
        "images_checked": sum(r["images"] + r["images_missing"] for r in records),
        "images_missing": sum(r["images_missing"] for r in records),
        "uploads": sum(r["uploads"] for r in records),
        "uploads_failed": sum(r["uploads_failed"] for r in records),
        "upload_http_status": dict(sorted(
            {str(c): sum(1 for r in records for s, _ in r["upload_status"] if s == c)
             for c in {s for r in records for s, _ in r["upload_status"]}}.items())),
        "browsers": {
            "sessions": len(browsers),
            "clicks": sum(b["clicks"] for b in browsers),
            "images_checked": sum(b["images"] + b["images_missing"] for b in browsers),
            "images_missing": sum(b["images_missing"] for b in browsers),
            "uploads": sum(b["uploads"] for b in browsers),
            "uploads_failed": sum(b["uploads_failed"] for b in browsers),
            "errors": sum(len(b["errors"]) for b in browsers),
            "replicas": [b["replica"] for b in browsers],
            "overtime_s": max((b.get("overtime_s", 0.0) for b in browsers), default=0.0),
            "error_samples": [e for b in browsers for e in b["errors"]][:4],
        },
        "rss_mb": memory,
    }


def one_run(url: str, procs: dict, sessions: int, seconds: float, browsers: int,
            kill: str | None = None) -> dict:
    """Students and browsers through the balancer at `url`; with `kill`, that replica is killed
    halfway through the measured time."""
    png = digit_png()
    records = [_record() for _ in range(sessions)]
    browser_recs: list = []
    warmup = 3.0 + 0.2 * sessions
    t0 = time.perf_counter()
    stop_at = t0 + warmup + seconds
    memory = {name: {"start": round(rss_mb(p.pid), 1), "max": 0.0} for name, p in procs.items()}
    killed: dict = {}  # "at_s" since the measured time began, "t" on perf_counter's clock

    async def main():
        async def user(i):
            await asyncio.sleep(0.2 * i)
            try:
                await _student(url, i, stop_at, records[i], png)
            except Exception as e:
                records[i]["errors"].append(f"{type(e).__name__}: {str(e)[:200]}")

        async def sampler():
            while time.perf_counter() < stop_at:
                for name, p in procs.items():
                    if p.poll() is None:
                        memory[name]["max"] = max(memory[name]["max"], round(rss_mb(p.pid), 1))
                        memory[name]["end"] = round(rss_mb(p.pid), 1)
                if kill and not killed and time.perf_counter() > t0 + warmup + seconds / 2:
                    killed["t"] = time.perf_counter()
                    killed["at_s"] = round(killed["t"] - t0 - warmup, 1)
                    procs[kill].send_signal(signal.SIGKILL)
                    procs[kill].wait()
                await asyncio.sleep(0.5)

        await asyncio.gather(sampler(), *(user(i) for i in range(sessions)))

    driver = threading.Thread(target=_browsers, daemon=True,
                              args=(url, browsers, stop_at, png, browser_recs, killed, kill)
                              ) if browsers else None
    if driver:
        driver.start()
    run_async(main)
    if driver:
        driver.join(BROWSER_GRACE_S + 120)
    out = _summary(records, browser_recs, memory)
    if kill:
        hit = [r for r in records if r["disconnects"]]
        moved = [b for b in browser_recs if b["replica"] == kill]
        rec_s = [x for r in hit for x in r["recovered_s"]]
        out["kill"] = {
            "replica": kill, "at_s": killed.get("at_s"),
            "sessions_on_it": sum(1 for r in records if r["replicas"][:1] == [kill]),
            "sessions_disconnected": len(hit),
            "sessions_recovered": sum(1 for r in hit if r["recovered_s"] and not r["lost"]),
            "sessions_lost": sum(1 for r in records if r["lost"]),
            "recovery_s_median": round(statistics.median(rec_s), 2) if rec_s else None,
            "recovery_s_max": round(max(rec_s), 2) if rec_s else None,
            "moved_to": sorted({r["replicas"][-1] for r in hit if len(r["replicas"]) > 1}),
            "errors_elsewhere": sum(len(r["errors"]) for r in records if not r["disconnects"]),
            "browsers_on_it": len(moved),
            "browsers_working_again": sum(1 for b in moved if b.get("replica_after") not in (None, kill)),
            "browsers_moved_to": sorted({b["replica_after"] for b in moved if b.get("replica_after")}),
            "browser_recovery_s": [round(b["after_kill_s"], 2) for b in moved if "after_kill_s" in b],
            "browser_actions_failed": sum(len(b["errors"]) for b in moved),
            "browser_errors_elsewhere": sum(len(b["errors"]) for b in browser_recs if b not in moved),
        }
    return out


def run(replicas: int = 3, sessions: int = 30, seconds: float = 60.0, browsers: int = 3,
        kill: bool = True) -> dict:
    result = {"replicas": replicas, "sessions": sessions, "seconds": seconds, "browsers": browsers,
              "balancer": "HAProxy " + _haproxy_version(), "think_time_s": THINK_S,
              "upload_every": UPLOAD_EVERY, "cores": os.cpu_count()}
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(running_server()) for _ in range(replicas)]
        procs = {f"r{i}": proc for i, (_, proc) in enumerate(servers)}
        ports = [int(url.rsplit(":", 1)[1]) for url, _ in servers]
        for url, _ in servers:  # load the models once per replica, as its first student would
            urllib.request.urlopen(url + "/", timeout=60).read()
            run_async(lambda u=url: _warm(u))
        result["rss_mb_idle"] = {n: round(rss_mb(p.pid), 1) for n, p in procs.items()}
        with balancer(ports, affinity=True) as url:
            result["affinity"] = one_run(url, procs, sessions, seconds, browsers)
        with balancer(ports, affinity=False) as url:
            result["no_affinity"] = one_run(url, procs, sessions, seconds, browsers)
        if kill:
            with balancer(ports, affinity=True) as url:
                result["kill"] = one_run(url, procs, sessions, seconds, browsers, kill="r0")
    return result


async def _warm(url):
    async with Session(url) as s:
        await s.run("live=0")
        await s.run("", "your_digit")


def _haproxy_version() -> str:
    out = subprocess.run([os.environ.get("HAPROXY") or "/usr/sbin/haproxy", "-v"],
                         capture_output=True, text=True).stdout
    return out.split()[2] if out else "?"


def table(doc: dict) -> str:
    """The README's lecture-hall table, from a run's figures."""
    rows = ["| run | actions | errors | p50 / p95 ms | sessions per replica | uploads failed | "
            "images missing |", "|---|---|---|---|---|---|---|"]
    for key, name in (("affinity", "affinity on"), ("no_affinity", "affinity off"),
                      ("kill", "affinity on, a replica killed")):
        r = doc.get(key)
        if not r:
            continue
        share = ", ".join(f"{k} {v}" for k, v in r["sessions_per_replica"].items())
        b = r["browsers"]
        rows.append(f"| {name} | {r['actions']} (+{b['clicks']} in Chromium) | {r['errors']} | "
                    f"{r['latency_ms_median']:.0f} / {r['latency_ms_p95']:.0f} | {share} | "
                    f"{r['uploads_failed']} of {r['uploads']} (Chromium {b['uploads_failed']} of "
                    f"{b['uploads']}) | {r['images_missing']} of {r['images_checked']} (Chromium "
                    f"{b['images_missing']} of {b['images_checked']}) |")
    k = doc.get("kill", {}).get("kill")
    if k:
        rows.append("")
        rows.append(f"Replica {k['replica']} killed at {k['at_s']} s: {k['sessions_disconnected']} "
                    f"sessions disconnected, {k['sessions_recovered']} back on "
                    f"{', '.join(k['moved_to'])} (median {k['recovery_s_median']} s, max "
                    f"{k['recovery_s_max']} s), {k['sessions_lost']} lost, "
                    f"{k['errors_elsewhere']} errors in the other sessions. Chromium on "
                    f"{k['replica']}: {k['browsers_on_it']}, working again on "
                    f"{', '.join(k['browsers_moved_to']) or 'none'}: {k['browsers_working_again']} "
                    f"(first action done {', '.join(f'{x} s' for x in k['browser_recovery_s'])} "
                    f"after the kill; Streamlit's own reconnect, no reload).")
    mem = ", ".join(f"{n} {v:.0f}" for n, v in doc["rss_mb_idle"].items())
    peak = ", ".join(f"{n} {v['max']:.0f}" for n, v in doc["affinity"]["rss_mb"].items())
    rows.append("")
    rows.append(f"Memory per replica (MB): {mem} idle; {peak} at most under load. "
                f"{doc['replicas']} replicas, {doc['sessions']} sessions, {doc['seconds']:.0f} s a "
                f"run, {doc['browsers']} Chromium sessions, {doc['balancer']}, {doc['cores']} cores "
                "shared by the replicas, the balancer and the load generator.")
    return "\n".join(rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.replicas", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--replicas", type=int, default=3)
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--browsers", type=int, default=3)
    p.add_argument("--no-kill", action="store_true", help="skip the run with a replica killed")
    p.add_argument("--write", action="store_true",
                   help="store the figures in reliability.json and the README's table")
    p.add_argument("--store-as", default="replicas", metavar="KEY",
                   help="the key in reliability.json (the README's table shows 'replicas' only)")
    args = p.parse_args(argv)
    if not (2 <= args.replicas <= 8 and 1 <= args.sessions <= 100 and 5 <= args.seconds <= 600
            and 0 <= args.browsers <= 6):
        p.error("bounded on purpose: 2-8 replicas, 1-100 sessions, 5-600 s, 0-6 browsers")
    doc = run(args.replicas, args.sessions, args.seconds, args.browsers, not args.no_kill)
    print(json.dumps(doc, indent=2))
    print(table(doc))
    if args.write:
        from vae_core.index import replace_block

        from .reliability import RESULTS

        stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        stored[args.store_as] = doc
        RESULTS.write_text(json.dumps(stored, indent=2) + "\n")
        if args.store_as == "replicas":
            replace_block(REPO / "README.md", "<!-- replicas:start -->",
                          "<!-- replicas:end -->", table(doc))
    a = doc["affinity"]
    ok = not (a["errors"] or a["disconnects"] or a["uploads_failed"] or a["images_missing"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
