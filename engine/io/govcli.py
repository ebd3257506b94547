"""`python -m engine review|diff`, and the review columns of `paths`: clinical governance.

- `review FILE...` lists every route as approved, changed since approval (with what changed) or
  never reviewed, and the status pages show; `--write --reviewer NAME --role ROLE
  --registration REG` appends a review for that reviewer to `reviews/<flow-id>.yaml`, listing
  every route not yet approved, for them to check, edit and sign. Given reading pages
  (`docs/x.md ...`) it does the same for pages, with `reviews/pages.yaml`;
- `diff OLD NEW` prints what changed for readers, in Markdown (`OLD`/`NEW`: a file, or
  `REV:flows/x.yaml` for a file as git has it at a revision); exit 0 no change, 1 changes.

Kept apart from `engine.io.cli` (which only hooks these in) so the two can change independently.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
from pathlib import Path
from typing import TextIO

from engine.diff import diff_flows, diff_markdown
from engine.model import Flow, FlowError, Problem
from engine.review import STATE_WORDS, RouteState, routes_status


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = commands.add_parser("review", help="each route's review state; --write a record")
    review.add_argument("files", nargs="+", metavar="file", help="flow files, or docs/*.md pages")
    review.add_argument(
        "--reviews", help="folder of review records (default: reviews/ beside flows/)"
    )
    review.add_argument("--write", action="store_true", help="append a review to sign")
    review.add_argument("--reviewer", help="with --write: the reviewer's full name")
    review.add_argument("--role", help="with --write: e.g. General practitioner")
    review.add_argument("--registration", help="with --write: e.g. GMC 1234567")
    review.add_argument("--date", help="with --write: YYYY-MM-DD (default: today)")
    diff = commands.add_parser("diff", help="what changed for readers between two flow versions")
    diff.add_argument("old", help="a flow file, or REV:flows/x.yaml")
    diff.add_argument("new", help="a flow file, or REV:flows/x.yaml")


def reviews_folder(file: str, given: str | None) -> Path:
    from engine.io.records import reviews_dir_for

    return Path(given) if given else reviews_dir_for(file)


def state_line(state: RouteState) -> str:
    current = state.print
    words = STATE_WORDS[state.state]
    by = ""
    if state.review is not None:
        by = f" ({state.review.reviewer}, {state.review.date})"
    return f"{words:<24} {current.fingerprint}  {current.key} -> {current.outcome}{by}"


def signer(args: argparse.Namespace, out: TextIO) -> dict[str, str] | None:
    """--reviewer, --role, --registration and --date for --write (None: one is missing)."""
    missing = [k for k in ("reviewer", "role", "registration") if not getattr(args, k)]
    if missing:
        print("--write needs " + ", ".join(f"--{k}" for k in missing), file=out)
        return None
    return {
        "name": args.reviewer,
        "role": args.role,
        "registration": args.registration,
        "date": args.date or datetime.datetime.now(datetime.UTC).date().isoformat(),
    }


def command_review(args: argparse.Namespace, out: TextIO) -> int:
    if all(file.endswith(".md") for file in args.files):
        return command_review_pages(args, out)
    code = 0
    for file in args.files:
        code = max(code, review_flow(file, args, out))
    return code


def command_review_pages(args: argparse.Namespace, out: TextIO) -> int:
    from engine.io.records import docs_page_status, page_reviews, write_pages_skeleton

    pages = [Path(file).resolve() for file in args.files]
    project = pages[0].parent.parent
    folder = Path(args.reviews) if args.reviews else project / "reviews"
    if args.write:
        who = signer(args, out)
        if who is None:
            return 2
        path = write_pages_skeleton(pages, project, folder, **who)
        print(f"Wrote a review of {len(pages)} pages for {args.reviewer} to {path}.", file=out)
        return 0
    reviews = page_reviews(folder)
    for page, file in zip(pages, args.files, strict=True):
        status = docs_page_status(project, page, reviews)
        print(f"{status.state:<10} {file}: {status.text}", file=out)
    return 0


def review_flow(file: str, args: argparse.Namespace, out: TextIO) -> int:
    from engine.io.records import flow_states, write_skeleton
    from engine.pipeline import load_flow_file

    flow = load_flow_file(file)
    folder = reviews_folder(file, args.reviews)
    if args.write:
        who = signer(args, out)
        if who is None:
            return 2
        path = write_skeleton(flow, folder, **who)
        print(
            f"Wrote a review for {args.reviewer} to {path}: check each route, delete the ones",
            file=out,
        )
        print("you do not approve, write your comments, then commit the file.", file=out)
        flow_states(flow, folder)  # the skeleton must read back: fail loudly if it does not
        return 0
    states = flow_states(flow, folder)
    print(f"{file}: {routes_status(states).text}", file=out)
    revisions: dict[str, None] = {}
    for state in states:
        print(state_line(state), file=out)
        for change in state.changes:
            print(f"    - {change}", file=out)
        if state.changes and state.review is not None and state.review.revision:
            revisions[state.review.revision] = None
    for revision in revisions:
        print(
            f"The old and new text: python -m engine diff {revision}:{file} {file}",
            file=out,
        )
    return 0


def read_flow_arg(arg: str) -> Flow:
    """A flow from a file, or from git (`REV:path`, path relative to the current folder)."""
    from engine.pipeline import load_flow_file, load_flow_text

    if Path(arg).exists() or ":" not in arg:
        return load_flow_file(arg)
    revision, _, path = arg.partition(":")
    try:
        result = subprocess.run(
            ["git", "show", f"{revision}:./{path}"], capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise FlowError([Problem(arg, 1, f"cannot run git: {error}")]) from error
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unknown"
        raise FlowError([Problem(arg, 1, f"git cannot show this file: {message}")])
    return load_flow_text(result.stdout, arg)


def command_diff(args: argparse.Namespace, out: TextIO) -> int:
    diff = diff_flows(read_flow_arg(args.old), read_flow_arg(args.new))
    out.write(diff_markdown(diff))
    return 1 if diff.has_changes else 0


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


def markdown_text(text: str) -> str:
    """Text that Markdown (which lets raw HTML through) shows exactly as written."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def with_review_columns(table: str, states: list[RouteState], *, for_site: bool = False) -> str:
    """The `paths` review table with each route's fingerprint and review state added.

    `for_site` escapes the status line (it names reviewers from the records) for MkDocs.
    """
    lines = table.split("\n")
    result = []
    rows = iter(states)
    for line in lines:
        if line.startswith("| # |"):
            line += " Fingerprint | Review |"
        elif line.startswith("|---|"):
            line += "---|---|"
        elif line.startswith("| ") and line.split("|")[1].strip().isdigit():
            state = next(rows, None)
            if state is not None:
                line += f" `{state.print.fingerprint}` | {STATE_WORDS[state.state]} |"
        result.append(line)
    status = routes_status(states).text
    if for_site:
        status = markdown_text(status)
    if len(result) > 2:
        result.insert(2, f"Review status: {status}.\n")
    return "\n".join(result)


def paths_with_reviews(file: str, reviews: str | None = None) -> str:
    from engine.io.records import flow_states
    from engine.pipeline import load_flow_file
    from engine.render import routes_markdown

    flow = load_flow_file(file)
    return with_review_columns(
        routes_markdown(flow), flow_states(flow, reviews_folder(file, reviews))
    )
