"""Streamlit's websocket protocol as a browser speaks it (protobuf BackMsg / ForwardMsg on
/_stcore/stream), for benchmarks that drive many sessions without browsers (benchmarks.wsload,
benchmarks.replicas): a session that runs pages with widget states, and the states a browser
sends for a map click, a toggle, a slider and an uploaded file."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import parse_qs

TIMEOUT_S = 30.0  # a script run that takes longer is an error


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


def toggle_state(widget_id: str, value: bool):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=widget_id)
    s.bool_value = value
    return s


def server_side(s: Session, rec, i: int) -> bool:
    """Hold the sidebar's live-decoding switch off, as a browser that opened ?live=0 would."""
    if "live" not in s.widgets:
        rec["errors"].append(f"session {i}: no live-decoding switch on the page")
        return False
    s.held[s.widgets["live"]] = toggle_state(s.widgets["live"], False)
    return True


def check_server_side(s: Session, rec, i: int):
    if s.param("live") != "0":
        rec["errors"].append(f"session {i}: the page left server-side mode ({s.query})")


def slider_state(widget_id: str, value: float):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=widget_id)
    s.double_array_value.data.append(value)
    return s


def file_state(widget_id: str, file_id: str, size: int):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=widget_id)
    info = s.file_uploader_state_value.uploaded_file_info.add()
    info.file_id, info.name, info.size = file_id, "my-digit.png", size
    return s
