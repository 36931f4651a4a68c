"""The one page registry: each page's file, title, group, and what it reads from the sidebar.

app.py builds its navigation from it, the tests visit every entry, and the benchmarks time every
entry. A page that lists `models` gets the sidebar's model picker, offering only those models;
one that lists `datasets` gets the data-set picker. Links carry only what a page reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def any_model(meta: dict) -> bool:
    return meta["kind"] in ("vae", "ae")


def plain_vae(meta: dict) -> bool:
    from .catalog import is_plain

    return meta["kind"] == "vae" and is_plain(meta)


def two_d(meta: dict) -> bool:
    return meta["kind"] in ("vae", "ae") and meta["latent_dim"] == 2


def spread_visible(meta: dict) -> bool:
    """A VAE whose posteriors are wide enough to see: a 2-D VAE's σ is about 0.01 (its samples
    decode to one picture), the 16-D VAE's 0.4-0.6."""
    return meta["latent_dim"] > 2


BOTH = ("mnist", "fashion-mnist")
FRAME_PARAMS = ("dataset", "model", "presenter", "live")  # what the frame reads from any link


@dataclass(frozen=True)
class PageSpec:
    key: str  # the page's URL path ("" for the default page) and its name in benchmarks
    file: str  # relative to the repository
    title: str
    icon: str  # Material Symbols, drawn by the font that ships with Streamlit (no download)
    group: str
    models: Callable[[dict], bool] | None = None  # the sidebar's model picker offers these
    datasets: tuple[str, ...] = BOTH  # the sidebar's data-set picker offers these
    default: bool = False
    prefer: Callable[[dict], bool] | None = None  # the model shown first, until one is picked
    params: tuple[str, ...] = ()  # the link parameters the page reads (the frame's: FRAME_PARAMS)

    @property
    def url_path(self) -> str:
        return "" if self.default else self.key


PAGES: tuple[PageSpec, ...] = (
    PageSpec("lecture", "pages/lecture/lecture.py", "Lecture", ":material/co_present:", "Lecture",
             datasets=("mnist",), params=("show",)),
    PageSpec("my_deck", "pages/lecture/my_deck.py", "My deck", ":material/edit_note:", "Lecture",
             datasets=("mnist",)),
    PageSpec("start", "pages/start/start.py", "Start here", ":material/flag:", "Start",
             datasets=("mnist",)),
    PageSpec("glossary", "pages/start/glossary.py", "Glossary", ":material/menu_book:", "Start",
             datasets=("mnist",)),
    PageSpec("latent_map", "pages/explore/latent_map.py", "Latent map", ":material/scatter_plot:",
             "Explore", any_model, default=True,
             params=("at", "zoom")),
    PageSpec("sliders", "pages/explore/sliders.py", "Sliders over z", ":material/tune:",
             "Explore", any_model,
             params=("z", "seed")),
    PageSpec("interpolate", "pages/explore/interpolate.py", "Interpolate", ":material/timeline:",
             "Explore", any_model,
             params=("a", "b", "steps", "seed")),
    PageSpec("ae_vs_vae", "pages/explore/ae_vs_vae.py", "Autoencoder vs VAE",
             ":material/compare:", "Explore",
             params=("pair", "seed")),
    PageSpec("loss_terms", "pages/lessons/loss_terms.py", "What each loss term does",
             ":material/balance:", "Lessons", datasets=("mnist",),
             params=("beta", "seed")),
    PageSpec("posterior", "pages/lessons/posterior.py", "One image, a distribution",
             ":material/blur_circular:", "Lessons", plain_vae, prefer=spread_visible,
             params=("image", "k", "seed")),
    PageSpec("manifold", "pages/lessons/manifold.py", "The manifold", ":material/grid_on:",
             "Lessons", two_d,
             params=("grid", "n", "zoom")),
    PageSpec("your_digit", "pages/lessons/your_digit.py", "Your own digit", ":material/draw:",
             "Lessons"),
    PageSpec("denoising", "pages/lessons/denoising.py", "Denoising", ":material/healing:",
             "Lessons", datasets=("mnist",),
             params=("image", "noise", "strength", "seed")),
    PageSpec("anomalies", "pages/lessons/anomalies.py", "Anomalies", ":material/troubleshoot:",
             "Lessons", plain_vae),
    PageSpec("replay", "pages/learn/replay.py", "Watch it learn", ":material/play_circle:",
             "Watch it learn", datasets=("mnist",),
             params=("view", "frame")),
    PageSpec("train", "pages/learn/train.py", "Train one now", ":material/model_training:",
             "Watch it learn", datasets=("mnist",),
             params=("kind", "loss", "beta", "epochs", "images")),
)


def st_pages() -> dict[str, list]:
    """The pages for st.navigation, by group."""
    import streamlit as st

    return {group: [st.Page(REPO / p.file, title=p.title, icon=p.icon, url_path=p.key,
                            default=p.default) for p in pages]
            for group, pages in groups().items()}


def default() -> PageSpec:
    return next(p for p in PAGES if p.default)


def by_key(key: str) -> PageSpec:
    return next(p for p in PAGES if p.key == key)


def groups() -> dict[str, list[PageSpec]]:
    out: dict[str, list[PageSpec]] = {}
    for p in PAGES:
        out.setdefault(p.group, []).append(p)
    return out
