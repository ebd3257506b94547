"""Issue 15's outcome format, on the demo flow made action first (real engine, plain data).

Key actions, "None of these", not examined, content conditional on ticks (and its exact proof),
outcome tags in safety rules, the clinical note, the patient sheet, useless questions.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from flowdata import demo_dict

from engine import (
    Flow,
    FlowError,
    TokenError,
    WalkError,
    choose,
    clinical_note,
    decode_token,
    encode_token,
    enumerate_routes,
    flow_from_dict,
    flow_to_dict,
    render_advice_html,
    render_step_html,
    start,
    view,
)
from engine.analysis import lint_problems
from engine.render import NOTE_LIMIT, NOTE_TIME, note_problems

CITE = [{"source": "acp-2017", "rec": "Recommendation 1", "grade": "strong/moderate"}]


def act(text: str, **more: Any) -> dict[str, Any]:
    return {"text": text, "cite": CITE, **more}


def action_first() -> dict[str, Any]:
    """The demo flow with "None of these", not examined, key actions, a fever group, a sheet."""
    data = demo_dict()
    nodes = data["nodes"]
    flags = nodes["red-flags"]
    flags["none"] = "None of these"
    flags["items"][0]["group"] = "Cauda equina syndrome"
    flags["items"][1]["group"] = "Infection"
    flags["items"].append(
        {
            "id": "slr-not-done",
            "text": "Straight-leg raise not done",
            "not_examined": "Root pain is not excluded.",
        }
    )
    nodes["emergency"]["actions"] = [
        act("Refer now for an **emergency MRI**."),
        act("Do not give back-pain drugs first."),
        act("Hand over which signs are present."),
        act(
            "Fever too: think of an epidural abscess; take blood cultures.",
            when={"at": "red-flags", "ticked": ["fever"]},
            tags=["infection-group"],
        ),
    ]
    nodes["urgent"]["actions"] = [
        act("Arrange same-day review."),
        act("Check the temperature."),
        act("Take blood cultures.", tags=["infection-group"]),
    ]
    nodes["advice"]["actions"] = [
        act("Stay active."),
        act("Avoid bed rest."),
        act("Review in 2 weeks."),
    ]
    nodes["advice"]["tags"] = ["any-age"]
    nodes["advice"]["recommendations"][0]["group"] = "Activity"
    nodes["advice"]["patient"] = {
        "probably": "A back muscle spasm.",
        "do": ["Keep moving."],
        "avoid": ["Bed rest."],
        "get_help_now": ["Numbness between the legs, or trouble passing urine."],
        "come_back": ["Not better in 2 weeks."],
    }
    data["safety"].append(
        {
            "id": "fever-group-shown",
            "text": "A ticked fever always shows the infection actions.",
            "when": {"at": "red-flags", "ticked": ["fever"]},
            "require": {"recommends": ["infection-group"]},
        }
    )
    return data


@pytest.fixture(scope="module")
def flow() -> Flow:
    return flow_from_dict(action_first())


def url(token: str) -> str:
    return f"/algorithm/{token}/"


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FlowError) as caught:
        flow_from_dict(data)
    return [p.message for p in caught.value.problems]


# --- None of these -----------------------------------------------------------------------------


def test_none_of_these_is_exclusive_and_nothing_ticked_is_no_answer(flow: Flow) -> None:
    with pytest.raises(WalkError, match='tick what applies, or "None of these"'):
        choose(flow, start(flow), frozenset())
    with pytest.raises(WalkError, match="cannot be ticked with other items"):
        choose(flow, start(flow), frozenset({"none", "fever"}))
    state = choose(flow, start(flow), frozenset({"none"}))
    assert view(flow, state).node.id == "age"
    token = encode_token(flow, state)
    assert decode_token(flow, token) == state
    # The same token body with the none bit cleared (nothing ticked) is refused.
    empty = encode_token(
        flow_from_dict(demo_dict()),
        choose(flow_from_dict(demo_dict()), start(flow_from_dict(demo_dict())), frozenset()),
    )
    with pytest.raises(TokenError):
        decode_token(flow, token[:4] + empty[4:])


def test_analysis_walks_none_of_these_as_its_own_tick(flow: Flow) -> None:
    first = {route.steps[0].choice for route in enumerate_routes(flow)}
    assert frozenset({"none"}) in first and frozenset() not in first


# --- conditional content, its proof, outcome tags ------------------------------------------------


def test_actions_follow_the_ticks_and_every_combination_is_a_route(flow: Flow) -> None:
    alone = view(flow, choose(flow, start(flow), frozenset({"saddle"})))
    both = view(flow, choose(flow, start(flow), frozenset({"saddle", "fever"})))
    assert len(alone.actions) == 3 and len(both.actions) == 4
    assert "epidural abscess" in both.actions[-1].text
    ends = [r.steps[0].choice for r in enumerate_routes(flow) if r.outcome == "emergency"]
    assert len(ends) == 2  # saddle alone, and saddle with fever


def test_a_ticked_group_missing_from_the_outcome_breaks_the_rule() -> None:
    data = action_first()
    del data["nodes"]["emergency"]["actions"][3]["tags"]
    data["nodes"]["urgent"]["actions"][2]["tags"] = ["infection-group"]
    (message,) = problems_of(data)
    assert message.startswith('safety rule "fever-group-shown" is broken by the route Red flags')
    assert "Saddle anaesthesia; Fever" in message
    assert 'no recommendation tagged "infection-group" is shown (nor key action)' in message


def test_outcome_tags_prove_no_child_route_ends_at_an_adult_outcome() -> None:
    data = action_first()
    data["nodes"]["advice"]["tags"] = ["adult"]
    data["safety"].append(
        {
            "id": "no-child-at-adult-outcome",
            "text": "No child route ends at an adult outcome.",
            "when": {"fact": "age_group", "equals": "child"},
            "require": {"never_outcome_tags": ["adult"]},
        }
    )
    (message,) = problems_of(data)
    assert 'Age: Under 18 -> outcome "Self-care" (self-care)' in message
    assert 'the outcome "advice" is tagged "adult"' in message


def test_key_actions_are_counted_on_every_route() -> None:
    data = action_first()
    data["nodes"]["urgent"]["actions"].pop(0)
    (message,) = problems_of(data)
    assert message.startswith('[key-actions] outcome "urgent" shows 2 key action(s)')


def test_the_format_survives_the_json_round_trip_in_any_node_order(flow: Flow) -> None:
    data = flow_to_dict(flow)
    nodes = data["nodes"]
    data["nodes"] = {k: nodes[k] for k in reversed(list(nodes))}  # outcomes before the checklist
    again = flow_from_dict(data)
    assert [again.node(n.id) for n in flow.nodes] == list(flow.nodes)


# --- rendering ---------------------------------------------------------------------------------


def test_outcome_is_action_first_with_the_contracts(flow: Flow) -> None:
    state = choose(flow, start(flow), frozenset({"saddle", "fever"}))
    page = render_step_html(flow, state, mode="static", site_root="", step_url=url)
    outcome = page[page.index('data-urgency="emergency"') :]
    assert (
        outcome.index("Emergency: act now") < outcome.index("<h2") < outcome.index("data-actions")
    )
    actions = re.search(r"<ol class=\"key-actions\" data-actions>(.*?)</ol>", page)
    assert actions and actions.group(1).count("<li") == 4
    assert actions.group(1).count("data-grade=") == 4
    assert "<strong>emergency MRI</strong>" in actions.group(1)
    assert 'data-flag-group="cauda-equina-syndrome"' in page
    assert 'data-flag-group="infection"' in page
    assert "of at most" not in page  # nothing comes after an outcome


def test_detail_is_grouped_and_folded(flow: Flow) -> None:
    state = choose(flow, choose(flow, start(flow), frozenset({"none"})), "adult")
    page = render_step_html(flow, state, mode="live", site_root="", step_url=url)
    assert '<details class="recommendation-group"><summary>Activity' in page
    assert '<details class="recommendation-group"><summary>Detail' in page
    assert page.index("data-actions") < page.index("recommendation-group")


def test_live_checklist_has_an_exclusive_none_box_and_group_headings(flow: Flow) -> None:
    page = render_step_html(flow, start(flow), mode="live", site_root="", step_url=url)
    assert 'name="item" id="item-red-flags-none" value="none" data-none>' in page
    assert '<p class="item-group">Cauda equina syndrome</p>' in page


def test_the_note_is_plain_short_and_says_the_negatives(flow: Flow) -> None:
    state = choose(flow, choose(flow, start(flow), frozenset({"none"})), "adult")
    note = clinical_note(flow, state, "2026-12-01 20:15")
    assert len(note) <= NOTE_LIMIT
    assert "Assessed: 2026-12-01 20:15" in note and "version 1.0.0" in note
    assert "Red flags: none of 2 present." in note  # the not-examined item is not a finding
    assert "Outcome: Self-care (Self-care)." in note
    assert "- Stay active. [acp-2017]" in note
    assert "*" not in note and "<" not in note
    page = render_step_html(flow, state, mode="static", site_root="", step_url=url)
    head = "Demo flow (flowchart demo version 1.0.0). Assessed: "
    assert f'<pre class="note" data-note>{head}{NOTE_TIME}' in page
    assert "Full summary text" in page


def test_the_note_records_what_was_not_examined(flow: Flow) -> None:
    state = choose(flow, start(flow), frozenset({"slr-not-done"}))
    note = clinical_note(flow, state)
    assert "Not examined: Straight-leg raise not done: Root pain is not excluded." in note
    page = render_step_html(flow, state, mode="static", site_root="", step_url=url)
    assert '<div class="not-examined">' in page


def test_a_long_note_is_cut_to_the_limit_and_reported() -> None:
    data = action_first()
    words = " ".join(["word"] * 29)
    data["nodes"]["advice"]["actions"] = [act(f"{n} {words}") for n in range(7)]
    flow = flow_from_dict(data)
    state = choose(flow, choose(flow, start(flow), frozenset({"none"})), "adult")
    assert len(clinical_note(flow, state, "2026-12-01 20:15")) <= NOTE_LIMIT
    (problem,) = note_problems(flow, [state])
    assert problem.rule == "note-too-long"
    assert problem.message.startswith('the clinical note of outcome "advice"')


def test_the_patient_sheet_is_its_own_fragment(flow: Flow) -> None:
    sheet = render_advice_html(flow, "advice", site_root="")
    assert sheet is not None
    assert sheet.startswith('<article class="advice-sheet" data-advice="advice"')
    for heading in (
        "What it probably is",
        "What to do",
        "What to avoid",
        "Get help at once if",
        "Come back if",
    ):
        assert f"<h2>{heading}</h2>" in sheet
    assert render_advice_html(flow, "emergency", site_root="") is None
    page = render_step_html(
        flow,
        choose(flow, choose(flow, start(flow), frozenset({"none"})), "adult"),
        mode="static",
        site_root="",
        step_url=url,
        advice_url=lambda outcome: f"/algorithm/advice/{outcome}/",
    )
    assert '<a href="/algorithm/advice/advice/">Patient advice sheet (printable)</a>' in page


# --- useless questions --------------------------------------------------------------------------


def test_a_question_that_changes_nothing_is_reported(flow: Flow) -> None:
    assert lint_problems(flow) == []  # age changes the relaxant recommendation
    data = copy.deepcopy(action_first())
    del data["nodes"]["advice"]["recommendations"][1]["when"]
    data["safety"] = [r for r in data["safety"] if r["id"] != "no-relaxant-for-children"]
    useless = flow_from_dict(data)
    (problem,) = lint_problems(useless)
    assert problem.message.startswith(
        '[useless-question] question "age" cannot change anything when it is reached with no '
        'facts yet: every answer ends at outcome "advice"'
    )
