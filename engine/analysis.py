"""The proof: route feasibility, safety rules over every route, and authoring lints.

Built on the state graph (`engine.states`): the checks never list routes (their number can grow
much faster than the flow); they explore states `(node, facts)` once each, so they stay linear in
the number of distinct states times the branching. A safety rule adds to the state the truth of
the few route facts its premise names (visited X, answered A at X, ticked at X), each True, False
or Unknown (`engine.semantics.kleene`), so every rule is proved by one memoised search, and an
offending route is rebuilt from parent links (the shortest one).

Safety is conservative: a rule applies to a route when its premise could hold for some tick set
consistent with the route (Unknown counts as could-hold). The walk never imports this module.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from engine.graph import reachable_from
from engine.model import (
    ACTIONS_MAX,
    ACTIONS_MIN,
    AllOf,
    Answered,
    AnyOf,
    ChecklistNode,
    Condition,
    Flow,
    Not,
    OutcomeNode,
    Problem,
    QuestionNode,
    SafetyRule,
    Ticked,
    Visited,
)
from engine.semantics import (
    FALSE,
    TRUE,
    UNKNOWN,
    Leaf,
    first_match,
    kleene,
    leaves,
    satisfying_ticks,
    shown_actions,
    shown_facts,
    shown_recommendations,
    solve,
    tick_fact,
    tick_pool,
)
from engine.states import (
    FactsKey,
    StateKey,
    Step,
    describe_choice,
    post_order,
    reachable_state_keys,
    successors,
)

Result = tuple[str, tuple[str, ...], tuple[int, ...]]
"""What a route ends with: the outcome, the recommendations and the key actions shown."""


@dataclass
class AnalysisMemo:
    """What the proof derives from one flow, computed once (`Flow.memo`)."""

    ticked: dict[tuple[str, int, FactsKey, Ticked], int] = field(default_factory=dict)
    results: dict[StateKey, frozenset[Result]] = field(default_factory=dict)


# --- problems: feasibility ----------------------------------------------------------------------


def feasibility_problems(flow: Flow) -> Iterator[Problem]:
    """Nodes the conditions never let a route reach, and checklist routes never taken."""
    states = reachable_state_keys(flow)
    reached = {node_id for node_id, _ in states}
    in_graph = reachable_from(flow, flow.start)
    taken: set[tuple[str, int]] = set()
    for state in states:
        for step, _ in successors(flow, state):
            if step.route_rule is not None:
                taken.add((step.node, step.route_rule))
    for node in flow.nodes:
        if node.id in in_graph and node.id not in reached:
            what = "outcome" if isinstance(node, OutcomeNode) else "node"
            yield Problem(
                flow.path,
                node.line,
                f'{what} "{node.id}" is never reached: the conditions on every way in never hold',
            )
        if isinstance(node, ChecklistNode) and node.id in reached:
            for index, route in enumerate(node.routes):
                if (node.id, index) not in taken:
                    yield Problem(
                        flow.path,
                        route.line,
                        f'node "{node.id}" route {index + 1} ("{route.label}") can never be '
                        "taken: the routes before it catch every case it matches",
                    )


# --- problems: safety rules ---------------------------------------------------------------------


def route_atoms(condition: Condition) -> list[Leaf]:
    """The route facts a premise names, once each."""
    named = (leaf for leaf in leaves(condition) if isinstance(leaf, Ticked | Answered | Visited))
    return list(dict.fromkeys(named))


def three_valued(
    condition: Condition, atoms: list[Leaf], values: tuple[int, ...], facts: dict[str, str]
) -> int:
    """A premise's truth on a route (`engine.semantics.kleene`): each atom as far as the route
    decides it (`values`, in the order of `atoms`), facts as they are at the route's end."""
    return kleene(condition, facts, lambda leaf: values[atoms.index(leaf)])


def ticked_truth(
    flow: Flow, node: ChecklistNode, rule_index: int, facts: FactsKey, atom: Ticked
) -> int:
    """Whether `atom` holds for every / no / some tick set that takes this checklist route."""
    memo = flow.memo(AnalysisMemo).ticked
    key = (node.id, rule_index, facts, atom)
    if key in memo:
        return memo[key]
    facts_dict = dict(facts)
    pool = tick_pool(node, atom.items)
    route = first_match(node, rule_index)
    can_hold = solve(AllOf((route, atom)), facts_dict, pool) is not None
    can_fail = solve(AllOf((route, Not(atom))), facts_dict, pool) is not None
    result = UNKNOWN if can_hold and can_fail else TRUE if can_hold else FALSE
    memo[key] = result
    return result


