"""The walker's pages show the derived review status too (issue 16): while a reader walks a flow
live, the page keeps its `data-review-status` element, and it never says "Last reviewed" without
a review record (the real site has none)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import Flow, enumerate_routes

from .walking import walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Page

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
