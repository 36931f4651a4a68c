"""Live decoding in the browser, frame by frame: decode + draw per pointer move on the map and
per slider step, and the same with the CPU slowed 4x as on a phone (`python -m benchmarks.bench
live throttled`)."""

from __future__ import annotations

import statistics
import sys
import time

from .harness import (
    REPO,
    launch,
    new_context,
    open_page,
    running_app,
    wait_for_run,
)
from .stats import quantile, summary

FRAME_BUDGET_MS = 1000 / 60


def bench_live(runs: int = 5, moves: int = 200) -> dict:
    """Decode + draw time per frame while the pointer sweeps the latent map, per run."""
    from playwright.sync_api import sync_playwright

    p50s, p95s, load_gaps, sliders_p95 = [], [], [], []
    with running_app() as url, sync_playwright() as p:
        browser = launch(p)
        for _ in range(runs):
            page = new_context(browser).new_page()
            page.goto(url)
            page.wait_for_selector("h2", timeout=120_000)
            t_header = time.perf_counter()
            page.wait_for_selector("canvas.ll-base", timeout=120_000)
            load_gaps.append(time.perf_counter() - t_header)
            wait_for_run(page, 0, 120_000)
            page.evaluate("window.__latentLabFrames.length = 0")
            box = page.locator("canvas.ll-over").first.bounding_box()
            for i in range(moves):  # a Lissajous sweep over the whole map
                fx, fy = 0.5 + 0.45 * ((i * 0.037) % 2 - 1), 0.5 + 0.45 * ((i * 0.053) % 2 - 1)
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(8)
            page.wait_for_timeout(100)
            frames = page.evaluate("Array.from(window.__latentLabFrames)")
            p50s.append(quantile(frames, 0.5))
            p95s.append(quantile(frames, 0.95))
            page.context.close()
            sliders_p95.append(quantile(_drag_live_slider(browser, url, SLIDERS_MODEL, moves),
                                         0.95))
        browser.close()
    return {
        "live_sliders_frame_ms_p95": summary(sliders_p95),
        "live_sliders_model": SLIDERS_MODEL,
        "live_decode_frame_ms": summary(p50s),
        "live_decode_frame_ms_p95": summary(p95s),
        "frame_budget_ms": FRAME_BUDGET_MS,
        "p95_share_of_frame_budget": statistics.median(p95s) / FRAME_BUDGET_MS,
        "map_after_header_s": summary(load_gaps),
        "moves_per_run": moves,
    }


SLIDERS_MODEL = "mnist_vae_20d"  # the biggest decoder that runs in the browser


# A fixed piece of JavaScript (median ms of 9 runs), timed before and after the throttle: that it
# really took hold (a CDP session that goes away lifts it).
BUSY_LOOP = """() => { const t = []; for (let k = 0; k < 9; k++) { const t0 = performance.now();
    let x = 0; for (let i = 0; i < 2e6; i++) x += Math.sqrt(i); t.push(performance.now() - t0); }
    return t.sort((a, b) => a - b)[4]; }"""


def _drag_live_slider(browser, url: str, model: str, moves: int, throttle: float = 1,
                      dataset: str = "mnist", slowed: list | None = None,
                      where: str | None = None) -> list[float]:
    """Decode + draw ms of each frame while dragging the first live slider of `model` end to end
    (input events only: the page learns z once, on release), the CPU slowed `throttle` times;
    on the sliders page, or at `where` (a page and its link, for a model no picker offers)."""
    page = new_context(browser).new_page()
    open_page(page, f"{url}/{where or f'sliders?dataset={dataset}&model={model}'}", 120_000)
    if where is None and f"model={model}" not in page.url:  # the page fell back to another model
        raise RuntimeError(f"the sliders page does not offer {model}: {page.url}")
    cdp = None
    if throttle != 1:  # the session is kept until the page closes: a detached one lifts the throttle
        before = page.evaluate(BUSY_LOOP)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        if slowed is not None:
            slowed.append(page.evaluate(BUSY_LOOP) / before)
    handle = page.locator(".ll-sliders input[type=range]").first
    handle.wait_for(timeout=120_000)
    page.evaluate("window.__latentLabFrames.length = 0")
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    for i in range(moves):
        page.mouse.move(box["x"] + 2 + (box["width"] - 4) * (i + 1) / moves, y)
        page.wait_for_timeout(8)
    page.mouse.up()
    page.wait_for_timeout(100)
    frames = page.evaluate("Array.from(window.__latentLabFrames)")
    if cdp is not None:
        cdp.detach()
    page.context.close()
    return frames


THROTTLE = 4  # a student's phone, as Lighthouse's mobile setting emulates it
# where a conditional model's live sliders are: Draw me a … (no picker offers it)
CONDITIONAL_PAGE = {"mnist_cvae_2d": "draw?size=2", "mnist_cvae_16d": "draw?size=16"}
# the attribute sliders (steps along directions, decoded in the browser): the page's own model,
# and the biggest decoder it offers that runs in the browser
ATTRIBUTE_SLIDERS = {"attributes: mnist_vae_16d": "attributes?model=mnist_vae_16d",
                     "attributes: mnist_vae_2d": "attributes?model=mnist_vae_2d"}


def live_models() -> list[str]:
    """Every shipped model whose decoder runs in the browser (the live map and sliders, and a
    conditional model's page), as "dataset/name"."""
    from vae_core.checkpoint import list_checkpoints, load_model
    from vae_core.export import decoder_spec
    from vae_core.families import of

    names = []
    for meta in list_checkpoints(REPO / "checkpoints")[0]:
        if of(meta).pages not in ("latent", "conditional"):
            continue
        try:
            decoder_spec(load_model(meta["path"]))
        except ValueError:
            continue
        names.append(f"{meta['dataset']}/{meta['name']}")
    return names


def bench_throttled(moves: int = 200, models: list[str] | None = None) -> dict:
    """Decode + draw per frame while dragging a live slider, with Chromium's CPU slowed
    THROTTLE times (CDP Emulation.setCPUThrottlingRate): every live model, and the attribute
    sliders (ATTRIBUTE_SLIDERS), p95 and p50."""
    from playwright.sync_api import sync_playwright

    p95, p50, slowed = {}, {}, []
    with running_app() as url, sync_playwright() as p:
        browser = launch(p)
        runs = [(n.split("/")[1], n.split("/")[0], CONDITIONAL_PAGE.get(n.split("/")[1]))
                for n in models or live_models()]
        runs += [] if models else [(name, "mnist", where) for name, where in ATTRIBUTE_SLIDERS.items()]
        for name, dataset, where in runs:
            frames = _drag_live_slider(browser, url, name, moves, throttle=THROTTLE, dataset=dataset,
                                       slowed=slowed, where=where)
            p95[name], p50[name] = quantile(frames, 0.95), quantile(frames, 0.5)
            print(name, f"p50 {p50[name]:.2f} ms, p95 {p95[name]:.2f} ms", file=sys.stderr, flush=True)
        browser.close()
    return {"live_decode_frame_ms_p95_throttled_4x": p95, "live_decode_frame_ms_p50_throttled_4x": p50,
            "cpu_throttling_rate": THROTTLE, "moves": moves, "frame_budget_ms": FRAME_BUDGET_MS,
            "busy_loop_slowdown": summary(slowed)}
