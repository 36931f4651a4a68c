"""What every page shares: cached models and atlases, the sidebar's choices, the latent map."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
import torch

from vae_core import data as vae_data
from vae_core import latent, urlstate
from vae_core.atlas import load_atlas
from vae_core.checkpoint import list_checkpoints, load_model
from vae_core.data import DataUnavailableError, class_names, on_disk
from vae_core.images import digit_image, png_bytes

# One torch thread per script run: a server decodes small batches for many sessions at once, and
# two intra-op threads per run would only contend for the same two cores (see README, "Running
# for a class"). $LATENT_LAB_TORCH_THREADS overrides it.
torch.set_num_threads(int(os.environ.get("LATENT_LAB_TORCH_THREADS") or 1))
CHECKPOINTS = Path(os.environ.get("LATENT_LAB_CHECKPOINTS")
                   or Path(__file__).resolve().parents[1] / "checkpoints")
DATASET_LABELS = {"mnist": "MNIST digits", "fashion-mnist": "Fashion-MNIST clothes"}
# Plotly's D3 palette: ten classes that stay distinct on a projector
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MAX_IMAGE_WIDTH = 1460  # st.image resizes anything wider, on every rerun
CLICK_GRID = 61  # invisible points per side that turn a click anywhere into a selection
# Plotly's toolbar with its one button a lecturer needs: the chart as a 2x PNG for slides
PLOT_CONFIG = {"displaylogo": False, "modeBarButtons": [["toImage"]],
               "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "latent_map"}}


def release_memory():
    """Hand freed heap pages back to the OS after a big one-off computation (glibc only).

    Decoding and judging a whole grid or test set allocates hundreds of MB for a moment; glibc
    keeps such pages in its per-thread arenas, and a server process would look that much
    bigger for the rest of its life.
    """
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


@st.cache_resource(show_spinner=False)
def catalog():
    """Usable checkpoints (metadata) and the files skipped, read once per server process."""
    result = list_checkpoints(CHECKPOINTS)
    release_memory()
    return result


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
    try:  # read directly: torchvision (~160 MB) only if the .gz files need unpacking
        return vae_data.raw_test_images(dataset)[0]
    except DataUnavailableError:  # e.g. a corrupt file: the pages say the images are missing
        return None


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
        clean_state("live", True, options=[True, False])
        clean_state("presenter", False, options=[True, False])
        st.session_state.setdefault("live", True)
        st.toggle("Live decoding in the browser", key="live",
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
[data-testid="stMain"] h1 { font-size: 2.6rem; } [data-testid="stMain"] h2 { font-size: 2.2rem; }
[data-testid="stMain"] h3 { font-size: 1.7rem; } [data-testid="stSidebar"] h1 { font-size: 1.6rem; }
[data-testid="stDownloadButton"], [data-testid="stCaptionContainer"],
[data-testid="stExpander"], header[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1rem 2rem; }
</style>"""


def record_run(page: str, seconds: float):
    """Append {"page", "ms", "session"} to the file named by $LATENT_LAB_TIMINGS, if set."""
    path = os.environ.get("LATENT_LAB_TIMINGS")
    if not path:
        return
    import json
    import time

    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    line = json.dumps({"page": page, "ms": 1000 * seconds, "t": time.time(),
                       "session": ctx.session_id if ctx else None})
    with open(path, "a") as f:
        f.write(line + "\n")


def _sidebar_from_url(datasets: list[str]):
    params = st.query_params
    values, problems = urlstate.parse_all(params, {
        "dataset": urlstate.choice(datasets), "presenter": urlstate.choice(["0", "1"]),
        "live": urlstate.choice(["0", "1"])})
    if "live" in values:
        st.session_state["live"] = values["live"] == "1"
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
    if st.session_state.get("live") is False:
        params["live"] = "0"
    params.update(page_params)
    clean = {k: str(v) for k, v in params.items() if v is not None}
    if dict(st.query_params) != clean:
        st.query_params.from_dict(clean)


def clean_state(key: str, default, *, lo=None, hi=None, options=None):
    """Reset a widget's session-state value that its widget would refuse (out of range, not
    among the options, NaN, wrong type): a bad value set by a link, a test or an older version
    of the page then falls back to the default instead of raising."""
    if key not in st.session_state:
        return
    v = st.session_state[key]
    ok = True
    if options is not None:
        ok = any(v == o and type(v) is type(o) for o in options)
    elif lo is not None or hi is not None:
        ok = isinstance(v, int | float) and not isinstance(v, bool) and v == v
        ok = ok and (lo is None or v >= lo) and (hi is None or v <= hi)
        if ok and isinstance(default, int) and not float(v).is_integer():
            ok = False
    if not ok:
        st.session_state[key] = default


def table(rows: list[dict], digits: int = 2):
    """A small table of numbers as Markdown. st.dataframe would import pandas and pyarrow
    (~70 MB more server memory) for tables of a dozen rows; numbers get `digits` decimals."""
    if not rows:
        return
    def cell(v):
        if v is None:
            return "–"
        if isinstance(v, float | np.floating):
            return f"{v:.{digits}f}"
        return str(v).replace("|", "\\|")
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    lines += ["| " + " | ".join(cell(r.get(k)) for k in head) + " |" for r in rows]
    st.markdown("\n".join(lines))


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
    clean_state(f"{prefix}_class", default_class, options=list(range(10)))
    st.session_state.setdefault(f"{prefix}_class", default_class)
    n = int((at.labels == st.session_state[f"{prefix}_class"]).sum())
    clean_state(f"{prefix}_example", 0, lo=0, hi=n - 1)
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


@st.cache_resource(show_spinner=False, max_entries=128)
def _png(key: str, _probs: np.ndarray, _scale: int) -> bytes:  # "_": not hashed, key says it
    return png_bytes(digit_image(_probs, _scale))


def show_digit(probs: np.ndarray, caption: str, key: str, scale: int = 10, download: bool = True):
    """A decoded digit, big and crisp (PNG: JPEG would blur), with a PNG download.

    The PNG is encoded once per distinct picture (a 30x30 manifold takes ~20 ms to encode)
    and the same bytes serve the image and its download. It is never wider than st.image's
    limit (1460 px): st.image would otherwise resize and re-encode it on every rerun.
    """
    probs = np.asarray(probs, np.float32)
    scale = max(1, min(scale, MAX_IMAGE_WIDTH // probs.shape[-1]))
    png = _png(fingerprint([probs, scale]), probs, scale)
    st.image(png, caption=caption, width="stretch", output_format="PNG")  # "auto": JPEG
    if download:
        st.download_button("PNG", png, file_name=f"{key}.png", mime="image/png",
                           key=f"dl_{key}", icon=":material/download:")


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
    base = cached(["map", at.path, dataset, options],
                  lambda: to_spec(_base_map(at, dataset, **options)))
    if not marks and not paths:
        return cached(["frozen", at.path, dataset, options], lambda: FrozenFigure(base))
    return cached(["map+", at.path, dataset, options, marks, paths], lambda: FrozenFigure(
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