def passed(
    flow: Flow,
    atoms: list[Leaf],
    values: tuple[int, ...],
    step: Step,
    facts: FactsKey,
    after: FactsKey = (),
) -> tuple[int, ...]:
    """Atom truths after passing a step (atoms of nodes not passed stay False).

    A `ticked` atom that content also tests is exact: the checklist recorded it in `after`.
    """
    recorded = dict(after)
    updated = list(values)
    for index, atom in enumerate(atoms):
        match atom:
            case Visited(node=node_id) if node_id == step.node:
                updated[index] = TRUE
            case Answered(at=at, answer=answer) if at == step.node:
                updated[index] = TRUE if step.choice == answer else FALSE
            case Ticked(at=at) if at == step.node and tick_fact(atom) in recorded:
                updated[index] = TRUE if recorded[tick_fact(atom)] == "yes" else FALSE
            case Ticked(at=at) if at == step.node and step.route_rule is not None:
                node = flow.node(step.node)
                assert isinstance(node, ChecklistNode)
                updated[index] = ticked_truth(flow, node, step.route_rule, facts, atom)
            case _:
                pass
    return tuple(updated)


def arrived_at(atoms: list[Leaf], values: tuple[int, ...], outcome: str) -> tuple[int, ...]:
    """Atom truths at the end of a route: the outcome itself counts as visited."""
    return tuple(
        TRUE if isinstance(atom, Visited) and atom.node == outcome else value
        for atom, value in zip(atoms, values, strict=True)
    )


def requirement_failure(flow: Flow, rule: SafetyRule, outcome: OutcomeNode, facts: FactsKey) -> str:
    """Why an outcome breaks a rule's requirement ("" when it does not)."""
    need = rule.require
    if need.urgency and outcome.urgency not in need.urgency:
        return f"its urgency is {outcome.urgency}, not " + " or ".join(need.urgency)
    for tag in need.outcome_tags:
        if tag not in outcome.outcome_tags:
            return f'the outcome "{outcome.id}" is not tagged "{tag}"'
    for tag in need.never_outcome_tags:
        if tag in outcome.outcome_tags:
            return f'the outcome "{outcome.id}" is tagged "{tag}"'
    shown = shown_recommendations(outcome, dict(facts))
    actions = shown_actions(outcome, dict(facts))
    tags = {tag for r in shown for tag in r.tags} | {tag for a in actions for tag in a.tags}
    for tag in need.recommends:
        if tag not in tags:
            return f'no recommendation tagged "{tag}" is shown (nor key action)'
    for tag in need.never_recommends:
        offender = next((r.id for r in shown if tag in r.tags), None)
        if offender is not None:
            return f'it recommends "{offender}", tagged "{tag}"'
        action = next((a.text for a in actions if tag in a.tags), None)
        if action is not None:
            return f'its key action "{action}" is tagged "{tag}"'
    return ""


DpState = tuple[str, FactsKey, tuple[int, ...]]


def describe_violation(
    flow: Flow,
    atoms: list[Leaf],
    parents: dict[DpState, tuple[DpState, Step] | None],
    end: DpState,
) -> str:
    """The offending route in words. At a checklist the premise looks at, the example ticks are
    ones that make the premise's `ticked` hold there (that is why the rule applies)."""
    parts: list[str] = []
    cursor = parents[end]
    while cursor is not None:
        (node_id, facts, _), step = cursor
        node = flow.node(node_id)
        if step.route_rule is None or not isinstance(node, ChecklistNode):
            parts.append(f"{node.title}: {describe_choice(flow, node, step.choice)}")
        else:
            here = [a for a in atoms if isinstance(a, Ticked) and a.at == node_id]
            items = tuple(i for a in here for i in a.items)
            goal = AllOf((first_match(node, step.route_rule), AnyOf(tuple(here))))
            ticks = satisfying_ticks(goal, dict(facts), tick_pool(node, items)) if here else None
            example = describe_choice(flow, node, ticks if ticks is not None else step.choice)
            label = node.routes[step.route_rule].label
            parts.append(f'{node.title}: "{label}" (for example {example})')
        cursor = parents[cursor[0]]
    outcome = flow.node(end[0])
    assert isinstance(outcome, OutcomeNode)
    parts.reverse()
    parts.append(f'outcome "{outcome.title}" ({outcome.urgency})')
    return " -> ".join(parts)


