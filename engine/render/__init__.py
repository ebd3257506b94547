"""HTML and text made from a flow: one renderer for the static pages and the live walker.

The modules, each owning one thing:

- `markdown`: Markdown -> safe HTML (markdown-it-py, raw HTML and images off) or plain text;
- `parts`: what every rendering shares (citations, help, links, facts, the outcome box);
- `controls`: a step's controls, as links (`StaticControls`) or buttons (`LiveControls`);
- `step`: one step of a walk; `summary`: the route and outcome; `note`: the clinical note;
- `advice`: the patient advice sheet; `outline`: every step as text; `review`: the route table;
- `prerender`: the texts a step shows, rendered at build time for the walker's artefact.

`advice`, `outline` and `review` make static pages only: they are imported when first used, so
the walker (which imports `step`) does not load them, nor the route enumeration `review` needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from engine.render.controls import LiveControls, StaticControls, StepUrl
from engine.render.markdown import esc, inline, markdown, page_url, plain
from engine.render.note import NOTE_LIMIT, NOTE_TIME, clinical_note, note_html, note_problems
from engine.render.parts import URGENCY_WORDS, AdviceUrl
from engine.render.step import Mode, render_step_html
from engine.render.summary import render_summary_html, summary_text

if TYPE_CHECKING:
    from engine.render.advice import render_advice_html
    from engine.render.outline import describe_condition, render_outline_html
    from engine.render.review import routes_markdown

_STATIC_ONLY = {
    "render_advice_html": "advice",
    "describe_condition": "outline",
    "render_outline_html": "outline",
    "routes_markdown": "review",
}


def __getattr__(name: str) -> Any:
    """The static pages' renderers, imported on first use (see above)."""
    if name in _STATIC_ONLY:
        return getattr(import_module(f"engine.render.{_STATIC_ONLY[name]}"), name)
    raise AttributeError(f"module 'engine.render' has no attribute {name!r}")


__all__ = [
    "NOTE_LIMIT",
    "NOTE_TIME",
    "URGENCY_WORDS",
    "AdviceUrl",
    "LiveControls",
    "Mode",
    "StaticControls",
    "StepUrl",
    "clinical_note",
    "describe_condition",
    "esc",
    "inline",
    "markdown",
    "note_html",
    "note_problems",
    "page_url",
    "plain",
    "render_advice_html",
    "render_outline_html",
    "render_step_html",
    "render_summary_html",
    "routes_markdown",
    "summary_text",
]
