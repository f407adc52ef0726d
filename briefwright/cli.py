"""Command line: parse arguments, run a stage, print problems, return an exit code.

The only place that catches BriefwrightError; a user mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import Project
from .dates import Date, parse_date
from .problems import BriefwrightError, Problem, count, format_problems, has_errors, visible

FORMATS = ("html", "pdf", "docx")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefwright", description="Source-cited policy briefs: check, build, inspect."
    )
    parser.add_argument("-C", "--project", default=".", help="project root (default: .)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser(
        "init",
        help="start a new project in DIR, with a worked example",
        description="Create a project in DIR: content/ with a worked example (a fictional "
        "source, claims, a quote, actors, positions, an option), briefings/ with one brief, "
        "briefwright.toml, schemas/, a Makefile, a CI workflow, a pre-commit config, "
        ".gitignore and a README for editors. DIR must be empty unless --force is given; "
        "existing files are never overwritten.",
    )
    init.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        default=".",
        help="the new project's folder (default: .)",
    )
    init.add_argument("--title", help="the project's name (default: from DIR)")
    init.add_argument("--force", action="store_true", help="write into a folder that is not empty")

    check = sub.add_parser("check", help="run the citation check on all content")
    check.add_argument("--format", choices=("text", "github", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="warnings count as errors")
    _as_of_option(check)

    sub.add_parser("rules", help="list the check's rule codes")

    for name in ("build", *FORMATS):
        build = sub.add_parser(
            name,
            help="build every brief in every format" if name == "build" else f"build only {name}",
        )
        build.add_argument(
            "--brief", action="append", metavar="NAME", help="build only this brief (repeatable)"
        )
        build.add_argument(
            "-j",
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="parallel processes (default: the number of cores)",
        )
        build.add_argument("--strict", action="store_true", help="warnings count as errors")
        build.add_argument(
            "--shard",
            metavar="K/N",
            help="build only the K-th of N balanced parts of the briefs (for a CI matrix; "
            "'merge' joins the parts)",
        )
        build.add_argument(
            "--format",
            dest="problem_format",
            choices=("text", "github", "json"),
            default="text",
            help="how to print problems",
        )
        _as_of_option(build)

    merge = sub.add_parser(
        "merge", help="join the dist/ folders of shard builds into dist/, verifying every hash"
    )
    merge.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    clean = sub.add_parser("clean", help="remove dist/ (with --as-of: that preview's folder)")
    _as_of_option(clean)
    _editor_commands(sub)
    return parser


def _as_of_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="preview every brief as of DATE (YYYY, YYYY-MM or YYYY-MM-DD); a build goes "
        "into preview/as-of-DATE/, never into dist/",
    )


def _as_of(value: str | None) -> Date | None:
    """The --as-of date: one plain date (a folder is named after it)."""
    if value is None:
        return None
    try:
        date = parse_date(value)
    except ValueError as exc:
        raise BriefwrightError(f"--as-of: {exc}") from None
    if date.end is not None or date.approximate:
        raise BriefwrightError(f"--as-of {value}: give one date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return date


def _editor_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = sub.add_parser(
        "schema",
        help="write JSON Schemas for the content files into schemas/",
        description="Generate JSON Schemas from the model into schemas/ (for editors' YAML "
        "language servers).",
    )
    schema.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if schemas/ differs from the model",
    )
    schema.add_argument(
        "--link",
        action="store_true",
        help="also add the '# yaml-language-server: $schema=...' first line to "
        "every content and brief YAML file that lacks it",
    )

    source = sub.add_parser("source", help="archive a source: 'source add FILE --id ID ...'")
    source_sub = source.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    add = source_sub.add_parser(
        "add",
        help="archive a text as content/sources/ID.txt and write ID.yaml",
        description="Copy FILE byte for byte into content/sources/ID.txt, record its sha256 and "
        "write content/sources/ID.yaml. Metadata not given is listed under 'unknown:'; remove "
        "it from there when you add it.",
    )
    add.add_argument("file", metavar="FILE", help="the article text, UTF-8, as received")
    add.add_argument("--id", required=True, dest="source_id", help="source id, e.g. smith-2022")
    add.add_argument("--title")
    add.add_argument("--container", help="the outlet: newspaper, journal, site")
    add.add_argument(
        "--authors", help='"Family, Given; Family2, Given2" (no comma: an organisation)'
    )
    add.add_argument("--issued", help="YYYY, YYYY-MM or YYYY-MM-DD; '~' if approximate")
    add.add_argument("--url")
    add.add_argument(
        "--kind",
        help="article | article-newspaper | article-magazine | "
        "article-journal | webpage | report | speech | document",
    )
    add.add_argument(
        "--force",
        action="store_true",
        help="re-archive an existing source (its quotes are re-checked)",
    )

    new = sub.add_parser(
        "new",
        help="write a commented skeleton: claim, quote or brief",
        description="claim/quote: append to content/claims|quotes/NAME.yaml "
        "(created if needed); brief: write briefings/NAME.yaml.",
    )
    new.add_argument("what", choices=("claim", "quote", "brief"))
    new.add_argument("name", metavar="NAME", help="file name without .yaml (kebab-case)")
    new.add_argument("--id", dest="item_id", help="id of the new claim or quote")
    new.add_argument("--source", help="source id the claim or quote cites")
    new.add_argument(
        "--kind",
        choices=("fact", "assessment", "judgment"),
        default="fact",
        help="kind of claim (default: fact)",
    )

    diff = sub.add_parser(
        "diff",
        help="claim-level diff between two git revisions",
        description="Compare the content of BASE with HEAD (default: the "
        "working tree) and print Markdown for a pull request, or JSON.",
    )
    diff.add_argument("base", metavar="BASE", help="git revision, e.g. origin/main")
    diff.add_argument(
        "head", metavar="HEAD", nargs="?", help="git revision (default: the working tree)"
    )
    diff.add_argument(
        "--format", dest="diff_format", choices=("markdown", "json"), default="markdown"
    )

    impact = sub.add_parser("impact", help="everything that depends on a source")
    impact.add_argument("source_id", metavar="SOURCE_ID")
    impact.add_argument("--format", dest="impact_format", choices=("text", "json"), default="text")

    serve = sub.add_parser(
        "serve", help="build the HTML, serve dist/ on 127.0.0.1, rebuild on change"
    )
    serve.add_argument("--port", type=int, default=8000, help="default: 8000; 0 picks a free one")
    _as_of_option(serve)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("briefwright")
    except metadata.PackageNotFoundError:  # pragma: no cover - a bare checkout
        return "unknown"


def _default_to_build(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`build.py --brief X -j 2` means `build.py build --brief X -j 2` (as the README says)."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("-C", "--project"):
            index += 2
        elif arg.startswith(("--project=", "-C")):
            index += 1
        elif arg in ("-h", "--help", "--version") or arg in sub.choices:
            return argv
        else:
            return [*argv[:index], "build", *argv[index:]]
    # No command at all: a plain build, with the build command's defaults (-j = cores).
    return [*argv, "build"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(_default_to_build(parser, argv))
    project = Project.at(args.project)
    command = args.command or "build"
    try:
        project = project.previewed(_as_of(getattr(args, "as_of", None)))
        if command == "rules":
            from .rules import describe

            print(describe())
            return 0
        if command == "check":
            return _check(project, args.format, args.strict)
        editor = EDITOR_COMMANDS.get(command)
        if editor is not None:
            return editor(project, args)
        if command == "clean":
            from .builder import clean

            clean(project)
            return 0
        from .builder import build, merge
        from .shards import parse_shard

        _require_project(project)
        if command == "merge":
            problems = merge(project, args.folders)
            return _report_build(problems, "text", False)
        formats = FORMATS if command == "build" else (command,)
        if project.as_of is not None:
            print(
                f"preview as of {project.as_of}: building into {project.rel(project.dist)}/; "
                f"{project.rel(project.root / 'dist')}/ (the published editions) is not touched",
                file=sys.stderr,
            )
        jobs = getattr(args, "jobs", 1)
        problems = build(
            project,
            formats=formats,
            briefs=getattr(args, "brief", None),
            jobs=max(1, jobs),
            strict=getattr(args, "strict", False),
            shard=parse_shard(args.shard) if getattr(args, "shard", None) else None,
        )
        fmt = getattr(args, "problem_format", "text")
        return _report_build(problems, fmt, getattr(args, "strict", False))
    except BriefwrightError as exc:
        if exc.problems:
            print(format_problems(exc.problems, "text"), file=sys.stderr)
        print(f"briefwright: {visible(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefwright: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`briefwright impact X | head`): not an error of ours.
        # Point stdout at /dev/null so the interpreter's final flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _init(project: Project, args: argparse.Namespace) -> int:
    from pathlib import Path

    from .init import init_project

    result = init_project(Path(args.directory), title=args.title, force=args.force)
    shown = args.directory
    print(f"created a briefwright project in {shown} ({len(result.written)} files)")
    for name in result.kept:
        print(f"  kept {name} (it exists already)")
    enter = "" if Path(shown).resolve() == Path.cwd().resolve() else f"cd {shown} && "
    print(f"next: {enter}briefwright check && briefwright build  (or: make)")
    return 0


def _require_project(project: Project) -> None:
    if not project.content.is_dir():
        raise BriefwrightError(
            f"no content/ folder in {project.root}: is this a briefwright project?"
        )


# Output convention (README, "Output"): stdout carries the report (the problems, then
# one closing line; or the JSON / GitHub annotations alone); stderr carries progress,
# status and fatal errors (`briefwright: ...`).


def closing_line(problems: list[Problem], strict: bool) -> str:
    """The one line that ends a build's report: how it went, and what happened to dist/."""
    errors, warnings = count(problems)
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if has_errors(problems, strict):
        return f"build failed: {counts}; nothing was published, dist/ is unchanged"
    return f"build passed with {counts}" if problems else "build passed: no problems"


