"""Grades in a real built site (issue 14): a copy of the project whose only flow is the tests'
graded flow (tests/engine/flows/graded.json, one source per grading scheme), built with the real
build, so these checks do not move when the real flows are edited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import build_site

ROOT = Path(__file__).resolve().parents[2]
GRADED = ROOT / "tests" / "engine" / "flows" / "graded.json"


@pytest.fixture(scope="module")
def graded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("graded-project")
    build_site.copy_sources(ROOT, project)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".build").mkdir(exist_ok=True)
    (project / ".build").symlink_to(ROOT / ".build")  # content-addressed cache: safe to share
    shutil.rmtree(project / "flows")
    (project / "flows").mkdir()
    flow = json.loads(GRADED.read_text(encoding="utf-8"))
    flow["id"] = build_site.MAIN_FLOW_ID  # served at /algorithm/, where the pages link
    # JSON is YAML: the real loader reads it as the author's file.
    (project / "flows" / "graded.yaml").write_text(json.dumps(flow, indent=2))
    return build_site.build(project, project / "site", quiet=True)


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
    assert outline.count("data-grade=") == 10
    review = (graded_site / "algorithm" / "review" / "index.html").read_text()
    assert "NICE NG59 1.2.17 [2016] do not offer" in review
    assert "ACP 2017 strong/moderate" in review
    assert "Dr.Oracle AI answer (ungraded)" in review
