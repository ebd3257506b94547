"""The outcome page as a GP uses it on a phone (issue 15, usability review rows 1, 6, 9-12, 14).

Real site, real Chromium, real engine in Pyodide. Routes come from the engine in CPython, so the
tests follow the flows as they change: the first emergency route, the shortest routine route,
and a route through a checklist with items ticked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from engine import Flow, Route, encode_token, enumerate_routes
from engine.walk import State

from .conftest import MAIN_FLOW, flow_path, wait_ready
from .walking import back_live, check_outcome, walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
"""The review's phone: 390x844 CSS px, 2x, touch."""

PRINT_MAX_PAGES = 2
"""Issue 15: an outcome prints on one A4 or Letter page, two at most."""


@pytest.fixture(scope="module")
def flow(flows: dict[str, Flow]) -> Flow:
    return flows[MAIN_FLOW]


@pytest.fixture(scope="module")
def phone(browser: Browser, site_url: str) -> Iterator[Page]:
    """One phone page with the walker ready on the main flow."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(site_url + flow_path(MAIN_FLOW))
    wait_ready(page)
    yield page
    context.close()


def route_to(flow: Flow, urgency: str) -> Route:
    """The shortest route ending at an outcome of this urgency."""
    routes = [r for r in enumerate_routes(flow) if flow.node(r.outcome).urgency == urgency]
    assert routes, urgency
    return min(routes, key=lambda route: len(route.steps))


def fullest_route(flow: Flow, urgency: str) -> Route:
    """The route showing the most recommendations at an outcome of this urgency (longest print)."""
    routes = [r for r in enumerate_routes(flow) if flow.node(r.outcome).urgency == urgency]
    assert routes, urgency
    return max(routes, key=lambda route: (len(route.recommendations), -len(route.steps)))


def ticking_route(flow: Flow) -> tuple[Route, int]:
    """A route with two or more items ticked on a checklist, and that checklist's step index."""
    for route in sorted(enumerate_routes(flow), key=lambda r: len(r.steps)):
        for index, step in enumerate(route.steps):
            if isinstance(step.choice, frozenset) and len(step.choice) >= 2:
                return route, index
    for route in enumerate_routes(flow):
        for index, step in enumerate(route.steps):
            if isinstance(step.choice, frozenset) and step.choice:
                return route, index
    raise AssertionError("no route ticks a checklist item")


def token_of(flow: Flow, route: Route, count: int) -> str:
    return encode_token(
        flow, State(flow.id, flow.version, tuple(s.choice for s in route.steps[:count]))
    )


def start_over(page: Page, site_url: str) -> None:
    page.goto(site_url + flow_path(MAIN_FLOW))
    wait_ready(page)


def settled(page: Page) -> None:
    """The step is complete on the page (every frame of it in)."""
    page.wait_for_function(
        "() => { const w = document.getElementById('walker');"
        " return w.dataset.state === 'ready' && !w.hasAttribute('aria-busy'); }"
    )


@pytest.mark.parametrize("urgency", ["emergency", "routine"])
def test_focus_goes_to_the_outcome_heading_and_the_outcome_is_at_the_top(
    phone: Page, site_url: str, flow: Flow, urgency: str
) -> None:
    """Review row 1: on the emergency, focus stayed on BODY and the page sat at its top."""
    route = route_to(flow, urgency)
    start_over(phone, site_url)
    walk_live(phone, flow, route.steps)
    check_outcome(phone, flow, route)
    settled(phone)
    phone.wait_for_function(
        "() => document.activeElement?.matches('#walker .outcome h2, #walker .outcome ~ * h2,"
        " #walker section.step h2')"
    )
    found = phone.evaluate(
        """() => {
            const heading = document.activeElement;
            const box = heading.closest('.outcome') ?? heading;
            const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
            const top = box.getBoundingClientRect().top;
            const h = heading.getBoundingClientRect();
            return {inOutcome: heading.closest('.outcome') !== null, header, top,
                    headingBottom: h.bottom, height: innerHeight, scrollY};
        }"""
    )
    assert found["inOutcome"], found
    # The outcome box starts just under the sticky header, and its heading is on the screen.
    assert found["header"] - 1 <= found["top"] <= found["header"] + 40, found
    assert found["headingBottom"] <= found["height"], found


def test_back_keeps_the_ticks_in_the_walker_and_with_the_browser(
    phone: Page, site_url: str, flow: Flow
) -> None:
    """Review row 11: Back showed the checklist with nothing ticked."""
    route, index = ticking_route(flow)
    ticks = sorted(route.steps[index].choice)  # type: ignore[arg-type]
    start_over(phone, site_url)
    walk_live(phone, flow, route.steps[: index + 1])
    back_live(phone, flow, route.steps[: index + 1], to=index)
    settled(phone)
    ticked = phone.eval_on_selector_all(
        "#walker form[data-action=tick] input[name=item]:checked",
        "boxes => boxes.map(b => b.value)",
    )
    assert sorted(ticked) == ticks
    # Forward again with the ticks as they are, then the browser's Back.
    phone.click('#walker form[data-action="tick"] button[type="submit"]')
    phone.wait_for_selector(f'#walker[data-token="{token_of(flow, route, index + 1)}"]')
    phone.go_back()
    phone.wait_for_selector(f'#walker[data-token="{token_of(flow, route, index)}"]')
    settled(phone)
    ticked = phone.eval_on_selector_all(
        "#walker form[data-action=tick] input[name=item]:checked",
        "boxes => boxes.map(b => b.value)",
    )
    assert sorted(ticked) == ticks


