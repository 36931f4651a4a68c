"""Plotly figures built and serialised once per distinct content and shared by every session:
the latent map (test codes over an invisible click grid, marks and paths laid over it), and the
small charts of the lessons."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from vae_core import latent
from vae_core.data import class_names
from vae_core.latent import Atlas

# Plotly's D3 palette: ten classes that stay distinct on a projector
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
CLICK_GRID = 61  # invisible points per side that turn a click anywhere into a selection
# Plotly's toolbar with its one button a lecturer needs: the chart as a 2x PNG for slides
PLOT_CONFIG = {"displaylogo": False, "modeBarButtons": [["toImage"]],
               "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "latent_map"}}


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


@st.cache_resource(show_spinner=False, max_entries=48)  # a 14k-point figure is ~1 MB
def _cached(key: str, _build):
    return _build()


def cached(parts, build):
    """build(), once per distinct `parts` (arrays compared by content), shared read-only by
    every session: for figures and encoded pictures that reruns would otherwise rebuild."""
    return _cached(fingerprint(parts), build)


class FrozenFigure(go.Figure):
    """A figure serialised once: `st.plotly_chart` calls `to_dict()` and then encodes the dict
    on every rerun, ~25 ms for a 14,000-point map here (copying every array and validating it).
    This one hands over a dict that is already JSON (arrays as base64 typed arrays), so a rerun
    only re-encodes a few strings; it also holds far less memory than a figure object."""

    def __init__(self, spec: dict):
        super().__init__()
        self._frozen_spec = spec

    def to_dict(self) -> dict:
        return self._frozen_spec


def to_spec(fig: go.Figure) -> dict:
    """The figure as Plotly.js receives it: plain JSON types, arrays as base64 typed arrays."""
    return json.loads(pio.to_json(fig, validate=False))


def figure(parts, build) -> FrozenFigure:
    """build() -> a Plotly figure, built and serialised once per distinct `parts`, shared
    read-only by every session."""
    return cached(parts, lambda: FrozenFigure(to_spec(build())))


def latent_map(at: Atlas, dataset: str, *, marks: list[dict] | None = None,
               paths: list[dict] | None = None, **options) -> FrozenFigure:
    """The latent map (see _base_map) with marks and paths drawn over it (see _overlay).

    Building and serialising the 14,000-point map takes 50-80 ms here, so it is done once per
    distinct set of `options` and shared; marks and paths, which change with every click or
    slider move, are a few small traces appended to it.
    """
    base = cached(["map", at.key, dataset, options],
                  lambda: to_spec(_base_map(at, dataset, **options)))
    if not marks and not paths:
        return cached(["frozen", at.key, dataset, options], lambda: FrozenFigure(base))
    return cached(["map+", at.key, dataset, options, marks, paths], lambda: FrozenFigure(
        {"data": base["data"] + to_spec(_overlay(marks, paths))["data"], "layout": base["layout"]}))


def _base_map(at: Atlas, dataset: str, *, heat: dict | None = None,
              height: int = 560, click_grid: bool = True, legend: bool = True,
              title: str | None = None, bounds=None) -> go.Figure:
    """The test encodings as a scatter, one trace per class, over an invisible click grid."""
    names = class_names(dataset)
    fig = go.Figure()
    x0, x1, y0, y1 = at.bounds if bounds is None else bounds
    if heat is not None:
        n = heat["z"].shape[0]
        fig.add_trace(go.Heatmap(
            z=heat["z"][::-1], x=np.linspace(x0, x1, n), y=np.linspace(y0, y1, n),
            colorscale="Greys", zmin=0, zmax=1, showscale=True, opacity=0.55,
            colorbar=dict(title=heat.get("title", ""), orientation="h", y=-0.22, len=0.6,
                          thickness=12), hoverinfo="skip",
        ))
    if click_grid:
        g = latent.grid_uv(at.bounds, CLICK_GRID)
        fig.add_trace(go.Scattergl(
            x=g[:, 0], y=g[:, 1], mode="markers", showlegend=False, hoverinfo="none",
            marker=dict(size=14, opacity=0), name="grid",
            # the clicked grid point shows itself: the figure stays the same from click to
            # click, so the browser does not redraw 14,000 points each time
            unselected=dict(marker=dict(opacity=0)),
            selected=dict(marker=dict(opacity=1, color="black", size=16)),
        ))
    idx = np.arange(len(at.labels))
    for c in range(10):
        sel = at.labels == c
        fig.add_trace(go.Scattergl(
            x=at.uv[sel, 0], y=at.uv[sel, 1], mode="markers", name=names[c],
            customdata=idx[sel], marker=dict(size=4, color=COLORS[c], opacity=0.75),
            unselected=dict(marker=dict(opacity=0.75)),
            selected=dict(marker=dict(opacity=1, color="black", size=12)),
            hovertemplate=f"{names[c]}<br>test #%{{customdata}}<extra></extra>",
        ))
    axis = "PC" if at.mu.shape[1] > 2 else "z"
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=30, b=10), dragmode=False,
        clickmode="event+select", legend=dict(itemsizing="constant", font=dict(size=14)),
        xaxis=dict(range=[x0, x1], title=f"{axis}₁", zeroline=False),
        yaxis=dict(range=[y0, y1], title=f"{axis}₂", zeroline=False),
        plot_bgcolor="white", showlegend=legend,
        title=dict(text=title, font=dict(size=16)) if title else None,
    )
    return fig


def _overlay(marks: list[dict] | None, paths: list[dict] | None) -> go.Figure:
    """Paths (lines or markers) and labelled marks, as traces to lay over a map."""
    fig = go.Figure()
    for p in paths or []:
        fig.add_trace(go.Scattergl(
            x=p["uv"][:, 0], y=p["uv"][:, 1], mode=p.get("mode", "lines+markers"),
            name=p.get("name", "path"), showlegend=False, hoverinfo="skip",
            line=dict(color=p.get("color", "black"), width=p.get("width", 3),
                      dash=p.get("dash", "solid")),
            marker=dict(size=p.get("size", 5), color=p.get("color", "black"),
                        symbol=p.get("symbol", "circle")),
        ))
    for m in marks or []:
        fig.add_trace(go.Scattergl(  # WebGL too: SVG traces would hide under the WebGL dots
            x=[m["uv"][0]], y=[m["uv"][1]], mode="markers+text", text=[m.get("text", "")],
            textposition="top center", showlegend=False, hoverinfo="skip",
            textfont=dict(size=16, color="black"),
            marker=dict(symbol=m.get("symbol", "x"), size=18, color=m.get("color", "black"),
                        line=dict(width=2, color="white")),
        ))
    return fig


def histogram(edges: np.ndarray, series: list[tuple[str, np.ndarray, str]], threshold: float,
              x_title: str) -> go.Figure:
    """Counted bins (label, counts, colour) overlaid, with a dashed threshold line."""
    fig = go.Figure()
    for label, counts, color in series:
        fig.add_trace(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=edges[1] - edges[0],
                             name=label, opacity=0.6, marker_color=color, marker_line_width=0))
    fig.add_vline(x=threshold, line=dict(color="black", width=3, dash="dash"),
                  annotation_text="threshold")
    fig.update_layout(barmode="overlay", bargap=0, height=380, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title=x_title, yaxis_title="images", legend=dict(orientation="h", y=1.12),
                      plot_bgcolor="white")
    return fig


def roc(fpr: np.ndarray, tpr: np.ndarray, point: tuple[float, float], auc: float) -> go.Figure:
    """An ROC curve with the chance diagonal and the current threshold's point."""
    fig = go.Figure(go.Scatter(x=fpr, y=tpr, mode="lines", line=dict(width=3), name="ROC"))
    fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers",
                             marker=dict(size=12, color="black"), name="threshold"))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance",
                             line=dict(dash="dot", color="grey")))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      xaxis_title="false alarm rate", yaxis_title="caught rate",
                      plot_bgcolor="white", title=dict(text=f"ROC, AUC = {auc:.3f}"))
    return fig


