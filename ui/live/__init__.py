"""Browser-side components (Custom Components v2, no build step): the live latent map and live
sliders, which decode in the browser as the pointer moves (decoder.js), and the drawing pad."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import streamlit as st

from vae_core.data import class_names
from vae_core.export import decoder_spec, pack

from .. import catalog, frame
from ..figures import COLORS, fingerprint

_ASSETS = Path(__file__).parent


def _read(*names: str) -> str:
    return "\n".join((_ASSETS / n).read_text() for n in names)


_map = st.components.v2.component(
    "latent_lab_live_map", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "map.js"))
# Holds a static payload (codes and weights, megabytes) for the components above: its message is
# the same on every rerun, so Streamlit sends it once per session (see decoder.js, putStatic).
_payload = st.components.v2.component(
    "latent_lab_live_payload", html='<div class="ll-payload"></div>',
    css=".ll-payload { display: none; }",
    js=_read("decoder.js") + "\nexport default function ({ data }) { putStatic(unpack(data)); }\n")
_sliders = st.components.v2.component(
    "latent_lab_live_sliders", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "sliders.js"))
_pad = st.components.v2.component(
    "latent_lab_drawing_pad", html='<div class="ll-root"></div>', css=_read("canvas.css"),
    js=_read("canvas.js"))


@st.cache_resource(show_spinner=False, max_entries=32)
def _decoder(key: str, _model) -> dict:
    return decoder_spec(_model)


def _panel(meta: dict) -> dict:
    """What the browser needs of one model: its codes on the map's plane, and its decoder.
    Callers copy the dict, never mutate it."""
    at = catalog.atlas(meta)
    return {
        "points": at.uv.astype(np.float32),
        "labels": at.labels.astype(np.uint8),
        "bounds": list(at.bounds),
        "plane": {"origin": at.plane.origin.tolist(), "basis": at.plane.basis.tolist()},
        "spec": _decoder(at.key, catalog.model(meta)),
        "axis": "PC" if at.latent_dim > 2 else "z",
    }


@st.cache_resource(show_spinner=False, max_entries=16)  # 3-7 MB each
def _packed(key: str, _data: dict) -> bytes:
    """The binary payload, packed once per distinct content (3 MB for one panel)."""
    return pack(_data)


def _send_payload(key: str, parts: list, build) -> str:
    """Mount the hidden payload element for `build()` (a dict of arrays), identified by the
    fingerprint of `parts`; returns that id for the visible component's data."""
    pid = fingerprint(parts)
    _payload(key=f"{key}_payload", data=_packed(pid, {"id": pid, **build()}))
    return pid


def available(meta: dict) -> bool:
    """Whether this model's decoder can run in the browser."""
    try:
        _decoder(catalog.atlas(meta).key, catalog.model(meta))
        return True
    except ValueError:
        return False


def enabled(*metas: dict) -> bool:
    """The sidebar's live switch is on and every model's decoder can run in the browser."""
    if not st.session_state.get("live", True) or st.session_state.get("live_failed"):
        return False
    return all(available(m) for m in metas)


def live_map(models: list[dict], dataset: str, key: str, *, on_click=None, marks=None,
             paths=None, heats=None, map_size: int = 420, digit_size: int = 196):
    """Mount the component: one linked panel per model; returns its result (clicked, failed).

    What is fixed per model (codes, labels, plane, decoder: ~3 MB a panel) goes once, as the
    payload; what changes with a click or a widget (marks, paths, heat maps) is small JSON."""
    keys = [catalog.atlas(m).key for m in models]
    pid = _send_payload(key, ["map", keys, [_panel(m)["spec"]["id"] for m in models], dataset],
                        lambda: {"panels": [_panel(m) for m in models], "colors": list(COLORS),
                                 "names": list(class_names(dataset))})
    n = len(models)
    heat = [None if not heats or heats[i] is None else np.asarray(heats[i], np.float32)
            for i in range(n)]
    data = {"static": pid, "mapSize": map_size, "digitSize": digit_size,
            "big": frame.presenting(),
            "titles": [catalog.label(m) if n > 1 else "" for m in models],
            "marks": [None if not marks or marks[i] is None else [float(x) for x in marks[i]]
                      for i in range(n)],
            "paths": [None if not paths or paths[i] is None else np.asarray(paths[i]).tolist()
                      for i in range(n)],
            "heats": [None if h is None else np.round(h, 3).ravel().tolist() for h in heat],
            "heatN": [None if h is None else int(h.shape[0]) for h in heat]}
    return _map(key=key, data=data, on_clicked_change=on_click or (lambda: None),
                on_failed_change=lambda: st.session_state.update(live_failed=True))


def clicked(key: str) -> dict | None:
    """The click a live map reported: {"uv", "index", "panel", "rel"}, or None."""
    c = (st.session_state.get(key) or {}).get("clicked")
    if c is None:
        return None
    try:
        uv = np.array([float(c["u"]), float(c["v"])], np.float32)
    except (KeyError, TypeError, ValueError):
        return None
    if not np.all(np.isfinite(uv)):
        return None
    index = c.get("index")
    index = int(index) if isinstance(index, int | float) and float(index).is_integer() else None
    return {"uv": uv, "index": index, "panel": int(c.get("panel") or 0),
            "rel": np.asarray(c.get("rel"), np.float32)}


def live_sliders(meta: dict, z, lo, hi, key: str, on_change, step: float = 0.05,
                 digit_size: int = 252):
    """Sliders over z that decode in the browser while dragging; `on_change` runs on release."""
    spec = _panel(meta)["spec"]
    pid = _send_payload(key, ["sliders", catalog.atlas(meta).key, spec["id"]],
                        lambda: {"spec": spec})
    data = {"static": pid, "z": [float(v) for v in z], "lo": [float(v) for v in lo],
            "hi": [float(v) for v in hi], "step": step, "digitSize": digit_size}
    return _sliders(key=key, data=data, on_z_change=on_change)


def drawing_pad(key: str, size: int = 280) -> bytes | None:
    """A canvas to draw on with a mouse, pen or finger; returns the drawing as PNG bytes
    (None before the first stroke or after Clear). A malformed result raises ValueError."""
    png = (_pad(key=key, data={"size": size}, on_png_change=lambda: None) or {}).get("png")
    if not isinstance(png, str):
        return None
    if not png.startswith("data:image/png;base64,"):
        raise ValueError("not a PNG data URL")
    return base64.b64decode(png.split(",", 1)[1], validate=True)
