"""What a newcomer waits for and what the server holds: cold start (launch to the first map
drawn), a first visit to each page on a warm server, and the server's memory after every page
(`python -m benchmarks.bench cold firstvisit memory`)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from .harness import (
    MAP_DRAWN,
    launch,
    new_context,
    open_page,
    page_urls,
    rss_mb,
    running_app,
    running_server,
)
from .stats import summary

# A page's main picture: a map, a chart, a decoded picture or a drawing pad, drawn (an <img>
# counts once it has decoded); the components draw inside shadow roots. The Train page's first
# picture is its controls (no model before Start); Start here and the Glossary are text: their
# first page link and their first entry; the Lecture its table of steps, My deck its file box,
# Is my loss good? its table of conventions.
# Elements marked data-ll-old belong to the page before.
FIRST_PICTURE = {"train": "[data-testid='stSlider']", "start": "[data-testid='stPageLink-NavLink']",
                 "glossary": "h3", "lecture": "table",
                 "my_deck": "[data-testid='stFileUploader']", "loss_units": "table"}


PICTURE = """(sel) => {
    sel = sel || "canvas, svg.ll-chart, figure.ll-figure img";
    const all = [], walk = (root) => root.querySelectorAll("*").forEach((e) => {
        if (e.matches(sel)) all.push(e);
        if (e.shadowRoot) walk(e.shadowRoot);
    });
    walk(document.querySelector("[data-testid='stMain']"));
    return all.find((e) => !e.dataset.llOld && e.getBoundingClientRect().width > 0
                         && (e.tagName !== "IMG" || (e.complete && e.naturalWidth > 0)));
}"""


DRAWN = ("(sel) => { const e = (" + PICTURE + ")(sel); return e ? e.tagName.toLowerCase() + '.'"
         " + String(e.className.baseVal ?? e.className).split(' ')[0] : null; }")


MARK_OLD = """() => { const walk = (root) => root.querySelectorAll("*").forEach((e) => {
    e.dataset.llOld = 1; if (e.shadowRoot) walk(e.shadowRoot); });
    walk(document.querySelector("[data-testid='stMain']")); }"""


def bench_first_visit(runs: int = 3) -> dict:
    """A student's first visit to each page on a warm server: from the click on its link in the
    sidebar (a new session, on the latent map; for the latent map itself, on the sliders) to
    its main picture drawn; and a new tab opening the app to the latent map drawn (loading
    Streamlit's scripts too). The server is warmed by one session visiting every page."""
    from playwright.sync_api import sync_playwright

    from .harness import warm

    times: dict[str, list[float]] = {}
    found: dict[str, str] = {}
    opened: list[float] = []
    with running_app() as url:
        warm(url)
        with sync_playwright() as p:
            browser = launch(p)
            for _ in range(runs):
                for key, page_url in page_urls(url).items():
                    page = new_context(browser).new_page()
                    start = "sliders" if key == "latent_map" else ""  # the session's first page
                    open_page(page, f"{url}/{start}", 120_000)
                    page.evaluate(MARK_OLD)
                    link = page.locator(f"[data-testid='stSidebar'] a[href='{page_url.rsplit('/', 1)[1]}']")
                    t0 = time.perf_counter()
                    link.first.click()
                    try:  # what was found is named in the same poll (it may be redrawn after)
                        seen = page.wait_for_function(DRAWN, arg=FIRST_PICTURE.get(key),
                                                      timeout=60_000, polling="raf")
                    except Exception as e:
                        raise RuntimeError(f"{key}: no picture within 60 s") from e
                    times.setdefault(key, []).append(time.perf_counter() - t0)
                    found[key] = seen.json_value()
                    print(key, f"{times[key][-1]:.2f} s", found[key], file=sys.stderr, flush=True)
                    page.context.close()
                page = new_context(browser).new_page()  # a new tab: the app's own start as well
                t0 = time.perf_counter()
                page.goto(f"{url}/")
                page.wait_for_function(DRAWN, timeout=60_000, polling="raf")
                opened.append(time.perf_counter() - t0)
                page.context.close()
            browser.close()
    return {"page_first_visit_s": {k: summary(v) for k, v in times.items()},
            "picture": found, "runs": runs, "app_open_to_map_s": summary(opened)}


def _torch_import_s() -> float:
    import subprocess

    code = "import time; t = time.perf_counter(); import torch; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def bench_cold(runs: int = 3) -> dict:
    """`streamlit run app.py` launched -> the first page's latent map drawn in Chromium."""
    from playwright.sync_api import sync_playwright

    totals, imports = [], []
    with sync_playwright() as p:
        browser = launch(p)
        for _ in range(runs):
            imports.append(_torch_import_s())
            t0 = time.perf_counter()
            with running_app() as url:
                page = new_context(browser).new_page()
                page.goto(url)
                # checked on every animation frame: Playwright's wait_for_selector polls every
                # 500 ms once it has waited a moment, and read the map up to half a second late
                page.wait_for_function(DRAWN, arg=MAP_DRAWN, timeout=120_000, polling="raf")
                totals.append(time.perf_counter() - t0)
                page.context.close()
        browser.close()
    beyond = [t - i for t, i in zip(totals, imports)]  # each run less its own torch import
    return {"cold_start_s": summary(totals), "torch_import_s": summary(imports),
            "beyond_torch_s": summary(beyond),
            "torch_import_share": statistics.median(imports) / statistics.median(totals)}


def _settled_rss(pid: int, samples: int = 5, every: float = 0.5) -> tuple[float, float]:
    """(median, max) of RSS samples once the server is idle: right after a page's run the
    figure still holds that run's temporaries (glibc returns them over the next moments), so
    one sample at that instant varied by up to 170 MB between otherwise identical runs."""
    time.sleep(2.0)
    values = []
    for _ in range(samples):
        values.append(rss_mb(pid))
        time.sleep(every)
    return statistics.median(values), max(values)


def resident_by_mapping(pid: int) -> dict[str, float]:
    """A process's resident MB by what holds it (/proc/<pid>/smaps): the CUDA libraries the
    torch wheel loads, torch's own libraries, other files, and anonymous memory (heap, arrays,
    tensors, the libraries' own start-up state)."""
    groups = {"CUDA libraries": 0.0, "torch libraries": 0.0, "other files": 0.0, "anonymous": 0.0}
    name = ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            name = fields[5] if len(fields) > 5 else ""
        elif fields and fields[0] == "Rss:":
            group = ("CUDA libraries" if "/nvidia/" in name or "_cuda" in name
                     else "torch libraries" if "/torch/lib/" in name
                     else "other files" if name.startswith("/") else "anonymous")
            groups[group] += int(fields[1]) / 1024
    return groups


def bench_memory(extra: int = 10) -> dict:
    """Server RSS after one session visited every page; growth per extra session."""
    from playwright.sync_api import sync_playwright

    with running_server() as (url, proc), sync_playwright() as p:
        browser = launch(p)
        base = rss_mb(proc.pid)
        first = new_context(browser).new_page()
        for page_url in page_urls(url).values():
            open_page(first, page_url, 120_000)
        one, one_max = _settled_rss(proc.pid)
        by_mapping = resident_by_mapping(proc.pid)
        contexts = []
        for _ in range(extra):
            ctx = new_context(browser)
            page = ctx.new_page()
            open_page(page, url, 120_000)
            page.wait_for_selector(MAP_DRAWN, timeout=120_000)
            contexts.append(ctx)
        many, _ = _settled_rss(proc.pid)
        browser.close()
    return {"server_rss_mb_idle": base, "server_rss_mb": one, "server_rss_mb_sample_max": one_max,
            "server_rss_mb_after_extra": many, "server_rss_mb_by_mapping": by_mapping,
            "extra_sessions": extra, "rss_per_extra_session_mb": (many - one) / extra}
