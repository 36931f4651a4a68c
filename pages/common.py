"""What every page shares: cached models and atlases, the sidebar's choices, the latent map."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from vae_core import latent, urlstate
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


_run = threading.local()  # one script run at a time per thread: app.py marks its page runs


@contextlib.contextmanager
def framed():
    """app.py runs the page inside this, so the page knows the sidebar is already drawn.

    A thread-local rather than session state: a write to session state in a `finally` after
    st.stop() is lost, which left a stale flag behind.
    """
    _run.framed = True
    try:
        yield
    finally:
        _run.framed = False


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
        first_run = "_url_sidebar" not in st.session_state
        if first_run:  # a shared link sets the data set, model and presenter mode once
            st.session_state["_url_sidebar"] = True
            _sidebar_from_url(datasets)
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
        presenter = st.toggle("Presenter mode", key="presenter",
                              help="Bigger text and pictures for a projector; hides downloads "
                                   "and the fine print.")
        if bad and not presenter:
            with st.expander(f"{len(bad)} checkpoint file(s) skipped"):
                for e in bad:
                    st.caption(f"`{Path(e.path).name}`: {e.problem}")
    if presenter:
        st.html(PRESENTER_CSS)
    return dataset, choices[names.index(name)]


# Presenter mode: a projector needs big type and big digits, not downloads and fine print
PRESENTER_CSS = """<style>
html, .stApp { font-size: 22px; }
.stApp h1 { font-size: 2.6rem; } .stApp h2 { font-size: 2.1rem; } .stApp h3 { font-size: 1.6rem; }
[data-testid="stDownloadButton"], [data-testid="stCaptionContainer"],
[data-testid="stExpander"], header[data-testid="stHeader"] { display: none; }
[data-testid="stImage"] img { image-rendering: pixelated; min-width: 100%; }
.block-container { padding-top: 1rem; max-width: 100%; }
</style>"""


def _sidebar_from_url(datasets: list[str]):
    params = st.query_params
    values, problems = urlstate.parse_all(params, {
        "dataset": urlstate.choice(datasets), "presenter": urlstate.choice(["0", "1"])})
    if "dataset" in values:
        st.session_state["dataset"] = values["dataset"]
    if "presenter" in values:
        st.session_state["presenter"] = values["presenter"] == "1"
    dataset = st.session_state.get("dataset", datasets[0])
    names = [m["name"] for m in models_of(dataset) if m["kind"] in ("vae", "ae")]
    model_values, more = urlstate.parse_all(params, {"model": urlstate.choice(names)})
    if "model" in model_values:
        st.session_state["model"] = model_values["model"]
    st.session_state["_url_problems"] = problems + more


def url_values(page: str, parsers: dict) -> dict:
    """The page's settings in the URL, checked, on the page's first run in this session only.

    Problems (and those of the sidebar's settings) are shown once as one warning; the page then
    goes on with its defaults.
    """
    done = st.session_state.setdefault("_url_pages", set())
    if page in done:
        return {}
    done.add(page)
    values, problems = urlstate.parse_all(st.query_params, parsers)
    problems = st.session_state.pop("_url_problems", []) + problems
    if problems:
        st.warning("Some settings in the link were not usable and were left at their defaults: "
                   + "; ".join(problems) + ".", icon=":material/link_off:")
    return values


def share(**page_params):
    """Write the current view into the URL, so the address bar is a bookmark of this view."""
    params = {"dataset": st.session_state.get("dataset"), "model": st.session_state.get("model")}
    if st.session_state.get("presenter"):
        params["presenter"] = "1"
    params.update(page_params)
    clean = {k: str(v) for k, v in params.items() if v is not None}
    if dict(st.query_params) != clean:
        st.query_params.from_dict(clean)


def eval_figures(name: str) -> dict:
    """The evaluation CLI's test figures for a shipped checkpoint ({} if it was not evaluated)."""
    import json

    path = CHECKPOINTS / "eval" / f"{name}.json"
    try:
        return json.loads(path.read_text())["test"]
    except (OSError, ValueError, KeyError):
        return {}


def pick_test_image(at: Atlas, dataset: str, prefix: str, default_class: int = 0) -> int:
    """Class and example pickers for a test image; returns its test-set index."""
    names = class_names(dataset)
    st.session_state.setdefault(f"{prefix}_class", default_class)
    st.session_state.setdefault(f"{prefix}_example", 0)
    c1, c2 = st.columns(2)
    cls = c1.selectbox("Class", range(10), key=f"{prefix}_class", format_func=lambda c: names[c])
    members = np.flatnonzero(at.labels == cls)
    k = c2.number_input("Example", 0, len(members) - 1, key=f"{prefix}_example")
    return int(members[min(int(k), len(members) - 1)])


def test_index_params(at: Atlas, prefix: str, value: int):
    """Set a pick_test_image's widgets to show test image `value`."""
    cls = int(at.labels[value])
    st.session_state[f"{prefix}_class"] = cls
    st.session_state[f"{prefix}_example"] = int(np.searchsorted(
        np.flatnonzero(at.labels == cls), value))


def selected() -> tuple[str, dict]:
    """The dataset and model chosen in the sidebar.

    app.py draws the sidebar before it runs a page. Until some session has run app.py, Streamlit
    is in its legacy multipage mode (the folder is called pages/): a deep link such as a
    bookmarked /posterior?digit=18 on a freshly started server runs the page file alone, with
    an automatic navigation listing every file. The page then switches the process to app.py's
    navigation (what st.navigation does on its first call) and reruns, so the same URL comes
    back framed. Should that not work, the page draws the sidebar itself and carries on.
    """
    if not getattr(_run, "framed", False):
        tries = st.session_state.get("_reframe_tries", 0)
        # AppTest forces the legacy mode before every run of its own: there, draw in place
        if tries < 1 and not st.get_option("global.appTest"):
            from streamlit.runtime.pages_manager import PagesManager

            st.session_state["_reframe_tries"] = tries + 1
            PagesManager.uses_pages_directory = False
            st.rerun()
        st.session_state["model_meta"] = sidebar()[1]
    else:
        st.session_state["_reframe_tries"] = 0
    return st.session_state["dataset"], st.session_state["model_meta"]


def show_digit(probs: np.ndarray, caption: str, key: str, scale: int = 10):
    """A decoded digit, big and crisp, with a PNG download."""
    img = digit_image(probs, scale)
    st.image(img, caption=caption, width="stretch", output_format="PNG")  # JPEG would blur
    st.download_button("PNG", png_bytes(img), file_name=f"{key}.png", mime="image/png",
                       key=f"dl_{key}", icon=":material/download:")


def latent_map(at: Atlas, dataset: str, *, marks: list[dict] | None = None,
               paths: list[dict] | None = None, heat: dict | None = None,
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
