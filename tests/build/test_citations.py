"""Grades on the reading pages' footnotes (issue 14, SPEC 1c): sitebuild.citations against the
real docs/ pages and small pages written to disk, and its tags through the site's own Markdown
configuration (the tags must reach the HTML inside the footnotes)."""

from __future__ import annotations

from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
import yaml

from sitebuild.citations import grade_page, grade_pages, read_sources

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

SOURCES = """\
# Sources

## Guidelines

### ACP 2017 { #acp-2017 }

- **Kind:** guideline.
- **Grading:** grade

### NICE NG59 { #nice-ng59 }

- **Grading:** nice

### Cashin 2021 { #cashin-2021 }

- **Grading:** certainty

### JFP 2020 { #jfp-2020 }

- **Grading:** sor

### Friedman 2015 { #friedman-2015 }

- **Kind:** trial.
- **Design:** double-blind RCT, n=323
- **Grading:** study

### FDA 2014 { #fda-esi-2014 }

- **Kind:** safety communication (FDA).
- **Grading:** label

### Dr.Oracle AI answer { #seed-treatment }

- **Kind:** AI-generated answer article.
- **Grading:** none
"""


def written(tmp_path: Path, name: str, text: str) -> str:
    """Write the text as a real file and read it back, as the build does."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def graded(tmp_path: Path, page: str) -> tuple[str, list[str]]:
    parsed, problems = read_sources(written(tmp_path, "sources.md", SOURCES))
    assert problems == []
    return grade_page(written(tmp_path, "page.md", page), "docs/page.md", parsed)


# --- the real pages -----------------------------------------------------------------------------


def test_the_real_sources_page_gives_every_entry_a_known_scheme() -> None:
    sources, problems = read_sources((DOCS / "sources.md").read_text(encoding="utf-8"))
    assert problems == []
    assert sources["acp-2017"].grading == "grade"
    assert sources["nice-ng59"].grading == "nice"
    assert sources["acr-lbp-2021"].grading == "acr"
    assert sources["cashin-2021"].grading == "certainty"
    assert sources["jfp-2020"].grading == "sor"
    assert sources["friedman-2015"].design == "double-blind RCT, n=323"
    assert sources["fda-cyclobenzaprine"].grading == "label"
    for seed in ("seed-differentiation", "seed-radiological-spasm", "seed-treatment"):
        assert sources[seed].grading == "none"
        assert sources[seed].kind.startswith("AI-generated answer")
    assert sources["seed-fwbsi"].kind.startswith("clinic page")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: f"docs/{page.name}")
def test_every_real_page_grades_its_graded_footnotes(page: Path) -> None:
    pages = {path.name: path.read_text(encoding="utf-8") for path in PAGES}
    _, problems = grade_pages(pages)
    mine = [problem for problem in problems if problem.startswith(f"docs/{page.name}:")]
    assert mine == []


def test_the_treatment_page_shows_acp_recommendation_1_with_its_grade() -> None:
    pages = {path.name: path.read_text(encoding="utf-8") for path in PAGES}
    out, _ = grade_pages(pages)
    assert (
        '<span class="grade" data-grade="strong/moderate">strong/moderate</span>'
        in out["treatment.md"]
    )
    assert "{grade:" not in out["treatment.md"]


# --- small pages on disk ------------------------------------------------------------------------


def test_a_marker_becomes_an_escaped_tag(tmp_path: Path) -> None:
    page = (
        "Stay active.[^r1]\n\n"
        "[^r1]: [ACP 2017, Recommendation 1](sources.md#acp-2017) {grade: strong/moderate}\n"
        "[^c]: [Cashin 2021](sources.md#cashin-2021) {grade: very  low}\n"
        "[^j]: [JFP 2020](sources.md#jfp-2020) {grade: A}\n"
    )
    text, problems = graded(tmp_path, page)
    assert problems == []
    assert (
        "[ACP 2017, Recommendation 1](sources.md#acp-2017)"
        ' <span class="grade" data-grade="strong/moderate">strong/moderate</span>\n'
    ) in text
    assert '<span class="grade" data-grade="very low">very low certainty</span>' in text
    assert '<span class="grade" data-grade="A">SOR A</span>' in text


def test_ungraded_sources_are_tagged_for_what_they_are(tmp_path: Path) -> None:
    page = (
        "[^f]: [Friedman 2015](sources.md#friedman-2015) found no added benefit.\n"
        "[^s]: [Dr.Oracle AI answer](sources.md#seed-treatment);"
        " [FDA 2014](sources.md#fda-esi-2014)\n"
    )
    text, problems = graded(tmp_path, page)
    assert problems == []
    assert (
        '(sources.md#friedman-2015) <span class="grade" data-grade="double-blind RCT, n=323">'
        "double-blind RCT, n=323</span> found"
    ) in text
    assert '(sources.md#seed-treatment) <span class="grade" data-grade="ungraded">' in text
    assert 'data-grade="safety communication">safety communication</span>' in text


def test_a_graded_source_without_a_grade_fails_with_file_line_and_allowed_values(
    tmp_path: Path,
) -> None:
    _, problems = graded(tmp_path, "Text.\n\n[^n]: [NICE NG59](sources.md#nice-ng59)\n")
    assert problems == [
        'docs/page.md:3: footnote [^n] cites source "nice-ng59" (grading "nice") without a '
        "grade; end it with {grade: ...}, allowed: offer, consider, do not offer, "
        "do not routinely offer, research recommendation"
    ]


def test_a_grade_outside_the_scheme_lists_the_allowed_values(tmp_path: Path) -> None:
    _, problems = graded(tmp_path, "[^a]: [ACP](sources.md#acp-2017) {grade: strongish}\n")
    assert len(problems) == 1
    assert problems[0].startswith(
        'docs/page.md:1: grade "strongish" is not in the grade scheme of source "acp-2017" '
        "(grade); allowed: strong/high, strong/moderate,"
    )


def test_a_link_to_a_missing_anchor_fails(tmp_path: Path) -> None:
    _, problems = graded(
        tmp_path, "See [x](sources.md#nowhere).\n\n[^a]: [y](sources.md#missing-2020)\n"
    )
    assert problems == [
        "docs/page.md:3: links to sources.md#missing-2020, but the sources page has no entry "
        "{ #missing-2020 }",
        "docs/page.md:1: links to sources.md#nowhere, but the sources page has no entry "
        "{ #nowhere }",
    ]


def test_one_footnote_per_recommendation(tmp_path: Path) -> None:
    page = "[^x]: [ACP](sources.md#acp-2017); [NICE](sources.md#nice-ng59) {grade: strong/low}\n"
    _, problems = graded(tmp_path, page)
    assert problems == [
        "docs/page.md:1: footnote [^x] cites 2 graded sources (acp-2017, nice-ng59); give each "
        "recommendation its own footnote"
    ]


def test_a_grade_on_an_ungraded_source_or_outside_a_footnote_fails(tmp_path: Path) -> None:
    page = (
        "Body text {grade: strong/low} here.\n\n"
        "[^s]: [AI answer](sources.md#seed-treatment) {grade: strong/low}\n"
    )
    _, problems = graded(tmp_path, page)
    assert problems == [
        'docs/page.md:3: footnote [^s] has a grade, but cites no graded source: "seed-treatment" '
        "(none); remove the {grade: ...} marker",
        "docs/page.md:1: a {grade: ...} marker outside a footnote definition; grades go on the "
        "footnote that cites the source",
    ]


def test_code_is_not_read_as_citations(tmp_path: Path) -> None:
    page = (
        "Write `[^a]: [ACP](sources.md#acp-2017) {grade: strong/low}` in a footnote.\n\n"
        "```markdown\n[^b]: [NICE](sources.md#nice-ng59)\n```\n"
    )
    text, problems = graded(tmp_path, page)
    assert problems == []
    assert text == page


def test_continuation_lines_belong_to_their_footnote(tmp_path: Path) -> None:
    page = (
        "[^a]: [ACP 2017, Recommendation 3](sources.md#acp-2017), for chronic pain\n"
        "    after non-drug care {grade: weak/moderate}\n"
    )
    text, problems = graded(tmp_path, page)
    assert problems == []
    assert 'care <span class="grade" data-grade="weak/moderate">' in text.split("\n")[1]


def test_content_is_escaped_in_tags(tmp_path: Path) -> None:
    hostile = SOURCES.replace("double-blind RCT, n=323", 'RCT"><script>x()</script>')
    parsed, problems = read_sources(written(tmp_path, "sources.md", hostile))
    assert problems == []
    text, problems = grade_page("[^f]: [F](sources.md#friedman-2015)\n", "docs/p.md", parsed)
    assert problems == []
    assert "<script>" not in text
    assert 'data-grade="RCT&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"' in text


def test_a_sources_entry_without_a_known_scheme_fails(tmp_path: Path) -> None:
    text = SOURCES.replace("- **Grading:** nice", "- **Grading:** nice-ish").replace(
        "- **Grading:** certainty\n", ""
    )
    _, problems = read_sources(written(tmp_path, "sources.md", text), "docs/sources.md")
    assert problems == [
        'docs/sources.md:12: source "nice-ng59" has grading "nice-ish", which is not a scheme; '
        "schemes: grade, nice, acr, certainty, sor, study, label, none",
        'docs/sources.md:14: source "cashin-2021" has no "- **Grading:** <scheme>" line; '
        "schemes: grade, nice, acr, certainty, sor, study, label, none",
    ]


# --- through the site's Markdown ----------------------------------------------------------------


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with exactly the extensions mkdocs.yml configures."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    configs: dict[str, dict[str, object]] = {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(entry)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def test_the_tag_reaches_the_html_footnote(tmp_path: Path) -> None:
    page = (
        "Stay active.[^r1]\n\n"
        "[^r1]: [ACP 2017, Recommendation 1](sources.md#acp-2017) {grade: strong/moderate}\n"
    )
    text, problems = graded(tmp_path, page)
    assert problems == []
    rendered = site_markdown().convert(text)
    notes = rendered[rendered.index('<div class="footnote">') :]
    assert '<a href="sources.md#acp-2017">ACP 2017, Recommendation 1</a> ' in notes
    assert '<span class="grade" data-grade="strong/moderate">strong/moderate</span>' in notes
