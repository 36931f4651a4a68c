"""The Lecture under AppTest, through the frame: every step of both built-in decks renders with
its view applied and its place in the link; a step that arrives replaces the whole view; a
predict step hides its view until the reveal; a deck's words are shown as text, never run; the
lecturer's own deck gets views from any page and is presented like a built-in one."""

import dataclasses

import pytest
from helpers import REPO
from streamlit.testing.v1 import AppTest

from ui import decks
from ui.registry import by_key
from vae_core.deck import Deck, Predict, Step

APP = str(REPO / "app.py")
STEPS = [(name, n) for name, deck in decks.builtins().items() for n in range(1, len(deck.steps) + 1)]


def param(at, name):
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) else v


def band(at) -> str:
    """The deck's band or panel as the page has it (HTML)."""
    return " ".join(h.value for h in at.get("html") if "ll-deck" in h.value)


def present(name: str, n: int, study: bool = False, **state) -> AppTest:
    """Open step `n` by its link, as a key press, the back button or a reopened link does."""
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in state.items():
        at.session_state[k] = v
    deck = state[decks.OWN] if name == decks.MINE else decks.builtins()[name]
    step = deck.steps[n - 1]
    for k, v in decks.link(name, n, step, study).items():
        at.query_params[k] = v
    at.run()
    if by_key(step.page).file != "pages/explore/latent_map.py":
        at.switch_page(by_key(step.page).file).run()
    return at


@pytest.mark.parametrize("name, n", STEPS, ids=[f"{a}-{b}" for a, b in STEPS])
def test_every_step_of_the_built_in_decks_shows_its_page_with_its_view(name, n):
    deck = decks.builtins()[name]
    step = deck.steps[n - 1]
    at = present(name, n)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]  # no link setting refused
    assert param(at, "deck") == name and param(at, "step") == str(n)
    for k, v in step.view.items():  # the view is applied, and the link writes it back
        assert param(at, k) == v, k
    assert f"{n} / {len(deck.steps)}" in band(at)
    assert (step.predict is not None) == ('class="ll-deck-cover"' in band(at))


def test_a_step_that_arrives_replaces_the_whole_view():
    at = present("vae45", 15)  # β = 4 on the loss-terms page
    assert at.session_state["loss_beta"] == "β = 4"
    at.session_state["loss_seed"] = 7  # the lecturer pressed "another sample" …
    at.session_state[decks.GO] = ("vae45", 14, False)  # … then the clicker: the next step back
    at.run()
    assert param(at, "step") == "14" and at.session_state["loss_beta"] == "β = 1 (the VAE)"
    assert at.session_state["loss_seed"] == 0  # what the step's link leaves out goes to its default
    at.session_state[decks.GO] = ("vae45", 16, False)  # a step on another page
    at.run()
    assert param(at, "step") == "16" and param(at, "grid") == "gaussian"
    assert "16 / 24" in band(at) and not at.exception


def test_a_predict_step_hides_its_view_until_the_reveal_then_says_the_answer():
    at = present("vae45", 6)
    step = decks.builtins()["vae45"].steps[5]
    assert 'class="ll-deck-cover"' in band(at) and step.predict.question in band(at)
    assert any("opacity: 0" in h.value for h in at.get("html"))
    at.session_state[decks.REVEALED] = True  # the next key press
    at.run()
    assert 'class="ll-deck-cover"' not in band(at)
    assert not any("opacity: 0" in h.value for h in at.get("html"))
    assert step.predict.reveal.split(":")[0] in band(at)


def test_self_study_waits_for_a_guess_and_says_whether_it_was_right():
    at = present("vae45", 6, study=True)
    step = decks.builtins()["vae45"].steps[5]
    check = at.button(key="ll-deck-reveal")
    assert check.disabled and at.button(key="ll-deck-next").disabled
    at.radio(key="ll-guess-vae45-6").set_value(0).run()  # the wrong choice
    at.button(key="ll-deck-reveal").click().run()
    said = " ".join(h.value for h in at.get("html"))
    assert "Not quite" in said and step.predict.choices[step.predict.answer] in said
    assert not at.button(key="ll-deck-next").disabled
    at.button(key="ll-deck-next").click().run()
    assert param(at, "step") == "7" and param(at, "study") == "1"


def test_a_decks_words_are_shown_as_text_never_run():
    bad = "<script>alert(1)</script> <img src=x onerror=alert(2)> **bold**"
    mine = Deck("Mine", (Step("A <b>title</b>", bad, "latent_map",
                              predict=Predict("Is <i>this</i> run?", "No.")),))
    at = present(decks.MINE, 1, **{decks.OWN: mine})
    html = band(at)
    assert "<script>" not in html and "<img src=x" not in html and "<b>title" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;title&lt;/b&gt;" in html


def test_add_this_view_then_present_my_deck():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "mnist_vae_16d"
    at.run()
    at.text_area(key="ll-add-say-latent_map").set_value("Sixteen numbers, seen through two.")
    at.button(key="ll-add").click().run()
    at.switch_page(by_key("sliders").file).run()
    at.button(key="ll-add").click().run()
    mine = at.session_state[decks.OWN]
    assert [s.page for s in mine.steps] == ["latent_map", "sliders"]
    assert mine.steps[0].view["model"] == "mnist_vae_16d" and mine.steps[0].say.startswith("Sixteen")
    assert "presenter" not in mine.steps[0].view and "deck" not in mine.steps[0].view
    at.switch_page(by_key("my_deck").file).run()
    at.button(key="down-0").click().run()  # reorder
    assert [s.page for s in at.session_state[decks.OWN].steps] == ["sliders", "latent_map"]
    v = at.session_state["my-deck-v"]
    at.text_input(key=f"my-step-{v}-1-title").set_value("Two of sixteen").run()
    assert at.session_state[decks.OWN].steps[1].title == "Two of sixteen"
    at.button[0].click().run()  # Present
    assert param(at, "deck") == decks.MINE and "1 / 2" in band(at) and not at.exception


def test_a_link_to_my_deck_in_a_browser_without_it_says_so_and_keeps_the_link():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(deck=decks.MINE, step="2")
    at.session_state["_deck_restored"] = True  # the browser's storage was read: nothing there
    at.run()
    assert any("does not have it" in w.value for w in at.warning)
    assert param(at, "deck") == decks.MINE and param(at, "step") == "2"


def test_dataclass_steps_round_trip_through_the_page_links():
    step = dataclasses.replace(decks.builtins()["vae45"].steps[9])
    link = decks.link("vae45", 10, step, False)
    assert link == {**step.view, "presenter": "1", "deck": "vae45", "step": "10"}
    assert decks.link("vae45", 10, step, True) == {**step.view, "deck": "vae45", "step": "10", "study": "1"}
