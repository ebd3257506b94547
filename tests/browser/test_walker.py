"""The walker in a real browser: takeover, history, share links, keyboard, print, failure.

Real Chromium, the real built site over local HTTP, real Pyodide in a module worker. The engine in
CPython says what each step should be. Most tests share one page (`walker_page`), navigating it
rather than opening a new browser context, so Pyodide's files come from the HTTP cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from engine import Flow, Route, change, encode_token, enumerate_routes, summary_text, view
from engine.contract import TO_WORKER
from engine.model import NONE_CHOICE, Node
from engine.token import TAG_LENGTH, TokenError, decode_token
from engine.walk import State

from .conftest import MAIN_FLOW, flow_path, wait_ready
from .walking import (
    answer_live,
    answered_titles,
    check_outcome,
    restart_live,
    wait_step,
    walk_live,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from playwright.sync_api import Route as Request


@pytest.fixture(scope="module")
def flow(flows: dict[str, Flow]) -> Flow:
    return flows[MAIN_FLOW]


@pytest.fixture
def live(walker_page: Page, site_url: str, flow: Flow) -> Page:
    """The shared page, on the main flow's start page with the walker ready and at the start."""
    page = walker_page
    if not page.url.startswith(site_url + flow_path(MAIN_FLOW)) or "#" in page.url:
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
    restart_live(page, flow)
    return page


def state_of(flow: Flow, route: Route, steps: int | None = None) -> State:
    chosen = route.steps if steps is None else route.steps[:steps]
    return State(flow.id, flow.version, tuple(s.choice for s in chosen))


def longest_route(flow: Flow, *, ticks_within: int = 99) -> Route:
    """The longest route (first of equals) whose ticked items are all among the first few."""

    def fits(route: Route) -> bool:
        for step in route.steps:
            node = flow.node(step.node)
            if isinstance(step.choice, frozenset):
                ids = [i.id for i in node.items]
                # "None of these" is a box of its own (it answers the checklist in one tick).
                positions = [ids.index(t) for t in step.choice if t != NONE_CHOICE]
                if any(p >= ticks_within for p in positions):
                    return False
        return True

    return max((r for r in enumerate_routes(flow) if fits(r)), key=lambda r: len(r.steps))


def engine_titles(flow: Flow, state: State) -> list[str]:
    return [step.node.title for step in view(flow, state).answered]


# --- Takeover -------------------------------------------------------------------------------


@pytest.fixture
def held_runtime(walker_page: Page) -> Iterator[list[Request]]:
    """Hold back the Pyodide runtime's download until the test lets it go (static phase)."""
    held: list[Request] = []
    walker_page.context.route("**/pyodide.asm.wasm*", lambda request: held.append(request))
    yield held
    release(walker_page, held)


def release(page: Page, held: list[Request]) -> None:
    """Let held downloads go (those of pages already left fail quietly) and stop holding."""
    for request in held:
        with contextlib.suppress(PlaywrightError):
            request.continue_()
    held.clear()
    page.context.unroute("**/pyodide.asm.wasm*")


def test_static_links_work_before_the_engine_and_it_takes_over_their_answers(
    walker_page: Page, held_runtime: list[Request], site_url: str, flow: Flow
) -> None:
    page = walker_page
    route = longest_route(flow)
    page.goto(site_url + flow_path(MAIN_FLOW))
    page.wait_for_selector("#walker[data-state=loading]")
    # While the engine loads, the static step is the page: its answers are links that work.
    for steps in (1, 2):
        token = encode_token(flow, state_of(flow, route, steps))
        link = page.locator(f'#walker a[href$="/{token}/"]').first
        link.click()
        page.wait_for_url(f"**/{token}/")
        page.wait_for_selector(f'#walker[data-token="{token}"][data-state=loading]')
    assert page.locator("#walker button").count() == 0
    # Let the runtime through: the walker takes over this very step, with the same answers.
    release(page, held_runtime)
    wait_ready(page)
    state = state_of(flow, route, 2)
    assert page.get_attribute("#walker", "data-token") == encode_token(flow, state)
    wait_step(page, view(flow, state).node.id)
    assert answered_titles(page) == engine_titles(flow, state)
    assert page.locator("#walker [data-action=back]").count() == 1
    assert page.locator("#walker a.answer, #walker a.route").count() == 0


