"""Virtual students for the lecture-hall run: each speaks Streamlit's websocket protocol through
the balancer, clicks the latent map once a second (the decoded digit comes back inline and is
checked in the same message), uploads a digit every tenth action, and reconnects through the
balancer when its replica dies."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import io
import random
import time
import urllib.error
import urllib.request
import uuid

from .protocol import Session, click_state, file_state, server_side

THINK_S = 1.0


UPLOAD_EVERY = 10


RECONNECT_S = 60.0  # a student who cannot get back in within this is counted as lost


FIGURE_HTML = '<figure class="ll-figure"><img src="data:image/png;base64,'


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


def new_record() -> dict:
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
    t = await s.run("", "your_digit", [file_state(wid, file_id, len(png))])
    rec["latency_ms"].append(1000 * t)
    shown = any(FIGURE_HTML in m and "prepared 28×28 input" in m for m in s.markdown)
    if status != 204 or not shown:
        rec["uploads_failed"] += 1
    s.held.pop(wid, None)  # leave the page as a student would: the upload is done with


async def student(url: str, i: int, stop_at: float, rec, png: bytes):
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
