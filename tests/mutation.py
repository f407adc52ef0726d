"""Mutation testing of the code that carries the guarantees (`make mutation`; not `make test`).

mutmut (configured in pyproject.toml, [tool.mutmut]) changes one thing at a time in the
citation check, quote matching, reference validation, figures and dates, the audit, safe
YAML, escaping (templating.py: escape_markdown, the md filter, finalize) and the builder's
publish path, and runs the fast tests that call the changed function. A mutant no test
notices is a guarantee no test holds.

    python tests/mutation.py              # run mutmut, then print the score (exit 1 below 90 %)
    python tests/mutation.py --sample 05  # only mutants whose number ends in 0 or 5 (a fifth)
    python tests/mutation.py --report     # the score of the last run only

Score: killed / (all - equivalent). Killed includes a timeout (the watchdog saw a hang).
A survivor is either killed by a new test or listed in tests/MUTANTS.md with the reason it
cannot change behaviour (equivalent). The report goes to stdout and mutants/report.txt.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
TARGET = 0.90

# Whole modules, and the functions of the two larger modules that carry a guarantee.
TARGETS = [
    *(
        f"briefwright.{module}.*"
        for module in (
            "citations",
            "textmatch",
            "validate",
            "numbers",
            "dates",
            "audit",
            "yamlio",
        )
    ),
    *(
        f"briefwright.templating.x_{name}__mutmut_*"
        for name in ("escape_markdown", "_md_filter", "_finalize", "token", "_case")
    ),
    *(
        f"briefwright.builder.x_{name}__mutmut_*"
        for name in (
            "publish_files",
            "write_atomic",
            "in_dist",
            "_stage",
            "_scratch",
            "_clean_stale_temporaries",
            "_publish",
            "_fsync_dir",
        )
    ),
]
# A test process killed by a signal (mutmut's "segfault": a mutant looping until memory
# runs out) failed its tests as surely as a timeout.
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
LINE = re.compile(r"^\s+(briefwright\.\S+__mutmut_\d+): (.+)$")
LISTED = re.compile(r"`(briefwright\.\S+__mutmut_\d+)`")


def sampled(digits: str) -> list[str]:
    """The targets, less the mutants whose number does not end in one of `digits`."""
    if not digits:
        return TARGETS
    return [re.sub(r"(__mutmut_)?\*$", "", t) + f"*__mutmut_*[{digits}]" for t in TARGETS]


def run(children: int, targets: list[str]) -> None:
    # Only tests that call the code in their own process count: mutmut records which
    # tests call each function there (a tool started as a child process runs unmutated).
    command = [str(MUTMUT), "run", "--max-children", str(children), *targets]
    subprocess.run(command, cwd=ROOT, check=True)


def results(targets: list[str]) -> dict[str, str]:
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = LINE.match(line)
        if match and any(fnmatch.fnmatchcase(match[1], t) for t in targets):
            found[match[1]] = match[2].strip()
    return found


def equivalent() -> set[str]:
    """The mutants tests/MUTANTS.md explains as equivalent."""
    listing = ROOT / "tests" / "MUTANTS.md"
    return set(LISTED.findall(listing.read_text("utf-8"))) if listing.exists() else set()


def module_of(name: str) -> str:
    return ".".join(name.split(".")[:2])


def report(found: dict[str, str], same: set[str]) -> tuple[str, float]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    survivors = []
    for name, status in sorted(found.items()):
        kind = "equivalent" if name in same else "killed" if status in KILLED else status
        counts[module_of(name)][kind] += 1
        if kind not in ("killed", "equivalent"):
            survivors.append(f"{name}: {status}")
    lines = [f"{'module':<24} {'mutants':>7} {'killed':>7} {'equiv.':>7} {'other':>7} {'score':>7}"]
    total = Counter()
    for module, c in sorted(counts.items()):
        total += c
        lines.append(_row(module, c))
    lines.append(_row("all", total))
    lines += ["", f"survivors not listed in tests/MUTANTS.md: {len(survivors)}", *survivors]
    return "\n".join(lines) + "\n", _score(total)


def _score(c: Counter[str]) -> float:
    counted = sum(c.values()) - c["equivalent"]
    return c["killed"] / counted if counted else 1.0


def _row(module: str, c: Counter[str]) -> str:
    n = sum(c.values())
    other = n - c["killed"] - c["equivalent"]
    return f"{module:<24} {n:>7} {c['killed']:>7} {c['equivalent']:>7} {other:>7} {_score(c):>6.1%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only report the last run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--sample", default="", help="last digits of the mutants to run")
    args = parser.parse_args(argv)
    targets = sampled(args.sample)
    if not args.report:
        run(args.jobs, targets)
    found = results(targets)
    if not found:
        print("no mutation results: run `make mutation` first", file=sys.stderr)
        return 2
    text, score = report(found, equivalent())
    (ROOT / "mutants" / "report.txt").write_text(text, "utf-8")
    print(text, end="")
    print(f"mutation score {score:.1%} (target {TARGET:.0%})")
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
