"""Review records on disk: read `reviews/*.yaml`, write a skeleton for a reviewer to sign.

The file layer around `engine.review` (which is pure); it runs git for the revision a skeleton
names. Records live in the `reviews/` folder
next to `flows/` and `docs/`: `reviews/<flow-id>.yaml` for a flow, `reviews/pages.yaml` for the
reading pages. A missing record means nothing was reviewed. Reads YAML (via
`engine.io.load_yaml`): never imported by the browser.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from engine.fingerprint import flow_prints, page_fingerprint
from engine.io.load_yaml import parse_yaml, top_level_line
from engine.model import Flow, FlowError, Problem
from engine.review import (
    Review,
    RouteState,
    Status,
    approval_problem,
    page_status,
    read_record,
    route_states,
)

PAGES_RECORD = "pages.yaml"


def reviews_dir_for(flow_path: str | Path) -> Path:
    """`flows/x.yaml` -> `reviews/` beside `flows/`."""
    return Path(flow_path).resolve().parent.parent / "reviews"


def shown_path(path: Path, project: Path | None) -> str:
    """A record's path as the author knows it (`reviews/x.yaml`)."""
    if project is not None:
        try:
            return str(path.resolve().relative_to(project.resolve()))
        except ValueError:
            pass
    return f"reviews/{path.name}"


def load_record(
    path: Path, kind: str, flow_id: str | None, project: Path | None = None
) -> tuple[Review, ...]:
    """The reviews in one record file (none if it does not exist); FlowError on bad records."""
    if not path.exists():
        return ()
    shown = shown_path(path, project)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FlowError([Problem(shown, 1, f"cannot read the review record: {error}")]) from error
    data, problems = parse_yaml(text, shown)
    if problems:
        raise FlowError(problems)
    return read_record(data, shown, "flow" if kind == "flow" else "pages", flow_id)


def flow_reviews(flow: Flow, reviews_dir: Path) -> tuple[Review, ...]:
    return load_record(reviews_dir / f"{flow.id}.yaml", "flow", flow.id, reviews_dir.parent)


def page_reviews(reviews_dir: Path) -> tuple[Review, ...]:
    return load_record(reviews_dir / PAGES_RECORD, "pages", None, reviews_dir.parent)


def flow_states(flow: Flow, reviews_dir: Path) -> list[RouteState]:
    """Every route of the flow with its review state (FlowError if the record is bad)."""
    return route_states(flow, flow_prints(flow), flow_reviews(flow, reviews_dir))


def review_problems(flow: Flow, file: str | Path, reviews_dir: Path) -> list[Problem]:
    """A bad record, or `review_status: approved` with a route not approved.

    Fingerprinting every route costs time in the number of routes: with no record and no claim
    of approval there is nothing to check, so the routes are not fingerprinted at all.
    """
    try:
        reviews = flow_reviews(flow, reviews_dir)
        if not reviews and flow.review_status != "approved":
            return []
        states = route_states(flow, flow_prints(flow), reviews)
    except FlowError as error:
        return list(error.problems)
    problem = approval_problem(flow, states, top_level_line(file, "review_status"))
    return [problem] if problem else []


def docs_page_status(project: Path, page: Path, reviews: tuple[Review, ...]) -> Status:
    """The status of a reading page `docs/x.md` given the pages record."""
    key = shown_path(page, project)
    return page_status(key, page_fingerprint(page.read_text(encoding="utf-8")), reviews)


