#!/usr/bin/env python3
"""Where the time goes, beside the floor: `.venv/bin/python bench/run.py [--quick] [--repeat N]`.

Prints a table of medians over several runs, each measured in a fresh process (so imports
and caches are what a user's run sees, and peak memory is that process's maxrss):

- check at scale: `check` on synthetic corpora (bench/synth.py) of 1 000 claims/50
  sources and 10 000 claims/500 sources, beside the floor of parsing the same YAML files
  with PyYAML's C loader; the ratio and the growth from 1k to 10k;
- cold build of each shipped brief in all formats (in a temporary copy of content/,
  briefings/ and templates/), beside the floor: the exact pandoc commands of
  briefwright/export (recorded, then replayed on dist/<brief>/<brief>.md) and WeasyPrint
  run directly on the same HTML;
- no-op build and its ratio to the cold build; one claim changed (which targets rebuild,
  and how long it takes); `-j 1` against `-j 2`.

Targets (issue 7): cold ≤ 1.15 × floor; no-op ≤ 0.05 × cold; a one-claim change rebuilds
only the briefs that use it; check at 10k ≤ 2 × floor and 10k/1k ≤ 11.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SIZES = ((1_000, 50), (10_000, 500))
TIMEOUT = 600


# --- measuring in a fresh process ---------------------------------------------------------


@dataclass
class Ran:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float  # maxrss of the process and the children it waited for
    cpu: float = 0.0  # user + system CPU seconds, the children's included


def run_process(
    argv: Sequence[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    timeout: float = TIMEOUT,
) -> Ran:
    """Run a command; wall time and peak memory from wait4 (pandoc's included)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryFile() as given,
    ):
        if stdin is not None:
            given.write(stdin)
            given.seek(0)
        start = time.perf_counter()
        source = given if stdin is not None else subprocess.DEVNULL
        proc = subprocess.Popen(list(argv), stdin=source, stdout=out, stderr=err, cwd=cwd, env=env)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Ran(
            seconds,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
        )


def snapshot_code(source: Path, dest: Path) -> Path:
    """Copy the package to measure, so the builder's code hash (and the code) stay fixed."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(
        source / "briefwright", dest / "briefwright", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def child(mode: str, *args: str | Path) -> dict[str, Any]:
    """Run one measurement of this script in a fresh interpreter; its JSON answer."""
    ran = run_process(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, *map(str, args)]
    )
    if ran.returncode != 0:
        raise RuntimeError(f"{mode} failed (exit {ran.returncode}): {ran.stderr.strip()[-2000:]}")
    answer = json.loads(ran.stdout.strip().splitlines()[-1])
    answer["peak_mb"] = ran.peak_mb
    return answer


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def content_yaml(root: Path) -> list[Path]:
    """The YAML files `check` reads."""
    found = sorted((root / "content").rglob("*.yaml")) + sorted((root / "content").rglob("*.yml"))
    found += sorted((root / "briefings").glob("*.yaml"))
    return found


def measure_check(root: Path) -> dict[str, Any]:
    """`check` once, in this process (imports are done before the clock starts)."""
    from briefwright.config import Project
    from briefwright.pipeline import check
    from briefwright.problems import count

    base = _maxrss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    result = check(Project.at(root))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    errors, warnings = count(result.problems)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "errors": errors,
        "warnings": warnings,
        "claims": len(result.content.claims),
        "base_mb": base,
    }


def measure_floor(root: Path) -> dict[str, Any]:
    """Read and parse the same YAML files with PyYAML's C loader: the floor for `check`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        raise RuntimeError("PyYAML was built without libyaml: no C loader for the floor")
    files = content_yaml(root)
    base = _maxrss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        yaml.load(path.read_text("utf-8"), Loader=loader)  # the C *safe* loader
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "files": len(files),
        "base_mb": base,
    }


