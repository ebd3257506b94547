"""The patient advice sheet of an outcome: one printable page of plain words."""

from __future__ import annotations

from engine.model import Flow
from engine.render.markdown import esc, inline


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
