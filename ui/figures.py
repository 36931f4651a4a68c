"""What the pictures share: a cache for anything built once per distinct content and shared by
every session, the class colours, and the overlays (ellipses, point sets) that the maps of
ui.live draw. The maps are drawn in the browser (ui.live), the charts as SVG (ui.charts)."""

from __future__ import annotations

import numpy as np
import streamlit as st

# Plotly's D3 palette: ten classes that stay distinct on a projector
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def fingerprint(value) -> str:
    """A short, exact key for the figure cache: arrays by their bytes, the rest by repr."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)

    def feed(v):
        if isinstance(v, np.ndarray):
            h.update(str(v.dtype).encode() + str(v.shape).encode() + v.tobytes())
        elif isinstance(v, dict):
            for k in sorted(v):
                h.update(repr(k).encode())
                feed(v[k])
        elif isinstance(v, list | tuple):
            h.update(b"[")
            for x in v:
                feed(x)
            h.update(b"]")
        else:
            h.update(repr(v).encode())

    feed(value)
    return h.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32)  # PNGs, GIFs, readings: at most ~1 MB each
def _cached(key: str, _build):
    return _build()


def cached(parts, build):
    """build(), once per distinct `parts` (arrays compared by content), shared read-only by
    every session: for figures and encoded pictures that reruns would otherwise rebuild."""
    return _cached(fingerprint(parts), build)


def rings(ellipses: dict, color: str = "black") -> list[dict]:
    """{k: (n, 2) points} of k-sigma ellipses as map paths: 1-sigma solid, the others dashed."""
    return [{"uv": pts, "mode": "lines", "color": color, "width": 3 if k == 1 else 2,
             "dash": k != 1} for k, pts in ellipses.items()]


def points(uv, color: str = "#000", size: int = 9, symbol: str = "circle") -> dict:
    """A set of plane points as a map path of markers."""
    return {"uv": uv, "mode": "markers", "color": color, "size": size, "symbol": symbol}
