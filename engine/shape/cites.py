"""Reading sources and citations: a source's metadata, and `cite:` lists (bare ids or
`{source, rec, grade}`), whose grades are checked against the source's scheme (engine.grades)."""

from __future__ import annotations

from engine.grades import SourceMeta
from engine.model import Citation, Cites
from engine.shape.context import At
from engine.shape.lines import line_of, start_line
from engine.shape.parts import SLUG
from engine.shape.references import References


class CiteReader(References):
    """`cite:` lists and sources' metadata."""

    def source_metadata(self, at: At) -> SourceMeta:
        """A source's `kind`, `published`, `grading` and `design`, each checked by the table."""
        kind = self.value(at, "kind")
        grading = self.value(at, "grading")
        published = self.value(at, "published")
        design = self.text(at, "design")
        if design is not None and grading not in (None, "study"):
            self.report(
                at.line_of("design"),
                f'{at.where}: "design" belongs to sources with grading "study" only',
                rule="misplaced-key",
            )
        other, value = at.key("design").needed_when or ("", "")
        if at.data.get(other) == value and "design" not in at.data:
            self.report(
                at.line,
                f'{at.where} has grading "study" but no "design": say what the study is, e.g. '
                'design: "double-blind RCT, n=323" (shown as its tag)',
                rule="missing-key",
            )
        return kind, published, grading, design

    def cites(self, at: At) -> Cites:
        """A `cite:` list; each entry a bare source id or `{source, rec, grade}`.

        Shape problems here: entries that are neither, ids that are no slugs, repeated entries;
        the source each names, and its grades, are references (engine.shape.references).
        """
        entries = self.list_of(at, "cite")
        self.empty(at, at.key("cite"), entries)
        result: list[Citation] = []
        seen: set[tuple[str, str | None, str | None]] = set()
        """Exact repeats only: one source may back a recommendation through several of its own
        recommendations, each with its grade (NICE "consider" manual therapy, "do not offer"
        TENS)."""
        for index, value in enumerate(entries):
            line = line_of(entries, index, at.line_of("cite"))
            rec: str | None = None
            grade: str | None = None
            if isinstance(value, dict):
                entry = self.mapping(value, line, "cite", f"{at.where} citation {index + 1}")
                assert entry is not None
                line = start_line(value, line)
                source_id = self.text(entry, "source")
                rec = self.text(entry, "rec")
                grade = self.text(entry, "grade")
                if source_id is None:
                    continue
            elif isinstance(value, str):
                source_id = value
            else:
                says = f'{at.where}: "cite" entries must be a source id or a mapping '
                says += "{source, rec, grade}"
                self.wrong_type(line, says, value, hint=True)
                continue
            if not SLUG.match(source_id):
                self.report(
                    line,
                    f'{at.where}: "cite" entry "{source_id}" is not a lower-case slug',
                    rule="bad-id",
                )
                continue
            if (source_id, rec, grade) in seen:
                self.report(
                    line, f'{at.where}: "cite" lists "{source_id}" twice', rule="duplicate-entry"
                )
                continue
            seen.add((source_id, rec, grade))
            self.cited(source_id, rec, grade, line, at.where)
            result.append(Citation(source_id, rec, grade, line))
        return tuple(result)
