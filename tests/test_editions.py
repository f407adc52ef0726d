"""Editions: a brief is true as of its `as_of` date, and newer content cannot change it."""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_tool, serving, snapshot

from briefwright.builder import _code_hash, input_hash
from briefwright.cli import main
from briefwright.config import Project
from briefwright.dates import parse_date
from briefwright.model import Source
from briefwright.pipeline import check
from briefwright.render import render_brief
from briefwright.scope import brief_scope, edition, issued_after, left_out

GAMMA_TEXT = """Gamma Weekly

Back in May 2019, negotiators met secretly in Vladivostok.

Officials said the talks had lasted twenty-one months in all.

Fishing crews now plan a joint survey.
"""


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def add_newer_content(root: Path) -> None:
    """What an editor adds months later: a 2021 source, claims citing only it (one dated
    inside the brief's timeline), a second citation on an existing claim, a new point in
    Japan's position, a new pro of an option and a judgment resting only on the new claims."""
    sources = root / "content" / "sources"
    (sources / "gamma-2021.txt").write_text(GAMMA_TEXT, "utf-8")
    sha = hashlib.sha256(GAMMA_TEXT.encode("utf-8")).hexdigest()
    (sources / "gamma-2021.yaml").write_text(
        "id: gamma-2021\ntitle: Gamma Weekly\ncontainer: Gamma Weekly\n"
        'authors: [{literal: Gamma Desk}]\nissued: "2021-02-10"\n'
        "url: https://example.org/gamma\nkind: article-magazine\ntext: gamma-2021.txt\n"
        f"sha256: {sha}\n",
        "utf-8",
    )
    claims = root / "content" / "claims" / "main.yaml"
    text = claims.read_text("utf-8").replace(
        "      quote: the talks had lasted twenty-one months\n",
        "      quote: the talks had lasted twenty-one months\n"
        "    - source: gamma-2021\n"
        "      quote: the talks had lasted twenty-one months in all\n",
    )
    claims.write_text(
        text
        + """- id: secret-meeting
  kind: fact
  text: Negotiators met secretly in Vladivostok in May 2019.
  date: "2019-05"
  actors: [japan]
  cites:
    - source: gamma-2021
      quote: Back in May 2019, negotiators met secretly in Vladivostok.
- id: joint-survey
  kind: fact
  text: Fishing crews plan a joint survey.
  cites:
    - source: gamma-2021
      quote: Fishing crews now plan a joint survey.
- id: survey-judgment
  kind: judgment
  text: A joint survey is likely to go ahead.
  confidence: low
  likelihood: likely
  basis: [joint-survey]
""",
        "utf-8",
    )
    _append(
        root / "content" / "positions" / "japan.yaml",
        "  - label: Surveys\n    claims: [joint-survey]\n",
    )
    options = root / "content" / "options" / "main.yaml"
    _append(options, "  risks: [joint-survey]\n")
    _append(
        options,
        "- id: survey\n  title: Fund the survey\n  actor: japan\n  claims: [survey-judgment]\n",
    )


def _brief_state(root: Path) -> tuple[str, str]:
    """The brief's input hash and its intermediate Markdown."""
    checked = check(Project.at(root))
    # The new judgment rests on one source: a warning on the claim the editor wrote, and
    # the only one. Nothing is reported on the brief, which the editor did not touch.
    assert [(p.code, p.id) for p in checked.problems] in ([], [("narrow-basis", "survey-judgment")])
    content = checked.content
    return input_hash(content, "brief", _code_hash()), render_brief(content, "brief").markdown


# --- what "issued after" means -----------------------------------------------------------


def _source(issued: str | None) -> Source:
    return Source(
        id="s", text="s.txt", sha256="0" * 64, issued=parse_date(issued) if issued else None
    )


@pytest.mark.parametrize(
    ("issued", "as_of", "after"),
    [
        ("2021-12-01", "2021-11", True),
        ("2021-11-30", "2021-11", False),
        ("2021-11", "2021-11-15", False),  # might be from the first half of November
        ("2021", "2021-11", False),  # a year-only date counts from 1 January
        ("2022", "2021-11", True),
        ("2022~", "2021-11", True),  # '~' does not move the date
        ("2021-12/2022-02", "2021-11", True),
        ("2021-10/2022-02", "2021-11", False),  # an interval counts from its start
        ("2021-12", "2021", False),  # as_of '2021' means the end of 2021
        (None, "1900", False),  # no date: nothing says it is newer
    ],
)
def test_issued_after(issued: str | None, as_of: str, after: bool) -> None:
    assert issued_after(_source(issued), parse_date(as_of)) is after


# --- a published edition does not move ---------------------------------------------------


