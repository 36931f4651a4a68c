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


@st.cache_resource(show_spinner=False, max_entries=16)  # 3-6 MB each
def _packed(key: str, _data: dict) -> bytes:
    """The binary payload, packed once per distinct content (3 MB for one panel)."""
    return pack(_data)


def available(path: str) -> bool:
    """Whether this model can decode in the browser (MLP decoders only)."""
    try:
        _panel(path)
        return True
    except ValueError:
        return False


def live_map(models: list[dict], dataset: str, key: str, *, on_click=None, marks=None,
             paths=None, heats=None, map_size: int = 420, digit_size: int = 196):
    """Mount the component: one linked panel per model; returns its result (clicked, failed)."""
    panels = []
    for i, meta in enumerate(models):
        p = dict(_panel(meta["path"]), title=common.model_label(meta) if len(models) > 1 else "")
        p["mark"] = None if not marks or marks[i] is None else [float(x) for x in marks[i]]
        p["path"] = None if not paths or paths[i] is None else np.asarray(paths[i]).tolist()
        if heats and heats[i] is not None:
            p["heat"], p["heatN"] = np.asarray(heats[i], np.float32), int(heats[i].shape[0])
        panels.append(p)
    data = {"panels": panels, "colors": list(common.COLORS),
            "names": list(common.class_names(dataset)), "mapSize": map_size, "digitSize": digit_size,
            "big": bool(st.session_state.get("presenter"))}
    # The key names what varies (the panels' big arrays are fixed per model path): hashing
    # 3 MB of codes and weights on every rerun would cost more than the rest of the page
    fingerprint = common.fingerprint([[m["path"] for m in models], dataset, marks, paths, heats,
                                       map_size, digit_size, data["big"],
                                       [p["title"] for p in panels]])
    return _component(key=key, data=_packed(fingerprint, data),
                      on_clicked_change=on_click or (lambda: None),
                      on_failed_change=lambda: st.session_state.update(live_failed=True))


def live_sliders(meta: dict, z, lo, hi, key: str, on_change, step: float = 0.05,
                 digit_size: int = 252):
    """Sliders over z that decode in the browser while dragging; `on_change` runs on release."""
    data = {"spec": _panel(meta["path"])["spec"], "z": [float(v) for v in z],
            "lo": [float(v) for v in lo], "hi": [float(v) for v in hi], "step": step,
            "digitSize": digit_size}
    fingerprint = common.fingerprint([meta["path"], data["z"], data["lo"], data["hi"], step,
                                       digit_size])
    return _sliders(key=key, data=_packed(fingerprint, data), on_z_change=on_change)
