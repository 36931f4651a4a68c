"""The one page registry: each page's file, title, group, what it reads from the sidebar, and
the settings its link carries.

app.py builds its navigation from it, the tests visit every entry, and the benchmarks time every
entry. A page that lists `models` gets the sidebar's model picker, offering only those models;
one that lists `datasets` gets the data-set picker. Links carry only what a page reads.

`links` declares a page's link settings once, each with its widest range: the page takes them
with `frame.setting(name)` (narrowing a range or a default to its model's with `.bound`), and a
lecture's deck is checked against them before it is shown (ui.decks.problems), the way
TensorFlow Playground declares every URL parameter of its state in one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vae_core.config import OBJECTIVES

from . import settings as s

REPO = Path(__file__).resolve().parents[1]


def _family(meta: dict):
    from vae_core.families import of  # imports torch: not at the server's start

    return of(meta)


def any_model(meta: dict) -> bool:
    """What the pages of the latent space show: a latent space, no condition."""
    return _family(meta).pages == "latent"


def plain_vae(meta: dict) -> bool:
    from vae_core import families

    from .catalog import is_plain

    return families.plain_vae(meta) and is_plain(meta)


def a_vae(meta: dict) -> bool:
    return any_model(meta) and _family(meta).stochastic


def mnist_model(meta: dict) -> bool:
    return any_model(meta) and meta["dataset"] == "mnist"


def mnist_code(meta: dict) -> bool:
    """An MNIST model with a latent space, conditional or not (analogies work in either)."""
    return _family(meta).pages in ("latent", "conditional") and meta["dataset"] == "mnist"


def two_d(meta: dict) -> bool:
    return any_model(meta) and meta["latent_dim"] == 2


def spread_visible(meta: dict) -> bool:
    """A VAE whose posteriors are wide enough to see: a 2-D VAE's σ is about 0.01 (its samples
    decode to one picture), the 16-D VAE's 0.4-0.6."""
    return meta["latent_dim"] > 2


BOTH = ("mnist", "fashion-mnist")
TEST_IMAGES = 10_000  # both data sets' test sets: an `image=` is an index into one
SPACE = 1e3  # codes, spots and zoom windows in links stay within ±SPACE (a model narrows it)


def image(key: str) -> s.Setting:
    return s.integer(key, "image", 0, 0, TEST_IMAGES - 1, ("digit",))


def zoom(key: str) -> s.Setting:
    return s.vector(key, "zoom", (-SPACE,) * 4, (SPACE,) * 4)


def _decks() -> tuple[str, ...]:
    return (*sorted(p.stem for p in (REPO / "lectures").glob("*.toml")), "mine")