def bars(labels: list[str], values, y_title: str, height: int = 300) -> go.Figure:
    """A plain bar chart (one value per label)."""
    fig = go.Figure(go.Bar(x=labels, y=list(values), marker_color=COLORS[0]))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=20, b=10), yaxis_title=y_title,
                      plot_bgcolor="white", xaxis=dict(type="category"))
    return fig


def rings(ellipses: dict, color: str = "black") -> list[dict]:
    """{k: (n, 2) points} of k-sigma ellipses as map paths: 1-sigma solid, the others dashed."""
    return [{"uv": pts, "mode": "lines", "color": color, "width": 3 if k == 1 else 2,
             "dash": "solid" if k == 1 else "dash"} for k, pts in ellipses.items()]


def points(uv, color: str = "#000", size: int = 9, symbol: str = "circle-open") -> dict:
    """A set of plane points as a map path of markers."""
    return {"uv": uv, "mode": "markers", "color": color, "size": size, "symbol": symbol}


def grouped_bars(labels: list[str], series: list[tuple[str, list[float], str]], y_title: str,
                 height: int = 300) -> go.Figure:
    """Bars per label, one colour per series (name, values, colour), side by side."""
    fig = go.Figure([go.Bar(x=labels, y=values, name=name, marker_color=color)
                     for name, values, color in series])
    fig.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=20, b=10),
                      yaxis_title=y_title, plot_bgcolor="white", xaxis=dict(type="category"),
                      legend=dict(orientation="h", y=1.15))
    return fig


def lines(x: list[float], series: list[tuple[str, list[float], str, str]], x_title: str,
          y_title: str, marker_x: float | None = None, height: int = 320) -> go.Figure:
    """Line charts over a shared x: (name, values, colour, dash) each, and a dashed vertical
    line at marker_x."""
    fig = go.Figure([go.Scatter(x=x, y=values, name=name, mode="lines+markers",
                                line=dict(color=color, dash=dash, width=3))
                     for name, values, color, dash in series])
    if marker_x is not None:
        fig.add_vline(x=marker_x, line=dict(color="black", width=2, dash="dot"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=20, b=10), xaxis_title=x_title,
                      yaxis_title=y_title, plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.3))
    return fig
