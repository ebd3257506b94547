"""The shape check's references: checked when met, reported after every part's own problems,
and nothing of them kept once the flow is built (engine.shape.references)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from flowdata import demo_dict

from engine.shape import Builder, build_flow


def outcome_first(when: dict[str, Any], extra_item: dict[str, Any]) -> dict[str, Any]:
    """The demo flow with its outcome "advice" written before the checklist it names."""
    data = demo_dict()
    nodes = data["nodes"]
    advice = nodes.pop("advice")
    advice["recommendations"][0]["when"] = when
    nodes["red-flags"]["items"].append(extra_item)
    data["nodes"] = {"advice": advice, **nodes}
    return data


def shown(data: dict[str, Any]) -> list[str]:
    _, problems = build_flow(data, "demo")
    return [f"{p.message} [{p.rule}]" for p in problems]


def test_a_condition_may_tick_an_item_of_a_checklist_written_after_it() -> None:
    data = outcome_first({"at": "red-flags", "ticked": "fever"}, {"id": "numb", "text": "Numb"})
    assert shown(data) == []


def test_items_a_checklist_cannot_have_are_unknown_to_conditions_written_before_it() -> None:
    """Phase 1 keeps a checklist's item ids as its reader does: a malformed or reserved id is no
    item, wherever the condition naming it is written."""
    for bad, rule in (("Bad_Id", "bad-id"), ("none", "reserved-id")):
        data = outcome_first({"at": "red-flags", "ticked": [bad]}, {"id": bad, "text": "Bad"})
        problems = shown(data)
        assert len(problems) == 2, problems
        # The item's own problem first, though the condition naming it was met before it
        assert problems[0].endswith(f"[{rule}]")
        assert problems[1] == (
            f'node "advice" recommendation "stay-active": checklist "red-flags" has no item '
            f'"{bad}"; known items are: fever, saddle [unknown-item]'
        )


def test_reference_problems_follow_part_problems_in_the_order_met() -> None:
    data = demo_dict()
    data["start"] = "nowhere"
    data["nodes"]["age"]["answers"][0]["next"] = "elsewhere"
    data["nodes"]["age"]["title"] = ""
    problems = shown(data)
    assert [p.split(" [")[-1] for p in problems] == [
        "empty-value]",
        "unknown-node]",
        "unknown-node]",
    ]
    assert '"elsewhere"' in problems[1] and '"nowhere"' in problems[2]


def test_the_builder_is_freed_without_the_cyclic_collector() -> None:
    """The whole check runs with the cyclic garbage collector paused (engine.verify): a
    reference cycle through the builder (a recorded check holding it) kept every table and
    every recorded reference alive until the end of the safety proof."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        builder = Builder("demo")
        assert builder.flow(demo_dict()) is not None
        gone = weakref.ref(builder)
        del builder
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()
