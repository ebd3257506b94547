"""Grades on the footnotes of the reading pages (issue 14, SPEC 1c).

A footnote that cites a graded source names the recommendation and ends the citation with a
marker, `{grade: strong/moderate}`. The sources page says which scheme each source uses, in a
`- **Grading:** <scheme>` line under its `### Title { #id }` heading. `grade_pages` checks every
footnote against those schemes (the same table the flows use, `engine.grades.SCHEMES`) and turns
each marker into a visible tag with `data-grade`; footnotes of ungraded sources get a tag saying
what they are ("ungraded", the study design, "drug label"), so a reader can tell a trial from an
AI answer without leaving the page.

Pure functions over text: the caller reads docs/ and writes the staged copy. Problems come back
as `docs/x.md:LINE: message` strings; the build fails on any. The tags are inline HTML written
into the staged Markdown (every value escaped); Python-Markdown passes inline HTML through, also
inside footnotes, so the tags reach the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from engine.grades import GRADED, SCHEMES

SOURCES_PAGE = "sources.md"
"""The page (relative to docs/) whose entries define the source ids and their schemes."""

HEADING = re.compile(r"^#{1,6}\s")
SOURCE_HEADING = re.compile(r"^###\s+.*?\{\s*#([A-Za-z0-9_-]+)\s*\}\s*$")
FIELD = re.compile(r"^-\s+\*\*(Grading|Kind|Design):\*\*\s*(.*?)\s*$")
FOOTNOTE = re.compile(r"^\[\^([^\]\s]+)\]:")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
SOURCE_LINK = re.compile(r"\]\(((?:\.\./|\./)*)" + re.escape(SOURCES_PAGE) + r"#([A-Za-z0-9_-]+)\)")
MARKER = re.compile(r"[ \t]*\{grade:([^{}]*)\}")


@dataclass(frozen=True)
class Source:
    """One entry of the sources page, as far as citations need it."""

    id: str
    grading: str
    kind: str
    design: str
    line: int


def read_sources(
    text: str, file_name: str = "docs/sources.md"
) -> tuple[dict[str, Source], list[str]]:
    """The sources page's entries by id, and what is wrong with them (missing or unknown scheme)."""
    problems: list[str] = []
    sources: dict[str, Source] = {}
    current: dict[str, str] = {}
    at: dict[str, int] = {}
    start = 0
    source_id = ""

    def close() -> None:
        if not source_id:
            return
        grading = current.get("Grading", "")
        if not grading:
            problems.append(
                f'{file_name}:{start}: source "{source_id}" has no "- **Grading:** <scheme>" '
                "line; schemes: " + ", ".join(SCHEMES)
            )
        elif grading not in SCHEMES:
            problems.append(
                f'{file_name}:{at["Grading"]}: source "{source_id}" has grading "{grading}", '
                "which is not a scheme; schemes: " + ", ".join(SCHEMES)
            )
        else:
            kind = current.get("Kind", "")
            sources[source_id] = Source(source_id, grading, kind, current.get("Design", ""), start)

    for number, line in enumerate(text.splitlines(), 1):
        if HEADING.match(line):
            close()
            source_id, current, at = "", {}, {}
            heading = SOURCE_HEADING.match(line)
            if heading:
                source_id, start = heading.group(1), number
                if source_id in sources:
                    problems.append(f'{file_name}:{number}: source "{source_id}" is defined twice')
            continue
        field = FIELD.match(line)
        if field and source_id:
            name, value = field.group(1), field.group(2)
            if name in current:
                problems.append(
                    f'{file_name}:{number}: source "{source_id}" has a second "{name}" line'
                )
            current[name] = value
            at[name] = number
    close()
    return sources, problems


def tag_words(source: Source, grade: str) -> str:
    """The grade as the reader sees it: "very low certainty", "SOR A", "strong/moderate"."""
    if source.grading == "certainty":
        return f"{grade} certainty"
    if source.grading == "sor":
        return f"SOR {grade}"
    return grade


def ungraded_text(source: Source) -> str:
    """What an ungraded source is, for its tag (the flows' short tags say the same)."""
    if source.grading == "study":
        return source.design or "primary study"
    if source.grading == "label":
        kind = source.kind.lower()
        return "safety communication" if kind.startswith("safety communication") else "drug label"
    return "ungraded"


def tag(data_grade: str, words: str) -> str:
    """The inline tag; both values are escaped, so nothing from content becomes markup."""
    return (
        f' <span class="grade" data-grade="{html.escape(data_grade, quote=True)}">'
        f"{html.escape(words, quote=False)}</span>"
    )


def blank_code_spans(line: str) -> str:
    """The line with inline code replaced by spaces: examples in backticks are not citations."""
    return CODE_SPAN.sub(lambda match: " " * len(match.group(0)), line)


@dataclass
class Footnote:
    """A footnote definition: its label and the numbers of its lines (first line first)."""

    label: str
    lines: list[int]


def footnotes(lines: list[str]) -> Iterator[Footnote]:
    """Every footnote definition outside fenced code, with its continuation lines."""
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else FOOTNOTE.match(line)
        if match is None:
            index += 1
            continue
        note = Footnote(match.group(1), [index])
        index += 1
        while index < len(lines):
            line = lines[index]
            if FOOTNOTE.match(line) or HEADING.match(line) or FENCE.match(line):
                break
            if not line.strip():
                following = lines[index + 1] if index + 1 < len(lines) else ""
                if not following.startswith(("    ", "\t")):
                    break
            note.lines.append(index)
            index += 1
        yield note


