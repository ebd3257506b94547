"""Reading an outcome as a GP on a phone does: what is on the first screen, the note, the print.

Helpers for tests/browser/test_outcomes_phone.py and test_outcomes_phone_live.py. The engine in
CPython lists the states and what should be ticked; these functions read back what Chromium
shows (layout boxes, focus, text) and what it prints (page count, whether the first page has the
outcome on it).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import Flow, State, encode_token, enumerate_routes, reachable_states, view
from engine.model import NONE_CHOICE, Action, Node, Recommendation, Ticked

from .conftest import FLOW_FILES, flow_path

if TYPE_CHECKING:
    from playwright.sync_api import Page

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
"""The phone of the usability review (390x844 CSS px, 2x, touch)."""

WALKER = "#walker"
NONE_BOX = f"{WALKER} input[data-none]"
"""The checklist's exclusive "None of these" box (contract agreed with u-web)."""
NOTE_MAX = 1200
"""Issue 15: the clinical note is at most 1,200 characters."""
PRINT_MAX_PAGES = 2
NEGATIVES = re.compile(r"\bno red flags?\b|\bnone of (the )?\d+\b", re.IGNORECASE)
"""How a note says the screen was done and negative ("no red flags on a 16-item screen")."""
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class OutcomeState:
    """One reachable outcome state of a flow, with the URL of its static page."""

    flow: Flow
    state: State
    token: str
    node: Node

    def static_url(self, site_url: str) -> str:
        return f"{site_url}{flow_path(self.flow.id)}{self.token}/"

    def label(self) -> str:
        return f"{self.flow.id} {self.node.id} {self.token}"


def outcome_states(flow: Flow) -> list[OutcomeState]:
    """Every reachable state that ends at an outcome: each has its own static page."""
    found = []
    for state in reachable_states(flow):
        current = view(flow, state)
        if current.is_outcome:
            found.append(OutcomeState(flow, state, encode_token(flow, state), current.node))
    return found


# --- red-flag screens ---------------------------------------------------------------------------


def is_red_flag_screen(node: Node) -> bool:
    """The flows name their red-flag checklists `...red-flags` (red-flags, child-red-flags, ...)."""
    return node.kind == "checklist" and node.id.endswith("red-flags")


def item_groups(screen: Node) -> dict[str, tuple[str, ...]]:
    """A red-flag screen's groups as the format declares them (each item's `group` heading)."""
    groups: dict[str, list[str]] = {}
    for item in screen.items:
        if item.group:
            groups.setdefault(item.group, []).append(item.id)
    return {heading: tuple(items) for heading, items in groups.items()}


def group_id(heading: str) -> str:
    """`Cauda equina syndrome` -> `cauda-equina-syndrome`, as in `data-flag-group`."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "group"


@dataclass(frozen=True)
class WorkUp:
    """A group's own work-up as the flow's safety rules declare it: "when any of these items is
    ticked at this screen, the outcome recommends (carries) one of these tags"."""

    rule: str
    items: tuple[str, ...]
    tags: tuple[str, ...]


def work_ups(flow: Flow, screen: Node) -> list[WorkUp]:
    """The work-up rules of a red-flag screen (one safety rule per group)."""
    found = []
    for rule in flow.safety:
        when = rule.when
        if (
            isinstance(when, Ticked)
            and when.at == screen.id
            and when.mode == "items"
            and rule.require.recommends
        ):
            found.append(WorkUp(rule.id, when.items, rule.require.recommends))
    return found


def plain_words(markdown: str) -> str:
    """A flow text's words as the page shows them (Markdown marks and link targets dropped)."""
    text = re.sub(r"\]\([^)]*\)", " ", markdown)
    return " ".join(words(re.sub(r"[*_`\[\]]", " ", text)))


def tagged_texts(outcome: Node, tags: tuple[str, ...]) -> list[str]:
    """The words of the outcome's key actions and recommendations carrying one of `tags`."""
    parts: list[Action | Recommendation] = [*outcome.actions, *outcome.recommendations]
    return [plain_words(part.text) for part in parts if set(part.tags) & set(tags)]


