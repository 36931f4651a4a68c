"""The server's start-up (`lifespan`) and what the app adds to Streamlit's own HTTP responses, as
an ASGI middleware of st.App (the `lifespan` and `middleware` parameters, public API):
compressed static bundles, and first-paint CSS.

- Start-up imports torch and loads what the first page shows on a thread of its own
  (`start_warming`, as app.py is imported), and declares the navigation (`lifespan`): the server
  answers at once, and the first browser fetches Streamlit's bundles (about a second) while torch
  imports.

- Streamlit serves its JavaScript and fonts uncompressed on purpose: re-compressing them on
  every request costs CPU, and a proxy usually compresses (starlette_gzip_middleware.py). Its
  bundles are content-hashed and immutable, so here each one is gzipped once and kept: 2.9 MB
  of JavaScript for the first visit becomes about 0.9 MB, at no CPU cost after the first request.
- The HTML document gets a small stylesheet before any script runs, so that the page does not
  jump when the first script run brings the sidebar and the navigation: the main area starts
  where it will be (see FIRST_PAINT_CSS).
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import threading

import streamlit as st

from . import registry


@contextlib.asynccontextmanager
async def lifespan(app):
    """Before the server takes its first request, declare the navigation. Streamlit runs the
    first session of an app that has a `pages/` folder in its legacy mode (every script in it
    listed as a page) unless st.navigation has run: "As soon as any session of your app
    executes the st.navigation command, your app will ignore the pages/ directory (across all
    sessions)" (st.navigation's documentation). No session exists yet, so the call only does
    that; Streamlit logs its bare-mode warning, which is silenced here. (The engine warms up
    beside the server from before this: `start_warming`.)"""
    with _quiet():
        st.navigation(registry.st_pages())
    yield


def start_warming():
    """Start `warm` on a thread of its own (app.py, as the server imports it: a moment before
    the lifespan runs)."""
    limit_malloc_arenas()
    threading.Thread(target=warm, name="latent-lab-warm", daemon=True).start()


@contextlib.contextmanager
def _quiet():
    """Streamlit's "missing ScriptRunContext" warnings, for work done outside a script run."""
    log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def warm():
    """Import torch, set its threads, and load the first page's model, its atlas and its map's
    payload into the shared caches (ui.catalog, ui.live). A first request that comes sooner
    waits for the same imports and cache entries (Python's import lock, st.cache_resource's
    per-key lock), never does them twice."""
    with _quiet():
        from . import catalog

        catalog.set_threads()
        meta = catalog.warm(registry.default().models)
        if meta is not None:
            from . import live

            live.warm_map(meta, meta["dataset"])
    drop_unused_libraries()  # after what the first page needs: the kernel's work is not on its path
    threading.Thread(target=_trim_now_and_then, name="latent-lab-trim", daemon=True).start()  # likewise


