"""My deck: the steps a lecturer added from the pages, to edit, reorder, present and share."""

import dataclasses

import streamlit as st

from ui import decks, frame, registry
from vae_core import deck as decklib

frame.context()
st.header("My deck")
frame.intro(
    "Your own lecture: on any page, **Add this view to my deck** (in the sidebar) keeps that page "
    "with its settings as a step. Here you write what you will say, put the steps in order, "
    "present them, and export the deck as a file to share; importing a file opens it in any "
    "browser. This browser keeps your deck between visits.")

deck = decks.own()


def replace(steps=None, fresh=True, **changes):
    d = decks.own()
    decks.set_own(dataclasses.replace(d, steps=tuple(d.steps if steps is None else steps), **changes))
    if fresh:  # new editors (new keys): the browser's old ones would keep showing the old order
        st.session_state["my-deck-v"] = st.session_state.get("my-deck-v", 0) + 1


def move(i: int, j: int):
    steps = list(decks.own().steps)
    steps.insert(j, steps.pop(i))
    replace(steps)


def edit(i: int, field: str, key: str):
    steps = list(decks.own().steps)
    steps[i] = dataclasses.replace(steps[i], **{field: st.session_state[key]})
    replace(steps, fresh=False)


def imported():
    f = st.session_state.get("my-deck-import")
    if f is None:
        return
    try:
        new = decklib.loads(f.getvalue())
    except decklib.DeckError as e:
        st.session_state["my-deck-problems"] = (f.name, e.problems)
        return
    found = decks.problems(new)
    if found:
        st.session_state["my-deck-problems"] = (f.name, found)
        return
    st.session_state.pop("my-deck-problems", None)
    decks.set_own(new)
    replace()


if deck is not None and deck.steps:
    c1, c2, c3 = st.columns(3)
    problems = decks.problems(deck)
    try:
        decklib.loads(decklib.dumps(deck))
    except decklib.DeckError as e:
        problems = e.problems + problems
    c1.button("Present", icon=":material/co_present:", type="primary", use_container_width=True,
              disabled=bool(problems), on_click=decks.go, args=(decks.MINE, 1, False), key="my-deck-present")
    c2.button("Study it", icon=":material/school:", use_container_width=True,
              disabled=bool(problems), on_click=decks.go, args=(decks.MINE, 1, True), key="my-deck-study")
    c3.download_button("Export the deck file", decklib.dumps(deck), "my-deck.toml",
                       mime="application/toml", icon=":material/download:", use_container_width=True)
    for p in problems:
        st.error(decks.plain(p), icon=":material/error:")
    v = st.session_state.get("my-deck-v", 0)
    st.text_input("Deck title", deck.title, max_chars=decklib.MAX_TITLE, key=f"my-deck-title-{v}",
                  on_change=lambda: replace(fresh=False, title=st.session_state[f"my-deck-title-{v}"]
                                            or "My deck"))
    for i, step in enumerate(deck.steps):
        with st.container(border=True):
            spec = registry.by_key(step.page)
            view = ", ".join(f"{k}={v}" for k, v in step.view.items()) or "its defaults"
            st.caption(f"Step {i + 1}: the {spec.title} page, {view}")
            st.text_input("Title", step.title, key=f"my-step-{v}-{i}-title", max_chars=decklib.MAX_TITLE,
                          on_change=edit, args=(i, "title", f"my-step-{v}-{i}-title"))
            st.text_area("Narration", step.say, key=f"my-step-{v}-{i}-say", max_chars=decklib.MAX_SAY,
                         on_change=edit, args=(i, "say", f"my-step-{v}-{i}-say"), height=80)
            b = st.columns(4)
            b[0].button("Up", icon=":material/arrow_upward:", key=f"up-{i}", disabled=i == 0,
                        on_click=move, args=(i, i - 1), use_container_width=True)
            b[1].button("Down", icon=":material/arrow_downward:", key=f"down-{i}",
                        disabled=i == len(deck.steps) - 1, on_click=move, args=(i, i + 1),
                        use_container_width=True)
            b[2].button("Duplicate", icon=":material/content_copy:", key=f"dup-{i}",
                        use_container_width=True,
                        on_click=lambda i=i: replace([*deck.steps[:i + 1], *deck.steps[i:]]))
            b[3].button("Delete", icon=":material/delete:", key=f"del-{i}", use_container_width=True,
                        on_click=lambda i=i: replace([*deck.steps[:i], *deck.steps[i + 1:]]))
else:
    st.info("Your deck is empty. Open a page, set it up, and press **Add this view to my deck** "
            "in the sidebar; or import a deck file below.", icon=":material/playlist_add:")

st.subheader("Import a deck file")
st.file_uploader("A deck file (.toml) exported from Latent Lab or written by hand", type=["toml"],
                 key="my-deck-import", on_change=imported)
if "my-deck-problems" in st.session_state:
    name, found = st.session_state["my-deck-problems"]
    st.error(f"{decks.plain(name[:60])} was not opened; your deck is unchanged. "
             + " ".join(f"{decks.plain(p)}." for p in found[:12])
             + (f" … and {len(found) - 12} more." if len(found) > 12 else ""), icon=":material/error:")
