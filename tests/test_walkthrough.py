"""A newcomer's first change, step by step, with the commands the README gives.

Archive a new source, add a claim citing it with a slightly wrong quote, see the check
catch it, fix it, use the claim in a brief and see it in the rebuilt HTML.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_project

ARTICLE = (
    "Gamma Daily\n\nFisheries talks to resume\n\n"
    "TOKYO - Japanese and Russian negotiators will meet again in May to set next year's "
    "fishing quotas, officials said on Monday.\n\n"
    "The talks were suspended in the spring.\n"
)


def briefwright(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("briefwright")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "briefwright.cli"]
    # Run from the project folder, as an editor would; the package may not be installed.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    result = subprocess.run(
        [*command, *args], cwd=root, capture_output=True, text=True, timeout=300, env=env
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.slow
def test_new_source_claim_misquote_fix_and_build(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    downloaded = tmp_path / "gamma.txt"
    downloaded.write_text(ARTICLE, "utf-8")

    # 1. Archive the source.
    result = briefwright(
        root,
        "source",
        "add",
        str(downloaded),
        "--id",
        "gamma-2020",
        "--title",
        "Fisheries talks to resume",
        "--container",
        "Gamma Daily",
        "--authors",
        "Gamma Staff",
        "--issued",
        "2020-05-04",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created source 'gamma-2020': content/sources/gamma-2020.txt")
    assert (root / "content" / "sources" / "gamma-2020.txt").read_text("utf-8") == ARTICLE

    # 2. Start a claim citing it, and fill it in with a quote that is not quite verbatim.
    result = briefwright(
        root, "new", "claim", "fisheries", "--id", "quota-talks-resume", "--source", "gamma-2020"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "wrote content/claims/fisheries.yaml: claim 'quota-talks-resume'"
    )
    claims = root / "content" / "claims" / "fisheries.yaml"
    edit(
        claims,
        "TODO one statement in our words, true to the quote below.",
        "Japanese and Russian negotiators were to meet in May to set fishing quotas.",
    )
    edit(
        claims,
        '"TODO copy the passage verbatim from the archived text"',
        '"Japanese and Russian negotiators will meet in May to set next year\'s fishing quotas"',
    )

    # 3. The check catches the misquote, says where, and shows the difference.
    result = briefwright(root, "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "content/claims/fisheries.yaml:11:14: error[quote-not-found] claim 'quota-talks-resume':"
        " quote not found in source 'gamma-2020'; closest is ¶ 3 (90% similar)"
    )
    assert lines[1].strip().startswith("hint: difference [-quote-] {+source+}:")
    assert "{+again+}" in lines[1]
    assert lines[-1] == "check failed: 1 error, 0 warnings"

    # 4. Copy the passage exactly: the check passes.
    edit(claims, "negotiators will meet in May", "negotiators will meet again in May")
    result = briefwright(root, "check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "check passed: no problems"

    # 5. Use the claim in the brief and rebuild its HTML: the claim is on the page.
    edit(
        root / "briefings" / "brief.yaml",
        "claims: [talks-length]",
        "claims: [talks-length, quota-talks-resume]",
    )
    result = briefwright(root, "html", "--brief", "brief")
    assert result.returncode == 0, result.stderr
    page = (root / "dist" / "brief" / "brief.html").read_text("utf-8")
    assert "Japanese and Russian negotiators were to meet in May to set fishing quotas." in page

    # 6. The source's impact now names the claim and the brief.
    result = briefwright(root, "impact", "gamma-2020")
    assert result.returncode == 0
    assert "quota-talks-resume" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("brief  1 claim, 0 quotes")