# --- the table ------------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        cells = [self.header, *self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.header))]

        def line(row: list[str]) -> str:
            return "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )

        out = [f"## {self.title}", line(self.header), "  ".join("-" * w for w in widths)]
        out += [line(row) for row in self.rows]
        out += [f"  {note}" for note in self.notes]
        return "\n".join(out)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def secs(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def mb(value: float) -> str:
    return f"{value:.0f} MB"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# --- check at scale ------------------------------------------------------------------------


def bench_check(
    work: Path,
    repeat: int,
    sizes: Sequence[tuple[int, int]] = SIZES,
    seed: int = 1,
    say: Callable[[str], None] = print,
) -> Table:
    sys.path.insert(0, str(BENCH))
    from synth import generate

    table = Table(
        f"check at scale (median of {repeat} fresh processes each; wall, then CPU)",
        [
            "corpus",
            "check",
            "C-parse floor",
            "ratio",
            "check CPU",
            "floor CPU",
            "CPU ratio",
            "check peak (Δ)",
            "floor peak",
            "problems",
        ],
    )
    wall: dict[int, float] = {}
    cpu: dict[int, float] = {}
    ratios: dict[int, tuple[float, float]] = {}
    for claims, sources in sizes:
        root = work / f"synth-{claims}-{sources}-{seed}"
        if not root.exists():
            say(f"generating {claims} claims over {sources} sources ...")
            generate(root, claims, sources, seed)
        runs: dict[str, list[dict[str, Any]]] = {"check": [], "floor": []}
        for _ in range(repeat):
            for mode in ("check", "floor"):  # interleaved, so drift hits both alike
                runs[mode].append(child(mode, root))

        def med(mode: str, key: str, runs: dict[str, list[dict[str, Any]]] = runs) -> float:
            return median([r[key] for r in runs[mode]])

        wall[claims], cpu[claims] = med("check", "seconds"), med("check", "cpu")
        ratios[claims] = (wall[claims] / med("floor", "seconds"), cpu[claims] / med("floor", "cpu"))
        delta = median([r["peak_mb"] - r["base_mb"] for r in runs["check"]])
        last = runs["check"][-1]
        table.rows.append(
            [
                f"{claims} claims / {sources} sources",
                secs(wall[claims]),
                secs(med("floor", "seconds")),
                f"{ratios[claims][0]:.2f}×",
                secs(cpu[claims]),
                secs(med("floor", "cpu")),
                f"{ratios[claims][1]:.2f}×",
                f"{mb(med('check', 'peak_mb'))} ({mb(delta)})",
                mb(med("floor", "peak_mb")),
                f"{last['errors']} errors, {last['warnings']} warnings",
            ]
        )
    small, large = min(wall), max(wall)
    if small != large:
        limit = large / small * 1.1
        growth, growth_cpu = wall[large] / wall[small], cpu[large] / cpu[small]
        table.notes.append(
            f"growth {large}/{small} claims: {growth:.2f}× wall, {growth_cpu:.2f}× CPU "
            f"(target ≤ {limit:.0f}: {verdict(growth <= limit)} wall, "
            f"{verdict(growth_cpu <= limit)} CPU)"
        )
    ratio, ratio_cpu = ratios[large]
    table.notes.append(
        f"check at {large} claims ≤ 2 × floor: {verdict(ratio <= 2)} wall "
        f"({ratio:.2f}×), {verdict(ratio_cpu <= 2)} CPU ({ratio_cpu:.2f}×)"
    )
    return table


# --- builds --------------------------------------------------------------------------------


def prepare_project(dest: Path, source: Path = ROOT) -> Path:
    """A private copy of a project (the shipped one by default): what a build reads."""
    for name in ("content", "briefings", "templates"):
        if (source / name).is_dir():
            shutil.copytree(
                source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "dist")
            )
    return dest


def build_command(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "briefwright.cli", "-C", str(project), "build", *args]


BUILT = re.compile(r"^\[\d+/\d+\] (\S+): built", re.MULTILINE)


def built_targets(stderr: str) -> list[str]:
    return sorted(BUILT.findall(stderr))


def run_build(project: Path, *args: str, cold: bool = True) -> Ran:
    if cold and (project / "dist").exists():
        shutil.rmtree(project / "dist")
    ran = run_process(build_command(project, *args), cwd=project)
    if ran.returncode != 0:
        raise RuntimeError(
            f"build {' '.join(args)} failed (exit {ran.returncode}):\n" + ran.stderr.strip()[-3000:]
        )
    return ran


def record_exports(project: Path, out: Path) -> dict[str, Any]:
    """Run the exporters once with pandoc.run spied on: the exact commands they run.

    Each format works in its own kept folder under `out`, so the files the commands name
    (bibliography, style, page template, reference.docx) are there to replay them.
    """
    from briefwright import pandoc
    from briefwright.config import Project
    from briefwright.export import EXPORTERS
    from briefwright.load import load_project
    from briefwright.render import render_brief

    content, _ = load_project(Project.at(project))
    calls: list[dict[str, Any]] = []
    real = pandoc.run

    def spy(
        argv: Sequence[str], *, stdin: bytes | None = None, cwd: Path | None = None, **kwargs: Any
    ) -> bytes:
        if "--version" not in argv:
            calls.append(
                {
                    "argv": list(argv),
                    "cwd": str(cwd) if cwd else None,
                    "stdin": (stdin or b"").decode("utf-8"),
                }
            )
        return real(argv, stdin=stdin, cwd=cwd, **kwargs)

    pandoc.run = spy  # type: ignore[assignment]
    briefs: dict[str, Any] = {}
    try:
        for name in sorted(content.briefings):
            rendered = render_brief(content, name)
            entry: dict[str, Any] = {"formats": list(content.briefings[name].formats)}
            for fmt in entry["formats"]:
                work = out / name / fmt
                work.mkdir(parents=True, exist_ok=True)
                calls.clear()
                EXPORTERS[fmt](rendered, work)
                entry[fmt] = [_one_run(calls, fmt, rendered)] if fmt != "pdf" else []
                if fmt == "pdf":
                    entry["print_html"] = str(work / "print.html")
                    entry["base_url"] = rendered.template_file("assets").resolve().as_uri() + "/"
            briefs[name] = entry
    finally:
        pandoc.run = real  # type: ignore[assignment]
    return {"briefs": briefs}