def _report_build(problems: list[Problem], fmt: str, strict: bool) -> int:
    failed = has_errors(problems, strict)
    if fmt == "text":
        if problems or failed:
            lines = [p.text() for p in problems] + [closing_line(problems, strict)]
            print("\n".join(lines), flush=True)
    else:
        print(format_problems(problems, fmt, stage="build"), flush=True)
        if failed:
            print(closing_line(problems, strict), file=sys.stderr)
    return 1 if failed else 0


def _check(project: Project, fmt: str, strict: bool) -> int:
    from .pipeline import check

    _require_project(project)
    result = check(project)
    out = format_problems(result.problems, fmt)
    if out:
        print(out)
    return 1 if has_errors(result.problems, strict) else 0


def _schema(project: Project, args: argparse.Namespace) -> int:
    from .schema import link_files, write_schemas

    report = write_schemas(project, check_only=args.check)
    if args.check:
        if report.stale:
            print(
                f"schemas out of date: {', '.join(report.stale)}; run 'briefwright schema'",
                file=sys.stderr,
            )
            return 1
        print(
            f"schemas up to date ({len(report.unchanged)} files in {project.rel(project.schemas)}/)"
        )
        return 0
    for name in report.written:
        print(f"wrote {project.rel(project.schemas / name)}")
    if not report.written:
        print(
            f"schemas up to date ({len(report.unchanged)} files in {project.rel(project.schemas)}/)"
        )
    if args.link:
        linked = link_files(project)
        for path in linked:
            print(f"linked {project.rel(path)}")
        if not linked:
            print("every content file already names its schema")
    return 0


