"""Browser-side components (Custom Components v2, no build step): the live latent map and live
sliders, which decode in the browser as the pointer moves (decoder.js), and the drawing pad."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st

from vae_core.data import class_names
from vae_core.export import decoder_spec, pack
from vae_core.images import to_unit

from .. import catalog, frame
from ..figures import COLORS, fingerprint

_ASSETS = Path(__file__).parent


def _json(data: dict) -> dict[str, str]:
    """A component's data as {"json": one JSON string} (decoder.js, dataOf). Streamlit checks
    every value of a data dict, and any data that is not a dict or bytes, for a data frame, which
    imports pandas and pyarrow (0.3 s and ~30 MB of the server's first page); a string value
    it passes at once."""
    return {"json": json.dumps(data)}


def _read(*names: str) -> str:
    return "\n".join((_ASSETS / n).read_text() for n in names)


_map = st.components.v2.component(
    "latent_lab_map", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "draw.js", "map.js"))
_replay = st.components.v2.component(
    "latent_lab_replay", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "draw.js", "replay.js"))
_sliders = st.components.v2.component(
    "latent_lab_sliders", html='<div class="ll-root"></div>', css=_read("map.css"),
    js=_read("decoder.js", "sliders.js"))
# The components' heights are fixed by their layout (map.css: captions, titles and legends of
# fixed height) and passed to Streamlit, which sizes their box before their script has drawn
# anything: nothing below them moves as the page loads. A map reaches its largest size in a
# window 1350 px wide or wider (Lighthouse's desktop), where that height is exact; in narrower
# windows and in presenter mode the box follows its content (ui.server, ui.frame).
TITLE, CAPTION, LEGEND, PNG, CONTROLS = 30, 44, 28, 34, 44


def map_sizes(n: int, live: bool, max_size: int, digit_size: int, width: float) -> tuple[int, int]:
    """The map's and the digit's sizes in a container `width` px wide: map.js's mapSizes."""
    d = 28 * max(2, int(min(digit_size, width / 3) // 28))
    beside = d + 24 if _beside(n, live, max_size, d, width) else 0
    s = min(max_size, (width - beside) / n - (24 if n > 1 else 0))
    if s < 200:  # too narrow side by side (a phone): one a row
        s = min(max_size, width)
    return max(200, int(s)), d


def _beside(n: int, live: bool, max_size: int, d: int, width: float) -> bool:
    return n == 1 and live and width >= 2.2 * d and width - d - 24 >= min(max_size, 320)


def map_height(n: int, live: bool, max_size: int, digit_size: int, width: float, *,
               title: bool, legend: bool, png: bool) -> int:
    """The height of latent_map's layout (map.css, map.js) in a container `width` px wide."""
    s, d = map_sizes(n, live, max_size, digit_size, width)
    beside = _beside(n, live, max_size, d, width)
    side = d + CAPTION if live else CAPTION  # the digit and the readout
    body = max(s, side) if beside else s + side
    return (TITLE if title else 0) + body + (LEGEND if legend else 0) + (PNG if png else 0) + 4


# Holds a static payload (codes and weights, megabytes) for the components above: its message is
# the same on every rerun, so Streamlit sends it once per session (see decoder.js, putStatic).
_payload = st.components.v2.component(
    "latent_lab_live_payload", html='<div class="ll-payload"></div>',
    css=".ll-payload { display: none; }",
    js=_read("decoder.js") + "\nexport default function ({ data }) { putStatic(unpack(data)); }\n")
_pad = st.components.v2.component(
    "latent_lab_drawing_pad", html='<div class="ll-root"></div>', css=_read("canvas.css"),
    js=_read("canvas.js"))


@st.cache_resource(show_spinner=False, max_entries=6)
def _decoder(key: str, _load) -> dict | None:
    """The browser's decoder spec of the model `_load()` returns, or None where its decoder
    cannot run in the browser; keyed by its atlas's key, so that a cached answer loads no model
    (the model cache holds only the few a page decodes with on the server)."""
    try:
        return decoder_spec(_load())
    except ValueError:
        return None


def _panel(meta: dict, live: bool) -> dict:
    """What the browser needs of one model: its codes on the map's plane, and (live) its
    decoder. Callers copy the dict, never mutate it."""
    at = catalog.atlas(meta)
    panel = {
        "points": at.uv.astype(np.float32),
        "labels": at.labels.astype(np.uint8),
        "bounds": list(at.bounds),
        "plane": {"origin": at.plane.origin.tolist(), "basis": at.plane.basis.tolist()},
        "axis": "PC" if at.latent_dim > 2 else "z",
    }
    if live:
        panel["spec"] = _decoder(at.key, lambda: catalog.model(meta))
        if panel["spec"] is None:
            raise ValueError(f"{meta['name']}: its decoder cannot run in the browser")
    return panel


@st.cache_resource(show_spinner=False, max_entries=3)  # 3-7 MB each; a page sends up to 3
def _packed(key: str, _build) -> bytes:
    """The binary payload of `_build()` (a dict of arrays), built and packed once per distinct
    content `key` (3 MB for one panel): reruns neither rebuild nor repack it."""
    return pack({"id": key, **_build()})


def _send_payload(key: str, parts: list, build) -> str:
    """Mount the hidden payload element for `build()` (a dict of arrays), identified by the
    fingerprint of `parts`; returns that id for the visible component's data."""
    pid = fingerprint(parts)
    # never shown (ui.server's FIRST_PAINT_CSS hides it: no skeleton, no gap)
    _payload(key=f"{key}-ll-payload", data=_packed(pid, build))
    return pid


def available(meta: dict) -> bool:
    """Whether this model's decoder can run in the browser."""
    return _decoder(catalog.atlas(meta).key, lambda: catalog.model(meta)) is not None


def enabled(*metas: dict) -> bool:
    """The sidebar's live switch is on and every model's decoder can run in the browser."""
    if not st.session_state.get("live", True) or st.session_state.get("live_failed"):
        return False
    return all(available(m) for m in metas)


def _points(uv) -> list:
    return np.round(np.asarray(uv, np.float64).reshape(-1, 2), 4).tolist()


def _plain(x):
    """JSON's own types (numpy scalars are not)."""
    return x.item() if isinstance(x, np.generic) else x


def _overlay(panel: dict) -> tuple[list, list]:
    marks = [{**{k: _plain(v) for k, v in m.items()}, "uv": _points(m["uv"])[0]}
             for m in panel.get("marks") or []]
    paths = [{**{k: _plain(v) for k, v in p.items()}, "uv": _points(p["uv"])}
             for p in panel.get("paths") or []]
    return marks, paths


def latent_map(panels: list[dict], dataset: str, key: str, *, live: bool = False, on_click=None,
               linked: bool = True, max_size: int = 560, digit_size: int = 196,
               legend: bool = True, png: str | None = None, width: int = frame.MAIN_WIDTH,
               zoom: list | None = None):
    """Latent maps drawn in the browser, one per panel: {"meta", "title", "marks": [{"uv",
    "text", "symbol", "color"}], "paths": [{"uv", "color", "width", "dash", "mode", "size",
    "symbol"}], "view": a zoom window}. With `live`, each decodes under the pointer (linked
    panels: the same relative spot through every model). `on_click` makes clicks, taps and
    Enter report to Python (read them with `clicked(key)`). What is fixed per model (codes,
    labels, plane, decoder: up to ~3 MB a panel) goes once, as the payload. `width`: the
    width the maps are laid out in, in the reference window (frame.column_width). Every map
    zooms and pans (wheel, pinch, drag, + and −); `zoom` is the first panel's view to open at (a
    link's), until the user zooms: read the views with `zooms(key)`."""
    metas = [p["meta"] for p in panels]
    live = live and all(available(m) for m in metas)
    pid = _send_payload(key, *_map_payload(metas, dataset, live))
    overlays = [_overlay(p) for p in panels]
    height = map_height(len(panels), live, max_size, digit_size, width,
                        title=any(p.get("title") for p in panels), legend=legend,
                        png=bool(png) and not frame.presenting())
    data = {"static": pid, "maxSize": max_size, "digitSize": digit_size, "big": frame.presenting(),
            "live": live, "linked": linked, "clickable": on_click is not None, "legend": legend,
            "png": None if frame.presenting() else png,
            "titles": [p.get("title") or "" for p in panels],
            "marks": [m for m, _ in overlays], "paths": [p for _, p in overlays],
            "views": [[float(x) for x in p["view"]] if p.get("view") is not None else None
                      for p in panels],
            "zooms": zooms(key, len(panels)) or [_view(zoom)] + [None] * (len(panels) - 1)}
    return _map(key=key, data=_json(data), height=int(height), on_clicked_change=on_click or (lambda: None),
                on_zooms_change=lambda: None,
                on_failed_change=lambda: st.session_state.update(live_failed=True))


def _map_payload(metas: list[dict], dataset: str, live: bool) -> tuple[list, Callable[[], dict]]:
    """(what identifies the maps' payload, how to build it)."""
    keys = [catalog.atlas(m).key for m in metas]
    specs = [_panel(m, True)["spec"]["id"] for m in metas] if live else []
    return (["map", keys, specs, dataset, live],
            lambda: {"panels": [_panel(m, live) for m in metas], "colors": list(COLORS),
                     "names": list(class_names(dataset))})


def warm_map(meta: dict, dataset: str):
    """Build and cache the payload of one live map of this model, as latent_map would send it
    (the server's start-up does it for the first page)."""
    parts, build = _map_payload([meta], dataset, available(meta))
    _packed(fingerprint(parts), build)


def _view(v) -> list[float] | None:
    """A zoom window [x0, x1, y0, y1] with finite, increasing bounds, or None."""
    try:
        x0, x1, y0, y1 = (float(x) for x in v)
    except (TypeError, ValueError):
        return None
    ok = all(map(np.isfinite, (x0, x1, y0, y1))) and x1 > x0 and y1 > y0
    return [x0, x1, y0, y1] if ok else None


def zooms(key: str, n: int = 1) -> list | None:
    """Each panel's zoom window as the user left it (None: not zoomed), or None before any zoom."""
    z = (st.session_state.get(key) or {}).get("zooms")
    if not isinstance(z, list) or len(z) != n:
        return None
    return [_view(v) for v in z]


def clicked(key: str) -> dict | None:
    """The click a map reported: {"uv", "index"}, or None."""
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
    return {"uv": uv, "index": index}


def live_sliders(meta: dict, z, lo, hi, key: str, on_change, step: float = 0.05,
                 digit_size: int = 252, label: int | None = None, along: tuple | None = None):
    """Sliders over z that decode in the browser while dragging; `on_change` runs on release
    (the sliders' values are the component's state "z").
    A conditional model's decoder draws the class `label` (its one-hot follows z).
    `along=(origin, directions, names)`: the sliders are steps along the directions instead, and
    the code decoded is origin + Σ z[i] · directions[i]; each slider is labelled by its name."""
    spec = _panel(meta, True)["spec"]
    pid = _send_payload(key, ["sliders", catalog.atlas(meta).key, spec["id"]],
                        lambda: {"spec": spec})

    data = {"static": pid, "z": [float(v) for v in z], "lo": [float(v) for v in lo],
            "hi": [float(v) for v in hi], "step": step, "digitSize": digit_size}
    if spec.get("classes"):
        data["suffix"] = [float(c == label) for c in range(spec["classes"])]
    if along is not None:
        origin, directions, names = along
        data.update(origin=[float(v) for v in origin], names=list(names),
                    basis=[[float(v) for v in d] for d in directions])
    return _sliders(key=key, data=_json(data), height=max(len(z) * 32, digit_size) + 8,
                    on_z_change=on_change)


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
    sprite = png_bytes(to_unit(grids.reshape(-1, grids.shape[-1])))
    curves = {f"{p}_{k}": replay[f"{p}_{k}"].astype(np.float32)
              for p in ("test", "train") for k in ("recon", "kl")}
    return {"title": title, "t": replay["t"].astype(np.float32),
            "mu": replay["mu"][..., :2].astype(np.float16).ravel(),
            "labels": replay["labels"].astype(np.uint8), "bounds": _union_bounds(replay["bounds"]),
            "sprite": np.frombuffer(sprite, np.uint8), "gridSize": int(grids.shape[-1]),
            "curves": curves}


def replay_height(map_size: int, n: int, width: float = frame.MAIN_WIDTH) -> int:
    """The height of replay.js's layout in a container `width` px wide: controls, a title, the
    map, two 110 px curves and the grid with its note beside one map or below several, the
    legend."""
    single = n == 1
    s = max(200, int(min(map_size, width * 0.55 if single else width / n - 24)))
    w = max(220, min(520, width - s - 40)) if single else s  # the curves' width
    side = 2 * 114 + min(w, 224) + CAPTION
    body = max(s + 4, side) if single else s + 4 + side
    return CONTROLS + TITLE + body + LEGEND + 8


def replay(runs: dict[str, dict], dataset: str, key: str, start: int | None = None,
           on_frame=None, map_size: int = 360, fps: float = 4):
    """Play recorded runs ({title: replay}) side by side on one clock, in the browser."""
    pid = _send_payload(key, ["replay", list(runs), [len(r["t"]) for r in runs.values()]],
                        lambda: {"runs": [_run_payload(t, r) for t, r in runs.items()],
                                 "colors": list(COLORS), "names": list(class_names(dataset))})
    return _replay(key=key, height=replay_height(map_size, len(runs)),
                   data=_json({"static": pid, "frame": start, "mapSize": map_size, "fps": fps,
                               "big": frame.presenting()}),
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
    grid = base64.b64encode(png_bytes(to_unit(last["grid"]))).decode()
    live_run = {"title": title, "t": [float(s["t"]) for s in snapshots],
                "mu": np.round(last["mu"][:, :2].astype(np.float32), 3).ravel().tolist(),
                "bounds": _union_bounds([s["bounds"] for s in snapshots]),
                "grid": f"data:image/png;base64,{grid}",
                "curves": {f"{p}_{k}": col(p, k) for p in ("test", "train") for k in ("recon", "kl")}}
    return _replay(key=key, height=replay_height(map_size, 1),
                   data=_json({"static": pid, "live": live_run, "mapSize": map_size,
                               "frame": len(snapshots) - 1, "big": frame.presenting()}))
