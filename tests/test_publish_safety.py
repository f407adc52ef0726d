"""What a pull request's content can make the build write, and where (issue 10 §2, §6).

A brief's file name becomes folders, files and links in dist/; every path the builder
touches must lie inside dist/; clean-up removes only what the build itself made; and what
is published is the snapshot that was checked, even if files change during the build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import build_project, snapshot

from briefwright import builder
from briefwright.config import Project
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.problems import BriefwrightError, Problem

# The four attacks of issue 10 §2, as brief file names.
HOSTILE_NAMES = [
    "...yaml",  # stem '..': outputs written into the project root
    "javascript:alert(1)+`.yaml",  # a live javascript: link on the index page
    "x.tmp-y.yaml",  # published, then deleted by the next build's clean-up
    "manifest.json.yaml",  # dist/manifest.json becomes a folder
    "index.html.yaml",
]


def no_errors(problems: list[Problem]) -> bool:
    return not [p for p in problems if p.level == "error"]


def files_of(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_brief_names_are_located_errors(tmp_path: Path, name: str) -> None:
    root = build_project(tmp_path / "p")
    shutil.copy(root / "briefings/brief.yaml", root / "briefings" / name)
    problems = check(Project.at(root)).problems
    found = [p for p in problems if p.code == "invalid-brief-name"]
    assert [(p.path, p.line, p.col, p.level) for p in found] == [
        (f"briefings/{name}", 1, 1, "error")
    ]
    assert repr(name.removesuffix(".yaml")) in found[0].message
    assert found[0].hint and "rename the file" in found[0].hint
    content, _ = load_project(Project.at(root))
    assert list(content.briefings) == ["brief"]  # never reaches the builder


@pytest.mark.parametrize("name", ["index", "manifest", "provenance", "Brief", "a--b", "a_b"])
def test_reserved_and_non_kebab_names_are_refused(tmp_path: Path, name: str) -> None:
    root = build_project(tmp_path / "p")
    shutil.copy(root / "briefings/brief.yaml", root / "briefings" / f"{name}.yaml")
    codes = [p.code for p in check(Project.at(root)).problems if p.path.endswith(f"{name}.yaml")]
    assert codes == ["invalid-brief-name"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_build_with_a_hostile_brief_name_writes_nothing(tmp_path: Path, name: str) -> None:
    root = build_project(tmp_path / "p")
    shutil.copy(root / "briefings/brief.yaml", root / "briefings" / name)
    before = files_of(root)
    lines: list[str] = []
    problems = builder.build(Project.at(root), formats=("html",), say=lines.append)
    assert "invalid-brief-name" in {p.code for p in problems}
    assert files_of(root) == before  # nothing in the root, nothing in dist/


def test_publishing_refuses_a_link_out_of_dist(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "brief").symlink_to(outside)
    with pytest.raises(BriefwrightError, match="does not lie inside"):
        builder.publish_files(dist, {"index.html": b"new", "brief/brief.html": b"<html>"})
    assert list(outside.iterdir()) == []
    assert not (dist / "index.html").exists()  # proven first: nothing at all was written


@pytest.mark.parametrize("rel", ["../escape.html", "/tmp/escape.html", ".", "a/../../x"])
def test_publishing_refuses_paths_outside_dist(tmp_path: Path, rel: str) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    with pytest.raises(BriefwrightError, match="does not lie inside"):
        builder.publish_files(dist, {rel: b"x"})
    assert not (tmp_path / "escape.html").exists()


@pytest.mark.slow
def test_clean_up_removes_only_what_the_build_made(tmp_path: Path, monkeypatch) -> None:
    """A published folder whose name looks temporary (an older build's `x.tmp-y` brief)
    survives the next build's clean-up; the build's own scratch folder does not."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    root = build_project(tmp_path / "p")
    project = Project.at(root)
    assert no_errors(builder.build(project, formats=("html",), say=lambda line: None))
    dist = root / "dist"
    lookalike = dist / "x.tmp-y" / "x.tmp-y.html"
    lookalike.parent.mkdir()
    lookalike.write_text("published by an older build")
    (dist / ".brief.html.tmp-abc").write_text("not ours either")
    assert no_errors(builder.build(project, formats=("html",), say=lambda line: None))  # no-op
    assert lookalike.read_text() == "published by an older build"
    assert (dist / ".brief.html.tmp-abc").exists()
    # What a killed build leaves behind is in the marked scratch folder: removed.
    scratch = dist / builder.SCRATCH
    scratch.mkdir()
    (scratch / builder.SCRATCH_MARKER).write_bytes(b"")
    (scratch / "work-x").mkdir()
    before = snapshot(dist, published_only=True)
    assert no_errors(builder.build(project, formats=("html",), say=lambda line: None))
    assert not scratch.exists()
    assert snapshot(dist, published_only=True) == before


# --- §6: the checked snapshot is what is published ----------------------------------------

CLAIMS = Path("content/claims/main.yaml")
CHECKED, EDITED = "the talks had lasted twenty-one months", "the talks had lasted twenty-two months"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_content_edited_after_the_check_is_not_published(
    tmp_path: Path, monkeypatch, jobs: int
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    root = build_project(tmp_path / "p")
    project = Project.at(root)
    real_check = builder.check
    checked = []

    def check_then_edit(project: Project):  # type: ignore[no-untyped-def]
        result = real_check(project)
        checked.append(result.content)
        # Between the check and the render: a misquote that the check never saw.
        path = root / CLAIMS
        path.write_text(path.read_text().replace(CHECKED, EDITED).replace("21 m", "22 m"))
        return result

    monkeypatch.setattr(builder, "check", check_then_edit)
    problems = builder.build(project, formats=("html", "docx"), jobs=jobs, say=lambda line: None)
    assert [p for p in problems if p.level == "error"] == []
    dist = root / "dist"
    provenance = (dist / "brief/provenance.json").read_text()
    assert CHECKED in provenance and EDITED not in provenance
    assert "22 months" not in (dist / "brief/brief.html").read_text()
    manifest = json.loads((dist / "manifest.json").read_text())
    assert manifest["checked"] == checked[0].fingerprint()
    assert checked[0].fingerprint() != load_project(project)[0].fingerprint()
    # The next build sees the edit, checks it, and refuses it.
    monkeypatch.undo()
    again = builder.build(project, formats=("html",), say=lambda line: None)
    assert "quote-not-found" in {p.code for p in again}
    assert EDITED not in (dist / "brief/provenance.json").read_text()


@pytest.mark.parametrize("name", ["manifest", "index", "provenance"])
def test_new_brief_refuses_a_reserved_name(tmp_path: Path, name: str, capsys) -> None:
    from briefwright.cli import main

    root = build_project(tmp_path / "p")
    assert main(["-C", str(root), "new", "brief", name]) == 1
    assert "is reserved for a file the build writes into dist/" in capsys.readouterr().err
    assert not (root / "briefings" / f"{name}.yaml").exists()


@pytest.mark.parametrize("dist", ["dist", "out"])
def test_a_build_refuses_a_dist_folder_linked_out_of_the_project(tmp_path: Path, dist: str) -> None:
    """A pull request may commit dist/ (or `[paths] dist`) as a link to a folder
    outside the project: the build must not write through it."""
    root = build_project(tmp_path / "p")
    if dist != "dist":
        (root / "briefwright.toml").write_text(f'[paths]\ndist = "{dist}"\n', "utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / dist).symlink_to(outside)
    with pytest.raises(BriefwrightError, match="outside the project"):
        builder.build(Project.at(root), formats=("html",), say=lambda line: None)
    assert list(outside.iterdir()) == []


def test_clean_refuses_a_dist_folder_reached_through_a_link(tmp_path: Path) -> None:
    """`[paths] dist = "a/dist"` with a/ a link out of the project: clean removes nothing."""
    root = build_project(tmp_path / "p")
    (root / "briefwright.toml").write_text('[paths]\ndist = "a/dist"\n', "utf-8")
    outside = tmp_path / "outside"
    (outside / "dist").mkdir(parents=True)
    (outside / "dist" / "keep.txt").write_text("mine", "utf-8")
    (root / "a").symlink_to(outside)
    with pytest.raises(BriefwrightError, match="outside the project"):
        builder.clean(Project.at(root))
    assert (outside / "dist" / "keep.txt").read_text("utf-8") == "mine"
