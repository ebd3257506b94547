"""The browser trusts the build's checked flow JSON only when its hash matches (issue 17).

`bridge.add_flow(text, checked)` skips the graph checks and the safety proofs for exactly the
text the build checked (the page's data-flow-rev is the first 12 hex digits of its sha256);
any other text is fully checked, as before.
"""

from __future__ import annotations

import json

import pytest

import build_site
from engine import FlowError, bridge


@pytest.fixture(scope="module")
def built_text() -> str:
    flows = build_site.load_flows(build_site.ROOT)
    flow = next(f for f in flows if f.id == build_site.MAIN_FLOW_ID)
    return build_site.flow_json(flow)


def first_step(flow_id: str) -> dict[str, object]:
    request = {"op": "open", "flow": flow_id, "token": "start", "site_root": "/"}
    return json.loads(bridge.handle(json.dumps(request)))  # type: ignore[no-any-return]


def with_unreachable_node(text: str) -> str:
    """The flow with a well-formed node nothing leads to: only the graph checks object."""
    data = json.loads(text)
    question = next(node for node in data["nodes"].values() if node.get("kind") == "question")
    data["nodes"]["nobody-gets-here"] = dict(question)
    return json.dumps(data)


def test_the_builds_text_with_its_revision_loads_the_same_flow(built_text: str) -> None:
    revision = build_site.sha256_text(built_text)[:12]
    flow_id = bridge.add_flow(built_text)
    fully_checked = first_step(flow_id)
    assert bridge.add_flow(built_text, revision) == flow_id
    assert first_step(flow_id) == fully_checked


def test_a_text_the_build_did_not_check_is_fully_checked(built_text: str) -> None:
    tampered = with_unreachable_node(built_text)
    revision = build_site.sha256_text(built_text)[:12]  # the page's: names the build's text
    for checked in ("", revision, bridge.digest(tampered)[:8]):  # none, another's, too short
        with pytest.raises(FlowError, match=r"nobody-gets-here"):
            bridge.add_flow(tampered, checked)
    # Bound to its own hash, the same text is trusted: the checks were skipped, not lost.
    assert bridge.add_flow(tampered, bridge.digest(tampered)[:12]) == json.loads(tampered)["id"]
