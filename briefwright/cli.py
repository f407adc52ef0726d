"""Command line: parse arguments, run a stage, print problems, return an exit code.

The only place that catches BriefwrightError; a user mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .config import Project
from .problems import BriefwrightError, format_problems, has_errors

FORMATS = ("html", "pdf", "docx")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefwright", description="Source-cited policy briefs: check, build, inspect."
    )
    parser.add_argument("-C", "--project", default=".", help="project root (default: .)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="run the citation check on all content")
    check.add_argument("--format", choices=("text", "github", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="warnings count as errors")

    sub.add_parser("rules", help="list the check's rule codes")

    for name in ("build", *FORMATS):
        build = sub.add_parser(
            name, help="build every brief in every format" if name == "build"
            else f"build only {name}"
        )
        build.add_argument("--brief", action="append", metavar="NAME",
                           help="build only this brief (repeatable)")
        build.add_argument("-j", "--jobs", type=int, default=1, help="parallel processes")
        build.add_argument("--strict", action="store_true", help="warnings count as errors")
        build.add_argument("--format", dest="problem_format", choices=("text", "github", "json"),
                           default="text", help="how to print problems")

    sub.add_parser("clean", help="remove dist/")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project.at(args.project)
    command = args.command or "build"
    try:
        if command == "rules":
            from .rules import describe

            print(describe())
            return 0
        if command == "check":
            return _check(project, args.format, args.strict)
        if command == "clean":
            from .builder import clean

            clean(project)
            return 0
        from .builder import build

        formats = FORMATS if command == "build" else (command,)
        jobs = getattr(args, "jobs", 1)
        problems = build(project, formats=formats, briefs=getattr(args, "brief", None),
                         jobs=max(1, jobs), strict=getattr(args, "strict", False))
        fmt = getattr(args, "problem_format", "text")
        if problems:
            print(format_problems(problems, fmt), file=sys.stderr)
        return 1 if has_errors(problems, getattr(args, "strict", False)) else 0
    except BriefwrightError as exc:
        if exc.problems:
            print(format_problems(exc.problems, "text"), file=sys.stderr)
        print(f"briefwright: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefwright: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130


def _check(project: Project, fmt: str, strict: bool) -> int:
    from .pipeline import check

    if not project.content.is_dir():
        raise BriefwrightError(f"no content/ folder in {project.root}: is this a briefwright project?")
    result = check(project)
    out = format_problems(result.problems, fmt)
    if out:
        print(out)
    return 1 if has_errors(result.problems, strict) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
