"""Route analysis: exact checklist routes under first-match, conservative safety rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine import Flow, FlowError, enumerate_routes, flow_from_dict
from engine.semantics import checklist_branches

BASE: dict[str, Any] = {
    "id": "t",
    "title": "T",
    "version": "1",
    "last_reviewed": "2026-11-21",
    "review_status": "draft",
    "start": "flags",
    "facts": {"age": {"label": "Age", "values": ["child", "adult"]}},
    "sources": {
        "s": {"citation": "S.", "kind": "textbook", "published": "2026", "grading": "none"}
    },
    "nodes": {
        "flags": {
            "kind": "checklist",
            "title": "Flags",
            "text": "Tick.",
            "items": [{"id": i, "text": i.upper()} for i in ("x", "a", "b")],
            "routes": [],
        },
        "age": {
            "kind": "question",
            "title": "Age",
            "text": "Age?",
            "answers": [
                {"id": "child", "text": "Child", "set": {"age": "child"}, "next": "calm"},
                {"id": "adult", "text": "Adult", "set": {"age": "adult"}, "next": "calm"},
            ],
        },
        "hot": {
            "kind": "outcome",
            "title": "Hot",
            "text": "Go.",
            "urgency": "emergency",
            "recommendations": [{"id": "go", "text": "Go.", "cite": ["s"]}],
        },
        "calm": {
            "kind": "outcome",
            "title": "Calm",
            "text": "Rest.",
            "urgency": "self-care",
            "recommendations": [
                {"id": "rest", "text": "Rest.", "cite": ["s"], "tags": ["rest"]},
                {
                    "id": "pill",
                    "text": "Pill.",
                    "cite": ["s"],
                    "tags": ["pill"],
                    "when": {"fact": "age", "equals": "adult"},
                },
            ],
        },
    },
}


def flow_with(routes: list[dict[str, Any]], safety: list[dict[str, Any]] | None = None) -> Flow:
    data = copy.deepcopy(BASE)
    data["nodes"]["flags"]["routes"] = routes
    if safety:
        data["safety"] = safety
    return flow_from_dict(data)


def problems_of(routes: list[dict[str, Any]], safety: list[dict[str, Any]] | None = None) -> str:
    with pytest.raises(FlowError) as caught:
        flow_with(routes, safety)
    return str(caught.value)


def test_witnesses_are_the_fewest_ticks_earliest_items_first() -> None:
    flow = flow_with(
        [
            {"when": {"ticked": ["a", "b"]}, "label": "A or B", "next": "hot"},
            {"when": {"ticked": "any"}, "label": "Other", "next": "hot"},
            {"label": "None", "next": "age"},
        ]
    )
    branches = checklist_branches(flow.node("flags"), {})
    assert branches == [(0, frozenset({"a"})), (1, frozenset({"x"})), (2, frozenset())]


def test_a_route_needing_two_items_gets_both() -> None:
    flow = flow_with(
        [
            {
                "when": {"all": [{"ticked": "a"}, {"ticked": "b"}]},
                "label": "A and B",
                "next": "hot",
            },
            {"label": "Else", "next": "age"},
        ]
    )
    assert checklist_branches(flow.node("flags"), {})[0] == (0, frozenset({"a", "b"}))


def test_a_route_shadowed_by_earlier_routes_is_reported() -> None:
    message = problems_of(
        [
            {"when": {"not": {"ticked": "none"}}, "label": "Something", "next": "hot"},
            {"when": {"ticked": "b"}, "label": "B", "next": "hot"},
            {"label": "Else", "next": "age"},
        ]
    )
    # Whenever B is ticked, something is ticked: "Something" always wins first.
    assert 'route 2 ("B") can never be taken' in message


def test_routes_count_once_each_not_per_tick_combination() -> None:
    flow = flow_with(
        [
            {"when": {"ticked": "any"}, "label": "Any", "next": "hot"},
            {"label": "None", "next": "age"},
        ]
    )
    assert len(enumerate_routes(flow)) == 3  # any -> hot; none -> child; none -> adult


def test_a_rule_applies_where_its_premise_could_hold() -> None:
    routes = [
        {"when": {"ticked": "a"}, "label": "A", "next": "hot"},
        {"label": "Anything else", "next": "age"},
    ]
    rule = {"text": "Escalate.", "require": {"urgency": ["emergency"]}}
    # B may be ticked on "Anything else": the rule applies there and fails.
    message = problems_of(routes, [{"id": "b", **rule, "when": {"at": "flags", "ticked": "b"}}])
    assert (
        'safety rule "b" is broken by the route Flags: "Anything else" (for example ticked: B)'
        in message
    )
    # A can never be ticked on "Anything else": the rule never applies there, and holds.
    flow_with(routes, [{"id": "a", **rule, "when": {"at": "flags", "ticked": "a"}}])


def test_rules_on_answers_facts_and_recommended_tags() -> None:
    routes = [
        {"when": {"ticked": "any"}, "label": "Any", "next": "hot"},
        {"label": "None", "next": "age"},
    ]
    flow_with(
        routes,
        [
            {
                "id": "no-pill-for-children",
                "text": "No pill for a child.",
                "when": {"at": "age", "answer": "child"},
                "require": {"never_recommends": ["pill"]},
            }
        ],
    )
    message = problems_of(
        routes,
        [
            {
                "id": "pill-for-adults",
                "text": "Adults get a pill.",
                "when": {"visited": "age"},
                "require": {"recommends": ["pill"]},
            }
        ],
    )
    assert 'Age: Child -> outcome "Calm" (self-care): no recommendation tagged "pill"' in message


def test_a_rule_on_visiting_an_outcome_applies_when_the_route_ends_there() -> None:
    routes = [
        {"when": {"ticked": "any"}, "label": "Any", "next": "hot"},
        {"label": "None", "next": "age"},
    ]
    message = problems_of(
        routes,
        [
            {
                "id": "calm-means-a-pill",
                "text": "Whoever ends calm gets a pill.",
                "when": {"visited": "calm"},
                "require": {"recommends": ["pill"]},
            }
        ],
    )
    assert 'safety rule "calm-means-a-pill" is broken by the route' in message
    assert 'outcome "Calm" (self-care): no recommendation tagged "pill"' in message
