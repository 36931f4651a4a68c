"""axe-core (4.12, bundled by axe-playwright-python, injected by Playwright) on every page once it
has settled: no critical or serious WCAG 2.1 A/AA violation. None is excused: the sidebar is
drawn with st.page_link (no list markup of Streamlit's own), and every instruction is body text,
never caption grey (#828180 on white is 3.88:1)."""

import pytest

from benchmarks.harness import open_page, page_urls

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("name", list(page_urls("")))
def test_no_serious_accessibility_violation(page, app_url, name):
    from axe_playwright_python.sync_playwright import Axe

    open_page(page, page_urls(app_url)[name], 120_000)
    page.wait_for_timeout(300)  # the components' first paint
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert result.response["testEngine"]["version"].startswith("4.")
    bad = [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"]][:3])
           for v in result.response["violations"] if v["impact"] in ("critical", "serious")]
    assert not bad, bad


DECK_VIEWS = {  # a lecture's step presenting, its question, and two in self-study
    "present-map": "/?model=mnist_vae_2d&presenter=1&deck=vae45&step=1",
    "present-question": "/ae_vs_vae?pair=16&presenter=1&deck=vae45&step=6",
    "study-question": "/ae_vs_vae?pair=16&deck=vae45&step=6&study=1",
    "study-sliders": "/sliders?model=mnist_vae_2d&deck=vae45&step=2&study=1",
    "lecture": "/lecture",
    "my-deck": "/my_deck",
}


@pytest.mark.parametrize("name", list(DECK_VIEWS))
def test_no_serious_accessibility_violation_in_a_lecture(page, app_url, name):
    from axe_playwright_python.sync_playwright import Axe

    open_page(page, app_url + DECK_VIEWS[name], 120_000)
    page.wait_for_timeout(300)
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    bad = [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"]][:3])
           for v in result.response["violations"] if v["impact"] in ("critical", "serious")]
    assert not bad, bad
