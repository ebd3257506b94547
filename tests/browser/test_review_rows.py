"""Usability review rows 12, 13 and 15 (outline) on a 390x844 phone, JavaScript on and off.

Row 13: the home page has its Start button on the first screen, and the algorithm page shows the
entry-flow choice and the first step's heading on it. Row 12: no "Back to top" pill on algorithm
pages and no sideways scrolling (the answers list's numbers were cut off at the left edge).
Row 15: the text outline has a table of contents and folds each outcome's detail, so it is no
longer dozens of phone screens long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .conftest import READY, flow_path
from .phone import PHONE

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SCREEN = PHONE["viewport"]["height"]
OUTLINE_SCREENS = 50
"""The main flow's outline was 46 phone screens at the review and 90 before its detail was folded
(it holds twice the content now); folded, about 47."""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_start_entry_choice_pill_and_outline_on_a_phone(
    browser: Browser, site_url: str, javascript: bool
) -> None:
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(site_url)
        start = page.locator(".home-start a.md-button").bounding_box()
        page.goto(site_url + flow_path("back-spasm"))
        if javascript:
            page.wait_for_selector(READY, timeout=90_000)
        entries = page.locator(".flow-entries").bounding_box()
        heading = page.locator("#walker h2").first.bounding_box()
        if javascript:
            page.tap('#walker button[data-choice="adult"]')
            page.wait_for_selector("#walker form.checklist")
            page.evaluate("window.scrollTo(0, 2000)")
            page.evaluate("window.scrollTo(0, 1000)")  # Material shows its pill on scrolling up
        pill = page.locator(".md-top").is_visible()
        sideways = page.evaluate("document.documentElement.scrollWidth > innerWidth")
        page.goto(site_url + flow_path("back-spasm") + "outline/")
        outline_height = page.evaluate("document.documentElement.scrollHeight")
        toc = page.locator("nav.outline-toc a").count()
    finally:
        context.close()
    assert start is not None and start["y"] + start["height"] <= SCREEN, start
    assert entries is not None and entries["y"] + entries["height"] <= SCREEN, entries
    assert heading is not None and heading["y"] + heading["height"] <= SCREEN, heading
    assert not pill, "the Back to top pill is shown on an algorithm page"
    assert not sideways, "the algorithm page scrolls sideways on a phone"
    assert toc >= 10, f"the outline's table of contents has {toc} entries"
    assert outline_height <= OUTLINE_SCREENS * SCREEN, f"outline {outline_height} px tall"
