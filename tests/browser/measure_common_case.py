"""Measure the common case on a 390x844 phone: taps and scrolling from the home page to the outcome.

Not a test (no assertions): `python -m tests.browser.measure_common_case URL` walks a served site
as a GP would for a routine acute back spasm in an adult with no red flags (adult, no red flag,
no nerve-root finding, under 4 weeks, no liver impairment, no cyclobenzaprine contraindication),
with JavaScript on (the walker) and off (the static pages). Before each tap it scrolls just far
enough to bring the control wholly on screen below the sticky header, as a reader's swipe would,
and adds up that distance. Prints one line per tap and the totals, for issue 15's before/after.
"""

from __future__ import annotations

import sys
from typing import Any

from playwright.sync_api import Page, sync_playwright

from tests.sitehelpers import CHROMIUM_ARGS, chromium_executable

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
QUESTION = "question"
CHECKLIST_NONE = "none-of-these"
COMMON_CASE: list[tuple[str, str, str]] = [
    (QUESTION, "adult", "18 to 64"),
    (CHECKLIST_NONE, "red-flags", ""),
    (CHECKLIST_NONE, "exam", ""),
    (QUESTION, "acute", "Less than 4 weeks"),
    (CHECKLIST_NONE, "cbp-screen", ""),
]
"""The steps of the age-first main flow for the common case, in order: (kind, the answer's id,
its text: a static page's answer links carry no id). Liver function is part of the pre-prescribing
screen (`cbp-screen`). A checklist is answered with its one-tap "None of these" (a button in
the walker, a link on a static page; both stay at the bottom of the screen)."""

REACH_JS = """
(element) => {
  const header = document.querySelector(".md-header");
  const top = header ? header.getBoundingClientRect().bottom : 0;
  const box = element.getBoundingClientRect();
  if (box.bottom > innerHeight) return Math.min(box.top - top - 8, box.bottom - innerHeight + 8);
  if (box.top < top) return box.top - top - 8;
  return 0;
}
"""


class Reader:
    """Taps controls on `page`, scrolling each into view first; counts taps and pixels."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0
        self.scrolled = 0.0

    def tap(self, selector: str, what: str) -> None:
        control = self.page.locator(selector).first
        control.wait_for(state="visible", timeout=120_000)
        distance: float = control.evaluate(REACH_JS)
        if distance:
            self.page.evaluate("d => window.scrollBy(0, d)", distance)
        self.scrolled += abs(distance)
        self.taps += 1
        print(f"  tap {self.taps}: {what} (scrolled {abs(distance):.0f} px)")
        control.tap()


def walk(url: str, *, javascript: bool) -> tuple[int, float]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS
        )
        page = browser.new_context(**PHONE, java_script_enabled=javascript).new_page()
        page.goto(url)
        reader = Reader(page)
        reader.tap(".home-start a", "Start on the home page")
        page.wait_for_load_state()
        if javascript:
            page.wait_for_selector("#walker[data-state=ready]", timeout=120_000)
        for kind, value, text in COMMON_CASE:
            before = page.get_attribute("#walker", "data-token") if javascript else page.url
            if javascript and kind == QUESTION:
                reader.tap(f'#walker button[data-choice="{value}"]', f"answer {value}")
            elif javascript:
                reader.tap("#walker button[data-none-answer]", f"{value}: None of these")
            elif kind == QUESTION:
                reader.tap(f'#walker a.answer:has-text("{text}")', f"answer {value}")
            else:
                reader.tap("#walker a[data-none-answer]", f"{value}: None of these")
            if javascript:
                page.wait_for_function(
                    "t => { const w = document.querySelector('#walker');"
                    " return w.dataset.token !== t && !w.hasAttribute('aria-busy'); }",
                    arg=before,
                )
            else:
                page.wait_for_url(lambda new, old=before: new != old)
        outcome = page.text_content("[data-urgency] h2")
        print(f"  outcome: {outcome}")
        browser.close()
        return reader.taps, reader.scrolled


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/"
    for javascript in (True, False):
        print(f"JavaScript {'on' if javascript else 'off'}:")
        taps, scrolled = walk(url, javascript=javascript)
        print(f"  total: {taps} taps, {scrolled:.0f} px scrolled")


if __name__ == "__main__":
    main()
