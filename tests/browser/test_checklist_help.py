"""One shared "How to check" switch per checklist (usability review row 3), on a 390x844 phone.

On every checklist with item help, JavaScript on (the walker) and off (the static page): no
item's help takes room until the one switch is tapped; after that one tap every item's help text
is shown, open, under its item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engine import Flow, State, encode_token
from engine.model import ChecklistNode

from .conftest import flow_path, wait_ready
from .phone import PHONE, LiveWalk, path_to

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SHOWN_HELP_JS = """
() => [...document.querySelectorAll('#walker details.help')]
  .filter(d => d.closest('.checklist-item, .checklist-items li'))
  .map(d => [d.id, d.getBoundingClientRect().height,
              Math.max(0, ...[...d.querySelectorAll(':scope > :not(summary)')]
                .map(e => e.getBoundingClientRect().height))])
"""


def help_screens(flow: Flow) -> list[tuple[ChecklistNode, list[object]]]:
    found = []
    for node in flow.nodes:
        has_help = isinstance(node, ChecklistNode) and any(item.help for item in node.items)
        if has_help and (prefix := path_to(flow, node.id)) is not None:
            found.append((node, prefix))
    return found


def check_switch(page: Page, node: ChecklistNode) -> list[str]:
    problems = []
    before = page.evaluate(SHOWN_HELP_JS)
    if [entry for entry in before if entry[1] > 0]:
        problems.append(f"{node.id}: item help takes room before the switch: {before}")
    page.tap(f"label[for=how-to-check-{node.id}]")
    after = page.evaluate(SHOWN_HELP_JS)
    wanted = sum(1 for item in node.items if item.help)
    shown = [entry for entry in after if entry[1] > 0 and entry[2] > 0]
    if len(shown) != wanted:
        problems.append(f"{node.id}: {len(shown)} of {wanted} items' help shown after one tap")
    return problems


@pytest.mark.parametrize("javascript", [True, False], ids=["walker", "static"])
def test_one_switch_shows_every_items_help(
    browser: Browser, site_url: str, flows: dict[str, Flow], javascript: bool
) -> None:
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []
    try:
        for flow in flows.values():
            screens = help_screens(flow)
            walk = LiveWalk(page, flow)
            if javascript and screens:
                page.goto(site_url + flow_path(flow.id))
                wait_ready(page)
            for node, prefix in screens:
                if javascript:
                    walk.go(prefix)
                else:
                    state = State(flow.id, flow.version, tuple(prefix))  # type: ignore[arg-type]
                    page.goto(f"{site_url}{flow_path(flow.id)}{encode_token(flow, state)}/")
                problems += check_switch(page, node)
                if javascript:
                    page.tap(f"label[for=how-to-check-{node.id}]")  # off again for the next walk
    finally:
        context.close()
    assert not problems, "\n".join(problems)
