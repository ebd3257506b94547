"""The controls of a step, in two flavours: links for the static pages, buttons for the walker.

`StaticControls(step_url)` renders every control as a plain link to the page of the state it
leads to (the site works with JavaScript off). `LiveControls()` renders the same controls for
the live walker, which finds them by `data-action`:

- `choose` (question answer button, `data-choice` = answer id),
- `continue` (info step), `tick` (the checklist `<form>`, whose checked `name="item"` boxes give
  the ticked item ids; submitting it continues),
- `back`, `restart`, `change` (`data-step` = index of the answered step to change).

Everything else on a step is the same in both (engine.render.step).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine.model import NONE_CHOICE, Answer, ChecklistNode, Citation, Flow
from engine.render.markdown import esc, inline
from engine.render.parts import citations, described_by, help_details, print_references
from engine.semantics import checklist_branches
from engine.token import START_TOKEN, encode_token
from engine.walk import State, StepView, choose

StepUrl = Callable[[str], str]
"""A state's token -> the URL of its static page."""


class StaticControls:
    """Controls as links to the pages of the states they lead to (no JavaScript needed)."""

    def __init__(self, step_url: StepUrl) -> None:
        self.step_url = step_url

    def _url(self, flow: Flow, state: State) -> str:
        return esc(self.step_url(encode_token(flow, state)))

    def answer(self, flow: Flow, state: State, answer: Answer, described: str) -> str:
        url = self._url(flow, choose(flow, state, answer.id))
        return f'<a class="answer" href="{url}"{described}>{inline(answer.text)}</a>'

    def checklist(
        self, flow: Flow, state: State, node: ChecklistNode, current: StepView, site_root: str
    ) -> str:
        """The items as a list under their group headings, then one link per route that can be
        taken, with example ticks. Where the checklist has "None of these", its route is also a
        link that stays at the bottom of the screen while the items scroll (site.css), as the
        walker's button does: the common answer in one tap without scrolling (issue 15)."""
        items = []
        group = None
        for item in node.items:
            if item.group and item.group != group:
                items.append(f'<li class="item-group">{inline(item.group)}</li>')
            group = item.group
            items.append(
                f"<li>{inline(item.text)}"
                f"{help_details(item.help, f'help-{node.id}-{item.id}', site_root, 'How to check')}"
                f"{citations(flow, item.cite, site_root)}</li>"
            )
        routes = []
        shortcut = ""
        for index, witness in checklist_branches(node, dict(current.facts)):
            route = node.routes[index]
            url = self._url(flow, choose(flow, state, witness))
            routes.append(
                f'<li><a class="route" href="{url}">{inline(route.label)}</a> '
                f'<span class="route-example">(for example: {esc(static_example(node, witness))})'
                "</span></li>"
            )
            if node.none is not None and witness == frozenset({NONE_CHOICE}):
                shortcut = (
                    f'<p class="checklist-submit"><a class="none-answer" href="{url}" '
                    f"data-none-answer>{inline(node.none)}</a></p>"
                )
        return (
            f"{how_to_check_toggle(node)}"
            f'<div class="checklist-static"><ul class="checklist-items">{"".join(items)}</ul>'
            f"{shortcut}</div>"
            '<p class="checklist-prompt">Then choose what applies:</p>'
            f'<ul class="checklist-routes">{"".join(routes)}</ul>'
        )

    def references(self, flow: Flow, cites: Sequence[Citation]) -> str:
        """The outcome's sources, printed with it even without JavaScript."""
        return print_references(flow, cites)

    def proceed(self, flow: Flow, state: State) -> str:
        url = self._url(flow, choose(flow, state, None))
        return f'<p class="continue"><a href="{url}">Continue</a></p>'

    def navigation(self, flow: Flow, state: State) -> str:
        back = self._url(flow, State(flow.id, flow.version, state.choices[:-1]))
        again = esc(self.step_url(START_TOKEN))
        return (
            '<nav class="walk-controls" aria-label="Walk controls">'
            f'<a class="back" href="{back}">Back</a> '
            f'<a class="restart" href="{again}">Start again</a></nav>'
        )

    def change(self, flow: Flow, state: State, index: int, label: str) -> str:
        url = self._url(flow, State(flow.id, flow.version, state.choices[:index]))
        return f'<a class="change" href="{url}" aria-label="{esc(label)}">Change</a>'


