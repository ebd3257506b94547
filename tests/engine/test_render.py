"""Rendering: semantic, escaped, deterministic HTML for static pages and the live walker."""

from __future__ import annotations

import html
import importlib.util
import json
import subprocess
import sys

import pytest
from flowdata import ROOT
from hypothesis import given
from hypothesis import strategies as st

from engine import (
    Flow,
    bridge,
    choose,
    encode_token,
    flow_from_dict,
    flow_to_dict,
    reachable_states,
    render_outline_html,
    render_step_html,
    render_summary_html,
    routes_markdown,
    start,
    summary_text,
)
from engine.render import esc, markdown
from engine.render.prerender import artefact
from engine.serialize import RENDERED, trusted_flow_from_dict


def url(token: str) -> str:
    return f"/algorithm/{token}/"


def test_static_question_links_each_answer(demo: Flow) -> None:
    state = choose(demo, start(demo), frozenset())
    page = render_step_html(demo, state, mode="static", site_root="../../", step_url=url)
    assert '<h2 id="step-age">Age</h2>' in page
    assert page.count('class="answer" href="/algorithm/') == 2
    assert "Step 2 of at most 3" in page
    assert "<button" not in page and "<script" not in page and " style=" not in page
    # The typed `last_reviewed` date is no longer shown (issue 16): the page shows a derived status.
    assert "version 1.0.0" in page and "2026-11-21" not in page


def test_static_checklist_lists_items_and_routes_with_witnesses(demo: Flow) -> None:
    page = render_step_html(demo, start(demo), mode="static", site_root="", step_url=url)
    assert page.count('class="route"') == 3
    # Review finding 13: a page without tick boxes does not talk about ticking.
    assert "(for example: Saddle anaesthesia)" in page
    assert "(for example: none of the items above)" in page
    assert "ticked" not in page
    assert '<details class="help" id="help-red-flags-saddle">' in page


def test_live_checklist_is_a_form_with_a_fieldset(demo: Flow) -> None:
    page = render_step_html(demo, start(demo), mode="live", site_root="", step_url=url)
    assert '<form class="checklist" data-action="tick"' in page
    # The boxes in a div of their own: a fieldset lays out all its children as one is added.
    assert '<legend>Tick every item that applies</legend><div class="checklist-items">' in page
    assert 'type="checkbox" name="item" id="item-red-flags-saddle" value="saddle"' in page
    assert 'aria-describedby="help-red-flags-saddle"' in page


def test_live_question_has_buttons_back_and_change(demo: Flow) -> None:
    state = choose(demo, start(demo), frozenset())
    page = render_step_html(demo, state, mode="live", site_root="", step_url=url)
    assert '<button type="button" class="answer" data-action="choose" data-choice="child">' in page
    assert 'data-action="back"' in page and 'data-action="restart"' in page
    assert 'data-action="change" data-step="0"' in page


def test_outcome_reads_like_its_urgency_and_cites(demo: Flow) -> None:
    state = choose(demo, start(demo), frozenset({"saddle"}))
    page = render_step_html(demo, state, mode="static", site_root="../", step_url=url)
    assert 'class="outcome urgency-emergency"' in page
    assert "Emergency: act now" in page
    assert 'href="../sources/#acp-2017"' in page


def test_rendering_is_deterministic(demo: Flow) -> None:
    state = choose(demo, start(demo), frozenset())
    first = render_step_html(demo, state, mode="live", site_root="", step_url=url)
    assert first == render_step_html(demo, state, mode="live", site_root="", step_url=url)


def test_summary_html_and_text(demo: Flow) -> None:
    state = choose(demo, choose(demo, start(demo), frozenset()), "adult")
    page = render_summary_html(demo, state, site_root="")
    assert "<h3>Route taken</h3>" in page and "<dt>Age group</dt><dd>adult</dd>" in page
    text = summary_text(demo, state)
    assert "2. Age: 18 or older" in text
    # The source now carries its grade (issue 14): the note shows its short tag.
    assert "- A muscle relaxant may be added for a short course. [acp-2017 strong/moderate]" in text
    assert "supports, not replaces, clinical judgement" in text


def test_outline_and_review_table(demo: Flow) -> None:
    outline = render_outline_html(demo, site_root="", step_url=url)
    assert outline.count('<li class="outline-node') == 5
    assert "Only when not Age group is child." in outline
    table = routes_markdown(demo)
    assert "4 routes" in table
    assert "| 4 | Red flags: nothing ticked → Age: 18 or older |" in table


def test_markdown_is_escaped_and_links_are_checked(demo: Flow) -> None:
    data = flow_to_dict(demo)
    advice = data["nodes"]["advice"]
    advice["text"] = (
        "<script>alert(1)</script> [bad](javascript:alert(1)) [page](treatment.md#rest) "
        "![pixel](https://tracker.example/p.png)"
    )
    advice["title"] = "<b>Self</b>-care [x](https://example.org)"
    flow = flow_from_dict(data)
    state = choose(flow, choose(flow, start(flow), frozenset()), "adult")
    page = render_step_html(flow, state, mode="static", site_root="../../", step_url=url)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert '<a href="../../treatment/#rest">page</a>' in page
    assert "<img" not in page
    assert "&lt;b&gt;Self&lt;/b&gt;-care [x](https://example.org)" in page


