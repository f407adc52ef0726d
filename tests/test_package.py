"""Acceptance: the released artefacts work on their own, outside this repository.

Builds the sdist and, from it, the wheel (so the sdist is proved complete), installs the
wheel with all its dependencies into a fresh virtual environment (no system site
packages: a missing dependency must fail here), and in a temporary folder runs what a
new user runs: `init`, `check`, `build`, `source add`. Slow: it installs the whole
dependency tree (from pip's cache when warm) and renders a brief.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

# Installing the dependency tree on a cold pip cache takes minutes: more than the usual watchdog.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

TEMPLATE_FILES = (
    "templates/policy-brief/brief.md.j2",
    "templates/policy-brief/page.html",
    "templates/policy-brief/brief.css",
    "templates/policy-brief/screen.css",
    "templates/policy-brief/print.css",
    "templates/policy-brief/reference.docx",
    "skeleton/briefwright.toml",
    "skeleton/content/sources/gazette-2024.txt",
    "skeleton/dot-github/workflows/briefs.yml",
    "skeleton/dot-gitignore",
)


def run(args: list[str | Path], cwd: Path, timeout: int = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    # Run from outside the checkout: its build.py would shadow the `build` package.
    run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=out)
    [wheel] = out.glob("briefwright-*.whl")
    [sdist] = out.glob("briefwright-*.tar.gz")
    return wheel, sdist


def test_wheel_and_sdist_carry_the_template_and_the_skeleton(artefacts) -> None:
    wheel, sdist = artefacts
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
        [metadata] = [n for n in in_wheel if n.endswith(".dist-info/METADATA")]
        meta = archive.read(metadata).decode("utf-8")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in TEMPLATE_FILES:
        assert f"briefwright/{name}" in in_wheel, name
        assert f"briefwright/{name}" in in_sdist, name
    assert "License-Expression: MIT" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in in_wheel)
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"} <= in_sdist


def test_the_wheel_in_a_fresh_environment_starts_checks_and_builds_a_project(
    artefacts, tmp_path: Path
) -> None:
    wheel, _sdist = artefacts
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / "bin" / "python"
    tool = env_dir / "bin" / "briefwright"
    run([python, "-m", "pip", "install", "--quiet", wheel], cwd=tmp_path, timeout=900)
    work = tmp_path / "work"
    work.mkdir()
    where = run([python, "-c", "import briefwright; print(briefwright.__file__)"], cwd=work)
    assert Path(where.strip()).is_relative_to(env_dir)  # not this checkout

    version = run([tool, "--version"], cwd=work)
    assert version.startswith("briefwright ") and version.strip() != "briefwright unknown"
    run([tool, "init", "river", "--title", "River briefs"], cwd=work)
    project = work / "river"
    # The new project's `make` installs the very wheel it was started with.
    assert f"briefwright @ {wheel.as_uri()}" in (project / "requirements.txt").read_text("utf-8")
    assert "check passed: no problems" in run([tool, "check", "--strict"], cwd=project)
    run([tool, "build"], cwd=project)
    brief = project / "dist" / "tamber-agreement"
    for suffix in ("html", "pdf", "docx"):
        output = brief / f"tamber-agreement.{suffix}"
        assert output.is_file() and output.stat().st_size > 1000, output
    assert (brief / "tamber-agreement.pdf").read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(brief / "tamber-agreement.docx")
    assert b"Tamber" in (brief / "tamber-agreement.html").read_bytes()

    article = work / "article.txt"
    article.write_text(
        "A second fictional article for the acceptance test.\n"
        "Southmere's council asked for the first review in 2027.\n",
        "utf-8",
    )
    added = run(
        [
            tool,
            "source",
            "add",
            article,
            "--id",
            "courier-2025",
            "--title",
            "Review asked",
            "--container",
            "The Example Courier",
            "--authors",
            "Example, Alex",
            "--issued",
            "2025-02-01",
            "--url",
            "https://example.org/review",
        ],
        cwd=project,
    )
    assert "source 'courier-2025'" in added
    assert (project / "content/sources/courier-2025.txt").read_bytes() == article.read_bytes()
    # The new source is not cited yet: a warning, not an error.
    assert "unused-source" in run([tool, "check"], cwd=project)
