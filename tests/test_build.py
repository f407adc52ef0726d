"""The make-style build: real pandoc and WeasyPrint, incremental, atomic, reproducible."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_project, run_tool, snapshot

from briefwright.builder import build
from briefwright.config import Project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_project(tmp_path_factory.mktemp("build") / "p")
    result = run_tool(root, env={"SOURCE_DATE_EPOCH": "1600000000"})
    assert result.returncode == 0, result.stderr
    return root


def test_cold_build_writes_every_output(built: Path) -> None:
    dist = built / "dist"
    for name in ("brief.html", "brief.pdf", "brief.docx", "brief.md", "provenance.json"):
        assert (dist / "brief" / name).stat().st_size > 0, name
    manifest = json.loads((dist / "manifest.json").read_text())
    files = manifest["briefs"]["brief"]["files"]
    for rel, digest in files.items():
        assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest
    index = (dist / "index.html").read_text()
    for rel in ("brief/brief.html", "brief/brief.pdf", "brief/brief.docx"):
        assert f'href="{rel}"' in index
    provenance = json.loads((dist / "brief" / "provenance.json").read_text())
    rows = {(r["claim"], r["source"], r["para"]) for r in provenance}
    assert ("fisheries-deal", "alpha-2020", 2) in rows
    assert ("ties-deepen", "beta-2019", 3) in rows
    assert not list(dist.rglob("*.tmp-*"))
    # The appendix is a real table, one row per (claim, citation), not run-on text.
    from lxml import html

    tree = html.parse(str(dist / "brief" / "brief.html"))
    table_rows = tree.xpath('//div[contains(@class, "provenance")]//tbody/tr')
    assert len(table_rows) == len(provenance)


def test_noop_build_starts_nothing(built: Path) -> None:
    # Poison pandoc and WeasyPrint: a no-op build must touch neither.
    probe = (
        "import sys, runpy; sys.modules['weasyprint'] = None; "
        "import briefwright.pandoc as p; "
        "p.run = lambda *a, **k: (_ for _ in ()).throw(AssertionError('pandoc started')); "
        f"sys.argv = ['briefwright', '-C', {str(built)!r}]; "
        "from briefwright.cli import main; sys.exit(main())"
    )
    before = snapshot(built / "dist")
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1600000000"},
    )
    assert result.returncode == 0, result.stderr
    assert "up to date (3 outputs)" in result.stderr
    assert snapshot(built / "dist") == before


def test_error_leaves_previous_outputs_intact(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    subprocess.run(["cp", "-a", str(built), str(root)], check=True)
    before = snapshot(root / "dist")
    claims = root / "content" / "claims" / "main.yaml"
    claims.write_text(claims.read_text().replace("twenty-one months", "twenty-two months"))
    result = run_tool(root)
    assert result.returncode == 1
    # The report on stdout, ending in one closing line; nothing of it on stderr.
    assert "quote-not-found" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "build failed: 1 error, 0 warnings; nothing was published, dist/ is unchanged"
    )
    assert "quote-not-found" not in result.stderr and "failed" not in result.stderr
    assert snapshot(root / "dist") == before


def test_one_claim_change_rebuilds_only_briefs_using_it(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    subprocess.run(["cp", "-a", str(built), str(root)], check=True)
    # A second brief that does not use 'talks-length'.
    other = root / "briefings" / "other.yaml"
    other.write_text(
        'title: Other\nas_of: "2020-12"\naudience: Tests\nformats: [html]\n'
        "sections:\n  - {type: claims, title: Fish, claims: [fisheries-deal]}\n"
    )
    env = {"SOURCE_DATE_EPOCH": "1600000000"}
    assert run_tool(root, "html", env=env).returncode == 0
    claims = root / "content" / "claims" / "main.yaml"
    claims.write_text(
        claims.read_text().replace(
            "The talks lasted 21 months.", "The talks went on for 21 months."
        )
    )
    result = run_tool(root, "html", env=env)
    assert result.returncode == 0, result.stderr
    assert "brief/brief.html: built" in result.stderr
    assert "other/other.html" not in result.stderr
    assert "The talks went on for 21 months." in (root / "dist/brief/brief.html").read_text()


def test_parallel_and_repeat_builds_are_byte_identical(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1600000000", "TZ": "Asia/Tokyo"}
    one = build_project(tmp_path / "one")
    two = build_project(tmp_path / "two")
    assert run_tool(one, "build", "-j", "1", env=env).returncode == 0
    assert (
        run_tool(
            two, "build", "-j", "2", env={**env, "TZ": "America/New_York", "LC_ALL": "C"}
        ).returncode
        == 0
    )
    assert snapshot(one / "dist") == snapshot(two / "dist")
    for path in (one / "dist").rglob("*"):
        if path.is_file():
            assert str(tmp_path).encode() not in path.read_bytes(), path


def test_unknown_brief_is_a_clear_error(built: Path) -> None:
    result = run_tool(built, "--brief", "nope")
    assert result.returncode == 1
    assert "no brief named 'nope'; briefs: brief" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_api_reports_problems_without_writing(tmp_path: Path) -> None:
    root = build_project(tmp_path / "p", "uncited-claim")
    lines: list[str] = []
    problems = build(Project.at(root), say=lines.append)
    assert [p.code for p in problems if p.level == "error"] == ["uncited-claim"]
    assert not (root / "dist" / "manifest.json").exists()
