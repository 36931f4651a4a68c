"""What every page shares: cached models and atlases, the sidebar's choices, the latent map."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from vae_core import latent
from vae_core.atlas import load_atlas
from vae_core.checkpoint import list_checkpoints, load_model
from vae_core.data import DataUnavailableError, class_names, load_split, on_disk
from vae_core.images import digit_image, png_bytes

CHECKPOINTS = Path(os.environ.get("LATENT_LAB_CHECKPOINTS")
                   or Path(__file__).resolve().parents[1] / "checkpoints")
DATASET_LABELS = {"mnist": "MNIST digits", "fashion-mnist": "Fashion-MNIST clothes"}
# Plotly's D3 palette: ten classes that stay distinct on a projector
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
CLICK_GRID = 61  # invisible points per side that turn a click anywhere into a selection
# Plotly's toolbar with its one button a lecturer needs: the chart as a 2x PNG for slides
PLOT_CONFIG = {"displaylogo": False, "modeBarButtons": [["toImage"]],
               "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "latent_map"}}


@st.cache_resource(show_spinner=False)
def catalog():
    """Usable checkpoints (metadata) and the files skipped, read once per server process."""
    return list_checkpoints(CHECKPOINTS)


@st.cache_resource(show_spinner="Loading the model…")
def model(path: str):
    return load_model(path)


class Atlas:
    """A model's test-set encodings with the map's plane and bounds (computed once)."""

    def __init__(self, path: str):
        self.path = path
        data = load_atlas(path)
        self.mu, self.labels, self.logvar = data["mu"], data["labels"], data.get("logvar")
        self.plane = latent.plane_for(self.mu)
        self.uv = self.plane.to_plane(self.mu)
        self.bounds = latent.bounds_of(self.uv)


@st.cache_resource(show_spinner=False)
def atlas(path: str) -> Atlas:
    return Atlas(path)


@st.cache_resource(show_spinner="Loading the test images…")
def test_images(dataset: str):
    """The raw test images as uint8 (N, 28, 28), or None where the data set is not on disk."""
    if not on_disk(dataset):  # never start a download from a page
        return None
    try:
        x, _ = load_split(dataset, train=False)  # unpacks the .gz files (md5-checked) if need be
    except DataUnavailableError:  # e.g. a corrupt file: the pages say the images are missing
        return None
    return (x[:, 0].numpy() * 255).round().astype(np.uint8)


def models_of(dataset: str, kind: str | None = None, latent_dim: int | None = None) -> list[dict]:
    good, _ = catalog()
    return [m for m in good if m["dataset"] == dataset and (kind is None or m["kind"] == kind)
            and (latent_dim is None or m["latent_dim"] == latent_dim)]


def find(dataset: str, name_suffix: str) -> dict | None:
    prefix = "mnist" if dataset == "mnist" else "fashion"
    return next((m for m in models_of(dataset) if m["name"] == f"{prefix}_{name_suffix}"), None)


def judge_of(dataset: str) -> dict | None:
    return next(iter(models_of(dataset, "classifier")), None)


def model_label(meta: dict) -> str:
    kind = {"vae": "VAE", "ae": "autoencoder"}.get(meta["kind"], meta["kind"])
    extra = ""
    train = meta.get("train", {})
    if meta["kind"] == "vae" and train.get("loss") == "recon":
        extra = ", reconstruction only"
    elif meta["kind"] == "vae" and train.get("loss") == "kl":
        extra = ", KL only"
    elif meta["kind"] == "vae" and meta["beta"] != 1.0:
        extra = f", β = {meta['beta']:g}"
    return f"{kind}, {meta['latent_dim']}-D{extra}"


FRAME_FLAG = "_frame_ran"  # set by app.py around page.run()


def sidebar() -> tuple[str, dict]:
    """The shared sidebar: data set and model pickers, and the files that were skipped."""
    good, bad = catalog()
    with st.sidebar:
        st.title("Latent Lab")
        datasets = [d for d in DATASET_LABELS if any(m["kind"] in ("vae", "ae") for m in
                                                    models_of(d))]
        if not datasets:
            st.error(f"No usable model in `{CHECKPOINTS}`.")
            st.stop()
        if st.session_state.get("dataset") not in datasets:
            st.session_state["dataset"] = datasets[0]
        dataset = st.radio("Data set", datasets, key="dataset", format_func=DATASET_LABELS.get,
                           horizontal=True)
        choices = [m for m in models_of(dataset) if m["kind"] in ("vae", "ae")]
        choices.sort(key=lambda m: (m["kind"] != "vae", m["latent_dim"] != 2, m["name"]))
        names = [m["name"] for m in choices]
        if st.session_state.get("model") not in names:
            st.session_state["model"] = names[0]
        name = st.selectbox("Model", names, key="model",
                            format_func=lambda n: model_label(choices[names.index(n)]))
        st.toggle("Live decoding in the browser", value=True, key="live",
                  help="Decode under the pointer as it moves, in your browser. Off: click to "
                       "decode on the server.")
        if bad:
            with st.expander(f"{len(bad)} checkpoint file(s) skipped"):
                for e in bad:
                    st.caption(f"`{Path(e.path).name}`: {e.problem}")
    return dataset, choices[names.index(name)]


def selected() -> tuple[str, dict]:
    """The dataset and model chosen in the sidebar.

    app.py draws the sidebar before it runs a page. Streamlit runs a page file on its own
    (without app.py) when a fresh server's first request is a deep link, because the folder is
    called pages/ (its legacy multipage mode); the page then draws the sidebar itself.
    """
    if not st.session_state.get(FRAME_FLAG):
        st.session_state["model_meta"] = sidebar()[1]
    return st.session_state["dataset"], st.session_state["model_meta"]


def show_digit(probs: np.ndarray, caption: str, key: str, scale: int = 10):
    """A decoded digit, big and crisp, with a PNG download."""
    img = digit_image(probs, scale)
    st.image(img, caption=caption, width="stretch", output_format="PNG")  # JPEG would blur
    st.download_button("PNG", png_bytes(img), file_name=f"{key}.png", mime="image/png",
                       key=f"dl_{key}", icon=":material/download:")


def latent_map(at: Atlas, dataset: str, *, marks: list[dict] | None = None,
               paths: list[dict] | None = None, heat: dict | None = None,
               height: int = 560, click_grid: bool = True) -> go.Figure:
    """The test encodings as a scatter, one trace per class, over an invisible click grid."""
    names = class_names(dataset)
    fig = go.Figure()
    x0, x1, y0, y1 = at.bounds
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
            unselected=dict(marker=dict(opacity=0)), selected=dict(marker=dict(opacity=0)),
        ))
    idx = np.arange(len(at.labels))
    for c in range(10):
        sel = at.labels == c
        fig.add_trace(go.Scattergl(
            x=at.uv[sel, 0], y=at.uv[sel, 1], mode="markers", name=names[c],
            customdata=idx[sel], marker=dict(size=4, color=COLORS[c], opacity=0.75),
            unselected=dict(marker=dict(opacity=0.75)), selected=dict(marker=dict(opacity=0.75)),
            hovertemplate=f"{names[c]}<br>test #%{{customdata}}<extra></extra>",
        ))
    for p in paths or []:
        fig.add_trace(go.Scattergl(x=p["uv"][:, 0], y=p["uv"][:, 1], mode="lines+markers",
                                 name=p.get("name", "path"), showlegend=False, hoverinfo="skip",
                                 line=dict(color=p.get("color", "black"), width=3),
                                 marker=dict(size=5, color=p.get("color", "black"))))
    for m in marks or []:
        fig.add_trace(go.Scattergl(  # WebGL too: SVG traces would hide under the WebGL dots
            x=[m["uv"][0]], y=[m["uv"][1]], mode="markers+text", text=[m.get("text", "")],
            textposition="top center", showlegend=False, hoverinfo="skip",
            textfont=dict(size=16, color="black"),
            marker=dict(symbol=m.get("symbol", "x"), size=18, color=m.get("color", "black"),
                        line=dict(width=2, color="white")),
        ))
    axis = "PC" if at.mu.shape[1] > 2 else "z"
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=30, b=10), dragmode=False,
        clickmode="event+select", legend=dict(itemsizing="constant", font=dict(size=14)),
        xaxis=dict(range=[x0, x1], title=f"{axis}₁", zeroline=False),
        yaxis=dict(range=[y0, y1], title=f"{axis}₂", zeroline=False),
        plot_bgcolor="white",
    )
    return fig


def live_enabled(*paths: str) -> bool:
    """The sidebar's live toggle is on and every model's decoder can run in the browser."""
    if not st.session_state.get("live", True) or st.session_state.get("live_failed"):
        return False
    from pages import live_decoding

    return all(live_decoding.available(p) for p in paths)


def clicked_point(event) -> dict | None:
    """The plane point a map selection reports (see vae_core.latent.point_from_selection)."""
    return latent.point_from_selection(event.get("selection") if event else None)


def live_click(result) -> dict | None:
    """The click a live map reported: {"uv", "index", "panel", "rel"}, or None."""
    c = (result or {}).get("clicked")
    if c is None:
        return None
    point = latent.point_from_selection({"points": [{"x": c.get("u"), "y": c.get("v"),
                                                      "customdata": c.get("index")}]})
    if point is not None:
        point.update(panel=int(c.get("panel") or 0), rel=np.asarray(c.get("rel"), np.float32))
    return point


def no_data_notice(dataset: str):
    st.info(
        f"The {DATASET_LABELS[dataset]} test images are not on this machine, so the views that "
        "need them are off; the map works from the shipped atlas. To enable them run "
        f"`python -c \"from vae_core.data import load_split; load_split('{dataset}', False)\"` "
        "(downloads about 10 MB) or set $LATENT_LAB_DATA to a folder that holds them.",
        icon=":material/cloud_off:",
    )
