"""Hazard metadata on safety rules: checked with FILE:LINE messages, kept in the browser's JSON,
required behind the `HAZARD_REQUIRED` switch, and listed in the hazard log with each rule's
proof (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import FlowError, enumerate_routes, flow_from_dict, flow_to_dict, hazards
from engine.hazards import count_routes, hazard_log, risk
from engine.pipeline import load_flow_file, load_flow_text

ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parent / "flows" / "mini.yaml"
REAL_FLOWS = sorted((ROOT / "flows").glob("*.yaml"))


def problems_of(text: str) -> list[str]:
    with pytest.raises(FlowError) as caught:
        load_flow_text(text, "flows/mini.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_hazard_blocks_are_read_and_survive_the_browsers_json():
    flow = load_flow_file(MINI)
    hazard = flow.safety[0].hazard
    assert hazard is not None and hazard.id == "HAZ-01"
    assert (hazard.before_severity, hazard.after_likelihood) == ("major", "low")
    assert flow_from_dict(flow_to_dict(flow)) == flow
    assert flow_to_dict(flow)["safety"][1]["hazard"]["after"] == {
        "severity": "considerable",
        "likelihood": "very low",
    }


@pytest.mark.parametrize(
    ("old", "new", "fragment", "message"),
    [
        (
            "before: {severity: major, likelihood: medium}",
            "before: {severity: serious, likelihood: medium}",
            "severity: serious",
            "\"severity\" is 'serious' but must be one of: catastrophic, major, considerable, "
            "significant, minor",
        ),
        (
            "after: {severity: major, likelihood: low}",
            "after: {severity: major, likelihood: rare}",
            "likelihood: rare",
            "must be one of: very high, high, medium, low, very low",
        ),
        ("id: HAZ-01", "id: hazard-1", "id: hazard-1", "hazard ids are written HAZ-01"),
        (
            "      cause: A routing error in the flow.\n",
            "",
            "id: HAZ-01",
            'hazard is missing required key "cause"',
        ),
        (
            "      cause: A routing error in the flow.\n",
            "      cause: A routing error in the flow.\n      owner: me\n",
            "owner: me",
            'unknown key "owner"',
        ),
    ],
)
def test_bad_hazard_blocks_give_file_line_messages(old: str, new: str, fragment: str, message: str):
    text = MINI.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    problems = problems_of(text)
    line = line_of(text, fragment)
    assert any(p.startswith(f"flows/mini.yaml:{line}: ") and message in p for p in problems), (
        problems
    )


def test_hazards_are_required_only_behind_the_switch(monkeypatch: pytest.MonkeyPatch):
    text = MINI.read_text()
    start = text.index("    hazard:\n      id: HAZ-02")
    end = text.index("    when: {fact: age_group")
    without = text[:start] + text[end:]
    load_flow_text(without, "flows/mini.yaml")  # optional by default: loads
    monkeypatch.setattr(hazards, "HAZARD_REQUIRED", True)
    problems = problems_of(without)
    line = line_of(without, "- id: no-relaxant-for-children")
    assert (
        f'flows/mini.yaml:{line}: safety rule "no-relaxant-for-children" has no "hazard" block'
        in ("\n".join(problems))
    )


def test_the_risk_matrix_orders_risks():
    assert risk("catastrophic", "very high") == 5
    assert risk("minor", "very low") == 1
    assert risk("catastrophic", "medium") > risk("catastrophic", "very low")


@pytest.mark.parametrize("path", REAL_FLOWS, ids=lambda p: p.name)
def test_the_hazard_log_lists_every_safety_rule_with_its_proof(path: Path):
    flow = load_flow_file(path)
    routes = len(enumerate_routes(flow))
    assert count_routes(flow) == routes
    log = hazard_log([flow], "2026-12-01")
    assert [entry["rule"] for entry in log] == [rule.id for rule in flow.safety]
    for entry in log:
        assert entry["verification"]["proved"] is True
        assert entry["verification"]["text"] == f"proved over {routes} routes, build of 2026-12-01"


def test_the_hazard_log_carries_each_hazard_and_its_risk_before_and_after():
    log = hazard_log([load_flow_file(MINI)], "2026-12-01")
    assert log[0]["hazard"]["id"] == "HAZ-01"
    assert log[0]["hazard"]["before"] == {"severity": "major", "likelihood": "medium", "risk": 3}
    assert log[0]["hazard"]["after"] == {"severity": "major", "likelihood": "low", "risk": 3}
    assert log[1]["hazard"]["after"]["risk"] == 2
