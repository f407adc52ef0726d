"""CLI conventions (issue 11 §10): where output goes, one closing line, metadata kept.

stdout carries the report (the problems and one closing line, or JSON / annotations
alone); stderr carries progress, status and fatal errors. `check` and `build` agree.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_tool

from briefwright.cli import main

CLAIMS = Path("content/claims/main.yaml")


def misquote(root: Path) -> None:
    path = root / CLAIMS
    path.write_text(path.read_text().replace("twenty-one months", "twenty-two months"))


def test_a_failed_build_ends_with_one_closing_line(make_project) -> None:
    root = make_project()
    misquote(root)
    done = run_tool(root, "build")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("content/claims/main.yaml:") and "[quote-not-found]" in lines[0]
    assert lines[-1] == (
        "build failed: 1 error, 0 warnings; nothing was published, dist/ is unchanged"
    )
    everything = done.stdout + done.stderr
    assert "check failed" not in everything  # no second, earlier verdict
    assert sum("failed" in line for line in everything.splitlines()) == 1
    assert done.stderr == ""  # no progress: nothing was built


def test_check_and_build_use_the_same_streams(make_project) -> None:
    root = make_project()
    misquote(root)
    checked, built = run_tool(root, "check"), run_tool(root, "build")
    assert checked.stderr == "" and built.stderr == ""
    assert checked.stdout.splitlines()[:-1] == built.stdout.splitlines()[:-1]
    assert checked.stdout.splitlines()[-1] == "check failed: 1 error, 0 warnings"


def test_build_json_is_alone_on_stdout(make_project) -> None:
    root = make_project()
    misquote(root)
    done = run_tool(root, "build", "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)  # nothing but the JSON
    assert report["errors"] == 1
    assert [row["code"] for row in report["problems"]] == ["quote-not-found"]
    assert done.stderr.strip() == (
        "build failed: 1 error, 0 warnings; nothing was published, dist/ is unchanged"
    )


def test_source_add_force_keeps_the_yaml_as_written(make_project, tmp_path, capsys) -> None:
    root = make_project()
    yaml = root / "content/sources/alpha-2020.yaml"
    yaml.write_text(
        yaml.read_text().replace(
            "kind: article-newspaper", "kind: report   # the outlet's annual report"
        )
    )
    before = yaml.read_text().splitlines()
    corrected = tmp_path / "alpha.txt"
    text = (root / "content/sources/alpha-2020.txt").read_text()
    corrected.write_text(text + "A paragraph added in the corrected edition.\n")
    args = ["-C", str(root), "source", "add", str(corrected), "--id", "alpha-2020", "--force"]
    assert main(args) == 0
    assert "re-archived source 'alpha-2020'" in capsys.readouterr().out
    after = yaml.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [a.split(":")[0] for a, _ in changed] == ["sha256"]
    assert "kind: report   # the outlet's annual report" in after