def grade_page(text: str, file_name: str, sources: Mapping[str, Source]) -> tuple[str, list[str]]:
    """The page with its footnotes' grade markers turned into tags, and the problems found.

    Problems: a link to a sources.md anchor that does not exist; a footnote citing a graded
    source without `{grade: ...}`, or with a grade outside that source's scheme; a marker on a
    footnote with no graded source; more than one graded source or marker in one footnote (one
    footnote per recommendation); a marker outside any footnote definition.
    """
    lines = text.split("\n")
    problems: list[str] = []
    in_footnote: set[int] = set()
    for note in footnotes(lines):
        in_footnote.update(note.lines)
        problems.extend(grade_footnote(lines, note, file_name, sources))
    in_fence = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or index in in_footnote:
            continue
        visible = blank_code_spans(line)
        if MARKER.search(visible):
            problems.append(
                f"{file_name}:{index + 1}: a {{grade: ...}} marker outside a footnote "
                "definition; grades go on the footnote that cites the source"
            )
        for link in SOURCE_LINK.finditer(visible):
            if link.group(2) not in sources:
                problems.append(unknown_anchor(file_name, index + 1, link.group(2)))
    return "\n".join(lines), problems


def unknown_anchor(file_name: str, line: int, anchor: str) -> str:
    return (
        f"{file_name}:{line}: links to {SOURCES_PAGE}#{anchor}, but the sources page has no "
        f"entry {{ #{anchor} }}"
    )


def grade_footnote(
    lines: list[str], note: Footnote, file_name: str, sources: Mapping[str, Source]
) -> list[str]:
    """Check one footnote and rewrite its lines in place (markers to tags, tags after links)."""
    problems: list[str] = []
    first = note.lines[0] + 1
    label = f"footnote [^{note.label}]"
    links: list[tuple[int, re.Match[str]]] = []
    markers: list[tuple[int, re.Match[str]]] = []
    for index in note.lines:
        visible = blank_code_spans(lines[index])
        links.extend((index, link) for link in SOURCE_LINK.finditer(visible))
        markers.extend((index, marker) for marker in MARKER.finditer(visible))
    cited: list[tuple[int, re.Match[str], Source]] = []
    for index, link in links:
        source = sources.get(link.group(2))
        if source is None:
            problems.append(unknown_anchor(file_name, index + 1, link.group(2)))
        else:
            cited.append((index, link, source))
    graded = [source for _, _, source in cited if source.grading in GRADED]
    if len(graded) > 1:
        problems.append(
            f"{file_name}:{first}: {label} cites {len(graded)} graded sources ("
            + ", ".join(source.id for source in graded)
            + "); give each recommendation its own footnote"
        )
    if len(markers) > 1:
        problems.append(
            f"{file_name}:{first}: {label} has {len(markers)} grade markers; one footnote "
            "per recommendation, one grade per footnote"
        )
    if graded and not markers:
        source = graded[0]
        problems.append(
            f'{file_name}:{first}: {label} cites source "{source.id}" (grading '
            f'"{source.grading}") without a grade; end it with {{grade: ...}}, allowed: '
            + ", ".join(SCHEMES[source.grading].grades)
        )
    if markers and not graded:
        index = markers[0][0]
        if cited:
            ids = ", ".join(f'"{source.id}" ({source.grading})' for _, _, source in cited)
            problems.append(
                f"{file_name}:{index + 1}: {label} has a grade, but cites no graded source: "
                f"{ids}; remove the {{grade: ...}} marker"
            )
        else:
            problems.append(
                f"{file_name}:{index + 1}: {label} has a grade but links no {SOURCES_PAGE} "
                "entry; link the source it grades"
            )
    if problems:
        return problems
    edits: list[tuple[int, int, int, str]] = []
    for index, marker in markers:
        source = graded[0]
        grade = " ".join(marker.group(1).split())
        allowed = SCHEMES[source.grading].grades
        if grade not in allowed:
            problems.append(
                f'{file_name}:{index + 1}: grade "{grade}" is not in the grade scheme of source '
                f'"{source.id}" ({source.grading}); allowed: ' + ", ".join(allowed)
            )
            continue
        edits.append((index, marker.start(), marker.end(), tag(grade, tag_words(source, grade))))
    for index, link, source in cited:
        if source.grading not in GRADED:
            words = ungraded_text(source)
            edits.append((index, link.end(), link.end(), tag(words, words)))
    # Right to left, so earlier offsets on the same line stay valid.
    for index, start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[index] = lines[index][:start] + replacement + lines[index][end:]
    return problems


def grade_pages(
    pages: Mapping[str, str], prefix: str = "docs/"
) -> tuple[dict[str, str], list[str]]:
    """Every page (name relative to docs/ -> Markdown) with its grades rendered, and all problems.

    The sources page itself is read for the schemes and passed through like any other page.
    Problems are `docs/NAME:LINE: message`; the build fails when there are any.
    """
    if SOURCES_PAGE not in pages:
        return dict(pages), [f"{prefix}{SOURCES_PAGE}:1: the sources page is missing"]
    sources, problems = read_sources(pages[SOURCES_PAGE], prefix + SOURCES_PAGE)
    graded: dict[str, str] = {}
    for name in sorted(pages):
        graded[name], page_problems = grade_page(pages[name], prefix + name, sources)
        problems.extend(page_problems)
    return graded, problems
