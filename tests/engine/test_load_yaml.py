"""The YAML loader (CPython only: Pyodide has no PyYAML, so these skip there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Flow, FlowError, flow_to_dict

yaml = pytest.importorskip("yaml")

from flowdata import FLOWS, demo_dict  # noqa: E402

from engine.load_yaml import check_files, load_flow_file, load_flow_text  # noqa: E402


def test_the_authoring_example_loads_and_matches_its_json(demo: Flow) -> None:
    flow = load_flow_file(FLOWS / "demo.yaml", "flows/demo.yaml")
    assert flow == demo
    assert flow_to_dict(flow) == demo_dict()
    assert flow.node("age").line == 42


def test_every_problem_is_reported_with_its_line() -> None:
    text = (FLOWS / "demo.yaml").read_text(encoding="utf-8")
    broken = text.replace("next: emergency", "next: emergncy").replace(
        "title: Age\n", "title: Age\n    colour: red\n"
    )
    with pytest.raises(FlowError) as caught:
        load_flow_text(broken, "flows/demo.yaml")
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].startswith(
        'flows/demo.yaml:35: node "red-flags" route 1 points to unknown node "emergncy" '
        '(did you mean "emergency"?)'
    )
    assert lines[1].startswith('flows/demo.yaml:45: node "age" has unknown key "colour"')


def test_check_files_reports_ids_used_twice(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    text = (FLOWS / "demo.yaml").read_text(encoding="utf-8")
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    problems = check_files([first, second])
    assert [p.message for p in problems] == [f'flow id "demo" is already used by {first}']
