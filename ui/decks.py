"""Lecture decks in the app: the built-in decks (lectures/*.toml), the lecturer's own deck, and
following a deck through the pages.

A deck's step is a link: its page, its view's settings and `deck=<name>&step=<n>` (with
`study=1` in self-study). The frame asks `follow` on every run: a step asked for by a key or a
button is gone to (st.switch_page with the step's link); a step the link names that was not the
one shown last (a key's arrival, the browser's back button, a reopened or reconnected link) has
its view applied, as the whole view (settings.relink). The place and the lecturer's own deck are
also kept in the browser's local storage (ui/live/deck.js), so a new session finds them: a replica
killed mid-lecture, a tab closed and reopened.

`problems` checks a deck against this app: each step's page exists, its view names only
settings that page (or the frame) reads, its model is one of this server's, and every figure its
words name resolves in the figures files (vae_core.deck checks the file's own shape).
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from vae_core import deck as decks
from vae_core import urlstate

from . import catalog, registry

LECTURES = registry.REPO / "lectures"
ORDER = ("vae45", "vae10")  # the built-in decks, the full lecture first
MINE = "mine"  # the lecturer's own deck, in links
PARAMS = ("deck", "step", "study")  # a step's link, besides its view
AT = "_deck_at"  # (deck, step, study) shown last: a step "arrives" when the link names another
GO = "_deck_go"  # (deck, step, study) asked for by a key or a button, gone to on the next run
REVEALED = "_deck_revealed"
OWN = "_deck_own"  # the lecturer's own deck (a vae_core.deck.Deck)
PLACES = "_deck_places"  # {deck: the step reached}, for "resume"
STORE_OWN, STORE_PLACES = "latent-lab-my-deck", "latent-lab-places"  # local storage names
KEYS = "ll-deck-keys"


@dataclass(frozen=True)
class Place:
    """Where a deck is: its name, the deck, the step number (from 1), and the mode."""

    name: str
    deck: decks.Deck
    n: int
    study: bool
    revealed: bool

    @property
    def step(self) -> decks.Step:
        return self.deck.steps[self.n - 1]

    @property
    def hidden(self) -> bool:
        """A predict step before its reveal: the view waits under the question."""
        return self.step.predict is not None and not self.revealed


def filled(deck: decks.Deck) -> decks.Deck:
    """The deck with every {file:path:format} figure in its words replaced by its value."""
    def fill(text):
        return decks.fill(text, catalog.figures_file) if text else text

    steps = []
    for s in deck.steps:
        p = s.predict and dataclasses.replace(
            s.predict, question=fill(s.predict.question), reveal=fill(s.predict.reveal),
            choices=tuple(fill(c) for c in s.predict.choices))
        steps.append(dataclasses.replace(s, title=fill(s.title), say=fill(s.say),
                                         try_this=fill(s.try_this), predict=p))
    return dataclasses.replace(deck, steps=tuple(steps))


@functools.cache
def builtins() -> dict[str, decks.Deck]:
    """The decks that ship in lectures/, their figures filled in (read once per server)."""
    found = {p.stem: p for p in LECTURES.glob("*.toml")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    return {n: filled(decks.loads(found[n].read_bytes())) for n in names}


def own() -> decks.Deck | None:
    return st.session_state.get(OWN)


def set_own(deck: decks.Deck | None):
    st.session_state[OWN] = deck


def get(name: str) -> decks.Deck | None:
    if name == MINE:
        deck = own()
        return filled(deck) if deck is not None and not problems(deck) else None
    return builtins().get(name)


def title(name: str) -> str:
    deck = get(name)
    return "My deck" if name == MINE else deck.title if deck else name


def link(name: str, n: int, step: decks.Step, study: bool) -> dict[str, str]:
    """The link of step `n`: its view, presenter mode unless in self-study, the deck's place."""
    params = dict(step.view)
    if study:
        params.pop("presenter", None)
    else:
        params.setdefault("presenter", "1")
    params.update(deck=name, step=str(n))
    if study:
        params["study"] = "1"
    return params


