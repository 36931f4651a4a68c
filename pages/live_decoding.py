"""The live latent map: a Custom Component v2 that decodes in the browser as the pointer moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from pages import common
from vae_core.export import decoder_spec, pack

_ASSETS = Path(__file__).with_name("live")
_component = st.components.v2.component(
    "latent_lab_live_map",
    html='<div class="ll-root"></div>',
    css=(_ASSETS / "map.css").read_text(),
    js=(_ASSETS / "decoder.js").read_text() + "\n" + (_ASSETS / "map.js").read_text(),
)
# Holds a static payload (codes and weights, megabytes) for the components above: its message is
# the same on every rerun, so Streamlit sends it once per session (see decoder.js, putStatic).
_payload = st.components.v2.component(
    "latent_lab_live_payload",
    html='<div class="ll-payload"></div>',
    css=".ll-payload { display: none; }",
    js=(_ASSETS / "decoder.js").read_text()
    + "\nexport default function ({ data }) { putStatic(unpack(data)); }\n",
)
_sliders = st.components.v2.component(
    "latent_lab_live_sliders",
    html='<div class="ll-root"></div>',
    css=(_ASSETS / "map.css").read_text(),
    js=(_ASSETS / "decoder.js").read_text() + "\n" + (_ASSETS / "sliders.js").read_text(),
)


@st.cache_resource(show_spinner=False, max_entries=32)
def _panel(path: str) -> dict:
    """What the browser needs of one model: its codes on the map's plane, and its decoder.

    Shared by every session (cache_resource): callers copy the dict, never mutate it.
    """
    at = common.atlas(path)
    return {
        "points": at.uv.astype(np.float32),
        "labels": at.labels.astype(np.uint8),
        "bounds": list(at.bounds),
        "plane": {"origin": at.plane.origin.tolist(), "basis": at.plane.basis.tolist()},
        "spec": decoder_spec(common.model(path)),
        "axis": "PC" if at.mu.shape[1] > 2 else "z",
    }


@st.cache_resource(show_spinner=False, max_entries=16)  # 3-7 MB each
def _packed(key: str, _data: dict) -> bytes:
    """The binary payload, packed once per distinct content (3 MB for one panel)."""
    return pack(_data)


def _send_payload(key: str, parts: list, build) -> str:
    """Mount the hidden payload element for `build()` (a dict of arrays), identified by the
    fingerprint of `parts`; returns that id for the visible component's data."""
    pid = common.fingerprint(parts)
    _payload(key=f"{key}_payload", data=_packed(pid, {"id": pid, **build()}))
    return pid


def available(path: str) -> bool:
    """Whether this model can decode in the browser (MLP decoders only)."""
    try:
        _panel(path)
        return True
    except ValueError:
        return False


def live_map(models: list[dict], dataset: str, key: str, *, on_click=None, marks=None,
             paths=None, heats=None, map_size: int = 420, digit_size: int = 196):
    """Mount the component: one linked panel per model; returns its result (clicked, failed).

    What is fixed per model (codes, labels, plane, decoder: ~3 MB a panel) goes once, as the
    payload; what changes with a click or a widget (marks, paths, heat maps) is small JSON."""
    paths_ = [m["path"] for m in models]
    pid = _send_payload(key, ["map", paths_, [_panel(p)["spec"]["id"] for p in paths_], dataset],
                        lambda: {"panels": [_panel(p) for p in paths_],
                                 "colors": list(common.COLORS),
                                 "names": list(common.class_names(dataset))})
    n = len(models)
    heat = [None if not heats or heats[i] is None else np.asarray(heats[i], np.float32)
            for i in range(n)]
    data = {"static": pid, "mapSize": map_size, "digitSize": digit_size,
            "big": bool(st.session_state.get("presenter")),
            "titles": [common.model_label(m) if n > 1 else "" for m in models],
            "marks": [None if not marks or marks[i] is None else [float(x) for x in marks[i]]
                      for i in range(n)],
            "paths": [None if not paths or paths[i] is None else np.asarray(paths[i]).tolist()
                      for i in range(n)],
            "heats": [None if h is None else np.round(h, 3).ravel().tolist() for h in heat],
            "heatN": [None if h is None else int(h.shape[0]) for h in heat]}
    return _component(key=key, data=data, on_clicked_change=on_click or (lambda: None),
                      on_failed_change=lambda: st.session_state.update(live_failed=True))


def live_sliders(meta: dict, z, lo, hi, key: str, on_change, step: float = 0.05,
                 digit_size: int = 252):
    """Sliders over z that decode in the browser while dragging; `on_change` runs on release."""
    spec = _panel(meta["path"])["spec"]
    pid = _send_payload(key, ["sliders", meta["path"], spec["id"]], lambda: {"spec": spec})
    data = {"static": pid, "z": [float(v) for v in z], "lo": [float(v) for v in lo],
            "hi": [float(v) for v in hi], "step": step, "digitSize": digit_size}
    return _sliders(key=key, data=data, on_z_change=on_change)
