"""Strength of recommendation: citations carry the recommendation and its grade, the check
enforces it, and every place a citation is shown shows the grade (issue 14).

The flow is the tests' own (tests/engine/flows/graded.json: plain data, runs in Pyodide too; the
build test builds a site from it), one source per scheme, so the tests do not move when the real
flows are edited.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flowdata import FLOWS

from engine import (
    Flow,
    FlowError,
    choose,
    flow_from_dict,
    flow_to_dict,
    grades,
    render_outline_html,
    render_step_html,
    render_summary_html,
    routes_markdown,
    start,
    summary_text,
)
from engine.grades import check_grades, short_tag
from engine.verify import check_flow

ACP = {"source": "acp-2017", "rec": "Recommendation 1", "grade": "strong/moderate"}
NICE = {"source": "nice-ng59", "rec": "1.2.17 [2016]", "grade": "do not offer"}


def graded_dict() -> dict[str, Any]:
    """A two-step flow citing every scheme once; the AI answer listed first on purpose."""
    data: dict[str, Any] = json.loads((FLOWS / "graded.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def graded() -> Flow:
    return flow_from_dict(graded_dict())


def url(token: str) -> str:
    return f"/algorithm/{token}/"


def test_graded_citations_survive_the_json_round_trip(graded: Flow) -> None:
    data = flow_to_dict(graded)
    assert data["nodes"]["q"]["cite"] == ["seed-treatment", ACP]
    assert data["sources"]["friedman-2015"]["design"] == "double-blind RCT, n=323"
    assert data["sources"]["acp-2017"]["grading"] == "grade"
    assert flow_from_dict(data) == graded


def test_a_grade_outside_the_scheme_is_rejected_listing_the_allowed_ones() -> None:
    data = graded_dict()
    data["nodes"]["q"]["cite"] = [dict(ACP, grade="strongish")]
    with pytest.raises(FlowError) as caught:
        flow_from_dict(data, "flows/x.yaml")
    (problem,) = caught.value.problems
    assert problem.rule == "bad-grade"
    assert str(problem).startswith(
        'flows/x.yaml:0: node "q": grade "strongish" is not in the grade scheme of '
        'source "acp-2017"; allowed: strong/high, strong/moderate,'
    )


def test_a_graded_source_cited_without_its_grade_fails_the_check() -> None:
    data = graded_dict()
    recs = data["nodes"]["end"]["recommendations"]
    recs[0]["cite"] = ["acp-2017"]
    recs[1]["cite"] = [{"source": "nice-ng59", "grade": "do not offer"}]
    with pytest.raises(FlowError) as caught:
        flow_from_dict(data, "flows/x.yaml")
    messages = [p.message for p in caught.value.problems]
    assert sorted(messages) == [
        'node "end" recommendation "no-tens": citation of source "nice-ng59" '
        '(grading nice) needs "rec"; write it as '
        "{source: nice-ng59, rec: 1.2.17 [2016], grade: offer}",
        'node "end" recommendation "relaxant": citation of source "acp-2017" '
        '(grading grade) needs "rec" and "grade"; write it as '
        "{source: acp-2017, rec: ..., grade: strong/high}",
    ]
    assert {p.rule for p in caught.value.problems} == {"missing-grade"}


def test_the_missing_grade_check_is_on_and_passes_a_fully_graded_flow(graded: Flow) -> None:
    assert grades.REQUIRE_GRADES
    assert list(check_grades(graded)) == []
    assert check_flow(graded) == []


def test_short_tags(graded: Flow) -> None:
    tags = {
        c.source: short_tag(graded.source(c.source), c)
        for n in graded.nodes
        for r in (n, *getattr(n, "recommendations", ()))
        for c in r.cite
    }
    assert tags == {
        "seed-treatment": "Dr.Oracle AI answer (ungraded)",
        "acp-2017": "ACP 2017 strong/moderate",
        "acr-lbp-2021": "ACR 2021 Variant 1 usually not appropriate",
        "cashin-2021": "Cashin 2021 very low certainty",
        "friedman-2015": "Friedman 2015 (double-blind RCT, n=323)",
        "nice-ng59": "NICE NG59 1.2.17 [2016] do not offer",
        "jfp-2020": "J Fam Pract 2020 SOR A",
        "fda-esi-2014": "FDA 2014 (FDA safety communication)",
    }


def test_step_pages_carry_data_grade_and_list_ai_answers_last(graded: Flow) -> None:
    page = render_step_html(graded, start(graded), mode="static", site_root="../", step_url=url)
    acp = '<a href="../sources/#acp-2017" title="Qaseem A, et al. Ann Intern Med. 2017." '
    assert acp + 'data-grade="strong/moderate">ACP 2017</a>' in page
    assert '<span class="grade">strong/moderate</span>' in page
    assert 'data-grade="ungraded" data-late-source>Dr.Oracle AI answer</a>' in page
    assert "data-late-source" not in page[page.index(acp) : page.index("ACP 2017</a>")]
    assert page.index("#acp-2017") < page.index("#seed-treatment")


def test_outcomes_carry_data_grade_on_every_citation(graded: Flow) -> None:
    state = choose(graded, start(graded), "yes")
    for page in (
        render_step_html(graded, state, mode="static", site_root="", step_url=url),
        render_step_html(graded, state, mode="live", site_root="", step_url=url),
        render_summary_html(graded, state, site_root=""),
    ):
        for grade in (
            "usually not appropriate",
            "strong/moderate",
            "very low",
            "double-blind RCT, n=323",
            "do not offer",
            "A",
            "FDA safety communication",
            "ungraded",
        ):
            assert f'data-grade="{grade}"' in page, grade
        assert '<span class="rec">1.2.17 [2016]</span>' in page
        assert page.index("#friedman-2015") < page.index("#seed-treatment")


def test_the_outline_shows_grades(graded: Flow) -> None:
    outline = render_outline_html(graded, site_root="", step_url=url)
    assert outline.count("data-grade=") == 10


def test_the_clinical_note_and_review_table_carry_short_tags(graded: Flow) -> None:
    text = summary_text(graded, choose(graded, start(graded), "no"))
    assert (
        "- A muscle relaxant for a short course. [ACP 2017 strong/moderate; "
        "Cashin 2021 very low certainty; Friedman 2015 (double-blind RCT, n=323); "
        "Dr.Oracle AI answer (ungraded)]"
    ) in text
    assert (
        "- Do not offer TENS. [NICE NG59 1.2.17 [2016] do not offer; J Fam Pract 2020 SOR A" in text
    )
    sources = text.split("Sources:\n")[1]
    assert sources.index("ACP 2017:") < sources.index("NICE NG59:") < sources.index("Dr.Oracle")
    table = routes_markdown(graded)
    assert "NICE NG59 1.2.17 [2016] do not offer" in table
    assert "Dr.Oracle AI answer (ungraded)" in table


MISSING_GRADE_YAML = """\
id: mini
title: Mini flow
version: "1"
last_reviewed: 2026-11-21
review_status: draft
start: end
sources:
  acp-2017: {citation: ACP 2017., kind: guideline, published: "2017", grading: grade}
