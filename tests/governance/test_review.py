"""Sign-off tied to exact content: fingerprints, review records, `engine review`, `engine diff`,
and `review_status: approved` only when every route is approved (issue 16)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from engine.fingerprint import flow_prints, page_fingerprint
from engine.io.cli import main
from engine.io.records import flow_states
from engine.pipeline import load_flow_file

ROUTES = [
    "red-flags=saddle",
    "red-flags=fever",
    "red-flags=none age=child",
    "red-flags=none age=adult",
]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def sign_everything(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What a reviewer does: write the skeleton with `engine review --write` and keep it all."""
    code, out = run(
        [
            "review",
            str(project / "flows" / "mini.yaml"),
            "--write",
            "--reviewer",
            "Dr Ada Example",
            "--role",
            "General practitioner",
            "--registration",
            "GMC 0000000",
            "--date",
            "2026-12-01",
        ],
        capsys,
    )
    assert code == 0, out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def test_fingerprints_are_stable_and_name_every_route():
    first = flow_prints(load_flow_file(Path(__file__).parent / "flows" / "mini.yaml"))
    again = flow_prints(load_flow_file(Path(__file__).parent / "flows" / "mini.yaml"))
    assert [p.key for p in first] == ROUTES
    assert [p.fingerprint for p in first] == [p.fingerprint for p in again]
    assert len({p.fingerprint for p in first}) == len(ROUTES)
    assert all(len(p.fingerprint) == 16 for p in first)


def test_a_fingerprint_covers_what_a_reader_sees_and_nothing_else(project: Path):
    flow_file = project / "flows" / "mini.yaml"
    before = {p.key: p.fingerprint for p in flow_prints(load_flow_file(flow_file))}
    # Citation text (a source the routes cite) changes every route that cites it.
    edit(flow_file, "2017;166:514-530.", "2017;166(7):514-530.")
    after = {p.key: p.fingerprint for p in flow_prints(load_flow_file(flow_file))}
    assert all(before[k] != after[k] for k in ROUTES)
    # A safety rule's wording is not on any route: no fingerprint moves.
    edit(flow_file, "No route for a child recommends", "No route for a child ever recommends")
    again = {p.key: p.fingerprint for p in flow_prints(load_flow_file(flow_file))}
    assert again == after