BASE = "_deck_base"  # the full link a step's view gave when it arrived (step_params)


def step_params(place: Place, full: dict[str, str], arrived: bool) -> dict[str, str]:
    """A step's link as the address bar should show it: the step's own link (what the key press
    went to), plus only what the user changed since the step arrived. Then an untouched step
    keeps the address it was opened with, and each step is one entry of the browser's history
    (Streamlit pushes one whenever the address changes): the back button goes back one step."""
    if arrived or st.session_state.get(BASE, (None,))[0] != (place.name, place.n):
        st.session_state[BASE] = ((place.name, place.n), dict(full))
    base = st.session_state[BASE][1]
    own = link(place.name, place.n, place.step, place.study)
    out = {k: v for k, v in full.items() if k in own or base.get(k) != v}
    out.update({k: own[k] for k in PARAMS if k in own})
    return out


def go(name: str, n: int, study: bool):
    """Ask for step `n` of deck `name` (from a button or a key); the frame goes there."""
    st.session_state[GO] = (name, n, study)


def _switch(name: str, deck: decks.Deck, n: int, study: bool):
    n = min(max(n, 1), len(deck.steps))
    step = deck.steps[n - 1]
    st.switch_page(registry.REPO / registry.by_key(step.page).file,
                   query_params=link(name, n, step, study))


def follow(spec: registry.PageSpec) -> tuple[Place | None, bool]:
    """The deck this run is in (or None) and whether its step has just arrived (its view is to
    be applied as the whole view: the caller relinks the frame's settings and the page's)."""
    asked = st.session_state.pop(GO, None)
    if asked is not None and get(asked[0]) is not None:
        _switch(asked[0], get(asked[0]), asked[1], asked[2])
    name = st.query_params.get("deck")
    deck = get(name) if name else None
    if deck is None:
        return None, False
    try:
        n = min(max(int(st.query_params.get("step", "1")), 1), len(deck.steps))
    except ValueError:
        n = 1
    study = st.query_params.get("study") == "1"
    here = (name, n, study)
    arrived = st.session_state.get(AT) != here
    if arrived:
        st.session_state[AT] = here
        st.session_state[REVEALED] = False
        st.session_state.setdefault(PLACES, {})[name] = n
        if deck.steps[n - 1].page != spec.key:  # a link whose page is not its step's
            _switch(name, deck, n, study)
    return Place(name, deck, n, study, bool(st.session_state.get(REVEALED))), arrived


def _on_key():
    """The server's part of the keys: the next key on a question reveals its answer (deck.js
    sends only that; a key that changes step navigates in the browser)."""
    if (st.session_state.get(KEYS) or {}).get("action") == "next" and st.session_state.get(AT):
        st.session_state[REVEALED] = True


def _reveal():
    st.session_state[REVEALED] = True


# The lecture's keys, outline and local storage (deck.js; data as {"json": ...}, as ui.live sends
# it, so that Streamlit does not look for data frames in it)
_component = st.components.v2.component(
    "latent_lab_deck", html='<div class="ll-deck"></div>', css=".ll-deck { display: none; }",
    js=(registry.REPO / "ui" / "live" / "deck.js").read_text())


def targets(place: Place) -> dict[str, dict]:
    """Where each key goes from this step: the page's URL path and the step's query string. The
    browser goes there itself (deck.js: one entry of its history, as a link would make), and
    Streamlit runs that page with that link; the frame applies the step as it arrives."""
    total, out = len(place.deck.steps), {}
    for action, n in (("next", place.n + 1), ("back", place.n - 1), ("first", 1), ("last", total)):
        if 1 <= n <= total and n != place.n:
            step = place.deck.steps[n - 1]
            out[action] = {"path": registry.by_key(step.page).url_path,
                           "query": urlencode(link(place.name, n, step, place.study))}
    return out