def _one_run(calls: list[dict[str, Any]], fmt: str, rendered: Any) -> dict[str, Any]:
    """The floor's pandoc run for a format: the Markdown to the format in one run, with
    the exporter's citeproc arguments (its parse, `--to json`) and its writer's (the
    `--from json` run), as pandoc alone would make the same output."""
    parses = [c for c in calls if c["argv"][4] == "json"]
    if not parses:  # a package from before the shared parse: one run per format already
        return [c for c in calls if "--to" in c["argv"]][-1]
    parse = parses[0]
    writer = [c for c in calls if c["argv"][2] == "json"][-1]
    argv = [*parse["argv"][:4], writer["argv"][4], *parse["argv"][5:], *writer["argv"][8:]]
    stdin = parse["stdin"]
    if fmt == "docx":  # unlinked citations and the figure as PNG, as export_docx gives them
        from briefwright.export.docx import _png_figure

        argv = [a.replace("link-citations=true", "link-citations=false") for a in argv]
        figure = _png_figure(rendered)
        if figure is not None:
            stdin = stdin.replace(f"]({figure[0]})", f"]({figure[1]})")
    return {"argv": argv, "cwd": writer["cwd"], "stdin": stdin}


STYLE = re.compile(r"<style\b.*?</style>|<link\b[^>]*>", re.DOTALL | re.IGNORECASE)


def bare_page(page: str) -> str:
    """The page without a single stylesheet: WeasyPrint's own defaults only."""
    return STYLE.sub("", page)


@dataclass
class Floor:
    """The raw tools on a brief's own inputs, each in a fresh process."""

    seconds: float  # pandoc → html + pandoc → docx + WeasyPrint on the bare page
    cpu: float
    peak_mb: float
    parts: dict[str, float]  # wall seconds of each part
    styled: float  # WeasyPrint on the styled print page (the stylesheet's own cost)
    styled_cpu: float
    bare_cpu: float


def _weasyprint(html: Path, base_url: str) -> Ran:
    ran = run_process(
        [
            sys.executable,
            "-m",
            "weasyprint",
            "--media-type",
            "print",
            "--base-url",
            base_url,
            "--pdf-identifier",
            "briefwright",
            "--quiet",
            str(html),
            str(html.with_suffix(".pdf")),
        ]
    )
    if ran.returncode != 0:
        raise RuntimeError(f"WeasyPrint failed: {ran.stderr[-2000:]}")
    return ran


def floor_brief(project: Path, name: str, recorded: dict[str, Any]) -> Floor:
    """The bare floor: pandoc → html and pandoc → docx (with citeproc, one run each, with
    the exporter's arguments and input: dist/<brief>/<brief>.md, for DOCX with the figure
    as PNG; see _one_run), and WeasyPrint on the brief's print HTML with every stylesheet
    removed. WeasyPrint on the styled page is measured too: styled − bare is what the
    stylesheet costs.
    """
    intermediate = (project / "dist" / name / f"{name}.md").read_text("utf-8")
    parts: dict[str, float] = {}
    peak = cpu = 0.0
    styled = styled_cpu = bare_cpu = 0.0
    for fmt in ("html", "docx"):
        if fmt not in recorded["formats"]:
            continue
        call = [c for c in recorded[fmt] if "--to" in c["argv"]][-1]
        if fmt == "html" and call["stdin"] != intermediate:
            raise RuntimeError(f"{name}: the HTML exporter's input is not dist/{name}/{name}.md")
        ran = run_process(
            call["argv"],
            cwd=Path(call["cwd"]) if call["cwd"] else None,
            stdin=call["stdin"].encode("utf-8"),
        )
        if ran.returncode != 0:
            raise RuntimeError(f"pandoc → {fmt} failed: {ran.stderr[-2000:]}")
        parts[fmt] = ran.seconds
        cpu += ran.cpu
        peak = max(peak, ran.peak_mb)
    if "pdf" in recorded["formats"]:
        html = Path(recorded["print_html"])
        bare = html.with_name("bare.html")
        bare.write_text(bare_page(html.read_text("utf-8")), "utf-8")
        ran = _weasyprint(bare, recorded["base_url"])
        parts["pdf"], bare_cpu = ran.seconds, ran.cpu
        cpu += ran.cpu
        peak = max(peak, ran.peak_mb)
        full = _weasyprint(html, recorded["base_url"])
        styled, styled_cpu = full.seconds, full.cpu
    return Floor(sum(parts.values()), cpu, peak, parts, styled, styled_cpu, bare_cpu)


