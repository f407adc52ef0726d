"""Live preview: build the HTML, serve dist/ on localhost, rebuild when content changes.

Watching is polling file modification times (no dependency, works on every file system);
a change is acted on once the tree has been quiet for one poll, so an editor saving
several files triggers one rebuild. Only 127.0.0.1 is served: a preview is not a server.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .config import Project
from .problems import BriefwrightError, format_problems, has_errors

HOST = "127.0.0.1"
POLL_SECONDS = 0.5
Snapshot = dict[str, tuple[int, int]]


def snapshot(project: Project) -> Snapshot:
    """Every watched file with its modification time and size."""
    found: Snapshot = {}
    for folder in (project.content, project.briefings, project.templates):
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if "__pycache__" in path.parts or path.name.startswith(".#"):
                continue
            try:
                stat = path.stat()
            except OSError:  # removed while we looked
                continue
            if path.is_file():
                found[path.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the build's messages matter here, not one line per request

    def end_headers(self) -> None:
        # Always fetch the latest build.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@dataclass(frozen=True)
class Preview:
    """A running preview; `stop()` ends it from any thread."""

    server: ThreadingHTTPServer
    stop_event: threading.Event

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def stop(self) -> None:
        self.stop_event.set()


def rebuild(project: Project, say: Callable[[str], None]) -> bool:
    from .builder import build

    try:
        problems = build(project, formats=("html",), say=say)
    except BriefwrightError as exc:
        say(f"briefwright: {exc}")
        return False
    if problems:
        say(format_problems(problems, "text"))
    return not has_errors(problems)


def serve(
    project: Project,
    port: int = 8000,
    *,
    stop: threading.Event | None = None,
    on_ready: Callable[[Preview], None] | None = None,
    say: Callable[[str], None] | None = None,
    poll: float = POLL_SECONDS,
) -> None:
    """Build, serve and watch until `stop` is set or Ctrl-C."""

    def default_say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    say = say or default_say
    if not project.content.is_dir():
        raise BriefwrightError(
            f"no content/ folder in {project.root}: is this a briefwright project?"
        )
    stop = stop or threading.Event()
    handler = functools.partial(_Handler, directory=str(project.dist))
    try:  # bind first: a busy port should not wait for a build to be reported
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise BriefwrightError(
            f"cannot serve on {HOST}:{port}: {exc.strerror}; try --port with another number"
        ) from None
    try:
        rebuild(project, say)
    except BaseException:
        server.server_close()
        raise
    project.dist.mkdir(parents=True, exist_ok=True)
    server.daemon_threads = True
    preview = Preview(server, stop)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.2},
        name="briefwright-preview",
        daemon=True,
    )
    thread.start()
    say(
        f"serving {_index_url(project, preview.url)} — watching content/, briefings/, "
        "templates/; Ctrl-C to stop"
    )
    if on_ready:
        on_ready(preview)
    try:
        _watch(project, stop, say, poll)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        say("preview stopped")


def _index_url(project: Project, url: str) -> str:
    return url + ("index.html" if (project.dist / "index.html").exists() else "")


def _watch(
    project: Project, stop: threading.Event, say: Callable[[str], None], poll: float
) -> None:
    seen = snapshot(project)
    pending: Snapshot | None = None
    while not stop.wait(poll):
        now = snapshot(project)
        if now == seen:
            pending = None
            continue
        if now != pending:
            pending = now  # still changing: wait until it settles for one poll
            continue
        files = changed_files(seen, now)
        shown = ", ".join(project.rel(Path(f)) for f in files[:3])
        say(f"changed: {shown}{' …' if len(files) > 3 else ''}; rebuilding HTML")
        rebuild(project, say)
        seen, pending = now, None
