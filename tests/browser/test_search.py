"""Search on a phone (usability review row 14): a drug name finds its dose first.

Material's own search (JavaScript on, the real index of the built site) in Chromium at 390x844:
"cyclobenzaprine" must put the Treatment page first, with its Cyclobenzaprine section and the
dose as the first thing shown, on the first screen; the algorithm's machinery (step pages, text
outlines, diagrams, the route review table, the authoring reference) is not in the list at all.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sitehelpers import search_ready

from .conftest import FLOW_FILES, flow_path
from .phone import PHONE

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MACHINERY_WORDS = ("outline", "diagram", "review", "authoring")
"""Text outlines, diagrams, the route review table, Writing flowcharts."""
DOSE = "5 mg three times a day"

SETTLED = """() => {
  const first = document.querySelector(".md-search-result__item");
  const section = first ? first.querySelectorAll("a")[1] : null;
  return Boolean(section && section.getAttribute("href").endsWith("#cyclobenzaprine"));
}"""
"""The list shows the whole word's results (its first page's Cyclobenzaprine section)."""

READ_RESULTS = """() => {
  const pages = [...document.querySelectorAll(".md-search-result__item > a")].map((a) => a.href);
  const first = document.querySelector(".md-search-result__item");
  const section = first ? first.querySelectorAll("a")[1] : null;
  const rect = section ? section.getBoundingClientRect() : null;
  return {
    pages,
    href: section ? section.getAttribute("href") || "" : "",
    text: section ? section.innerText : "",
    box: rect && rect.width > 0 && rect.height > 0 ? { y: rect.y } : null,
  };
}"""
"""The result pages, and the first result's first section: its link, text and place."""


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
        # Material re-renders the list as each key's query comes back from its worker: read the
        # list once it shows the whole word's results, and in one go (no element goes stale).
        with contextlib.suppress(PlaywrightTimeoutError):  # the assertions say what is shown
            page.wait_for_function(SETTLED, timeout=30_000)
        shown = page.evaluate(READ_RESULTS)
    finally:
        context.close()
    pages, href, text, box = shown["pages"], shown["href"], shown["text"], shown["box"]
    dose_at = text.find(DOSE)
    assert "/treatment/" in pages[0], pages
    assert href.endswith("#cyclobenzaprine"), f"first section shown: {href}"
    assert 0 <= dose_at < 120, f"the dose is not the first thing shown: {text[:200]!r}"
    assert box is not None and box["y"] + 100 < PHONE["viewport"]["height"], box
    assert not [url for url in pages if is_machinery(url, site_url)], pages
