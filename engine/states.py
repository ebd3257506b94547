"""The state graph: `(node, facts)` states, the steps between them, and routes through them.

A state is where a walk is and the facts recorded so far; the steps out of it follow the flow's
meaning (`engine.semantics`): a question branches once per answer, a checklist once per route
some tick set takes under first-match (with the smallest such tick set as its witness, so 15 red
flags do not make 2**15 routes), an information step once. The graph is explored lazily and
each state's steps are kept with the flow in a typed memo (`StateMemo`), so the checks, the
analysis, the limits, the walk's static pages and the review table share one exploration.

Everything here is the walk's and the analysis's common ground; the proof itself (feasibility,
safety rules) is `engine.analysis`, which the walk never needs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from typing import Any, assert_never

from engine.model import (
    NONE_CHOICE,
    ChecklistNode,
    Choice,
    Flow,
    InfoNode,
    Node,
    OutcomeNode,
    QuestionNode,
)
from engine.semantics import (
    apply_set,
    checklist_branches,
    content_atoms,
    resolve_next,
    shown_recommendations,
    tick_facts,
)

FactsKey = tuple[tuple[str, str], ...]
"""Facts as sorted pairs: hashable, so states can be memoised."""
StateKey = tuple[str, FactsKey]
"""A state: the node and the facts recorded on the way to it."""


def facts_key(facts: dict[str, str]) -> FactsKey:
    return tuple(sorted(facts.items()))


@dataclass(frozen=True)
class Step:
    """One node passed on a route and what was chosen there."""

    node: str
    choice: Choice
    """Answer id, witness tick set, or None for an info node."""
    route_rule: int | None = None
    """Checklist only: index of the route rule taken."""


@dataclass(frozen=True)
class Route:
    """One distinct route from the start to an outcome."""

    steps: tuple[Step, ...]
    outcome: str
    facts: FactsKey
    """Facts recorded along the route (final values)."""
    recommendations: tuple[str, ...]
    """Ids of the outcome's recommendations shown on this route."""

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(step.choice for step in self.steps)


@dataclass
class StateMemo:
    """The steps out of each state explored so far, kept with the flow (`Flow.memo`)."""

    successors: dict[StateKey, list[tuple[Step, StateKey]]] = field(default_factory=dict)


def successors(flow: Flow, state: StateKey) -> list[tuple[Step, StateKey]]:
    """Every way on from a (node, facts) state, in the author's order (memoised on the flow)."""
    memo = flow.memo(StateMemo).successors
    found = memo.get(state)
    if found is not None:
        return found
    node_id, key = state
    node = flow.node(node_id)
    facts = dict(key)
    result: list[tuple[Step, StateKey]] = []
    match node:
        case QuestionNode():
            for answer in node.answers:
                after = apply_set(facts, answer.set)
                to = resolve_next(answer.next, after)
                if to is not None:
                    result.append((Step(node_id, answer.id), (to, facts_key(after))))
        case ChecklistNode():
            atoms = content_atoms(flow).get(node_id, ())
            for index, witness in checklist_branches(node, facts, atoms):
                route = node.routes[index]
                after = apply_set(facts, (*route.set, *tick_facts(flow, node, witness)))
                to = resolve_next(route.next, after)
                if to is not None:
                    result.append((Step(node_id, witness, index), (to, facts_key(after))))
        case InfoNode():
            to = resolve_next(node.next, facts)
            if to is not None:
                result.append((Step(node_id, None), (to, key)))
        case OutcomeNode():
            pass
        case _:
            assert_never(node)
    memo[state] = result
    return result


def start_state(flow: Flow) -> StateKey:
    return (flow.start, ())


def reachable_state_keys(flow: Flow, limit: int | None = None) -> set[StateKey]:
    """Every (node, facts) state some route passes, found without listing routes.

    With `limit`, the search stops as soon as more than `limit` states are found (the result
    then has `limit + 1`): a flow too big to check costs no more than its limit.
    """
    start = start_state(flow)
    seen = {start}
    queue = deque([start])
    while queue:
        for _, after in successors(flow, queue.popleft()):
            if after not in seen:
                seen.add(after)
                if limit is not None and len(seen) > limit:
                    return seen
                queue.append(after)
    return seen


def post_order(
    flow: Flow, start: StateKey, done: Container[StateKey] = frozenset()
) -> Iterator[StateKey]:
    """Every state reachable from `start` and not in `done`, each after every state it leads to
    (the graph is acyclic): sums and unions over routes without recursion or listing them."""
    expanded: set[StateKey] = set()
    stack: list[tuple[StateKey, bool]] = [(start, False)]
    while stack:
        state, ready = stack.pop()
        if ready:
            yield state
            continue
        if state in expanded or state in done:
            continue
        expanded.add(state)
        stack.append((state, True))
        for _, after in successors(flow, state):
            if after not in expanded and after not in done:
                stack.append((after, False))


def iter_routes(flow: Flow) -> Iterator[Route]:
    """Every route, depth first, in the order the author wrote answers and routes."""
    # Paths are linked lists (step, rest) turned into tuples only at an outcome, so listing the
    # routes costs their total length, not its square.
    Path = tuple[Step, Any] | None
    stack: list[tuple[StateKey, Path]] = [(start_state(flow), None)]
    while stack:
        state, path = stack.pop()
        node = flow.node(state[0])
        if isinstance(node, OutcomeNode):
            steps: list[Step] = []
            while path is not None:
                steps.append(path[0])
                path = path[1]
            shown = shown_recommendations(node, dict(state[1]))
            yield Route(tuple(reversed(steps)), node.id, state[1], tuple(r.id for r in shown))
            continue
        for step, after in reversed(successors(flow, state)):
            stack.append((after, (step, path)))


def enumerate_routes(flow: Flow) -> list[Route]:
    """Every distinct route start -> outcome (for review tables and static pages)."""
    return list(iter_routes(flow))


def describe_choice(flow: Flow, node: Node, choice: Choice) -> str:
    """What was chosen, in the words of the flow: answer text, ticked items, or "continue"."""
    match node:
        case QuestionNode() if isinstance(choice, str):
            answer = node.answer(choice)
            return answer.text if answer else choice
        case ChecklistNode() if isinstance(choice, frozenset):
            if node.none is not None and NONE_CHOICE in choice:
                return node.none
            ticked = [item.text for item in node.items if item.id in choice]
            return "ticked: " + "; ".join(ticked) if ticked else "nothing ticked"
        case _:
            return "continue"
