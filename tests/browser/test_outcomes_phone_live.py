"""Every outcome of every flow on a 390x844 phone (issue 15), in the live walker: focus on the
outcome, action first, an exclusive one-tap "None of these", every red flag listed.

Live walker (real Pyodide, real taps): a SAMPLE, to stay fast: the shortest route to each outcome
of each flow (every outcome once; tests/browser/test_walk_every_route.py walks every variant for
the recommendations). After the last answer the focus must be on the outcome's heading and the
urgency and key actions on the first screen; the note and the print are checked as for the
static pages (tests/browser/test_outcomes_phone.py). "None of these" and several red-flag groups
ticked are checked on each red-flag screen.

One Chromium; one context with JavaScript on, kept for the module and its page reused.
Contracts: `[data-urgency]`, `[data-actions]`, `[data-note]`, `input[data-none]` ("None of
these").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from engine import Flow, State, choose, encode_token, enumerate_routes, view
from engine.model import NONE_CHOICE, ChecklistNode, Node
from engine.states import Step

from .conftest import flow_path, wait_ready
from .phone import (
    FLOW_IDS,
    NONE_BOX,
    PHONE,
    WALKER,
    LiveWalk,
    first_screen_problems,
    focused_heading_problem,
    is_red_flag_screen,
    item_box,
    item_groups,
    no_flag_ticked,
    note_problems,
    note_text,
    path_to,
    print_problems,
    report,
    unlisted_groups,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


# --- the live walker ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_page(browser: Browser) -> Iterator[Page]:
    """The phone with JavaScript on; tests load a flow's page and walk it with taps."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()


def open_walker(page: Page, site_url: str, flow: Flow) -> LiveWalk:
    page.goto(site_url + flow_path(flow.id))
    wait_ready(page)
    return LiveWalk(page, flow)


def shortest_route_per_outcome(flow: Flow) -> list[list[object]]:
    """The sample walked live: the shortest route to each outcome, in the engine's order."""
    routes = enumerate_routes(flow)
    best: dict[str, tuple[int, tuple[Step, ...]]] = {}
    for index, route in enumerate(routes):
        if route.outcome not in best or len(route.steps) < len(best[route.outcome][1]):
            best[route.outcome] = (index, route.steps)
    return [[step.choice for step in steps] for _, steps in sorted(best.values())]


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_live_outcome_focus_first_screen_note_and_print(
    live_page: Page, site_url: str, flows: dict[str, Flow], flow_id: str
) -> None:
    flow = flows[flow_id]
    walker = open_walker(live_page, site_url, flow)
    failures: dict[str, list[str]] = {}
    routes = shortest_route_per_outcome(flow)
    for choices in routes:
        state = walker.go(choices)
        node = view(flow, state).node
        problems = []
        if problem := focused_heading_problem(live_page):
            problems.append(problem)
        problems += first_screen_problems(live_page)
        problems += note_problems(note_text(live_page), negatives=no_flag_ticked(flow, state))
        problems += print_problems(live_page, node.title)
        if problems:
            failures[f"{flow.id} {node.id} {encode_token(flow, state)}"] = problems
    if failures:
        pytest.fail(report(failures, f"of {len(routes)} outcomes walked"), pytrace=False)


def red_flag_screens(flow: Flow) -> list[tuple[Node, list[object]]]:
    """Every red-flag checklist of the flow with the shortest way to reach it."""
    found = []
    for node in flow.nodes:
        if is_red_flag_screen(node) and (prefix := path_to(flow, node.id)) is not None:
            found.append((node, prefix))
    return found


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_none_of_these_clears_ticks_in_one_tap(
    live_page: Page, site_url: str, flows: dict[str, Flow], flow_id: str
) -> None:
    """Two items ticked, one tap on "None of these": both clear; ticking an item clears None;
    None and Continue answer the screen with "none"."""
    flow = flows[flow_id]
    walker = open_walker(live_page, site_url, flow)
    page = live_page
    screens = red_flag_screens(flow)
    assert screens, f"{flow.id}: no red-flag checklist"
    for node, prefix in screens:
        walker.go(prefix)
        first, second, last = (item_box(node.items[i].id) for i in (0, 1, -1))
        assert page.locator(NONE_BOX).count() == 1, f"{node.id}: no 'None of these' ({NONE_BOX})"
        walker.tap(first)
        walker.tap(last)
        assert page.is_checked(first) and page.is_checked(last)
        walker.tap(NONE_BOX)
        assert page.is_checked(NONE_BOX), f"{node.id}: one tap does not tick 'None of these'"
        still = [box for box in (first, last) if page.is_checked(box)]
        assert not still, f"{node.id}: 'None of these' left items ticked: {still}"
        walker.tap(second)
        assert page.is_checked(second)
        assert not page.is_checked(NONE_BOX), f"{node.id}: ticking an item left 'None of these'"
        walker.tap(NONE_BOX)
        walker.tap(f'{WALKER} form[data-action="tick"] button[type="submit"]')
        walker.choices.append(frozenset({NONE_CHOICE}))
        walker.wait(walker.choices)


