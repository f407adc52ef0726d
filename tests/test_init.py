"""`briefwright init`: a new project that checks and builds, and never writes where it must not."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import docx
import pytest
from conftest import ROOT
from lxml import html
from pypdf import PdfReader

from briefwright.cli import main
from briefwright.config import Project
from briefwright.init import init_project, requirement
from briefwright.pipeline import check

EXPECTED = {
    ".github/workflows/briefs.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Makefile",
    "README.md",
    "briefwright.toml",
    "requirements.txt",
    "briefings/tamber-agreement.yaml",
    "content/actors.yaml",
    "content/claims/tamber.yaml",
    "content/options/tamber.yaml",
    "content/positions/northvale.yaml",
    "content/positions/southmere.yaml",
    "content/quotes/tamber.yaml",
    "content/sources/gazette-2024.txt",
    "content/sources/gazette-2024.yaml",
    "templates/README.md",
}


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def started(tmp_path: Path) -> Path:
    # A project per test: one that builds must not leave dist/ for the one that lists files.
    root = tmp_path / "river-briefs"
    assert main(["init", str(root), "--title", 'The "Tamber" briefs']) == 0
    return root


def test_init_writes_a_whole_project(started: Path) -> None:
    files = tree(started)
    assert files - {f for f in files if f.startswith("schemas/")} == EXPECTED
    assert {f for f in files if f.startswith("schemas/")} == {
        f"schemas/{n}.schema.json"
        for n in ("source", "claims", "quotes", "actors", "position", "options", "briefing")
    } | {"schemas/config.schema.json"}
    settings = Project.at(started).settings
    assert settings.title == 'The "Tamber" briefs'
    assert settings.topics == ("agriculture", "governance", "infrastructure", "water")
    assert (started / "README.md").read_text("utf-8").startswith('# The "Tamber" briefs\n')
    wanted = (started / "requirements.txt").read_text("utf-8").splitlines()[-1]
    assert wanted == requirement()
    # Installed from this checkout (make test: editable), the new project installs it from here.
    assert wanted in (
        f"briefwright @ {ROOT.as_uri()}",
        f"briefwright=={metadata.version('briefwright')}",
    )
    with (started / "briefwright.toml").open("rb") as handle:
        assert tomllib.load(handle)["lang"] == "en"


def test_the_example_is_clearly_fictional(started: Path) -> None:
    text = (started / "content/sources/gazette-2024.txt").read_text("utf-8")
    assert text.startswith("This is a fictional article, written as an example for briefwright.")
    assert "example.org" in (started / "content/sources/gazette-2024.yaml").read_text("utf-8")


def test_the_new_project_passes_the_strict_check(started: Path, capsys) -> None:
    checked = check(Project.at(started))
    assert checked.problems == []
    content = checked.content
    assert (len(content.sources), len(content.quotes), len(content.actors)) == (1, 1, 2)
    assert len(content.claims) >= 5 and content.positions and content.options
    assert main(["-C", str(started), "check", "--strict"]) == 0
    assert main(["-C", str(started), "schema", "--check"]) == 0
    assert main(["-C", str(started), "schema", "--link"]) == 0
    assert "every content file already names its schema" in capsys.readouterr().out


def test_the_new_projects_make_test_runs_the_strict_check(started: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tool = Path(sys.executable).parent / "briefwright"
    done = subprocess.run(
        ["make", "test", f"BRIEFWRIGHT={tool}"],
        cwd=started,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "check passed: no problems" in done.stdout
    assert "schemas up to date" in done.stdout


def test_init_without_dir_starts_the_project_here(tmp_path: Path, monkeypatch, capsys) -> None:
    here = tmp_path / "fisheries-briefs"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["init"]) == 0
    assert "next: briefwright check && briefwright build" in capsys.readouterr().out
    assert Project.at(here).settings.title == "fisheries briefs"
    assert tree(here) >= EXPECTED


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    assert main(["init", str(tmp_path)]) == 1
    assert "is not empty; use --force" in capsys.readouterr().err
    assert tree(tmp_path) == {"notes.txt"}


def test_force_adds_the_project_and_keeps_existing_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "README.md").write_text("our own readme\n", "utf-8")
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert "kept README.md (it exists already)" in capsys.readouterr().out
    assert (tmp_path / "README.md").read_text("utf-8") == "our own readme\n"
    assert tree(tmp_path) >= EXPECTED


def test_a_link_out_of_the_folder_is_never_followed(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "content").symlink_to(outside, target_is_directory=True)
    assert main(["init", str(project), "--force"]) == 1
    assert "symbolic link; nothing was written" in capsys.readouterr().err
    assert list(outside.iterdir()) == []
    assert [p.name for p in project.iterdir()] == ["content"]


def test_a_schemas_link_out_of_the_folder_is_never_followed(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "schemas").symlink_to(outside, target_is_directory=True)
    assert main(["init", str(project), "--force"]) == 1
    assert "schemas/" in capsys.readouterr().err
    assert list(outside.iterdir()) == []
    assert [p.name for p in project.iterdir()] == ["schemas"]


def test_a_title_must_be_one_line(tmp_path: Path, capsys) -> None:
    assert main(["init", str(tmp_path / "p"), "--title", "two\nlines"]) == 1
    assert "--title must be one line" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_init_into_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", "utf-8")
    with pytest.raises(Exception, match="not a folder"):
        init_project(tmp_path / "f")


def test_version_comes_from_the_package_metadata(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"briefwright {metadata.version('briefwright')}\n"


@pytest.mark.slow
def test_the_new_project_builds_all_three_formats(started: Path) -> None:
    assert main(["-C", str(started), "build"]) == 0
    dist = started / "dist" / "tamber-agreement"
    page = html.fromstring((dist / "tamber-agreement.html").read_bytes())
    assert "Northvale must release at least 40 cubic metres" in page.text_content()
    pdf = "".join(page.extract_text() for page in PdfReader(dist / "tamber-agreement.pdf").pages)
    assert "The Tamber river agreement" in pdf and "joint commission of six members" in pdf
    document = docx.Document(str(dist / "tamber-agreement.docx"))
    assert any("Maria Ostrander" in p.text for p in document.paragraphs)
