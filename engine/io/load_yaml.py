"""Reading YAML: text -> plain data whose mappings and lists remember their lines.

The only module of the engine that imports `yaml` (the browser never needs it: it gets the flow
as JSON); `engine.pipeline` turns the data into checked flows, `engine.io.records` into reviews.
YAML is composed, not `safe_load`ed, so every value keeps its line, and so the two YAML
surprises an author cannot see are caught: a duplicate key (YAML silently keeps the last one) and
a bare yes/no/on/off key (YAML 1.1 turns it into true/false).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.model import Problem
from engine.shape import LineDict, LineList

BOOL_TAG = "tag:yaml.org,2002:bool"
STR_TAG = "tag:yaml.org,2002:str"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
NULL_TAG = "tag:yaml.org,2002:null"
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_NESTING = 2000
"""Above this estimated nesting depth the text goes to the pure-Python parser, never to libyaml:
libyaml's C composer recurses without a limit and crashes the process (a segmentation fault, not
an exception) at about 30,000 levels. The pure-Python parser stops at Python's recursion limit."""
MAX_EXPANDED_VALUES = 200_000
"""Aliases (`*name`) share what they name, but everything that reads the flow afterwards (checks,
pages, the browser's JSON) sees every use; a few lines of aliases can stand for billions of
values. A real flow has a few thousand; this many is refused before anything expands them."""


class _Converter:
    """Turns a composed YAML node tree into plain values that remember their lines."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()
        self.open: set[int] = set()
        """Mappings and lists being read (ids of YAML nodes): an alias to one of them loops."""
        self.done: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        """Expanded size (values counted once per use) of each collection node already read."""

    def value(self, node: Node) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.done:  # an alias (*name) of a part already read: share it
            return self.done[id(node)]
        if id(node) in self.open:
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    "an alias refers to the mapping or list it is part of, which would never end",
                    rule="alias-loop",
                )
            )
            return None
        if isinstance(node, MappingNode | SequenceNode):
            self.open.add(id(node))
            result: Any = (
                self.mapping(node, line) if isinstance(node, MappingNode) else self.sequence(node)
            )
            self.open.discard(id(node))
            self.done[id(node)] = result
            return result
        assert isinstance(node, ScalarNode)
        if node.tag in (STR_TAG, TIMESTAMP_TAG):
            return node.value  # dates stay text: the checker wants "YYYY-MM-DD" as written
        try:
            return self.constructor.construct_object(node)  # type: ignore[no-untyped-call]
        except yaml.YAMLError:
            return node.value

    def sequence(self, node: SequenceNode) -> LineList:
        result = LineList(node.start_mark.line + 1)
        for child in node.value:
            result.append(self.value(child))
            result.item_lines.append(child.start_mark.line + 1)
        return result

    def mapping(self, node: MappingNode, line: int) -> LineDict:
        result = LineDict(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    Problem(
                        self.path,
                        key_line,
                        "a key must be plain text, not a list or mapping",
                        rule="bad-key",
                    )
                )
                continue
            key = key_node.value
            if key_node.tag == NULL_TAG:
                shown = f"bare {key}" if key else "an empty key"
                self.problems.append(
                    Problem(
                        self.path,
                        key_line,
                        f"a key is null: YAML reads {shown} as no value, not as a name; "
                        f'give the key a name (or put it in quotes: "{key}")',
                        rule="null-key",
                    )
                )
                continue
            if key_node.tag == BOOL_TAG:
                self.problems.append(
                    Problem(
                        self.path,
                        key_line,
                        f"bare key {key} would be read by YAML as {self.truth(key)}: "
                        f'put it in quotes ("{key}")',
                        rule="bool-key",
                    )
                )
            elif key_node.tag != STR_TAG:
                key = str(self.value(key_node))
            if key in result:
                self.problems.append(
                    Problem(
                        self.path,
                        key_line,
                        f'duplicate key "{key}" (first at line {result.key_lines[key]}); '
                        "YAML would silently keep only the last one",
                        rule="duplicate-key",
                    )
                )
                continue
            result[key] = self.value(value_node)
            result.key_lines[key] = key_line
            result.value_lines[key] = value_node.start_mark.line + 1
        return result

    def truth(self, key: str) -> str:
        return "true" if key.lower() in ("yes", "on", "true", "y") else "false"


def syntax_problem(text: str, path: str) -> Problem:
    """The problem for unreadable YAML, worded by the pure-Python parser.

    libyaml (the fast parser used for reading) words errors differently from machine to machine;
    the pure-Python parser words them better and always the same, so it is asked for the message.
    """
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = error.problem or error.context or "unreadable YAML"
        context = f" ({error.context})" if error.context and error.problem else ""
        return Problem(path, line, f"YAML syntax error: {what}{context}", rule="yaml-syntax")
    except yaml.YAMLError as error:
        return Problem(path, 1, f"YAML syntax error: {error}".splitlines()[0], rule="yaml-syntax")
    except RecursionError:
        return Problem(path, 1, "the file is nested too deeply to be a flowchart", rule="too-deep")
    return Problem(path, 1, "YAML syntax error", rule="yaml-syntax")


def nesting_bound(text: str) -> int:
    """A cheap upper bound of how deeply `text` nests (never less than the true depth).

    Flow style needs a `[` or `{` per level (all of them are counted, quoted or not); block style
    needs, on the deepest line, a column of indentation or a `-`, `:` or `?` per level.
    """
    flow = text.count("[") + text.count("{")
    block = max(
        (
            len(line) - len(line.lstrip()) + line.count("-") + line.count(":") + line.count("?")
            for line in text.splitlines()
        ),
        default=0,
    )
    return flow + block + 1


def expanded_size(root: Node) -> tuple[int, int]:
    """(values the document stands for with every alias expanded, line where that passes the
    limit or 0): one iterative pass over the shared node graph, each node counted once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    over_at = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if id(node) in sizes:
            continue
        children: list[Node] = []
        if isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        if not finished:
            if id(node) in open_nodes:  # an alias loop: the converter reports it
                continue
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(child), 1) for child in children)
        sizes[id(node)] = min(size, MAX_EXPANDED_VALUES + 1)
        if size > MAX_EXPANDED_VALUES and not over_at:
            over_at = node.start_mark.line + 1
    return sizes.get(id(root), 1), over_at


