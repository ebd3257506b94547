"""HTML for steps, summaries and outlines: one renderer for static pages and the live walker.

Everything from a flow is escaped: Markdown goes through markdown-it-py with raw HTML off and
images off (an image would be a request to a third party), link targets are checked by
markdown-it-py (no `javascript:` and the like) and links to `page.md` are turned into site URLs.
The output carries no scripts, no event handlers and no `style` attributes (the site's CSP forbids
them); the live walker finds its controls by `data-action`:

- `choose` (question answer button, `data-choice` = answer id),
- `continue` (info step), `tick` (the checklist `<form>`, whose checked `name="item"` boxes give
  the ticked item ids; submitting it continues),
- `back`, `restart`, `change` (`data-step` = index of the answered step to change).

Static mode renders the same controls as plain links to `step_url(token)`.
The output is deterministic: the same flow and state always give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from engine.analysis import FactsKey, Route, describe_choice, enumerate_routes
from engine.grades import grade_text, grade_words, ordered, short_tag
from engine.model import (
    AllOf,
    Answered,
    AnyOf,
    Citation,
    Cites,
    Condition,
    FactIs,
    Flow,
    Link,
    NextEntry,
    Node,
    Not,
    Recommendation,
    Ticked,
    Visited,
)
from engine.semantics import checklist_branches
from engine.shape import PAGE
from engine.token import START_TOKEN, encode_token
from engine.walk import State, StepView, choose, view

Mode = Literal["static", "live"]
StepUrl = Callable[[str], str]

URGENCY_WORDS = {
    "emergency": "Emergency: act now",
    "urgent": "Urgent: same-day assessment",
    "routine": "Routine care",
    "self-care": "Self-care",
}
KIND_WORDS = {
    "question": "Question",
    "checklist": "Checklist",
    "info": "Information",
    "outcome": "Outcome",
}
JUDGEMENT = "This tool supports, not replaces, clinical judgement."


# --- Markdown -----------------------------------------------------------------------------------


def page_url(site_root: str, page: str) -> str:
    """`treatment.md#x` -> `{site_root}treatment/#x` (the site uses directory URLs)."""
    path, _, anchor = page.partition("#")
    stem = path[: -len(".md")]
    if stem == "index":
        stem = ""
    elif stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return site_root + stem + (f"#{anchor}" if anchor else "")


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """Site pages written as `page.md#anchor` become site URLs relative to the current page."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if PAGE.match(href):
        token.attrSet("href", page_url(str(env.get("site_root", "")), href))
    return self.renderToken(tokens, idx, options, env)


_BLOCK = MarkdownIt("commonmark", {"html": False}).disable(["image"])
_BLOCK.add_render_rule("link_open", _link_open)
_INLINE = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])
"""For text inside a link or button (answers, items, labels): emphasis yes, links no."""


def markdown(text: str, site_root: str) -> str:
    """Block Markdown -> safe HTML."""
    return str(_BLOCK.render(text, {"site_root": site_root})).strip()


def inline(text: str) -> str:
    """Inline Markdown without links -> safe HTML (fit inside `<a>`, `<button>`, `<label>`)."""
    return str(_INLINE.renderInline(text.strip()))


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- shared parts -------------------------------------------------------------------------------


def flow_meta(flow: Flow) -> str:
    """The version: every rendered part carries it. The review status is not typed in the flow
    but derived from the review records; the page around the step shows it (engine.review)."""
    return f'<p class="flow-meta">Flowchart version {esc(flow.version)}. {JUDGEMENT}</p>'


def citation_html(flow: Flow, citation: Citation, site_root: str) -> str:
    """One citation: the source's link (carrying `data-grade` when the source declares a
    scheme), the recommendation it supports and a visible grade tag."""
    source = flow.source(citation.source)
    title = f' title="{esc(source.citation)}"' if source else ""
    text = source.short if source else citation.source
    grade = grade_text(source, citation)
    data_grade = f' data-grade="{esc(grade)}"' if grade else ""
    link = (
        f'<a href="{esc(site_root)}sources/#{esc(citation.source)}"{title}{data_grade}>'
        f"{esc(text)}</a>"
    )
    rec = f' <span class="rec">{esc(citation.rec)}</span>' if citation.rec else ""
    words = grade_words(source, citation)
    tag = f' <span class="grade">{esc(words)}</span>' if words else ""
    return f'<span class="citation">{link}{rec}{tag}</span>'


