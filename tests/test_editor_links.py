"""Editor commands never read or write through a link that leaves the project (issue 10 §5).

A pull request can commit `content/claims/notes.yaml` as a symbolic link to a file outside
the project (a secret). No command may copy it into the repository, write through it or
print a line of it; each refuses with a clear error and leaves the link as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefwright import builder
from briefwright.cli import main
from briefwright.config import Project

SECRET = "- id: top-secret\n  kind: fact\n  text: The outside world's SECRET line.\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.yaml"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


def linked(root: Path, rel: str, target: Path) -> Path:
    link = root / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def assert_untouched(link: Path, outside: Path) -> None:
    assert link.is_symlink() and link.resolve() == outside.resolve()
    assert outside.read_text() == SECRET


def run(root: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_schema_link_refuses_a_link_out_of_the_project(make_project, outside, capsys) -> None:
    root = make_project()
    link = linked(root, "content/claims/notes.yaml", outside)
    claims = root / "content/claims/main.yaml"
    before = claims.read_bytes()
    code, output = run(root, capsys, "schema", "--link")
    assert code == 1
    assert "refusing to link content/claims/notes.yaml: it is a link to a place outside" in output
    assert "SECRET" not in output and "Traceback" not in output
    assert_untouched(link, outside)
    assert claims.read_bytes() == before  # refused before any file was changed


def test_schema_refuses_a_schemas_folder_linked_outside(make_project, tmp_path, capsys) -> None:
    root = make_project()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    linked(root, "schemas", elsewhere)
    code, output = run(root, capsys, "schema")
    assert code == 1
    assert "it is a link to a place outside the project" in output
    assert list(elsewhere.iterdir()) == []


def test_new_quote_refuses_to_append_through_a_link(make_project, outside, capsys) -> None:
    root = make_project()
    link = linked(root, "content/quotes/notes.yaml", outside)
    code, output = run(root, capsys, "new", "quote", "notes")
    assert code == 1
    assert "refusing to append to content/quotes/notes.yaml" in output
    assert "left unchanged" not in output and "SECRET" not in output
    assert_untouched(link, outside)


def test_new_brief_refuses_a_briefings_folder_linked_outside(
    make_project, tmp_path, capsys
) -> None:
    root = make_project()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "briefings" / "brief.yaml").rename(elsewhere / "brief.yaml")
    (root / "briefings").rmdir()
    linked(root, "briefings", elsewhere)
    code, output = run(root, capsys, "new", "brief", "fresh")
    assert code == 1
    assert "refusing to write briefings/fresh.yaml" in output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["brief.yaml"]


def test_source_add_force_refuses_a_linked_yaml(make_project, outside, tmp_path, capsys) -> None:
    root = make_project()
    text = root / "content/sources/alpha-2020.txt"
    (root / "content/sources/alpha-2020.yaml").unlink()
    link = linked(root, "content/sources/alpha-2020.yaml", outside)
    article = tmp_path / "article.txt"
    article.write_bytes(text.read_bytes())
    code, output = run(root, capsys, "source", "add", str(article), "--id", "alpha-2020", "--force")
    assert code == 1
    assert "refusing to rewrite content/sources/alpha-2020.yaml" in output
    assert "SECRET" not in output
    assert_untouched(link, outside)


def test_source_add_refuses_a_linked_archived_text(make_project, tmp_path, capsys) -> None:
    root = make_project()
    outside_text = tmp_path / "outside.txt"
    outside_text.write_text("Outside text.\n")
    linked(root, "content/sources/gamma-2022.txt", outside_text)
    article = tmp_path / "article.txt"
    article.write_text("New article.\n")
    code, output = run(root, capsys, "source", "add", str(article), "--id", "gamma-2022")
    assert code == 1
    assert "refusing to archive into content/sources/gamma-2022.txt" in output
    assert outside_text.read_text() == "Outside text.\n"
    assert not (root / "content/sources/gamma-2022.yaml").exists()


def test_input_hashing_does_not_follow_template_links_out(make_project, outside) -> None:
    from conftest import own_template

    root = make_project()
    folder = own_template(root)
    linked(root, f"{folder.relative_to(root)}/notes.txt", outside)
    linked(root, f"{folder.relative_to(root)}/zero.bin", Path("/dev/zero"))
    content = builder.check(Project.at(root)).content
    before = builder.input_hash(content, "brief", "code")  # /dev/zero read would never end
    outside.write_text("Changed secret.\n")
    # The outside file's contents are never read: only where the link points counts.
    assert builder.input_hash(content, "brief", "code") == before
    (folder / "notes.txt").unlink()
    linked(root, f"{folder.relative_to(root)}/notes.txt", outside.parent)
    assert builder.input_hash(content, "brief", "code") != before


def test_input_hashing_reads_links_inside_the_project(make_project) -> None:
    from conftest import own_template

    root = make_project()
    folder = own_template(root)
    (folder / "copy.css").symlink_to(folder / "brief.css")
    content = builder.check(Project.at(root)).content
    digest = builder.input_hash(content, "brief", "code")
    assert len(digest) == len(hashlib.sha256().hexdigest())
