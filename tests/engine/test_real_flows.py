"""The engine on the real flows in flows/: checked, round-tripped, walked and rendered whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowdata import ROOT

from engine import (
    decode_token,
    encode_token,
    enumerate_routes,
    flow_from_dict,
    flow_to_dict,
    reachable_states,
    render_outline_html,
    render_step_html,
    routes_markdown,
    view,
)

pytest.importorskip("yaml")

from engine.pipeline import check_files, load_flow_file

FLOW_FILES = sorted((ROOT / "flows").glob("*.yaml"))


def test_all_flows_check_clean_together() -> None:
    assert FLOW_FILES
    assert [str(p) for p in check_files(FLOW_FILES)] == []


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.stem)
def test_every_state_of_a_real_flow_walks_renders_and_shares(path: Path) -> None:
    flow = load_flow_file(path, f"flows/{path.name}")
    assert flow_from_dict(flow_to_dict(flow)) == flow
    states = reachable_states(flow)
    outcomes = {r.outcome for r in enumerate_routes(flow)}
    assert outcomes == {n.id for n in flow.nodes if n.kind == "outcome"}
    for state in states:
        token = encode_token(flow, state)
        assert decode_token(flow, token) == state
        current = view(flow, state)
        assert current.k <= current.n
        for mode in ("static", "live"):
            page = render_step_html(flow, state, mode=mode, site_root="../", step_url=str)
            assert "<script" not in page
    assert '<li class="outline-node' in render_outline_html(flow, site_root="", step_url=str)
    assert f"{len(enumerate_routes(flow))} routes" in routes_markdown(flow)


@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.stem)
def test_real_outcomes_are_action_first_with_a_plain_note_and_no_useless_question(
    path: Path,
) -> None:
    """Issue 15 on the real flows: every outcome state carries the test contracts, its note is
    plain text within the limit with explicit negatives, and no question is asked in vain."""
    import re

    from engine import clinical_note
    from engine.analysis import lint_problems
    from engine.render import NOTE_LIMIT

    flow = load_flow_file(path, f"flows/{path.name}")
    assert [str(p) for p in lint_problems(flow)] == []
    outcomes = [n for n in flow.nodes if n.kind == "outcome"]
    assert [n.id for n in outcomes if not n.actions] == []
    assert [n.id for n in outcomes if n.urgency != "emergency" and n.patient is None] == []
    negatives = 0
    for state in reachable_states(flow):
        current = view(flow, state)
        if not current.is_outcome:
            continue
        note = clinical_note(flow, state, "2026-12-01 20:15")
        assert len(note) <= NOTE_LIMIT, note
        assert not re.search(r"\*\*|__|`|\]\(", note), note
        assert f"version {flow.version}" in note and "Assessed: 2026-12-01 20:15" in note
        negatives += bool(re.search(r": none of \d+ present\.", note))
        page = render_step_html(flow, state, mode="static", site_root="", step_url=str)
        assert f'data-urgency="{current.node.urgency}"' in page
        assert "data-note>" in page and "of at most" not in page
        if current.node.actions:
            assert page.count('<li class="key-action">') == len(current.actions)
    assert negatives