def citations(flow: Flow, cite: Cites, site_root: str) -> str:
    """A step's or recommendation's sources, guidelines and evidence before AI answers."""
    if not cite:
        return ""
    shown = [citation_html(flow, c, site_root) for c in ordered(flow, cite)]
    return f'<p class="sources">Sources: {"; ".join(shown)}</p>'


def page_links(links: tuple[Link, ...], site_root: str) -> str:
    if not links:
        return ""
    items = "".join(
        f'<li><a href="{esc(page_url(site_root, link.page))}">{inline(link.text)}</a></li>'
        for link in links
    )
    return f'<ul class="guideline-links">{items}</ul>'


def help_details(help_text: str | None, help_id: str, site_root: str, label: str) -> str:
    if not help_text:
        return ""
    return (
        f'<details class="help" id="{esc(help_id)}"><summary>{esc(label)}</summary>'
        f"{markdown(help_text, site_root)}</details>"
    )


def described_by(help_text: str | None, help_id: str) -> str:
    return f' aria-describedby="{esc(help_id)}"' if help_text else ""


def fact_value_words(value: str) -> str:
    return value.replace("-", " ").replace("_", " ")


def facts_list(flow: Flow, facts: FactsKey) -> str:
    if not facts:
        return ""
    rows = []
    for fact_id, value in facts:
        fact = flow.fact(fact_id)
        label = fact.label if fact else fact_id
        rows.append(f"<dt>{esc(label)}</dt><dd>{esc(fact_value_words(value))}</dd>")
    return f'<dl class="facts">{"".join(rows)}</dl>'


def recommendation_html(flow: Flow, rec: Recommendation, site_root: str) -> str:
    help_id = f"help-rec-{rec.id}"
    return (
        f'<li class="recommendation" id="rec-{esc(rec.id)}"{described_by(rec.help, help_id)}>'
        f"{markdown(rec.text, site_root)}"
        f"{citations(flow, rec.cite, site_root)}"
        f"{help_details(rec.help, help_id, site_root, 'More about this')}"
        f"{page_links(rec.links, site_root)}</li>"
    )


def outcome_html(
    flow: Flow,
    node: Node,
    shown: tuple[Recommendation, ...],
    site_root: str,
    *,
    heading: str,
    heading_id: str,
) -> str:
    """An outcome: looks and reads like its urgency (class `urgency-<level>`).

    A plain `<div>`, not a landmark: it always sits inside a step or summary section whose label
    is the same heading, and two regions with one name confuse screen-reader navigation.
    """
    level = node.urgency or "routine"
    parts = [
        f'<div class="outcome urgency-{esc(level)}">',
        f'<p class="urgency"><strong>{esc(URGENCY_WORDS.get(level, level))}</strong></p>',
        f'<{heading} id="{esc(heading_id)}">{inline(node.title)}</{heading}>',
        f'<div class="outcome-text">{markdown(node.text, site_root)}</div>',
        citations(flow, node.cite, site_root),
        help_details(node.help, f"help-{node.id}", site_root, "More about this outcome"),
        page_links(node.links, site_root),
    ]
    if shown:
        parts.append('<h3 class="recommendations-title">Recommendations</h3>')
        parts.append('<ol class="recommendations">')
        parts.extend(recommendation_html(flow, rec, site_root) for rec in shown)
        parts.append("</ol>")
    if node.follow_up:
        parts.append('<h3 class="follow-up-title">Follow-up</h3>')
        parts.append(f'<div class="follow-up">{markdown(node.follow_up, site_root)}</div>')
    parts.append("</div>")
    return "".join(p for p in parts if p)


# --- a step -------------------------------------------------------------------------------------


