"""A lecture hall on one machine: N replicas of the app behind Debian's HAProxy, as Streamlit's
deployment docs describe it (several servers, one load balancer, session affinity).

    python -m benchmarks.replicas                          # 3 replicas, 30 sessions, 60 s a run
    python -m benchmarks.replicas --replicas 2 --sessions 10 --seconds 20 --browsers 1 --no-kill
    python -m benchmarks.replicas --write                  # also into reliability.json + docs

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
import json
import os
import signal
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

from .balancer import balancer, haproxy_version
from .hall_browsers import BROWSER_GRACE_S, Clock, drive_browsers
from .harness import REPO, rss_mb, run_async, running_server
from .protocol import Session
from .students import THINK_S, UPLOAD_EVERY, digit_png, new_record, student

TABLE_FILE = REPO / "docs" / "lecture-hall.md"  # the lecture-hall table, between these markers
README_START, README_END = "<!-- replicas:start -->", "<!-- replicas:end -->"


# -- the balancer -----------------------------------------------------------------------------

# -- one student ------------------------------------------------------------------------------

# -- real browsers ----------------------------------------------------------------------------

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
            "slow_actions": sum(b["slow"] for b in browsers),
            "slowest_action_s": max((b["slowest_s"] for b in browsers), default=0.0),
            "actions_lost": sum(b["lost"] for b in browsers),
            "error_samples": [e for b in browsers for e in b["errors"]][:4],
        },
        "rss_mb": memory,
    }


def one_run(url: str, procs: dict, sessions: int, seconds: float, browsers: int,
            kill: str | None = None) -> dict:
    """Students and browsers through the balancer at `url`; with `kill`, that replica is killed
    halfway through the measured time."""
    png = digit_png()
    records = [new_record() for _ in range(sessions)]
    browser_recs: list = []
    warmup = 3.0 + 0.2 * sessions
    # the browsers get ready first (pages open; with a kill, the lecturer's deck presented): the
    # measured window starts when they are, so the kill finds them in place on a slow machine
    clock = Clock(2 if browsers and kill else 1)
    killed: dict = {}  # "at_s" since the measured time began, "t" on perf_counter's clock
    lecture: dict = {}  # with a kill: a lecturer presenting their own deck on that replica
    driver = threading.Thread(target=drive_browsers, daemon=True,
                              args=(url, browsers, clock, png, browser_recs, killed, kill,
                                    lecture if kill else None)
                              ) if browsers else None
    if driver:
        driver.start()
        t0 = clock.start(warmup + seconds)
    else:
        t0 = time.perf_counter()
    stop_at = t0 + warmup + seconds
    memory = {name: {"start": round(rss_mb(p.pid), 1), "max": 0.0} for name, p in procs.items()}

    async def main():
        async def user(i):
            await asyncio.sleep(0.2 * i)
            try:
                await student(url, i, stop_at, records[i], png)
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
            # asked of the replica as it died, never answered (the page reconnects; nothing resends them)
            "browser_actions_lost": sum(b["lost"] for b in moved),
            "browser_errors_elsewhere": sum(len(b["errors"]) for b in browser_recs if b not in moved),
            # what each browser on it did after the kill (benchmarks.hall_browsers._trace)
            "browser_trace": [{"errors": b["errors"][-4:], "actions": b.get("trace", [])} for b in moved],
            "lecturer": lecture or None,
        }
    return out


def run(replicas: int = 3, sessions: int = 30, seconds: float = 60.0, browsers: int = 3,
        kill: bool = True) -> dict:
    result = {"replicas": replicas, "sessions": sessions, "seconds": seconds, "browsers": browsers,
              "balancer": "HAProxy " + haproxy_version(), "think_time_s": THINK_S,
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


def table(doc: dict) -> str:
    """The lecture-hall table (docs/lecture-hall.md), from a run's figures."""
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
                   help="store the figures in reliability.json and the lecture-hall table")
    p.add_argument("--store-as", default="replicas", metavar="KEY",
                   help="the key in reliability.json (the table shows 'replicas' only)")
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
            replace_block(TABLE_FILE, README_START, README_END, table(doc))
    a = doc["affinity"]
    ok = not (a["errors"] or a["disconnects"] or a["uploads_failed"] or a["images_missing"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
