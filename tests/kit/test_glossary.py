"""The glossary: every word the issue's student met undefined has an entry, and a page's text
links a term's first use to it (and only the first, and never inside code, links or formulas)."""

import re

import pytest
from helpers import REPO
from streamlit.testing.v1 import AppTest

from ui import glossary
from ui.registry import PAGES, by_key

REQUIRED = ["judge", "nats", "bits", "ELBO", "KL", "reconstruction", "Fréchet", "IWAE", "prior",
            "posterior", "codes", "μ", "σ", "test set"]


def test_every_required_term_has_one_entry():
    forms = {f for t in glossary.TERMS for f in t.forms}
    assert set(REQUIRED) <= forms
    anchors = [t.anchor for t in glossary.TERMS]
    assert len(anchors) == len(set(anchors)) and all(re.fullmatch(r"[a-z-]+", a) for a in anchors)


def test_link_links_each_term_once_per_page_and_leaves_code_links_and_formulas_alone():
    used = set()
    text = glossary.link("The `KL` term: KL and KL again; [prior](elsewhere) then the prior; "
                         "$\\sigma$.", used)
    assert text == ("The `KL` term: [KL](glossary#kl) and KL again; [prior](elsewhere) then the "
                    "[prior](glossary#prior); $\\sigma$.")
    assert glossary.link("the KL, a posterior", used) == "the KL, a [posterior](glossary#posterior)"
    assert glossary.link("codes and latent_dim", set()) == "[codes](glossary#latent) and latent_dim"


def linked_and_used(at) -> tuple[set, set]:
    """The glossary entries a page links, and those whose words its paragraphs use."""
    text = " ".join(m.value for m in at.markdown if not m.value.startswith(("|", "<")))
    links = set(re.findall(r"\]\(glossary#([\w-]+)\)", text))
    plain = re.sub(r"`[^`]*`|\[[^\]]*\]\([^)]*\)|\$[^$]*\$", " ", text)
    used = {t.anchor for t in glossary.TERMS for f in t.forms
            if re.search(rf"(?<![\w/#-]){re.escape(f)}(?!\w)", plain)}
    return links, used


@pytest.mark.parametrize("key", [p.key for p in PAGES if p.key not in ("glossary", "train")])
def test_a_page_links_every_glossary_word_it_uses(key):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params["live"] = "0"
    at.run()
    at.switch_page(by_key(key).file).run()
    assert not at.exception
    links, used = linked_and_used(at)
    assert used - links == set(), f"{key} uses these words unlinked"


def test_the_glossary_page_shows_every_entry_with_its_anchor_and_the_judges_measured_accuracy():
    import json

    from helpers import CHECKPOINTS

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(by_key("glossary").file).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [t.name for t in glossary.TERMS]
    assert [s.proto.anchor for s in at.subheader] == [t.anchor for t in glossary.TERMS]
    accuracy = json.loads((CHECKPOINTS / "eval" / "mnist_judge.json").read_text())["test"]["accuracy"]
    assert any(f"{accuracy:.2%} right on the test set" in m.value for m in at.markdown)
