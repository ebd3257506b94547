"""The walker's pages show the derived review status too (issue 16): while a reader walks a flow
live, the page keeps its `data-review-status` element, and it never says "Last reviewed" without
a review record (the real site has none). The governance pages pass axe."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engine import Flow, enumerate_routes

from .test_accessibility import axe_violations, describe
from .walking import walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

STATUS = "[data-review-status]"


def test_the_live_walker_keeps_the_review_status(walker_page: Page, flows: dict[str, Flow]):
    flow = flows["back-spasm"]
    route = enumerate_routes(flow)[-1]
    assert walker_page.locator(STATUS).count() == 1
    walk_live(walker_page, flow, route.steps)
    status = walker_page.locator(STATUS)
    assert status.count() == 1 and status.is_visible()
    assert status.get_attribute("data-review-status") == "draft"
    assert "Draft: not yet clinically reviewed" in status.inner_text()
    assert "Last reviewed" not in walker_page.inner_text("body")


@pytest.mark.parametrize("path", ["safety/", "changes/"])
def test_the_governance_pages_have_no_axe_violations(browser: Browser, site_url: str, path: str):
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(site_url + path)
        assert describe(axe_violations(page)) == []
    finally:
        context.close()
