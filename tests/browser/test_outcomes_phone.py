"""Every outcome of every flow on a 390x844 phone (issue 15), static pages: action first, a
short plain note, two printed pages at most.

Static pages (JavaScript off, as a reader without it or a pasted share link gets them): EVERY
reachable outcome state of every flow is opened; its urgency, title and all key actions must lie
on the first screen below the sticky header, and its note must be plain text of at most 1,200
characters that names the negatives when no red flag was ticked. Print: one state per distinct
outcome box (the one with the most text on its page, the longest print) is printed on A4 and on
Letter: at most 2 pages, the first not blank.

The live walker's side is tests/browser/test_outcomes_phone_live.py (a separate module so that
`make test`'s two pytest workers can take one each). One Chromium; one context with JavaScript
off, kept for the module and its page reused. Contracts: `[data-urgency]` (the outcome),
`[data-actions]` (key actions, its items), `[data-note]` (the note).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from engine import Flow

from .phone import (
    FLOW_IDS,
    PHONE,
    OutcomeState,
    first_screen_problems,
    no_flag_ticked,
    note_problems,
    note_text,
    outcome_states,
    print_problems,
    report,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


# --- static pages -------------------------------------------------------------------------------


@dataclass
class Survey:
    """What every static outcome page of one flow showed, gathered in one pass."""

    flow: Flow
    screen: dict[str, list[str]] = field(default_factory=dict)
    note: dict[str, list[str]] = field(default_factory=dict)
    longest: dict[str, tuple[int, OutcomeState]] = field(default_factory=dict)
    """Per distinct outcome box (hash of its HTML): the state whose page has the most text."""
    count: int = 0


@pytest.fixture(scope="module")
def static_page(browser: Browser) -> Iterator[Page]:
    """The phone with JavaScript off: the static pages exactly as built."""
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module", params=FLOW_IDS)
def survey(request: pytest.FixtureRequest, static_page: Page, site_url: str) -> Survey:
    """Open every outcome state's static page of a flow once and note what is wrong."""
    flows: dict[str, Flow] = request.getfixturevalue("flows")
    flow = flows[request.param]
    found = Survey(flow)
    for outcome in outcome_states(flow):
        found.count += 1
        static_page.goto(outcome.static_url(site_url))
        label = outcome.label()
        if problems := first_screen_problems(static_page):
            found.screen[label] = problems
        note = note_text(static_page)
        if problems := note_problems(note, negatives=no_flag_ticked(flow, outcome.state)):
            found.note[label] = problems
        box: str = static_page.evaluate(
            "() => (document.querySelector('[data-urgency]') ?? document.querySelector('.outcome'))"
            "?.outerHTML ?? ''"
        )
        size: int = static_page.evaluate("() => document.body.innerText.length")
        key = hashlib.sha256(box.encode()).hexdigest()
        if key not in found.longest or size > found.longest[key][0]:
            found.longest[key] = (size, outcome)
    assert found.count > 0, f"{flow.id}: no outcome states"
    return found


def test_static_outcome_shows_urgency_and_actions_on_the_first_screen(survey: Survey) -> None:
    if survey.screen:
        pytest.fail(report(survey.screen, f"of {survey.count} outcome pages"), pytrace=False)


def test_static_outcome_note_is_short_plain_and_names_negatives(survey: Survey) -> None:
    if survey.note:
        pytest.fail(report(survey.note, f"of {survey.count} outcome pages"), pytrace=False)


def test_static_outcome_prints_on_two_pages_at_most(
    survey: Survey, static_page: Page, site_url: str
) -> None:
    failures = {}
    for _, outcome in survey.longest.values():
        static_page.goto(outcome.static_url(site_url))
        if problems := print_problems(static_page, outcome.node.title):
            failures[outcome.label()] = problems
    if failures:
        pytest.fail(report(failures, f"of {len(survey.longest)} printed outcomes"), pytrace=False)


def test_static_outcome_print_has_references_and_address(
    survey: Survey, static_page: Page, site_url: str
) -> None:
    """Without JavaScript the printout still lists the outcome's references once (their full
    citations) and says where it came from (the page's address and a date in ISO form)."""
    failures = {}
    for _, outcome in list(survey.longest.values())[:3]:
        static_page.goto(outcome.static_url(site_url))
        text = pdf_text(static_page.pdf(format="A4", print_background=True))
        problems = []
        if "References" not in text:
            problems.append("no References list")
        if outcome.token not in text.replace("\n", ""):
            problems.append("no page address")
        if not re.search(r"\b20\d\d-\d\d-\d\d\b", text):
            problems.append("no ISO date")
        if problems:
            failures[outcome.label()] = problems
    if failures:
        pytest.fail(report(failures, "printed outcomes"), pytrace=False)


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
