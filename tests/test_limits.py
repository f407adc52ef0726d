"""Limits and failures an editor can hit, each one located error with advice (issue 10 §7, §9).

The archived-text size cap, names that would make odd file names, and a full disk during
an export. (Deep YAML nesting is in test_hostile_yaml.py; its speed in bench/hostile.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefwright import builder, pandoc
from briefwright.builder import Target
from briefwright.cli import main
from briefwright.config import Project
from briefwright.load import MAX_SOURCE_BYTES
from briefwright.pipeline import check


def test_an_archived_text_over_the_cap_is_one_located_error(make_project) -> None:
    root = make_project()
    text = root / "content/sources/alpha-2020.txt"
    data = text.read_bytes() + b"Filler paragraph of a very long report.\n" * (
        MAX_SOURCE_BYTES // 40 + 1
    )
    text.write_bytes(data)
    lines = (root / "content/sources/alpha-2020.yaml").read_text().splitlines()
    errors = [p for p in check(Project.at(root)).problems if p.level == "error"]
    capped = [p for p in errors if p.code == "source-text-too-large"]
    assert len(capped) == 1
    problem = capped[0]
    assert (problem.path, problem.id) == ("content/sources/alpha-2020.yaml", "alpha-2020")
    assert problem.line == next(i for i, ln in enumerate(lines, 1) if ln.startswith("text:"))
    assert f"the limit is {MAX_SOURCE_BYTES:,}" in problem.message
    assert problem.hint and "archive the part you cite" in problem.hint


def test_source_add_refuses_a_text_over_the_cap(make_project, tmp_path, capsys) -> None:
    root = make_project()
    big = tmp_path / "big.txt"
    big.write_bytes(b"A paragraph.\n" * (MAX_SOURCE_BYTES // 13 + 1))
    code = main(["-C", str(root), "source", "add", str(big), "--id", "big-2022"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"at most {MAX_SOURCE_BYTES:,}" in err
    assert not (root / "content/sources/big-2022.txt").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["new", "claim", "extra\n"],
        ["new", "quote", "extra\n"],
        ["new", "brief", "extra\n"],
        ["new", "claim", "ok", "--id", "x-claim\n"],
        ["new", "claim", "ok", "--source", "alpha-2020\n"],
    ],
)
def test_names_with_a_newline_are_refused(make_project, capsys, args: list[str]) -> None:
    root = make_project()
    before = sorted(p.as_posix() for p in root.rglob("*"))
    assert main(["-C", str(root), *args]) == 1
    err = capsys.readouterr().err
    assert "is not kebab-case" in err and "\\n" in err  # shown escaped, on one line
    assert sorted(p.as_posix() for p in root.rglob("*")) == before


def test_source_add_refuses_an_id_with_a_newline(make_project, tmp_path, capsys) -> None:
    root = make_project()
    article = tmp_path / "a.txt"
    article.write_text("A paragraph.\n")
    assert main(["-C", str(root), "source", "add", str(article), "--id", "gamma-2022\n"]) == 1
    assert "is not kebab-case" in capsys.readouterr().err
    assert not [p for p in (root / "content/sources").iterdir() if "\n" in p.name]


# --- a full disk during an export ------------------------------------------------------------

BACKTRACE = (
    "pandoc: /tmp/work/out.docx: withBinaryFile: resource exhausted (No space left on device)\n"
    "CallStack (from HasCallStack):\n"
    "  error, called at src/Text/Pandoc/App.hs:142:5 in pandoc-3.1.9-inplace:Text.Pandoc.App\n"
)


def test_disk_full_in_a_tool_is_advice_not_a_backtrace() -> None:
    problem = builder._failed(Target("brief", "docx"), "briefings/brief.yaml", BACKTRACE)
    assert problem.code == "export-failed" and problem.id == "brief"
    assert "the disk is full" in problem.message
    assert "No space left on device" in problem.message
    assert "CallStack" not in problem.message and "App.hs" not in problem.message
    assert problem.hint and "free some disk space" in problem.hint


def test_disk_full_in_python_is_advice() -> None:
    error = OSError(28, "No space left on device")
    problem = builder._failed(Target("brief", "pdf"), "b.yaml", f"OSError: {error}")
    assert "the disk is full" in problem.message and problem.hint


@pytest.mark.slow
def test_a_build_on_a_full_disk_says_so_once(make_project, tmp_path, capsys, monkeypatch) -> None:
    root = make_project()
    fake = tmp_path / "pandoc"
    fake.write_text(f"#!/bin/sh\ncat >/dev/null\nprintf '%s' '{BACKTRACE}' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(fake))
    code = main(["-C", str(root), "html"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "the disk is full" in out + err
    assert "free some disk space" in out + err
    assert "CallStack" not in out + err and "Traceback" not in out + err
    assert not (root / "dist" / "brief").exists()


def test_the_file_cap_is_documented() -> None:
    from briefwright.yamlio import MAX_BYTES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f"{MAX_BYTES // 1000} kB" in readme
    assert f"{MAX_SOURCE_BYTES // 1_000_000} MB" in readme


def test_a_full_disk_while_an_editor_command_writes_is_advice(
    make_project, capsys, monkeypatch
) -> None:
    import errno
    import os

    root = make_project()
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if ".tmp-" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    code = main(["-C", str(root), "new", "claim", "fresh"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 1
    assert "content/claims/fresh.yaml: No space left on device" in err
    assert "free some disk space and try again" in err and "Traceback" not in err
    assert not (root / "content/claims/fresh.yaml").exists()
    assert not [p for p in (root / "content/claims").iterdir() if ".tmp-" in p.name]
