"""Driving the walker like a reader does: clicks on the live page, links on the static pages.

The engine in CPython says what should happen (`enumerate_routes`, `view`); these helpers make the
browser do it and read back what it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import Flow, Route, encode_token, enumerate_routes
from engine.states import Step
from engine.walk import State

if TYPE_CHECKING:
    from playwright.sync_api import Page

STEP = "#walker section.step"


def step_selector(node_id: str) -> str:
    return f'{STEP}[data-node="{node_id}"]'


def wait_step(page: Page, node_id: str) -> None:
    page.wait_for_selector(step_selector(node_id))


def answer_live(page: Page, flow: Flow, step: Step) -> None:
    """Answer one step on the live walker with the mouse."""
    node = flow.node(step.node)
    if node.kind == "question":
        page.click(f'#walker button[data-action="choose"][data-choice="{step.choice}"]')
    elif node.kind == "checklist":
        ticks = step.choice if isinstance(step.choice, frozenset) else frozenset()
        # Back keeps earlier ticks: clear the boxes this answer does not tick, then tick.
        boxes = page.locator('#walker input[name="item"]')
        for index in range(boxes.count()):
            box = boxes.nth(index)
            if box.get_attribute("value") not in ticks and box.is_checked():
                box.uncheck()
        for item in sorted(ticks):
            page.check(f'#walker input[name="item"][value="{item}"]')
        page.click('#walker form[data-action="tick"] button[type="submit"]')
    else:
        page.click('#walker button[data-action="continue"]')


def walk_live(
    page: Page, flow: Flow, steps: tuple[Step, ...] | list[Step], *, done: int = 0
) -> None:
    """Answer `steps[done:]` (the first `done` being answered already), waiting for each result."""
    for index in range(done, len(steps)):
        answer_live(page, flow, steps[index])
        state = State(flow.id, flow.version, tuple(s.choice for s in steps[: index + 1]))
        page.wait_for_selector(f'#walker[data-token="{encode_token(flow, state)}"]')


def back_live(page: Page, flow: Flow, steps: tuple[Step, ...] | list[Step], *, to: int) -> None:
    """Press Back until only `steps[:to]` are answered (`steps` being answered now)."""
    for count in range(len(steps) - 1, to - 1, -1):
        page.click('#walker [data-action="back"]')
        state = State(flow.id, flow.version, tuple(s.choice for s in steps[:count]))
        page.wait_for_selector(f'#walker[data-token="{encode_token(flow, state)}"]')


def shared_steps(one: Route, other: Route) -> int:
    """How many first steps two routes have in common."""
    count = 0
    for mine, theirs in zip(one.steps, other.steps, strict=False):
        if mine != theirs:
            break
        count += 1
    return count


def one_route_per_outcome(flow: Flow) -> list[Route]:
    """The shortest route to each distinct outcome and set of recommendations shown.

    Every outcome in every variant a reader can see it; the bridge tests walk every single route
    through the same code in CPython, where it costs milliseconds. Kept in the engine's order, in
    which neighbours share their first steps.
    """
    routes = enumerate_routes(flow)
    chosen: dict[tuple[str, tuple[str, ...]], int] = {}
    for index, route in enumerate(routes):
        key = (route.outcome, route.recommendations)
        if key not in chosen or len(route.steps) < len(routes[chosen[key]].steps):
            chosen[key] = index
    return [routes[index] for index in sorted(chosen.values())]  # the engine's order


def restart_live(page: Page, flow: Flow) -> None:
    """Start again, saying yes when the walker asks whether to drop the answers given."""
    if page.locator('#walker [data-action="restart"]').count():
        page.once("dialog", lambda dialog: dialog.accept())
        page.click('#walker [data-action="restart"]')
    wait_step(page, flow.start)
    page.wait_for_selector('#walker[data-token="start"]')


def shown_recommendations(page: Page) -> list[str]:
    """Ids of the recommendations on the current outcome, in page order."""
    ids: list[str] = page.eval_on_selector_all(
        "#walker li.recommendation", "items => items.map(item => item.id.slice('rec-'.length))"
    )
    return ids


def check_outcome(page: Page, flow: Flow, route: Route) -> None:
    """The page shows the route's outcome, urgency and exactly its recommendations."""
    wait_step(page, route.outcome)
    outcome = flow.node(route.outcome)
    page.wait_for_selector(f"#walker .outcome.urgency-{outcome.urgency}")
    # The page groups the detail (folded groups in first-appearance order), so the order on the
    # page is the group order: the same recommendations, each once.
    assert sorted(shown_recommendations(page)) == sorted(route.recommendations), route


def answered_titles(page: Page) -> list[str]:
    """The steps in the "Answers so far" list, as shown."""
    titles: list[str] = page.eval_on_selector_all(
        "#walker .answered .answered-step", "spans => spans.map(span => span.textContent)"
    )
    return titles
