"""engine.bridge in CPython: the exact JSON the worker passes, without a browser.

The browser tests go through the same functions inside Pyodide; these pin the contract quickly.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from engine import Flow, bridge, encode_token, enumerate_routes, flow_to_dict, start
from engine.walk import State

from .conftest import MAIN_FLOW


@pytest.fixture(scope="module")
def flow(flows: dict[str, Flow]) -> Flow:
    main = flows[MAIN_FLOW]
    bridge.add_flow(json.dumps(flow_to_dict(main)))
    return main


def ask(flow: Flow, **fields: Any) -> dict[str, Any]:
    """Send one request (defaults: this flow, the start) through the JSON door."""
    request = {"flow": flow.id, "site_root": "../", "token": "start", **fields}
    response = json.loads(bridge.handle(json.dumps(request)))
    assert isinstance(response, dict)
    return response


def wire(choice: object) -> object:
    """A choice as JSON carries it: ticked items become a list."""
    return sorted(choice) if isinstance(choice, frozenset) else choice


def test_open_start_is_live_html(flow: Flow) -> None:
    response = ask(flow, op="open")
    assert response["ok"] and response["token"] == response["start_token"] == "start"
    assert 'data-node="' + flow.start + '"' in response["html"]
    assert 'data-action="tick"' in response["html"] or 'data-action="choose"' in response["html"]
    assert 'href="#' not in response["html"]  # live steps are buttons, never links to steps
    assert response["announce"].startswith("Step 1 of at most")
    assert response["notice"] == "" and response["editing_note"] == ""


def test_every_route_walks_to_its_outcome(flow: Flow) -> None:
    for route in enumerate_routes(flow):
        token = "start"
        for step in route.steps:
            response = ask(flow, op="choose", token=token, choice=wire(step.choice))
            assert response["ok"], response
            token = response["token"]
        assert response["kind"] == "outcome"
        assert f'data-node="{route.outcome}"' in response["html"]
        for rec in route.recommendations:
            assert f'id="rec-{rec}"' in response["html"]


def test_edit_then_change_keeps_what_still_applies(flow: Flow) -> None:
    route = max(enumerate_routes(flow), key=lambda r: len(r.steps))
    token = "start"
    for step in route.steps:
        token = ask(flow, op="choose", token=token, choice=wire(step.choice))["token"]
    edit = ask(flow, op="edit", token=token, step=0)
    assert edit["ok"] and edit["token"] == "start" and edit["editing_note"]
    same = ask(flow, op="change", token=token, step=0, choice=wire(route.steps[0].choice))
    assert same["token"] == token


@pytest.mark.parametrize(
    "token", ["garbage!", "", "AAAAAAAAAAAA", "start-but-not", "x" * 5000, "jEjR////"]
)
def test_unusable_token_starts_over_with_a_notice(flow: Flow, token: str) -> None:
    response = ask(flow, op="open", token=token)
    assert response["ok"] and response["token"] == "start"
    assert response["notice"].startswith("That link could not be opened")


def test_old_version_token_starts_over_with_a_notice(flow: Flow) -> None:
    old = dataclasses.replace(flow, version="0.0.1-old")
    route = enumerate_routes(flow)[0]
    state = State(old.id, old.version, tuple(s.choice for s in route.steps))
    response = ask(flow, op="open", token=encode_token(old, state))
    assert response["token"] == "start"
    assert "another version" in response["notice"]


@pytest.mark.parametrize(
    "fields",
    [
        {"op": "choose", "choice": "no-such-answer"},
        {"op": "choose", "choice": 3},
        {"op": "back", "token": "garbage"},
        {"op": "change", "step": 0, "choice": None},
        {"op": "edit", "step": True},
        {"op": "fly"},
        {"op": "open", "flow_id": "no-such-flow"},
        {"op": "open", "site_root": None},
    ],
)
def test_bad_requests_are_refused_not_raised(flow: Flow, fields: dict[str, Any]) -> None:
    if "flow_id" in fields:
        request = {"op": fields["op"], "flow": fields["flow_id"], "token": "start", "site_root": ""}
        response = json.loads(bridge.handle(json.dumps(request)))
    else:
        response = ask(flow, **fields)
    assert response["ok"] is False and response["error"]


def test_not_json_is_refused() -> None:
    assert json.loads(bridge.handle("[1, 2"))["ok"] is False
    assert json.loads(bridge.handle("[1, 2]"))["ok"] is False


def test_start_state_is_start_token(flow: Flow) -> None:
    assert encode_token(flow, start(flow)) == ask(flow, op="restart", token="x")["token"]