def test_takeover_keeps_the_reserved_height_and_does_not_steal_focus(
    walker_page: Page, site_url: str
) -> None:
    page = walker_page
    page.goto(site_url + flow_path(MAIN_FLOW))
    height_static = page.evaluate("document.getElementById('walker').offsetHeight")
    wait_ready(page)
    height_live = page.evaluate("document.getElementById('walker').offsetHeight")
    assert height_live >= height_static  # nothing below the walker moved up at the switch
    assert page.evaluate("document.activeElement === document.body")


# --- Walking, back, change, history -----------------------------------------------------------


def walk_live_from(page: Page, flow: Flow, route: Route, index: int) -> None:
    """Answer step `index` of `route`, the earlier ones being answered already."""
    answer_live(page, flow, route.steps[index])
    token = encode_token(flow, state_of(flow, route, index + 1))
    page.wait_for_selector(f'#walker[data-token="{token}"]')


def test_each_step_moves_focus_to_its_heading_and_is_announced(live: Page, flow: Flow) -> None:
    route = longest_route(flow)
    for index in range(len(route.steps)):
        walk_live_from(live, flow, route, index)
        current = view(flow, state_of(flow, route, index + 1))
        assert live.evaluate("document.activeElement.id") == f"step-{current.node.id}"
        if current.is_outcome:
            expected = f"Outcome: {current.node.title}."
        else:
            expected = f"Step {current.k} of at most {current.n}: {current.node.title}."
        expect(live.locator(".walker-live")).to_have_text(expected)


def test_back_and_change_never_keep_the_abandoned_branch(live: Page, flow: Flow) -> None:
    page = live
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    route = longest_route(flow)
    walk_live(page, flow, route.steps)
    check_outcome(page, flow, route)
    full = state_of(flow, route)

    # Back: one answer fewer, the outcome gone.
    page.click("#walker [data-action=back]")
    shorter = state_of(flow, route, len(route.steps) - 1)
    page.wait_for_selector(f'#walker[data-token="{encode_token(flow, shorter)}"]')
    assert answered_titles(page) == engine_titles(flow, shorter)
    walk_live_from(page, flow, route, len(route.steps) - 1)

    # Change the first answer to one that leads elsewhere: later answers that no longer apply
    # disappear from the list, the summary and the share link.
    first = flow.node(route.steps[0].node)
    other = next(r for r in enumerate_routes(flow) if r.steps[0].choice != route.steps[0].choice)
    page.click("#walker .answered [data-action=change][data-step='0']")
    wait_step(page, first.id)
    page.wait_for_selector("#walker .walker-notice")
    answer_live(page, flow, dataclasses.replace(route.steps[0], choice=other.steps[0].choice))
    changed = change(flow, full, 0, other.steps[0].choice)
    page.wait_for_selector(f'#walker[data-token="{encode_token(flow, changed)}"]')
    assert answered_titles(page) == engine_titles(flow, changed)
    abandoned = set(engine_titles(flow, full)) - set(engine_titles(flow, changed))
    assert abandoned, "the test needs a change that abandons steps"
    page.click("#walker [data-action=copy]")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == summary_text(flow, changed)
    for title in abandoned:
        assert f"{title}:" not in copied
    assert page.url.endswith("#" + encode_token(flow, changed))


def test_change_keeps_later_answers_that_still_apply(live: Page, flow: Flow) -> None:
    page = live
    route = longest_route(flow)
    age_index = next(i for i, s in enumerate(route.steps) if s.node == "age")
    walk_live(page, flow, route.steps)
    full = state_of(flow, route)
    age = flow.node("age")
    new_age = next(
        a.id for a in age.answers if a.id not in (route.steps[age_index].choice, "child")
    )
    page.click(f"#walker .answered [data-action=change][data-step='{age_index}']")
    wait_step(page, "age")
    page.click(f'#walker button[data-action="choose"][data-choice="{new_age}"]')
    changed = change(flow, full, age_index, new_age)
    page.wait_for_selector(f'#walker[data-token="{encode_token(flow, changed)}"]')
    assert len(changed.choices) > age_index + 1  # later answers were kept
    assert answered_titles(page) == engine_titles(flow, changed)


