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
    js=_read("decoder.js", "draw.js", "map.js"))
# Holds a static payload (codes and weights, megabytes) for the components above: its message is
# the same on every rerun, so Streamlit sends it once per session (see decoder.js, putStatic).
_payload = st.components.v2.component(
    "latent_lab_live_payload", html='<div class="ll-payload"></div>',
    css=".ll-payload { display: none; }",
    js=_read("decoder.js") + "\nexport default function ({ data }) { putStatic(unpack(data)); }\n")
_sliders = st.components.v2.component(
    "latent_lab_live_sliders", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "sliders.js"))
_replay = st.components.v2.component(
    "latent_lab_replay", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "draw.js", "replay.js"))
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


def _union_bounds(bounds) -> list[float]:
    """One square region holding every frame's: equal scales on both axes, so the prior's
    circles are drawn round."""
    b = np.asarray(bounds, np.float32).reshape(-1, 4)
    x0, x1, y0, y1 = b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max()
    half = max(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return [float(cx - half), float(cx + half), float(cy - half), float(cy + half)]


def _run_payload(title: str, replay: dict) -> dict:
    """A replay's arrays as the browser draws them: codes as float16 bits, the grids stacked in
    one PNG, the loss curves, and one fixed region for every frame (so codes that spread out are
    seen spreading)."""
    from vae_core.images import png_bytes

    grids = replay["grid"]
    sprite = png_bytes(grids.reshape(-1, grids.shape[-1]).astype(np.float32) / 255.0)
    curves = {f"{p}_{k}": replay[f"{p}_{k}"].astype(np.float32)
              for p in ("test", "train") for k in ("recon", "kl")}
    return {"title": title, "t": replay["t"].astype(np.float32),
            "mu": replay["mu"][..., :2].astype(np.float16).ravel(),
            "labels": replay["labels"].astype(np.uint8), "bounds": _union_bounds(replay["bounds"]),
            "sprite": np.frombuffer(sprite, np.uint8), "gridSize": int(grids.shape[-1]),
            "curves": curves}


def replay(runs: dict[str, dict], dataset: str, key: str, start: int | None = None,
           on_frame=None, map_size: int = 360, fps: float = 4):
    """Play recorded runs ({title: replay}) side by side on one clock, in the browser."""
    pid = _send_payload(key, ["replay", list(runs), [len(r["t"]) for r in runs.values()]],
                        lambda: {"runs": [_run_payload(t, r) for t, r in runs.items()],
                                 "colors": list(COLORS), "names": list(class_names(dataset))})
    return _replay(key=key, data={"static": pid, "frame": start, "mapSize": map_size, "fps": fps,
                                  "big": frame.presenting()},
                   on_frame_change=on_frame or (lambda: None))


def live_replay(title: str, snapshots: list[dict], labels: np.ndarray, dataset: str, key: str,
                map_size: int = 420):
    """The latest snapshot of a run in progress, with its curves so far (small JSON each time)."""
    import base64

    from vae_core.images import png_bytes

    last = snapshots[-1]

    def col(part, k):
        return [None if s[part][k] is None else float(s[part][k]) for s in snapshots]

    pid = _send_payload(f"{key}_labels", ["replay-labels", labels], lambda: {
        "labels": np.asarray(labels, np.uint8), "colors": list(COLORS),
        "names": list(class_names(dataset))})
    grid = base64.b64encode(png_bytes(last["grid"].astype(np.float32) / 255.0)).decode()
    live_run = {"title": title, "t": [float(s["t"]) for s in snapshots],
                "mu": np.round(last["mu"][:, :2].astype(np.float32), 3).ravel().tolist(),
                "bounds": _union_bounds([s["bounds"] for s in snapshots]),
                "grid": f"data:image/png;base64,{grid}",
                "curves": {f"{p}_{k}": col(p, k) for p in ("test", "train") for k in ("recon", "kl")}}
    return _replay(key=key, data={"static": pid, "live": live_run, "mapSize": map_size,
                                  "frame": len(snapshots) - 1, "big": frame.presenting()})