def test_answers_can_link_to_guideline_pages(demo: Flow) -> None:
    data = flow_to_dict(demo)
    data["nodes"]["age"]["answers"][0]["links"] = [{"text": "Children", "page": "children.md"}]
    flow = flow_from_dict(data)
    state = choose(flow, start(flow), frozenset())
    page = render_step_html(flow, state, mode="live", site_root="../../", step_url=url)
    assert (
        '<ul class="guideline-links"><li><a href="../../children/">Children</a></li></ul>' in page
    )
    assert flow_from_dict(flow_to_dict(flow)) == flow


def test_outline_shows_only_when_once_for_a_recommendation_holding_a_list(demo: Flow) -> None:
    """Issue 12: the outline used to patch `</li>` in the rendered recommendation, so a
    recommendation whose Markdown holds a list got its "Only when" note once per list item too."""
    data = flow_to_dict(demo)
    relaxant = data["nodes"]["advice"]["recommendations"][1]
    assert relaxant["id"] == "relaxant" and "when" in relaxant
    relaxant["text"] = "A muscle relaxant may be added:\n\n- for a short course\n- at night"
    outline = render_outline_html(flow_from_dict(data), site_root="", step_url=url)
    assert outline.count("Only when not Age group is child.") == 1
    assert "<li>for a short course</li>" in outline and "<li>at night</li>" in outline


@given(st.text())
def test_esc_is_html_escape(text: str) -> None:
    """`esc` is written out (the walker ships without the `html` package); it must not differ."""
    assert esc(text) == html.escape(text, quote=True)


def test_one_rendering_serves_every_depth_of_page() -> None:
    """A text is rendered once, split where the site root goes (a NUL in the text is no split)."""
    text = "See [rest](treatment.md#rest) and [care](care/index.md) \x00 & **more**."
    assert markdown(text, "../../") == (
        '<p>See <a href="../../treatment/#rest">rest</a> and '
        '<a href="../../care/">care</a> \ufffd &amp; <strong>more</strong>.</p>'
    )
    assert markdown(text, '/a&b"/').count('href="/a&amp;b&quot;/') == 2
    assert markdown(text, "").startswith('<p>See <a href="treatment/#rest">')


WALKER_WITHOUT_MARKDOWN = """
import json, sys
sys.modules["markdown_it"] = None  # as in the browser: no Markdown library to import
from engine import bridge
out = []
for text, tokens in json.load(sys.stdin):
    flow_id = bridge.add_flow(text, bridge.digest(text))
    for token in tokens:
        request = {"op": "open", "flow": flow_id, "token": token, "site_root": "../"}
        response = bridge.respond(request)
        out.append([response["html"], response["summary_text"]])
json.dump(out, sys.stdout)
"""


def walker_flows(demo: Flow) -> list[Flow]:
    flows = [demo]
    if importlib.util.find_spec("yaml") is not None:
        from engine.pipeline import load_flow_file

        flows += [
            load_flow_file(p, f"flows/{p.name}") for p in sorted((ROOT / "flows").glob("*.yaml"))
        ]
    return flows


@pytest.mark.skipif(sys.platform == "emscripten", reason="no subprocesses in Pyodide")
def test_the_walker_renders_every_state_byte_for_byte_without_markdown_it(demo: Flow) -> None:
    """Issue 17: with the artefact's renderings the walker needs no Markdown library, and its
    step HTML is exactly what the static build renders live for the same state."""
    flows = walker_flows(demo)
    work = []
    expected = []
    for flow in flows:
        text = json.dumps(artefact(flow), ensure_ascii=False)
        states = reachable_states(flow)
        work.append([text, [encode_token(flow, state) for state in states]])
        for state in states:
            html_ = render_step_html(flow, state, mode="live", site_root="../", step_url=url)
            expected.append([html_, summary_text(flow, state)])
    result = subprocess.run(
        [sys.executable, "-c", WALKER_WITHOUT_MARKDOWN],
        input=json.dumps(work),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    walked = json.loads(result.stdout)
    assert len(walked) == len(expected) > 100
    for got, want in zip(walked, expected, strict=True):
        assert got == want


def test_the_artefact_is_the_flow_plus_its_renderings(demo: Flow) -> None:
    data = artefact(demo)
    assert {key: v for key, v in data.items() if key != RENDERED} == flow_to_dict(demo)
    assert flow_from_dict(data) == demo == trusted_flow_from_dict(data)
    assert "Keep moving; avoid bed rest." in data[RENDERED]["block"]


def test_an_unchecked_artefacts_renderings_are_not_used(demo: Flow) -> None:
    """Only the checked artefact (hash from the page) is trusted with HTML; any other text is
    fully checked and its Markdown rendered here, escaped."""
    data = artefact(demo)
    data["nodes"]["advice"]["text"] = "Rest a little."
    data[RENDERED]["block"]["Rest a little."] = ["<script>alert(1)</script>"]
    text = json.dumps(data)
    flow_id = bridge.add_flow(text, "0" * 12)  # not its hash
    state = choose(demo, choose(demo, start(demo), frozenset()), "adult")
    request = {"op": "open", "flow": flow_id, "token": encode_token(demo, state), "site_root": ""}
    page = bridge.respond(request)["html"]
    assert "<p>Rest a little.</p>" in page and "<script>" not in page
