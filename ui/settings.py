"""Page settings: one declaration each (session key, URL name, default, range or options) feeds
the link, the session state and the widget.

    K = settings.integer("post_k", "k", 8, 1, 32)
    frame.declare(K, SEED)             # (ui.frame) link values once, bad state reset, defaults set;
                                       # the frame writes them back into the link after the run
    k = settings.slider(K, "Samples K")  # the widget's range comes from the declaration

Parsing goes through `vae_core.urlstate`, which knows nothing of Streamlit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from vae_core import urlstate

MAX_LENGTH, SPACE = 64, 1e3  # a vector of unknown length in a link: at most 64 numbers, within ±1e3
PROBLEMS = "_url_problems"  # problems found in a link, shown once with the page's own
RELINK = "_url_relink"  # pages whose next run takes the link as the whole view (a deck's step)


@dataclass(frozen=True)
class Setting:
    key: str  # session state and widget key
    url: str | None  # query-string name (None: not part of links)
    default: Any
    kind: str  # "int", "float", "choice", "flag" or "vector"
    lo: Any = None  # numbers: bounds; vectors: one bound per coordinate
    hi: Any = None
    options: tuple = ()  # choices
    aliases: tuple[str, ...] = ()  # older URL names still read from links (never written)

    def bound(self, **changes) -> Setting:
        """The same setting with a range or options known only at run time (a model's)."""
        return dataclasses.replace(self, **changes)

    def parse(self, raw) -> Any:
        """A link's text -> a clean value; raises urlstate.BadParam with the reason."""
        if self.kind == "int":
            return urlstate.integer(self.lo, self.hi)(raw)
        if self.kind == "float":
            return urlstate.number(self.lo, self.hi)(raw)
        if self.kind == "vector":
            if not self.lo:  # any length (a code whose size the model sets), within ±SPACE
                return urlstate.numbers(MAX_LENGTH, -SPACE, SPACE)(raw)
            return urlstate.vector(len(self.lo), self.lo, self.hi)(raw)
        if self.kind == "flag":
            return urlstate.choice(["0", "1"])(raw) == "1"
        by_text = {str(o): o for o in self.options}
        return by_text[urlstate.choice(list(by_text))(raw)]

    def ok(self, value) -> bool:
        """Whether a widget would accept this value (range, options, type)."""
        if self.kind == "choice":
            return any(value == o and type(value) is type(o) for o in self.options)
        if self.kind == "flag":
            return isinstance(value, bool)
        if self.kind == "vector":
            return (len(value) == len(self.lo) and all(
                _number(v) and lo <= v <= hi for v, lo, hi in zip(value, self.lo, self.hi)))
        if not _number(value) or not self.lo <= value <= self.hi:
            return False
        return self.kind == "float" or float(value).is_integer()

    def within(self, wide: Setting) -> bool:
        """Whether this setting (a page's, narrowed to its model) takes only values `wide` (the
        registry's declaration) takes: same key (or a per-model key), kind and URL name."""
        if (self.kind, self.url) != (wide.kind, wide.url):
            return False
        if self.kind == "choice":
            return set(self.options) <= set(wide.options)
        if self.kind == "vector":
            return not wide.lo or (len(self.lo) == len(wide.lo) and all(
                a <= b for a, b in zip(wide.lo, self.lo)) and all(a <= b for a, b in zip(self.hi, wide.hi)))
        if self.kind in ("int", "float"):
            return wide.lo <= self.lo and self.hi <= wide.hi
        return True

    def format(self, value) -> str:
        if self.kind == "vector":
            return urlstate.format_vector(value)
        if self.kind == "flag":
            return "1" if value else "0"
        return str(value)


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and not math.isnan(v)


def integer(key: str, url: str | None, default: int, lo: int, hi: int,
            aliases: tuple[str, ...] = ()) -> Setting:
    return Setting(key, url, default, "int", lo, hi, aliases=aliases)


def number(key: str, url: str | None, default: float, lo: float, hi: float) -> Setting:
    return Setting(key, url, default, "float", lo, hi)


def choice(key: str, url: str | None, default, options: Sequence) -> Setting:
    return Setting(key, url, default, "choice", options=tuple(options))


def flag(key: str, url: str | None, default: bool) -> Setting:
    return Setting(key, url, default, "flag")


def vector(key: str, url: str | None, lo: Sequence[float], hi: Sequence[float]) -> Setting:
    lo, hi = tuple(float(v) for v in lo), tuple(float(v) for v in hi)
    return Setting(key, url, tuple(min(max(0.0, a), b) for a, b in zip(lo, hi)), "vector", lo, hi)


def narrowed(s: Setting, lo: Sequence[float], hi: Sequence[float], key: str | None = None) -> Setting:
    """A vector setting narrowed to one model's ranges (and its own session key): its default
    is the point nearest 0 inside them."""
    lo, hi = tuple(float(v) for v in lo), tuple(float(v) for v in hi)
    return s.bound(key=key or s.key, lo=lo, hi=hi,
                   default=tuple(min(max(0.0, a), b) for a, b in zip(lo, hi)))


def seed(key: str) -> Setting:
    """Every page's random seed: `seed=` in links, 0 … 10,000."""
    return integer(key, "seed", 0, 0, 10_000)


def advance(s: Setting) -> int:
    """The next value of an integer setting (a seed), wrapping round at its top: a button that
    draws "another one" moves the seed, so each press is new and the link still reproduces it."""
    new = value(s) + 1 if value(s) < s.hi else s.lo
    st.session_state[s.key] = new
    return new


def from_link(page: str, declared: Sequence[Setting]) -> dict:
    """The declared settings found in the link, checked, on the page's first run in this
    session only (later runs keep what the user did since); problems are collected."""
    done = st.session_state.setdefault("_url_pages", set())
    if page in done:
        return {}
    done.add(page)
    values = {}
    for s in declared:
        name = next((n for n in (s.url, *s.aliases) if n is not None and n in st.query_params), None)
        if name is None:
            continue
        try:
            values[s.key] = s.parse(st.query_params[name])
        except urlstate.BadParam as e:
            st.session_state.setdefault(PROBLEMS, []).append(f"`{name}`: {e}")
    return values


def relink(*pages: str):
    """The next run of these pages (and "_frame", the frame's own settings) takes its settings
    from the link again, as the whole view: what the link leaves out goes back to its default.
    A lecture's step arriving (a key press, the back button, a reopened link) is such a run."""
    done = st.session_state.setdefault("_url_pages", set())
    done.difference_update(pages)
    st.session_state.setdefault(RELINK, set()).update(pages)


def use(page: str, declared: Sequence[Setting], derived: Sequence[Setting] = (),
        notice: bool = True) -> dict:
    """Link values into session state (first run), then reset every value a widget would refuse
    (a bad link, an older version of the page, a test) and fill in the defaults. `derived`
    settings (a clicked point, say) are not widgets: their link values are returned, checked,
    for the page to apply. After `relink`, the link is the whole view: declared settings it
    leaves out go to their defaults, and derived ones come back as None (the page clears them)."""
    exact = page in st.session_state.get(RELINK, ())
    link = from_link(page, [*declared, *derived])
    if exact:
        st.session_state[RELINK].discard(page)
        link = {s.key: link.get(s.key, s.default if s in declared else None)
                for s in [*declared, *derived]}
    for s in declared:
        if s.key in link:
            st.session_state[s.key] = link[s.key]
    for s in declared:
        if s.key in st.session_state and not s.ok(st.session_state[s.key]):
            st.session_state[s.key] = s.default
        st.session_state.setdefault(s.key, s.default)
    problems = st.session_state.pop(PROBLEMS, []) if notice else []  # else: the page shows them
    if problems:
        st.warning("Some settings in the link were not usable and were left at their defaults: "
                   + "; ".join(problems) + ".", icon=":material/link_off:")
    return {s.key: link[s.key] for s in derived if s.key in link}


def value(s: Setting):
    return st.session_state.get(s.key, s.default)


def query(declared: Sequence[Setting], **derived) -> dict[str, str]:
    """The link parameters of these settings (those not at their default are always written,
    so a link reproduces the view even if a default changes), plus derived ones."""
    params = {s.url: s.format(value(s)) for s in declared if s.url is not None}
    params.update({k: str(v) for k, v in derived.items() if v is not None})
    return params


def write_link(params: dict[str, str]):
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


# --- widgets whose range and options come from the declaration ---------------------------------

def slider(s: Setting, label: str, where=st, **kw):
    return where.slider(label, s.lo, s.hi, key=s.key, **kw)


def number_input(s: Setting, label: str, where=st, **kw):
    return where.number_input(label, s.lo, s.hi, key=s.key, **kw)


def selectbox(s: Setting, label: str, where=st, **kw):
    return where.selectbox(label, s.options, key=s.key, **kw)


def radio(s: Setting, label: str, where=st, **kw):
    return where.radio(label, s.options, key=s.key, **kw)


def select_slider(s: Setting, label: str, where=st, **kw):
    return where.select_slider(label, s.options, key=s.key, **kw)


def toggle(s: Setting, label: str, where=st, **kw):
    return where.toggle(label, key=s.key, **kw)


def set_vector(s: Setting, z) -> None:
    """Put a vector into a vector setting, clipped into its range, 2 decimals (as links write)."""
    st.session_state[s.key] = tuple(round(min(max(float(v), lo), hi), 2)
                                    for v, lo, hi in zip(z, s.lo, s.hi))


def vector_sliders(s: Setting, step: float = 0.05, where=st) -> tuple:
    """One slider per coordinate of a vector setting (keys `<key>_<i>`), kept in step with it."""
    keys = [f"{s.key}_{i}" for i in range(len(s.lo))]

    def moved():
        st.session_state[s.key] = tuple(st.session_state[k] for k in keys)

    for i, k in enumerate(keys):
        st.session_state[k] = float(value(s)[i])
        where.slider(f"z{i + 1}", s.lo[i], s.hi[i], step=step, key=k, on_change=moved)
    return value(s)

