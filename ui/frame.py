"""The frame around every page: page config, navigation from the registry, the sidebar, links
and presenter mode. (The server's start-up is ui.server.lifespan.)"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from . import catalog, decks, glossary, registry, settings

FAVICON = "🔢"  # an emoji favicon is drawn by the browser: no request leaves the machine
PRESENTER = settings.flag("presenter", "presenter", False)
LIVE = settings.flag("live", "live", True)
SLIDE = settings.flag("slide", "slide", False)  # a view framed in a slide (with ?embed=true)
MODEL = "model"  # session state: the model last picked in the sidebar (and `model=` in links)


@dataclass(frozen=True)
class Context:
    """What the running page reads from the frame."""

    spec: registry.PageSpec
    dataset: str
    model: dict | None  # the sidebar's model, for pages that offer one
    linked: set = field(default_factory=set)  # glossary terms already linked on this page
    declared: list = field(default_factory=list)  # the page's settings (declare)
    kept: dict = field(default_factory=dict)  # link values that are not widgets' (keep)
    place: decks.Place | None = None  # the lecture's step this page shows, if any
    arrived: bool = False  # the step has just arrived: its view was applied in this run


_run = threading.local()  # one script run at a time per thread


def context() -> Context:
    ctx = getattr(_run, "context", None)
    if ctx is None:
        raise RuntimeError("pages run inside the frame: start the app with `streamlit run app.py`")
    return ctx


def run():
    """One script run: the frame, then the page inside it."""
    started = time.perf_counter()
    st.set_page_config(page_title="Latent Lab: explore a VAE's latent space", page_icon=FAVICON,
                       layout="wide")
    pages = registry.st_pages()
    page = st.navigation(pages, position="hidden")  # drawn by sidebar(), from the registry
    spec = next(p for p in registry.PAGES if p.url_path == page.url_path)
    place, arrived = decks.follow(spec)
    if arrived:  # a lecture's step: its link is the whole view
        settings.relink(spec.key, "_frame")
        st.session_state.pop("_url_model", None)
        if MODEL not in st.query_params:
            st.session_state.pop(MODEL, None)
    if place is not None:  # a deck presents in presenter mode, and is studied without it, on
        # every run: a rerun the browser asked for before it saw the step (a component's
        # message) carries the presenter switch as it was on the page before
        st.session_state[PRESENTER.key] = not place.study
    _run.context = Context(spec, *sidebar(spec), place=place, arrived=arrived)
    try:
        lecture(place)
        remember(place)  # before the page, which may stop early (st.stop)
        page.run()
        write_link(_run.context)
        if place is None and spec.group != "Lecture" and not settings.value(SLIDE):
            share(spec)
    finally:  # benchmarks read the script's own run time (only when $LATENT_LAB_TIMINGS is set)
        _run.context = None
        record_run(spec.key, time.perf_counter() - started)


def sidebar(spec: registry.PageSpec) -> tuple[str, dict | None]:
    """Data set and model pickers (where the page reads them), live decoding and presenter
    switches, and the checkpoint files that were skipped."""
    good, bad = catalog.catalog()
    with st.sidebar:
        st.title("Latent Lab")
        navigation()
        usable = [d for d in catalog.DATASET_LABELS if catalog.models(d)]
        if not usable:
            st.error(f"No usable model in `{catalog.CHECKPOINTS}`.")
            st.stop()
        dataset_setting = settings.choice("dataset", "dataset", usable[0], usable)
        settings.use("_frame", [dataset_setting, PRESENTER, LIVE, SLIDE], notice=False)
        _model_from_link()
        datasets = [d for d in spec.datasets if d in usable]
        if len(datasets) > 1:
            settings.radio(dataset_setting, "Data set", format_func=catalog.DATASET_LABELS.get,
                           horizontal=True)
        dataset = settings.value(dataset_setting)
        dataset = dataset if dataset in datasets else datasets[0]
        meta = _model_picker(spec, dataset) if spec.models else None
        settings.toggle(LIVE, "Live decoding in the browser",
                        help="Decode under the pointer as it moves, in your browser. Off: click "
                             "to decode on the server.")
        presenter = settings.toggle(PRESENTER, "Presenter mode",
                                    help="Bigger text and pictures for a projector; hides "
                                         "downloads and the fine print.")
        if bad and not presenter:
            with st.expander(f"{len(bad)} checkpoint file(s) skipped"):
                for e in bad:
                    st.caption(f"`{Path(e.path).name}`: {e.problem}")
        _run.share_slot = st.container()
    if settings.value(SLIDE):
        st.html(SLIDE_CSS)
        presenter = True
    if presenter:  # a projector's width goes to the page; the header's arrow opens the sidebar
        st.set_page_config(initial_sidebar_state="collapsed")
        st.html(PRESENTER_CSS)
    return dataset, meta


def navigation():
    """The pages, by group, as links: plain links under headings (Streamlit's own navigation is
    a list whose markup screen readers flag, and it arrives after the rest of the sidebar)."""
    for group, pages in registry.groups().items():
        st.markdown(f"**{group}**")
        for p in pages:
            st.page_link(registry.REPO / p.file, label=p.title, icon=p.icon)
    st.divider()


def _model_from_link():
    if "_url_model" in st.session_state:
        return
    st.session_state["_url_model"] = True
    name = st.query_params.get(MODEL)
    if name is not None:
        if catalog.by_name(name) is not None:
            st.session_state[MODEL] = name
        else:
            st.session_state.setdefault(settings.PROBLEMS, []).append(
                f"`model`: {name[:30]!r} is not a model of this server")


def _model_picker(spec: registry.PageSpec, dataset: str) -> dict:
    # every family: the page's own filter decides (Digit analogies offers the conditional VAEs)
    choices = [m for m in catalog.models(dataset, which=catalog.anything) if spec.models(m)]
    names = [m["name"] for m in choices]
    key = f"model@{spec.key}"  # one widget per page: each page offers its own models
    preferred = st.session_state.get(MODEL)  # the user's last pick, on any page
    first = next((m["name"] for m in choices if spec.prefer and spec.prefer(m)), names[0])
    st.session_state[key] = preferred if preferred in names else first
    name = st.selectbox("Model", names, key=key,
                        format_func=lambda n: catalog.label(choices[names.index(n)]),
                        on_change=lambda: st.session_state.update({MODEL: st.session_state[key]}))
    return choices[names.index(name)]


def lecture(place: decks.Place | None):
    """The lecture's band (presenting) or panel (self-study) above the page, and the browser's
    memory of the lecturer's own deck and places (ui.decks)."""
    restored = st.session_state.get("_deck_restored", False)
    stored = None if restored else decks.stored()
    if stored is not None:
        restored = st.session_state["_deck_restored"] = True
        decks.restore(stored)
        if place is None and st.query_params.get("deck") == decks.MINE:
            st.rerun()
    if place is None and st.query_params.get("deck") == decks.MINE:  # waiting for the browser
        remember(None)
        if restored:
            st.warning("This link opens a deck of your own, and this browser does not have it. "
                       "Import its file on the My deck page.", icon=":material/co_present:")
        else:
            st.caption("Opening your deck from this browser…")
        st.stop()
    if place is not None:
        (decks.panel if place.study else decks.bar)(place)
        if place.hidden:
            decks.hide_view()