def keys(place: Place | None, here: str = "", save: dict | None = None, want: tuple = ()):
    """The deck's keys, the outline on what its step points at, and the browser's local storage:
    `save` writes {name: text} there (None removes), `want` reads names back (`stored`). `here`
    is the running page's URL path."""
    look = place.step.look if place is not None and not place.hidden else None
    places = st.session_state.get(PLACES)
    save = dict(save or {})
    if places:
        save[STORE_PLACES] = json.dumps(places)
    data = {"keys": place is not None, "look": look, "save": save, "want": list(want), "here": here,
            "reveal": bool(place and place.hidden), "targets": targets(place) if place else {},
            "at": f"{place.name}:{place.n}:{int(place.hidden)}" if place else ""}
    _component(key=KEYS, data={"json": json.dumps(data)}, on_action_change=_on_key,
               on_stored_change=lambda: None)


def stored() -> dict | None:
    """What the browser's local storage held ({name: text or None}), once deck.js has read it."""
    value = (st.session_state.get(KEYS) or {}).get("stored")
    return value if isinstance(value, dict) else None


def restore(found: dict):
    """The lecturer's own deck and places from the browser, where the session has none."""
    text = found.get(STORE_OWN)
    if text:
        try:
            kept = decks.loads(text)
        except decks.DeckError:
            kept = None  # a deck of an older version: the My deck page imports files, and says why
        if kept is not None:  # steps added in this session before the browser answered go after
            mine = own()
            set_own(kept if mine is None else dataclasses.replace(kept, steps=(*kept.steps, *mine.steps)))
    try:
        places = json.loads(found.get(STORE_PLACES) or "{}")
    except ValueError:
        places = {}
    if isinstance(places, dict):
        mine = st.session_state.setdefault(PLACES, {})
        for name, n in places.items():
            if isinstance(name, str) and isinstance(n, int) and name not in mine:
                mine[name] = n


def to_store() -> dict:
    """What to keep in the browser: the lecturer's own deck (removed when there is none)."""
    deck = own()
    return {STORE_OWN: decks.dumps(deck) if deck is not None and deck.steps else None}


def add_view(spec: registry.PageSpec, params: dict):
    """"Add this view to my deck": the page and its link settings become a new step (in a
    callback: the run that follows keeps the deck in the browser too)."""
    view = {k: v for k, v in params.items() if k not in ("presenter", "slide", *PARAMS)}
    title_key, say_key = f"ll-add-title-{spec.key}", f"ll-add-say-{spec.key}"

    def add():
        title = (st.session_state.get(title_key) or "").strip() or spec.title
        say = (st.session_state.get(say_key) or "").strip() or spec.title + "."
        deck = own() or decks.Deck("My deck", ())
        set_own(dataclasses.replace(deck, steps=(*deck.steps, decks.Step(title, say, spec.key, view))))
        st.session_state["ll-added"] = (spec.key, len(own().steps))

    with st.popover("Add this view to my deck", icon=":material/playlist_add:",
                    use_container_width=True):
        st.text_input("Step title", spec.title, max_chars=decks.MAX_TITLE, key=title_key)
        st.text_area("What you will say (1-4 sentences)", max_chars=decks.MAX_SAY, key=say_key,
                     placeholder="Each dot is a test image …")
        st.button("Add to my deck", type="primary", icon=":material/add:", key="ll-add", on_click=add)
        added = st.session_state.get("ll-added")
        if added and added[0] == spec.key:
            st.success(f"Added as step {added[1]} of your deck (the My deck page).",
                       icon=":material/check:")


