"""The flow as a graph of nodes: its edges, what is reachable, and the longest way left.

Graph primitives only, with no reading of conditions or facts (that is `engine.states`): an edge
per `next` target, whatever its `when`. The checks (`engine.checks`), the analysis and the walk's
"step k of at most n" all build on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from engine.model import ChecklistNode, Flow, InfoNode, NextEntry, Node, OutcomeNode, QuestionNode


def edges(node: Node) -> list[tuple[str, int]]:
    """Every node this node can lead to, with the line of the entry that says so."""
    entries: list[NextEntry]
    match node:
        case QuestionNode():
            entries = [e for a in node.answers for e in a.next]
        case ChecklistNode():
            entries = [e for r in node.routes for e in r.next]
        case InfoNode():
            entries = list(node.next)
        case OutcomeNode():
            entries = []
        case _:
            assert_never(node)
    return [(e.to, e.line or node.line) for e in entries]


def reachable_from(flow: Flow, start: str) -> set[str]:
    """Every node some edge path from `start` reaches (`start` included)."""
    seen = {start}
    stack = [start]
    while stack:
        for to, _ in edges(flow.node(stack.pop())):
            if to not in seen:
                seen.add(to)
                stack.append(to)
    return seen


@dataclass
class LongestMemo:
    """`longest_remaining` of one flow, kept with it (`Flow.memo`)."""

    steps: dict[str, int] | None = None


def longest_remaining(flow: Flow) -> dict[str, int]:
    """For each node, the most steps left to an outcome (the outcome counts as one step).

    Conditions are ignored, so this is an upper bound: "step k of at most n". The graph must be
    acyclic (a checked flow is).
    """
    memo = flow.memo(LongestMemo)
    if memo.steps is not None:
        return memo.steps
    result: dict[str, int] = {}
    for root in (n.id for n in flow.nodes):
        stack = [(root, False)]
        while stack:
            node_id, done = stack.pop()
            if node_id in result:
                continue
            targets = [to for to, _ in edges(flow.node(node_id))]
            if done or not targets:
                result[node_id] = 1 + max((result.get(t, 0) for t in targets), default=0)
                continue
            stack.append((node_id, True))
            stack.extend((t, False) for t in targets if t not in result)
    memo.steps = result
    return result