def render_step_html(
    flow: Flow, state: State, *, mode: Mode, site_root: str, step_url: StepUrl
) -> str:
    """The current step of a walk as HTML: static (links) or live (buttons and a form).

    `step_url(token)` gives the URL of another state's page; it is also called with
    `START_TOKEN` ("start") for "Start again" and for changing the first answer, so it must map
    that token to the flow's first page. `site_root` prefixes links to site pages and to
    `sources/#<source-id>`. Both modes show progress, the answers so far (each with a change
    control), back and restart controls once an answer is given, and the flow's version and
    review date; an outcome also shows the text for the clinical note.
    """
    current = view(flow, state)
    node = current.node
    parts = [
        f'<section class="step step-{node.kind}" aria-labelledby="step-{esc(node.id)}" '
        f'data-node="{esc(node.id)}">',
        f'<p class="progress">Step {current.k} of at most {current.n}</p>',
    ]
    if node.kind == "outcome":
        parts.append(
            outcome_html(
                flow,
                node,
                current.recommendations,
                site_root,
                heading="h2",
                heading_id=f"step-{node.id}",
            )
        )
        parts.append(
            '<details class="note-text"><summary>Text for the clinical note</summary>'
            f"<pre>{esc(summary_text(flow, state))}</pre></details>"
        )
    else:
        help_id = f"help-{node.id}"
        parts.append(f'<h2 id="step-{esc(node.id)}">{inline(node.title)}</h2>')
        parts.append(
            f'<div class="step-text"{described_by(node.help, help_id)}>'
            f"{markdown(node.text, site_root)}</div>"
        )
        parts.append(help_details(node.help, help_id, site_root, "How to assess this"))
        parts.append(citations(flow, node.cite, site_root))
        parts.append(page_links(node.links, site_root))
        if node.kind == "question":
            parts.append(_answers(flow, state, node, mode, site_root, step_url))
        elif node.kind == "checklist":
            parts.append(_checklist(flow, state, current, mode, site_root, step_url))
        elif mode == "static":
            url = step_url(encode_token(flow, choose(flow, state, None)))
            parts.append(f'<p class="continue"><a href="{esc(url)}">Continue</a></p>')
        else:
            parts.append(
                '<p class="continue"><button type="button" data-action="continue">Continue'
                "</button></p>"
            )
    parts.append(_navigation(flow, state, current, mode, step_url))
    parts.append(_answered(flow, state, current, mode, step_url))
    parts.append(flow_meta(flow))
    parts.append("</section>")
    return "".join(p for p in parts if p)


def _answers(
    flow: Flow, state: State, node: Node, mode: Mode, site_root: str, step_url: StepUrl
) -> str:
    items = []
    for answer in node.answers:
        help_id = f"help-{node.id}-{answer.id}"
        described = described_by(answer.help, help_id)
        if mode == "static":
            url = step_url(encode_token(flow, choose(flow, state, answer.id)))
            control = f'<a class="answer" href="{esc(url)}"{described}>{inline(answer.text)}</a>'
        else:
            control = (
                f'<button type="button" class="answer" data-action="choose" '
                f'data-choice="{esc(answer.id)}"{described}>{inline(answer.text)}</button>'
            )
        items.append(
            f"<li>{control}"
            f"{help_details(answer.help, help_id, site_root, 'About this answer')}"
            f"{citations(flow, answer.cite, site_root)}"
            f"{page_links(answer.links, site_root)}</li>"
        )
    return f'<ul class="answers">{"".join(items)}</ul>'


