"""A flow as Graphviz DOT text, for the static SVG diagram made at build time.

Pure: no I/O and no Graphviz here. The build turns the DOT into SVG once (Graphviz's WebAssembly
build under Node) and inlines it, so readers get no diagram JavaScript. The DOT sets no colours:
the site's CSS colours the SVG with theme variables, so one SVG reads well in light and dark mode.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import assert_never

from engine.model import (
    AllOf,
    Answered,
    AnyOf,
    ChecklistNode,
    Condition,
    FactIs,
    Flow,
    InfoNode,
    NextEntry,
    Node,
    Not,
    OutcomeNode,
    QuestionNode,
    Ticked,
    Visited,
)

LABEL_WIDTH = 24
"""Characters per line in a box: narrow boxes keep the diagram usable on a phone."""

EDGE_LABEL_WIDTH = 22


def quote(text: str) -> str:
    """A DOT double-quoted string (DOT escapes only the quote; backslashes start escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrap(text: str, width: int) -> str:
    """Text broken into centred lines for a DOT label (the `\\n` escape is centred)."""
    lines = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def describe(condition: Condition) -> str:
    """A short, plain-words reading of a condition, for edge labels."""
    match condition:
        case FactIs(fact=fact, values=values):
            return f"{fact} is {' or '.join(values)}"
        case AllOf(parts=parts):
            return " and ".join(describe(part) for part in parts)
        case AnyOf(parts=parts):
            return " or ".join(describe(part) for part in parts)
        case Not(part=part):
            return f"not ({describe(part)})"
        case Ticked(mode="any"):
            return "any ticked"
        case Ticked(mode="none"):
            return "none ticked"
        case Ticked(items=items):
            return f"{' or '.join(items)} ticked"
        case Answered(at=at, answer=answer):
            return f"{at}: {answer}"
        case Visited(node=node):
            return f"passed {node}"


def branch_labels(label: str, entries: tuple[NextEntry, ...]) -> list[tuple[str, str]]:
    """(target, edge label) for each entry of a `next` list, naming the condition when several."""
    if len(entries) == 1:
        return [(entries[0].to, label)]
    labelled = []
    for entry in entries:
        reading = f"if {describe(entry.when)}" if entry.when is not None else "otherwise"
        labelled.append((entry.to, f"{label} ({reading})" if label else reading))
    return labelled


def node_edges(node: Node) -> list[tuple[str, str]]:
    """(target node id, edge label) for every way out of `node`, in the author's order."""
    match node:
        case QuestionNode():
            return [e for a in node.answers for e in branch_labels(a.text, a.next)]
        case ChecklistNode():
            return [e for r in node.routes for e in branch_labels(r.label, r.next)]
        case InfoNode():
            return branch_labels("", node.next)
        case OutcomeNode():
            return []
        case _:
            assert_never(node)


def node_classes(node: Node) -> str:
    """SVG classes the site's CSS styles (kind, and urgency for outcomes)."""
    classes = f"step kind-{node.kind}"
    if isinstance(node, OutcomeNode) and node.urgency:
        classes += f" urgency-{node.urgency}"
    return classes


def flow_to_dot(flow: Flow, node_urls: Mapping[str, str]) -> str:
    """The flow as a top-down DOT digraph; each box links to `node_urls[node.id]` when given.

    Boxes show node titles; edges show answer texts and checklist route labels, so the diagram
    reads like the static pages. Outcomes are drawn bold and carry their urgency as a class.
    """
    lines = [
        f"digraph {quote(flow.id)} {{",
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.3, ranksep=0.45,'
        ' fontname="Helvetica,Arial,sans-serif"];',
        '  node [shape=box, style="rounded", margin="0.15,0.08", fontsize=12,'
        ' fontname="Helvetica,Arial,sans-serif"];',
        '  edge [fontsize=10, fontname="Helvetica,Arial,sans-serif", arrowsize=0.7];',
    ]
    for node in flow.nodes:
        attributes = [
            f'label="{wrap(node.title, LABEL_WIDTH)}"',
            f"id={quote('step-' + node.id)}",
            f"class={quote(node_classes(node))}",
            f"tooltip={quote(node.title)}",
        ]
        if isinstance(node, OutcomeNode):
            attributes.append('style="rounded,bold"')
        if node.id in node_urls:
            attributes.append(f"URL={quote(node_urls[node.id])}")
        lines.append(f"  {quote(node.id)} [{', '.join(attributes)}];")
    for node in flow.nodes:
        for target, label in node_edges(node):
            edge = f"  {quote(node.id)} -> {quote(target)}"
            if label:
                edge += f' [label="{wrap(label, EDGE_LABEL_WIDTH)}"]'
            lines.append(edge + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"
