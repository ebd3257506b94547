"""Walking a flow: pure functions over an immutable State.

A State is only the flow's id and version and the choices made so far; everything else (the
current node, the facts, the answered steps) is replayed from the start each time. Replaying a
route of a few dozen steps costs microseconds, and it means a state can never disagree with the
flow it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import assert_never

from engine.graph import longest_remaining
from engine.model import (
    NONE_CHOICE,
    Action,
    ChecklistNode,
    Choice,
    Flow,
    InfoNode,
    Node,
    OutcomeNode,
    QuestionNode,
    Recommendation,
)
from engine.semantics import (
    apply_set,
    checklist_route,
    real_ticks,
    resolve_next,
    shown_actions,
    shown_recommendations,
    tick_facts,
)
from engine.states import FactsKey, StateKey, facts_key, start_state, successors


class WalkError(ValueError):
    """A choice that does not fit the step it was made at; carries where and what."""

    def __init__(self, message: str, *, node: str | None = None, choice: object = None) -> None:
        super().__init__(message)
        self.node = node
        self.choice = choice


@dataclass(frozen=True)
class State:
    """Where a walk is: the flow it belongs to and every choice made, in order."""

    flow_id: str
    version: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class AnsweredStep:
    """A step already answered, as the summary and the "change" controls show it."""

    index: int
    """Position in `State.choices` (pass it to `change`)."""
    node: Node
    choice: Choice
    route_rule: int | None
    """Checklist only: index of the route the ticks took."""


@dataclass(frozen=True)
class StepView:
    """Everything needed to show the current step."""

    node: Node
    k: int
    """k in "step k of at most n" (1-based)."""
    n: int
    """n: k plus the most steps left on any route from here (the outcome counts)."""
    answered: tuple[AnsweredStep, ...]
    facts: FactsKey
    recommendations: tuple[Recommendation, ...]
    """Outcome only: the recommendations shown for these facts."""
    actions: tuple[Action, ...] = ()
    """Outcome only: the key actions shown for these facts."""

    @property
    def is_outcome(self) -> bool:
        return isinstance(self.node, OutcomeNode)


def normalise_choice(node: Node, choice: object) -> Choice:
    """Check a choice fits a node and give it its one canonical form."""
    match node:
        case QuestionNode():
            if not isinstance(choice, str) or node.answer(choice) is None:
                known = ", ".join(a.id for a in node.answers)
                raise WalkError(
                    f'node "{node.id}" has no answer {choice!r}; answers are: {known}',
                    node=node.id,
                    choice=choice,
                )
            return choice
        case ChecklistNode():
            return _ticks(node, choice)
        case InfoNode():
            if choice is not None:
                raise WalkError(
                    f'node "{node.id}" is information only: continue with None',
                    node=node.id,
                    choice=choice,
                )
            return None
        case OutcomeNode():
            raise WalkError(f'node "{node.id}" is an outcome: the walk has ended', node=node.id)
        case _:
            assert_never(node)


def _ticks(node: ChecklistNode, choice: object) -> frozenset[str]:
    """A checklist's choice: a set of its item ids, or "None of these" alone where it has it."""
    if isinstance(choice, str | bytes) or not isinstance(choice, Iterable):
        raise WalkError(
            f'node "{node.id}" is a checklist: choose a set of item ids',
            node=node.id,
            choice=choice,
        )
    ticks = frozenset(choice)
    known_items = {item.id for item in node.items}
    if node.none is not None:
        known_items.add(NONE_CHOICE)
    strangers = sorted(str(t) for t in ticks if t not in known_items)
    if strangers:
        raise WalkError(
            f'node "{node.id}" has no item {", ".join(strangers)}', node=node.id, choice=choice
        )
    if node.none is not None and not ticks:
        raise WalkError(
            f'node "{node.id}": tick what applies, or "{node.none}"',
            node=node.id,
            choice=choice,
        )
    if NONE_CHOICE in ticks and len(ticks) > 1:
        raise WalkError(
            f'node "{node.id}": "{node.none}" cannot be ticked with other items',
            node=node.id,
            choice=choice,
        )
    return ticks