def _checklist(
    flow: Flow, state: State, current: StepView, mode: Mode, site_root: str, step_url: StepUrl
) -> str:
    node = current.node
    if mode == "live":
        boxes = []
        for item in node.items:
            box_id = f"item-{node.id}-{item.id}"
            help_id = f"help-{node.id}-{item.id}"
            boxes.append(
                f'<div class="checklist-item"><input type="checkbox" name="item" '
                f'id="{esc(box_id)}" value="{esc(item.id)}"{described_by(item.help, help_id)}> '
                f'<label for="{esc(box_id)}">{inline(item.text)}</label>'
                f"{help_details(item.help, help_id, site_root, 'How to check')}"
                f"{citations(flow, item.cite, site_root)}</div>"
            )
        return (
            f'<form class="checklist" data-action="tick" aria-labelledby="step-{esc(node.id)}">'
            f"<fieldset><legend>Tick every item that applies</legend>{''.join(boxes)}</fieldset>"
            '<p><button type="submit">Continue</button></p></form>'
        )
    items = "".join(
        f"<li>{inline(item.text)}"
        f"{help_details(item.help, f'help-{node.id}-{item.id}', site_root, 'How to check')}"
        f"{citations(flow, item.cite, site_root)}</li>"
        for item in node.items
    )
    routes = []
    for index, witness in checklist_branches(node, dict(current.facts)):
        route = node.routes[index]
        url = step_url(encode_token(flow, choose(flow, state, witness)))
        example = describe_choice(flow, node, witness)
        routes.append(
            f'<li><a class="route" href="{esc(url)}">{inline(route.label)}</a> '
            f'<span class="route-example">(for example: {esc(example)})</span></li>'
        )
    return (
        f'<ul class="checklist-items">{items}</ul>'
        '<p class="checklist-prompt">Then choose what applies:</p>'
        f'<ul class="checklist-routes">{"".join(routes)}</ul>'
    )


def _navigation(flow: Flow, state: State, current: StepView, mode: Mode, step_url: StepUrl) -> str:
    if not current.answered:
        return ""
    if mode == "static":
        back = step_url(encode_token(flow, State(flow.id, flow.version, state.choices[:-1])))
        again = step_url(START_TOKEN)
        return (
            '<nav class="walk-controls" aria-label="Walk controls">'
            f'<a class="back" href="{esc(back)}">Back</a> '
            f'<a class="restart" href="{esc(again)}">Start again</a></nav>'
        )
    return (
        '<nav class="walk-controls" aria-label="Walk controls">'
        '<button type="button" data-action="back">Back</button> '
        '<button type="button" data-action="restart">Start again</button></nav>'
    )


def _answered(flow: Flow, state: State, current: StepView, mode: Mode, step_url: StepUrl) -> str:
    if not current.answered:
        return ""
    rows = []
    for step in current.answered:
        node = step.node
        words = esc(describe_choice(flow, node, step.choice))
        label = f"Change the answer to {node.title}"
        if mode == "static":
            url = step_url(
                encode_token(flow, State(flow.id, flow.version, state.choices[: step.index]))
            )
            control = f'<a class="change" href="{esc(url)}" aria-label="{esc(label)}">Change</a>'
        else:
            control = (
                f'<button type="button" data-action="change" data-step="{step.index}" '
                f'aria-label="{esc(label)}">Change</button>'
            )
        rows.append(
            f'<li><span class="answered-step">{inline(node.title)}</span>: '
            f'<span class="answered-choice">{words}</span> {control}</li>'
        )
    return (
        '<section class="answered" aria-label="Answers so far"><h3>Answers so far</h3>'
        f"<ol>{''.join(rows)}</ol></section>"
    )


# --- summary ------------------------------------------------------------------------------------


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
    if current.facts:
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


def short_tags(flow: Flow, cite: Cites) -> str:
    """`ACP 2017 strong/moderate; NICE NG59 1.2.17 [2016] do not offer`, AI answers last."""
    return "; ".join(short_tag(flow.source(c.source), c) for c in ordered(flow, cite))


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
    if current.facts:
        lines.append(
            "Facts: "
            + "; ".join(
                f"{(flow.fact(f).label if flow.fact(f) else f)}: {fact_value_words(v)}"  # type: ignore[union-attr]
                for f, v in current.facts
            )
        )
    if current.is_outcome:
        node = current.node
        lines.append(f"Outcome: {node.title} ({URGENCY_WORDS.get(node.urgency or '', '')})")
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


# --- outline ------------------------------------------------------------------------------------


