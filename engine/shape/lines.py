"""Values that remember their source lines, and where a key or item of one starts.

The YAML loader builds `LineDict`/`LineList`; a flow from JSON is plain dicts and lists, whose
problems carry the line of the nearest part that has one (0 inside the flow, 1 at its top).
"""

from __future__ import annotations

from typing import Any


class LineDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys and values start (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.value_lines: dict[str, int] = {}


class LineList(list[Any]):
    """A list that remembers where it and each of its items start (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def line_of(container: object, key: str | int, default: int) -> int:
    """Line of a value inside a LineDict/LineList; `default` for plain containers."""
    if isinstance(container, LineDict) and isinstance(key, str):
        return container.value_lines.get(key, default)
    if (
        isinstance(container, LineList)
        and isinstance(key, int)
        and 0 <= key < len(container.item_lines)
    ):
        return container.item_lines[key]
    return default


def start_line(value: object, default: int) -> int:
    """Where a mapping or list starts; `default` for anything else."""
    if isinstance(value, LineDict | LineList):
        return value.line
    return default


def key_line(data: object, key: str, default: int = 0) -> int:
    """Line of a key (not its value) of a LineDict; `default` for plain mappings."""
    if isinstance(data, LineDict):
        return data.key_lines.get(key, data.line)
    return default