def unlisted_groups(
    page: Page, screen: Node, outcome: Node, ticks: frozenset[str], flow: Flow
) -> list[str]:
    """What the outcome shown in the walker leaves out of the ticked groups: a group without
    its `[data-flag-group]` entry, or a ticked group none of whose work-ups (a key action or
    recommendation with a tag its safety rules require) is visible (folded is not visible)."""
    listed: list[str] = page.eval_on_selector_all(
        f"{WALKER} [data-urgency] [data-flag-group]",
        "found => found.map(e => e.getAttribute('data-flag-group'))",
    )
    missing = [
        f"group {heading!r} not listed"
        for heading, items in item_groups(screen).items()
        if ticks & set(items) and group_id(heading) not in listed
    ]
    shown = " ".join(words(page.eval_on_selector(f"{WALKER} [data-urgency]", "e => e.innerText")))
    for heading, items in item_groups(screen).items():
        rules = [w for w in work_ups(flow, screen) if ticks & set(items) & set(w.items)]
        texts = [text for rule in rules for text in tagged_texts(outcome, rule.tags)]
        if rules and not any(text and text in shown for text in texts):
            tags = sorted({tag for rule in rules for tag in rule.tags})
            missing.append(f"group {heading!r}: no visible work-up tagged {tags}")
    return missing


def ticks_at(flow: Flow, state: State) -> dict[str, frozenset[str]]:
    """What was ticked at each red-flag screen passed by `state` (NONE_CHOICE for None)."""
    ticks = {}
    for step in view(flow, state).answered:
        if is_red_flag_screen(step.node) and isinstance(step.choice, frozenset):
            ticks[step.node.id] = step.choice
    return ticks


def no_flag_ticked(flow: Flow, state: State) -> bool:
    """The route passed a red-flag screen and ticked no red flag there (or "None of these")."""
    ticks = ticks_at(flow, state)
    return bool(ticks) and all(not (t - {NONE_CHOICE}) for t in ticks.values())


# --- what the page shows ------------------------------------------------------------------------

FIRST_SCREEN_JS = """
(outcomeSelector) => {
  const header = document.querySelector(".md-header");
  let top = 0;
  if (header !== null) {
    const style = getComputedStyle(header);
    const box = header.getBoundingClientRect();
    if (["sticky", "fixed"].includes(style.position) && box.bottom > 0) top = box.bottom;
  }
  // The visible part of the page: the visual viewport (a phone may zoom out a page that is
  // wider than the screen, and then innerHeight is not what is seen).
  const seen = window.visualViewport;
  top = Math.max(top, seen.offsetTop);
  const bottom = seen.offsetTop + seen.height;
  const wide = document.documentElement.scrollWidth > seen.width * seen.scale + 1;
  const outcome = document.querySelector(outcomeSelector);
  if (outcome === null) return { missing: "no " + outcomeSelector + " element" };
  const parts = [];
  const badge = outcome.querySelector(".urgency");
  parts.push(["urgency", badge ?? outcome, badge === null]);
  const heading = outcome.querySelector("h1, h2, h3");
  if (heading !== null) parts.push(["heading", heading, false]);
  const actions = outcome.querySelector("[data-actions]") ??
    document.querySelector("[data-actions]");
  if (actions === null) return { missing: "no [data-actions] element" };
  const items = [...actions.querySelectorAll(":scope > li, :scope > ol > li, :scope > ul > li")];
  if (items.length === 0) return { missing: "no items in [data-actions]" };
  items.forEach((item, index) => parts.push([`action ${index + 1}`, item, false]));
  const off = [];
  for (const [name, element, topOnly] of parts) {
    const box = element.getBoundingClientRect();
    const end = topOnly ? box.top + 16 : box.bottom;
    if (box.height === 0 || box.top < top - 1 || end > bottom + 1) {
      off.push(`${name} at y ${Math.round(box.top)}-${Math.round(box.bottom)}`);
    }
  }
  if (wide) off.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  return { off, top, bottom, scrollY: Math.round(window.scrollY),
           level: outcome.getAttribute("data-urgency") };
}
"""
"""What of the urgency, the heading and every key action is not wholly on the first screen below
the sticky header (height 0 = folded or hidden). Without a `.urgency` badge, the outcome
element's top (where its badge goes) must be on the screen."""


