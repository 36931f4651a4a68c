"""The page registry: every page file exists, in a sub-folder of pages/, under a unique URL."""

from helpers import REPO

from ui import registry


def test_every_page_is_a_file_in_a_sub_folder_of_pages():
    for p in registry.PAGES:
        path = REPO / p.file
        assert path.is_file() and path.parent.parent == REPO / "pages", p.file
    # nothing else in pages/: only the registered scripts, and none directly in pages/
    scripts = {str(f.relative_to(REPO)) for f in (REPO / "pages").rglob("*.py")}
    assert scripts == {p.file for p in registry.PAGES}
    assert not list((REPO / "pages").glob("*.py"))  # Streamlit's legacy mode lists pages/*.py


def test_urls_are_unique_and_one_page_is_the_default():
    assert len({p.key for p in registry.PAGES}) == len(registry.PAGES)
    assert [p.key for p in registry.PAGES if p.default] == ["latent_map"]
    assert registry.by_key("posterior").url_path == "posterior"
