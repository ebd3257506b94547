"""Every outcome of every real flow, walked through the live walker (real Pyodide, real clicks).

Every outcome in each variant it can be shown (its set of recommendations), reached by the
shortest route the engine enumerates in CPython: the outcome, its urgency and exactly those
recommendations must appear. One page for all flows, Pyodide started once per flow page: from
one route to the next the walker goes Back to the steps they share and on from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engine import Flow

from .conftest import FLOW_FILES, flow_path, wait_ready
from .walking import (
    back_live,
    check_outcome,
    one_route_per_outcome,
    restart_live,
    shared_steps,
    walk_live,
)

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
    restart_live(page, flow)
    previous = None
    for route in routes:
        shared = 0
        if previous is not None:
            # Back to the last step both routes share (Back is under test too), then onwards.
            shared = shared_steps(previous, route)
            back_live(page, flow, previous.steps, to=shared)
        walk_live(page, flow, route.steps, done=shared)
        check_outcome(page, flow, route)
        previous = route