# WeasyPrint's stages and the layout work inside them, as the profile reports them.
PROFILED = {
    "parse HTML and CSS, compute styles": ("document.py", "_build_layout_context"),
    "build boxes": ("build.py", "build_formatting_structure"),
    "lay out pages": ("page.py", "make_all_pages"),
    "  footnotes (area and notes)": ("__init__.py", "_update_footnote_area"),
    "  tables": ("table.py", "table_layout"),
    "  line breaking (Pango)": ("line_break.py", "split_first_line"),
    "  min/max content widths": ("preferred.py", "min_content_width"),
    "write the PDF": ("document.py", "write_pdf"),
}


def profile_layout(html: Path, base_url: str, bare: bool = False) -> dict[str, Any]:
    """Where WeasyPrint's time goes on one page (cProfile, cumulative CPU seconds)."""
    import cProfile
    import pstats

    import weasyprint

    page = html.read_text("utf-8")
    if bare:
        page = bare_page(page)
    profile = cProfile.Profile(time.process_time)
    start = time.process_time()
    profile.enable()
    document = weasyprint.HTML(string=page, base_url=base_url, media_type="print")
    rendered = document.render()
    rendered.write_pdf()
    profile.disable()
    total = time.process_time() - start
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for label, (file, function) in PROFILED.items():
        found[label] = sum(
            cumulative
            for (path, _, name), (_, _, _, cumulative, _) in stats.items()
            if name == function and path.endswith(file) and "weasyprint" in path
        )
    return {"pages": len(rendered.pages), "parts": found, "total": total}


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (pandoc)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure_audit(project: Path) -> dict[str, Any]:
    """CPU seconds of each audit on the outputs in dist/, beside what making them costs
    in this process (render, pandoc's parse, export), made as the build makes them: one
    parse per brief for the intermediate's audit and the HTML and DOCX writers, the PDF
    from the HTML page."""
    from briefwright import export
    from briefwright.audit import audit_intermediate, audit_output
    from briefwright.config import Project
    from briefwright.export.pdf import export_pdf
    from briefwright.load import load_project
    from briefwright.render import render_brief

    # A package from before the shared parse (--code): each exporter and the audit parse.
    shared = hasattr(export, "parse")
    content, _ = load_project(Project.at(project))
    found: dict[str, Any] = {}
    for name in sorted(content.briefings):
        start = _cpu()
        rendered = render_brief(content, name)
        parsed = None
        if shared:
            with tempfile.TemporaryDirectory() as work:
                parsed = export.parse(rendered, Path(work))
                ast = parsed.ast
        render_cpu = _cpu() - start
        start = _cpu()
        problems = audit_intermediate(rendered, ast) if shared else audit_intermediate(rendered)
        entry: dict[str, Any] = {
            "render": render_cpu,
            "intermediate": _cpu() - start,
            "problems": len(problems),
        }
        page = None
        for fmt in sorted(content.briefings[name].formats, key=lambda f: f != "html"):
            output = project / "dist" / name / f"{name}.{fmt}"
            if not output.is_file():
                continue  # not built
            data = output.read_bytes()
            with tempfile.TemporaryDirectory() as work:
                start = _cpu()
                if fmt == "pdf" and page is not None:
                    export_pdf(rendered, Path(work), screen_page=page)
                else:
                    extra = (parsed,) if shared else ()
                    made = export.EXPORTERS[fmt](rendered, Path(work), *extra)
                    page = made if fmt == "html" else page
                export_cpu = _cpu() - start
            start = _cpu()
            problems = audit_output(rendered, fmt, data, rendered.brief_path)
            entry[fmt] = {
                "audit": _cpu() - start,
                "export": export_cpu,
                "problems": len(problems),
            }
        found[name] = entry
    return found


def bench_audit(project: Path) -> Table:
    """The audit's share of the build, per brief and format (one fresh process)."""
    found = child("audit", project)
    del found["peak_mb"]
    table = Table(
        "the audit's cost (CPU seconds, pandoc's included; one fresh process)",
        ["brief", "format", "audit", "make (render + parse + export)", "audit share"],
    )
    worst = 0.0
    for name, entry in found.items():
        table.rows.append(
            [name, "intermediate", secs(entry["intermediate"]), secs(entry["render"]), ""]
        )
        audits = entry["intermediate"]
        makes = entry["render"]
        for fmt in ("html", "pdf", "docx"):
            if fmt in entry:
                part = entry[fmt]
                audits += part["audit"]
                makes += part["export"]
                share = part["audit"] / (part["audit"] + part["export"])
                table.rows.append(
                    [name, fmt, secs(part["audit"]), secs(part["export"]), f"{share:.0%}"]
                )
        share = audits / (audits + makes)
        worst = max(worst, share)
        table.rows.append([name, "all", secs(audits), secs(makes), f"{share:.0%}"])
    table.notes.append(f"audit ≤ 10% of the build for every brief: {verdict(worst <= 0.10)}")
    return table


