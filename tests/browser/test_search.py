"""Search on a phone (usability review row 14): a drug name finds its dose first.

Material's own search (JavaScript on, the real index of the built site) in Chromium at 390x844:
"cyclobenzaprine" must put the Treatment page first, with its Cyclobenzaprine section and the
dose as the first thing shown, on the first screen; the algorithm's machinery (step pages, text
outlines, diagrams, the route review table, the authoring reference) is not in the list at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sitehelpers import search_ready

from .conftest import FLOW_FILES, flow_path
from .phone import PHONE

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MACHINERY_WORDS = ("outline", "diagram", "review", "authoring")
"""Text outlines, diagrams, the route review table, Writing flowcharts."""
DOSE = "5 mg three times a day"


def is_machinery(url: str, site_url: str) -> bool:
    """One of MACHINERY_WORDS' pages, or an algorithm page that is not a flow's start page (a
    step page, /algorithm/<token>/)."""
    path = urlsplit(url).path.removeprefix(urlsplit(site_url).path)
    starts = {flow_path(file.stem) for file in FLOW_FILES}
    if any(word in path for word in MACHINERY_WORDS):
        return True
    return path.startswith("algorithm/") and path not in starts


def test_a_drug_name_finds_its_dose_first_on_a_phone(browser: Browser, site_url: str) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(site_url)
        search_ready(page)
        page.click("label.md-header__button[for=__search]")
        page.keyboard.type("cyclobenzaprine")
        page.wait_for_selector(".md-search-result__item", timeout=60_000)
        pages = page.eval_on_selector_all(
            ".md-search-result__item > a", "links => links.map(link => link.href)"
        )
        first = page.locator(".md-search-result__item").first
        section = first.locator("a").nth(1)
        href = section.get_attribute("href") or ""
        text = section.inner_text()
        box = section.bounding_box()
        dose_at = text.find(DOSE)
    finally:
        context.close()
    assert "/treatment/" in pages[0], pages
    assert href.endswith("#cyclobenzaprine"), f"first section shown: {href}"
    assert 0 <= dose_at < 120, f"the dose is not the first thing shown: {text[:200]!r}"
    assert box is not None and box["y"] + 100 < PHONE["viewport"]["height"], box
    assert not [url for url in pages if is_machinery(url, site_url)], pages