def plain(text: str) -> str:
    """A deck's text for st.markdown, shown as written: Markdown's and HTML's marks escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text or "")


def _esc(text: str) -> str:
    return html.escape(text or "")


LOOK_WORDS = {"map": "the map", "digit": "the decoded digit", "chart": "the chart",
              "slider": "the slider", "samples": "the samples", "controls": "the controls"}


def _progress(place: Place, label: str) -> str:
    total = len(place.deck.steps)
    return (f'<div class="ll-deck-progress" role="progressbar" aria-label="{label}" '
            f'aria-valuemin="1" aria-valuemax="{total}" aria-valuenow="{place.n}">'
            f'<div style="width:{100 * place.n / total:.1f}%"></div></div>')


def bar(place: Place):
    """Presenting: a band above the view in place of the page's heading (step counter, progress,
    the title and the narration, which "n" hides), so the view lays out below it and fills the
    rest of the screen; a predict step first shows its question there with the view hidden, and
    the next key press reveals. Everything a deck says is escaped: shown, never run."""
    s, total = place.step, len(place.deck.steps)
    look = f' <span class="ll-deck-look">Look at {LOOK_WORDS[s.look]}.</span>' if s.look else ""
    line = _esc(s.predict.reveal) if s.predict and place.revealed else _esc(s.say)
    parts = [_progress(place, "Lecture progress"),
             f'<div class="ll-deck-line" aria-live="polite"><b class="ll-deck-count">'
             f'{place.n} / {total}</b> <b class="ll-deck-title">{_esc(s.title)}</b> '
             f'<span class="ll-deck-say">{line}{look}</span></div>']
    if place.hidden:
        choices = "".join(f"<li>{_esc(c)}</li>" for c in s.predict.choices)
        parts.append(f'<div class="ll-deck-cover"><div class="ll-deck-question"><p>Predict</p>'
                     f'<h2>{_esc(s.predict.question)}</h2>{f"<ol>{choices}</ol>" if choices else ""}'
                     f'<p class="ll-deck-hint">Next key: the answer</p></div></div>')
    with st.container(key="ll-deck-bar"):
        st.html("".join(parts) + DECK_CSS)


def panel(place: Place):
    """Self-study: the narration beside the view (above it on a phone), the "try this" task,
    the predict question with its choices, and Back / Next."""
    s, total = place.step, len(place.deck.steps)
    with st.container(key="ll-deck-panel", border=True):
        st.html(_progress(place, "Progress")
                + f'<p class="ll-deck-count">{_esc(title(place.name))} · step {place.n} of {total}</p>'
                f'<h3>{_esc(s.title)}</h3><p>{_esc(s.say)}</p>'
                + (f'<p class="ll-deck-task"><b>Try this:</b> {_esc(s.try_this)}</p>' if s.try_this else "")
                + (f'<p>Look at {LOOK_WORDS[s.look]}.</p>' if s.look else "") + DECK_CSS)
        if s.predict is not None:
            _predict(place)
        back, nxt = st.columns(2)
        back.button("Back", icon=":material/arrow_back:", disabled=place.n == 1, use_container_width=True,
                    on_click=go, args=(place.name, place.n - 1, True), key="ll-deck-back")
        nxt.button("Next", icon=":material/arrow_forward:", disabled=place.n == total or place.hidden,
                   use_container_width=True, type="primary", on_click=go,
                   args=(place.name, place.n + 1, True), key="ll-deck-next")


def _predict(place: Place):
    p = place.step.predict
    st.html(f'<p class="ll-deck-q"><b>Predict:</b> {_esc(p.question)}</p>')
    guess = None
    if p.choices:
        guess = st.radio("Your guess", range(len(p.choices)), index=None,
                         format_func=lambda i: p.choices[i], key=f"ll-guess-{place.name}-{place.n}",
                         disabled=place.revealed)
    if not place.revealed:
        st.button("Check my guess" if p.choices else "Show me", on_click=_reveal,
                  disabled=bool(p.choices) and guess is None, key="ll-deck-reveal")
        return
    if p.choices:
        right = guess == p.answer
        verdict = "Right." if right else f"Not quite: the answer is “{p.choices[p.answer]}”."
        st.html(f'<p class="ll-deck-verdict">{_esc(verdict)}</p>')
    st.html(f'<p>{_esc(p.reveal)}</p>')


def hide_view():
    """A predict step before its reveal: the page is laid out (so the reveal is instant) but
    not shown; the deck's own band or panel stays visible."""
    st.html("<style>[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock'] > "
            ":not(:has(.st-key-ll-deck-bar, .st-key-ll-deck-panel)) { opacity: 0; pointer-events: none; }"
            "</style>")