def pick_claim(project: Path) -> dict[str, Any]:
    """A claim used by exactly one brief, whose text can be edited in place."""
    import yaml

    from briefwright.config import Project
    from briefwright.pipeline import check
    from briefwright.scope import brief_scope

    content = check(Project.at(project)).content
    scopes = {name: brief_scope(content, b).claims for name, b in content.briefings.items()}
    users: dict[str, list[str]] = {}
    for name, claims in scopes.items():
        for claim_id in claims:
            users.setdefault(claim_id, []).append(name)
    for claim_id in sorted(users):
        if len(users[claim_id]) != 1 or content.claims[claim_id].kind == "judgment":
            continue
        path = project / content.claims[claim_id].where.path
        text = path.read_text("utf-8")
        for item in yaml.compose(text, Loader=yaml.SafeLoader).value:
            keys = {k.value: v for k, v in item.value}
            if keys.get("id") is None or keys["id"].value != claim_id:
                continue
            node = keys["text"]
            if node.style not in (None, '"', "'"):
                break  # a block scalar: try another claim
            at = node.end_mark.index - (1 if node.style else 0)
            return {
                "claim": claim_id,
                "brief": users[claim_id][0],
                "path": str(path),
                "at": at,
                "briefs": sorted(scopes),
            }
    raise RuntimeError("no claim is used by exactly one brief")


def bench_build(
    work: Path, repeat: int, say: Callable[[str], None] = print, source: Path = ROOT
) -> list[Table]:
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    prepare_project(project, source)
    try:
        probe = run_build(project)
    except RuntimeError as exc:
        last = str(exc).strip().splitlines()[-1]
        return [Table("builds: SKIPPED — `build` does not work yet", ["reason"], [[last]])]
    say(f"probe build: {secs(probe.seconds)}")
    recorded = child("record", project, work / "floor")["briefs"]
    names = sorted(recorded)

    # Cold builds: each brief alone, then all briefs; -j 1 and -j 2; floors interleaved.
    per_brief: dict[str, list[Ran]] = {n: [] for n in names}
    floors: dict[str, list[Floor]] = {n: [] for n in names}
    cold_all: list[Ran] = []
    cold_j2: list[Ran] = []
    noop: list[Ran] = []
    for i in range(repeat):
        say(f"build round {i + 1}/{repeat} ...")
        for name in names:
            per_brief[name].append(run_build(project, "--brief", name))
            floors[name].append(floor_brief(project, name, recorded[name]))
        cold_all.append(run_build(project, "-j", "1"))
        noop.append(run_build(project, cold=False))
        cold_j2.append(run_build(project, "-j", "2"))

    cold_table = Table(
        f"cold build vs bare floor (median of {repeat}; wall, then CPU)",
        [
            "brief",
            "cold build",
            "bare floor",
            "ratio",
            "cold CPU",
            "floor CPU",
            "CPU ratio",
            "PDF styled/bare (CPU)",
            "build peak",
            "floor parts (wall)",
        ],
    )
    total_floor = total_cpu = 0.0
    ratios: list[float] = []
    for name in names:
        cold = median([r.seconds for r in per_brief[name]])
        cold_cpu = median([r.cpu for r in per_brief[name]])
        floor = median([f.seconds for f in floors[name]])
        floor_cpu = median([f.cpu for f in floors[name]])
        total_floor += floor
        total_cpu += floor_cpu
        ratios.append(cold_cpu / floor_cpu)
        parts = {k: median([f.parts[k] for f in floors[name]]) for k in floors[name][0].parts}
        styled = median([f.styled_cpu for f in floors[name]])
        bare = median([f.bare_cpu for f in floors[name]])
        cold_table.rows.append(
            [
                name,
                secs(cold),
                secs(floor),
                f"{cold / floor:.2f}×",
                secs(cold_cpu),
                secs(floor_cpu),
                f"{cold_cpu / floor_cpu:.2f}×",
                f"{secs(styled)} / {secs(bare)} = {styled / bare:.2f}×" if bare else "",
                mb(median([r.peak_mb for r in per_brief[name]])),
                " ".join(f"{k} {v:.2f}" for k, v in parts.items()),
            ]
        )
    all_s = median([r.seconds for r in cold_all])
    all_cpu = median([r.cpu for r in cold_all])
    cold_table.rows.append(
        [
            "all briefs (-j 1)",
            secs(all_s),
            secs(total_floor),
            f"{all_s / total_floor:.2f}×",
            secs(all_cpu),
            secs(total_cpu),
            f"{all_cpu / total_cpu:.2f}×",
            "",
            mb(median([r.peak_mb for r in cold_all])),
            "floor = sum",
        ]
    )
    cold_table.notes.append(
        f"cold ≤ 1.2 × bare floor for every brief (CPU): {verdict(max(ratios) <= 1.2)} "
        f"(worst {max(ratios):.2f}×)"
    )
    cold_table.notes.append(
        "bare floor: the recorded pandoc commands (citeproc) on dist/<brief>/<brief>.md, and "
        "`python -m weasyprint` on the brief's print HTML with every stylesheet removed; "
        "styled/bare: WeasyPrint on the print HTML with and without its styles"
    )

    noop_s = median([r.seconds for r in noop])
    j2_s = median([r.seconds for r in cold_j2])
    inc = Table(
        f"incremental and parallel builds (median of {repeat})",
        ["build", "time", "vs cold -j 1", "peak", "rebuilt"],
    )
    inc.rows.append(
        [
            "cold, all briefs, -j 1",
            secs(all_s),
            "1.00×",
            mb(median([r.peak_mb for r in cold_all])),
            str(len(built_targets(cold_all[-1].stderr))),
        ]
    )
    inc.rows.append(
        [
            "cold, all briefs, -j 2",
            secs(j2_s),
            f"{j2_s / all_s:.2f}×",
            mb(median([r.peak_mb for r in cold_j2])),
            str(len(built_targets(cold_j2[-1].stderr))),
        ]
    )
    inc.rows.append(
        [
            "no-op (nothing changed)",
            secs(noop_s),
            f"{noop_s / all_s:.3f}×",
            mb(median([r.peak_mb for r in noop])),
            str(len(built_targets(noop[-1].stderr))),
        ]
    )
    inc.notes.append(f"no-op ≤ 0.05 × cold: {verdict(noop_s <= 0.05 * all_s)}")

    # One claim changed: edit its text (differently each time, so each edit is a change
    # from what dist/ holds), rebuild, and put the text back at the end.
    pick = child("pick", project)
    path = Path(pick["path"])
    original = path.read_text("utf-8")
    changed: list[Ran] = []
    rebuilt: list[str] = []
    try:
        for i in range(repeat):
            mark = f" (edited, take {'abcdefghijklmnopqrstuvwxyz'[i % 26]})"
            path.write_text(original[: pick["at"]] + mark + original[pick["at"] :], "utf-8")
            ran = run_build(project, cold=False)
            changed.append(ran)
            rebuilt = built_targets(ran.stderr)
    finally:
        path.write_text(original, "utf-8")
    expected = [f"{pick['brief']}/{pick['brief']}.{f}" for f in recorded[pick["brief"]]["formats"]]
    change_s = median([r.seconds for r in changed])
    inc.rows.append(
        [
            f"one claim changed ({pick['claim']})",
            secs(change_s),
            f"{change_s / all_s:.2f}×",
            mb(median([r.peak_mb for r in changed])),
            ", ".join(rebuilt) or "nothing",
        ]
    )
    only = sorted(rebuilt) == sorted(expected)
    inc.notes.append(
        f"one-claim change rebuilds only '{pick['brief']}', the brief using it: {verdict(only)}"
    )
    run_build(project, cold=False)  # dist/ as the restored content makes it, for the audit
    return [cold_table, inc, bench_audit(project)]