def first_screen_problems(page: Page, outcome_selector: str = "[data-urgency]") -> list[str]:
    """Empty when urgency, heading and all key actions are on the screen as it is now."""
    found: dict[str, Any] = page.evaluate(FIRST_SCREEN_JS, outcome_selector)
    if "missing" in found:
        return [str(found["missing"])]
    off: list[str] = found["off"]
    if not off:
        return []
    where = f"(screen y {found['top']:.0f}-{found['bottom']}, scrollY {found['scrollY']})"
    return [f"not on the first screen {where}: " + ", ".join(off)]


def note_text(page: Page) -> str | None:
    """The clinical note's text (`[data-note]`), folded or not; None if there is none."""
    text: str | None = page.evaluate(
        "() => document.querySelector('[data-note]')?.textContent ?? null"
    )
    return None if text is None else text.strip()


def note_problems(note: str | None, *, negatives: bool) -> list[str]:
    """Issue 15: plain text, at most 1,200 characters, explicit negatives when none ticked."""
    if note is None:
        return ["no [data-note] element"]
    problems = []
    if len(note) > NOTE_MAX:
        problems.append(f"note is {len(note)} characters (at most {NOTE_MAX})")
    if "**" in note:
        problems.append("note has Markdown bold (**)")
    if "#" in URL.sub("", note):
        problems.append("note has a '#' (Markdown heading?)")
    if MARKDOWN_LINK.search(note):
        problems.append("note has a Markdown link")
    if negatives and not NEGATIVES.search(note):
        problems.append("no red flag was ticked but the note does not say so explicitly")
    return problems


def focused_heading_problem(page: Page) -> str | None:
    """None when the focus is on the heading of the outcome shown."""
    found: str = page.evaluate(
        """() => {
          const active = document.activeElement;
          if (active === null || active === document.body) return "focus is on BODY";
          if (!/^H[1-6]$/.test(active.tagName)) return "focus is on " + active.tagName;
          const outcome = document.querySelector("[data-urgency]");
          if (outcome === null) return "no [data-urgency] element";
          const section = active.closest("section[aria-labelledby]");
          const ok = outcome.contains(active) ||
            (section !== null && section.getAttribute("aria-labelledby") === active.id &&
             section.contains(outcome));
          return ok ? "" : "focus is on another heading: " + active.textContent;
        }"""
    )
    return found or None


# --- print --------------------------------------------------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.DOTALL)
_REF = re.compile(rb"(\d+) 0 R")
_TEXT_SHOWN = re.compile(rb"\bT[Jj]\b")


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in _OBJECT.findall(pdf)}


def _stream(body: bytes) -> bytes:
    start = body.find(b"stream")
    end = body.rfind(b"endstream")
    if start < 0 or end < 0:
        return b""
    data = body[start + len(b"stream") : end].strip(b"\r\n")
    return zlib.decompress(data) if b"/FlateDecode" in body[:start] else data


def _kids(objects: dict[int, bytes], number: int) -> list[int]:
    """Page objects under a page-tree node, in order (Chromium writes plain, uncompressed ones)."""
    body = objects[number]
    if re.search(rb"/Type\s*/Page\b(?!s)", body):
        return [number]
    kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.DOTALL)
    if kids is None:
        return []
    return [page for ref in _REF.findall(kids.group(1)) for page in _kids(objects, int(ref))]


def pdf_pages(pdf: bytes) -> list[bytes]:
    """Each page's decoded content stream(s), in page order: a small reader for Chromium's PDF,
    used when pypdf is not installed."""
    objects = _objects(pdf)
    root = next(n for n, body in objects.items() if re.search(rb"/Type\s*/Catalog", body))
    tree = re.search(rb"/Pages\s+(\d+) 0 R", objects[root])
    assert tree is not None, "PDF without a page tree"
    pages = []
    for number in _kids(objects, int(tree.group(1))):
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", objects[number], re.DOTALL)
        refs = _REF.findall(contents.group(1)) if contents else []
        pages.append(b"\n".join(_stream(objects[int(ref)]) for ref in refs))
    return pages