def test_browser_back_and_forward_follow_the_walk(live: Page, flow: Flow) -> None:
    page = live
    route = longest_route(flow)
    walk_live(page, flow, route.steps[:3])
    tokens = [encode_token(flow, state_of(flow, route, n)) for n in (1, 2, 3)]
    assert page.url.endswith("#" + tokens[2])
    page.go_back()
    page.wait_for_selector(f'#walker[data-token="{tokens[1]}"]')
    page.go_back()
    page.wait_for_selector(f'#walker[data-token="{tokens[0]}"]')
    page.go_forward()
    page.wait_for_selector(f'#walker[data-token="{tokens[1]}"]')
    assert answered_titles(page) == engine_titles(flow, state_of(flow, route, 2))


# Records every request the page posts to its engine worker (the walker's only way to the engine).
@contextlib.contextmanager
def walker_running(browser: Browser, site_url: str, init_script: str) -> Iterator[Page]:
    """A page of its own (new context) on the main flow, with `init_script` run before the
    page's own scripts, and the walker ready."""
    context = browser.new_context()
    context.add_init_script(init_script)
    try:
        page = context.new_page()
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        yield page
    finally:
        context.close()


RECORD_ENGINE_REQUESTS = """
window.engineRequests = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.request) window.engineRequests.push(message.request);
  return post.call(this, message, ...rest);
};
"""


def commonest_choice(node: Node) -> list[str]:
    """The answer the walker prepares for a checklist: "None of these" (nothing ticked where the
    checklist has no such box), as the walker posts it."""
    return [NONE_CHOICE] if node.none is not None else []


def test_answers_are_prepared_while_the_reader_reads(
    browser: Browser, site_url: str, flow: Flow
) -> None:
    """Every answer of a question or info step, and a checklist's commonest answer ("None of
    these"), is asked for while the step is read: the click then shows the right step without
    asking again."""
    route = next(
        r
        for r in enumerate_routes(flow)
        if len(r.steps) >= 4
        and any(flow.node(s.node).kind == "checklist" for s in r.steps[:4])
        and all(not isinstance(s.choice, frozenset) or s.choice <= {NONE_CHOICE} for s in r.steps)
    )
    with walker_running(browser, site_url, RECORD_ENGINE_REQUESTS) as page:
        for index, step in enumerate(route.steps[:4]):
            token = encode_token(flow, state_of(flow, route, index))
            node = flow.node(step.node)
            expected: list[list[str] | str | None] = [None]
            if node.kind == "question":
                expected = [a.id for a in node.answers]
            elif node.kind == "checklist":
                expected = [commonest_choice(node)]
            page.wait_for_function(
                """([token, count]) => engineRequests.filter(
                     (r) => r.op === "choose" && r.token === token).length === count""",
                arg=[token, len(expected)],
            )
            asked = page.evaluate("engineRequests.length")
            prepared = page.evaluate(
                "(token) => engineRequests.filter((r) => r.op === 'choose' && r.token === token)"
                ".map((r) => r.choice)",
                token,
            )
            assert prepared == expected
            answer_live(page, flow, step)
            after = encode_token(flow, state_of(flow, route, index + 1))
            page.wait_for_selector(f'#walker[data-token="{after}"]')
            asked_on_click = page.evaluate("(n) => engineRequests.slice(n)", asked)
            assert not [r for r in asked_on_click if r["token"] == token], asked_on_click
        assert answered_titles(page) == engine_titles(flow, state_of(flow, route, 4))

        # A checklist with something ticked is asked for when it is submitted.
        restart_live(page, flow)
        at = next(i for i, s in enumerate(route.steps) if flow.node(s.node).kind == "checklist")
        walk_live(page, flow, route.steps[:at])
        checklist = flow.node(route.steps[at].node)
        before = encode_token(flow, state_of(flow, route, at))
        asked = page.evaluate("engineRequests.length")
        page.check(f'#walker input[name="item"][value="{checklist.items[0].id}"]')
        page.click('#walker form[data-action="tick"] button[type="submit"]')
        page.wait_for_function(
            """([n, token, item]) => engineRequests.slice(n).some((r) => r.token === token
                 && Array.isArray(r.choice) && r.choice.length === 1 && r.choice[0] === item)""",
            arg=[asked, before, checklist.items[0].id],
        )


