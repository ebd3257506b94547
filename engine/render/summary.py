"""The summary of a walk: the route taken, the facts, the outcome, as HTML and as plain text.

The text (`summary_text`) is what the walker's "Copy summary" gives and what the step page
folds beside the clinical note.
"""

from __future__ import annotations

from engine.grades import ordered
from engine.model import Flow
from engine.render.markdown import esc, inline
from engine.render.parts import (
    JUDGEMENT,
    URGENCY_WORDS,
    fact_label,
    fact_value_words,
    facts_list,
    flow_meta,
    outcome_html,
    short_tags,
)
from engine.semantics import shown_facts
from engine.states import describe_choice
from engine.walk import State, view


def render_summary_html(flow: Flow, state: State, *, site_root: str) -> str:
    """The route taken, the facts, the outcome and its recommendations with their sources."""
    current = view(flow, state)
    route = "".join(
        f'<li><span class="answered-step">{inline(s.node.title)}</span>: '
        f"{esc(describe_choice(flow, s.node, s.choice))}</li>"
        for s in current.answered
    )
    parts = [
        '<section class="summary" aria-labelledby="summary-title">',
        f'<h2 id="summary-title">Summary: {inline(flow.title)}</h2>',
        "<h3>Route taken</h3>",
        f'<ol class="route-taken">{route}</ol>' if route else "<p>No answers yet.</p>",
    ]
    if shown_facts(current.facts):
        parts.append("<h3>Facts recorded</h3>")
        parts.append(facts_list(flow, current.facts))
    if current.is_outcome:
        parts.append(
            outcome_html(
                flow,
                current.node,
                current.recommendations,
                site_root,
                heading="h3",
                heading_id="summary-outcome",
                actions=current.actions,
                answered=current.answered,
            )
        )
    else:
        parts.append(
            f'<p class="unfinished">Not finished: the next step is '
            f"{inline(current.node.title)}.</p>"
        )
    parts.append(flow_meta(flow))
    parts.append("</section>")
    return "".join(parts)


def source_line(flow: Flow, source_id: str) -> str:
    """A full citation for the clinical note: short name, citation, address."""
    source = flow.source(source_id)
    if source is None:
        return source_id
    address = f" {source.url}" if source.url else ""
    return f"{source.short}: {' '.join(source.citation.split())}{address}"


def summary_text(flow: Flow, state: State) -> str:
    """The summary as plain text, to paste into a clinical note."""
    current = view(flow, state)
    lines = [f"{flow.title} (flowchart {flow.id} version {flow.version})"]
    lines.append("Route:")
    lines += [
        f"{n}. {s.node.title}: {describe_choice(flow, s.node, s.choice)}"
        for n, s in enumerate(current.answered, start=1)
    ] or ["(no answers yet)"]
    if shown_facts(current.facts):
        lines.append(
            "Facts: "
            + "; ".join(
                f"{fact_label(flow, f)}: {fact_value_words(v)}"
                for f, v in shown_facts(current.facts)
            )
        )
    if current.is_outcome:
        node = current.node
        lines.append(f"Outcome: {node.title} ({URGENCY_WORDS.get(node.urgency or '', '')})")
        if current.actions:
            lines.append("Key actions:")
            lines += [
                f"- {' '.join(a.text.split())} [{short_tags(flow, a.cite)}]"
                for a in current.actions
            ]
        lines.append("Recommendations:")
        lines += [
            f"- {' '.join(r.text.split())} [{short_tags(flow, r.cite)}]"
            for r in current.recommendations
        ]
        if node.follow_up:
            lines.append(f"Follow-up: {' '.join(node.follow_up.split())}")
        every = tuple(c for r in current.recommendations for c in r.cite)
        cited = dict.fromkeys(c.source for c in ordered(flow, every))
        lines.append("Sources:")
        lines += [f"- {source_line(flow, c)}" for c in cited]
    else:
        lines.append(f"Not finished: next step is {current.node.title}.")
    lines.append(JUDGEMENT)
    return "\n".join(lines) + "\n"