def to_outcome(flow: Flow, state: State) -> list[object]:
    """Choices that take `state` on to an outcome: first answers, "None of these", Continue."""
    choices: list[object] = []
    while not (current := view(flow, state)).is_outcome:
        node = current.node
        choice: object
        if node.kind == "question":
            choice = node.answers[0].id
        elif node.kind == "checklist":
            choice = frozenset({NONE_CHOICE}) if node.none else frozenset()
        else:
            choice = None
        choices.append(choice)
        state = choose(flow, state, choice)
    return choices


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_several_red_flag_groups_ticked_each_is_listed(
    live_page: Page, site_url: str, flows: dict[str, Flow], flow_id: str
) -> None:
    """On every red-flag screen with 2+ item groups: one item of every group ticked at once,
    and of each pair of groups. The outcome (the most urgent pathway) lists each ticked group
    (`data-flag-group`) and shows, unfolded, each group's own work-up: a key action or
    recommendation carrying the tag the flow's safety rule for that group requires."""
    flow = flows[flow_id]
    walker = open_walker(live_page, site_url, flow)
    failures: dict[str, list[str]] = {}
    tried = 0
    for node, prefix in red_flag_screens(flow):
        groups = list(item_groups(node).values())
        pairs = [[one, other] for i, one in enumerate(groups) for other in groups[i + 1 :]]
        for combo in [groups, *pairs] if len(groups) > 1 else []:
            ticks = frozenset(items[0] for items in combo)
            at = State(flow.id, flow.version, tuple(prefix))  # type: ignore[arg-type]
            state = walker.go([*prefix, ticks, *to_outcome(flow, choose(flow, at, ticks))])
            tried += 1
            outcome = view(flow, state).node
            if missing := unlisted_groups(live_page, node, outcome, ticks, flow):
                failures[f"{node.id} ticked {sorted(ticks)} -> {outcome.id}"] = missing
    assert tried, f"{flow.id}: no red-flag screen with two or more groups"
    if failures:
        pytest.fail(report(failures, f"of {tried} multi-flag walks"), pytrace=False)


NONE_ANSWER = f"{WALKER} [data-none-answer]"
"""The one-tap "None of these": a button in the walker, a link on a static page."""
ON_SCREEN_JS = (
    "e => { const b = e.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }"
)


def none_screens(flow: Flow) -> list[tuple[ChecklistNode, list[object]]]:
    """Every checklist with "None of these" that a route passes, with the shortest way to it."""
    found = []
    for node in flow.nodes:
        if isinstance(node, ChecklistNode) and node.none and (prefix := path_to(flow, node.id)):
            found.append((node, prefix))
    return found


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_none_of_these_answers_a_checklist_in_one_tap(
    live_page: Page, site_url: str, flows: dict[str, Flow], flow_id: str
) -> None:
    """Issue 15: on every checklist with "None of these", one tap answers it, with no scrolling
    (the button is on the first screen when the step opens); once an item is ticked the button
    is gone, so it can never answer for a list with a tick in it."""
    flow = flows[flow_id]
    walker = open_walker(live_page, site_url, flow)
    page = live_page
    screens = none_screens(flow)
    assert screens, f"{flow.id}: no checklist with 'None of these'"
    for node, prefix in screens:
        walker.go(prefix)
        page.evaluate("window.scrollTo(0, 0)")
        button = page.locator(NONE_ANSWER)
        assert button.count() == 1, f"{node.id}: no one-tap 'None of these' ({NONE_ANSWER})"
        assert button.evaluate(ON_SCREEN_JS), f"{node.id}: 'None of these' is not on screen"
        page.set_checked(item_box(node.items[0].id), True)
        assert not button.is_visible(), f"{node.id}: 'None of these' shown with an item ticked"
        page.set_checked(item_box(node.items[0].id), False)
        button.tap()
        walker.choices.append(frozenset({NONE_CHOICE}))
        walker.wait(walker.choices)


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_none_of_these_is_one_tap_on_static_pages(
    browser: Browser, site_url: str, flows: dict[str, Flow], flow_id: str
) -> None:
    """The same without JavaScript: each such checklist's static page has a "None of these"
    link on its first screen that opens the page of the "None of these" answer."""
    flow = flows[flow_id]
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        for node, prefix in none_screens(flow):
            state = State(flow.id, flow.version, tuple(prefix))  # type: ignore[arg-type]
            page.goto(f"{site_url}{flow_path(flow.id)}{encode_token(flow, state)}/")
            link = page.locator(NONE_ANSWER)
            assert link.count() == 1, f"{node.id}: no one-tap 'None of these' link"
            assert link.evaluate(ON_SCREEN_JS), f"{node.id}: 'None of these' is not on screen"
            after = choose(flow, state, frozenset({NONE_CHOICE}))
            link.tap()
            page.wait_for_url(f"**/{encode_token(flow, after)}/")
    finally:
        context.close()
