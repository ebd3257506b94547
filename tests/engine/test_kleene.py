"""One three-valued (Kleene) reading of conditions, for the checklist search and the safety proof.

The checklist evaluator used to read a leaf it cannot decide (an answer or a visit: route facts
no tick says anything about) as FALSE, so `not` of it became a certainty (TRUE), while the safety
proof read the same leaf from the route. One evaluator now reads such a leaf as UNKNOWN, and
`not` of UNKNOWN stays UNKNOWN.
"""

from __future__ import annotations

from engine.analysis import three_valued
from engine.model import AllOf, AnyOf, FactIs, Not, Ticked, Visited
from engine.semantics import FALSE, TRUE, UNKNOWN, partial_truth, satisfying_ticks

VISITED = Visited("exam")


def test_not_of_a_leaf_the_ticks_cannot_decide_stays_unknown() -> None:
    assert partial_truth(VISITED, {}, {}, ()) == UNKNOWN
    assert partial_truth(Not(VISITED), {}, {}, ()) == UNKNOWN
    # so no tick set is offered as making it true
    assert satisfying_ticks(Not(VISITED), {}, ("a",)) is None


def test_the_route_reading_of_the_same_condition() -> None:
    atoms = [VISITED]
    assert three_valued(Not(VISITED), atoms, (UNKNOWN,), {}) == UNKNOWN
    assert three_valued(Not(VISITED), atoms, (TRUE,), {}) == FALSE
    assert three_valued(Not(VISITED), atoms, (FALSE,), {}) == TRUE


def test_both_read_not_all_any_and_facts_alike() -> None:
    """Where both can decide every leaf, the checklist and the route readings agree."""
    tick = Ticked("items", ("a",))
    adult = FactIs("age", ("adult",))
    conditions = (Not(tick), Not(AllOf((tick, adult))), AnyOf((Not(tick), Not(adult))))
    for condition in conditions:
        for ticked in (True, False):
            for facts in ({"age": "adult"}, {"age": "child"}, {}):
                checklist = partial_truth(condition, facts, {"a": ticked}, ("a",))
                route = three_valued(condition, [tick], (TRUE if ticked else FALSE,), facts)
                assert checklist == route, (condition, ticked, facts)
