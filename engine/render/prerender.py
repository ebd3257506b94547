"""Every Markdown text a step of the flow can show, rendered at build time for the walker.

The walker renders steps (engine.render.step) in the browser; with these renderings shipped in
the flow's artefact it never runs markdown-it-py there (issue 17). The outline, the summary page
and the advice sheets are static pages only, so their texts are not shipped.
`tests/engine/test_render.py` renders every state of every flow in a Python without
markdown-it-py to show that nothing is missing.
"""

from __future__ import annotations

from engine.model import Flow, Link
from engine.render.markdown import Prerendered, prerender
from engine.render.parts import OTHER_GROUP, REC_GROUP


def _links(links: tuple[Link, ...]) -> list[str]:
    return [link.text for link in links]


def step_texts(flow: Flow) -> tuple[list[str], list[str]]:
    """(block Markdown, inline Markdown) of every part a step of the flow can render."""
    blocks: list[str] = []
    inlines: list[str] = [REC_GROUP, OTHER_GROUP]
    for node in flow.nodes:
        blocks += [node.text, *filter(None, [node.help, node.follow_up])]
        inlines += [node.title, *_links(node.links), *filter(None, [node.none])]
        for answer in node.answers:
            blocks += filter(None, [answer.help])
            inlines += [answer.text, *_links(answer.links), *filter(None, [answer.not_examined])]
        for item in node.items:
            blocks += filter(None, [item.help])
            inlines += [item.text, *filter(None, [item.group, item.not_examined])]
        for rec in node.recommendations:
            blocks += [rec.text, *filter(None, [rec.help])]
            inlines += [*_links(rec.links), *filter(None, [rec.group])]
        inlines += [action.text for action in node.actions]
    return blocks, inlines


def prerendered(flow: Flow) -> Prerendered:
    """The renderings of `step_texts`, as the flow's artefact carries them."""
    return prerender(*step_texts(flow))
