"""The outline of a flow: every step and outcome as text, the diagram's accessible twin.

Also says conditions in words (`describe_condition`), for the outline and the review pages.
"""

from __future__ import annotations

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
from engine.render.controls import StepUrl
from engine.render.markdown import esc, inline, markdown
from engine.render.parts import (
    URGENCY_WORDS,
    action_html,
    citations,
    fact_label,
    fact_value_words,
    flow_meta,
    help_details,
    page_links,
    recommendation_html,
)
from engine.token import START_TOKEN

KIND_WORDS = {
    "question": "Question",
    "checklist": "Checklist",
    "info": "Information",
    "outcome": "Outcome",
}


def describe_condition(flow: Flow, condition: Condition) -> str:
    """A condition in words, for the outline and the review table."""
    match condition:
        case FactIs(fact=fact_id, values=values):
            label = fact_label(flow, fact_id)
            words = [fact_value_words(v) for v in values]
            if len(words) == 1:
                return f"{label} is {words[0]}"
            return f"{label} is one of {', '.join(words)}"
        case AllOf(parts=parts):
            return "(" + " and ".join(describe_condition(flow, p) for p in parts) + ")"
        case AnyOf(parts=parts):
            return "(" + " or ".join(describe_condition(flow, p) for p in parts) + ")"
        case Not(part=part):
            return f"not {describe_condition(flow, part)}"
        case Ticked(mode=mode, items=items, at=at):
            where = f" at {flow.node(at).title}" if at else ""
            if mode == "any":
                return f"any item ticked{where}"
            if mode == "none":
                return f"no item ticked{where}"
            node = flow.node(at) if at else None
            names = [
                next((i.text for i in node.items if i.id == item), item)
                if isinstance(node, ChecklistNode)
                else item
                for item in items
            ]
            return " or ".join(names) + f" ticked{where}"
        case Answered(at=at, answer=answer):
            node = flow.node(at)
            chosen = node.answer(answer) if isinstance(node, QuestionNode) else None
            return f'answered "{chosen.text if chosen else answer}" at {node.title}'
        case Visited(node=node_id):
            return f"passed {flow.node(node_id).title}"


def _targets(flow: Flow, entries: tuple[NextEntry, ...]) -> str:
    parts = []
    for entry in entries:
        target = flow.node(entry.to)
        link = f'<a href="#node-{esc(entry.to)}">{inline(target.title)}</a>'
        if entry.when is not None:
            parts.append(f"if {esc(describe_condition(flow, entry.when))}: {link}")
        elif len(entries) > 1:
            parts.append(f"otherwise: {link}")
        else:
            parts.append(link)
    return "; ".join(parts)


def _sets(flow: Flow, setting: tuple[tuple[str, str], ...]) -> str:
    if not setting:
        return ""
    words = ", ".join(f"{fact_label(flow, f)} = {fact_value_words(v)}" for f, v in setting)
    return f' <span class="sets">(records {esc(words)})</span>'


def _node_body(flow: Flow, node: Node, site_root: str) -> list[str]:
    """Where a step leads (answers, items and routes, or next), or what an outcome shows."""
    parts: list[str] = []
    match node:
        case QuestionNode():
            parts.append('<ul class="outline-answers">')
            parts.extend(
                f"<li>{inline(a.text)}{_sets(flow, a.set)} &#8594; {_targets(flow, a.next)}</li>"
                for a in node.answers
            )
            parts.append("</ul>")
        case ChecklistNode():
            parts.append(
                f'<details class="outline-detail"><summary>Items: {len(node.items)}</summary>'
                '<ul class="outline-items">'
            )
            parts.extend(f"<li>{inline(i.text)}</li>" for i in node.items)
            parts.append(
                "</ul></details>"
                '<p>Where to go next (the first that applies):</p><ol class="outline-routes">'
            )
            parts.extend(
                f"<li>{inline(r.label)}{_sets(flow, r.set)} &#8594; {_targets(flow, r.next)}</li>"
                for r in node.routes
            )
            parts.append("</ol>")
        case InfoNode():
            parts.append(f"<p>Then: {_targets(flow, node.next)}</p>")
        case OutcomeNode():
            parts += _outcome_body(flow, node, site_root)
        case _:
            assert_never(node)
    return parts


def _outcome_body(flow: Flow, node: OutcomeNode, site_root: str) -> list[str]:
    """Every key action and recommendation of an outcome, each with when it is shown."""
    parts: list[str] = []
    if node.actions:
        parts.append('<h3>Key actions</h3><ol class="key-actions">')
        for action in node.actions:
            only = (
                f' <span class="only-when">Only when '
                f"{esc(describe_condition(flow, action.when))}.</span>"
                if action.when is not None
                else ""
            )
            parts.append(action_html(flow, action, site_root, only))
        parts.append("</ol>")
    # The detail folded (review row 15: the outline was 46 phone screens, now longer): the key
    # actions stay open, each outcome's recommendations are one tap away.
    parts.append(
        f'<details class="outline-detail"><summary>Detail: {len(node.recommendations)} '
        f"recommendation{'s' if len(node.recommendations) != 1 else ''}</summary>"
        '<ol class="recommendations">'
    )
    for rec in node.recommendations:
        only = (
            f'<p class="only-when">Only when {esc(describe_condition(flow, rec.when))}.</p>'
            if rec.when is not None
            else ""
        )
        parts.append(recommendation_html(flow, rec, site_root, only))
    parts.append("</ol></details>")
    if node.follow_up:
        follow_up = markdown(node.follow_up, site_root)
        parts.append(f'<div class="follow-up"><h3>Follow-up</h3>{follow_up}</div>')
    return parts


def render_outline_html(flow: Flow, *, site_root: str, step_url: StepUrl) -> str:
    """Every step and outcome as a text outline (the diagram's accessible twin)."""
    parts = [
        f'<section class="outline" aria-label="Outline of {esc(flow.title)}">',
        flow_meta(flow),
    ]
    if flow.summary:
        parts.append(f'<div class="flow-summary">{markdown(flow.summary, site_root)}</div>')
    parts.append(
        f'<p><a class="walk-start" href="{esc(step_url(START_TOKEN))}">Walk through this '
        "flowchart step by step</a></p>"
    )
    parts.append('<ol class="outline-nodes">')
    for node in flow.nodes:
        parts.append(
            f'<li class="outline-node outline-{node.kind}" id="node-{esc(node.id)}">'
            f'<h2>{inline(node.title)} <span class="kind">({KIND_WORDS[node.kind]}'
            f"{', first step' if node.id == flow.start else ''})</span></h2>"
        )
        if isinstance(node, OutcomeNode):
            parts.append(
                f'<p class="urgency urgency-{esc(node.urgency or "")}"><strong>'
                f"{esc(URGENCY_WORDS.get(node.urgency or '', ''))}</strong></p>"
            )
        parts.append(markdown(node.text, site_root))
        parts.append(help_details(node.help, f"help-{node.id}", site_root, "How to assess this"))
        parts.append(citations(flow, node.cite, site_root))
        parts.append(page_links(node.links, site_root))
        parts += _node_body(flow, node, site_root)
        parts.append("</li>")
    parts.append("</ol>")
    if flow.safety:
        parts.append(
            '<h2>Safety rules checked on every route</h2><details class="outline-detail">'
            f'<summary>{len(flow.safety)} rules</summary><ul class="safety-rules">'
        )
        parts.extend(f"<li>{inline(rule.text)}</li>" for rule in flow.safety)
        parts.append("</ul></details>")
    parts.append("</section>")
    return "".join(p for p in parts if p)