DECK_CSS = """<style>
.st-key-ll-deck-bar { gap: 0; padding-left: 2.2rem; background: #fff; }  /* beside the sidebar's arrow */
/* on screen when the view scrolls: its wrapper sticks to the top of the main column */
[data-testid="stLayoutWrapper"]:has(> .st-key-ll-deck-bar)
  { position: sticky; top: 0; z-index: 10; background: #fff; }  /* under the header's arrow */
[data-testid="stMain"]:has(.st-key-ll-deck-bar) [data-testid="stHeading"]:has(h2) { display: none; }
.ll-deck-progress { height: 6px; background: #e6e8ee; border-radius: 3px; margin: 0.2rem 0 0.4rem; }
.ll-deck-progress div { height: 100%; background: #1f5fbf; border-radius: 3px; }
.ll-deck-line { font-size: 1rem; line-height: 1.35; color: #262730; display: -webkit-box;
  -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.ll-deck-title { font-size: 1.15rem; }
body.ll-no-narration .ll-deck-say { display: none; }
.ll-deck-count { color: #1f5fbf; margin-right: 0.4rem; }
.ll-deck-look { color: #8a4b00; }
.ll-deck-question { max-width: 60rem; padding: 2rem 0; }
.ll-deck-question p:first-child { color: #1f5fbf; font-weight: 700; text-transform: uppercase; }
.ll-deck-question h2 { font-size: 2.2rem; line-height: 1.25; }
.ll-deck-question ol { font-size: 1.6rem; } .ll-deck-hint { color: #555a66; }
.ll-look { outline: 5px solid #ff9f1c; outline-offset: 3px; border-radius: 6px; }
.st-key-ll-deck-panel h3 { font-size: 1.25rem; margin: 0.2rem 0; padding: 0; }
.st-key-ll-deck-panel .ll-deck-count { font-size: 0.85rem; margin: 0; }
.ll-deck-task { background: #fff6e0; border-left: 4px solid #ff9f1c; padding: 0.4rem 0.6rem; }
.ll-deck-verdict { font-weight: 700; }
@media (min-width: 1100px) {
  .st-key-ll-deck-panel { position: fixed; right: 1rem; top: 4rem; width: 330px; z-index: 999990;
    max-height: calc(100vh - 5rem); overflow-y: auto; background: #fff; }
  [data-testid="stMainBlockContainer"]:has(.st-key-ll-deck-panel) { padding-right: 370px !important; }
}
</style>"""


def problems(deck: decks.Deck) -> list[str]:
    """What stops this deck from being presented here, each named by step and field."""
    out = []
    pages = {p.key: p for p in registry.PAGES}
    for k, step in enumerate(deck.steps, 1):
        where = f"step {k}"
        spec = pages.get(step.page)
        if spec is None:
            out.append(f"{where}.page: {step.page!r} is not a page of this app "
                       f"(pages: {', '.join(pages)})")
            continue
        for name, value in step.view.items():
            if name not in registry.FRAME_PARAMS + spec.params:
                out.append(f"{where}.view.{name}: not a setting of the {spec.title} page "
                           f"(it reads {', '.join(registry.FRAME_PARAMS + spec.params)})")
            elif name == "model" and catalog.by_name(value) is None:
                out.append(f"{where}.view.model: {value!r} is not a model of this server")
            elif name == "dataset" and value not in catalog.DATASET_LABELS:
                out.append(f"{where}.view.dataset: {value!r} is not a data set of this app")
            elif name in ("presenter", "live") and value not in ("0", "1"):
                out.append(f"{where}.view.{name}: 0 or 1, not {value!r}")
            elif name in spec.params:  # the page's own: within the registry's widest range
                try:
                    spec.setting(name).parse(value)
                except urlstate.BadParam as e:
                    out.append(f"{where}.view.{name}: {e}")
        for text in decks.texts(step):
            try:
                decks.fill(text, catalog.figures_file)
            except KeyError as e:
                out.append(f"{where}: the figure {e.args[0]} is not in checkpoints/eval/")
    return out
