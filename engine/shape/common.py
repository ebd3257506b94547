"""What every kind of part shares: links, `next`, `set`, `when`, and where the default goes."""

from __future__ import annotations

from typing import Any

from engine.model import Link, NextEntry
from engine.shape.cites import CiteReader
from engine.shape.conditions import Conditions, Place
from engine.shape.context import At
from engine.shape.hazard import HazardReader
from engine.shape.lines import key_line, line_of
from engine.shape.words import type_name


class Parts(Conditions, CiteReader, HazardReader):
    """What every kind of part shares: links, `next`, `set`, `when` and the default's place."""

    def links(self, at: At) -> tuple[Link, ...]:
        result = []
        for _, item in self.parts(at, "links"):
            text = self.text(item, "text")
            page = self.value(item, "page")
            if text is not None and page is not None:
                result.append(Link(text, page, item.line))
        return tuple(result)

    def next(self, at: At) -> tuple[NextEntry, ...]:
        """`next: node-id` or `next: [{when, to}, ..., {to}]` (absent: no entries)."""
        if "next" not in at.data:
            return ()
        value = at.data["next"]
        line = at.line_of("next")
        if isinstance(value, str):
            self.target(value, line, at.where)
            return (NextEntry(value, None, line),)
        if not isinstance(value, list):
            self.report(
                line,
                f'{at.where}: "next" must be a node id or a list of {{when, to}} entries, '
                f"not {type_name(value)}",
                rule="bad-type",
            )
            return ()
        result = []
        for index, entry in self.parts(at, "next"):
            to = self.text(entry, "to")
            if to is not None:
                self.target(to, entry.line_of("to"), entry.where)
            when = self.when(entry, "walk")
            self.default_last(entry, index, len(value), ("entry", "entries"), "it is the default")
            if to is not None:
                result.append(NextEntry(to, when, entry.line))
        return tuple(result)

    def default_last(
        self, at: At, index: int, count: int, noun: tuple[str, str], taken: str
    ) -> None:
        """In `next` lists and checklist routes, exactly the last one has no `when`."""
        one, many = noun
        if index == count - 1 and "when" in at.data:
            self.report(
                at.line_of("when"),
                f'{at.where} is the last {one} and must have no "when": '
                f"{taken} taken when no other {one} holds",
                rule="default-order",
            )
        if index < count - 1 and "when" not in at.data:
            self.report(
                at.line,
                f'{at.where} has no "when" but is not the last {one}: '
                f"the {many} after it could never be taken",
                rule="default-order",
            )

    def when(self, at: At, place: Place, checklist: str | None = None) -> Any:
        """The part's `when` condition (None when absent or wrong)."""
        if "when" not in at.data:
            return None
        return self.condition(at.data["when"], at.line_of("when"), at.where, place, checklist)

    def setting(self, at: At) -> tuple[tuple[str, str], ...]:
        """`set: {fact: value}`: only declared facts and values (checked as references)."""
        if "set" not in at.data:
            return ()
        raw = at.data["set"]
        line = at.line_of("set")
        if not isinstance(raw, dict):
            self.report(
                line,
                f'{at.where}: "set" must be a mapping of fact to value, not {type_name(raw)}',
                rule="bad-type",
            )
            return ()
        result = []
        for fact, value in raw.items():
            key_at = key_line(raw, str(fact), line)
            self.fact_values(str(fact), [(value, line_of(raw, fact, key_at))], key_at, at.where)
            result.append((str(fact), str(value)))
        return tuple(result)