def git_revision(cwd: Path) -> str:
    """The commit checked out (empty outside git), written into skeletons for `engine diff`."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def q(text: str) -> str:
    """A YAML scalar that reads back as exactly this text (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def signer_lines(name: str, role: str, registration: str, date: str) -> list[str]:
    """The start of a new review in a record: who signs it, and when."""
    return [
        "  - reviewer:",
        f"      name: {q(name)}",
        f"      role: {q(role)}",
        f"      registration: {q(registration)}",
        f"    date: {q(date)}",
    ]


def append_review(path: Path, text: str) -> None:
    """Add a review's text at the end of a record (the file is made if missing)."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")


def skeleton(
    flow: Flow,
    states: list[RouteState],
    *,
    name: str,
    role: str,
    registration: str,
    date: str,
    revision: str,
    new_file: bool,
) -> str:
    """The YAML text of a new review listing every route not yet approved, ready to sign.

    The reviewer deletes the routes they do not approve and writes their comments; the parts'
    fingerprints (`content`) let a later change name what changed.
    """
    todo = [s for s in states if s.state != "approved"]
    lines = []
    if new_file:
        lines += [
            f"# Clinical sign-off of flows/{flow.id}.yaml: written by `python -m engine review "
            "--write`,",
            "# then checked and edited by the reviewer (see docs/authoring.md, Clinical review).",
            f"flow: {flow.id}",
            "reviews:",
        ]
    lines += signer_lines(name, role, registration, date)
    lines.append(f"    flow_version: {q(flow.version)}")
    if revision:
        lines.append(f"    revision: {q(revision)}")
    lines += [
        "    comments: >-",
        "      (Write what you checked and anything a later reviewer should know. Delete each",
        "      route below that you do not approve.)",
        "    routes:",
    ]
    parts: dict[str, str] = {}
    for state in todo:
        current = state.print
        lines += [
            f"      - route: {q(current.key)}",
            f"        outcome: {current.outcome}",
            f"        fingerprint: {q(current.fingerprint)}",
        ]
        parts.update(current.part_hashes)
    if not todo:
        lines[-1] = "    routes: []"
    lines.append("    content:")
    lines += [f"      {q(name_)}: {q(value)}" for name_, value in sorted(parts.items())]
    if not parts:
        lines[-1] = "    content: {}"
    return "\n".join(lines) + "\n"


def write_skeleton(
    flow: Flow,
    reviews_dir: Path,
    *,
    name: str,
    role: str,
    registration: str,
    date: str,
) -> Path:
    """Append a new review for this reviewer to `reviews/<flow-id>.yaml` (created if missing)."""
    states = flow_states(flow, reviews_dir)
    path = reviews_dir / f"{flow.id}.yaml"
    reviews_dir.mkdir(parents=True, exist_ok=True)
    text = skeleton(
        flow,
        states,
        name=name,
        role=role,
        registration=registration,
        date=date,
        revision=git_revision(reviews_dir.parent),
        new_file=not path.exists(),
    )
    append_review(path, text)
    return path


def page_key(page: Path, project: Path) -> str:
    """A reading page as records name it: `docs/x.md`."""
    return shown_path(page, project)


def write_pages_skeleton(
    pages: list[Path],
    project: Path,
    reviews_dir: Path,
    *,
    name: str,
    role: str,
    registration: str,
    date: str,
) -> Path:
    """Append a review of these reading pages (those not approved as they are now) to
    `reviews/pages.yaml`, for the reviewer to check and sign."""
    reviews = page_reviews(reviews_dir)
    path = reviews_dir / PAGES_RECORD
    reviews_dir.mkdir(parents=True, exist_ok=True)
    new_file = not path.exists()
    lines = []
    if new_file:
        lines += [
            "# Clinical sign-off of the reading pages (docs/*.md): written by `python -m engine",
            "# review docs/x.md --write`, then checked and edited by the reviewer.",
            "reviews:",
        ]
    lines += signer_lines(name, role, registration, date)
    lines += [
        "    comments: >-",
        "      (Write what you checked. Delete each page below that you do not approve.)",
        "    pages:",
    ]
    todo = 0
    for page in pages:
        status = docs_page_status(project, page, reviews)
        if status.state == "reviewed":
            continue
        todo += 1
        fingerprint = page_fingerprint(page.read_text(encoding="utf-8"))
        lines += [
            f"      - page: {q(page_key(page, project))}",
            f"        fingerprint: {q(fingerprint)}",
        ]
    if not todo:
        lines[-1] = "    pages: []"
    append_review(path, "\n".join(lines) + "\n")
    page_reviews(reviews_dir)  # the new review must read back
    return path