def remember(place: decks.Place | None):
    """The clicker keys for this step, and the browser's local storage: read once a session
    (the lecturer's own deck, the places reached), then written on every run (what changes them
    runs in callbacks, before the run: the run writes what they left)."""
    restored = st.session_state.get("_deck_restored", False)
    save = decks.to_store() if restored else None
    want = () if restored else (decks.STORE_OWN, decks.STORE_PLACES)
    decks.keys(place, context().spec.url_path, save, want)


def share(spec: registry.PageSpec):
    """Under the sidebar's switches: add this view to my deck, and a link to frame it in slides."""
    with _run.share_slot:
        decks.add_view(spec, dict(st.query_params))
        url = (st.context.url or "").rstrip("/")
        if spec.url_path and url.endswith("/" + spec.url_path):
            url = url[: -len(spec.url_path) - 1]
        view = {k: v for k, v in st.query_params.items() if k not in ("presenter", *decks.PARAMS)}
        src = f"{url}/{spec.url_path}?{urlencode({**view, 'embed': 'true', 'slide': '1'})}"
        with st.popover("Embed in slides", icon=":material/slideshow:", use_container_width=True):
            st.caption("Paste into a slide (reveal.js, an HTML slide, a LMS page): the view, its "
                       "settings, and the map decoding under the pointer, without the sidebar.")
            st.code(f'<iframe src="{src}" width="1200" height="600" style="border:0"></iframe>',
                    language="html", wrap_lines=True)


def declare(*declared: settings.Setting, derived=()) -> dict:
    """A page's settings, declared once. On the page's first run in a session their values come
    from the link (or a lecture's step, which is a link), checked, the rest at their defaults
    (settings.use); at the end of every run the frame writes them back into the link, with what
    `keep` recorded. Returns the checked link values of `derived` settings (a clicked point, a
    zoom: not widgets), for the page to apply."""
    ctx = context()
    for x in (*declared, *derived):  # a page narrows its registry's settings, never widens them
        if x.url is not None and not (x.url in ctx.spec.params and x.within(ctx.spec.setting(x.url))):
            raise ValueError(f"{ctx.spec.key}: the link setting {x.url!r} is not the registry's "
                             "(ui.registry: links), or is wider")
    ctx.declared.extend(declared)
    return settings.use(ctx.spec.key, list(declared), derived)


def setting(url: str) -> settings.Setting:
    """The running page's link setting `url`, as the registry declares it (its widest range);
    the page narrows it to its model with `.bound(...)`."""
    return context().spec.setting(url)


def keep(**values):
    """Link values that are not a declared widget's (a clicked point, a zoom window, the image a
    click chose), written at the end of the run; None leaves one out."""
    context().kept.update(values)