def bench_profile(work: Path, say: Callable[[str], None] = print, source: Path = ROOT) -> Table:
    """Where WeasyPrint's time goes for each brief's PDF, styled and bare (one run each)."""
    project = work / "profile-project"
    if project.exists():
        shutil.rmtree(project)
    prepare_project(project, source)
    recorded = child("record", project, work / "profile-floor")["briefs"]
    runs = {}
    for name in sorted(recorded):
        if "pdf" not in recorded[name]["formats"]:
            continue
        say(f"profiling {name} ...")
        for style in ("styled", "bare"):
            runs[name, style] = child(
                "profile", recorded[name]["print_html"], recorded[name]["base_url"], style
            )
    labels = list(PROFILED)
    header = ["CPU seconds (cProfile, cumulative)"]
    header += [f"{name} {style}" for name, style in runs]
    table = Table("where WeasyPrint's time goes (one profiled run each)", header)
    table.rows.append(["pages", *[str(r["pages"]) for r in runs.values()]])
    table.rows.append(["total", *[secs(r["total"]) for r in runs.values()]])
    table.rows.append(["per page", *[secs(r["total"] / max(1, r["pages"])) for r in runs.values()]])
    for label in labels:
        table.rows.append([label, *[secs(r["parts"][label]) for r in runs.values()]])
    table.notes.append(
        "profiled times run about 1.5-2 × the unprofiled ones; the parts overlap (line "
        "breaking happens inside footnotes and tables)"
    )
    return table


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def bench_scale(
    work: Path,
    say: Callable[[str], None] = print,
    claims: int = 5_000,
    sources: int = 250,
    printed: Sequence[int] = (100, 250, 500),
) -> Table:
    """A large corpus, a brief printing more and more of it: time, peak memory, pages."""
    sys.path.insert(0, str(BENCH))
    from synth import generate

    table = Table(
        f"scale: {claims} claims / {sources} sources, one brief (cold, all formats, -j 1)",
        ["claims printed", "pages", "wall", "CPU", "CPU per page", "peak"],
    )
    per_page = []
    for count in printed:
        root = work / f"scale-{claims}-{count}"
        if not root.exists():
            say(f"generating {claims} claims, a brief printing {count} ...")
            generate(root, claims, sources, seed=1, printed=count)
        say(f"building the brief printing {count} claims ...")
        ran = run_build(root, "-j", "1")
        pages = _pages(root / "dist" / "synthetic" / "synthetic.pdf")
        per_page.append(ran.cpu / pages)
        table.rows.append(
            [
                str(count),
                str(pages),
                secs(ran.seconds),
                secs(ran.cpu),
                secs(ran.cpu / pages),
                mb(ran.peak_mb),
            ]
        )
    table.notes.append(
        f"CPU per page from {per_page[0]:.3f} to {per_page[-1]:.3f} s "
        "(linear in pages printed when it stays flat)"
    )
    return table


