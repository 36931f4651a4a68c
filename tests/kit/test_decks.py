"""A deck is checked against this app: pages, their settings (within the registry's ranges),
models and figures; the built-in decks pass and quote no number of their own; and the registry's
list of each page's link settings is what the page really writes."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from ui import decks, registry
from vae_core.deck import loads

APP = str(registry.REPO / "app.py")


def deck(**step):
    fields = {"title": "t", "say": "s.", "page": "latent_map", **step}
    view = fields.pop("view", {})
    body = "\n".join(f'{k} = "{v}"' for k, v in fields.items())
    table = ", ".join(f'{k} = "{v}"' for k, v in view.items())
    return loads(f'title = "x"\n[[steps]]\n{body}\nview = {{ {table} }}\n')


BUILT_IN = sorted((registry.REPO / "lectures").glob("*.toml"))


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda p: p.stem)
def test_a_built_in_deck_can_be_presented_here(path):
    assert decks.problems(loads(path.read_text())) == []


def test_the_lecture_follows_the_arc_of_a_45_minute_lecture_and_the_short_deck_is_short():
    full, short = decks.builtins()["vae45"], decks.builtins()["vae10"]
    assert 18 <= len(full.steps) <= 30 and sum(s.predict is not None for s in full.steps) >= 4
    assert 5 <= len(short.steps) <= 8
    pages = [s.page for s in full.steps]  # the arc: AE before the VAE, KL ablations, the replay
    assert pages.index("ae_vs_vae") < pages.index("posterior") < pages.index("loss_terms") \
        < pages.index("manifold") < pages.index("replay") < pages.index("denoising", 5)
    assert {s.look for s in full.steps} >= {"map", "samples", "chart", "slider"}


# Numbers a narration may say in its own words: names of models, sizes and settings, and the
# definition of a percentile; anything measured comes as a {file:path:format} figure.
NAMED = re.compile(r"\b(?:2-D|16-D|20-D|N\(0, I\)|784-pixel|10,000 test|500 random|β = (?:0\.5|1|4)|"
                   r"99th|99%|two|a 1 to a 7|20 numbers|0\.5 is chance|1 is perfect|in 45 minutes|"
                   r"in 10 minutes|of 0\b|z1\b|z2\b|a 4 that looks a little like a 9)")


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda p: p.stem)
def test_every_measured_number_in_a_built_in_deck_comes_from_a_figures_file(path):
    from vae_core.deck import FIGURE, texts

    deck = loads(path.read_text())
    for k, step in enumerate(deck.steps, 1):
        for text in [deck.title, *texts(step)]:
            bare = NAMED.sub(" ", FIGURE.sub(" ", text))
            assert not re.search(r"\d", bare), f"step {k}: a number typed in: {bare!r}"


@pytest.mark.parametrize("step, said", [
    ({"page": "nowhere"}, "step 1.page: 'nowhere' is not a page of this app"),
    ({"view": {"steps": "12"}}, "step 1.view.steps: not a setting of the Latent map page"),
    ({"view": {"model": "mnist_gan"}}, "step 1.view.model: 'mnist_gan' is not a model"),
    ({"view": {"presenter": "yes"}}, "step 1.view.presenter: 0 or 1"),
    ({"page": "posterior", "view": {"k": "99"}}, "step 1.view.k: "),
    ({"page": "loss_terms", "view": {"beta": "β = 7"}}, "step 1.view.beta: 'β = 7' is not one of"),
    ({"page": "sliders", "view": {"z": "1,x"}}, "step 1.view.z: "),
    ({"say": "{contrast_mnist:pairs.3.vae:.0%}."}, "the figure contrast_mnist:pairs.3.vae is not"),
])
def test_a_step_this_app_cannot_show_is_named(step, said):
    assert any(said in p for p in decks.problems(deck(**step)))


@pytest.mark.parametrize("spec", [p for p in registry.PAGES], ids=lambda p: p.key)
def test_the_registry_lists_every_link_setting_a_page_writes(spec):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    if not spec.default:
        at.switch_page(spec.file).run()
    assert not at.exception
    written = set(at.query_params) - set(registry.FRAME_PARAMS)
    assert written <= set(spec.params), written - set(spec.params)


def test_the_readme_example_deck_is_a_complete_deck_this_app_presents():
    text = (registry.REPO / "README.md").read_text()
    example = re.search(r"### Writing a deck.*?```toml\n(.*?)```", text, re.S).group(1)
    deck = loads(example)
    assert len(deck.steps) == 2 and deck.steps[1].predict.answer == 1
    assert decks.problems(deck) == []
    assert "%" in decks.filled(deck).steps[1].predict.reveal  # its figures resolve
