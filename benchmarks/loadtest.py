"""Many users at once: browser sessions click the latent map and step sliders against one server.

    python -m benchmarks.loadtest                           # 20 sessions for 60 s (the bar)
    python -m benchmarks.loadtest --sessions 4 --seconds 10 # CI's short mode

Every session runs in its own Playwright context (its own cookies, its own Streamlit session) in
one headless Chromium, all concurrently (asyncio), on loopback only. Even-numbered sessions click
random spots of the latent map, decoded on the server (live decoding off); odd ones step the
first z slider with the keyboard.
Each checks that what the server shows is its own: the decoded spot matches where *it* clicked,
the slider value is the one *it* set. Reports errors, the p95 latency from action to the
server's answer (the URL the page rewrites on every run), and the server's memory over time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from urllib.parse import parse_qs, urlparse

from .harness import (
    CHROMIUM_ARGS,
    FIGURE,
    IDLE,
    MAP,
    chromium_path,
    rss_mb,
    run_async,
    running_server,
    runs,
    watch,
)

ACTION_TIMEOUT_S = 20.0
THINK_S = 1.0  # a student looks at the digit before the next click
STAGGER_S = 1.5  # between session starts


def _param(url: str, name: str) -> str | None:
    values = parse_qs(urlparse(url).query).get(name)
    return values[0] if values else None


async def _wait_url(page, name: str, changed_from: str | None, timeout: float) -> str | None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        value = _param(page.url, name)
        if value is not None and value != changed_from:
            return value
        await asyncio.sleep(0.01)
    return None


async def _settled(page, timeout: float = 60.0):
    """The page's first script run is over (counted as in benchmarks.harness.wait_for_run)."""
    deadline = time.perf_counter() + timeout
    while runs(page) < 1 and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    await page.wait_for_selector(IDLE, state="attached", timeout=timeout * 1000)


async def _map_session(page, url, rng, stop_at, rec):
    await page.goto(f"{url}/?live=0", timeout=180_000)
    plot = page.locator(MAP).first
    await plot.wait_for(timeout=120_000)
    await _settled(page)
    x0, x1, y0, y1 = json.loads(await plot.get_attribute("data-view"))
    rec["ready"] = time.perf_counter()
    while time.perf_counter() < stop_at:
        box = await plot.bounding_box()
        fx, fy = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
        before = _param(page.url, "at")
        t0 = time.perf_counter()
        await page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        after = await _wait_url(page, "at", before, ACTION_TIMEOUT_S)
        if after is None:
            rec["errors"].append("no answer to a click")
            continue
        rec["latency_ms"].append(1000 * (time.perf_counter() - t0))
        u, v = (float(s) for s in after.split(","))
        eu, ev = x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)  # where this session clicked
        # the map decodes the exact spot; the URL keeps two decimals
        tol_u = max(3 / box["width"] * (x1 - x0), 0.006)
        tol_v = max(3 / box["height"] * (y1 - y0), 0.006)
        if abs(u - eu) > tol_u or abs(v - ev) > tol_v:
            rec["errors"].append(f"decoded ({u:.2f}, {v:.2f}) but clicked near "
                                 f"({eu:.2f}, {ev:.2f})")
        # the URL arrives with the end of the run; the picture may still be rendering
        want, caption = f"decoded at ({u:.2f}, {v:.2f})", ""
        deadline = time.perf_counter() + ACTION_TIMEOUT_S
        while time.perf_counter() < deadline:
            images = page.locator(FIGURE)
            caption = await images.first.inner_text() if await images.count() else ""
            if want in caption:
                break
            await asyncio.sleep(0.05)
        else:
            rec["errors"].append(f"caption {caption!r} never showed {want!r}")
        rec["actions"] += 1
        await asyncio.sleep(THINK_S)


async def _slider_session(page, url, i, stop_at, rec):
    z = [round(-2.0 + 0.1 * i, 2), round(1.5 - 0.1 * i, 2)]  # every session starts elsewhere
    await page.goto(f"{url}/sliders?live=0&z={z[0]},{z[1]}", timeout=180_000)
    thumb = page.locator("[data-testid='stSlider'] input[type='range']").first
    await thumb.wait_for(timeout=120_000)
    await _settled(page)
    rec["ready"] = time.perf_counter()
    step, direction = 0.05, 1
    while time.perf_counter() < stop_at:
        lo = float(await thumb.get_attribute("min"))
        hi = float(await thumb.get_attribute("max"))
        if not lo + 0.2 < z[0] + direction * step < hi - 0.2:
            direction = -direction
        before = _param(page.url, "z")
        t0 = time.perf_counter()
        await thumb.focus()
        await page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
        z[0] = round(z[0] + direction * step, 2)
        after = await _wait_url(page, "z", before, ACTION_TIMEOUT_S)
        if after is None:
            rec["errors"].append("no answer to a slider step")
            continue
        rec["latency_ms"].append(1000 * (time.perf_counter() - t0))
        got = [float(s) for s in after.split(",")]
        if abs(got[0] - z[0]) > 1e-6 or abs(got[1] - z[1]) > 1e-6:
            rec["errors"].append(f"z is {got}, this session set {z}")
            z = got
        rec["actions"] += 1
        await asyncio.sleep(THINK_S)