COSTS = ".briefwright-costs.json"  # briefwright.shards.COSTS (the package is not imported here)


def _vary_briefs(root: Path, briefs: int, pdf_every: int) -> None:
    """Briefs of different sizes, as a real project has: brief b prints 4 to 32 of the
    claims synth.py gave it, and every `pdf_every`-th brief is also a PDF (none with 0:
    a PDF takes tens of seconds on a shared machine)."""
    for b in range(briefs):
        path = root / "briefings" / ("synthetic.yaml" if b == 0 else f"synthetic-{b + 1}.yaml")
        text = path.read_text("utf-8")
        listed = re.search(r"^    claims: \[(.*)\]$", text, re.MULTILINE)
        assert listed is not None, path
        keep = listed.group(1).split(", ")[: 4 + (b * 7) % 29]
        text = text.replace(listed.group(0), f"    claims: [{', '.join(keep)}]")
        if pdf_every and b % pdf_every == pdf_every - 1:
            text = re.sub(r"^formats: \[(.*)\]$", r"formats: [\1, pdf]", text, flags=re.M)
        path.write_text(text, "utf-8")


def _shard_line(stderr: str, k: int, n: int) -> list[str]:
    found = re.search(rf"^shard {k}/{n}: (.*)$", stderr, re.MULTILINE)
    return [] if found is None or found.group(1) == "no brief" else found.group(1).split(", ")


def _predicted(costs: dict[str, float], parts: list[list[str]]) -> float:
    """max/mean of the shards' loads by the first build's recorded costs: what a
    partition by those costs aims at, and how far the estimate's is from it."""
    loads = [sum(v for k, v in costs.items() if k.partition("/")[0] in set(part)) for part in parts]
    mean = statistics.mean(loads)
    return max(loads) / mean if mean else 1.0