# In a worker of its own (the walker's is private to its page), as the walker talks to it: the
# requests and a "hurry" posted at once, while the runtime starts; the order of the answers.
ANSWER_ORDER = """async ([workerUrl, loadFlow, flow, rev, messages]) => {
  const worker = new Worker(workerUrl, { type: "module" });
  const order = [];
  const done = new Promise((resolve) => worker.addEventListener("message", (event) => {
    if (event.data.id === undefined) return;
    order.push(event.data.error ? `${event.data.id}: ${event.data.error}` : event.data.id);
    if (order.length === messages.filter((m) => m.request).length) resolve();
  }));
  worker.postMessage({ type: loadFlow, flow, rev });
  for (const message of messages) worker.postMessage(message);
  await done;
  worker.terminate();
  return order;
}"""


def test_the_engine_answers_the_readers_requests_before_those_asked_ahead(
    walker_page: Page, site_url: str, flow: Flow
) -> None:
    """A click never waits behind the answers asked ahead (web/worker.mjs, answerNext): the
    engine works on one request at a time, and takes the reader's own, and one asked ahead that
    the reader now waits for ("hurry", sent when the reader clicks it), before the others."""
    page = walker_page
    page.goto(site_url + flow_path(MAIN_FLOW))
    wait_ready(page)
    rev = page.get_attribute("#walker", "data-flow-rev")
    request = {"flow": flow.id, "site_root": "../", "op": "open", "token": "start"}
    messages = [
        {"id": "ahead-1", "request": request, "ahead": True},
        {"id": "ahead-2", "request": request, "ahead": True},
        {"id": "ahead-3", "request": request, "ahead": True},
        {"id": "own", "request": request, "ahead": False},
        {"type": TO_WORKER["hurry"], "id": "ahead-3"},
    ]
    order = page.evaluate(
        ANSWER_ORDER,
        [site_url + "assets/walker/worker.mjs", TO_WORKER["loadFlow"], flow.id, rev, messages],
    )
    # The first was being answered (it waited for the runtime) when the others came.
    assert order == ["ahead-1", "ahead-3", "own", "ahead-2"]


RECORD_STEP_FRAMES = """
window.elementsAddedPerTask = [];
window.engineResponses = [];
const EngineWorker = window.Worker;
window.Worker = class extends EngineWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      if (event.data && event.data.response) window.engineResponses.push(event.data.response);
    });
  }
};
document.addEventListener("DOMContentLoaded", () => {
  // A task's changes reach the observer together, before the next task runs.
  new MutationObserver((records) => {
    let added = 0;
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === 1) added += 1 + node.getElementsByTagName("*").length;
      }
    }
    if (added > 0) window.elementsAddedPerTask.push(added);
  }).observe(document.getElementById("walker"), { childList: true, subtree: true });
});
"""

SHOWN_STEP_IS_THE_ENGINES = """() => {
  const root = document.getElementById("walker");
  const response = engineResponses.findLast((r) => r.token === root.dataset.token);
  const template = document.createElement("template");
  template.innerHTML = response.html;
  const shown = root.querySelector("section.step").cloneNode(true);
  shown.querySelector("h2").removeAttribute("tabindex"); // added when it takes the focus
  // The walker writes the time of the assessment into the outcome's note (web/step.mjs).
  for (const time of shown.querySelectorAll("[data-note-time]")) time.textContent = "";
  const comments = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  return [shown.isEqualNode(template.content.querySelector("section.step")), comments.nextNode()];
}"""


def test_long_steps_are_shown_a_screenful_per_frame(
    browser: Browser, site_url: str, flow: Flow
) -> None:
    """No task puts more than a frame's worth of elements on the page (a slow phone styles and
    lays them out in one short frame), and the step the reader ends up with is exactly the
    engine's, markers gone."""
    frames_source = (Path(__file__).parents[2] / "web" / "frames.mjs").read_text()
    found = re.search(r"const ELEMENTS_PER_FRAME = (\d+);", frames_source)
    assert found is not None
    per_frame = int(found[1])
    route = max(enumerate_routes(flow), key=lambda r: len(r.recommendations))
    with walker_running(browser, site_url, RECORD_STEP_FRAMES) as page:
        walk_live(page, flow, route.steps)
        check_outcome(page, flow, route)
        added = page.evaluate("elementsAddedPerTask")
        assert max(added) <= per_frame, added
        # Each step took at least one task; the long ones (this outcome, checklists) took more.
        assert len(added) > len(route.steps) + 1, added
        assert page.evaluate(SHOWN_STEP_IS_THE_ENGINES) == [True, None]


