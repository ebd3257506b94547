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
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from engine.analysis import FactsKey, Route, describe_choice, enumerate_routes
from engine.grades import grade_text, grade_words, ordered, short_tag
from engine.model import (
    NONE_CHOICE,
    URGENCY_BADGES,
    Action,
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
    Problem,
    Recommendation,
    Ticked,
    Visited,
)
from engine.semantics import checklist_branches, shown_facts
from engine.shape import PAGE
from engine.token import START_TOKEN, encode_token
from engine.walk import AnsweredStep, State, StepView, choose, view

Mode = Literal["static", "live"]
StepUrl = Callable[[str], str]

URGENCY_WORDS = URGENCY_BADGES
"""The badge of each urgency level (fixed in engine.model; never typed per outcome)."""
AdviceUrl = Callable[[str], str]
"""An outcome id -> the URL of its patient advice sheet page."""
NOTE_LIMIT = 1200
"""The clinical note has at most this many characters (issue 15)."""
NOTE_TIME = "<span data-note-time></span>"  # a <time> needs a valid datetime
"""Where the page (walker.mjs) writes the local date and time of the assessment into the note."""
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
    facts = shown_facts(facts)
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


def group_id(heading: str) -> str:
    """`Cauda equina syndrome` -> `cauda-equina-syndrome` (for `data-flag-group`)."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "group"


def action_html(flow: Flow, action: Action, site_root: str) -> str:
    """A key action: its line, then its sources as short tags (with `data-grade`)."""
    shown = "; ".join(citation_html(flow, c, site_root) for c in ordered(flow, action.cite))
    return (
        f'<li class="key-action">{inline(action.text)} <span class="sources">({shown})</span></li>'
    )


def ticked_groups(answered: tuple[AnsweredStep, ...]) -> list[tuple[Node, str, list[str]]]:
    """For each checklist passed whose items have groups: each group ticked, with its items."""
    found: list[tuple[Node, str, list[str]]] = []
    for step in answered:
        node = step.node
        if node.kind != "checklist" or not isinstance(step.choice, frozenset):
            continue
        if not any(item.group for item in node.items):
            continue
        groups: dict[str, list[str]] = {}
        for item in node.items:
            if item.id in step.choice:
                groups.setdefault(item.group or "Other", []).append(item.text)
        found.extend((node, heading, texts) for heading, texts in groups.items())
    return found


def not_examined(answered: tuple[AnsweredStep, ...]) -> list[tuple[str, str]]:
    """(what was not examined, what that leaves open) for every such answer or item chosen."""
    found = []
    for step in answered:
        node = step.node
        if node.kind == "question" and isinstance(step.choice, str):
            answer = node.answer(step.choice)
            if answer is not None and answer.not_examined:
                found.append((answer.text, answer.not_examined))
        elif node.kind == "checklist" and isinstance(step.choice, frozenset):
            found.extend(
                (item.text, item.not_examined)
                for item in node.items
                if item.id in step.choice and item.not_examined
            )
    return found


def recommendation_groups(
    shown: tuple[Recommendation, ...],
) -> list[tuple[str, list[Recommendation]]]:
    """Recommendations by `group`, in the order each group first appears ("Detail" unnamed)."""
    groups: dict[str, list[Recommendation]] = {}
    for rec in shown:
        groups.setdefault(rec.group or "Detail", []).append(rec)
    return list(groups.items())


def outcome_html(
    flow: Flow,
    node: Node,
    shown: tuple[Recommendation, ...],
    site_root: str,
    *,
    heading: str,
    heading_id: str,
    actions: tuple[Action, ...] = (),
    answered: tuple[AnsweredStep, ...] = (),
    advice_url: AdviceUrl | None = None,
) -> str:
    """An outcome, action first: urgency badge, title, key actions, then the detail folded.

    The element carries `data-urgency` and its key actions are the items of `data-actions` (test
    contracts). Without key actions (an outcome not yet rewritten) the recommendations are shown
    open, as before, so nothing is hidden. A plain `<div>`, not a landmark: it always sits inside
    a step or summary section whose label is the same heading.
    """
    level = node.urgency or "routine"
    parts = [
        f'<div class="outcome urgency-{esc(level)}" data-urgency="{esc(level)}">',
        f'<p class="urgency"><strong>{esc(URGENCY_WORDS.get(level, level))}</strong></p>',
        f'<{heading} id="{esc(heading_id)}">{inline(node.title)}</{heading}>',
    ]
    if actions:
        parts.append('<ol class="key-actions" data-actions>')
        parts.extend(action_html(flow, action, site_root) for action in actions)
        parts.append("</ol>")
    groups = ticked_groups(answered)
    if len(groups) > 1 or (groups and node.urgency in ("emergency", "urgent")):
        parts.append('<div class="ticked-groups"><p><strong>Ticked:</strong></p><ul>')
        parts.extend(
            f'<li data-flag-group="{esc(group_id(heading))}"><strong>{inline(heading)}</strong>: '
            f"{'; '.join(inline(t) for t in texts)}</li>"
            for _, heading, texts in groups
        )
        parts.append("</ul></div>")
    unexamined = not_examined(answered)
    if unexamined:
        parts.append('<div class="not-examined"><p><strong>Not examined:</strong></p><ul>')
        parts.extend(f"<li>{inline(what)}: {inline(open_)}</li>" for what, open_ in unexamined)
        parts.append("</ul></div>")
    parts += [
        f'<div class="outcome-text">{markdown(node.text, site_root)}</div>',
        citations(flow, node.cite, site_root),
        help_details(node.help, f"help-{node.id}", site_root, "More about this outcome"),
        page_links(node.links, site_root),
    ]
    if shown and actions:
        parts.append('<h3 class="recommendations-title">Detail</h3>')
        for name, recs in recommendation_groups(shown):
            parts.append(
                f'<details class="recommendation-group"><summary>{inline(name)} '
                f'<span class="count">({len(recs)})</span></summary><ul class="recommendations">'
            )
            parts.extend(recommendation_html(flow, rec, site_root) for rec in recs)
            parts.append("</ul></details>")
    elif shown:
        parts.append('<h3 class="recommendations-title">Recommendations</h3>')
        parts.append('<ol class="recommendations">')
        parts.extend(recommendation_html(flow, rec, site_root) for rec in shown)
        parts.append("</ol>")
    if node.follow_up:
        parts.append('<h3 class="follow-up-title">Follow-up</h3>')
        parts.append(f'<div class="follow-up">{markdown(node.follow_up, site_root)}</div>')
    if node.patient is not None and advice_url is not None:
        parts.append(
            f'<p class="advice-link"><a href="{esc(advice_url(node.id))}">Patient advice sheet '
            "(printable)</a></p>"
        )
    parts.append("</div>")
    return "".join(p for p in parts if p)


def print_references(flow: Flow, cites: Sequence[Citation]) -> str:
    """Each cited source once, short label and full reference, for the printout without
    JavaScript (on screen it is hidden; the walker builds the same list before printing)."""
    seen: dict[str, str] = {}
    for citation in cites:
        source = flow.source(citation.source)
        if source is not None and citation.source not in seen:
            seen[citation.source] = (
                f"<li><strong>{esc(source.short)}</strong>: {esc(source.citation)}</li>"
            )
    if not seen:
        return ""
    return (
        '<section class="walker-print-refs" aria-label="References"><p>References</p>'
        f"<ol>{''.join(seen.values())}</ol></section>"
    )


# --- a step -------------------------------------------------------------------------------------


def render_step_html(
    flow: Flow,
    state: State,
    *,
    mode: Mode,
    site_root: str,
    step_url: StepUrl,
    advice_url: AdviceUrl | None = None,
) -> str:
    """The current step of a walk as HTML: static (links) or live (buttons and a form).

    `step_url(token)` gives the URL of another state's page; it is also called with
    `START_TOKEN` ("start") for "Start again" and for changing the first answer, so it must map
    that token to the flow's first page. `site_root` prefixes links to site pages and to
    `sources/#<source-id>`. Both modes show progress, the answers so far (each with a change
    control), back and restart controls once an answer is given, and the flow's version and
    review date; an outcome also shows the clinical note (`data-note`) and, folded beside it,
    the full summary text. An outcome has no "step k of at most n" (nothing comes after it).
    `advice_url(outcome_id)`, when given, links an outcome to its patient advice sheet page.
    """
    current = view(flow, state)
    node = current.node
    parts = [
        f'<section class="step step-{node.kind}" aria-labelledby="step-{esc(node.id)}" '
        f'data-node="{esc(node.id)}">',
    ]
    if node.kind != "outcome":
        parts.append(f'<p class="progress">Step {current.k} of at most {current.n}</p>')
    if node.kind == "outcome":
        parts.append(
            outcome_html(
                flow,
                node,
                current.recommendations,
                site_root,
                heading="h2",
                heading_id=f"step-{node.id}",
                actions=current.actions,
                answered=current.answered,
                advice_url=advice_url,
            )
        )
        if mode == "static":
            cites = [c for a in current.actions for c in a.cite]
            cites += [*node.cite, *(c for r in current.recommendations for c in r.cite)]
            parts.append(print_references(flow, cites))
        parts.append(note_html(flow, state))
        parts.append(
            '<details class="note-text"><summary>Full summary text</summary>'
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
        group = None
        for item in node.items:
            box_id = f"item-{node.id}-{item.id}"
            help_id = f"help-{node.id}-{item.id}"
            if item.group and item.group != group:
                boxes.append(f'<p class="item-group">{inline(item.group)}</p>')
            group = item.group
            boxes.append(
                f'<div class="checklist-item"><input type="checkbox" name="item" '
                f'id="{esc(box_id)}" value="{esc(item.id)}"{described_by(item.help, help_id)}> '
                f'<label for="{esc(box_id)}">{inline(item.text)}</label>'
                f"{help_details(item.help, help_id, site_root, 'How to check')}"
                f"{citations(flow, item.cite, site_root)}</div>"
            )
        if node.none is not None:
            box_id = f"item-{node.id}-{NONE_CHOICE}"
            boxes.append(
                f'<div class="checklist-item checklist-none"><input type="checkbox" name="item" '
                f'id="{esc(box_id)}" value="{NONE_CHOICE}" data-none> '
                f'<label for="{esc(box_id)}">{inline(node.none)}</label></div>'
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
        routes.append(
            f'<li><a class="route" href="{esc(url)}">{inline(route.label)}</a> '
            f'<span class="route-example">(for example: {esc(static_example(node, witness))})'
            "</span></li>"
        )
    return (
        f'<ul class="checklist-items">{items}</ul>'
        '<p class="checklist-prompt">Then choose what applies:</p>'
        f'<ul class="checklist-routes">{"".join(routes)}</ul>'
    )


def static_example(node: Node, witness: frozenset[str]) -> str:
    """A route's example ticks in words for a page without tick boxes ("Fever and Weight
    loss", "none of the items above"): never "ticked", there is nothing to tick there."""
    texts = [item.text for item in node.items if item.id in witness]
    if not texts:
        return node.none if node.none and NONE_CHOICE in witness else "none of the items above"
    return " and ".join(texts)


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
    if shown_facts(current.facts):
        lines.append(
            "Facts: "
            + "; ".join(
                f"{(flow.fact(f).label if flow.fact(f) else f)}: {fact_value_words(v)}"  # type: ignore[union-attr]
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


# --- the clinical note and the patient advice sheet ------------------------------------------

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`|~~|^#+\s*|^>\s*)", re.MULTILINE)
TIME_MARK = "\x00time\x00"
"""Stands for the assessment time inside the note text until the HTML is made."""
TIME_WIDTH = len("2026-12-01 20:15")
"""What the page writes at TIME_MARK: the note's limit counts it."""


def plain(text: str) -> str:
    """Markdown -> plain text on one line: `**x**` -> `x`, `[x](y)` -> `x`."""
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", text)).split())


def note_tags(flow: Flow, cite: Cites) -> str:
    """Short source names only, once each ("NICE NG59; ACP 2017")."""
    names = dict.fromkeys(
        (source.short if (source := flow.source(c.source)) else c.source)
        for c in ordered(flow, cite)
    )
    return "; ".join(names)


def shorten(text: str, cut: int | None) -> str:
    return text if cut is None or len(text) <= cut else text[: cut - 1].rstrip() + "…"


def finding_line(step: AnsweredStep, flow: Flow, cut: int | None = None) -> str | None:
    """One answered step as a record line, negatives explicit ("Red flags: none of 16 present")."""
    node = step.node
    if node.kind == "question" and isinstance(step.choice, str):
        answer = node.answer(step.choice)
        return f"{plain(node.title)}: {plain(answer.text if answer else step.choice)}."
    if node.kind == "checklist" and isinstance(step.choice, frozenset):
        findings = [item for item in node.items if not item.not_examined]
        total = len(findings)
        ticked = [item for item in findings if item.id in step.choice]
        if not ticked:
            return f"{plain(node.title)}: none of {total} present."
        present = "; ".join(shorten(plain(item.text), cut) for item in ticked)
        others = total - len(ticked)
        rest = f" The other {others} absent." if others else ""
        return f"{plain(node.title)}: present: {present}.{rest}"
    return None


def clinical_note(flow: Flow, state: State, assessed: str = "") -> str:
    """The note to paste into a record: plain text, at most NOTE_LIMIT characters.

    Flow and version, the date and time (`assessed`; the page writes it, see `note_html`), every
    finding with explicit negatives, what was not examined, the outcome and urgency, the key
    actions with short source tags. Shortened to fit: tags go first, then action lines are cut.
    """
    current = view(flow, state)
    when = f" Assessed: {assessed}" if assessed else ""
    heads = (
        f"{plain(flow.title)} (flowchart {flow.id} version {flow.version}).{when}",
        f"Flowchart {flow.id} version {flow.version}.{when}",
    )
    head = heads[0]

    def findings_cut(cut: int | None) -> list[str]:
        return [line for step in current.answered if (line := finding_line(step, flow, cut))]

    findings = findings_cut(None)
    unexamined = not_examined(current.answered)
    opens = (
        [f"Not examined: {plain(what)}: {plain(open_)}" for what, open_ in unexamined],
        [f"Not examined: {plain(what)}." for what, _ in unexamined],
    )
    tail = ["Decision support only; clinical judgement applies."]
    if not current.is_outcome:
        tail.insert(0, f"Not finished: next step is {plain(current.node.title)}.")
        return "\n".join([head, *findings, *opens[0], *tail])[:NOTE_LIMIT]
    node = current.node
    badge = URGENCY_WORDS.get(node.urgency or "", "")
    outcome = [f"Outcome: {plain(node.title)} ({badge})."]
    actions = [(plain(a.text), note_tags(flow, a.cite)) for a in current.actions]
    if not actions:
        outcome.append(f"Plan: {plain(node.text)}")

    every = dict.fromkeys(
        name for action in current.actions for name in note_tags(flow, action.cite).split("; ")
    )
    once = [f"Sources: {'; '.join(every)}."] if every else []
    main = dict.fromkeys(
        note_tags(flow, action.cite).split("; ")[0] for action in current.actions if action.cite
    )
    first = [f"Main sources: {'; '.join(main)}."] if main else []

    def build(tags: str, long: bool, item_cut: int | None, cut: int | None) -> str:
        lines = [heads[not long], *findings_cut(item_cut), *opens[not long], *outcome]
        if actions:
            lines.append("Key actions:")
        for text, names in actions:
            text = shorten(text, cut)
            lines.append(f"- {text} [{names}]" if tags == "each" and names else f"- {text}")
        sources = {"once": once, "first": first}.get(tags, [])
        return "\n".join([*lines, *sources, *tail])

    # Shortened step by step until it fits: tags gathered into one line, the short heading,
    # ticked items' texts cut, only each action's first (strongest) source, the tags left out,
    # and only then the key actions cut.
    budget = NOTE_LIMIT - (TIME_WIDTH - len(assessed) if assessed == TIME_MARK else 0)
    tries: list[tuple[str, bool, int | None, int | None]] = [
        ("each", True, None, None),
        ("once", True, None, None),
        ("once", False, None, None),
        ("once", False, 40, None),
        ("first", False, None, None),
        ("first", False, 40, None),
        ("none", False, 40, None),
        *(("none", False, 30, cut) for cut in range(150, 30, -10)),
    ]
    for tags, long, item_cut, cut in tries:
        note = build(tags, long, item_cut, cut)
        if len(note) <= budget:
            break
    if len(note) > budget:
        note = note[: budget - 1] + "…"
    return note


def note_problems(flow: Flow, states: Sequence[State]) -> list[Problem]:
    """Outcomes whose clinical note only fits in NOTE_LIMIT with a key action cut short.

    The note is always kept within the limit; a cut action is a warning to the author (shorten
    the key actions: about 110 characters each leaves room for findings and tags).
    """
    found: dict[str, Problem] = {}
    for state in states:
        current = view(flow, state)
        node = current.node
        if not current.is_outcome or node.id in found:
            continue
        note = clinical_note(flow, state, TIME_MARK)
        cut = [line for line in note.splitlines() if line.startswith("- ") and "…" in line]
        if cut:
            found[node.id] = Problem(
                flow.path,
                node.line,
                f'[note-too-long] the clinical note of outcome "{node.id}" fits in {NOTE_LIMIT} '
                f"characters only with key actions cut short (e.g. {cut[0]!r}); shorten them",
            )
    return list(found.values())


def note_html(flow: Flow, state: State) -> str:
    """The clinical note in `<pre data-note>`; the page writes the local date and time into its
    `<span data-note-time>` (empty until then, and on pages without JavaScript)."""
    text = esc(clinical_note(flow, state, TIME_MARK)).replace(esc(TIME_MARK), NOTE_TIME)
    return (
        '<div class="clinical-note"><h3>Clinical note</h3>'
        f'<pre class="note" data-note>{text}</pre></div>'
    )


def render_advice_html(flow: Flow, outcome_id: str, *, site_root: str) -> str | None:
    """The patient advice sheet of an outcome as an HTML fragment (None: it has none).

    One printable page of plain words, in the order a patient needs them: what it probably is,
    what to do and avoid, when to get help at once, when to come back. Only emphasis is kept
    from Markdown; links and HTML are not (the sheet is printed and taken home).
    """
    if not flow.has_node(outcome_id):
        return None
    node = flow.node(outcome_id)
    sheet = node.patient
    if sheet is None:
        return None

    def items(lines: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{inline(line)}</li>" for line in lines) + "</ul>"

    title = sheet.title or node.title
    return "".join(
        [
            f'<article class="advice-sheet" data-advice="{esc(node.id)}" '
            f'data-urgency="{esc(node.urgency or "")}">',
            f"<h1>{inline(title)}</h1>",
            f'<section class="advice-probably"><h2>What it probably is</h2>'
            f"<p>{inline(sheet.probably)}</p></section>",
            f'<section class="advice-do"><h2>What to do</h2>{items(sheet.do)}</section>',
            f'<section class="advice-avoid"><h2>What to avoid</h2>{items(sheet.avoid)}</section>',
            '<section class="advice-help-now"><h2>Get help at once if</h2>'
            f"{items(sheet.get_help_now)}</section>",
            '<section class="advice-come-back"><h2>Come back if</h2>'
            f"{items(sheet.come_back)}</section>",
            f'<p class="flow-meta">From: {esc(flow.title)}, version {esc(flow.version)}.</p>',
            "</article>",
        ]
    )


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
            f"{', first step' if node.id == flow.start else ''})</span></h2>"
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
                '</ul><p>Where to go next (the first that applies):</p><ol class="outline-routes">'
            )
            parts.extend(
                f"<li>{inline(r.label)}{_sets(flow, r.set)} &#8594; {_targets(flow, r.next)}</li>"
                for r in node.routes
            )
            parts.append("</ol>")
        elif node.kind == "info":
            parts.append(f"<p>Then: {_targets(flow, node.next)}</p>")
        else:
            if node.actions:
                parts.append('<h3>Key actions</h3><ol class="key-actions">')
                for action in node.actions:
                    only = (
                        f' <span class="only-when">Only when '
                        f"{esc(describe_condition(flow, action.when))}.</span>"
                        if action.when is not None
                        else ""
                    )
                    parts.append(
                        action_html(flow, action, site_root).replace("</li>", only + "</li>")
                    )
                parts.append("</ol><h3>Detail</h3>")
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
    facts = "; ".join(f"{f} = {v}" for f, v in shown_facts(route.facts)) or "-"
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