def printed(pdf: bytes) -> tuple[int, str | None]:
    """(page count, first page's text); the text is None when pypdf is not installed, and then
    the first page is "" if it draws no text at all."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pages = pdf_pages(pdf)
        first = pages[0] if pages else b""
        return len(pages), (None if _TEXT_SHOWN.search(first) else "")
    import io

    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), reader.pages[0].extract_text() if reader.pages else ""


def words(text: str) -> list[str]:
    """Lower-case words; NFKC first, as PDF text has ligatures ("ﬂag" for "flag")."""
    return re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text).lower())


def print_problems(page: Page, title: str) -> list[str]:
    """At most 2 pages on A4 and on Letter, the first not blank (with pypdf: it shows `title`)."""
    problems = []
    for paper in ("A4", "Letter"):
        count, first = printed(page.pdf(format=paper, print_background=True))
        if count > PRINT_MAX_PAGES:
            problems.append(f"{paper}: {count} pages (at most {PRINT_MAX_PAGES})")
        if first == "":
            problems.append(f"{paper}: the first page is blank")
        elif first is not None and " ".join(words(title)) not in " ".join(words(first)):
            problems.append(f"{paper}: the first page does not show the outcome {title!r}")
    return problems


# --- the live walker ----------------------------------------------------------------------------


class LiveWalk:
    """The walker on `page`, answered with taps; `go(choices)` taps Back to the answers the new
    walk shares with the current one and answers the rest (no reload: Pyodide starts once)."""

    def __init__(self, page: Page, flow: Flow) -> None:
        self.page = page
        self.flow = flow
        self.choices: list[object] = []

    def state(self, choices: list[object]) -> State:
        return State(self.flow.id, self.flow.version, tuple(choices))  # type: ignore[arg-type]

    def wait(self, choices: list[object]) -> None:
        token = encode_token(self.flow, self.state(choices))
        self.page.wait_for_selector(f'{WALKER}[data-token="{token}"]')

    def tap(self, selector: str) -> None:
        """Scroll the control to the middle of the screen, as a reader would, then tap it
        (Playwright's own scrolling can leave it under the sticky header)."""
        self.page.eval_on_selector(selector, "e => e.scrollIntoView({block: 'center'})")
        self.page.tap(selector)

    def go(self, choices: list[object]) -> State:
        shared = 0
        for mine, theirs in zip(self.choices, choices, strict=False):
            if mine != theirs:
                break
            shared += 1
        while len(self.choices) > shared:
            self.tap(f'{WALKER} [data-action="back"]')
            self.choices.pop()
            self.wait(self.choices)
        for choice in choices[shared:]:
            self.answer(view(self.flow, self.state(self.choices)).node, choice)
            self.choices.append(choice)
            self.wait(self.choices)
        return self.state(self.choices)

    def answer(self, node: Node, choice: object) -> None:
        """Answer the current step, setting every tick box exactly (Back keeps the ticks)."""
        page = self.page
        if node.kind == "question":
            self.tap(f'{WALKER} button[data-action="choose"][data-choice="{choice}"]')
            return
        if node.kind == "checklist":
            ticks = choice if isinstance(choice, frozenset) else frozenset()
            if NONE_CHOICE in ticks:
                page.set_checked(f"{WALKER} input[data-none]", True)
            for item in node.items:
                box = item_box(item.id)
                if page.is_checked(box) != (item.id in ticks):
                    page.set_checked(box, item.id in ticks)
            self.tap(f'{WALKER} form[data-action="tick"] button[type="submit"]')
            return
        self.tap(f'{WALKER} button[data-action="continue"]')


def item_box(item_id: str) -> str:
    return f'{WALKER} input[name="item"][value="{item_id}"]:not([data-none])'


FLOW_IDS = [path.stem for path in FLOW_FILES]
SHOWN_MAX = 12
"""How many failures a message lists (the count is always given)."""


def report(failures: dict[str, list[str]], what: str) -> str:
    """A test's failure message: how many failed, then the first SHOWN_MAX of them."""
    lines = [f"{len(failures)} {what}:"]
    lines += [f"  {label}: {'; '.join(problems)}" for label, problems in failures.items()]
    return "\n".join(lines[: SHOWN_MAX + 1])


def path_to(flow: Flow, node_id: str) -> list[object] | None:
    """The choices of the shortest route that passes `node_id`, up to (not including) it."""
    best: list[object] | None = None
    for route in enumerate_routes(flow):
        nodes = [step.node for step in route.steps]
        if node_id in nodes:
            prefix: list[object] = [step.choice for step in route.steps[: nodes.index(node_id)]]
            if best is None or len(prefix) < len(best):
                best = prefix
    return best
