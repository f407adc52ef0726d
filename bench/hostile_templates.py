#!/usr/bin/env python3
"""How long a runaway template takes to stop: `.venv/bin/python bench/hostile_templates.py`.

Issue 10 §7: templates have a rendering budget (briefwright/templating.py). Each case of
tests/test_template_safety.py's RUNAWAY list (nested `range(100000)`, huge strings, huge
numbers, doubling in a loop; the tests prove the located `template-error`) becomes the
brief.md.j2 of a fresh copy of tests/projects/minimal and is rendered in a fresh process.
Prints the seconds the render took to fail (median of --repeat runs), the growth of peak
resident memory and the error; the target is at most 2 s (bench/hostile.py's TARGET).
The time is measured here, never asserted in a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))

from hostile import TARGET, measure  # noqa: E402

CHILD = """
import json, resource, sys, time
from briefwright.config import Project
from briefwright.load import load_project
from briefwright.problems import BriefwrightError
from briefwright.render import render_brief
content, _ = load_project(Project.at(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    render_brief(content, "brief")
    error = "rendered"
except BriefwrightError as exc:
    error = exc.problems[0].message if exc.problems else str(exc)
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "grown": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024,
    "error": error,
}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from conftest import build_project, own_template
    from test_template_safety import RUNAWAY

    print(f"{'case':50} {'seconds':>8} {'peak Δ':>8}  error")
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, source in enumerate(RUNAWAY):
            root = build_project(Path(tmp) / f"p{n}")
            (own_template(root) / "brief.md.j2").write_text(f"# T\n\n{source}\n")
            seconds, grown, error = measure(root, args.repeat, CHILD, "error")
            label = source if len(source) <= 50 else source[:47] + "..."
            print(f"{label:50} {seconds:8.2f} {grown / 1e6:7.0f}M  {error[:60]}")
            if seconds > TARGET or error == "rendered":
                slow.append(source)
    if slow:
        print(f"{len(slow)} case(s) over {TARGET} s or not refused")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
