"""What the walker changes is restyled alone, not the whole page (issue 17: answering with margin).

A trace of answers at 4x CPU throttling showed Chromium recomputing the style of every element
of the page (header, navigation, footer) in every frame of every answer: a `:has()` rule on the
whole walker whose selector ends in `::details-content` (site.css, the checklists' "How to
check" switch) made each node put in the walker invalidate the subtrees of all its ancestors,
and `cursor: progress` on `#walker[aria-busy]` (walker.css) made the walker's busy flag restyle
the whole step twice per answer (the cursor is inherited).

Counted, not timed: each style recalculation in a DevTools trace (`UpdateLayoutTree`) says how
many elements it restyled (`elementCount`). The page does exactly what the walker does when it
puts a part of a step on the page (a node into the step) and when it marks the step busy, shown
and complete (the attributes place() sets on `#walker`), each followed by reading a style, so
that the browser restyles right then.

The same trace showed SVG images decoded and painted in the frames that put a summary on the
page: Material draws a summary's chevron and type icon as SVG mask images; a step draws none.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from engine import Flow, State, encode_token, enumerate_routes

from .conftest import MAIN_FLOW, flow_path, wait_ready
from .walking import walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Each change the walker makes, done once: a mark before it, then a style read that restyles.
CHANGES = """() => {
  const root = document.getElementById("walker");
  const step = root.querySelector("section") ?? root;
  const restyle = (element) => getComputedStyle(element).color;
  restyle(step);
  const changes = {
    "a paragraph put into the step": () => {
      const part = document.createElement("p");
      part.textContent = "A later part of the step.";
      step.append(part);
      restyle(part);
    },
    "aria-busy set": () => { root.setAttribute("aria-busy", "true"); restyle(root); },
    "data-kind set": () => { root.dataset.kind = "question-changed"; restyle(root); },
    "data-at-start set": () => { root.dataset.atStart = "false"; restyle(root); },
    "data-token set": () => { root.dataset.token = "changed"; restyle(root); },
    "aria-busy removed": () => { root.removeAttribute("aria-busy"); restyle(root); },
  };
  for (const [name, change] of Object.entries(changes)) {
    performance.mark("change:" + name);
    change();
  }
  performance.mark("change:end");
  return document.getElementsByTagName("*").length;
}"""

MOST_RESTYLED = 12
"""Elements one change may restyle: itself, its parent and a few neighbours (`:last-child`
rules, the chrome above the walker that follows its attributes); the page has hundreds."""


def restyled_per_change(trace: bytes) -> dict[str, int]:
    """Elements restyled between one change's mark and the next, on the page's main thread."""
    events = json.loads(trace)["traceEvents"]
    marks = sorted(
        (e["ts"], e["name"].removeprefix("change:"), e["pid"], e["tid"])
        for e in events
        if e.get("cat", "").startswith("blink.user_timing") and e["name"].startswith("change:")
    )
    counts: dict[str, int] = {}
    for (start, name, pid, tid), (end, *_) in pairwise(marks):
        counts[name] = sum(
            e["args"].get("elementCount", 0)
            for e in events
            if e["name"] == "UpdateLayoutTree"
            and e["pid"] == pid
            and e["tid"] == tid
            and start <= e["ts"] < end
        )
    return counts


def test_the_walkers_changes_restyle_only_what_they_change(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        browser.start_tracing(page=page, categories=["devtools.timeline", "blink.user_timing"])
        elements = page.evaluate(CHANGES)
        counts = restyled_per_change(browser.stop_tracing())
    finally:
        context.close()
    assert len(counts) == 6, counts
    too_many = {name: n for name, n in counts.items() if n > MOST_RESTYLED}
    assert not too_many, f"restyled elements per change (the page has {elements}): {counts}"


# Every element of the step, and its ::before and ::after, that is drawn with a mask image.
MASKED = """() => [...document.querySelectorAll("#walker *")].flatMap((element) =>
  [null, "::before", "::after"]
    .filter((pseudo) => {
      const style = getComputedStyle(element, pseudo);
      const empty = pseudo !== null && ["none", "normal"].includes(style.content);
      const drawn = style.display !== "none" && !empty;
      return drawn && !["", "none"].includes(style.maskImage);
    })
    .map((pseudo) => element.tagName.toLowerCase() + "." + element.className + (pseudo ?? "")))"""


@pytest.mark.parametrize("javascript", [True, False], ids=["walker", "static"])
def test_steps_draw_no_svg_mask_icons(
    browser: Browser, site_url: str, flows: dict[str, Flow], javascript: bool
) -> None:
    """On the first step (its help is behind a summary) and an outcome (recommendation groups)."""
    flow = flows[MAIN_FLOW]
    route = next(iter(enumerate_routes(flow)))
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    try:
        page.goto(site_url + flow_path(MAIN_FLOW))
        if javascript:
            wait_ready(page)
        assert page.locator("#walker summary").count() > 0
        found["first step"] = page.evaluate(MASKED)
        if javascript:
            walk_live(page, flow, route.steps)
        else:
            state = State(flow.id, flow.version, tuple(s.choice for s in route.steps))
            page.goto(f"{site_url}{flow_path(flow.id)}{encode_token(flow, state)}/")
        assert page.locator("#walker .outcome summary").count() > 0
        found["outcome"] = page.evaluate(MASKED)
    finally:
        context.close()
    assert found == {"first step": [], "outcome": []}
