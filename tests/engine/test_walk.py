"""Walking the demo flow: start, choose, back, change, restart, view, reachable states."""

from __future__ import annotations

import pytest

from engine import (
    Flow,
    State,
    WalkError,
    back,
    change,
    choose,
    reachable_states,
    restart,
    start,
    view,
)


def test_start_shows_the_first_step(demo: Flow) -> None:
    state = start(demo)
    assert state == State("demo", "1.0.0", ())
    current = view(demo, state)
    assert current.node.id == "red-flags"
    assert (current.k, current.n) == (1, 3)
    assert current.answered == ()


def test_a_walk_ends_in_an_outcome_with_its_recommendations(demo: Flow) -> None:
    state = choose(demo, choose(demo, start(demo), frozenset()), "child")
    current = view(demo, state)
    assert current.is_outcome
    assert current.node.id == "advice"
    assert [r.id for r in current.recommendations] == ["stay-active"]
    assert current.facts == (("age_group", "child"),)
    assert (current.k, current.n) == (3, 3)


def test_first_matching_checklist_route_wins(demo: Flow) -> None:
    both = choose(demo, start(demo), frozenset({"saddle", "fever"}))
    assert view(demo, both).node.id == "emergency"
    fever = choose(demo, start(demo), ["fever"])
    assert view(demo, fever).node.id == "urgent"


def test_wrong_choices_are_refused_with_their_fields(demo: Flow) -> None:
    with pytest.raises(WalkError) as caught:
        choose(demo, start(demo), "adult")
    assert caught.value.node == "red-flags"
    with pytest.raises(WalkError, match="no item"):
        choose(demo, start(demo), frozenset({"headache"}))
    done = choose(demo, start(demo), frozenset({"saddle"}))
    with pytest.raises(WalkError, match="outcome"):
        choose(demo, done, None)


def test_back_and_restart(demo: Flow) -> None:
    state = choose(demo, choose(demo, start(demo), frozenset()), "adult")
    assert back(demo, state).choices == (frozenset(),)
    assert back(demo, start(demo)) == start(demo)
    assert restart(demo) == start(demo)


def test_change_keeps_later_answers_that_still_apply(demo: Flow) -> None:
    state = choose(demo, choose(demo, start(demo), frozenset()), "adult")
    changed = change(demo, state, 1, "child")
    assert changed.choices == (frozenset(), "child")
    # Ticking a red flag leaves the age question behind: its answer is dropped.
    escalated = change(demo, state, 0, frozenset({"fever"}))
    assert escalated.choices == (frozenset({"fever"}),)
    # Untouched: no ticks again keeps the age answer.
    same = change(demo, state, 0, frozenset())
    assert same == state
    with pytest.raises(WalkError):
        change(demo, state, 5, "adult")


def test_reachable_states_are_every_prefix_once(demo: Flow) -> None:
    states = reachable_states(demo)
    choices = [s.choices for s in states]
    assert choices[0] == ()
    assert len(choices) == len(set(choices)) == 6
    assert (frozenset(), "adult") in choices