LOSS_VARIANTS = ("reconstruction only (β = 0)", "β = 0.5", "β = 1 (the VAE)", "β = 4", "KL only")
# The loss lab's pages: how a printed loss was computed, and the runs of checkpoints/study/
STEP = 2.0  # attribute vectors: a step of 1 is the whole thin-to-bold difference of a class
UNITS = ("nats per image", "nats per pixel", "bits per dimension")
COLLAPSE_RUNS = ("mean", "warmup", "freebits")
STRONG_RUNS = ("ar", "warmup", "freebits")
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
    links: tuple[s.Setting, ...] = ()  # the page's link settings, widest ranges (the frame's: FRAME_PARAMS)

    @property
    def url_path(self) -> str:
        return "" if self.default else self.key

    @property
    def params(self) -> tuple[str, ...]:
        """The link parameters the page reads, besides the frame's."""
        return tuple(x.url for x in self.links)

    def setting(self, url: str) -> s.Setting:
        return next(x for x in self.links if x.url == url)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("lecture", "pages/lecture/lecture.py", "Lecture", ":material/co_present:", "Lecture",
             datasets=("mnist",), links=(s.choice("lecture_show", "show", "vae45", _decks()),)),
    PageSpec("my_deck", "pages/lecture/my_deck.py", "My deck", ":material/edit_note:", "Lecture",
             datasets=("mnist",)),
    PageSpec("start", "pages/start/start.py", "Start here", ":material/flag:", "Start",
             datasets=("mnist",)),
    PageSpec("glossary", "pages/start/glossary.py", "Glossary", ":material/menu_book:", "Start",
             datasets=("mnist",)),
    PageSpec("latent_map", "pages/explore/latent_map.py", "Latent map", ":material/scatter_plot:",
             "Explore", any_model, default=True,
             links=(s.vector("map_at", "at", (-SPACE,) * 2, (SPACE,) * 2), zoom("map_zoom"))),
    PageSpec("sliders", "pages/explore/sliders.py", "Sliders over z", ":material/tune:",
             "Explore", any_model,
             links=(s.vector("z", "z", (), ()), s.seed("slider_seed"))),
    PageSpec("interpolate", "pages/explore/interpolate.py", "Interpolate", ":material/timeline:",
             "Explore", any_model,
             links=(s.integer("interp_a", "a", 0, 0, TEST_IMAGES - 1),
                    s.integer("interp_b", "b", 0, 0, TEST_IMAGES - 1),
                    s.integer("interp_steps", "steps", 10, 3, 20), s.seed("interp_seed"))),
    PageSpec("ae_vs_vae", "pages/explore/ae_vs_vae.py", "Autoencoder vs VAE",
             ":material/compare:", "Explore",
             links=(s.choice("contrast_pair", "pair", "2", ("2", "16")), s.seed("contrast_seed"))),
    PageSpec("attributes", "pages/explore/attributes.py", "Attribute vectors", ":material/format_bold:",
             "Explore", mnist_model, datasets=("mnist",), prefer=spread_visible,
             links=(image("attr_digit"), *(s.number(f"attr_{url}", url, 0.0, -STEP, STEP)
                                           for url in ("bold", "slant", "wide")))),
    PageSpec("draw", "pages/explore/draw.py", "Draw me a …", ":material/stylus:", "Explore",
             datasets=("mnist",),
             links=(s.choice("draw_size", "size", "2", ("2", "16")),
                    s.choice("draw_class", "digit", 7, tuple(range(10))), s.seed("draw_seed"),
                    image("draw_digit"))),
    PageSpec("analogies", "pages/explore/analogies.py", "Digit analogies", ":material/swap_horiz:",
             "Explore", mnist_code, datasets=("mnist",), prefer=spread_visible,
             links=(image("ana_a"), s.integer("ana_b", "b", 0, 0, TEST_IMAGES - 1),
                    s.integer("ana_c", "c", 0, 0, TEST_IMAGES - 1))),
    PageSpec("dimensions", "pages/explore/dimensions.py", "What each dimension means", ":material/tune:",
             "Explore", datasets=("mnist",),
             links=(s.choice("dims_beta", "beta", "1", ("1", "4")), image("dims_digit"))),
    PageSpec("loss_terms", "pages/lessons/loss_terms.py", "What each loss term does",
             ":material/balance:", "Lessons", datasets=("mnist",),
             links=(s.choice("loss_beta", "beta", "β = 1 (the VAE)", LOSS_VARIANTS),
                    s.seed("loss_seed"))),
    PageSpec("posterior", "pages/lessons/posterior.py", "One image, a distribution",
             ":material/blur_circular:", "Lessons", plain_vae, prefer=spread_visible,
             links=(image("post_digit"), s.integer("post_k", "k", 8, 1, 32), s.seed("post_seed"))),
    PageSpec("manifold", "pages/lessons/manifold.py", "The manifold", ":material/grid_on:",
             "Lessons", two_d,
             links=(s.choice("manifold_grid", "grid", "gaussian", ("gaussian", "linear")),
                    s.integer("manifold_size", "n", 15, 5, 30), zoom("manifold_zoom"))),
    PageSpec("your_digit", "pages/lessons/your_digit.py", "Your own digit", ":material/draw:",
             "Lessons"),
    PageSpec("denoising", "pages/lessons/denoising.py", "Denoising", ":material/healing:",
             "Lessons", datasets=("mnist",),
             links=(image("noise_digit"),
                    s.choice("noise_kind", "noise", "gaussian", ("gaussian", "salt and pepper", "occlusion")),
                    s.number("noise_strength", "strength", 0.5, 0.0, 1.0), s.seed("noise_seed"))),
    PageSpec("anomalies", "pages/lessons/anomalies.py", "Anomalies", ":material/troubleshoot:",
             "Lessons", plain_vae),
    PageSpec("loss_units", "pages/own/loss_units.py", "Is my loss good?", ":material/straighten:",
             "Your own model", a_vae, datasets=("mnist",),
             links=(s.choice("units_from", "unit", UNITS[0], UNITS),
                    s.number("units_value", "loss", 105.0, 0.0, 1e5))),
    PageSpec("collapse", "pages/own/collapse.py", "Sum or mean? Collapse", ":material/compress:",
             "Your own model", datasets=("mnist",),
             links=(s.choice("collapse_run", "run", "mean", COLLAPSE_RUNS), s.seed("collapse_seed"))),
    PageSpec("strong_decoder", "pages/own/strong_decoder.py", "The decoder draws alone",
             ":material/draw:", "Your own model", datasets=("mnist",),
             links=(s.choice("strong_run", "run", "ar", STRONG_RUNS), s.seed("strong_seed"))),
    PageSpec("latent_size", "pages/own/latent_size.py", "How big should z be?",
             ":material/stacked_bar_chart:",
             "Your own model", datasets=("mnist",), links=(s.seed("size_seed"),)),
    PageSpec("replay", "pages/learn/replay.py", "Watch it learn", ":material/play_circle:",
             "Watch it learn", datasets=("mnist",),
             links=(s.choice("replay_view", "view", "vae", ("vae", "ae", "ae_vs_vae", "loss", "beta")),
                    s.integer("replay_frame", "frame", 0, 0, 999))),
    PageSpec("train", "pages/learn/train.py", "Train one now", ":material/model_training:",
             "Watch it learn", datasets=("mnist",),
             links=(s.choice("train_kind", "kind", "vae", ("vae", "ae")),
                    s.choice("train_loss", "loss", "elbo", OBJECTIVES),
                    s.choice("train_beta", "beta", 1.0, (0.5, 1.0, 2.0, 4.0)),
                    s.integer("train_epochs", "epochs", 8, 1, 20),
                    s.choice("train_images", "images", 60_000, (10_000, 30_000, 60_000)))),
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