nodes:
  end:
    kind: outcome
    title: End
    urgency: routine
    text: Done.
    recommendations:
      - id: rest
        text: Rest.
        cite:
          - acp-2017
"""


def test_a_bare_id_of_a_graded_source_is_reported_at_its_line() -> None:
    pytest.importorskip("yaml")
    from engine.pipeline import load_flow_text

    with pytest.raises(FlowError) as caught:
        load_flow_text(MISSING_GRADE_YAML, "flows/x.yaml")
    assert [str(p) for p in caught.value.problems] == [
        'flows/x.yaml:19: node "end" recommendation "rest": citation of source '
        '"acp-2017" (grading grade) needs "rec" and "grade"; write it as '
        "{source: acp-2017, rec: ..., grade: strong/high} [missing-grade]"
    ]


def test_a_nice_citation_may_give_the_year_alone_when_the_number_is_unverified() -> None:
    data = graded_dict()
    data["nodes"]["q"]["cite"] = [dict(NICE, rec="[2020]")]
    flow = flow_from_dict(data)
    (citation,) = flow.node("q").cite
    assert short_tag(flow.source("nice-ng59"), citation) == "NICE NG59 [2020] do not offer"


def test_one_source_may_back_a_recommendation_through_several_of_its_recommendations() -> None:
    data = graded_dict()
    data["nodes"]["q"]["cite"] = [
        dict(NICE, rec="[2016]", grade="consider"),
        dict(NICE, rec="[2016]"),
        dict(NICE),
    ]
    assert len(flow_from_dict(data).node("q").cite) == 3
    data["nodes"]["q"]["cite"].append(dict(NICE))
    with pytest.raises(FlowError, match='node "q": "cite" lists "nice-ng59" twice'):
        flow_from_dict(data)


def test_an_undated_source_says_so() -> None:
    data = graded_dict()
    data["sources"]["seed-treatment"]["published"] = "undated"
    source = flow_from_dict(data).source("seed-treatment")
    assert source is not None and source.published == "undated"
    data["sources"]["seed-treatment"]["published"] = "n.d."
    with pytest.raises(FlowError, match=r'must be a year, YYYY-MM or YYYY-MM-DD .*or "undated"'):
        flow_from_dict(data)