M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Let glibc keep at most `arenas` malloc arenas (as MALLOC_ARENA_MAX would). Streamlit runs
    every script run on a thread of its own, and glibc gives threads arenas of their own, up to
    8 per core, each keeping the memory its runs freed: with every page visited once the server
    held 587 MB, with two arenas 530 MB (benchmarks.bench memory's walk). Returns whether glibc
    took it (False elsewhere)."""
    import ctypes

    try:
        return bool(ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


TRIM_EVERY_S = 1.0  # a trim costs about 1 ms (35 ms when it hands back a lot)


def _trim_now_and_then(every: float = TRIM_EVERY_S):
    """Hand freed memory back to the kernel every second (catalog.release_memory): a script run
    frees what it built (pictures, decoded batches, the morphometrics' scratch images), but
    glibc keeps freed memory in its arenas, so the server would stay at its high-water mark."""
    import time

    from . import catalog

    while True:
        time.sleep(every)
        catalog.release_memory()


# The CUDA libraries the torch wheel loads even where there is no GPU (this server decodes on the
# CPU): their pages are clean copies of files, read once while torch starts and never again.
UNUSED_LIBRARIES = ("/nvidia/", "/libtorch_cuda", "/libc10_cuda", "/libcudnn")
MADV_PAGEOUT = 21  # Linux 5.4+: reclaim these pages now (clean file pages: simply dropped)


def drop_unused_libraries(maps: str = "/proc/self/maps") -> int:
    """Ask the kernel to drop the resident pages of the CUDA libraries torch loaded (about 140 MB
    of the server's resident memory on this machine). Were one used after all, its pages would
    be read back from the file on first touch: this changes memory, never behaviour. Returns
    the mappings advised (0 where the system has no such call)."""
    import ctypes

    try:
        lines = open(maps).read().splitlines()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    except (OSError, AttributeError):  # not Linux
        return 0
    advised = 0
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or not any(name in fields[5] for name in UNUSED_LIBRARIES):
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        advised += libc.madvise(start, end - start, MADV_PAGEOUT) == 0
    return advised



COMPRESSIBLE = (b"application/javascript", b"text/css", b"text/javascript", b"application/json",
                b"image/svg+xml", b"text/plain")
MIN_SIZE = 1024
# The sidebar is 300 px wide; Streamlit collapses it below its 768 px breakpoint, where no
# space is held.
FIRST_PAINT_CSS = b"""<style id="latent-lab-first-paint">
@media (min-width: 768px) {
  [data-testid="stAppViewContainer"]:not(:has([data-testid="stSidebar"])) > div:has(> main)
    { margin-left: 300px; }
}
@media (min-width: 768px) {
  html body [data-testid="stMainBlockContainer"] { max-width: none; padding-left: 5rem;
    padding-right: 5rem; }
}
[data-testid="stMainBlockContainer"]:not(:has([data-testid="stElementContainer"])) [data-testid="stSkeleton"]
  { visibility: hidden; }
/* Streamlit draws a 40 px skeleton where an element's script is still loading (once per kind
   of element), then the element, usually taller: whatever follows moves down. Until then the
   following elements are not laid out at all (they appear rather than move). Components have
   their own fixed height (ui.live), so their skeletons do not count; nor does the hidden one
   that carries a map's data. */
[data-testid="stElementContainer"][class*="-ll-payload"],
[data-testid="stElementContainer"].st-key-ll-deck-keys { display: none; }
[data-testid="stVerticalBlock"]
  > :has([data-testid="stElementContainer"][height="auto"]:not([class*="-ll-payload"])
         [data-testid="stSkeleton"]) ~ *,
[data-testid="stSidebarContent"] [data-testid="stVerticalBlock"] > :has([data-testid="stSkeleton"]) ~ *
  { display: none; }
/* A component's height is exact in the reference window (ui.frame.MAIN_WIDTH); narrower, it
   follows the content. */
[data-testid="stElementContainer"]:has(> .stBidiComponent) { overflow: visible !important; }
@media (max-width: 1349.98px) {
  [data-testid="stElementContainer"]:has(> .stBidiComponent),
  [data-testid="stElementContainer"] > .stBidiComponent { height: auto !important; }
}
/* a phone: a table wider than the screen scrolls in its own box, the page never sideways */
@media (max-width: 640px) {
  [data-testid="stMarkdownContainer"] table { display: block !important; overflow-x: auto; max-width: 100%; }
}
.ll-figure { margin: 0; }
.ll-figure img { width: 100%; height: auto; image-rendering: pixelated; border-radius: 4px;
  display: block; }
.ll-figure svg.ll-chart { width: 100%; height: auto; display: block; }
.ll-chart-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.875rem; color: #31333f; }
.ll-chart-legend span { display: inline-flex; align-items: center; gap: 4px; }
.ll-figure figcaption, [data-testid="stCaptionContainer"] { color: #4a4c55; font-size: 0.875rem; }
.ll-figure figcaption { text-align: center; margin-top: 0.25rem; }
</style>"""
# Fonts the first screen needs, fetched with the document rather than after the first render
# (text set in a fallback font reflows when its font arrives: the page jumps).
FONTS = ("SourceSansVF-Upright", "MaterialSymbols-Rounded")


# Streamlit loads each kind of element's script when the page first shows one, drawing a 40 px
# skeleton until then: a radio or slider then grows and pushes the page down. The kinds this
# app shows are fetched with the document instead (a few KB each, gzipped).
CHUNKS = ("StreamlitMarkdown", "BidiComponent", "Button", "Checkbox", "DownloadButton",
          "NumberInput", "PageLink", "Radio", "Selectbox", "Slider", "Metric", "ProgressBar",
          "Spinner")


def preload_links() -> bytes:
    """<link rel=preload> for FONTS and <link rel=modulepreload> for CHUNKS, found among
    Streamlit's own (content-hashed) files."""
    from pathlib import Path

    import streamlit

    static = Path(streamlit.__file__).parent / "static" / "static"
    fonts = [f.name for name in FONTS for f in sorted((static / "media").glob(f"{name}*.woff2"))]
    chunks = [f.name for name in CHUNKS for f in sorted((static / "js").glob(f"{name}.*.js"))]
    return b"".join(
        [b'<link rel="preload" as="font" type="font/woff2" crossorigin href="./static/media/'
         + f.encode() + b'">' for f in fonts]
        + [b'<link rel="modulepreload" crossorigin href="./static/js/' + f.encode() + b'">'
           for f in chunks])


class Responses:
    """ASGI middleware: gzip /static/ bundles once each; add FIRST_PAINT_CSS to HTML documents."""

    def __init__(self, app):
        self.app = app
        self.head = FIRST_PAINT_CSS + preload_links()
        self.gzipped: dict[str, tuple[list, bytes]] = {}  # path -> (headers, gzipped body)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        path = scope["path"]
        if b"range" in headers:
            return await self.app(scope, receive, send)
        if path.startswith("/static/") and b"gzip" in headers.get(b"accept-encoding", b""):
            return await self._static(scope, receive, send, headers.get(b"if-none-match", b""))
        if path.startswith(("/_stcore/", "/media/", "/static/", "/component/")):
            return await self.app(scope, receive, send)
        return await self._document(scope, receive, send)  # the app's HTML, for any page path

    async def _whole(self, scope, receive) -> tuple[int, list, bytes]:
        """Run the app and collect its whole response."""
        start, body = {}, []

        async def collect(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        return start.get("status", 500), list(start.get("headers", [])), b"".join(body)

    async def _static(self, scope, receive, send, etag):
        path = scope["path"]
        if path in self.gzipped and not etag:
            headers, packed = self.gzipped[path]
            return await _send(send, 200, headers, packed, scope["method"])
        status, headers, body = await self._whole(scope, receive)  # a 304 passes through
        kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        if status != 200 or len(body) < MIN_SIZE or not kind.startswith(COMPRESSIBLE):
            return await _send(send, status, headers, body, scope["method"])
        packed = gzip.compress(body, compresslevel=6, mtime=0)  # 9 costs a third more CPU for 0.3%
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding"),
                    (b"content-length", str(len(packed)).encode())]
        self.gzipped[path] = (headers, packed)
        await _send(send, 200, headers, packed, scope["method"])

    async def _document(self, scope, receive, send):
        status, headers, body = await self._whole(scope, receive)
        head = {k.lower(): v for k, v in headers}
        if status == 200 and head.get(b"content-type", b"").startswith(b"text/html"):
            packed = head.get(b"content-encoding") == b"gzip"  # Streamlit gzips page paths
            html = gzip.decompress(body) if packed else body
            if b"</head>" in html:
                html = html.replace(b"</head>", self.head + b"</head>", 1)
                body = gzip.compress(html, mtime=0) if packed else html
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
        await _send(send, status, headers, body, scope["method"])


async def _send(send, status, headers, body, method):
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