def test_keyboard_only_walk(live: Page, flow: Flow) -> None:
    page = live
    route = longest_route(flow, ticks_within=9)
    for index, step in enumerate(route.steps):
        node = flow.node(step.node)
        if node.kind == "question":
            page.keyboard.press(str([a.id for a in node.answers].index(str(step.choice)) + 1))
        elif node.kind == "checklist":
            ticks = step.choice if isinstance(step.choice, frozenset) else frozenset()
            items = [item.id for item in node.items] + (["none"] if node.none else [])
            for item in sorted(ticks, key=items.index):
                if item == "none":  # past the number keys' reach: Tab to it, Space ticks it
                    page.focus("#walker input[data-none]")
                    page.keyboard.press("Space")
                else:
                    page.keyboard.press(str(items.index(item) + 1))
            if not ticks:
                page.keyboard.press("1")  # tick and untick the first box: focus is on it
                page.keyboard.press("1")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("1")
        state = state_of(flow, route, index + 1)
        page.wait_for_selector(f'#walker[data-token="{encode_token(flow, state)}"]')
        assert page.evaluate("document.activeElement.id") == f"step-{view(flow, state).node.id}"
    check_outcome(page, flow, route)
    page.keyboard.press("b")
    previous = state_of(flow, route, len(route.steps) - 1)
    page.wait_for_selector(f'#walker[data-token="{encode_token(flow, previous)}"]')
    page.keyboard.press("Backspace")
    earlier = state_of(flow, route, len(route.steps) - 2)
    page.wait_for_selector(f'#walker[data-token="{encode_token(flow, earlier)}"]')


def test_small_screen_has_big_targets_and_no_sideways_scroll(live: Page, flow: Flow) -> None:
    page = live
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        route = longest_route(flow)
        for count in (0, 2, len(route.steps)):
            restart_live(page, flow)
            walk_live(page, flow, route.steps[:count])
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            sizes = page.eval_on_selector_all(
                "#walker button, #walker a.answer, #walker .checklist-item label",
                "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)",
            )
            assert sizes and min(sizes) >= 44, sizes
    finally:
        page.set_viewport_size({"width": 1280, "height": 720})


def test_print_shows_route_and_outcome_without_navigation(live: Page, flow: Flow) -> None:
    page = live
    route = longest_route(flow)
    walk_live(page, flow, route.steps)
    check_outcome(page, flow, route)
    page.emulate_media(media="print")
    try:
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", ".walker-tools"):
            assert not page.locator(hidden).first.is_visible(), hidden
        assert not page.locator("#walker [data-action=change]").first.is_visible()
        for shown in (
            "#walker .answered",
            "#walker .outcome",
            # Issue 15: the key actions print; the detail prints as its folded group headings
            # (an outcome prints on at most two pages).
            "#walker [data-actions]",
            "#walker details.recommendation-group > summary",
            "#walker .outcome .sources",
            "#walker .flow-meta",
            "#walker .walker-printed",
        ):
            assert page.locator(shown).first.is_visible(), shown
        printed = page.inner_text("#walker")
        for title in engine_titles(flow, state_of(flow, route)):
            assert title in printed
        assert flow.node(route.outcome).title in printed
        assert f"version {flow.version}" in printed
    finally:
        page.emulate_media(media="screen")


def test_copy_without_the_clipboard_api_still_gives_the_summary(live: Page, flow: Flow) -> None:
    page = live
    route = longest_route(flow)
    walk_live(page, flow, route.steps)
    page.evaluate(
        """() => {
            window.clipboardApi = Object.getOwnPropertyDescriptor(Navigator.prototype, "clipboard");
            Object.defineProperty(Navigator.prototype, "clipboard", {get: () => undefined,
                                                                    configurable: true});
        }"""
    )
    try:
        page.click("#walker [data-action=copy]")
        # Either the old copy command worked (and says so) or the text waits, selected.
        copied = page.locator(".walker-live", has_text="Summary copied.")
        fallback = page.locator("#walker .walker-copy-fallback--shown")
        expect(copied.or_(fallback)).to_have_count(1)
        if fallback.count():
            assert fallback.input_value() == summary_text(flow, state_of(flow, route))
    finally:
        page.evaluate(
            """() => Object.defineProperty(Navigator.prototype, "clipboard", window.clipboardApi)"""
        )


