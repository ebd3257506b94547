"""The clinical note of an outcome: plain text to paste into a record, within NOTE_LIMIT.

Made here once, shown in the step (`<pre data-note>`) and checked at build time: an outcome
whose note only fits with a key action cut short is a warning to the author (`note_problems`).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.grades import ordered
from engine.model import Cites, Flow, Problem
from engine.render.markdown import esc, plain
from engine.render.parts import URGENCY_WORDS, not_examined
from engine.walk import AnsweredStep, State, view

NOTE_LIMIT = 1200
"""The clinical note has at most this many characters (issue 15)."""
NOTE_TIME = "<span data-note-time></span>"  # a <time> needs a valid datetime
"""Where the page (walker.mjs) writes the local date and time of the assessment into the note."""
TIME_MARK = "\x00time\x00"
"""Stands for the assessment time inside the note text until the HTML is made."""
TIME_WIDTH = len("2026-12-01 20:15")
"""What the page writes at TIME_MARK: the note's limit counts it."""


def note_tags(flow: Flow, cite: Cites) -> str:
    """Short source names only, once each ("NICE NG59; ACP 2017")."""
    names = dict.fromkeys(
        (source.short if (source := flow.source(c.source)) else c.source)
        for c in ordered(flow, cite)
    )
    return "; ".join(names)


def shorten(text: str, cut: int | None) -> str:
    return text if cut is None or len(text) <= cut else text[: cut - 1].rstrip() + "…"


def finding_line(step: AnsweredStep, flow: Flow, cut: int | None = None) -> str | None:
    """One answered step as a record line, negatives explicit ("Red flags: none of 16 present")."""
    node = step.node
    if node.kind == "question" and isinstance(step.choice, str):
        answer = node.answer(step.choice)
        return f"{plain(node.title)}: {plain(answer.text if answer else step.choice)}."
    if node.kind == "checklist" and isinstance(step.choice, frozenset):
        findings = [item for item in node.items if not item.not_examined]
        total = len(findings)
        ticked = [item for item in findings if item.id in step.choice]
        if not ticked:
            return f"{plain(node.title)}: none of {total} present."
        present = "; ".join(shorten(plain(item.text), cut) for item in ticked)
        others = total - len(ticked)
        rest = f" The other {others} absent." if others else ""
        return f"{plain(node.title)}: present: {present}.{rest}"
    return None


def clinical_note(flow: Flow, state: State, assessed: str = "") -> str:
    """The note to paste into a record: plain text, at most NOTE_LIMIT characters.

    Flow and version, the date and time (`assessed`; the page writes it, see `note_html`), every
    finding with explicit negatives, what was not examined, the outcome and urgency, the key
    actions with short source tags. Shortened to fit: tags go first, then action lines are cut.
    """
    current = view(flow, state)
    when = f" Assessed: {assessed}" if assessed else ""
    heads = (
        f"{plain(flow.title)} (flowchart {flow.id} version {flow.version}).{when}",
        f"Flowchart {flow.id} version {flow.version}.{when}",
    )
    head = heads[0]

    def findings_cut(cut: int | None) -> list[str]:
        return [line for step in current.answered if (line := finding_line(step, flow, cut))]

    findings = findings_cut(None)
    unexamined = not_examined(current.answered)
    opens = (
        [f"Not examined: {plain(what)}: {plain(open_)}" for what, open_ in unexamined],
        [f"Not examined: {plain(what)}." for what, _ in unexamined],
    )
    tail = ["Decision support only; clinical judgement applies."]
    if not current.is_outcome:
        tail.insert(0, f"Not finished: next step is {plain(current.node.title)}.")
        return "\n".join([head, *findings, *opens[0], *tail])[:NOTE_LIMIT]
    node = current.node
    badge = URGENCY_WORDS.get(node.urgency or "", "")
    outcome = [f"Outcome: {plain(node.title)} ({badge})."]
    actions = [(plain(a.text), note_tags(flow, a.cite)) for a in current.actions]
    if not actions:
        outcome.append(f"Plan: {plain(node.text)}")

    every = dict.fromkeys(
        name for action in current.actions for name in note_tags(flow, action.cite).split("; ")
    )
    once = [f"Sources: {'; '.join(every)}."] if every else []
    main = dict.fromkeys(
        note_tags(flow, action.cite).split("; ")[0] for action in current.actions if action.cite
    )
    first = [f"Main sources: {'; '.join(main)}."] if main else []

    def build(tags: str, long: bool, item_cut: int | None, cut: int | None) -> str:
        lines = [heads[not long], *findings_cut(item_cut), *opens[not long], *outcome]
        if actions:
            lines.append("Key actions:")
        for text, names in actions:
            text = shorten(text, cut)
            lines.append(f"- {text} [{names}]" if tags == "each" and names else f"- {text}")
        sources = {"once": once, "first": first}.get(tags, [])
        return "\n".join([*lines, *sources, *tail])

    # Shortened step by step until it fits: tags gathered into one line, the short heading,
    # ticked items' texts cut, only each action's first (strongest) source, the tags left out,
    # and only then the key actions cut.
    budget = NOTE_LIMIT - (TIME_WIDTH - len(assessed) if assessed == TIME_MARK else 0)
    tries: list[tuple[str, bool, int | None, int | None]] = [
        ("each", True, None, None),
        ("once", True, None, None),
        ("once", False, None, None),
        ("once", False, 40, None),
        ("first", False, None, None),
        ("first", False, 40, None),
        ("none", False, 40, None),
        *(("none", False, 30, cut) for cut in range(150, 30, -10)),
    ]
    for tags, long, item_cut, cut in tries:
        note = build(tags, long, item_cut, cut)
        if len(note) <= budget:
            break
    if len(note) > budget:
        note = note[: budget - 1] + "…"
    return note


def note_problems(flow: Flow, states: Sequence[State]) -> list[Problem]:
    """Outcomes whose clinical note only fits in NOTE_LIMIT with a key action cut short.

    The note is always kept within the limit; a cut action is a warning to the author (shorten
    the key actions: about 110 characters each leaves room for findings and tags).
    """
    found: dict[str, Problem] = {}
    for state in states:
        current = view(flow, state)
        node = current.node
        if not current.is_outcome or node.id in found:
            continue
        note = clinical_note(flow, state, TIME_MARK)
        cut = [line for line in note.splitlines() if line.startswith("- ") and "…" in line]
        if cut:
            found[node.id] = Problem(
                flow.path,
                node.line,
                f'the clinical note of outcome "{node.id}" fits in {NOTE_LIMIT} '
                f"characters only with key actions cut short (e.g. {cut[0]!r}); shorten them",
                rule="note-too-long",
            )
    return list(found.values())


def note_html(flow: Flow, state: State) -> str:
    """The clinical note in `<pre data-note>`; the page writes the local date and time into its
    `<span data-note-time>` (empty until then, and on pages without JavaScript)."""
    text = esc(clinical_note(flow, state, TIME_MARK)).replace(esc(TIME_MARK), NOTE_TIME)
    return (
        '<div class="clinical-note"><h3>Clinical note</h3>'
        f'<pre class="note" data-note>{text}</pre></div>'
    )
