"""Share links as they arrive after being pasted into text (review 2026-12, #12).

A trailing full stop, closing bracket or (encoded) space simply works, and the address bar gets
the link as the site writes it. Anything else that is not a token (a space inside it, more than
4,096 characters) gets the same notice as every other damaged link, never silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engine import Flow, encode_token, enumerate_routes, view
from engine.walk import State

from .conftest import MAIN_FLOW, flow_path, wait_ready
from .walking import wait_step

if TYPE_CHECKING:
    from playwright.sync_api import Page


def a_token(flows: dict[str, Flow]) -> tuple[Flow, State, str]:
    """A state two answers in on the main flow, and its token."""
    flow = flows[MAIN_FLOW]
    route = next(r for r in enumerate_routes(flow) if len(r.steps) >= 3)
    state = State(flow.id, flow.version, tuple(s.choice for s in route.steps[:2]))
    return flow, state, encode_token(flow, state)


@pytest.mark.parametrize("junk", [".", ")", "%20", ").", "%E2%80%9D"])
def test_trailing_punctuation_or_space_is_dropped_and_the_link_works(
    walker_page: Page, site_url: str, flows: dict[str, Flow], junk: str
) -> None:
    flow, state, token = a_token(flows)
    page = walker_page
    page.goto("about:blank")
    page.goto(site_url + flow_path(MAIN_FLOW) + "#" + token + junk)
    wait_ready(page)
    assert page.get_attribute("#walker", "data-token") == token
    wait_step(page, view(flow, state).node.id)
    assert page.locator("#walker .walker-notice").count() == 0
    assert page.url == site_url + flow_path(MAIN_FLOW) + "#" + token


@pytest.mark.parametrize("kind", ["space-inside", "too-long"])
def test_other_malformed_links_get_the_notice(
    walker_page: Page, site_url: str, flows: dict[str, Flow], kind: str
) -> None:
    flow, _, token = a_token(flows)
    fragment = token[:4] + "%20" + token[4:] if kind == "space-inside" else token + "A" * 4100
    page = walker_page
    page.goto("about:blank")
    page.goto(site_url + flow_path(MAIN_FLOW) + "#" + fragment)
    wait_ready(page)
    notice = page.locator("#walker .walker-notice")
    assert "could not be opened" in notice.inner_text()
    assert page.get_attribute("#walker", "data-token") == "start"
    wait_step(page, flow.start)
    assert page.url == site_url + flow_path(MAIN_FLOW)  # the bad fragment is gone
