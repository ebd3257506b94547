"""Every outcome of every real flow, walked through the live walker (real Pyodide, real clicks).

Every outcome in each variant it can be shown (its set of recommendations), reached by the
shortest route the engine enumerates in CPython: the outcome, its urgency and exactly those
recommendations must appear. One page for all flows: the walker restarts between routes, so
Pyodide starts once per flow page, not once per route.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engine import Flow

from .conftest import FLOW_FILES, flow_path, wait_ready
from .walking import check_outcome, one_route_per_outcome, restart_live, walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Page

FLOW_IDS = [path.stem for path in FLOW_FILES]


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_every_outcome_is_reached_as_the_engine_enumerates(
    walker_page: Page, site_url: str, flows: dict[str, Flow], flow_id: str
) -> None:
    flow = flows[flow_id]
    page = walker_page
    page.goto(site_url + flow_path(flow_id))
    wait_ready(page)
    routes = one_route_per_outcome(flow)
    outcomes = {node.id for node in flow.nodes if node.kind == "outcome"}
    assert {route.outcome for route in routes} == outcomes
    for route in routes:
        restart_live(page, flow)
        walk_live(page, flow, route.steps)
        check_outcome(page, flow, route)
