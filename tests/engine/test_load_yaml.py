"""The YAML loader (CPython only: Pyodide has no PyYAML, so these skip there)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Flow, FlowError, flow_to_dict

yaml = pytest.importorskip("yaml")

from flowdata import FLOWS, demo_dict  # noqa: E402

from engine.pipeline import check_files, load_flow_file, load_flow_text  # noqa: E402


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


YAML_SNIPPETS = st.sampled_from(
    [
        "yes: 1\n",
        "- [\n",
        "a: &x {b: *x}\n",
        "nodes: !!python/object:os.system {}\n",
        "id: demo\nid: demo\n",
        "? [a, b]\n: c\n",
        "version: 1.0\n",
        "\t- tab\n",
        "kind: question\n",
        "---\n---\n",
        "answers: {no: x}\n",
        "last_reviewed: 2026-13-45\n",
        '"\\x00"\n',
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_the_yaml_loader_never_raises_anything_but_flow_error(data: st.DataObject) -> None:
    """Random edits of a real flow (lines dropped, duplicated, cut, or YAML oddities pasted in)
    are refused with FlowError or accepted; nothing else ever escapes."""
    lines = (FLOWS / "demo.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(lines)))
        action = data.draw(st.sampled_from(["drop", "copy", "cut", "paste", "noise"]))
        if action == "drop" and where < len(lines):
            del lines[where]
        elif action == "copy" and where < len(lines):
            lines.insert(where, lines[where])
        elif action == "cut" and where < len(lines):
            lines[where] = lines[where][: data.draw(st.integers(0, len(lines[where])))]
        elif action == "paste":
            lines.insert(where, data.draw(YAML_SNIPPETS))
        else:
            lines.insert(where, data.draw(st.text(max_size=20)) + "\n")
    try:
        load_flow_text("".join(lines), "flows/demo.yaml")
    except FlowError as error:
        assert error.problems
        assert all(p.line >= 0 and p.message for p in error.problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x {b: *x}\n", "an alias refers to the mapping or list it is part of"),
        ("- &a [*a, *a]\n", "an alias refers to the mapping or list it is part of"),
        ("[" * 5000 + "]" * 5000, "the file is nested too deeply"),
    ],
)
def test_hostile_yaml_is_refused_not_crashed_on(text: str, message: str) -> None:
    with pytest.raises(FlowError) as caught:
        load_flow_text(text, "flows/x.yaml")
    assert message in str(caught.value)


@st.composite
def hostile_yaml(draw: st.DrawFn) -> str:
    """The demo flow with one hostile part pasted in: aliases that share (and multiply) parts,
    nesting up to 60,000 levels deep (flow or block style), or a value of up to 2 MB."""
    text = (FLOWS / "demo.yaml").read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["aliases", "deep-flow", "deep-block", "large"]))
    if kind == "aliases":
        levels = draw(st.integers(1, 40))
        fan = draw(st.integers(1, 4))
        part = "&a0 {fact: age_group, equals: child}"
        for n in range(1, levels + 1):
            part = f"&a{n} {{{draw(st.sampled_from(['all', 'any']))}: [{part}" + (
                f", *a{n - 1}" * fan + "]}"
            )
        hostile = f"when: {part}"
        return text.replace("when: {not: {fact: age_group, equals: child}}", hostile)
    if kind in ("deep-flow", "deep-block"):
        depth = draw(st.integers(1, 60_000))
        nested = "[" * depth + "]" * depth if kind == "deep-flow" else "- " * depth + "x"
        key = draw(st.sampled_from(["summary", "nodes", "unknown"]))
        return f"{key}: {nested}\n" + text if kind == "deep-flow" else f"{key}:\n{nested}\n" + text
    size = draw(st.integers(1, 2_000_000))
    filler = draw(st.sampled_from(["a", "[", "{", "- ", ": ", "é", "🩺"])) * (size // 2 + 1)
    return text.replace("title: Demo flow", f"title: {json.dumps(filler[:size])}")


@settings(max_examples=40, deadline=timedelta(seconds=30))
@given(hostile_yaml())
def test_hostile_yaml_is_a_flow_or_clear_problems_within_a_time_limit(text: str) -> None:
    """Fuzzing the loader with what broke it (review rows 7 and 8) and with big inputs. The
    per-input deadline is far above the normal time (under a second): only a blow-up hits it;
    a crash of the parser would kill this test process."""
    try:
        load_flow_text(text, "flows/demo.yaml")
    except FlowError as error:
        assert error.problems
        assert all(p.line >= 1 and p.message and "\n" not in p.message for p in error.problems)
