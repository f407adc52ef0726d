"""Rewrite tests/projects/<scenario>/expected.txt from what the check reports now.

    python tests/update_expected.py [SCENARIO ...]

Run it after a deliberate change of wording, read the diff, then run the tests: the test
itself only compares and never writes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import PROJECTS, build_project
from test_check_scenarios import SCENARIOS, lines_of


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        print(f"no such scenario: {', '.join(unknown)}", file=sys.stderr)
        return 2
    for name in names or SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            got = lines_of(build_project(Path(tmp) / "p", name))
        target = PROJECTS / name / "expected.txt"
        old = target.read_text("utf-8") if target.exists() else ""
        new = "\n".join(got) + "\n"
        if new != old:
            target.write_text(new, "utf-8")
            print(f"updated {target.relative_to(PROJECTS.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
