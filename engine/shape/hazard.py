"""Reading a safety rule's `hazard:` block (DCB0129 hazard log entry; see engine.hazards).

Its keys and words are the `hazard` and `risk level` parts of the table; its problems keep the
wording authors of hazard blocks know (`"severity" is 'serious' but must be one of: ...`).
"""

from __future__ import annotations

from typing import Any

from engine import hazards
from engine.model import Hazard
from engine.shape.context import At, Reader
from engine.shape.lines import line_of, start_line
from engine.shape.parts import PARTS


class HazardReader(Reader):
    """`hazard:` blocks."""

    def hazard(self, rule: At) -> Hazard | None:
        """A safety rule's `hazard:` block, checked (None when absent or wrong)."""
        if "hazard" not in rule.data:
            if hazards.HAZARD_REQUIRED:
                self.report(
                    rule.line,
                    f'{rule.where} has no "hazard" block: every safety rule names the hazard it '
                    "controls (id, hazard, cause, effect, before, after; see docs/authoring.md)",
                    rule="missing-key",
                )
            return None
        line = rule.line_of("hazard")
        value = rule.data["hazard"]
        part = PARTS["hazard"]
        what = f"{rule.where} hazard"
        if not isinstance(value, dict):
            self.report(
                line,
                f"{what} must be a mapping with keys: " + ", ".join(part.allowed),
                rule="bad-type",
            )
            return None
        at = At(value, start_line(value, line), what, part)
        before = len(self.problems)
        self.key_problems(value, at.line, part, what, hint=False)
        hazard_id = self.value(at, "id")
        texts = {key: self.text(at, key) for key in ("hazard", "cause", "effect")}
        levels = {key: self.level(at, key) for key in ("before", "after")}
        if len(self.problems) > before:
            return None
        b, a = levels["before"], levels["after"]
        assert b and a and hazard_id and texts["hazard"] and texts["cause"] and texts["effect"]
        return Hazard(
            hazard_id,
            texts["hazard"].strip(),
            texts["cause"].strip(),
            texts["effect"].strip(),
            b[0],
            b[1],
            a[0],
            a[1],
            at.line,
        )

    def level(self, at: At, key: str) -> tuple[str, str] | None:
        """`{severity: ..., likelihood: ...}` with DCB0129's words."""
        if key not in at.data:
            return None
        line = at.line_of(key)
        value: Any = at.data[key]
        if not isinstance(value, dict):
            self.report(
                line,
                f'{at.where}: "{key}" must be {{severity: ..., likelihood: ...}}',
                rule="bad-type",
            )
            return None
        line = start_line(value, line)
        part = PARTS["risk level"]
        ok = True
        for extra in value:
            if extra not in part.allowed:
                self.report(
                    line,
                    f'{at.where} {key} has unknown key "{extra}"; allowed: severity, likelihood',
                    rule="unknown-key",
                )
                ok = False
        found: dict[str, str] = {}
        for spec in part.keys:
            word = value.get(spec.name)
            if not isinstance(word, str) or word not in spec.choices:
                self.report(
                    line_of(value, spec.name, line),
                    f'{at.where} {key}: "{spec.name}" is {word!r} but must be one of: '
                    + ", ".join(spec.choices),
                    rule="bad-choice",
                )
                ok = False
            else:
                found[spec.name] = word
        return (found["severity"], found["likelihood"]) if ok else None