def advance(
    flow: Flow, node: Node, facts: dict[str, str], choice: Choice
) -> tuple[str, dict[str, str], int | None]:
    """Where a (normalised) choice at a node leads: next node, facts, checklist route taken."""
    rule_index = None
    match node:
        case QuestionNode():
            answer = node.answer(str(choice))
            assert answer is not None
            setting, entries = answer.set, answer.next
        case ChecklistNode():
            ticks = choice if isinstance(choice, frozenset) else frozenset()
            rule_index = checklist_route(node, real_ticks(ticks), facts)
            if rule_index is None:
                raise WalkError(f'no route of node "{node.id}" holds', node=node.id, choice=choice)
            route = node.routes[rule_index]
            setting, entries = (*route.set, *tick_facts(flow, node, ticks)), route.next
        case InfoNode():
            setting, entries = (), node.next
        case OutcomeNode():
            setting, entries = (), ()  # nothing leads on: refused below
        case _:
            assert_never(node)
    after = apply_set(facts, setting)
    to = resolve_next(entries, after)
    if to is None:
        raise WalkError(f'no "next" entry of node "{node.id}" holds', node=node.id, choice=choice)
    return to, after, rule_index


@dataclass(frozen=True)
class _Replay:
    answered: tuple[AnsweredStep, ...]
    current: Node
    facts: dict[str, str]


def _replay(flow: Flow, state: State) -> _Replay:
    if (state.flow_id, state.version) != (flow.id, flow.version):
        raise WalkError(
            f"this walk belongs to flow {state.flow_id} version {state.version}, "
            f"not {flow.id} version {flow.version}"
        )
    node = flow.node(flow.start)
    facts: dict[str, str] = {}
    answered = []
    for index, raw in enumerate(state.choices):
        choice = normalise_choice(node, raw)
        to, facts, rule_index = advance(flow, node, facts, choice)
        answered.append(AnsweredStep(index, node, choice, rule_index))
        node = flow.node(to)
    return _Replay(tuple(answered), node, facts)


def start(flow: Flow) -> State:
    """The state before any answer."""
    return State(flow.id, flow.version, ())


def restart(flow: Flow) -> State:
    """Start again from the first step (same as `start`)."""
    return start(flow)


def choose(flow: Flow, state: State, choice: Choice | Iterable[str]) -> State:
    """Answer the current step: an answer id, the ticked item ids, or None to continue."""
    current = _replay(flow, state).current
    normalised = normalise_choice(current, choice)
    return State(flow.id, flow.version, (*state.choices, normalised))


def back(flow: Flow, state: State) -> State:
    """Undo the last answer (at the start, stay there)."""
    _replay(flow, state)
    return State(flow.id, flow.version, state.choices[:-1])


def change(flow: Flow, state: State, step_index: int, choice: Choice | Iterable[str]) -> State:
    """Change the answer at `step_index`; later answers are kept only where they still apply.

    After the change the walk is replayed: each later node that the old walk also answered gets
    its old answer again; the walk stops at the first node the old walk never answered (or that
    answer no longer fits), so no answer from an abandoned branch survives.
    """
    old = _replay(flow, state)
    if not 0 <= step_index < len(old.answered):
        raise WalkError(f"there is no answered step {step_index} to change", choice=choice)
    earlier = State(flow.id, flow.version, state.choices[:step_index])
    new_state = choose(flow, earlier, choice)
    old_answers = {a.node.id: a.choice for a in old.answered[step_index + 1 :]}
    while True:
        current = _replay(flow, new_state).current
        if isinstance(current, OutcomeNode) or current.id not in old_answers:
            return new_state
        try:
            new_state = choose(flow, new_state, old_answers.pop(current.id))
        except WalkError:
            return new_state


def view(flow: Flow, state: State) -> StepView:
    """The current step, progress "step k of at most n", and the answers so far."""
    replay = _replay(flow, state)
    step = len(replay.answered) + 1
    remaining = longest_remaining(flow)[replay.current.id]
    shown: tuple[Recommendation, ...] = ()
    actions: tuple[Action, ...] = ()
    if isinstance(replay.current, OutcomeNode):
        shown = shown_recommendations(replay.current, replay.facts)
        actions = shown_actions(replay.current, replay.facts)
    return StepView(
        node=replay.current,
        k=step,
        n=step - 1 + remaining,
        answered=replay.answered,
        facts=facts_key(replay.facts),
        recommendations=shown,
        actions=actions,
    )


def reachable_states(flow: Flow) -> list[State]:
    """Every prefix of every route, each once, start first: one static page per state.

    A depth-first walk of the tree of states (each state is the path to it, so no two tree nodes
    are the same state): the cost is the total length of the states listed.
    """
    result: list[State] = []
    stack: list[tuple[StateKey, tuple[Choice, ...]]] = [(start_state(flow), ())]
    while stack:
        state, choices = stack.pop()
        result.append(State(flow.id, flow.version, choices))
        for step, after in reversed(successors(flow, state)):
            stack.append((after, (*choices, step.choice)))
    return result
