"""One step of a walk as HTML, for a static page or the live walker (the same bytes but for
the controls, which `engine.render.controls` makes: links or buttons).

The output carries no scripts, no event handlers and no `style` attributes (the site's CSP
forbids them), and is deterministic: the same flow and state always give the same bytes.
"""

from __future__ import annotations

from typing import Literal, assert_never

from engine.model import ChecklistNode, Flow, InfoNode, Node, OutcomeNode, QuestionNode
from engine.render.controls import Controls, LiveControls, StaticControls, StepUrl
from engine.render.markdown import esc, inline, markdown
from engine.render.note import note_html
from engine.render.parts import (
    AdviceUrl,
    citations,
    described_by,
    flow_meta,
    help_details,
    outcome_html,
    page_links,
)
from engine.render.summary import summary_text
from engine.states import describe_choice
from engine.walk import State, StepView, view

Mode = Literal["static", "live"]


def controls_for(mode: Mode, step_url: StepUrl) -> Controls:
    """Links to step pages (static) or buttons for the walker (live)."""
    return StaticControls(step_url) if mode == "static" else LiveControls()


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
    controls = controls_for(mode, step_url)
    current = view(flow, state)
    node = current.node
    parts = [
        f'<section class="step step-{node.kind}" aria-labelledby="step-{esc(node.id)}" '
        f'data-node="{esc(node.id)}">',
    ]
    match node:
        case OutcomeNode():
            parts += _outcome(flow, state, current, node, controls, site_root, advice_url)
        case QuestionNode() | ChecklistNode() | InfoNode():
            parts.append(f'<p class="progress">Step {current.k} of at most {current.n}</p>')
            parts += _step_text(node, site_root)
            parts.append(_choices(flow, state, current, node, controls, site_root))
            parts += _step_references(flow, node, site_root)
        case _:
            assert_never(node)
    if current.answered:
        parts.append(controls.navigation(flow, state))
        parts.append(_answered(flow, state, current, controls))
    parts.append(flow_meta(flow))
    parts.append("</section>")
    return "".join(p for p in parts if p)


def _outcome(
    flow: Flow,
    state: State,
    current: StepView,
    node: OutcomeNode,
    controls: Controls,
    site_root: str,
    advice_url: AdviceUrl | None,
) -> list[str]:
    """The outcome box, its printed references, the clinical note and, folded, the full
    summary text."""
    box = outcome_html(
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
    summary = (
        '<details class="note-text"><summary>Full summary text</summary>'
        f"<pre>{esc(summary_text(flow, state))}</pre></details>"
    )
    cites = [c for a in current.actions for c in a.cite]
    cites += [*node.cite, *(c for r in current.recommendations for c in r.cite)]
    return [box, controls.references(flow, cites), note_html(flow, state), summary]


def _step_text(node: Node, site_root: str) -> list[str]:
    """A step's heading, text and help (every kind but an outcome): its answers follow at once,
    so they are on the first screen and in the walker's first frame (web/frames.mjs)."""
    help_id = f"help-{node.id}"
    return [
        f'<h2 id="step-{esc(node.id)}">{inline(node.title)}</h2>',
        f'<div class="step-text"{described_by(node.help, help_id)}>'
        f"{markdown(node.text, site_root)}</div>",
        help_details(node.help, help_id, site_root, "How to assess this"),
    ]


def _step_references(flow: Flow, node: Node, site_root: str) -> list[str]:
    """A step's sources and links to the guidance pages, under its answers."""
    return [citations(flow, node.cite, site_root), page_links(node.links, site_root)]


def _choices(
    flow: Flow,
    state: State,
    current: StepView,
    node: QuestionNode | ChecklistNode | InfoNode,
    controls: Controls,
    site_root: str,
) -> str:
    """What the reader does at this step: answer, tick or continue."""
    match node:
        case QuestionNode():
            return _answers(flow, state, node, controls, site_root)
        case ChecklistNode():
            return controls.checklist(flow, state, node, current, site_root)
        case InfoNode():
            return controls.proceed(flow, state)
        case _:
            assert_never(node)


def _answers(
    flow: Flow, state: State, node: QuestionNode, controls: Controls, site_root: str
) -> str:
    items = []
    for answer in node.answers:
        help_id = f"help-{node.id}-{answer.id}"
        control = controls.answer(flow, state, answer, described_by(answer.help, help_id))
        items.append(
            f"<li>{control}"
            f"{help_details(answer.help, help_id, site_root, 'About this answer')}"
            f"{citations(flow, answer.cite, site_root)}"
            f"{page_links(answer.links, site_root)}</li>"
        )
    return f'<ul class="answers">{"".join(items)}</ul>'


def _answered(flow: Flow, state: State, current: StepView, controls: Controls) -> str:
    """The answers so far, each with its change control."""
    rows = []
    for step in current.answered:
        node = step.node
        words = esc(describe_choice(flow, node, step.choice))
        control = controls.change(flow, state, step.index, f"Change the answer to {node.title}")
        rows.append(
            f'<li><span class="answered-step">{inline(node.title)}</span>: '
            f'<span class="answered-choice">{words}</span> {control}</li>'
        )
    return (
        '<section class="answered" aria-label="Answers so far"><h3>Answers so far</h3>'
        f"<ol>{''.join(rows)}</ol></section>"
    )
