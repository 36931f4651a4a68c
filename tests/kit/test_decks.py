"""A deck is checked against this app: pages, their settings, models and figures; and the
registry's list of each page's link settings is what the page really writes."""

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


def test_the_built_in_short_deck_can_be_presented_here():
    text = (registry.REPO / "lectures" / "vae10.toml").read_text()
    assert decks.problems(loads(text)) == []


@pytest.mark.parametrize("step, said", [
    ({"page": "nowhere"}, "step 1.page: 'nowhere' is not a page of this app"),
    ({"view": {"steps": "12"}}, "step 1.view.steps: not a setting of the Latent map page"),
    ({"view": {"model": "mnist_gan"}}, "step 1.view.model: 'mnist_gan' is not a model"),
    ({"view": {"presenter": "yes"}}, "step 1.view.presenter: 0 or 1"),
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
