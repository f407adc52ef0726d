"""Shared fixtures: example projects copied into a temporary folder.

A scenario folder under tests/projects/ holds only the files it changes; it is laid over
a copy of tests/projects/minimal. Projects use the template that ships inside the package
unless they bring their own under templates/.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase
from pypdf import PdfReader
from pypdf.generic import StreamObject

from briefwright.builder import LOCK, TMP_MARK
from briefwright.config import BUILTIN_TEMPLATES, Project
from briefwright.serve import Preview, serve
from briefwright.shards import COSTS

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
NOT_COPIED = {"expected.txt"}

# Hypothesis searches (no derandomize). The examples it finds failing are kept in the
# repository (commit them: they are replayed first on every run); CI replays them read-only
# and searches with a fixed seed (`--hypothesis-seed`), the weekly job searches longer.
EXAMPLES = DirectoryBasedExampleDatabase(Path(__file__).resolve().parent / ".hypothesis-examples")
settings.register_profile("default", max_examples=150, deadline=None, database=EXAMPLES)
DEFAULT = settings.get_profile("default")
settings.register_profile("ci", DEFAULT, database=ReadOnlyDatabase(EXAMPLES))
settings.register_profile("search", DEFAULT, max_examples=1500)  # the weekly job
# Mutation runs repeat the fast tests for every mutant: a short search, nothing written.
settings.register_profile("mutation", DEFAULT, max_examples=25, database=None)
settings.load_profile("default")

# Editor text that must print literally in every output (render and export tests).
HOSTILE = [
    "<script>alert(1)</script>",
    "`x`{=html}",
    "[x](javascript:alert(1))",
    "@brown-2018",
    "# heading",
    "{{ 7*7 }}",
    "*not emphasis* _nor_ this \\ backslash",
    "| pipe ~sub~ ^sup^ $math$",
]


def build_project(dest: Path, scenario: str | None = None) -> Path:
    shutil.copytree(PROJECTS / "minimal", dest, dirs_exist_ok=True)
    if scenario and scenario != "minimal":
        overlay = PROJECTS / scenario
        for path in sorted(overlay.rglob("*")):
            if path.is_file() and path.name not in NOT_COPIED:
                target = dest / path.relative_to(overlay)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    return dest


def own_template(root: Path, name: str = "policy-brief") -> Path:
    """Give a project its own copy of the packaged template (to alter it), and return it."""
    folder = root / "templates" / name
    shutil.copytree(BUILTIN_TEMPLATES / "policy-brief", folder, dirs_exist_ok=True)
    return folder


@pytest.fixture
def make_project(tmp_path: Path):
    def make(scenario: str | None = None) -> Path:
        return build_project(tmp_path / (scenario or "minimal"), scenario)

    return make


def snapshot(dist: Path, published_only: bool = False) -> dict[str, str]:
    """sha256 of every file under dist/ (the lock and the build's measured costs aside:
    neither is an output); with `published_only`, staged temporaries are left out too
    (they are checked apart)."""
    found = {}
    for path in sorted(dist.rglob("*")):
        rel = path.relative_to(dist).as_posix()
        if path.name in (LOCK, COSTS) or (published_only and TMP_MARK in rel):
            continue
        if path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


GIT_ENV = {  # commits in test repositories, whoever runs the tests
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


@contextlib.contextmanager
def serving(project: Project) -> Iterator[tuple[Preview, list[str], threading.Thread]]:
    """`serve` in a thread: its preview, what it said, and the thread (stopped on exit)."""
    ready: queue.Queue[Preview] = queue.Queue()
    said: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(project, 0),
        kwargs={"stop": stop, "on_ready": ready.put, "say": said.append, "poll": 0.1},
        daemon=True,
    )
    thread.start()
    try:
        yield ready.get(timeout=120), said, thread
    finally:
        stop.set()
        thread.join(timeout=15)


def run_tool(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`briefwright -C root ARGS` in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "briefwright.cli", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def default_signals() -> None:
    """For a child process (preexec_fn): the default dispositions of the signals a test
    sends. Under nohup, or as a background job of a non-interactive shell, the test runner
    inherits SIGHUP or SIGINT ignored, and a child keeps what its parent ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


# Image codecs pypdf leaves encoded; their raw bytes are what a search can look through.
IMAGE_CODECS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}


def expanded(path: Path) -> Iterator[bytes]:
    """A file's bytes, and for DOCX and PDF also every decompressed part and metadata:
    what a search for leaked bytes or machine paths must look through."""
    data = path.read_bytes()
    yield data
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                yield name.encode()
                yield zf.read(name)
    elif path.suffix == ".pdf":
        reader = PdfReader(io.BytesIO(data))
        # Every object the file defines, in the cross-reference table or in object streams;
        # a read error fails the caller instead of hiding bytes from its search.
        numbers = {n for table in reader.xref.values() for n in table} | set(reader.xref_objStm)
        for number in sorted(numbers):
            obj = reader.get_object(number)
            if isinstance(obj, StreamObject):
                yield obj._data  # type: ignore[attr-defined]  # as stored
                filters = obj.get("/Filter")
                names = filters if isinstance(filters, list) else [filters]
                if not set(map(str, names)) & IMAGE_CODECS:
                    yield obj.get_data()  # decompressed
        yield str(reader.metadata or {}).encode()
