"""Shared fixtures: example projects copied into a temporary folder.

A scenario folder under tests/projects/ holds only the files it changes; it is laid over
a copy of tests/projects/minimal. The repository's templates/ are copied along, so every
example project uses the shipped templates unless it brings its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
NOT_COPIED = {"expected.txt"}


def build_project(dest: Path, scenario: str | None = None) -> Path:
    shutil.copytree(PROJECTS / "minimal", dest, dirs_exist_ok=True)
    if scenario and scenario != "minimal":
        overlay = PROJECTS / scenario
        for path in sorted(overlay.rglob("*")):
            if path.is_file() and path.name not in NOT_COPIED:
                target = dest / path.relative_to(overlay)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    if not (dest / "templates").exists():
        shutil.copytree(ROOT / "templates", dest / "templates")
    return dest


@pytest.fixture
def make_project(tmp_path: Path):
    def make(scenario: str | None = None) -> Path:
        return build_project(tmp_path / (scenario or "minimal"), scenario)

    return make
