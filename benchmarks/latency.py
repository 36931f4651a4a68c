"""What a click costs once the page is open: a server-side click on the map to its digit shown,
a warm page rerun, and both while a live training runs (`python -m benchmarks.bench click rerun
livetrain`)."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

from .harness import (
    FIGURE,
    MAP,
    act,
    launch,
    new_context,
    open_page,
    page_urls,
    running_app,
    runs,
    wait_for_run,
)
from .stats import quantile, summary


def _sent_messages(page) -> list[float]:
    """The times (perf_counter) of the page's websocket messages to the server, from now on:
    call before the page opens its websocket."""
    times: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: times.append(time.perf_counter())))
    return times


def _click_times(page, clicks: int, warmup: int, seed: int = 0, frames: list | None = None,
                 sent: list | None = None) -> tuple[list[float], int]:
    """Click the latent map (live decoding off) at random spots; ms from the click to the new
    decoded digit shown in the page, and the clicks that got no new picture within 10 s. Given
    `frames` (_sent_messages), also into `sent` the ms from each timed click to the first
    websocket message the page sent after it (the browser's part before the server hears)."""
    import random

    plot = page.locator(MAP).first
    plot.wait_for(timeout=120_000)
    rng = random.Random(seed)
    times, misses = [], 0
    for i in range(clicks + warmup):
        box = plot.bounding_box()
        img = page.locator(f"{FIGURE} img")
        before = img.first.get_attribute("src") if img.count() else ""
        done = runs(page)
        t0 = time.perf_counter()
        page.mouse.click(box["x"] + box["width"] * rng.uniform(0.05, 0.95),
                         box["y"] + box["height"] * rng.uniform(0.05, 0.95))
        try:
            page.wait_for_function(
                """([sel, before]) => { const i = document.querySelector(sel);
                               return i && i.src !== before && i.complete && i.naturalWidth > 0; }""",
                arg=[f"{FIGURE} img", before], timeout=10_000, polling="raf")
        except Exception:  # no new picture within 10 s: counted, not timed
            misses += 1
            continue
        if i >= warmup:
            times.append(1000 * (time.perf_counter() - t0))
            after = [t for t in frames or () if t >= t0]
            if sent is not None and after:
                sent.append(1000 * (after[0] - t0))
        wait_for_run(page, done)
    return times, misses


def bench_click(clicks: int = 50, warmup: int = 3) -> dict:
    """Click the latent map with live decoding off -> the digit decoded by the server, shown."""
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.NamedTemporaryFile(suffix=".jsonl") as log:
        with running_app({"LATENT_LAB_TIMINGS": log.name}) as url, sync_playwright() as p:
            browser = launch(p)
            page = new_context(browser).new_page()
            frames = _sent_messages(page)
            open_page(page, f"{url}/?live=0", 120_000)
            first = len(Path(log.name).read_text().splitlines())  # the page's own first run
            sent: list[float] = []
            times, misses = _click_times(page, clicks, warmup, frames=frames, sent=sent)
            browser.close()
        script = [json.loads(line)["ms"] for line in Path(log.name).read_text().splitlines()[first:]]
    script = script[warmup:]  # the runs of the timed clicks
    return {"click_to_digit_ms": summary(times), "click_to_digit_ms_p95": quantile(times, 0.95),
            "clicks": len(times), "unanswered_clicks": misses,
            # where a click's time goes: the browser before it sends (the map's click handler,
            # Streamlit's widget message), the server's script run, and the rest (the message
            # back, React rendering the new elements, the PNG decoded)
            "click_to_message_sent_ms": summary(sent) if sent else None,
            "server_script_ms": summary(script) if script else None}


PREPARED_S = 5.0  # the Train page open before Start


def bench_livetrain(clicks: int = 30, epochs_timed: int = 3, query: str = "") -> dict:
    """Train one now, as the class meets it: one epoch of the preset (on its own, in-process),
    Start -> the first redrawn map in the browser, the test -ELBO when the preset ends next to
    the shipped model's, and another session's click -> digit while it trains (ratio to idle)."""
    import re

    from playwright.sync_api import sync_playwright

    from vae_core.data import raw_images
    from vae_core.live import PRESET, LiveRun
    from vae_core.record import sample_indices

    images, labels = raw_images("mnist", train=True)
    test, test_labels = raw_images("mnist", train=False)
    index = sample_indices(len(test))
    epoch_s = []
    for r in range(epochs_timed):
        run = LiveRun(replace(PRESET, epochs=1, seed=r), images, labels, test[index],
                      test_labels[index], index)
        run.start().join()
        epoch_s.append(run.epoch_seconds[0])  # timed in the training process, start-up apart

    with running_app() as url, sync_playwright() as p:
        browser = launch(p)
        clicker = new_context(browser).new_page()
        open_page(clicker, f"{url}/?live=0", 120_000)
        idle, idle_misses = _click_times(clicker, clicks, 3, seed=1)
        trainer = new_context(browser).new_page()
        open_page(trainer, f"{url}/train{query}", 120_000)
        # a lecturer opens the page, then sets up and presses Start: the page has started a
        # training process by then (vae_core.live.prepare, about 2 s of imports and warm-up)
        trainer.wait_for_timeout(1000 * PREPARED_S)
        t0 = time.perf_counter()
        trainer.get_by_role("button", name="Start").click()
        trainer.wait_for_function("(window.__llReplayMounts || 0) >= 1", timeout=60_000,
                                  polling="raf")
        first_update = time.perf_counter() - t0
        busy, busy_misses = _click_times(clicker, clicks, 0, seed=2)
        training_still = trainer.get_by_text("Training (yours)").count() > 0
        done = trainer.get_by_text("now joins your model choices").first
        done.wait_for(timeout=600_000)
        text = done.inner_text()
        preset_s = time.perf_counter() - t0
        browser.close()
    found = re.search(r"−ELBO is (\d+\.?\d*) nats; the shipped (.+?)'s: (\d+\.?\d*)", text)
    return {
        "live_train_epoch_s": summary(epoch_s), "preset": repr(PRESET), "page_query": query,
        "live_train_first_update_s": first_update, "page_open_before_start_s": PREPARED_S,
        "preset_start_to_model_s": preset_s,
        "live_neg_elbo": float(found.group(1)) if found else None,
        "shipped_model": found.group(2) if found else None,
        "shipped_neg_elbo": float(found.group(3)) if found else None,
        "click_to_digit_ms_idle": summary(idle), "click_to_digit_ms_training": summary(busy),
        "click_ratio_training_to_idle": statistics.median(busy) / statistics.median(idle),
        "clicks_all_during_training": training_still,
        "unanswered_clicks": idle_misses + busy_misses,
    }


def bench_rerun(reruns: int = 5) -> dict:
    """The script's own run time when a page reruns after its first visit (warm caches)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    log = Path(tempfile.mkdtemp()) / "runs.jsonl"
    per_page: dict[str, list[float]] = {}
    with running_app(env={"LATENT_LAB_TIMINGS": str(log)}) as url, sync_playwright() as p:
        browser = launch(p)
        page = new_context(browser).new_page()
        for name, page_url in page_urls(url).items():
            open_page(page, page_url, 120_000)
            page.wait_for_selector("h2", timeout=120_000)
            seen = len(log.read_text().splitlines()) if log.exists() else 0
            for _ in range(reruns):
                page.locator("h2").first.click()  # focus the page, not a widget
                act(page, lambda: page.keyboard.press("r"))  # Streamlit's rerun shortcut
            lines = log.read_text().splitlines()[seen:]
            per_page[name] = [json.loads(x)["ms"] for x in lines]
        browser.close()
    medians = {k: statistics.median(v) for k, v in per_page.items() if v}
    slowest = max(medians, key=medians.get) if medians else None
    return {"page_rerun_ms": medians, "page_rerun_ms_detail": {k: summary(v) for k, v in
                                                                  per_page.items() if v},
            "slowest_page": slowest}
