"""Lecture decks as data: a good deck loads and round-trips; every bad one is refused with its
problems named by step and field, and nothing in it is ever run."""

import pytest

from vae_core.deck import MAX_BYTES, MAX_STEPS, Deck, DeckError, Predict, Step, dumps, fill, loads
from vae_core.deck import figures as deck_figures

GOOD = '''
title = "VAEs in 10 minutes"

[[steps]]
title = "Every test digit, placed by its code"
say = "Each dot is a test image where the encoder puts it. Colours are classes."
page = "latent_map"
view = { model = "mnist_vae_2d", zoom = "-1,1,-1,1" }
look = "map"
try = "Move the pointer into the gap between the 4s and the 9s."

[[steps]]
title = "Random codes"
say = "Draw z from N(0, I) and decode it."
page = "ae_vs_vae"

[steps.predict]
question = "What will the autoencoder draw from random codes?"
choices = ["Digits as good as the VAE's", "Fewer readable digits"]
answer = 1
reveal = "Fewer: its codes do not fill the prior."
'''


def test_a_deck_loads_with_every_field():
    deck = loads(GOOD)
    assert deck.title == "VAEs in 10 minutes" and len(deck.steps) == 2
    first, second = deck.steps
    assert first.view == {"model": "mnist_vae_2d", "zoom": "-1,1,-1,1"} and first.look == "map"
    assert first.try_this.startswith("Move the pointer") and first.predict is None
    assert second.predict == Predict("What will the autoencoder draw from random codes?",
                                     "Fewer: its codes do not fill the prior.",
                                     ("Digits as good as the VAE's", "Fewer readable digits"), 1)


def test_a_deck_survives_the_round_trip_through_its_file():
    deck = loads(GOOD)
    assert loads(dumps(deck)) == deck
    tricky = Deck('A "quoted" title \\ with a backslash', (Step(
        "<script>alert(1)</script>", "Line one.\nLine two: ünïcödé, 'quotes' and \"more\".",
        "sliders", {"z": "0.5,-1"}),))
    assert loads(dumps(tricky)) == tricky  # markup is kept as text, exactly


BAD = {
    "not TOML": ("this is [not toml", "not a deck: not TOML"),
    "not UTF-8": (b"\xff\xfe title", "not a deck: not UTF-8"),
    "no steps": ('title = "x"', "steps: missing"),
    "missing title": ('[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"', "title: missing"),
    "step without a title": ('title = "x"\n[[steps]]\nsay = "s."\npage = "p"', "step 1.title: missing"),
    "empty narration": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = " "\npage = "p"', "step 1.say: empty"),
    "five sentences": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = "A. B. C. D. E."\npage = "p"',
                       "step 1.say: 5 sentences"),
    "a number for a title": ('title = 3\n[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"',
                             "title: not text (int)"),
    "a view that is not a table": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"\n'
                                   'view = "model=mnist"', "step 1.view: not a table"),
    "a huge setting": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"\nview = { z = "'
                       + "1," * 400 + '" }', "step 1.view.z: 800 characters"),
    "an unknown place to look": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"\n'
                                 'look = "ceiling"', "step 1.look: 'ceiling' is not one of"),
    "an answer out of range": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"\n'
                               '[steps.predict]\nquestion = "q"\nreveal = "r"\nchoices = ["a", "b"]\n'
                               'answer = 2', "step 1.predict.answer: the index of one of the 2"),
    "an unknown field": ('title = "x"\n[[steps]]\ntitle = "t"\nsay = "s."\npage = "p"\nrun = "rm -rf"',
                         "step 1: unknown fields run"),
    "5 MB": ('title = "x"\n# ' + "x" * 5_000_000, f"a deck is at most {MAX_BYTES:,}"),
    "a thousand steps": ('title = "x"\n' + '[[steps]]\n' * 1_000, f"at most {MAX_STEPS}"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_deck_is_refused_with_its_problem_named(case):
    text, said = BAD[case]
    with pytest.raises(DeckError) as e:
        loads(text)
    assert any(said in p for p in e.value.problems), e.value.problems


def test_every_problem_of_a_deck_is_reported_at_once():
    text = 'title = ""\n[[steps]]\ntitle = "t"\npage = "p"\n[[steps]]\nsay = "s."\npage = "p"'
    with pytest.raises(DeckError) as e:
        loads(text)
    assert e.value.problems == ["title: empty", "step 1.say: missing", "step 2.title: missing"]


def test_figures_in_the_words_come_from_their_files():
    files = {"contrast_mnist": {"pairs": {"16": {"vae": {"prior": {"confident": 0.6641}}}},
                                "shares": [0.1, 0.25]}}.__getitem__
    text = "A VAE draws a confident digit {contrast_mnist:pairs.16.vae.prior.confident:.0%} of the time."
    assert deck_figures(text) == [("contrast_mnist", "pairs.16.vae.prior.confident", ".0%")]
    assert fill(text, files) == "A VAE draws a confident digit 66% of the time."
    assert fill("{contrast_mnist:shares.1:.2f} and {{not a figure}}", files) == "0.25 and {{not a figure}}"
    for bad in ("{contrast_mnist:pairs.2.vae:.0%}", "{contrast_mnist:pairs:.0%}", "{nope:x}"):
        with pytest.raises(KeyError):
            fill(bad, files)
