"""Load the server alone: many Streamlit sessions driven over its websocket protocol, no browsers.

    python -m benchmarks.wsload                            # 20 sessions for 60 s
    python -m benchmarks.wsload --sessions 4 --seconds 10  # short mode

Each virtual session speaks what the browser speaks (protobuf BackMsg / ForwardMsg on
/_stcore/stream): it opens a page, then either clicks the latent map with live decoding off (the
map component's "clicked" trigger, as the browser sends it) or sets the first z slider, once a
second.
The server's answer is the end of the script run; the query string it sends back must hold
*this* session's point or z (a session seeing another's state is an error). A classroom's
browsers run on the students' machines; this measures what the one server has to do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time

from .harness import rss_mb, run_async, running_server
from .protocol import Session, check_server_side, click_state, server_side, slider_state

THINK_S = 1.0


async def _map_user(url, i, stop_at, rec):
    rng = random.Random(i)
    async with Session(url) as s:
        await s.run("live=0")
        wid = s.widgets.get("map")
        if wid is None:
            rec["errors"].append("no map widget on the page")
            return
        if not server_side(s, rec, i):
            return
        rec["ready"] = True
        while time.perf_counter() < stop_at:
            u, v = round(rng.uniform(-2.5, 2.5), 3), round(rng.uniform(-2.5, 2.5), 3)
            seconds = await s.run(s.query, "", [click_state(wid, u, v)])
            rec["latency_ms"].append(1000 * seconds)
            rec["actions"] += 1
            got = [float(x) for x in (s.param("at") or "nan,nan").split(",")]
            if not (abs(got[0] - u) <= 0.006 and abs(got[1] - v) <= 0.006):  # 2-decimal URL
                rec["errors"].append(f"session {i} clicked ({u}, {v}), the server shows {got}")
            check_server_side(s, rec, i)
            await asyncio.sleep(THINK_S)


async def _slider_user(url, i, stop_at, rec):
    z1 = round(-2.0 + 0.1 * i, 2)
    async with Session(url) as s:
        await s.run(f"live=0&z={z1},0.5", "sliders")
        wid, other = s.widgets.get("z_mnist_vae_2d_0"), s.widgets.get("z_mnist_vae_2d_1")
        if wid is None or other is None:
            rec["errors"].append("no slider widget on the page")
            return
        if not server_side(s, rec, i):
            return
        s.held[other] = slider_state(other, 0.5)  # z2 stays where the link put it
        rec["ready"] = True
        step = 0.05
        while time.perf_counter() < stop_at:
            if not -2.8 < z1 + step < 2.8:
                step = -step
            z1 = round(z1 + step, 2)
            seconds = await s.run(s.query, "sliders", [slider_state(wid, z1)])
            rec["latency_ms"].append(1000 * seconds)
            rec["actions"] += 1
            got = (s.param("z") or "").split(",")
            if got != [f"{z1:.2f}", "0.50"]:
                rec["errors"].append(f"session {i} set z=({z1:.2f}, 0.50), the server shows {got}")
            check_server_side(s, rec, i)
            await asyncio.sleep(THINK_S)


async def _run(url, pid, sessions, seconds):
    records = [{"errors": [], "latency_ms": [], "actions": 0, "ready": False}
               for _ in range(sessions)]
    memory = []
    async with Session(url) as warm:  # load the models once, as the first student would
        await warm.run("live=0")
    t_start = time.perf_counter()
    warmup = 5.0 + 0.2 * sessions
    stop_at = t_start + warmup + seconds

    async def user(i):
        await asyncio.sleep(0.2 * i)
        try:
            await (_map_user if i % 2 == 0 else _slider_user)(url, i, stop_at, records[i])
        except Exception as e:  # a timeout or a dropped connection is this session's error
            records[i]["errors"].append(f"{type(e).__name__}: {str(e)[:200]}")

    async def sampler():
        while time.perf_counter() < stop_at:
            memory.append((time.perf_counter() - t_start, rss_mb(pid)))
            await asyncio.sleep(1.0)

    await asyncio.gather(sampler(), *(user(i) for i in range(sessions)))
    return records, memory, warmup


def run(sessions: int = 20, seconds: float = 60.0) -> dict:
    with running_server() as (url, proc):
        rss_idle = rss_mb(proc.pid)
        records, memory, warmup = run_async(lambda: _run(url, proc.pid, sessions, seconds))
    lat = [x for r in records for x in r["latency_ms"]]
    errors = [e for r in records for e in r["errors"]]
    after = [m for t, m in memory if t >= warmup]
    third = max(1, len(after) // 3)
    q = statistics.quantiles(lat, n=20) if len(lat) >= 2 else [float("nan")] * 19
    return {
        "driver": "websocket protocol (no browsers)", "sessions": sessions, "seconds": seconds,
        "think_time_s": THINK_S, "actions": sum(r["actions"] for r in records),
        "errors": len(errors), "error_samples": errors[:10],
        "sessions_with_actions": sum(1 for r in records if r["actions"]),
        "latency_ms_median": statistics.median(lat) if lat else None, "latency_ms_p95": q[18],
        "latency_ms_max": max(lat) if lat else None,
        "rss_mb_idle": rss_idle, "rss_mb_after_warmup": after[0] if after else None,
        "rss_mb_end": memory[-1][1] if memory else None,
        "rss_mb_max": max(m for _, m in memory) if memory else None,
        # growth shows as a rising trend: the first and the last third of the run after warm-up
        "rss_mb_first_third_median": statistics.median(after[:third]) if after else None,
        "rss_mb_last_third_median": statistics.median(after[-third:]) if after else None,
        "rss_mb_series": [[round(t, 1), round(m, 1)] for t, m in memory],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.wsload", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    args = p.parse_args(argv)
    if not 1 <= args.sessions <= 100 or not 1 <= args.seconds <= 600:
        p.error("bounded on purpose: 1-100 sessions, 1-600 s")
    result = run(args.sessions, args.seconds)
    print(json.dumps(result, indent=2))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
