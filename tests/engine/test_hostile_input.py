"""Hostile and odd flow files (security review 2026-12, rows 5-9 and 13): each one is a clear
`FILE:LINE: message` and exit 1, in a real `python -m engine check` process, never a crash
(a segmentation fault would kill pytest itself), a hang or a silent success.

Time budgets are subprocess timeouts far above the normal run time (well under a second): only
a hang or an exponential blow-up reaches them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flowdata import ROOT

pytest.importorskip("yaml")
if sys.platform == "emscripten":
    pytest.skip("no subprocesses in Pyodide", allow_module_level=True)

HANG = 120
"""Seconds after which a check is taken to hang (each of these finishes in about 0.2 s)."""

BASE = """\
id: tiny
title: Tiny flow
version: "1.0.0"
last_reviewed: 2026-11-21
review_status: draft
start: q1
facts:
  f: {label: F, values: [a, b]}
sources:
  src-a:
    {citation: A source., kind: guideline, published: "2020", grading: none}
nodes:
  q1:
    kind: question
    title: Q1
    text: Is it?
    answers:
      - {id: yes-a, text: "Yes", set: {f: a}, next: done}
      - {id: no-a, text: "No", next: done}
  done:
    kind: outcome
    title: Done
    urgency: routine
    text: Done.
    recommendations:
      - {id: r1, text: Rest., cite: [src-a]}
"""


def check(
    tmp_path: Path, *texts: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m engine check` on files holding `texts` (named 0.yaml, 1.yaml, ...)."""
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"{index}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return subprocess.run(
        [sys.executable, "-m", "engine", "check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG,
        env=env,
    )


def problem_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("text", ["---\n", "~\n", "null\n", "--- ~\n"])
def test_an_empty_or_null_document_is_an_error_in_every_file(tmp_path: Path, text: str) -> None:
    """Row 5: the file used to be dropped without a word (FlowError with no problem)."""
    lines = problem_lines(check(tmp_path, BASE, text, BASE.replace("id: tiny", "id: other")))
    assert lines == [
        f"{tmp_path / '1.yaml'}:1: the file holds no flow, only an empty document "
        f"({text.split()[-1]!r} means nothing in YAML); a flow starts with id, title, ... "
        "[empty-file]"
    ]


@pytest.mark.parametrize("levels", [30_000, 100_000])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_never_crashes_the_parser(tmp_path: Path, levels: int, style: str) -> None:
    """Row 7: libyaml's C composer segfaulted (exit 139) at about 30,000 nested brackets."""
    if style == "flow":
        text = "x: " + "[" * levels + "]" * levels + "\n"
    else:
        text = "x:\n" + "- " * levels + "x\n"  # block sequences in block sequences
    lines = problem_lines(check(tmp_path, text))
    assert lines == [
        f"{tmp_path / '0.yaml'}:1: the file is nested too deeply to be a flowchart [too-deep]"
    ]


def alias_bomb(levels: int) -> str:
    """Each condition level is `&cN {all: [<level N-1>, *cN-1]}`: 2**N leaves in 1.5 KB."""
    condition = "&c0 {fact: f, equals: a}"
    for n in range(1, levels + 1):
        condition = f"&c{n} {{all: [{condition}, *c{n - 1}]}}"
    return BASE.replace("cite: [src-a]}", f"cite: [src-a], when: {condition}}}")


def test_an_alias_bomb_of_conditions_is_refused_quickly(tmp_path: Path) -> None:
    """Row 8: N=30 ran out of memory after minutes (the checker walked 2**30 leaves)."""
    lines = problem_lines(check(tmp_path, alias_bomb(30)))
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / '0.yaml'}:26: aliases (*name) make this file ")


def test_aliased_conditions_below_the_limit_are_checked_once_each(tmp_path: Path) -> None:
    """2**12 leaves through aliases: accepted, and the shape check sees each mapping once."""
    from engine.pipeline import load_flow_text
    from engine.semantics import leaves

    flow = load_flow_text(alias_bomb(12), "flows/x.yaml")
    condition = flow.node("done").recommendations[0].when
    assert condition is not None
    assert len(list(leaves(condition))) == 2**12
    result = check(tmp_path, alias_bomb(12))
    assert result.returncode == 0, result


def chain(questions: int) -> str:
    """`questions` two-answer questions in a row: 2**questions routes."""
    head, _, tail = BASE.partition("nodes:\n")
    nodes = "".join(
        f"  q{i}:\n    kind: question\n    title: Q{i}\n    text: Is it?\n    answers:\n"
        f"      - {{id: a, text: A, next: {f'q{i + 1}' if i < questions else 'done'}}}\n"
        f"      - {{id: b, text: B, next: {f'q{i + 1}' if i < questions else 'done'}}}\n"
        for i in range(1, questions + 1)
    )
    return head + "nodes:\n" + nodes + tail[tail.index("  done:") :]