async def _session(browser, url, i, stop_at, rec):
    await asyncio.sleep(STAGGER_S * i)  # arrive like a class does: over a few seconds
    ctx = await browser.new_context(viewport={"width": 700, "height": 800})
    page = watch(await ctx.new_page())
    page.on("pageerror", lambda e: rec["errors"].append(f"page error: {e}"))
    try:
        if i % 2 == 0:
            await _map_session(page, url, random.Random(i), stop_at, rec)
        else:
            await _slider_session(page, url, i, stop_at, rec)
        if await page.locator("[data-testid='stException']").count():
            rec["errors"].append("a traceback on the page")
    except Exception as e:  # a timeout or a crash is an error of this session, not of the run
        rec["errors"].append(f"{type(e).__name__}: {str(e)[:200]}")
        folder = os.environ.get("LATENT_LAB_SCREENSHOTS")
        if folder:
            await page.screenshot(path=os.path.join(folder, f"loadtest_session_{i}.png"))
    finally:
        await ctx.close()


async def _run(url, pid, sessions, seconds, sample_every=1.0):
    from playwright.async_api import async_playwright

    records = [{"errors": [], "latency_ms": [], "actions": 0, "ready": None}
               for _ in range(sessions)]
    memory = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        t_start = time.perf_counter()
        warmup = 20.0 + 2.5 * sessions  # every session has loaded its page well before this
        stop_at = t_start + warmup + seconds

        async def sampler():
            while time.perf_counter() < stop_at:
                memory.append((time.perf_counter() - t_start, rss_mb(pid)))
                await asyncio.sleep(sample_every)

        tasks = [_session(browser, url, i, stop_at, records[i]) for i in range(sessions)]
        await asyncio.gather(sampler(), *tasks)
        await browser.close()
    return records, memory, warmup


def run(sessions: int = 20, seconds: float = 60.0) -> dict:
    import tempfile
    from pathlib import Path

    log = Path(tempfile.mkdtemp()) / "runs.jsonl"
    with running_server(env={"LATENT_LAB_TIMINGS": str(log)}) as (url, proc):
        rss_idle = rss_mb(proc.pid)
        t0 = time.time()
        records, memory, warmup = run_async(lambda: _run(url, proc.pid, sessions, seconds))
    done = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    script_ms = [r["ms"] for r in done if r["t"] >= t0 + warmup]
    sq = statistics.quantiles(script_ms, n=20) if len(script_ms) >= 2 else [float("nan")] * 19
    latencies = [x for r in records for x in r["latency_ms"]]
    errors = [e for r in records for e in r["errors"]]
    after_warmup = [m for t, m in memory if t >= warmup]
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [float("nan")] * 19
    return {
        "sessions": sessions, "seconds": seconds, "warmup_s": warmup,
        "actions": sum(r["actions"] for r in records),
        "errors": len(errors), "error_samples": errors[:10],
        "latency_ms_median": statistics.median(latencies) if latencies else None,
        "latency_ms_p95": q[18],
        "latency_ms_max": max(latencies) if latencies else None,
        "rss_mb_idle": rss_idle,
        "rss_mb_after_warmup": after_warmup[0] if after_warmup else None,
        "rss_mb_end": memory[-1][1] if memory else None,
        "rss_mb_max": max(m for _, m in memory) if memory else None,
        "sessions_with_actions": sum(1 for r in records if r["actions"] > 0),
        "think_time_s": THINK_S,
        "server_script_runs": len(script_ms),
        "server_script_ms_median": statistics.median(script_ms) if script_ms else None,
        "server_script_ms_p95": sq[18],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--json", default=None, help="also write the figures to this file")
    args = p.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 1 <= args.seconds <= 600:
        p.error("bounded on purpose: 1-50 sessions, 1-600 s")
    result = run(args.sessions, args.seconds)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
