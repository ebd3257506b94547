"""Grades in a real built site (issue 14), on the small graded site of tests/gradedsite.py (its
own flow and pages), so these checks do not move when the real flows and pages are edited. The
site is the session's `graded_site` (tests/conftest.py), shared with the live walker's test."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from gradedsite import INDEX

from sitebuild.common import run_build_command


def step_pages(site: Path) -> list[tuple[Path, str]]:
    """The start page and every static step page of the flow."""
    paths = [site / "algorithm" / "index.html", *sorted((site / "algorithm").glob("*/index.html"))]
    return [(path, path.read_text()) for path in paths if 'id="walker"' in path.read_text()]


def test_step_pages_and_outcomes_carry_data_grade(graded_site: Path) -> None:
    pages = step_pages(graded_site)
    starts = [text for _, text in pages if 'id="step-q"' in text]
    outcomes = [text for _, text in pages if 'class="outcome ' in text]
    assert starts and len(outcomes) == 2
    for text in starts:
        acp = r'<a href="[./]*sources/#acp-2017"[^>]* data-grade="strong/moderate">'
        assert re.search(acp, text)
        assert 'data-grade="ungraded"' in text
    for text in outcomes:
        for grade in ("usually not appropriate", "very low", "do not offer", "A"):
            assert f'data-grade="{grade}"' in text, grade
        assert '<span class="grade">very low certainty</span>' in text
        assert text.index("#friedman-2015") < text.index("#seed-treatment")


def test_the_walkers_flow_json_carries_grades(graded_site: Path) -> None:
    data = json.loads((graded_site / "assets" / "flows" / "back-spasm.json").read_text())
    assert data["sources"]["nice-ng59"]["grading"] == "nice"
    assert data["sources"]["friedman-2015"]["design"] == "double-blind RCT, n=323"
    cite = data["nodes"]["end"]["recommendations"][1]["cite"]
    assert cite[0] == {"source": "nice-ng59", "rec": "1.2.17 [2016]", "grade": "do not offer"}


def test_outline_and_route_review_show_grades(graded_site: Path) -> None:
    outline = (graded_site / "algorithm" / "outline" / "index.html").read_text()
    assert outline.count("data-grade=") == 18  # q's 2 and the 8 of each of the two outcomes
    review = (graded_site / "algorithm" / "review" / "index.html").read_text()
    assert "NICE NG59 1.2.17 [2016] do not offer" in review
    assert "ACP 2017 strong/moderate" in review
    assert "Dr.Oracle AI answer (ungraded)" in review


def test_reading_page_footnotes_carry_grade_tags(graded_site: Path) -> None:
    page = (graded_site / "index.html").read_text()
    assert '<span class="grade" data-grade="strong/moderate">strong/moderate</span>' in page
    assert '<span class="grade" data-grade="do not offer">do not offer</span>' in page
    assert '<span class="grade" data-grade="ungraded">ungraded</span>' in page


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_bad_footnote_grade_fails_the_build_with_its_line_and_keeps_the_old_site(
    graded_site: Path,
) -> None:
    project = graded_site.parent  # the shared project: the page is put back before asserting
    before = snapshot(graded_site)
    index = project / "docs" / "index.md"
    index.write_text(INDEX.replace("{grade: strong/moderate}", "{grade: strongish}"))
    try:
        result = run_build_command(project, env=os.environ.copy())
    finally:
        index.write_text(INDEX)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("docs/index.md:10: ") and '"strongish"' in line for line in lines), (
        result.stderr
    )
    assert snapshot(graded_site) == before