# --- Share links ------------------------------------------------------------------------------


def test_share_link_round_trip_in_a_fresh_browser_all_local_no_errors(
    live: Page, browser: Browser, site_url: str, flow: Flow
) -> None:
    page = live
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    route = longest_route(flow)
    middle = len(route.steps) // 2 + 1
    walk_live(page, flow, route.steps[:middle])
    page.click("#walker [data-action=share]")
    # The link is copied once the walker has looked its static page up (a HEAD request).
    expect(page.locator(".walker-live")).to_have_text("Share link copied.")
    link = page.evaluate("navigator.clipboard.readText()")
    state = state_of(flow, route, middle)
    # Issue 15 (review row 6): the link is the state's static page, with the answers in the
    # fragment for the walker; the address bar keeps the walker's BASE#<token>.
    token = encode_token(flow, state)
    assert link == site_url + flow_path(MAIN_FLOW) + f"{token}/#{token}"
    assert page.url == site_url + flow_path(MAIN_FLOW) + "#" + token

    context = browser.new_context()
    try:
        fresh = context.new_page()
        urls: list[str] = []
        context.on("request", lambda request: urls.append(request.url))
        errors: list[str] = []  # a CSP violation, a failed load or a script error shows here
        fresh.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        fresh.on("pageerror", lambda error: errors.append(str(error)))
        fresh.goto(link)
        wait_ready(fresh)
        assert fresh.get_attribute("#walker", "data-token") == encode_token(flow, state)
        wait_step(fresh, view(flow, state).node.id)
        assert answered_titles(fresh) == engine_titles(flow, state)
        walk_live_from(fresh, flow, route, middle)  # and it keeps walking from there
        assert urls and all(url.startswith(site_url) for url in urls), urls
        assert not errors, errors
    finally:
        context.close()


def tampered(flow: Flow, token: str) -> str:
    """The token with one character changed so that it no longer decodes (a hand-edited link)."""
    for position in range(len(token) - 1, TAG_LENGTH - 1, -1):
        for char in "AQgw_-9z":
            candidate = token[:position] + char + token[position + 1 :]
            try:
                decode_token(flow, candidate)
            except TokenError:
                return candidate
    raise AssertionError("no single-character change breaks this token")


@pytest.mark.parametrize("kind", ["tampered", "old-version", "garbage"])
def test_unusable_share_link_shows_a_notice_and_starts_over(
    walker_page: Page, site_url: str, flow: Flow, kind: str
) -> None:
    page = walker_page
    route = longest_route(flow)
    token = encode_token(flow, state_of(flow, route, 3))
    if kind == "tampered":
        token = tampered(flow, token)
    elif kind == "old-version":
        old = dataclasses.replace(flow, version=flow.version + "-old")
        token = encode_token(old, State(old.id, old.version, state_of(flow, route, 3).choices))
    else:
        token = "hello-world_123"
    page.goto("about:blank")
    page.goto(site_url + flow_path(MAIN_FLOW) + "#" + token)
    wait_ready(page)
    notice = page.locator("#walker .walker-notice")
    assert "could not be opened" in notice.inner_text()
    if kind == "old-version":
        assert "another version" in notice.inner_text()
    assert page.get_attribute("#walker", "data-token") == "start"
    wait_step(page, flow.start)
    assert page.url == site_url + flow_path(MAIN_FLOW)  # the bad fragment is gone


# --- Without JavaScript, and when the engine cannot start ------------------------------------


def test_without_javascript_the_static_pages_walk_to_the_outcome(
    browser: Browser, site_url: str, flow: Flow
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + flow_path(MAIN_FLOW))
        route = longest_route(flow)
        for index, step in enumerate(route.steps):
            node = flow.node(step.node)
            wait_step(page, node.id)
            token = encode_token(flow, state_of(flow, route, index + 1))
            if node.kind == "checklist":
                assert step.route_rule is not None
                label = node.routes[step.route_rule].label
                page.locator("#walker a.route", has_text=label).first.click()
            else:
                page.locator(f'#walker a[href$="{token}/"]').first.click()
            page.wait_for_url(f"**/{token}/")
        check_outcome(page, flow, route)
        assert page.get_attribute("#walker", "data-state") == "static"
    finally:
        context.close()


