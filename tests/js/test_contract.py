"""engine/contract.py is the one spelling of the Python/browser boundary; web/contract.mjs its copy.

The copy is committed (the site works offline and needs no step to make it); these tests fail when
it is stale, and check that both sides really use the contract: the token grammar engine.token
decodes by, and the controls engine.render and the build write, are the contract's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from engine import contract, encode_token, enumerate_routes, flow_from_dict
from engine.bridge import add_flow, respond
from engine.token import MAX_TOKEN_LENGTH, START_TOKEN, TOKEN_CHARS
from engine.walk import State

ROOT = Path(__file__).resolve().parents[2]
JS_CONTRACT = ROOT / "web" / "contract.mjs"
DEMO_JSON = ROOT / "tests" / "engine" / "flows" / "demo.json"


def test_web_contract_is_generated_from_engine_contract() -> None:
    assert JS_CONTRACT.read_text() == contract.js_module(), (
        "web/contract.mjs is stale: run `make contract`"
    )


def test_engine_token_uses_the_contract_grammar() -> None:
    assert (START_TOKEN, MAX_TOKEN_LENGTH) == (contract.START_TOKEN, contract.MAX_TOKEN_LENGTH)
    assert TOKEN_CHARS.pattern == contract.TOKEN_PATTERN
    assert TOKEN_CHARS.fullmatch("a" * MAX_TOKEN_LENGTH)
    for bad in ("", "a" * (MAX_TOKEN_LENGTH + 1), "ab.c", "ab c", "abc\n", "abc="):
        assert not TOKEN_CHARS.fullmatch(bad), bad


def test_no_browser_module_writes_its_own_token_grammar() -> None:
    """The walker once had its own copy of the token pattern; now only the generated file has."""
    for path in sorted((ROOT / "web").glob("*.mjs")):
        if path != JS_CONTRACT:
            assert "A-Za-z0-9_-" not in path.read_text(), path


def test_the_bridge_and_the_renderer_speak_the_contract() -> None:
    """Every response has the contract's fields, and every control on every step of every route
    of the demo flow has a `data-action` of the contract (the walker finds nothing else)."""
    flow = flow_from_dict(json.loads(DEMO_JSON.read_text()))
    add_flow(DEMO_JSON.read_text())
    actions: set[str] = set()
    for route in enumerate_routes(flow):
        for count in range(len(route.steps) + 1):
            state = State(flow.id, flow.version, tuple(s.choice for s in route.steps[:count]))
            request = {"op": "open", "flow": flow.id, "token": encode_token(flow, state)}
            response = respond({**request, "site_root": "/"})
            assert set(response) == set(contract.RESPONSE_FIELDS)
            assert set(request) | {"site_root"} <= set(contract.REQUEST_FIELDS)
            actions |= set(re.findall(r'data-action="([^"]*)"', response["html"]))
    assert actions <= set(contract.ENGINE_ACTIONS)
    assert set(contract.ENGINE_ACTIONS) - actions == {"continue"}  # the demo has no info step
    assert {"open", "choose", "back", "restart", "edit", "change"} == set(contract.BRIDGE_OPS)