def test_newer_content_leaves_the_edition_unchanged(make_project) -> None:
    root = make_project()
    before = _brief_state(root)
    add_newer_content(root)
    # No warning anywhere: the editor did not touch the brief (as of 2020-12).
    after = _brief_state(root)
    assert after[0] == before[0]  # the input hash: the build has nothing to redo
    assert after[1] == before[1]  # the intermediate, byte for byte
    content = check(Project.at(root)).content
    scope = brief_scope(content, content.briefings["brief"])
    assert "gamma-2021" not in scope.sources
    assert not {"secret-meeting", "joint-survey", "survey-judgment"} & scope.claims


def test_a_2022_article_does_not_touch_the_shipped_editions(tmp_path: Path) -> None:
    """The issue's walk-through on a copy of this project: a 2022 article, a claim of it
    dated 1992 (inside japan-russia's timeline) and a new point in Japan's position."""
    root = tmp_path / "project"
    for name in ("content", "briefings", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "briefwright.toml", root / "briefwright.toml")
    before = _hashes(root)
    add_2022_article(root)
    checked = check(Project.at(root))
    assert [p.text() for p in checked.problems] == []  # what `check --strict` runs on
    assert _hashes(root) == before
    # The newer claim is there for a brief of a later date.
    preview = check(Project.at(root).previewed(parse_date("2022-06"))).content
    scope = brief_scope(preview, preview.briefings["japan-russia"])
    assert "delta-1992-talks" in scope.claims


def add_2022_article(root: Path) -> None:
    sources = root / "content" / "sources"
    text = "Delta Review\n\nIn 1992, the two foreign ministers held talks in Tokyo.\n"
    (sources / "delta-2022.txt").write_text(text, "utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (sources / "delta-2022.yaml").write_text(
        "id: delta-2022\ntitle: Delta Review\ncontainer: Delta Review\n"
        'authors: [{literal: Delta Desk}]\nissued: "2022-03-14"\n'
        "url: https://example.org/delta\nkind: article-magazine\ntext: delta-2022.txt\n"
        f"sha256: {sha}\n",
        "utf-8",
    )
    (root / "content" / "claims" / "delta-2022.yaml").write_text(
        """- id: delta-1992-talks
  kind: fact
  text: The two foreign ministers held talks in Tokyo in 1992.
  date: "1992"
  actors: [japan, russia]
  topics: [diplomacy]
  cites:
    - source: delta-2022
      quote: In 1992, the two foreign ministers held talks in Tokyo.
""",
        "utf-8",
    )
    _append(
        root / "content" / "positions" / "japan.yaml",
        "  - label: Talks in the 1990s\n    claims: [delta-1992-talks]\n",
    )


def _hashes(root: Path) -> dict[str, str]:
    content = check(Project.at(root)).content
    code = _code_hash()
    return {name: input_hash(content, name, code) for name in content.briefings}


def test_the_edition_says_what_it_leaves_out(make_project) -> None:
    root = make_project()
    add_newer_content(root)
    content = check(Project.at(root)).content
    assert left_out(content, content.briefings["brief"]) == [
        "claim 'joint-survey' (gamma-2021 (2021-02-10))",
        "claim 'secret-meeting' (gamma-2021 (2021-02-10))",
        "japan's point 'Surveys'",
        "claim 'talks-length' cites gamma-2021 (2021-02-10): not printed",
    ]


def test_a_kept_claim_keeps_only_its_old_citations(make_project) -> None:
    root = make_project()
    add_newer_content(root)
    content = check(Project.at(root)).content
    cut = edition(content, content.briefings["brief"])
    assert [c.source for c in cut.content.claims["talks-length"].cites] == ["alpha-2020"]
    assert cut.cites_out == {"talks-length": ("gamma-2021",)}
    assert [p.label for p in cut.content.positions["japan"].points] == [
        "Fisheries",
        "Air defence",
    ]
    assert cut.content.options["engage"].risks == ()
    assert "survey" not in cut.content.options and "gamma-2021" not in cut.content.sources
    # The whole project is unchanged: the check still proves the newer quotes.
    assert len(content.claims["talks-length"].cites) == 2


@pytest.mark.slow
def test_build_summary_and_audit(make_project) -> None:
    """A real build of the edition: the audit passes without the newer citation, the
    summary lists what was left out, and a later no-op build keeps the outputs."""
    root = make_project()
    add_newer_content(root)
    result = run_tool(root, "html")
    assert result.returncode == 0, result.stderr
    assert (
        "brief 'brief' is as of 2020-12: it leaves out 4 newer items (sources issued after "
        "2020-12):\n  claim 'joint-survey' (gamma-2021 (2021-02-10))\n"
    ) in result.stderr
    page = (root / "dist" / "brief" / "brief.html").read_text("utf-8")
    assert "Gamma" not in page and "Vladivostok" not in page
    provenance = json.loads((root / "dist" / "brief" / "provenance.json").read_text("utf-8"))
    assert {row["source"] for row in provenance} == {"alpha-2020", "beta-2019"}


