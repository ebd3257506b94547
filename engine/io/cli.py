"""`python -m engine check|paths|walk`: the authors' command line.

- `check FILE...` prints every problem as `FILE:LINE: message` and exits 1, or exits 0 (a
  folder stands for the `*.yaml` files in it: `check flows/`);
- `paths FILE` prints the Markdown review table of every route, for clinical sign-off;
- `review FILE` and `diff OLD NEW`: clinical sign-off and what changed (see `engine.io.govcli`);
- `walk FILE` walks a flow in the terminal; `--answers A B ...` walks it without asking (an
  answer id for a question, ticked item ids joined by `+` or `none` for a checklist, `continue`
  for an information step) and prints the summary.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO, assert_never

from engine import limits
from engine.model import (
    NONE_CHOICE,
    ChecklistNode,
    Choice,
    Flow,
    FlowError,
    InfoNode,
    Node,
    OutcomeNode,
    QuestionNode,
)
from engine.render import summary_text
from engine.walk import State, WalkError, back, choose, start, view


def _load(path: str) -> Flow:
    from engine.pipeline import load_flow_file

    return load_flow_file(path)


def flow_files(paths: Sequence[str]) -> list[str]:
    """The files to check: a folder stands for its `*.yaml` files, sorted (`check flows/`)."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(
                os.path.join(path, name) for name in os.listdir(path) if name.endswith(".yaml")
            )
        else:
            files.append(path)
    return files


def command_check(paths: Sequence[str], out: TextIO) -> int:
    from engine.pipeline import check_files

    if not paths:
        print("error: no flow files (*.yaml) to check", file=sys.stderr)
        return 2

    problems = check_files(paths)
    for problem in problems:
        print(problem, file=out)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    from engine.io.records import review_problems, reviews_dir_for

    review = [
        p for path in paths for p in review_problems(_load(path), path, reviews_dir_for(path))
    ]
    for problem in review:
        print(problem, file=out)
    if review:
        return 1
    from engine.analysis import lint_problems
    from engine.render import note_problems
    from engine.walk import reachable_states

    for path in paths:
        flow = _load(path)
        counted = limits.count(flow)  # counted, never listed: they can be millions
        warnings = lint_problems(flow)  # the site build fails on these; see authoring.md
        if counted.pages is not None and counted.pages <= limits.Limits.pages:
            warnings += note_problems(flow, reachable_states(flow))
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        routes = counted.routes
        print(f"{path}: ok ({len(flow.nodes)} nodes, {routes} routes)", file=out)
    return 0


def command_paths(path: str, out: TextIO) -> int:
    from engine.io.govcli import paths_with_reviews

    out.write(paths_with_reviews(path))
    return 0


def parse_answer(node: Node, word: str) -> Choice:
    """One `--answers` word as the choice for this node."""
    match node:
        case ChecklistNode():
            if word in ("none", ""):  # "None of these" where the checklist has it
                return frozenset((NONE_CHOICE,)) if node.none is not None else frozenset()
            return frozenset(word.split("+"))
        case InfoNode():
            if word not in ("continue", ""):
                raise WalkError(f'step "{node.title}" is information only: answer "continue"')
            return None
        case QuestionNode() | OutcomeNode():
            return word
        case _:
            assert_never(node)


def step_text(flow: Flow, state: State) -> str:
    """The current step as plain text, with the choices numbered."""
    current = view(flow, state)
    node = current.node
    lines = [f"\nStep {current.k} of at most {current.n}: {node.title}", node.text.strip()]
    match node:
        case QuestionNode():
            lines += [f"  {n}) {a.text}  [{a.id}]" for n, a in enumerate(node.answers, start=1)]
            lines.append("Answer with a number or an id (b: back, q: quit).")
        case ChecklistNode():
            lines += [f"  {n}) {i.text}  [{i.id}]" for n, i in enumerate(node.items, start=1)]
            if node.none is not None:
                lines.append(f"  0) {node.none}  [{NONE_CHOICE}]")
            lines.append("Tick with numbers or ids separated by spaces; Enter for none (b, q).")
        case InfoNode():
            lines.append("Press Enter to continue (b: back, q: quit).")
        case OutcomeNode():
            pass
        case _:
            assert_never(node)
    return "\n".join(lines)


def interactive_choice(node: Node, reply: str) -> Choice:
    words = reply.replace(",", " ").split()
    match node:
        case QuestionNode():
            if len(words) == 1 and words[0].isdigit() and 1 <= int(words[0]) <= len(node.answers):
                return node.answers[int(words[0]) - 1].id
            return reply.strip()
        case ChecklistNode():
            ticks = set()
            for word in words:
                if word.isdigit() and 1 <= int(word) <= len(node.items):
                    ticks.add(node.items[int(word) - 1].id)
                else:
                    ticks.add(word)
            if node.none is not None and (not ticks or words == ["0"]):
                return frozenset((NONE_CHOICE,))
            return frozenset(ticks)
        case InfoNode() | OutcomeNode():
            return None
        case _:
            assert_never(node)


def command_walk(
    path: str, answers: Sequence[str] | None, out: TextIO, ask: Callable[[str], str]
) -> int:
    flow = _load(path)
    state = start(flow)
    if answers is not None:
        for word in answers:
            state = choose(flow, state, parse_answer(view(flow, state).node, word))
        if not view(flow, state).is_outcome:
            print(step_text(flow, state), file=out)
            print("The answers end before an outcome.", file=out)
            return 2
        out.write(summary_text(flow, state))
        return 0
    while not view(flow, state).is_outcome:
        print(step_text(flow, state), file=out)
        try:
            reply = ask("> ")
        except EOFError:
            return 1
        if reply.strip() == "q":
            return 1
        if reply.strip() == "b":
            state = back(flow, state)
            continue
        try:
            state = choose(flow, state, interactive_choice(view(flow, state).node, reply))
        except WalkError as error:
            print(f"Not possible here: {error}", file=out)
    print("", file=out)
    out.write(summary_text(flow, state))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check flow files; print every problem")
    check.add_argument("files", nargs="+")
    paths = commands.add_parser("paths", help="print the review table of every route")
    paths.add_argument("file")
    walk = commands.add_parser("walk", help="walk a flow in the terminal")
    walk.add_argument("file")
    walk.add_argument("--answers", nargs="*", help="walk without asking, e.g. none adult")
    from engine.io import govcli

    govcli.add_commands(commands)
    args = parser.parse_args(argv)
    limits.current, errors = limits.from_environment(os.environ)
    if errors:
        print("\n".join(f"error: {error}" for error in errors), file=sys.stderr)
        return 2
    try:
        if args.command == "check":
            return command_check(flow_files(args.files), sys.stdout)
        if args.command == "paths":
            return command_paths(args.file, sys.stdout)
        if args.command == "review":
            return govcli.command_review(args, sys.stdout)
        if args.command == "diff":
            return govcli.command_diff(args, sys.stdout)
        return command_walk(args.file, args.answers, sys.stdout, input)
    except FlowError as error:
        for problem in error.problems:
            print(problem, file=sys.stdout)
        return 1
    except WalkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