def bench_shards(
    work: Path,
    say: Callable[[str], None] = print,
    briefs: int = 60,
    counts: Sequence[int] = (1, 2, 4),
    formats: str = "html",
    pdf_every: int = 0,
) -> Table:
    """A synthetic project of many briefs of different sizes built as 1, 2 and 4 shards,
    one after another (each shard as a CI runner would: a fresh project copy, -j 1),
    then merged: first balanced by the content's estimate (no cost file), then by the
    costs the one-shard build (a first, whole build) recorded, copied into every shard's
    dist/ as the workflow restores it."""
    sys.path.insert(0, str(BENCH))
    from synth import generate

    source = work / f"shards-{briefs}"
    if not source.exists():
        say(f"generating {briefs} briefs ...")
        generate(
            source,
            claims=20 * briefs,
            sources=briefs // 2,
            seed=1,
            printed=32,
            briefs=briefs,
            formats=formats,
        )
        _vary_briefs(source, briefs, pdf_every)
    table = Table(
        f"shards: {briefs} synthetic briefs of 4-32 claims ({formats}"
        + (f"; every {pdf_every}th also PDF" if pdf_every else "")
        + "), each shard -j 1, one after another",
        [
            "balanced by",
            "shards",
            "shard times (wall, s)",
            "shard CPU (s)",
            "balance (max/mean CPU)",
            "balance by the recorded costs",
            "merge",
        ],
    )
    costs_file: Path | None = None
    for mode in ("estimate", "costs"):
        for n in counts:
            if mode == "costs" and (n == 1 or costs_file is None):
                continue  # one shard is the whole build whichever the balance
            outs, walls, cpus, parts = [], [], [], []
            for k in range(1, n + 1):
                root = work / f"shard-{mode}-{n}-{k}"
                if root.exists():
                    shutil.rmtree(root)
                shutil.copytree(source, root)
                if mode == "costs" and costs_file is not None:
                    (root / "dist").mkdir()
                    shutil.copy2(costs_file, root / "dist" / COSTS)
                say(f"shard {k}/{n} ({mode}) ...")
                args = ("-j", "1", "--shard", f"{k}/{n}")
                # A whole 60-brief build runs past the usual timeout on a shared machine.
                ran = run_process(build_command(root, *args), cwd=root, timeout=4 * TIMEOUT)
                if ran.returncode != 0:
                    raise RuntimeError(f"shard {k}/{n} failed: {ran.stderr.strip()[-3000:]}")
                if (mode == "costs") == ("content's estimate" in ran.stderr):
                    raise RuntimeError(f"shard {k}/{n} did not balance by the {mode}")
                walls.append(ran.seconds)
                cpus.append(ran.cpu)
                parts.append(_shard_line(ran.stderr, k, n))
                if (root / "dist" / "manifest.json").exists():
                    outs.append(root / "dist")
            merged = work / f"shard-merged-{mode}-{n}"
            if merged.exists():
                shutil.rmtree(merged)
            shutil.copytree(source, merged)
            tool = [sys.executable, "-m", "briefwright.cli", "-C", str(merged)]
            ran = run_process([*tool, "merge", *map(str, outs)])
            if ran.returncode != 0:
                raise RuntimeError(f"merge failed: {ran.stderr[-2000:]}")
            if n == 1:
                costs_file = merged / "dist" / COSTS  # the first build's costs, merged
            aimed = "–"
            if costs_file is not None:
                recorded = json.loads(costs_file.read_text("utf-8"))["costs"]
                aimed = f"{_predicted(recorded, parts):.2f}"
            say(f"{mode}, {n} shards: CPU {' '.join(f'{c:.1f}' for c in cpus)}")
            table.rows.append(
                [
                    "estimate" if mode == "estimate" else "last costs",
                    str(n),
                    " ".join(f"{w:.1f}" for w in walls),
                    " ".join(f"{c:.1f}" for c in cpus),
                    f"{max(cpus) / statistics.mean(cpus):.2f}",
                    aimed,
                    secs(ran.seconds),
                ]
            )
    table.notes.append(
        "estimate: format weight × (claims printed + 20), no cost file; last costs: the "
        f"wall seconds each target took in the one-shard build ({COSTS}, as merged); "
        "every shard also checks the whole content (about a second)"
    )
    return table


# --- main ----------------------------------------------------------------------------------


def _child_main(mode: str, args: list[str]) -> int:
    if mode == "check":
        answer = measure_check(Path(args[0]))
    elif mode == "floor":
        answer = measure_floor(Path(args[0]))
    elif mode == "record":
        answer = record_exports(Path(args[0]), Path(args[1]))
    elif mode == "audit":
        answer = measure_audit(Path(args[0]))
    elif mode == "profile":
        answer = profile_layout(Path(args[0]), args[1], bare=args[2] == "bare")
    elif mode == "pick":
        answer = pick_claim(Path(args[0]))
    else:
        raise SystemExit(f"unknown child mode {mode}")
    print(json.dumps(answer))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats (3 for check, 1 for builds)"
    )
    parser.add_argument(
        "--repeat", type=int, help="runs per measurement (default: 5 for check, 2 for builds)"
    )
    parser.add_argument(
        "--only", choices=("check", "build", "profile", "scale", "shards"), help="run one part"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="folder holding the briefwright package to measure (default: "
        "this repository); it is copied first, so edits during the run "
        "change nothing",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=ROOT,
        help="project whose briefs to build (default: this repository)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child_main(args.child[0], args.child[1:])

    check_repeat = args.repeat or (3 if args.quick else 5)
    build_repeat = args.repeat or (1 if args.quick else 2)

    def say(line: str) -> None:
        print(f"… {line}", file=sys.stderr, flush=True)

    tables: list[Table] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="briefwright-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        code = snapshot_code(args.code.resolve(), work / "code")
        say(f"benchmarking the package copied from {args.code.resolve()}")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(code), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        if args.only in (None, "check"):
            tables.append(bench_check(work, check_repeat, say=say))
            print(tables[-1].render() + "\n", flush=True)
        if args.only in (None, "build"):
            for table in bench_build(work, build_repeat, say=say, source=args.project.resolve()):
                tables.append(table)
                print(table.render() + "\n", flush=True)
        if args.only in (None, "scale"):
            tables.append(bench_scale(work, say=say))
            print(tables[-1].render() + "\n", flush=True)
        if args.only in (None, "shards"):
            tables.append(bench_shards(work, say=say))
            print(tables[-1].render() + "\n", flush=True)
        if args.only in (None, "profile"):
            tables.append(bench_profile(work, say=say, source=args.project.resolve()))
            print(tables[-1].render() + "\n", flush=True)
    print(f"(bench took {time.perf_counter() - start:.0f} s on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
