"""The first frame after an answer only shows the next step (issue 17: answering with margin).

The walker puts the first screenful of the next step on the page in the click's task and
scrolls it into place in the first frame; the heading takes the focus in a task of its own once
the next frame is painted, or as the step completes (a short step: in the next frame), so focus
events (Material's listeners, the focus ring's class) never lengthen the frame the reader is
waiting for. Counted in frames, not timed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from engine import Flow, enumerate_routes

from .conftest import MAIN_FLOW, flow_path, wait_ready
from .walking import answer_live, walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Counts animation frames (this callback is registered first in every frame) and painted frames
# (a task posted in a frame's callbacks runs once the frame is painted), and records the frame of
# every click and the last painted frame when a heading takes the focus.
COUNT_FRAMES = """
window.frameLog = { frame: 0, painted: 0, clicks: [], focused: [] };
const tick = () => {
  frameLog.frame += 1;
  const frame = frameLog.frame;
  setTimeout(() => { frameLog.painted = frame; }, 0);
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
document.addEventListener("click", () => frameLog.clicks.push(frameLog.frame), true);
document.addEventListener("focusin", (event) => {
  if (event.target.tagName === "H2") frameLog.focused.push([frameLog.painted, event.target.id]);
}, true);
"""


def test_the_heading_takes_the_focus_once_the_first_frame_is_painted(
    browser: Browser, site_url: str, flows: dict[str, Flow]
) -> None:
    flow = flows[MAIN_FLOW]
    route = next(r for r in enumerate_routes(flow) if len(r.steps) >= 3)
    context = browser.new_context()
    context.add_init_script(COUNT_FRAMES)
    page = context.new_page()
    try:
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        for step in route.steps[:3]:
            before = page.evaluate("frameLog.focused.length")
            answer_live(page, flow, step)
            page.wait_for_function("(n) => frameLog.focused.length > n", arg=before)
            clicked = page.evaluate("frameLog.clicks.at(-1)")
            painted, heading = page.evaluate("frameLog.focused.at(-1)")
            # Frame clicked + 1 shows the step; the focus follows once it is painted.
            assert painted >= clicked + 1, (clicked, painted)
            assert page.evaluate("document.activeElement.id") == heading
            assert heading.startswith("step-")
    finally:
        context.close()


def test_each_later_frame_of_a_long_checklist_lays_out_only_what_it_adds(
    browser: Browser, site_url: str, flows: dict[str, Flow]
) -> None:
    """The longest checklist comes a few items per frame; no frame lays out the items before it.

    Its boxes sit in a <div> inside the fieldset (engine/render/controls.py): added straight to a
    <fieldset>, each frame laid out every item already there (16 items: 3,464 objects laid out
    for 356 added, 10 to 1; in a <div>, 764 for 431, the new objects and their ancestors).
    Counted from the browser's own trace (each layout's `dirtyObjects`), not timed.
    """
    flow = flows[MAIN_FLOW]
    checklist = max(
        (node for node in flow.nodes if node.kind == "checklist"),
        key=lambda node: len(node.items),
    )
    route = next(
        r for r in enumerate_routes(flow) if any(step.node == checklist.id for step in r.steps[1:])
    )
    at = next(k for k, step in enumerate(route.steps) if step.node == checklist.id)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        walk_live(page, flow, route.steps[: at - 1])
        browser.start_tracing(page=page, categories=["devtools.timeline"])
        walk_live(page, flow, route.steps[:at], done=at - 1)
        trace = json.loads(browser.stop_tracing())
    finally:
        context.close()
    layouts = sorted(
        (event for event in trace["traceEvents"] if event.get("name") == "Layout"),
        key=lambda event: event["ts"],
    )
    sizes = [event["args"]["beginData"] for event in layouts]
    added = sizes[-1]["totalObjects"] - sizes[0]["totalObjects"]
    laid_out = sum(size["dirtyObjects"] for size in sizes[1:])
    assert len(sizes) >= 4, sizes  # the checklist came in several frames
    assert laid_out <= 3 * added, (laid_out, added, [size["dirtyObjects"] for size in sizes])
