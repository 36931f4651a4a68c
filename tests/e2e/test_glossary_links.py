"""A word's glossary link, in Chromium: it opens the glossary in a new tab at that word's entry
(the link's anchor; Streamlit scrolls to it, usually), and the page the student was on stays."""

from urllib.parse import urlparse

from benchmarks.harness import new_context, open_page, page_urls


def test_a_glossary_link_opens_its_entry_in_a_new_tab(browser, app_url):
    ctx = new_context(browser, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    open_page(page, page_urls(app_url)["loss_terms"])
    link = page.locator("a[href='glossary#kl']").first
    with ctx.expect_page() as opened:
        link.click()
    entry = opened.value
    heading = entry.locator("#kl")
    heading.wait_for(timeout=60_000)
    assert entry.url.endswith("/glossary#kl") and "KL divergence" in heading.inner_text()
    assert urlparse(page.url).path == "/loss_terms"  # the lesson stays open where it was
    ctx.close()