def describe_condition(flow: Flow, condition: Condition) -> str:
    """A condition in words, for the outline and the review table."""
    match condition:
        case FactIs(fact=fact_id, values=values):
            fact = flow.fact(fact_id)
            label = fact.label if fact else fact_id
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
                next((i.text for i in node.items if i.id == item), item) if node else item
                for item in items
            ]
            return " or ".join(names) + f" ticked{where}"
        case Answered(at=at, answer=answer):
            node = flow.node(at)
            chosen = node.answer(answer)
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
    words = ", ".join(
        f"{(flow.fact(f).label if flow.fact(f) else f)} = {fact_value_words(v)}"  # type: ignore[union-attr]
        for f, v in setting
    )
    return f' <span class="sets">(records {esc(words)})</span>'


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
            f"{', start' if node.id == flow.start else ''})</span></h2>"
        )
        if node.kind == "outcome":
            parts.append(
                f'<p class="urgency urgency-{esc(node.urgency or "")}"><strong>'
                f"{esc(URGENCY_WORDS.get(node.urgency or '', ''))}</strong></p>"
            )
        parts.append(markdown(node.text, site_root))
        parts.append(help_details(node.help, f"help-{node.id}", site_root, "How to assess this"))
        parts.append(citations(flow, node.cite, site_root))
        parts.append(page_links(node.links, site_root))
        if node.kind == "question":
            parts.append('<ul class="outline-answers">')
            parts.extend(
                f"<li>{inline(a.text)}{_sets(flow, a.set)} &#8594; {_targets(flow, a.next)}</li>"
                for a in node.answers
            )
            parts.append("</ul>")
        elif node.kind == "checklist":
            parts.append('<ul class="outline-items">')
            parts.extend(f"<li>{inline(i.text)}</li>" for i in node.items)
            parts.append(
                '</ul><p>Routes, the first that holds is taken:</p><ol class="outline-routes">'
            )
            parts.extend(
                f"<li>{inline(r.label)}{_sets(flow, r.set)} &#8594; {_targets(flow, r.next)}</li>"
                for r in node.routes
            )
            parts.append("</ol>")
        elif node.kind == "info":
            parts.append(f"<p>Then: {_targets(flow, node.next)}</p>")
        else:
            parts.append('<ol class="recommendations">')
            for rec in node.recommendations:
                only = (
                    f'<p class="only-when">Only when {esc(describe_condition(flow, rec.when))}.</p>'
                    if rec.when is not None
                    else ""
                )
                parts.append(
                    recommendation_html(flow, rec, site_root).replace("</li>", only + "</li>")
                )
            parts.append("</ol>")
            if node.follow_up:
                follow_up = markdown(node.follow_up, site_root)
                parts.append(f'<div class="follow-up"><h3>Follow-up</h3>{follow_up}</div>')
        parts.append("</li>")
    parts.append("</ol>")
    if flow.safety:
        parts.append('<h2>Safety rules checked on every route</h2><ul class="safety-rules">')
        parts.extend(f"<li>{inline(rule.text)}</li>" for rule in flow.safety)
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(p for p in parts if p)


# --- review table -------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def route_row(flow: Flow, number: int, route: Route) -> str:
    answers = " → ".join(
        f"{flow.node(s.node).title}: {describe_choice(flow, flow.node(s.node), s.choice)}"
        for s in route.steps
    )
    outcome = flow.node(route.outcome)
    shown = [r for r in outcome.recommendations if r.id in route.recommendations]
    recs = "; ".join(f"{r.text} [{short_tags(flow, r.cite)}]" for r in shown)
    facts = "; ".join(f"{f} = {v}" for f, v in route.facts) or "-"
    return (
        f"| {number} | {_cell(answers)} | {_cell(facts)} | {_cell(outcome.title)} | "
        f"{_cell(outcome.urgency or '')} | {_cell(recs)} |"
    )


def routes_markdown(flow: Flow) -> str:
    """The review table of every route, for clinical sign-off (`python -m engine paths`)."""
    routes = enumerate_routes(flow)
    lines = [
        f"## {flow.title} (`{flow.id}`)",
        "",
        f"Version {flow.version}. "
        f"{len(routes)} routes; a checklist counts once per route it can take (with an example "
        "of ticks).",
        "",
        "| # | Answers | Facts | Outcome | Urgency | Recommendations shown |",
        "|---|---|---|---|---|---|",
    ]
    lines += [route_row(flow, n, route) for n, route in enumerate(routes, start=1)]
    if flow.safety:
        lines += ["", "Safety rules proved on every route:", ""]
        lines += [f"- `{rule.id}`: {_cell(rule.text)}" for rule in flow.safety]
    return "\n".join(lines) + "\n"
