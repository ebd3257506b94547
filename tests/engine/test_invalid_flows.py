"""Every fixture in tests/flows/invalid/ pins its exact problems and their rule ids:
`# expect: LINE: message [rule-id]` (docs/authoring.md, "Rule ids").

Each file shows one kind of mistake (the first comment says which); together they cover more
than 20 kinds. All problems of a file are expected, in order: none may hide another.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flowdata import INVALID

from engine import FlowError

pytest.importorskip("yaml")

from engine.pipeline import load_flow_text

FIXTURES = sorted(INVALID.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+): (.*?)(?: \[([a-z0-9-]+)\])?$", re.MULTILINE)


def test_there_are_at_least_twenty_kinds_of_problem() -> None:
    assert len(FIXTURES) >= 20


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reports_exactly_its_expected_problems(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = [(int(line), message, rule) for line, message, rule in EXPECT.findall(text)]
    assert expected, f"{path.name} has no # expect: lines"
    shown = f"flows/{path.name}"
    with pytest.raises(FlowError) as caught:
        load_flow_text(text, shown)
    problems = caught.value.problems
    assert [(p.line, p.message, p.rule) for p in problems] == expected
    assert [str(p) for p in problems] == [
        f"{shown}:{line}: {msg}" + (f" [{rule}]" if rule else "") for line, msg, rule in expected
    ]