class LiveControls:
    """Controls as buttons and a form, found by the walker through `data-action`."""

    def answer(self, flow: Flow, state: State, answer: Answer, described: str) -> str:
        return (
            f'<button type="button" class="answer" data-action="choose" '
            f'data-choice="{esc(answer.id)}"{described}>{inline(answer.text)}</button>'
        )

    def checklist(
        self, flow: Flow, state: State, node: ChecklistNode, current: StepView, site_root: str
    ) -> str:
        """A form of tick boxes (items under their group headings, then "None of these")."""
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
        # "None of these" also as a button beside Continue: the common answer in one tap, with
        # no scrolling (issue 15). It is hidden while an item is ticked (site.css), and the
        # walker never lets it drop a tick.
        none_button = (
            f' <button type="submit" class="none-answer" value="{NONE_CHOICE}" data-none-answer>'
            f"{inline(node.none)}</button>"
            if node.none is not None
            else ""
        )
        # The boxes in a <div> of their own: the walker puts a long checklist on the page a few
        # items per frame (web/frames.mjs), and Chromium lays out every child of a <fieldset>
        # again whenever one is added (each frame laid out all the items before it), but only
        # the new children of a <div> (tests/browser/test_walker_frames.py).
        return (
            f"{how_to_check_toggle(node)}"
            f'<form class="checklist" data-action="tick" aria-labelledby="step-{esc(node.id)}">'
            "<fieldset><legend>Tick every item that applies</legend>"
            f'<div class="checklist-items">{"".join(boxes)}</div></fieldset>'
            f'<p class="checklist-submit"><button type="submit">Continue</button>{none_button}</p>'
            "</form>"
        )

    def references(self, flow: Flow, cites: Sequence[Citation]) -> str:
        """Nothing: the walker builds the list itself just before printing."""
        return ""

    def proceed(self, flow: Flow, state: State) -> str:
        return (
            '<p class="continue"><button type="button" data-action="continue">Continue</button></p>'
        )

    def navigation(self, flow: Flow, state: State) -> str:
        return (
            '<nav class="walk-controls" aria-label="Walk controls">'
            '<button type="button" data-action="back">Back</button> '
            '<button type="button" data-action="restart">Start again</button></nav>'
        )

    def change(self, flow: Flow, state: State, index: int, label: str) -> str:
        return (
            f'<button type="button" data-action="change" data-step="{index}" '
            f'aria-label="{esc(label)}">Change</button>'
        )


Controls = StaticControls | LiveControls


def how_to_check_toggle(node: ChecklistNode) -> str:
    """One shared "How to check" switch for the whole list (review row 3): the items' own help
    is hidden until it is on, then shown open under every item (site.css, no JavaScript). It
    sits outside the walker's form, so it is never an answer and never clears "None of these"."""
    if not any(item.help for item in node.items):
        return ""
    toggle_id = f"how-to-check-{node.id}"
    return (
        f'<p class="how-to-check"><input type="checkbox" class="how-to-check-toggle" '
        f'id="{esc(toggle_id)}"> <label for="{esc(toggle_id)}">Show how to check each item</label>'
        "</p>"
    )


def static_example(node: ChecklistNode, witness: frozenset[str]) -> str:
    """A route's example ticks in words for a page without tick boxes ("Fever and Weight
    loss", "none of the items above"): never "ticked", there is nothing to tick there."""
    texts = [item.text for item in node.items if item.id in witness]
    if not texts:
        return node.none if node.none and NONE_CHOICE in witness else "none of the items above"
    return " and ".join(texts)