def _source(project: Project, args: argparse.Namespace) -> int:
    from pathlib import Path

    from .scaffold import SourceMeta, add_source

    meta = SourceMeta(args.title, args.container, args.authors, args.issued, args.url, args.kind)
    result = add_source(project, Path(args.file), args.source_id, meta, force=args.force)
    if result.status == "unchanged":
        print(f"source '{result.source_id}' is already archived with this text; nothing changed")
    else:
        print(
            f"{result.status} source '{result.source_id}': {result.text_path} "
            f"({result.paragraphs} paragraphs, sha256 {result.sha256[:12]}…), {result.yaml_path}"
        )
    if result.unknown and result.status != "unchanged":
        print(
            f"  unknown: {', '.join(result.unknown)} — add them to {result.yaml_path} when "
            "known (and take them out of 'unknown')"
        )
    if result.quotes:
        broken = result.broken
        print(
            f"  {len(result.quotes)} quote{'s' * (len(result.quotes) != 1)} rely on it; "
            f"{len(broken)} no longer match{'es' * (len(broken) == 1)}" + (":" if broken else "")
        )
        for status in broken:
            print(f"  {status.describe()}")
        if broken:
            print("run 'briefwright check' for the closest passages")
            return 1
    return 0


def _new(project: Project, args: argparse.Namespace) -> int:
    from .scaffold import new_item, problems_in

    _require_project(project)
    written = new_item(
        project, args.what, args.name, item_id=args.item_id, source=args.source, kind=args.kind
    )
    verb = "wrote" if written.created else "appended to"
    print(f"{verb} {written.path}" + (f": {args.what} '{written.id}'" if written.id else ""))
    todo = problems_in(project, written)
    if todo:
        print(
            f"fill in the TODOs; the check reports {len(todo)} problem"
            f"{'s' * (len(todo) != 1)} there until you do:"
        )
        for problem in todo:
            print(
                f"  {problem.path}:{problem.line}:{problem.col}: [{problem.code}] {problem.message}"
            )
    return 0


def _diff(project: Project, args: argparse.Namespace) -> int:
    from .diff import FORMATTERS, diff_revisions

    result = diff_revisions(project, args.base, args.head)
    sys.stdout.write(FORMATTERS[args.diff_format](result))
    return 0


def _impact(project: Project, args: argparse.Namespace) -> int:
    from .impact import impact, to_json, to_text

    result = impact(project, args.source_id)
    print(to_json(result) if args.impact_format == "json" else to_text(result))
    return 0


def _serve(project: Project, args: argparse.Namespace) -> int:
    from .serve import serve

    if not 0 <= args.port <= 65535:
        raise BriefwrightError(f"--port {args.port} is not a port number (0–65535)")
    serve(project, args.port)
    return 0


EDITOR_COMMANDS: dict[str, Callable[[Project, argparse.Namespace], int]] = {
    "init": _init,
    "schema": _schema,
    "source": _source,
    "new": _new,
    "diff": _diff,
    "impact": _impact,
    "serve": _serve,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
