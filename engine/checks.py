"""Graph problems of a shape-clean flow: cycles, unreachable nodes, dead ends, unknown tags.

Each check is a small generator of problems over the node graph (`engine.graph`: an edge per
`next` target), linear in nodes plus edges. Cycles are forbidden: a clinical algorithm that loops
cannot be enumerated, cannot promise "step 3 of at most 7", and hides whether it ever ends;
re-assessment is written as a separate flow. When the graph has a cycle the route analysis is
skipped (it would not terminate; see `engine.verify`), but every graph problem is still reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from engine.graph import edges, reachable_from
from engine.model import Flow, OutcomeNode, Problem
from engine.shape import suggest


def check_cycles(flow: Flow) -> Iterator[Problem]:
    """Every cycle, once, at the line of the `next` that closes it (iterative DFS)."""
    colour: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in [n.id for n in flow.nodes]:
        if root in colour:
            continue
        path = [root]
        colour[root] = 1
        stack = [iter(edges(flow.node(root)))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                colour[path.pop()] = 2
                continue
            to, line = step
            if colour.get(to) == 1:
                loop = [*path[path.index(to) :], to]
                shown = " -> ".join(f'"{n}"' for n in loop)
                yield Problem(
                    flow.path,
                    line,
                    f"nodes {shown} form a cycle; every route must move forward to an "
                    "outcome (write a re-assessment as a separate flow)",
                )
            elif to not in colour:
                colour[to] = 1
                path.append(to)
                stack.append(iter(edges(flow.node(to))))


def check_unreachable(flow: Flow) -> Iterator[Problem]:
    reached = reachable_from(flow, flow.start)
    for node in flow.nodes:
        if node.id in reached:
            continue
        if isinstance(node, OutcomeNode):
            yield Problem(
                flow.path,
                node.line,
                f'outcome "{node.id}" is never reached: no node leads to it',
            )
        else:
            yield Problem(
                flow.path,
                node.line,
                f'node "{node.id}" is never reached from the start node "{flow.start}"',
            )


def check_path_to_outcome(flow: Flow) -> Iterator[Problem]:
    """Nodes from which no route ends in an outcome (only possible inside a cycle)."""
    leads_to: dict[str, list[str]] = {n.id: [] for n in flow.nodes}
    for node in flow.nodes:
        for to, _ in edges(node):
            leads_to[to].append(node.id)
    good = {n.id for n in flow.nodes if isinstance(n, OutcomeNode)}
    stack = list(good)
    while stack:
        for before in leads_to[stack.pop()]:
            if before not in good:
                good.add(before)
                stack.append(before)
    for node in flow.nodes:
        if node.id not in good:
            yield Problem(
                flow.path,
                node.line,
                f'node "{node.id}" has no path to an outcome: every route from it goes round '
                "in circles",
            )


def check_tags(flow: Flow) -> Iterator[Problem]:
    """Safety rules may only name tags some recommendation carries (a typo would prove nothing)."""
    outcomes = [n for n in flow.nodes if isinstance(n, OutcomeNode)]
    tags = {t for n in outcomes for r in n.recommendations for t in r.tags}
    tags |= {t for n in outcomes for a in n.actions for t in a.tags}
    outcome_tags = {t for n in outcomes for t in n.outcome_tags}
    for rule in flow.safety:
        for tag in (*rule.require.outcome_tags, *rule.require.never_outcome_tags):
            if tag not in outcome_tags:
                yield Problem(
                    flow.path,
                    rule.line,
                    f'safety rule "{rule.id}" names outcome tag "{tag}" but no outcome carries it'
                    + suggest(tag, outcome_tags, "outcome tags"),
                )
        for tag in (*rule.require.recommends, *rule.require.never_recommends):
            if tag not in tags:
                yield Problem(
                    flow.path,
                    rule.line,
                    f'safety rule "{rule.id}" names tag "{tag}" but no recommendation carries it'
                    + suggest(tag, sorted(tags), "tags"),
                )


MAX_FLOW_ID = 64
"""A flow id names folders and files of the site (algorithm/<id>/, assets/flows/<id>.json)."""
RESERVED_FLOW_IDS = {
    "review": "the route review page (algorithm/review/)",
    "outline": "the main flow's text outline (algorithm/outline/)",
    "diagram": "the main flow's diagram (algorithm/diagram/)",
}
"""Generated pages that live where a flow with this id would (algorithm/<id>/)."""


def check_flow_id(flow: Flow) -> Iterator[Problem]:
    """A flow id must fit in a file name and must not take a generated page's place."""
    if len(flow.id) > MAX_FLOW_ID:
        yield Problem(
            flow.path,
            1,
            f"the flow id is {len(flow.id)} characters long; at most {MAX_FLOW_ID} are allowed "
            "(it names the flow's folder and files on the site)",
        )
    if flow.id in RESERVED_FLOW_IDS:
        yield Problem(
            flow.path,
            1,
            f'flow id "{flow.id}" would replace {RESERVED_FLOW_IDS[flow.id]}: choose another id',
        )


GRAPH_CHECKS: tuple[Callable[[Flow], Iterator[Problem]], ...] = (
    check_cycles,
    check_unreachable,
    check_path_to_outcome,
    check_tags,
    check_flow_id,
)
