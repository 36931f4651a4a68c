"""Lecture: choose a deck, present it with a clicker, or study it on your own."""

import streamlit as st

from ui import decks, frame, registry, settings

frame.context()
names = list(decks.builtins()) + ([decks.MINE] if decks.get(decks.MINE) else [])
SHOW = frame.setting("show").bound(options=tuple(names), default=names[0])
frame.declare(SHOW)

st.header("Lecture")
frame.intro(
    "A lecture on variational autoencoders that drives the app: each step opens a page with its "
    "settings, says what to look at, and sometimes asks the room to predict before it shows. "
    "**Present** fills the screen and steps with a presentation clicker; **Study on my own** "
    "keeps the words beside the view, with a task to try and questions that wait for your guess.")

name = settings.radio(SHOW, "Deck", format_func=decks.title, horizontal=True)
deck = decks.get(name)
reached = st.session_state.get(decks.PLACES, {}).get(name)
st.markdown(f"**{decks.plain(deck.title)}**: {len(deck.steps)} steps, "
            f"{sum(s.predict is not None for s in deck.steps)} of them ask the room to predict.")

c1, c2, c3 = st.columns(3)
c1.button("Present from step 1", icon=":material/co_present:", type="primary",
          use_container_width=True, on_click=decks.go, args=(name, 1, False))
c2.button("Study on my own", icon=":material/school:", use_container_width=True,
          on_click=decks.go, args=(name, reached or 1, True))
if reached and reached > 1:
    c3.button(f"Resume at step {reached}", icon=":material/resume:", use_container_width=True,
              on_click=decks.go, args=(name, reached, False))

with st.expander("Keys while presenting (a presentation clicker sends these)"):
    st.markdown(
        "| Key | Does |\n|---|---|\n"
        "| Page Down, →, Space | next step (on a question: the answer first) |\n"
        "| Page Up, ← | previous step |\n"
        "| Home / End | first / last step |\n"
        "| b or . | blank the screen (again: back) |\n"
        "| n | hide or show the narration line |\n\n"
        "The arrows and Space belong to a map or a slider while it has the focus (it moves the "
        "decoded point); Page Up and Page Down always step. The sidebar's arrow and the "
        "browser's back button leave the deck; the Lecture page resumes where you were.")

st.subheader("Steps")
st.markdown("| # | Step | Page |\n|---|---|---|\n" + "\n".join(
    f"| {n} | {decks.plain(step.title)}{' · *predict*' if step.predict else ''} | "
    f"{registry.by_key(step.page).title} |" for n, step in enumerate(deck.steps, 1)))
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
jump = c1.selectbox("Go to step", range(1, len(deck.steps) + 1), key=f"lecture_jump_{name}",
                    format_func=lambda n: f"{n}. {deck.steps[n - 1].title}")
c2.button("Present from here", use_container_width=True, on_click=lambda: decks.go(
    name, st.session_state[f"lecture_jump_{name}"], False))
