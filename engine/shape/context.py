"""Reading one part: where it is (`At`), and the readers that check its keys against the table.

`At` replaces the `(data, key, line, where)` every check used to thread: a part's mapping, the
line problems inside it fall back to, and how problems name it (`node "q" answer "yes"`).
`Reader` holds the problems and reads keys by their type in `engine.shape.parts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from engine.model import Problem
from engine.shape.lines import key_line, line_of, start_line
from engine.shape.parts import PARTS, Format, Key, Part
from engine.shape.words import did_you_mean, hint_for, type_name


@dataclass(frozen=True)
class At:
    """One part being read: its mapping, its line, how problems name it, and its table entry."""

    data: dict[str, Any]
    line: int
    where: str
    part: Part

    def line_of(self, key: str) -> int:
        """The line of a key's value (the part's own line for plain dicts)."""
        return line_of(self.data, key, self.line)

    def key(self, name: str) -> Key:
        return self.part.by_name[name]


class Reader:
    """Collects problems and reads values; every problem carries a rule id."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def report(self, line: int, message: str, *, rule: str) -> None:
        """Record one problem; `rule` is its id (docs/authoring.md, "Rule ids")."""
        self.problems.append(Problem(self.path, line, message, rule=rule))

    # --- parts -----------------------------------------------------------------------------

    def key_problems(
        self, value: dict[str, Any], line: int, part: Part, where: str, hint: bool = True
    ) -> None:
        """Unknown keys (each at its line, with a "did you mean" when `hint`) and missing
        required keys."""
        for key in value:
            if key not in part.allowed:
                mean = did_you_mean(str(key), part.allowed) if hint else ""
                self.report(
                    key_line(value, key, line),
                    f'{where} has unknown key "{key}"{mean}; allowed keys are: '
                    + ", ".join(part.allowed),
                    rule="unknown-key",
                )
        for key in part.required:
            if key not in value:
                self.report(line, f'{where} is missing required key "{key}"', rule="missing-key")

    def mapping(self, value: object, line: int, part: str, where: str) -> At | None:
        """A part: a mapping with only allowed keys and every required one (None if no mapping)."""
        if not isinstance(value, dict):
            self.report(
                line, f"{where} must be a mapping of keys, not {type_name(value)}", rule="bad-type"
            )
            return None
        at = At(value, start_line(value, line), where, PARTS[part])
        self.key_problems(value, at.line, at.part, where)
        return at

    def parts(self, at: At, key: str, within: str | None = None) -> Iterator[tuple[int, At]]:
        """Each well-formed part of a `parts` list, with its index (the one loop over lists of
        parts: answers, items, routes, recommendations, key actions, links, next entries,
        safety rules)."""
        spec = at.key(key)
        part = PARTS[spec.part]
        raw = self.list_of(at, key)
        self.empty(at, spec, raw)
        prefix = at.where if within is None else within
        for index, value in enumerate(raw):
            label = value.get("id") if part.by_id and isinstance(value, dict) else None
            name = f'"{label}"' if isinstance(label, str) else str(index + 1)
            where = f"{prefix} {part.noun} {name}".lstrip()
            item = self.mapping(value, line_of(raw, index, at.line), spec.part, where)
            if item is not None:
                yield index, item

    def empty(self, at: At, spec: Key, value: object) -> None:
        """A list given (as a list) with nothing in it, where the table says it needs something."""
        given = at.data.get(spec.name)
        shape = dict if spec.type == "id map" else list
        if spec.empty and isinstance(given, shape) and not value:
            says = spec.empty.says.format(where=at.where)
            self.report(at.line_of(spec.name), says, rule=spec.empty.rule)

    def part(self, at: At, key: str, where: str) -> At | None:
        """A `part` key (`patient`, `require`): its mapping, checked against its table entry."""
        if key not in at.data:
            return None
        return self.mapping(at.data[key], at.line_of(key), at.key(key).part, where)

    # --- values ----------------------------------------------------------------------------

    def text(self, at: At, key: str) -> str | None:
        """A non-empty text value (None when absent or wrong; the problem is reported)."""
        if key not in at.data:
            return None
        value = at.data[key]
        line = at.line_of(key)
        if not isinstance(value, str):
            self.report(
                line,
                f'{at.where}: "{key}" must be text, not {type_name(value)}{hint_for(value)}',
                rule="bad-type",
            )
            return None
        if not value.strip():
            self.report(line, f'{at.where}: "{key}" must not be empty', rule="empty-value")
            return None
        return value

    def value(self, at: At, key: str) -> str | None:
        """A text key read by its type in the table: plain text, a format or a choice."""
        value = self.text(at, key)
        spec = at.key(key)
        if value is None:
            return None
        if spec.type == "format" and spec.format and not spec.format.fits(value):
            self.misfit(at, key, value, spec.format)
            return None
        if spec.type == "choice" and value not in spec.choices:
            self.report(
                at.line_of(key),
                f'{at.where}: "{key}" is "{value}" but must be one of: ' + ", ".join(spec.choices),
                rule="bad-choice",
            )
            return None
        return value

    def misfit(self, at: At, key: str, value: str, form: Format) -> None:
        self.report(
            at.line_of(key), form.says.format(where=at.where, key=key, value=value), rule=form.rule
        )

    def list_of(self, at: At, key: str) -> list[Any]:
        """A list value (empty when absent or wrong; the problem is reported)."""
        if key not in at.data:
            return []
        value = at.data[key]
        if not isinstance(value, list):
            self.report(
                at.line_of(key),
                f'{at.where}: "{key}" must be a list, not {type_name(value)}',
                rule="bad-type",
            )
            return []
        return value

    def names(self, at: At, key: str) -> tuple[str, ...]:
        """A `names` list: distinct texts, each in the key's format (tags, fact values)."""
        values = self.list_of(at, key)
        form = at.key(key).format
        assert form is not None, key
        result: list[str] = []
        for index, value in enumerate(values):
            line = line_of(values, index, at.line_of(key))
            if not isinstance(value, str):
                self.report(
                    line,
                    f'{at.where}: "{key}" entries must be text, not {type_name(value)}'
                    f"{hint_for(value)}",
                    rule="bad-type",
                )
            elif not form.fits(value):
                self.report(
                    line, form.says.format(where=at.where, key=key, value=value), rule=form.rule
                )
            elif value in result:
                self.report(
                    line, f'{at.where}: "{key}" lists "{value}" twice', rule="duplicate-entry"
                )
            else:
                result.append(value)
        return tuple(result)

    def lines(self, at: At, key: str) -> tuple[str, ...]:
        """A `lines` list: at least one, each non-empty text (a patient sheet's lines)."""
        values = self.list_of(at, key)
        line = at.line_of(key)
        if key in at.data and isinstance(at.data[key], list) and not values:
            self.report(line, f'{at.where}: "{key}" needs at least one line', rule="empty-list")
        result = []
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                self.report(
                    line_of(values, index, line),
                    f'{at.where}: "{key}" entries must be text, not {type_name(value)}'
                    f"{hint_for(value)}",
                    rule="bad-type",
                )
            else:
                result.append(value)
        return tuple(result)

    def unique(
        self, seen: dict[str, int], value: str | None, at: At, what: str, where: str
    ) -> None:
        """Record an id; a second use is a problem naming the first."""
        if value is None:
            return
        line = at.line_of("id")
        if value in seen:
            self.report(
                line,
                f'{where}: duplicate {what} id "{value}" (first at line {seen[value]})',
                rule="duplicate-id",
            )
        else:
            seen[value] = line

    def id_map(self, at: At, key: str) -> Iterator[tuple[str, int, int, Any]]:
        """Each `id -> part` of an `id map` key (`nodes`, `sources`, `facts`): the id, the lines
        of the id and of its part, and the raw part; ids not in their format are reported (and
        skipped if so said)."""
        spec = at.key(key)
        value = at.data.get(key)
        if value is None:
            if key in at.data and spec.required:
                self.report(
                    at.line_of(key), f'{at.where}: "{key}" must not be empty', rule="empty-value"
                )
            return
        if not isinstance(value, dict):
            self.report(
                at.line_of(key),
                f'{at.where}: "{key}" must be a mapping of id to {spec.part}, '
                f"not {type_name(value)}",
                rule="bad-type",
            )
            return
        self.empty(at, spec, value)
        assert spec.ids is not None, key
        for part_id, raw in value.items():
            line = key_line(value, part_id)
            where = f'{spec.part} "{part_id}"'
            if not spec.ids.fits(str(part_id)):
                self.report(line, spec.ids.says.format(where=where), rule=spec.ids.rule)
                if spec.skip_bad_ids:
                    continue
            yield str(part_id), line, line_of(value, part_id, line), raw

    def id_parts(self, at: At, key: str) -> Iterator[tuple[str, At]]:
        """Each well-formed part of an `id map` (sources, facts), with the line of its id as its
        line: a source's or fact's own problems point at its id."""
        spec = at.key(key)
        for part_id, line, value_line, raw in self.id_map(at, key):
            part = self.mapping(raw, value_line, spec.part, f'{spec.part} "{part_id}"')
            if part is not None:
                yield part_id, replace(part, line=line)
