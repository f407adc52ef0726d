"""One scenario per rule code: the check reports exactly the expected problems.

Each tests/projects/<code>/expected.txt lists the problems, one
`path:line:col: level[code] message` per line. To refresh after a deliberate change of
wording: `python tests/update_expected.py [SCENARIO ...]`, then read the diff and run the
tests. Updating and checking are separate runs: this test never writes an expected file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECTS, build_project

from briefwright.config import Project
from briefwright.pipeline import check
from briefwright.rules import RULES

# Rules of the render stage are proved by the rendering and audit tests.
RENDER_ONLY = {
    "citation-dropped",
    "missing-glyph",
    "citation-unresolved",
    "template-error",
    "export-failed",
    "pdf-warning",
    "pandoc-warning",
    "empty-timeline",
}
# Rules whose scenario cannot be a small folder (a file over a size cap), proved elsewhere.
PROVEN_ELSEWHERE = {
    "source-text-too-large": "tests/test_limits.py",
}
# A scenario is a project with an expected.txt; other projects (minimal, render-*,
# published) serve other tests.
SCENARIOS = sorted(p.parent.name for p in PROJECTS.glob("*/expected.txt"))


def lines_of(root: Path) -> list[str]:
    result = check(Project.at(root))
    return [p.text().splitlines()[0] for p in result.problems]


def test_minimal_project_is_clean(tmp_path: Path) -> None:
    assert lines_of(build_project(tmp_path / "p")) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(scenario: str, tmp_path: Path) -> None:
    got = lines_of(build_project(tmp_path / "p", scenario))
    expected_file = PROJECTS / scenario / "expected.txt"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert got == expected
    # The scenario exists to prove its own rule: removing that rule must fail this test.
    assert any(f"[{scenario}]" in line for line in got)


def test_every_rule_has_a_scenario() -> None:
    missing = sorted(set(RULES) - set(SCENARIOS) - RENDER_ONLY - set(PROVEN_ELSEWHERE))
    assert missing == []
