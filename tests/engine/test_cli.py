"""`python -m engine`: real processes, real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flowdata import FLOWS, INVALID, ROOT

pytest.importorskip("yaml")
if sys.platform == "emscripten":
    pytest.skip("no subprocesses in Pyodide", allow_module_level=True)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_passes_a_good_flow() -> None:
    result = run("check", str(FLOWS / "demo.yaml"))
    assert result.returncode == 0
    assert "ok (5 nodes, 4 routes)" in result.stdout


def test_check_takes_a_folder_for_its_flow_files(tmp_path: Path) -> None:
    """`check flows/` checks every *.yaml in the folder, sorted; an empty folder is an error."""
    result = run("check", str(ROOT / "flows"))
    assert result.returncode == 0, result.stdout + result.stderr
    checked = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert checked == [str(path) for path in sorted((ROOT / "flows").glob("*.yaml"))]
    empty = run("check", str(tmp_path))
    assert empty.returncode == 2
    assert "no flow files (*.yaml) to check" in empty.stderr


def test_check_prints_every_problem_and_fails() -> None:
    bad = INVALID / "unknown-key.yaml"
    result = run("check", str(bad), str(FLOWS / "demo.yaml"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f'{bad}:17: node "q" has unknown key "helptext"')


def test_paths_prints_the_review_table() -> None:
    result = run("paths", str(FLOWS / "demo.yaml"))
    assert result.returncode == 0
    assert "| # | Answers | Facts | Outcome | Urgency | Recommendations shown |" in result.stdout


def test_walk_with_answers_prints_the_summary() -> None:
    result = run("walk", str(FLOWS / "demo.yaml"), "--answers", "none", "adult")
    assert result.returncode == 0
    assert "Outcome: Self-care" in result.stdout
    stopped = run("walk", str(FLOWS / "demo.yaml"), "--answers", "none")
    assert stopped.returncode == 2
    wrong = run("walk", str(FLOWS / "demo.yaml"), "--answers", "maybe")
    assert wrong.returncode == 2
    assert "no item maybe" in wrong.stderr


def test_walk_interactively() -> None:
    result = run("walk", str(FLOWS / "demo.yaml"), stdin="\n2\n")
    assert result.returncode == 0
    assert "Step 1 of at most 3: Red flags" in result.stdout
    assert "2. Age: 18 or older" in result.stdout


MINI = """\
id: mini
title: Mini
version: "1"
last_reviewed: 2026-11-21
review_status: draft
start: end
sources:
  acp-2017: {citation: ACP 2017.SOURCE_META}
nodes:
  end:
    kind: outcome
    title: End
    urgency: routine
    text: Done.
    recommendations:
      - {id: rest, text: Rest., cite: [acp-2017]}
"""


def test_check_requires_source_metadata_and_grades(tmp_path: Path) -> None:
    """Sources without kind/published/grading fail, and so does a graded source cited bare."""
    bare = tmp_path / "bare.yaml"
    bare.write_text(MINI.replace("SOURCE_META", ""))
    result = run("check", str(bare))
    assert result.returncode == 1
    assert f'{bare}:8: source "acp-2017" is missing required key "grading"' in result.stdout
    graded = tmp_path / "graded.yaml"
    graded.write_text(
        MINI.replace("SOURCE_META", ', kind: guideline, published: "2017", grading: grade')
    )
    result = run("check", str(graded))
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith(f"{graded}:16: ")]
    assert line.startswith(f'{graded}:16: node "end" recommendation "rest": citation')
    assert line.endswith(" [missing-grade]")
