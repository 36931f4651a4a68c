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
from urllib.parse import parse_qs

from .harness import rss_mb, run_async, running_server

THINK_S = 1.0
TIMEOUT_S = 30.0


class Session:
    def __init__(self, url: str, headers: dict | None = None):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.headers = headers or {}  # a load balancer's affinity cookie, say
        self.widgets: dict[str, str] = {}  # user key -> widget id
        self.held: dict[str, object] = {}  # widget id -> the last state this session set
        self.query = ""
        self.page = ""
        self.session_id = ""  # the server's id for this session (uploads are filed under it)
        self.page_hash = ""  # the page the last run ran, as the browser names it
        self.markdown: list[str] = []  # the markdown the last run drew (figures are inline)

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"],
                                           max_size=2**26, additional_headers=self.headers)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, query: str, page: str = "", states=()) -> float:
        """One script run with these widget states; returns seconds to script_finished.

        Like a browser, every run sends the state of every widget this session has set so far
        (a widget missing from a run's message falls back to its default one run later)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_name = query, page
        if page == self.page and self.page_hash:  # the same page again: say which, as a browser does
            cs.page_script_hash = self.page_hash
        self.page = page
        for state in states:
            self.held[state.id] = state
        for state in self.held.values():
            cs.widget_states.widgets.append(state)
        t0 = time.perf_counter()
        self.markdown = []
        await self.ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT_S)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "navigation":
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                if el.WhichOneof("type") == "markdown":
                    self.markdown.append(el.markdown.body)
                inner = getattr(el, el.WhichOneof("type"), None)
                wid = getattr(inner, "id", "")
                if isinstance(wid, str) and wid.startswith("$$ID-"):
                    self.widgets[wid.rsplit("-", 1)[-1]] = wid
            elif kind == "script_finished":
                return time.perf_counter() - t0

    def param(self, name: str) -> str | None:
        values = parse_qs(self.query).get(name)
        return values[0] if values else None


def click_state(component_id: str, u: float, v: float):
    """A click on the latent map (ui/live/map.js): the component's "clicked" trigger, sent as
    Streamlit's frontend sends Custom Component v2 triggers, a JSON list of events on the
    component's trigger widget."""
    from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

    s = WidgetState(id=f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component_id}{EVENT_DELIM}events")
    s.json_trigger_value = json.dumps([{"event": "clicked", "value": {
        "u": u, "v": v, "index": None}}])
    return s


def _toggle_state(widget_id: str, value: bool):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=widget_id)
    s.bool_value = value
    return s


def server_side(s: Session, rec, i: int) -> bool:
    """Hold the sidebar's live-decoding switch off, as a browser that opened ?live=0 would."""
    if "live" not in s.widgets:
        rec["errors"].append(f"session {i}: no live-decoding switch on the page")
        return False
    s.held[s.widgets["live"]] = _toggle_state(s.widgets["live"], False)
    return True


def _checkserver_side(s: Session, rec, i: int):
    if s.param("live") != "0":
        rec["errors"].append(f"session {i}: the page left server-side mode ({s.query})")


def _slider_state(widget_id: str, value: float):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=widget_id)
    s.double_array_value.data.append(value)
    return s


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
            _checkserver_side(s, rec, i)
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
        s.held[other] = _slider_state(other, 0.5)  # z2 stays where the link put it
        rec["ready"] = True
        step = 0.05
        while time.perf_counter() < stop_at:
            if not -2.8 < z1 + step < 2.8:
                step = -step
            z1 = round(z1 + step, 2)
            seconds = await s.run(s.query, "sliders", [_slider_state(wid, z1)])
            rec["latency_ms"].append(1000 * seconds)
            rec["actions"] += 1
            got = (s.param("z") or "").split(",")
            if got != [f"{z1:.2f}", "0.50"]:
                rec["errors"].append(f"session {i} set z=({z1:.2f}, 0.50), the server shows {got}")
            _checkserver_side(s, rec, i)
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
