"""Flow files -> checked flows: the one way in for the command line and the build.

Load (YAML with lines, `engine.io.load_yaml`), shape, check and prove (`engine.verify`), then
what only the files together can break: a flow id used twice. Reads files; the browser never
imports it (it gets each flow as JSON, through `engine.serialize`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.io.load_yaml import parse_yaml, top_level_line
from engine.model import Flow, FlowError, Problem
from engine.verify import build_and_check

Loader = Callable[[Path, str], Flow]
"""Reads and checks one file, naming it in problems by the second argument (`load_flow_file`,
or the build's cached version of it)."""


def load_flow_text(text: str, path: str) -> Flow:
    """Check flow text completely: shape, graph and safety. Raises FlowError with every problem."""
    data, problems = parse_yaml(text, path)
    if data is None:
        raise FlowError(problems)
    return build_and_check(data, path, problems)


def load_flow_file(path: str | Path, display_path: str | None = None) -> Flow:
    """Read and check one flow file; problems name it as `display_path` (default: `path`)."""
    shown = display_path if display_path is not None else str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FlowError(
            [Problem(shown, 1, f"cannot read the file: {error}", rule="unreadable-file")]
        ) from error
    return load_flow_text(text, shown)


@dataclass(frozen=True)
class Loaded:
    """What loading many flow files gives: the flows that passed, and every problem, sorted."""

    flows: tuple[Flow, ...]
    problems: tuple[Problem, ...]


def load_flows(
    paths: Iterable[str | Path], *, root: Path | None = None, load: Loader = load_flow_file
) -> Loaded:
    """Every file checked, then flow ids unique across them (the later file gets the problem,
    at its `id:` line). Problems name a file relative to `root` when given (`flows/x.yaml`),
    else as given."""
    flows: list[Flow] = []
    problems: list[Problem] = []
    first_with_id: dict[str, Flow] = {}
    for given in paths:
        path = Path(given)
        shown = path.relative_to(root).as_posix() if root is not None else str(given)
        try:
            flow = load(path, shown)
        except FlowError as error:
            problems.extend(error.problems)
            continue
        first = first_with_id.setdefault(flow.id, flow)
        if first is flow:
            flows.append(flow)
        else:
            problems.append(
                Problem(
                    flow.path,
                    top_level_line(path, "id"),
                    f'flow id "{flow.id}" is already used by {first.path}',
                )
            )
    return Loaded(tuple(flows), tuple(sorted(problems)))


def check_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem in these flow files, flow ids unique across them included, sorted."""
    return list(load_flows(paths).problems)