# --- naming a newer item is an error in the brief -----------------------------------------


def _problems(root: Path, as_of: str | None = None) -> list[str]:
    project = Project.at(root)
    if as_of:
        project = project.previewed(parse_date(as_of))
    return [p.text().split("\n")[0] for p in check(project).problems if p.code == "after-as-of"]


def test_naming_newer_items_is_a_located_error(make_project) -> None:
    root = make_project()
    add_newer_content(root)
    brief = root / "briefings" / "brief.yaml"
    text = brief.read_text("utf-8")
    text = text.replace("claims: [talks-length]", "claims: [talks-length, joint-survey]")
    text = text.replace("options: [engage]", "options: [engage, survey]")
    text = text.replace("actors: [japan]}", "actors: [japan], points: [Fisheries, Surveys]}")
    brief.write_text(text, "utf-8")
    expected_tail = "which rests only on sources issued after that date: gamma-2021 (2021-02-10)"
    assert _problems(root) == [
        "briefings/brief.yaml:7:62: error[after-as-of] brief 'brief' (as of 2020-12) names "
        f"claim 'joint-survey', {expected_tail}",
        "briefings/brief.yaml:8:60: error[after-as-of] brief 'brief' (as of 2020-12) names "
        f"point 'Surveys', {expected_tail}",
        "briefings/brief.yaml:10:39: error[after-as-of] brief 'brief' (as of 2020-12) names "
        f"option 'survey', {expected_tail}",
    ]
    # The same brief as a new edition: nothing to report.
    assert _problems(root, "2021-03") == []


# --- previews at another date ------------------------------------------------------------


def test_preview_sees_the_newer_content(make_project) -> None:
    root = make_project()
    add_newer_content(root)
    project = Project.at(root).previewed(parse_date("2021-03"))
    content = check(project).content
    scope = brief_scope(content, content.briefings["brief"])
    assert {"secret-meeting", "joint-survey"} <= scope.claims
    assert "gamma-2021" in scope.sources
    markdown = render_brief(content, "brief").markdown
    assert "Vladivostok" in markdown and "March 2021" in markdown
    assert project.dist == root / "preview" / "as-of-2021-03"


@pytest.mark.slow
def test_preview_build_never_touches_dist(make_project) -> None:
    root = make_project()
    assert run_tool(root, "html").returncode == 0
    published = snapshot(root / "dist")
    add_newer_content(root)
    result = run_tool(root, "html", "--as-of", "2021-03")
    assert result.returncode == 0, result.stderr
    assert "preview as of 2021-03: building into preview/as-of-2021-03/" in result.stderr
    assert snapshot(root / "dist") == published
    page = (root / "preview" / "as-of-2021-03" / "brief" / "brief.html").read_text("utf-8")
    assert "Vladivostok" in page
    assert run_tool(root, "clean", "--as-of", "2021-03").returncode == 0
    assert not (root / "preview" / "as-of-2021-03").exists()
    assert snapshot(root / "dist") == published


@pytest.mark.slow
def test_serve_previews_at_another_date(make_project) -> None:
    root = make_project()
    add_newer_content(root)
    project = Project.at(root).previewed(parse_date("2021-03"))
    with (
        serving(project) as (preview, said, _),
        urllib.request.urlopen(preview.url + "brief/brief.html", timeout=10) as response,
    ):
        assert "Vladivostok" in response.read().decode("utf-8")
    assert "previewing every brief as of 2021-03 from preview/as-of-2021-03/" in said
    assert not (root / "dist").exists()


def test_as_of_must_be_one_date(make_project, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "check", "--as-of", "2021~"]) == 1
    assert "--as-of 2021~: give one date" in capsys.readouterr().err
    assert main(["-C", str(root), "check", "--as-of", "2021-13"]) == 1
    assert "month 13 is not 1–12" in capsys.readouterr().err


def test_shipped_briefs_leave_nothing_out() -> None:
    content = check(Project.at(ROOT)).content
    for brief in content.briefings.values():
        assert left_out(content, brief) == []


def test_add_newer_content_is_valid_yaml(make_project) -> None:
    root = make_project()
    add_newer_content(root)
    for path in (root / "content").rglob("*.yaml"):
        yaml.safe_load(path.read_text("utf-8"))
