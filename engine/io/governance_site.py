"""The site's governance parts, for build_site.py: review status of every page, "What changed",
"Clinical safety" and the hazard log as JSON.

Build layer (reads `reviews/`, `docs/` and git; never imported by the browser). Everything a
reader sees here is made by the engine's renderers: flow and record text goes through the
engine's Markdown (no raw HTML) or is escaped.

- `governance_problems`: bad review records (`reviews/x.yaml:LINE: message`) and flows whose
  `review_status: approved` is not true of every route; the build stops on them.
- `page_statuses`: for every staged Markdown page, the status its review element shows
  (`data-review-status`): a flow's pages carry the flow's status, a reading page is reviewed only
  when `reviews/pages.yaml` approves its current source, generated pages about every flow carry
  the status of all flows together.
- `changes_page`: for each flow, the changes of each version since the previous released one
  (git tags `flow-<id>-v<version>`); says so when this copy has no earlier release.
- `safety_page` and `hazard_log_json`.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.diff import diff_flows, diff_markdown, words
from engine.fingerprint import dump, flow_prints
from engine.hazards import hazard_log, risk
from engine.io.records import (
    docs_page_status,
    flow_states,
    page_reviews,
    review_problems,
)
from engine.model import Flow, FlowError, Problem
from engine.render import describe_condition, esc, inline, markdown
from engine.review import RouteState, Status, routes_status

SAFETY_PAGE = "safety.md"
CHANGES_PAGE = "changes.md"
HAZARD_LOG = "assets/hazard-log.json"
INTENDED_USE = "intended-use.md"
GENERATED_ALL_FLOWS = ("algorithm/review.md", SAFETY_PAGE, CHANGES_PAGE)


def governance_problems(project: Path, flows: list[Flow]) -> list[Problem]:
    """Every problem in the review records, and approved statuses that are not true."""
    reviews = project / "reviews"
    problems: list[Problem] = []
    for flow in flows:
        problems += review_problems(flow, project / flow.path, reviews)
    try:
        page_reviews(reviews)
    except FlowError as error:
        problems += error.problems
    return sorted(problems)


@dataclass(frozen=True)
class FlowReview:
    """A flow with the state of each of its routes (read once per build)."""

    flow: Flow
    base: str
    """Its folder on the site, e.g. `algorithm/` or `algorithm/follow-up/`."""
    states: list[RouteState]

    @property
    def status(self) -> Status:
        return routes_status(self.states)


def flow_reviews(project: Path, flows_and_bases: list[tuple[Flow, str]]) -> list[FlowReview]:
    reviews = project / "reviews"
    return [FlowReview(flow, base, flow_states(flow, reviews)) for flow, base in flows_and_bases]


def all_flows_status(reviewed: list[FlowReview]) -> Status:
    states = [state for r in reviewed for state in r.states]
    status = routes_status(states, f"routes in {len(reviewed)} flows")
    return status


def page_statuses(
    project: Path, stage: Path, reviewed: list[FlowReview]
) -> dict[str, dict[str, str]]:
    """`page src path -> {state, text}` for every Markdown page staged for MkDocs."""
    pages = page_reviews(project / "reviews")
    together = all_flows_status(reviewed)
    by_depth = sorted(reviewed, key=lambda r: len(r.base), reverse=True)
    result: dict[str, dict[str, str]] = {}
    for path in sorted(stage.rglob("*.md")):
        src = path.relative_to(stage).as_posix()
        source = project / "docs" / src
        if src in GENERATED_ALL_FLOWS:
            status = together
        elif source.is_file():
            status = docs_page_status(project, source, pages)
        else:
            owner = next((r for r in by_depth if src.startswith(r.base)), None)
            status = (
                owner.status if owner else Status("draft", "Draft: not yet clinically reviewed")
            )
        result[src] = {"state": status.state, "text": status.text}
    return result


# --- What changed -------------------------------------------------------------------------------


def git(project: Path, *args: str) -> str | None:
    """Output of a git command in the project, or None (no git, not a repository, no such rev)."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=project, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in re.split(r"[.-]", version))


def releases(project: Path, flow: Flow) -> list[tuple[str, str]]:
    """(version, tag) of each release of the flow recorded as a git tag, oldest first."""
    prefix = f"flow-{flow.id}-v"
    listed = git(project, "tag", "--list", f"{prefix}*") or ""
    tags = [t.strip() for t in listed.splitlines() if t.strip()]
    return sorted(((t[len(prefix) :], t) for t in tags), key=lambda vt: version_key(vt[0]))


def flow_at(project: Path, tag: str, flow: Flow) -> Flow | str:
    """The flow as released at a tag, or why it cannot be read."""
    from engine.pipeline import load_flow_text

    text = git(project, "show", f"{tag}:{flow.path}")
    if text is None:
        return f"git cannot show {flow.path} at {tag} in this copy of the repository"
    try:
        return load_flow_text(text, f"{tag}:{flow.path}")
    except FlowError as error:
        return f"this engine cannot read it ({error.problems[0]})"


