"""The command line as users and CI see it: formats, exit codes, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from briefwright.cli import main
from briefwright.rules import RULES


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefwright.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_clean_project_passes(make_project, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "check"]) == 0
    assert capsys.readouterr().out.strip() == "check passed: no problems"


def test_text_format_and_exit_code(make_project, capsys) -> None:
    root = make_project("quote-not-found")
    assert main(["-C", str(root), "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "content/claims/extra.yaml:5:14: error[quote-not-found] claim 'misquote': quote not "
        "found in source 'alpha-2020'; closest is ¶ 2 (88% similar)"
    )
    assert out[1].strip().startswith("hint: difference [-quote-] {+source+}:")
    assert out[-1] == "check failed: 1 error, 0 warnings"


def test_json_format(make_project, capsys) -> None:
    root = make_project("bad-locator")
    assert main(["-C", str(root), "check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 2 and data["warnings"] == 0
    first = data["problems"][0]
    assert {k: first[k] for k in ("code", "level", "path", "line", "col", "id")} == {
        "code": "bad-locator",
        "level": "error",
        "path": "content/claims/extra.yaml",
        "line": 4,
        "col": 63,
        "id": "wrong-para",
    }
    assert first["message"] == "claim 'wrong-para': the quote is in ¶ 3 of 'alpha-2020', not ¶ 2"


def test_github_format(make_project, capsys) -> None:
    root = make_project("number-not-in-source")
    assert main(["-C", str(root), "check", "--format", "github"]) == 0  # a warning only
    line = capsys.readouterr().out.strip()
    assert line.startswith(
        "::warning file=content/claims/extra.yaml,line=2,col=9,title=number-not-in-source::"
        "claim 'wrong-figure': 22, 1300 in the claim are not"
    )


def test_strict_turns_warnings_into_failure(make_project) -> None:
    root = make_project("unused-source")
    assert main(["-C", str(root), "check"]) == 0
    assert main(["-C", str(root), "check", "--strict"]) == 1


def test_all_problems_of_all_files_in_one_run(make_project, capsys) -> None:
    root = make_project("bad-locator")
    (root / "content" / "claims" / "more.yaml").write_text("- id: x\n  text: [\n", "utf-8")
    (root / "content" / "quotes" / "main.yaml").write_text("- id: q\n  speeker: A\n", "utf-8")
    assert main(["-C", str(root), "check"]) == 1
    out = capsys.readouterr().out
    for code in ("bad-locator", "yaml-syntax", "invalid-field"):
        assert f"[{code}]" in out


def test_no_traceback_outside_a_project(tmp_path: Path) -> None:
    result = run("-C", str(tmp_path), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no content/ folder" in result.stderr


def test_rules_lists_every_code() -> None:
    result = run("rules")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(RULES)
    assert all(len(line.split(None, 2)) == 3 for line in result.stdout.splitlines())


def test_build_py_check_on_the_shipped_content_is_strictly_clean() -> None:
    result = subprocess.run(
        [sys.executable, "build.py", "check", "--strict"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("check passed: no problems")


@pytest.mark.parametrize("command", ["check", "rules"])
def test_console_script_is_installed(command: str) -> None:
    script = Path(sys.executable).with_name("briefwright")
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run(
        [str(script), "-C", str(ROOT), command], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_a_closed_pipe_is_not_a_traceback(monkeypatch) -> None:
    # `briefwright impact X | head -1`: the reader has gone before we write.
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w", buffering=1) as closed:
        monkeypatch.setattr(sys, "stdout", closed)
        assert main(["-C", str(ROOT), "rules"]) == 141


@pytest.mark.parametrize("argv", [[], ["-C", "somewhere"], ["--brief", "x"]])
def test_a_plain_build_gets_the_build_defaults(argv: list[str]) -> None:
    """`build.py` alone is `build.py build`: -j defaults to the number of cores there too."""
    from briefwright.cli import _default_to_build, _parser

    parser = _parser()
    args = parser.parse_args(_default_to_build(parser, argv))
    assert args.command == "build"
    assert args.jobs == (os.cpu_count() or 1)