def read_problem(error: yaml.YAMLError, text: str, path: str) -> Problem | None:
    """A clear problem for the errors of the YAML reader that have no useful mark of their own."""
    if isinstance(error, yaml.reader.ReaderError) and isinstance(error.character, int):
        line = text.count("\n", 0, error.position) + 1
        name = "NUL" if error.character == 0 else "a control character"
        return Problem(
            path,
            line,
            f"the file contains the character U+{error.character:04X} ({name}), which YAML "
            "does not allow: remove it",
            rule="bad-character",
        )
    surrogate = "Unicode character escape" in str(getattr(error, "problem", "") or "")
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None and surrogate:
        return Problem(
            path,
            error.problem_mark.line + 1,
            "YAML syntax error: a \\u escape names half of a character (a surrogate, as "
            "JSON writes emoji): write the character itself, or \\U and 8 hex digits",
            rule="yaml-syntax",
        )
    return None


def parse_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """YAML text -> (plain data with lines, problems). Data is None when unreadable."""
    deep = nesting_bound(text) > SAFE_NESTING
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader if deep else FAST_LOADER)
    except yaml.YAMLError as error:
        problem = read_problem(error, text, path)
        if problem is None:
            problem = syntax_problem(text, path)
        return None, [problem]
    except RecursionError:
        return None, [
            Problem(path, 1, "the file is nested too deeply to be a flowchart", rule="too-deep")
        ]
    if root is None:
        return None, [
            Problem(
                path, 1, "the file is empty; a flow starts with id, title, ...", rule="empty-file"
            )
        ]
    if isinstance(root, ScalarNode) and root.tag == NULL_TAG:
        return None, [
            Problem(
                path,
                root.start_mark.line + 1 if root.value else 1,
                f"the file holds no flow, only an empty document ({root.value or '---'!r} means "
                "nothing in YAML); a flow starts with id, title, ...",
                rule="empty-file",
            )
        ]
    _, over_at = expanded_size(root)
    if over_at:
        return None, [
            Problem(
                path,
                over_at,
                f"aliases (*name) make this file stand for more than {MAX_EXPANDED_VALUES:,} "
                "values; write the parts out, or share fewer of them",
                rule="too-many-values",
            )
        ]
    converter = _Converter(path)
    try:
        return converter.value(root), converter.problems
    except RecursionError:
        return None, [
            Problem(path, 1, "the file is nested too deeply to be a flowchart", rule="too-deep")
        ]


def top_level_line(path: str | Path, key: str) -> int:
    """The line of a top-level key (`id:`) in a YAML file (1 if not found or unreadable)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, start=1) if line.startswith(f"{key}:")), 1)
