"""Graph checks over a shape-clean flow, then the route analysis.

Each check is a small generator of problems over the node graph (an edge per `next` target),
linear in nodes plus edges. Cycles are forbidden: a clinical algorithm that loops cannot be
enumerated, cannot promise "step 3 of at most 7", and hides whether it ever ends; re-assessment is
written as a separate flow. When the graph has a cycle the route analysis is skipped (it would
not terminate), but every graph problem is still reported.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from engine.model import Flow, FlowError, Node, Problem
from engine.shape import build_flow, suggest


def edges(node: Node) -> list[tuple[str, int]]:
    """Every node this node can lead to, with the line of the entry that says so."""
    entries = [e for a in node.answers for e in a.next]
    entries += [e for r in node.routes for e in r.next]
    entries += list(node.next)
    return [(e.to, e.line or node.line) for e in entries]


def reachable_from(flow: Flow, start: str) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for to, _ in edges(flow.node(stack.pop())):
            if to not in seen:
                seen.add(to)
                stack.append(to)
    return seen


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
        if node.kind == "outcome":
            yield Problem(
                flow.path, node.line, f'outcome "{node.id}" is never reached: no node leads to it'
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
    good = {n.id for n in flow.nodes if n.kind == "outcome"}
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
    tags = {t for n in flow.nodes for r in n.recommendations for t in r.tags}
    tags |= {t for n in flow.nodes for a in n.actions for t in a.tags}
    outcome_tags = {t for n in flow.nodes for t in n.outcome_tags}
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


def check_flow(flow: Flow) -> list[Problem]:
    """Graph checks, then (on an acyclic graph) route feasibility and safety rules."""
    from engine import grades
    from engine.analysis import analysis_problems
    from engine.limits import limit_problems

    cycles = list(check_cycles(flow))
    problems = cycles + [p for check in GRAPH_CHECKS[1:] for p in check(flow)]
    if grades.REQUIRE_GRADES:
        problems.extend(grades.check_grades(flow))
    if not cycles:
        too_big = limit_problems(flow)  # first: the route analysis is as big as the flow
        problems.extend(too_big or analysis_problems(flow))
    return sorted(problems)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Checking a big flow allocates many small tuples and no cyclic garbage; the cyclic garbage
    collector would rescan them again and again (a third of the time at 10,000 nodes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_and_check(data: object, path: str, earlier: list[Problem] | None = None) -> Flow:
    """Plain data -> a completely checked Flow, or FlowError with every problem (and `earlier`
    ones, e.g. the YAML reader's). The one way in for YAML files and for JSON alike."""
    problems = list(earlier or [])
    with paused_gc():
        try:
            flow, shape_problems = build_flow(data, path)
            problems.extend(shape_problems)
            if flow is not None:
                problems.extend(check_flow(flow))
        except RecursionError:
            flow = None
            problems.append(
                Problem(path, 1, "the flow is nested too deeply (conditions in conditions?)")
            )
    if flow is None and not problems:
        problems.append(Problem(path, 1, "the file holds no flow; a flow starts with id, title"))
    if problems or flow is None:
        raise FlowError(problems)
    return flow
