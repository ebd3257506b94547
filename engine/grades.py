"""Strength of recommendation: source kinds, grading schemes and their allowed grades.

One table (`SCHEMES`) says, for each grading scheme a source may declare, what a citation of it
must carry (`rec`, `grade`) and which grades exist. The loader checks grades against it, the
missing-grade check enforces it, and the renderers build the short tags shown next to citations
("ACP 2017 strong/moderate", "NICE NG59 1.2.17 [2016] do not offer") from it. `flows/schema.json`
and docs/authoring.md say the same (a test keeps the schema's enums equal to these tables).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from engine.model import Citation, Flow, Problem, Source

SOURCE_KINDS = (
    "guideline",
    "systematic-review",
    "trial",
    "study",
    "drug-label",
    "safety-communication",
    "ai-answer",
    "clinic-page",
    "tool",
    "textbook",
)
"""What a source is (`kind:`)."""

LATE_KINDS = ("ai-answer", "clinic-page")
"""Kinds listed after guidelines and evidence wherever citations are shown."""

STRENGTHS = ("strong", "weak", "conditional")
CERTAINTIES = ("high", "moderate", "low", "very low")

PUBLISHED = re.compile(r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|undated)$")
"""`published:` is a year, YYYY-MM or YYYY-MM-DD, or `undated` (a web page that gives no date:
never an invented year)."""

NICE_REC = re.compile(r"^(?:\d+(?:\.\d+)+ )?\[\d{4}\]$")
"""A NICE recommendation number and year, e.g. `1.2.17 [2016]`; or the year alone, `[2016]`,
where the number could not be checked on nice.org.uk (never a guessed number)."""

REQUIRE_GRADES = True
"""`check_grades` runs as part of every flow check: each citation of a graded source must carry
the `rec` and `grade` its scheme asks for (`[missing-grade]`). On since every flow is annotated;
`kind`, `published` and `grading` are required keys of a source (engine.shape.PARTS)."""


@dataclass(frozen=True)
class Scheme:
    """One grading scheme: what its citations carry and which grades exist."""

    name: str
    needs_rec: bool
    needs_grade: bool
    grades: tuple[str, ...]
    """Allowed `grade` values; empty: a citation of it carries no grade."""
    rec_pattern: re.Pattern[str] | None = None
    rec_example: str = ""
    rec_in_tag: bool = False
    """Whether the short tag names the recommendation: NICE and ACR grades mean little without
    it ("1.2.17 [2016] do not offer"); GRADE tags stay short ("ACP 2017 strong/moderate")."""

    @property
    def graded(self) -> bool:
        return self.needs_grade


SCHEMES: dict[str, Scheme] = {
    "grade": Scheme(
        "grade",
        needs_rec=True,
        needs_grade=True,
        grades=tuple(f"{s}/{c}" for s in STRENGTHS for c in CERTAINTIES),
    ),
    "nice": Scheme(
        "nice",
        needs_rec=True,
        needs_grade=True,
        grades=(
            "offer",
            "consider",
            "do not offer",
            "do not routinely offer",
            "research recommendation",
        ),
        rec_pattern=NICE_REC,
        rec_example="1.2.17 [2016]",
        rec_in_tag=True,
    ),
    "acr": Scheme(
        "acr",
        needs_rec=True,
        needs_grade=True,
        grades=("usually appropriate", "may be appropriate", "usually not appropriate"),
        rec_in_tag=True,
    ),
    "certainty": Scheme("certainty", needs_rec=False, needs_grade=True, grades=CERTAINTIES),
    "sor": Scheme("sor", needs_rec=False, needs_grade=True, grades=("A", "B", "C")),
    "study": Scheme("study", needs_rec=False, needs_grade=False, grades=()),
    "label": Scheme("label", needs_rec=False, needs_grade=False, grades=(), rec_in_tag=True),
    "none": Scheme("none", needs_rec=False, needs_grade=False, grades=()),
}
"""Every `grading:` value a source may declare."""

GRADED = tuple(name for name, scheme in SCHEMES.items() if scheme.graded)
"""Schemes whose citations must carry a grade (a bare id of such a source is an error)."""


def scheme_of(source: Source | None) -> Scheme | None:
    """The source's scheme; None when it declares none (allowed until metadata is required)."""
    if source is None or source.grading is None:
        return None
    return SCHEMES.get(source.grading)


def grade_problem(source: Source, grade: str) -> str | None:
    """Why `grade` does not fit the source's scheme, or None when it does."""
    scheme = scheme_of(source)
    if scheme is None:
        return None  # its missing or unknown `grading` is reported at the source itself
    if not scheme.grades:
        return (
            f'source "{source.id}" has grading "{scheme.name}", whose citations carry '
            "no grade; cite it by its id alone"
        )
    if grade not in scheme.grades:
        return (
            f'grade "{grade}" is not in the grade scheme of source "{source.id}"; allowed: '
            + ", ".join(scheme.grades)
        )
    return None