def test_with_no_record_every_route_is_never_reviewed_and_the_status_is_draft(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    code, out = run(["review", str(project / "flows" / "mini.yaml")], capsys)
    assert code == 0
    assert "Draft: not yet clinically reviewed (0 of 4 routes)" in out
    assert out.count("never reviewed") == 4


def test_a_record_approving_every_route_makes_the_status_reviewed(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    sign_everything(project, capsys)
    assert (project / "reviews" / "mini.yaml").is_file()
    code, out = run(["review", str(project / "flows" / "mini.yaml")], capsys)
    assert code == 0
    assert "Reviewed by Dr Ada Example, General practitioner, 2026-12-01 (4 of 4 routes)" in out, (
        out
    )
    assert out.count("approved") == 4


def test_editing_one_recommendation_changes_exactly_the_routes_that_show_it(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    sign_everything(project, capsys)
    flow_file = project / "flows" / "mini.yaml"
    old = project / "old.yaml"
    old.write_text(flow_file.read_text())
    # The relaxant recommendation is shown on the adult route only.
    edit(flow_file, "may be added for a short course.", "may be added for up to two weeks.")
    code, out = run(["review", str(flow_file)], capsys)
    lines = [line for line in out.splitlines() if "->" in line]
    changed = [line for line in lines if line.startswith("changed since approval")]
    assert len(changed) == 1 and "red-flags=none age=adult -> advice" in changed[0]
    assert sum(line.startswith("approved") for line in lines) == 3
    assert 'recommendation "relaxant" changed' in out
    assert "Partly reviewed by Dr Ada Example" in out and "(3 of 4 routes)" in out

    code, out = run(["diff", str(old), str(flow_file)], capsys)
    assert code == 1
    assert "0 routes added, 0 removed, 1 changed, 3 unchanged." in out
    assert 'Recommendation "relaxant": text' in out
    assert "before: A muscle relaxant may be added for a short course." in out
    assert "after: A muscle relaxant may be added for up to two weeks." in out
    assert "on 1 route: `red-flags=none age=adult`" in out

    code, out = run(["diff", str(flow_file), str(flow_file)], capsys)
    assert code == 0
    assert "No route changed" in out


def test_diff_names_urgency_grades_citations_and_routes_added(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    flow_file = project / "flows" / "mini.yaml"
    old = project / "old.yaml"
    old.write_text(flow_file.read_text())
    edit(flow_file, "urgency: urgent, text: Same-day review.", "urgency: emergency, text: Now.")
    edit(
        flow_file,
        "        text: Fever\n",
        "        text: Fever\n      - id: weight-loss\n        text: Weight loss\n",
    )
    edit(
        flow_file,
        "        set: {age_group: adult}\n        next: advice\n",
        "        set: {age_group: adult}\n        next: advice\n"
        "      - id: older\n        text: 65 or older\n        set: {age_group: older-adult}\n"
        "        next: advice\n",
    )
    code, out = run(["diff", str(old), str(flow_file)], capsys)
    assert code == 1
    assert "## Routes added" in out and '`red-flags=none age=older` → "Self-care"' in out
    assert 'Outcome "Urgent": urgency' in out and "before: urgent" in out
    assert "after: emergency" in out
    assert 'Step "Red flags": item "weight-loss" added' in out
    assert 'Step "Age": answer "older" added' in out


def test_diff_reads_a_flow_from_git(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("add", "flows/mini.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    edit(project / "flows" / "mini.yaml", "Keep moving; avoid bed rest.", "Keep active.")
    monkeypatch.chdir(project)
    code, out = run(["diff", "HEAD:flows/mini.yaml", "flows/mini.yaml"], capsys)
    assert code == 1
    assert 'Recommendation "stay-active": text' in out
    assert "on 2 routes" in out
    code, out = run(["diff", "nosuchrev:flows/mini.yaml", "flows/mini.yaml"], capsys)
    assert code == 1 and out.startswith("nosuchrev:flows/mini.yaml:1: git cannot show")


def test_approved_status_with_an_unapproved_route_fails_the_check(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    flow_file = project / "flows" / "mini.yaml"
    edit(flow_file, "review_status: draft ", "review_status: approved ")
    code, out = run(["check", str(flow_file)], capsys)
    assert code == 1
    assert f'{flow_file}:6: "review_status" is "approved" but 4 of 4 routes are not approved' in out
    sign_everything(project, capsys)
    code, out = run(["check", str(flow_file)], capsys)
    assert code == 0, out
    edit(flow_file, "Keep moving; avoid bed rest.", "Keep active.")
    code, out = run(["check", str(flow_file)], capsys)
    assert code == 1 and "2 of 4 routes are not approved" in out


BAD_RECORDS = [
    (
        "flow: mini\nreviews:\n  - reviewer: {name: A, role: GP}\n",
        "3",
        'missing required key "registration"',
    ),
    (
        "flow: mini\nreviews:\n  - reviewer: {name: A, role: GP, registration: X}\n"
        "    date: 01/12/2026\n    flow_version: '1.0.0'\n    routes: []\n",
        "4",
        '"date" is "01/12/2026" but must be the date signed, written YYYY-MM-DD',
    ),
    (
        "flow: mini\nreviews:\n  - reviewer: {name: A, role: GP, registration: X}\n"
        "    date: 2026-12-01\n    flow_version: '1.0.0'\n    routes:\n"
        "      - {route: red-flags=fever, outcome: urgent, fingerprint: xyz}\n",
        "7",
        "a fingerprint is 16 hex digits",
    ),
    (
        "flow: mini\nreviews:\n  - reviewer: {name: A, role: GP, registration: X}\n"
        "    date: 2026-12-01\n    flow_versoin: '1.0.0'\n    routes: []\n",
        "5",
        'unknown key "flow_versoin" (did you mean "flow_version"?)',
    ),
    ("flow: other\nreviews: []\n", "1", 'the review record is for flow "other"'),
    ("flow: mini\nreviews: [\n", "3", "YAML syntax error"),
]


@pytest.mark.parametrize(("record", "line", "message"), BAD_RECORDS)
def test_bad_review_records_give_file_line_messages(
    project: Path, capsys: pytest.CaptureFixture[str], record: str, line: str, message: str
):
    (project / "reviews" / "mini.yaml").write_text(record)
    code, out = run(["review", str(project / "flows" / "mini.yaml")], capsys)
    assert code == 1
    assert f"reviews/mini.yaml:{line}: " in out and message in out, out
    code, out = run(["check", str(project / "flows" / "mini.yaml")], capsys)
    assert code == 1 and f"reviews/mini.yaml:{line}: " in out


def test_paths_shows_each_routes_fingerprint_and_review_state(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    flow_file = project / "flows" / "mini.yaml"
    prints = flow_prints(load_flow_file(flow_file))
    code, out = run(["paths", str(flow_file)], capsys)
    assert code == 0
    assert "| Fingerprint | Review |" in out
    for route in prints:
        assert f"`{route.fingerprint}` | never reviewed |" in out
    sign_everything(project, capsys)
    code, out = run(["paths", str(flow_file)], capsys)
    assert out.count("| approved |") == 4


def test_route_states_come_from_every_review_latest_first(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    sign_everything(project, capsys)
    flow_file = project / "flows" / "mini.yaml"
    edit(flow_file, "Keep moving; avoid bed rest.", "Keep active.")
    # A second reviewer signs the two changed routes: everything is approved again.
    sign_everything(project, capsys)
    states = flow_states(load_flow_file(flow_file), project / "reviews")
    assert [s.state for s in states] == ["approved"] * 4


def test_page_fingerprint_ignores_line_endings_only():
    assert page_fingerprint("a\r\nb\n") == page_fingerprint("a\nb\n")
    assert page_fingerprint("a\nb\n") != page_fingerprint("a\nc\n")


def test_the_build_stops_on_a_bad_record_or_an_untrue_approved_status(project: Path):
    import build_site

    for part in ("engine", "pyproject.toml"):  # load_flows keys its cache by the engine's hash
        (project / part).symlink_to(build_site.ROOT / part)
    flow_file = project / "flows" / "mini.yaml"
    assert [f.id for f in build_site.load_flows(project)] == ["mini"]
    (project / "reviews" / "mini.yaml").write_text("flow: mini\nreviews:\n  - {date: 2026-12-01}\n")
    with pytest.raises(build_site.BuildError) as caught:
        build_site.load_flows(project)
    assert any(line.startswith("reviews/mini.yaml:3: ") for line in caught.value.lines)
    (project / "reviews" / "mini.yaml").unlink()
    edit(flow_file, "review_status: draft ", "review_status: approved ")
    with pytest.raises(build_site.BuildError) as caught:
        build_site.load_flows(project)
    assert caught.value.lines == [
        'flows/mini.yaml:6: "review_status" is "approved" but 4 of 4 routes are not approved in '
        "reviews/mini.yaml (first: red-flags=saddle, never reviewed); run "
        "`python -m engine review flows/mini.yaml`"
    ]


def test_reviewer_names_reach_the_route_review_page_as_text(project: Path):
    import markdown

    from engine.io.govcli import with_review_columns
    from engine.io.records import write_skeleton
    from engine.render import routes_markdown

    flow = load_flow_file(project / "flows" / "mini.yaml")
    who = {"role": "GP", "registration": "X", "date": "2026-12-01"}
    write_skeleton(flow, project / "reviews", name="<b>Ada</b> [x](javascript:y)", **who)
    states = flow_states(flow, project / "reviews")
    page = markdown.markdown(with_review_columns(routes_markdown(flow), states, for_site=True))
    assert "<b>" not in page and 'href="javascript' not in page
    assert "&lt;b&gt;Ada&lt;/b&gt; [x](javascript:y)" in page


def test_a_flow_needs_no_typed_review_date():
    from engine import flow_from_dict, flow_to_dict
    from engine.pipeline import load_flow_text

    text = (Path(__file__).parent / "flows" / "mini.yaml").read_text()
    without = "".join(
        line for line in text.splitlines(True) if not line.startswith("last_reviewed")
    )
    flow = load_flow_text(without, "flows/mini.yaml")
    assert flow.last_reviewed is None
    assert flow_from_dict(flow_to_dict(flow)) == flow
