"""The parts every rendering shares: citations, help, links, facts and the outcome box.

Used by the step, the summary and the outline alike, so an outcome reads the same on its static
page, in the live walker and in the summary. Nothing here knows static from live.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import assert_never

from engine.grades import LATE_KINDS, grade_text, grade_words, ordered, short_tag
from engine.model import (
    URGENCY_BADGES,
    Action,
    ChecklistNode,
    Citation,
    Cites,
    Flow,
    InfoNode,
    Link,
    OutcomeNode,
    QuestionNode,
    Recommendation,
)
from engine.render.markdown import esc, inline, markdown, page_url
from engine.semantics import shown_facts
from engine.states import FactsKey
from engine.walk import AnsweredStep

URGENCY_WORDS = URGENCY_BADGES
"""The badge of each urgency level (fixed in engine.model; never typed per outcome)."""
AdviceUrl = Callable[[str], str]
"""An outcome id -> the URL of its patient advice sheet page."""
JUDGEMENT = "This tool supports, not replaces, clinical judgement."
REC_GROUP = "Detail"
"""The group of a recommendation that names none."""
OTHER_GROUP = "Other"
"""The group of a ticked item that names none, in a checklist whose other items have one."""


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
    late = " data-late-source" if source is not None and source.kind in LATE_KINDS else ""
    link = (
        f'<a href="{esc(site_root)}sources/#{esc(citation.source)}"{title}{data_grade}{late}>'
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


def fact_label(flow: Flow, fact_id: str) -> str:
    """A fact's label ("Age group"), or its id for a fact the flow does not declare."""
    fact = flow.fact(fact_id)
    return fact.label if fact else fact_id


def facts_list(flow: Flow, facts: FactsKey) -> str:
    facts = shown_facts(facts)
    if not facts:
        return ""
    rows = []
    for fact_id, value in facts:
        rows.append(
            f"<dt>{esc(fact_label(flow, fact_id))}</dt><dd>{esc(fact_value_words(value))}</dd>"
        )
    return f'<dl class="facts">{"".join(rows)}</dl>'


def recommendation_html(flow: Flow, rec: Recommendation, site_root: str, tail: str = "") -> str:
    """One recommendation as a list item; `tail` (HTML) ends the item (the outline's "Only
    when ..."), put there by the caller, never by patching the rendered Markdown."""
    help_id = f"help-rec-{rec.id}"
    return (
        f'<li class="recommendation" id="rec-{esc(rec.id)}"{described_by(rec.help, help_id)}>'
        f"{markdown(rec.text, site_root)}"
        f"{citations(flow, rec.cite, site_root)}"
        f"{help_details(rec.help, help_id, site_root, 'More about this')}"
        f"{page_links(rec.links, site_root)}{tail}</li>"
    )


def group_id(heading: str) -> str:
    """`Cauda equina syndrome` -> `cauda-equina-syndrome` (for `data-flag-group`)."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "group"


def action_html(flow: Flow, action: Action, site_root: str, tail: str = "") -> str:
    """A key action: its line, then its sources as short tags (with `data-grade`); `tail`
    (HTML) ends the item."""
    shown = "; ".join(citation_html(flow, c, site_root) for c in ordered(flow, action.cite))
    return (
        f'<li class="key-action">{inline(action.text)} <span class="sources">({shown})</span>'
        f"{tail}</li>"
    )


def ticked_groups(
    answered: tuple[AnsweredStep, ...],
) -> list[tuple[ChecklistNode, str, list[str]]]:
    """For each checklist passed whose items have groups: each group ticked, with its items."""
    found: list[tuple[ChecklistNode, str, list[str]]] = []
    for step in answered:
        node = step.node
        if not isinstance(node, ChecklistNode) or not isinstance(step.choice, frozenset):
            continue
        if not any(item.group for item in node.items):
            continue
        groups: dict[str, list[str]] = {}
        for item in node.items:
            if item.id in step.choice:
                groups.setdefault(item.group or OTHER_GROUP, []).append(item.text)
        found.extend((node, heading, texts) for heading, texts in groups.items())
    return found


def not_examined(answered: tuple[AnsweredStep, ...]) -> list[tuple[str, str]]:
    """(what was not examined, what that leaves open) for every such answer or item chosen."""
    found = []
    for step in answered:
        node = step.node
        match node:
            case QuestionNode() if isinstance(step.choice, str):
                answer = node.answer(step.choice)
                if answer is not None and answer.not_examined:
                    found.append((answer.text, answer.not_examined))
            case ChecklistNode() if isinstance(step.choice, frozenset):
                found.extend(
                    (item.text, item.not_examined)
                    for item in node.items
                    if item.id in step.choice and item.not_examined
                )
            case QuestionNode() | ChecklistNode() | InfoNode() | OutcomeNode():
                pass  # nothing chosen there says "not examined"
            case _:
                assert_never(node)
    return found


def recommendation_groups(
    shown: tuple[Recommendation, ...],
) -> list[tuple[str, list[Recommendation]]]:
    """Recommendations by `group`, in the order each group first appears ("Detail" unnamed)."""
    groups: dict[str, list[Recommendation]] = {}
    for rec in shown:
        groups.setdefault(rec.group or REC_GROUP, []).append(rec)
    return list(groups.items())


def outcome_html(
    flow: Flow,
    node: OutcomeNode,
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


def short_tags(flow: Flow, cite: Cites) -> str:
    """`ACP 2017 strong/moderate; NICE NG59 1.2.17 [2016] do not offer`, AI answers last."""
    return "; ".join(short_tag(flow.source(c.source), c) for c in ordered(flow, cite))


def print_references(flow: Flow, cites: Sequence[Citation]) -> str:
    """Each cited source once, short label and full reference, for the printout without
    JavaScript (on screen it is hidden; the walker builds the same list before printing).
    Guidelines and evidence first, AI answers and clinic pages last, as wherever sources show."""
    seen: dict[str, str] = {}
    for citation in ordered(flow, tuple(cites)):
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