def rec_problem(source: Source, rec: str) -> str | None:
    """Why `rec` does not fit the source's scheme (e.g. a NICE number without its year)."""
    scheme = scheme_of(source)
    if scheme is not None and scheme.rec_pattern is not None and not scheme.rec_pattern.match(rec):
        return (
            f'rec "{rec}" of source "{source.id}" ({scheme.name}) must be the '
            f"recommendation number and year, e.g. {scheme.rec_example} (or the year alone, "
            '"[2016]", when the number is not verified)'
        )
    return None


def missing_grade(source: Source, citation: Citation) -> str | None:
    """What a citation of a graded source lacks, or None."""
    scheme = scheme_of(source)
    if scheme is None:
        return None
    lacking = [
        key
        for key, needed, value in (
            ("rec", scheme.needs_rec, citation.rec),
            ("grade", scheme.needs_grade, citation.grade),
        )
        if needed and value is None
    ]
    if not lacking:
        return None
    example = {"source": source.id}
    if scheme.needs_rec:
        example["rec"] = citation.rec or (scheme.rec_example or "...")
    if scheme.needs_grade:
        example["grade"] = scheme.grades[0]
    shown = ", ".join(f"{k}: {v}" for k, v in example.items())
    return (
        f'citation of source "{source.id}" (grading {scheme.name}) needs '
        + " and ".join(f'"{k}"' for k in lacking)
        + f"; write it as {{{shown}}}"
    )


def all_citations(flow: Flow) -> Iterator[tuple[str, Citation]]:
    """Every citation in the flow with the part that makes it (`node "x" answer "y"`)."""
    for node in flow.nodes:
        where = f'node "{node.id}"'
        for citation in node.cite:
            yield where, citation
        for answer in node.answers:
            for citation in answer.cite:
                yield f'{where} answer "{answer.id}"', citation
        for item in node.items:
            for citation in item.cite:
                yield f'{where} item "{item.id}"', citation
        for rec in node.recommendations:
            for citation in rec.cite:
                yield f'{where} recommendation "{rec.id}"', citation


def check_grades(flow: Flow) -> Iterator[Problem]:
    """`[missing-grade]`: every citation of a graded source names its recommendation and grade
    (a bare id of a graded source is one such citation)."""
    for where, citation in all_citations(flow):
        source = flow.source(citation.source)
        message = missing_grade(source, citation) if source else None
        if message:
            yield Problem(flow.path, citation.line, f"[missing-grade] {where}: {message}")


# --- the loader's part (engine.shape reads sources and citations with these) ----------------


SourceMeta = tuple[str | None, str | None, str | None, str | None]
"""kind, published, grading, design."""


# --- what readers see ---------------------------------------------------------------------------


def grade_text(source: Source | None, citation: Citation) -> str:
    """The grade shown in the tag and carried in `data-grade` ("" when the source says nothing)."""
    if source is None:
        return ""
    scheme = source.grading
    if scheme in GRADED:
        return citation.grade or ""
    if scheme == "study":
        return source.design or "primary study"
    if scheme == "label":
        return "FDA safety communication" if source.kind == "safety-communication" else "drug label"
    if scheme == "none":
        return "ungraded"
    return ""


def grade_words(source: Source | None, citation: Citation) -> str:
    """The grade as read in running text: certainty grades say "certainty", SORT says "SOR"."""
    grade = grade_text(source, citation)
    if not grade or source is None:
        return grade
    if source.grading == "certainty":
        return f"{grade} certainty"
    if source.grading == "sor":
        return f"SOR {grade}"
    return grade


def short_tag(source: Source | None, citation: Citation) -> str:
    """The one-line tag of a citation, e.g. `NICE NG59 1.2.17 [2016] do not offer`."""
    name = source.short if source else citation.source
    parts = [name]
    scheme = scheme_of(source)
    if citation.rec and (scheme is None or scheme.rec_in_tag):
        parts.append(citation.rec)
    words = grade_words(source, citation)
    if source is not None and source.grading in ("study", "label", "none") and words:
        return f"{' '.join(parts)} ({words})"
    if words:
        parts.append(words)
    return " ".join(parts)


def ordered(flow: Flow, cite: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """Guidelines and evidence first, AI answers and clinic pages last (stable otherwise)."""

    def late(citation: Citation) -> bool:
        source = flow.source(citation.source)
        return source is not None and source.kind in LATE_KINDS

    return tuple(sorted(cite, key=late))