def write_link(ctx: Context):
    """The view into the address bar: the frame's settings the page reads, the page's declared
    settings and what it kept."""
    params = {}
    if len(ctx.spec.datasets) > 1:
        params["dataset"] = ctx.dataset
    if ctx.model is not None and not ctx.model.get("session"):
        params[MODEL] = ctx.model["name"]
    if settings.value(PRESENTER):
        params["presenter"] = "1"
    if not settings.value(LIVE):
        params["live"] = "0"
    if settings.value(SLIDE):
        params["slide"] = "1"
    params.update(settings.query(ctx.declared))
    for name, value in ctx.kept.items():  # a kept value replaces a declared one of its name
        params.pop(name, None)
        if value is not None:
            params[name] = str(value)
    if ctx.place is not None:
        params = decks.step_params(ctx.place, params, ctx.arrived)
    settings.write_link(params)


# The main column's width in the reference window, 1350 px wide or wider (the sidebar 300 px,
# padding 5rem a side: ui.server's FIRST_PAINT_CSS): components whose height depends on their
# width are sized for it, so that nothing moves as they draw.
MAIN_WIDTH = 890
COLUMN_GAP = 16  # st.columns' default gap, 1rem


def column_width(weights: list[float], i: int, width: float = MAIN_WIDTH) -> float:
    """The width of column `i` of st.columns(weights) in a container `width` px wide."""
    return (width - COLUMN_GAP * (len(weights) - 1)) * weights[i] / sum(weights)


def presenting() -> bool:
    """Pictures sized for a projector: presenter mode, or a view framed in a slide."""
    return bool(settings.value(PRESENTER) or settings.value(SLIDE))


def intro(text: str):
    """A page's opening paragraph, its words linked to the glossary where the page first uses
    them; on a projector it folds away under the heading, so that the picture comes first (the
    lecturer says it); in a lecture's step it gives way to the step's own words."""
    place = context().place
    if (place is not None and not place.study) or settings.value(SLIDE):
        return
    say(text, st.expander("What this page shows") if presenting() else st)


def say(text: str, where=st):
    """A page's paragraph, its glossary words linked where the page first uses them."""
    where.markdown(glossary.link(text, context().linked))


def slots() -> tuple:
    """(controls, picture): two places a page fills in any order. A reader meets the controls
    first; a projector shows the picture first, the controls under it."""
    first, second = st.container(), st.container()
    return (second, first) if presenting() else (first, second)


# Presenter mode: a projector needs big type and big digits, not downloads and fine print
PRESENTER_CSS = """<style>
html, .stApp { font-size: 22px; }
[data-testid="stMain"] h1 { font-size: 2.6rem; } [data-testid="stMain"] h2 { font-size: 2.2rem; }
[data-testid="stMain"] h3 { font-size: 1.7rem; } [data-testid="stSidebar"] h1 { font-size: 1.6rem; }
[data-testid="stDownloadButton"], [data-testid="stCaptionContainer"],
[data-testid="stToolbarActions"] { display: none; }
/* The header stays: Streamlit keeps the control that reopens a collapsed sidebar there (and with
   the sidebar, the pages and the presenter switch). It only stops hiding the page under a band. */
header[data-testid="stHeader"] { background: transparent; pointer-events: none; }
header[data-testid="stHeader"] button { pointer-events: auto; background: #fff; }
/* a collapsed sidebar's links stay in the Tab order, off screen: Tab would wander there unseen
   before it reached the control that opens it */
[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
html body [data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1rem 1.5rem 2rem; }
/* a picture fits the window's height under the heading, whatever its column's width */
.ll-figure img { width: auto; max-width: 100%; max-height: calc(100vh - 300px); margin: 0 auto; }
.ll-figure svg.ll-chart { max-height: calc(100vh - 300px); }
[data-testid="stElementContainer"]:has(> .stBidiComponent),
[data-testid="stElementContainer"] > .stBidiComponent { height: auto !important; }
</style>"""


# A view framed in a slide (`?embed=true&slide=1`; Streamlit's embed hides its own chrome): the
# picture and its controls, sized to the frame; the heading, the words and the notices go.
SLIDE_CSS = """<style>
[data-testid="stMain"] h2, [data-testid="stMain"] [data-testid="stExpander"],
[data-testid="stMain"] [data-testid="stAlert"], [data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stMarkdown"]:not(:has(.ll-figure)) { display: none; }
html body .stApp [data-testid="stMainBlockContainer"] { padding: 0 1rem 0.5rem; }
header[data-testid="stHeader"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"] { display: none; }
.ll-figure img, .ll-figure svg.ll-chart { max-height: calc(100vh - 190px) !important; }
</style>"""


def record_run(page: str, seconds: float):
    """Append {"page", "ms", "t", "session"} to the file named by $LATENT_LAB_TIMINGS, if set."""
    path = os.environ.get("LATENT_LAB_TIMINGS")
    if not path:
        return
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    line = json.dumps({"page": page, "ms": 1000 * seconds, "t": time.time(),
                       "session": ctx.session_id if ctx else None})
    with open(path, "a") as f:
        f.write(line + "\n")