def changes_section(project: Path, flow: Flow, site_root: str) -> str:
    """One flow's history: each version against the previous released one."""
    parts = [f"## {inline(flow.title)} {{#{flow.id}}}\n\n"]
    released = releases(project, flow)
    if not released:
        parts.append(
            raw(
                f"<p>Version {esc(flow.version)}. No earlier released version of this flow is "
                "recorded in this copy of the repository (releases are git tags named "
                f"<code>flow-{esc(flow.id)}-v&lt;version&gt;</code>), so there is nothing to "
                "compare it with yet.</p>"
            )
        )
        return "".join(parts)
    versions: list[tuple[str, Flow | str]] = [(v, flow_at(project, t, flow)) for v, t in released]
    latest = versions[-1][1]
    if not isinstance(latest, Flow) or latest != flow:
        versions.append((f"{flow.version} (this build, not yet released)", flow))
    for index in range(len(versions) - 1, -1, -1):
        label, this = versions[index]
        parts.append(f"### Version {esc(label)}\n\n")
        if index == 0:
            parts.append(raw("<p>The first release recorded: no earlier version to compare.</p>"))
            continue
        previous_label, previous = versions[index - 1]
        if isinstance(this, str) or isinstance(previous, str):
            reason = this if isinstance(this, str) else previous
            parts.append(
                raw(f"<p>Cannot compare with version {esc(previous_label)}: {esc(reason)}.</p>")
            )
            continue
        text = diff_markdown(diff_flows(previous, this), heading="####", max_routes=10)
        body = text.split("\n", 1)[1]  # the heading names the versions already
        parts.append(
            raw(f"<p>Compared with version {esc(previous_label)}:</p>" + markdown(body, site_root))
        )
    return "".join(parts)


def raw(markup: str) -> str:
    """HTML for a Markdown page: no blank lines, so Markdown never re-reads any of it."""
    return "\n".join(line for line in markup.splitlines() if line.strip()) + "\n\n"


def front_matter(title: str) -> str:
    return f"---\ntitle: {json.dumps(title)}\n---\n\n"


def changes_page(project: Path, flows: list[Flow]) -> str:
    parts = [
        front_matter("What changed"),
        "# What changed\n\n",
        "For each flowchart, what each version changed for readers since the previous released "
        "version: routes added and removed, and on the other routes the outcome, urgency, "
        "actions, recommendation text, grades and citations that changed. Released versions are "
        "the git tags `flow-<id>-v<version>`.\n\n",
    ]
    parts += [changes_section(project, flow, "../") for flow in flows]
    return "".join(parts)


# --- Clinical safety ----------------------------------------------------------------------------


def cite_words(flow: Flow, cite: Any) -> str:
    """Citations as `ACP 2017 (Recommendation 1, strong/moderate)`, whatever their form."""
    shown = []
    for entry in cite if isinstance(cite, list) else []:
        source_id = entry if isinstance(entry, str) else entry.get("source", "")
        source = flow.source(str(source_id))
        name = source.short if source else str(source_id)
        if isinstance(entry, dict):
            extra = [words(v) for k, v in entry.items() if k != "source" and v not in (None, "")]
            shown.append(f"{name} ({', '.join(extra)})" if extra else name)
        else:
            shown.append(name)
    return "; ".join(shown) or "no source"


def level_words(severity: str, likelihood: str) -> str:
    rating = risk(severity, likelihood)
    return f"{severity}, likelihood {likelihood}: risk {rating}"