@pytest.mark.parametrize("failure", ["no-webassembly", "runtime-missing", "watchdog"])
def test_when_the_engine_cannot_start_the_static_algorithm_keeps_working(
    browser: Browser, site_url: str, flow: Flow, failure: str
) -> None:
    context = browser.new_context()
    held: list[Request] = []
    try:
        if failure == "no-webassembly":
            context.add_init_script("delete globalThis.WebAssembly;")
        elif failure == "runtime-missing":
            context.route("**/pyodide.asm.wasm*", lambda request: request.abort())
        else:
            context.add_init_script("globalThis.WALKER_CONFIG = {watchdogMs: 1500};")
            # The runtime never arrives: only the watchdog can end the wait.
            context.route("**/pyodide.asm.wasm*", lambda request: held.append(request))
        page = context.new_page()
        page.goto(site_url + flow_path(MAIN_FLOW))
        page.wait_for_selector("#walker[data-state=failed]", timeout=60_000)
        assert "could not start" in page.inner_text("#walker .walker-notice")
        adult = encode_token(flow, State(flow.id, flow.version, ("adult",)))
        page.locator(f'#walker a[href$="{adult}/"]').first.click()  # age comes first: an adult
        page.wait_for_url(f"**/{adult}/")
        wait_step(page, "red-flags")
    finally:
        context.close()


def test_a_flow_that_never_arrives_is_blamed_on_the_network_not_the_browser(
    browser: Browser, site_url: str
) -> None:
    """The runtime starts, but the flow's JSON never arrives: once no byte came for the
    watchdog's time the notice names the network (issue 17), never the browser."""
    context = browser.new_context()
    held: list[Request] = []
    try:
        context.add_init_script("globalThis.WALKER_CONFIG = {watchdogMs: 1500};")
        context.route("**/assets/flows/*.json*", lambda request: held.append(request))
        page = context.new_page()
        page.goto(site_url + flow_path(MAIN_FLOW))
        page.wait_for_selector("#walker[data-state=failed]", timeout=60_000)
        assert held, "the flow was never asked for"
        notice = page.inner_text("#walker .walker-notice")
        assert "network is too slow" in notice, notice
        assert "in this browser" not in notice, notice
    finally:
        context.close()


# --- Material's instant navigation ------------------------------------------------------------


def built_for(built_site: Path) -> str:
    """The site_url the site was built for: Material's instant navigation only runs there."""
    locations = re.findall(r"<loc>([^<]+)</loc>", (built_site / "sitemap.xml").read_text())
    return min(locations, key=len)


def test_instant_navigation_mounts_the_walker_and_keeps_one_engine(
    browser: Browser, built_site: Path, site_url: str, flow: Flow
) -> None:
    canonical = built_for(built_site)
    # The browser sees the site at the address it was built for; the test server answers.
    context = browser.new_context(service_workers="block")
    context.route(
        canonical + "**",
        lambda request: request.fulfill(
            response=request.fetch(url=site_url + request.request.url[len(canonical) :])
        ),
    )
    try:
        page = context.new_page()
        page.goto(canonical)
        page.evaluate("window.sameDocument = true")
        page.click(f'.md-nav--primary a[href$="{flow_path(MAIN_FLOW)}"]')
        wait_ready(page)
        assert page.evaluate("window.sameDocument === true")  # an instant navigation, no reload
        walk_live(page, flow, enumerate_routes(flow)[-1].steps[:1])

        page.click('.md-nav--primary a[href$="red-flags/"]')
        page.wait_for_url("**/red-flags/")
        page.click(f'.md-nav--primary a[href$="{flow_path(MAIN_FLOW)}"]')
        wait_ready(page)
        wait_step(page, flow.start)
        assert page.evaluate("window.sameDocument === true")
        engines = [w for w in page.workers if w.url.endswith("/assets/walker/worker.mjs")]
        assert len(engines) == 1
    finally:
        context.close()