def test_start_again_asks_before_dropping_answers(phone: Page, site_url: str, flow: Flow) -> None:
    """Review row 11: "Start again" cleared the walk at once, with Back's weight and place."""
    route = route_to(flow, "routine")
    start_over(phone, site_url)
    walk_live(phone, flow, route.steps[:1])
    asked: list[str] = []

    def refuse(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", refuse)
    phone.click('#walker [data-action="restart"]')
    phone.wait_for_timeout(0)
    assert asked and "answers" in asked[0]
    assert phone.get_attribute("#walker", "data-token") == token_of(flow, route, 1)
    # Apart from Back: not beside it with the same look.
    gap = phone.evaluate(
        """() => {
            const box = (action) => document.querySelector(`#walker [data-action=${action}]`)
                .getBoundingClientRect();
            return box('restart').left - box('back').right;
        }"""
    )
    assert gap >= 48, gap
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.click('#walker [data-action="restart"]')
    phone.wait_for_selector('#walker[data-token="start"]')


def pdf_pages(pdf: bytes) -> int:
    """Page count of a PDF Chromium wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("urgency", ["emergency", "routine"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_an_outcome_prints_on_at_most_two_pages_the_first_not_blank(
    browser: Browser, site_url: str, flow: Flow, urgency: str, paper: str
) -> None:
    """Review row 9: 8 pages, the first blank, citations inline and repeated."""
    route = fullest_route(flow, urgency)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        walk_live(page, flow, route.steps)
        check_outcome(page, flow, route)
        settled(page)
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        printed = page.evaluate(
            """() => ({
                stamp: document.querySelector('.walker-printed')?.textContent ?? '',
                refs: document.querySelectorAll('.walker-print-refs li').length,
                inline: getComputedStyle(document.querySelector('#walker .sources a[title]'),
                                         '::after').content,
                outcomeTop: document.querySelector('#walker .outcome').getBoundingClientRect().top,
            })"""
        )
        pages = pdf_pages(page.pdf(format=paper, print_background=False))
    finally:
        context.close()
    assert 1 <= pages <= PRINT_MAX_PAGES, pages
    # The outcome starts on the first page (no blank first page): high up on it.
    assert printed["outcomeTop"] < 400, printed
    assert re.search(r"Printed \d{4}-\d\d-\d\d \d\d:\d\d from http", printed["stamp"]), printed
    assert f"version {flow.version}" in printed["stamp"], printed
    assert printed["refs"] >= 1 and printed["inline"] in ("none", "normal"), printed


def test_the_share_link_is_the_static_page_and_opens_without_javascript(
    browser: Browser, site_url: str, flow: Flow
) -> None:
    """Review row 6: the link was BASE#token, which shows step 1 until the engine runs."""
    route = route_to(flow, "routine")
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        walk_live(page, flow, route.steps)
        check_outcome(page, flow, route)
        page.evaluate("delete Navigator.prototype.share")
        page.click('#walker [data-action="share"]')
        page.wait_for_function(
            "() => document.querySelector('.walker-live').textContent.includes('copied')"
        )
        link = page.evaluate("navigator.clipboard.readText()")
        title = page.text_content("#walker .outcome h2")
    finally:
        context.close()
    token = token_of(flow, route, len(route.steps))
    assert link == f"{site_url}{flow_path(MAIN_FLOW)}{token}/#{token}"
    static = browser.new_context(java_script_enabled=False)
    try:
        page = static.new_page()
        page.goto(link)
        assert page.text_content("#walker .outcome h2") == title
    finally:
        static.close()


def test_search_finds_the_treatment_page_first_for_a_drug(browser: Browser, site_url: str) -> None:
    """Review row 14: "cyclobenzaprine" put Sources first and algorithm machinery after it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(site_url)
        page.click("input.md-search__input")
        page.keyboard.type("cyclobenzaprine")
        page.wait_for_selector(".md-search-result__item", timeout=60_000)
        results = page.eval_on_selector_all(
            ".md-search-result__item > a", "links => links.map(link => link.getAttribute('href'))"
        )
    finally:
        context.close()
    assert results and "treatment/" in results[0], results
    machinery = ("outline", "diagram", "review", "authoring")
    assert not [r for r in results if any(word in r for word in machinery)], results


def test_footnote_markers_have_no_stray_commas_and_are_big_enough(
    browser: Browser, site_url: str
) -> None:
    """Review row 10: a `sup + sup` comma rule added commas after text; 5.6x9 px targets."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(site_url + "treatment/")
        found = page.evaluate(
            """() => [...document.querySelectorAll('sup[id^=fnref]')].map(sup => {
                const link = sup.querySelector('a');
                const box = link.getBoundingClientRect();
                return {before: getComputedStyle(sup, '::before').content,
                        width: box.width, height: box.height};
            })"""
        )
    finally:
        context.close()
    assert found
    assert [f for f in found if f["before"] not in ("none", "normal")] == []
    assert [f for f in found if f["width"] < 24 or f["height"] < 24] == []