def hazard_table(log: list[dict[str, Any]]) -> str:
    rows = []
    for entry in log:
        hazard = entry["hazard"]
        control = f"{inline(entry['control'])} <code>{esc(entry['rule'])}</code>"
        verification = entry["verification"]["text"]
        proof = f"{esc(entry['flow'])} {esc(entry['flow_version'])}: {esc(verification)}"
        if hazard is None:
            cells = [
                "-",
                "<em>No hazard block on this rule yet.</em>",
                "",
                "",
                "",
                control,
                "",
                proof,
            ]
        else:
            before, after = hazard["before"], hazard["after"]
            cells = [
                esc(hazard["id"]),
                inline(hazard["hazard"]),
                inline(hazard["cause"]),
                inline(hazard["effect"]),
                esc(level_words(before["severity"], before["likelihood"])),
                control,
                esc(level_words(after["severity"], after["likelihood"])),
                proof,
            ]
        rows.append(
            f'<tr data-rule="{esc(entry["rule"])}" data-flow="{esc(entry["flow"])}">'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    head = [
        "Hazard",
        "What could go wrong",
        "Cause",
        "Effect on the patient",
        "Before the control",
        "Control (safety rule)",
        "After the control",
        "Verification",
    ]
    return (
        # A class keeps Material from wrapping the table in its own scroll box (not focusable):
        # this box scrolls sideways on a phone and can be scrolled with the keyboard.
        '<div class="hazard-log" tabindex="0" role="region" aria-label="Hazard log">'
        '<table class="hazard-log__table"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def basis_section(flow: Flow, site_root: str) -> str:
    """Each recommendation of each outcome: when it is shown, on how many routes, its sources."""
    prints = flow_prints(flow)
    shown_on: dict[str, int] = {}
    reach: dict[str, int] = {}
    for route in prints:
        reach[route.outcome] = reach.get(route.outcome, 0) + 1
        for rec_id in route.route.recommendations:
            shown_on[rec_id] = shown_on.get(rec_id, 0) + 1
    parts = [f"### {inline(flow.title)} {{#basis-{flow.id}}}\n\n"]
    for node in flow.nodes:
        if node.kind != "outcome":
            continue
        items = []
        for rec in node.recommendations:
            when = (
                f"shown only when {esc(describe_condition(flow, rec.when))}"
                if rec.when is not None
                else "always shown"
            )
            cite = cite_words(flow, dump(rec).get("cite"))
            items.append(
                f'<li data-recommendation="{esc(rec.id)}">{markdown(rec.text, site_root)}'
                f"<p>{when}; on {plural(shown_on.get(rec.id, 0), 'route')}. Basis: {esc(cite)}.</p>"
                "</li>"
            )
        parts.append(
            raw(
                f'<h4 id="basis-{esc(flow.id)}-{esc(node.id)}">{inline(node.title)} '
                f"({esc(node.urgency or '')})</h4>"
                f"<p>Reached on {reach.get(node.id, 0)} of {len(prints)} routes.</p>"
                f'<ul class="recommendation-basis">{"".join(items)}</ul>'
            )
        )
    return "".join(parts)


def safety_page(project: Path, reviewed: list[FlowReview], build_date: str) -> str:
    flows = [r.flow for r in reviewed]
    fixed = project / "reviews" / INTENDED_USE
    text = fixed.read_text(encoding="utf-8") if fixed.is_file() else ""
    if text.lstrip().startswith("<!--"):
        text = text.split("-->", 1)[1]
    log = hazard_log(flows, build_date)
    status = all_flows_status(reviewed)
    parts = [
        front_matter("Clinical safety"),
        "# Clinical safety\n\n",
        raw(
            "<p>The clinical safety case of this guide, generated by the build of "
            f"{esc(build_date)} from the flowcharts and the review records. Review status: "
            f"{esc(status.text)}.</p>"
        ),
        raw(markdown(text, "../")) if text.strip() else "",
        "## Hazard log {#hazard-log}\n\n",
        raw(
            "<p>Each hazard is controlled by a safety rule, which the build proves on every route "
            "of its flow; a build in which any route breaks a rule fails and is not published. "
            "Severity and likelihood use the DCB0129 categories; the risk rating (1 very low to "
            "5 very high) is the DCB0129 risk matrix. The same log as data: "
            '<a href="../assets/hazard-log.json">hazard-log.json</a>.</p>'
        ),
        raw(hazard_table(log)),
        "## How each recommendation is derived {#basis}\n\n",
        raw(
            "<p>For each outcome of each flowchart, every recommendation it can show, when it is "
            "shown, on how many routes, and the sources (with their recommendation number and "
            "grade) it rests on. Every route with its answers is listed on the "
            '<a href="../algorithm/review/">route review</a>; changes between versions on '
            '<a href="../changes/">What changed</a>.</p>'
        ),
    ]
    parts += [basis_section(flow, "../") for flow in flows]
    return "".join(parts)


def hazard_log_json(flows: list[Flow], build_date: str) -> str:
    data = {
        "build_date": build_date,
        "flows": {flow.id: flow.version for flow in flows},
        "hazards": hazard_log(flows, build_date),
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


# --- the hooks build_site.py calls --------------------------------------------------------------


def stage_pages(
    project: Path, stage: Path, reviewed: list[FlowReview], nav: list[Any], build_date: str
) -> list[Any]:
    """Write "Clinical safety" and "What changed" into the staged docs; returns the new nav."""
    flows = [r.flow for r in reviewed]
    (stage / SAFETY_PAGE).write_text(safety_page(project, reviewed, build_date), encoding="utf-8")
    (stage / CHANGES_PAGE).write_text(changes_page(project, flows), encoding="utf-8")
    listed = {str(target) for entry in nav if isinstance(entry, dict) for target in entry.values()}
    extra = [
        {title: page}
        for title, page in (("Clinical safety", SAFETY_PAGE), ("What changed", CHANGES_PAGE))
        if page not in listed
    ]
    return [*nav, *extra]


def review_extra(
    project: Path, stage: Path, reviewed: list[FlowReview], extra: Any
) -> dict[str, Any]:
    """mkdocs.yml's `extra` plus `review_status` (page -> state and text) for the templates."""
    merged: dict[str, Any] = dict(extra) if isinstance(extra, dict) else {}
    merged["review_status"] = page_statuses(project, stage, reviewed)
    return merged


def write_hazard_log(out: Path, reviewed: list[FlowReview], build_date: str) -> None:
    target = out / HAZARD_LOG
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(hazard_log_json([r.flow for r in reviewed], build_date), encoding="utf-8")
