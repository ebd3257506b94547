"""The first frame after an answer only shows the next step (issue 17: answering with margin).

The walker puts the first screenful of the next step on the page in the click's task and
scrolls it into place in the first frame; the heading takes the focus in a task of its own once
the next frame is painted, or as the step completes (a short step: in the next frame), so focus
events (Material's listeners, the focus ring's class) never lengthen the frame the reader is
waiting for. Counted in frames, not timed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import Flow, enumerate_routes

from .conftest import MAIN_FLOW, flow_path, wait_ready
from .walking import answer_live

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