def rule_violation(flow: Flow, rule: SafetyRule) -> Problem | None:
    """The shortest route breaking a rule (None: the rule holds on every route)."""
    atoms = route_atoms(rule.when)
    start: DpState = (flow.start, (), (FALSE,) * len(atoms))
    parents: dict[DpState, tuple[DpState, Step] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        node_id, facts, values = state
        node = flow.node(node_id)
        if isinstance(node, OutcomeNode):
            values = arrived_at(atoms, values, node_id)
            if three_valued(rule.when, atoms, values, dict(facts)) == FALSE:
                continue
            reason = requirement_failure(flow, rule, node, facts)
            if reason:
                route = describe_violation(flow, atoms, parents, state)
                return Problem(
                    flow.path,
                    rule.line,
                    f'safety rule "{rule.id}" is broken by the route {route}: {reason}. '
                    f"The rule says: {rule.text}",
                )
            continue
        for step, (to, after) in successors(flow, (node_id, facts)):
            next_state: DpState = (to, after, passed(flow, atoms, values, step, facts, after))
            if next_state not in parents:
                parents[next_state] = (state, step)
                queue.append(next_state)
    return None


# --- problems: outcomes and useless questions --------------------------------------------------


def state_result(flow: Flow, node: OutcomeNode, facts: FactsKey) -> Result:
    shown = shown_recommendations(node, dict(facts))
    actions = shown_actions(node, dict(facts))
    return (node.id, tuple(r.id for r in shown), tuple(node.actions.index(a) for a in actions))


def results_from(flow: Flow, state: StateKey) -> frozenset[Result]:
    """Every end a route from this state can reach (memoised on the flow; the graph is acyclic)."""
    memo = flow.memo(AnalysisMemo).results
    for top in post_order(flow, state, memo):
        node = flow.node(top[0])
        if isinstance(node, OutcomeNode):
            memo[top] = frozenset((state_result(flow, node, top[1]),))
        else:
            memo[top] = frozenset().union(*(memo[after] for _, after in successors(flow, top)))
    return memo[state]


def useless_question_problems(flow: Flow) -> Iterator[Problem]:
    """Questions whose answer cannot change anything where they are asked (once per question).

    At a reachable state, a question is useless when every answer leads to one and the same end:
    the same outcome with the same recommendations and key actions. The clinician's tap is
    wasted there, so it is reported (the author routes around it with a `next` condition).
    """
    reported: set[str] = set()
    for state in sorted(reachable_state_keys(flow)):
        node = flow.node(state[0])
        if not isinstance(node, QuestionNode) or node.id in reported or len(node.answers) < 2:
            continue
        ends = [results_from(flow, after) for _, after in successors(flow, state)]
        if len(ends) >= 2 and all(len(e) == 1 for e in ends) and len(set(ends)) == 1:
            reported.add(node.id)
            ((outcome, _, _),) = ends[0]
            facts = "; ".join(f"{k} = {v}" for k, v in shown_facts(state[1])) or "no facts yet"
            yield Problem(
                flow.path,
                node.line,
                f'[useless-question] question "{node.id}" cannot change anything when it is '
                f'reached with {facts}: every answer ends at outcome "{outcome}" with the same '
                'recommendations and key actions; skip it there with a "next" condition',
            )


def key_action_problems(flow: Flow) -> Iterator[Problem]:
    """Outcomes that show fewer than 3 or more than 7 key actions on some route."""
    reported: set[str] = set()
    for node_id, facts in sorted(reachable_state_keys(flow)):
        node = flow.node(node_id)
        if not isinstance(node, OutcomeNode) or not node.actions or node_id in reported:
            continue
        count = len(shown_actions(node, dict(facts)))
        if not ACTIONS_MIN <= count <= ACTIONS_MAX:
            reported.add(node_id)
            shown = "; ".join(f"{k} = {v}" for k, v in shown_facts(facts)) or "no facts"
            yield Problem(
                flow.path,
                node.line,
                f'[key-actions] outcome "{node_id}" shows {count} key action(s) on a route '
                f"with {shown}; every route needs {ACTIONS_MIN} to {ACTIONS_MAX}",
            )


def lint_problems(flow: Flow) -> list[Problem]:
    """Authoring problems of a flow that loads: questions that cannot change anything.

    Kept out of loading (a flow with one still walks correctly, and small test flows have
    them): `engine check` prints them as warnings and the site build fails on them, so no
    published flow has one.
    """
    return list(useless_question_problems(flow))


def analysis_problems(flow: Flow) -> list[Problem]:
    """Feasibility, outcome, useless-question and safety problems of a shape-clean flow."""
    problems = list(feasibility_problems(flow))
    problems.extend(key_action_problems(flow))
    for rule in flow.safety:
        violation = rule_violation(flow, rule)
        if violation is not None:
            problems.append(violation)
    return problems
