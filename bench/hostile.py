#!/usr/bin/env python3
"""How long the check takes to refuse each hostile file: `.venv/bin/python bench/hostile.py`.

Every case of tests/test_hostile_yaml.py (the tests prove the located error and the memory
bound; the time is measured here, never asserted in a test) is written into a fresh copy
of tests/projects/minimal and checked in a fresh process. Prints seconds (median of
--repeat runs) and the growth of peak resident memory; the target (issue 10) is that any
single hostile file is refused in at most 2 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))

TARGET = 2.0  # seconds
SOURCE_TEXT = "content/sources/alpha-2020.txt"

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from briefwright.config import Project
from briefwright.pipeline import check
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
problems = check(Project.at(sys.argv[1])).problems
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "grown": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024,
    "codes": sorted({p.code for p in problems if p.level == "error"}),
}))
"""


def measure(
    root: Path, repeat: int, child: str = CHILD, key: str = "codes"
) -> tuple[float, int, Any]:
    """Run `child` on the project `repeat` times, each in a fresh process: the median of its
    seconds, the largest growth of its peak memory, and what it reported under `key`."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", child, str(root)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(done.stdout))
    return (
        statistics.median(r["seconds"] for r in runs),
        max(r["grown"] for r in runs),
        runs[0][key],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run only cases whose name contains this")
    args = parser.parse_args(argv)

    from conftest import PROJECTS, build_project
    from test_hostile_yaml import CASES, Case

    # Hostile files that are not YAML: an archived text far over the 1 MB cap.
    alpha = (PROJECTS / "minimal/content/sources/alpha-2020.txt").read_bytes()
    cases = {
        **CASES,
        "source-text-4mb": Case(alpha + b"x" * 4_000_000 + b"\n", [], path=SOURCE_TEXT),
    }

    print(f"{'case':32} {'bytes':>10} {'seconds':>8} {'peak Δ':>8}  codes")
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        baseline = build_project(Path(tmp) / "baseline")
        base_s, _, _ = measure(baseline, args.repeat)
        print(f"{'(clean project: the floor)':32} {'':>10} {base_s:8.3f}")
        for name, case in cases.items():
            if args.only and args.only not in name:
                continue
            root = build_project(Path(tmp) / name)
            target = root / case.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(case.data)
            seconds, grown, codes = measure(root, args.repeat)
            flag = "" if seconds <= TARGET else "  ← over target"
            print(
                f"{name[:32]:32} {len(case.data):>10} {seconds:8.3f} "
                f"{grown / 1e6:6.0f}MB  {','.join(codes)}{flag}"
            )
            if seconds > TARGET:
                slow.append(name)
    print(
        f"\ntarget: every hostile file refused in ≤ {TARGET:.0f} s: "
        + ("met" if not slow else f"missed by {len(slow)}: {', '.join(slow)}")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