def test_routes_and_pages_are_limited_and_counted_without_listing(tmp_path: Path) -> None:
    """Row 9: 22 questions took 38 s and 1.5 GB, only to print the route count."""
    lines = problem_lines(check(tmp_path, chain(22)))
    shown = str(tmp_path / "0.yaml")
    assert lines == [
        f'{shown}:1: flow "tiny" has 4,194,304 routes (limit 3,000): each question can double '
        "them; join branches that lead to the same step, split the flow, or raise the limit with "
        "FLOW_MAX_ROUTES=N (docs/authoring.md, Limits)",
        f'{shown}:1: flow "tiny" has 8,388,607 static step pages (limit 3,000): each question can '
        "double them; join branches that lead to the same step, split the flow, or raise the "
        "limit with FLOW_MAX_PAGES=N (docs/authoring.md, Limits)",
    ]


def test_a_raised_limit_lets_a_big_flow_pass_and_its_routes_are_counted(tmp_path: Path) -> None:
    env = {"FLOW_MAX_ROUTES": "5000000", "FLOW_MAX_PAGES": "9000000", "PATH": ""}
    result = check(tmp_path, chain(22), env=env)
    assert result.returncode == 0, result
    assert result.stdout.endswith(": ok (23 nodes, 4194304 routes)\n")
    bad = check(tmp_path, BASE, env={"FLOW_MAX_PAGES": "many"})
    assert bad.returncode == 2
    assert "FLOW_MAX_PAGES='many' must be a whole number above 0" in bad.stderr


def test_the_limit_on_states_stops_the_search_early() -> None:
    from engine.limits import Limits, limit_problems
    from engine.pipeline import load_flow_text

    many_facts = chain(3).replace("next: q", "set: {f: a}, next: q")
    flow = load_flow_text(many_facts, "flows/x.yaml")
    (problem,) = limit_problems(flow, Limits(states=2))
    assert "has more than 2 distinct states (limit 2)" in problem.message
    assert "FLOW_MAX_STATES=N" in problem.message


@pytest.mark.parametrize(
    ("flow_id", "message"),
    [
        ("review", 'flow id "review" would replace the route review page (algorithm/review/)'),
        ("outline", "would replace the main flow's text outline (algorithm/outline/)"),
        ("diagram", "would replace the main flow's diagram (algorithm/diagram/)"),
        ("-".join(["abcdefghi"] * 30), "the flow id is 299 characters long; at most 64 are"),
    ],
)
def test_flow_ids_that_clash_with_pages_or_file_names_are_refused(
    tmp_path: Path, flow_id: str, message: str
) -> None:
    """Rows 6 and 13c: `check` said ok; the build replaced a page or died (name too long)."""
    lines = problem_lines(check(tmp_path, BASE.replace("id: tiny", f"id: {flow_id}")))
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / '0.yaml'}:1: ")
    assert message in lines[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BASE.replace("title: Tiny flow", 'title: "a\0b"'),
            "2: the file contains the character U+0000 (NUL), which YAML does not allow: remove it"
            " [bad-character]",
        ),
        (
            BASE.replace("title: Tiny flow", 'title: "x \\ud83d\\ude00"'),
            "2: YAML syntax error: a \\u escape names half of a character (a surrogate, as JSON "
            "writes emoji): write the character itself, or \\U and 8 hex digits [yaml-syntax]",
        ),
        (
            BASE.replace("  done:", "  ~:"),
            "20: a key is null: YAML reads bare ~ as no value, not as a name; give the key a "
            'name (or put it in quotes: "~") [null-key]',
        ),
        (
            BASE.replace("title: Tiny flow", "title: !!binary aGVsbG8="),
            '2: the flow: "title" must be text, not binary data (a !!binary tag reads base64 '
            "into bytes): write the text itself [bad-type]",
        ),
    ],
    ids=["nul", "surrogate-escape", "null-key", "binary-tag"],
)
def test_unreadable_values_get_a_clear_message_on_their_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Row 13 d-g: line 1 plus a stray second line; a bare "YAML syntax error"; node "None"."""
    lines = problem_lines(check(tmp_path, text))
    assert f"{tmp_path / '0.yaml'}:{expected}" in lines
    assert all(line.startswith(str(tmp_path)) for line in lines)
