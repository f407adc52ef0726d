"""Live preview: build the HTML, serve dist/ on localhost, rebuild when content changes.

Watching is polling file modification times (no dependency, works on every file system);
a change is acted on once the tree has been quiet for one poll, so an editor saving
several files triggers one rebuild. Only 127.0.0.1 is served, and only requests naming
127.0.0.1 or localhost are answered: a preview is not a server.

The browser follows along: every HTML page is served with a small script (our own, from
/__briefwright/live.js; nothing external) that polls /__briefwright/build-id and reloads
the page when a rebuild finishes. While the last build failed, every page is the list of
its problems (location, rule, message and hint, all HTML-escaped) instead.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import Project
from .problems import BriefwrightError, Problem, count, format_problems, has_errors

HOST = "127.0.0.1"
POLL_SECONDS = 0.5
Snapshot = dict[str, tuple[int, int]]


def snapshot(project: Project) -> Snapshot:
    """Every watched file (briefwright.toml too) with its modification time and size."""
    found: Snapshot = {}
    try:
        stat = project.config_file.stat()
        found[project.config_file.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    except OSError:  # no briefwright.toml: the defaults apply
        pass
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


class BuildState:
    """The last build as the browser sees it: shared by the watcher and the server threads.

    `build_id` grows by one each time a build finishes (passed or failed); an open page
    polls it and reloads when it changes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.build_id = 0
        self.problems: tuple[Problem, ...] = ()
        self.failure: str | None = None  # why the build stopped, when it raised

    def finished(self, problems: list[Problem], failure: str | None = None) -> None:
        with self._lock:
            self.problems = tuple(problems)
            self.failure = failure
            self.build_id += 1

    def read(self) -> tuple[int, tuple[Problem, ...], str | None]:
        with self._lock:
            return self.build_id, self.problems, self.failure


# The preview's own paths, beside dist/'s files. A brief's folder is named after an id,
# which is kebab-case, so it can never be this.
SPECIAL = "/__briefwright/"

# Polls the build id; reloads when it changes; shows a link when the build has warnings.
LIVE_JS = """(function () {
  var script = document.currentScript;
  var seen = script ? script.getAttribute("data-build") : null;
  function shown(state) {
    var old = document.getElementById("briefwright-warnings");
    if (old) old.remove();
    if (!state.warnings || state.errors) return;
    var link = document.createElement("a");
    link.id = "briefwright-warnings";
    link.href = "/__briefwright/problems";
    link.textContent = state.warnings + (state.warnings === 1 ? " warning" : " warnings");
    link.style.cssText = "position:fixed;right:1rem;bottom:1rem;padding:.4rem .8rem;" +
      "background:#fff3cd;color:#664d03;border:1px solid #c9a227;border-radius:4px;" +
      "font:14px system-ui,sans-serif;z-index:2147483647";
    document.body.appendChild(link);
  }
  function poll() {
    fetch("/__briefwright/build-id", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (seen !== null && String(state.id) !== seen) { location.reload(); return; }
        seen = String(state.id);
        shown(state);
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });  // the preview is restarting
  }
  poll();
})();
"""


def live_tag(build_id: int) -> bytes:
    return f'<script src="{SPECIAL}live.js" data-build="{build_id}"></script>'.encode()


def with_live_reload(page: bytes, build_id: int) -> bytes:
    """The page with the reload script before its last </body> (or at its end)."""
    tag = live_tag(build_id)
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def problems_page(build_id: int, problems: tuple[Problem, ...], failure: str | None) -> bytes:
    """Every problem of the last build with its location and hint; all text escaped."""
    errors, warnings = count(problems)
    title = "Check failed" if failure or errors else "Build passed"
    items = []
    for p in problems:
        hint = f'<div class="hint">hint: {escape(p.hint)}</div>' if p.hint else ""
        items.append(
            f'<li class="{escape(p.level)}"><code class="where">'
            f"{escape(p.path)}:{p.line}:{p.col}</code> "
            f'<span class="level">{escape(p.level)}[{escape(p.code)}]</span> '
            f"{escape(p.message)}{hint}</li>"
        )
    stopped = f'<p class="failure">{escape(failure)}</p>' if failure else ""
    summary = (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}. "
        "This page reloads when a rebuild finishes; the last good pages stay in dist/."
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} — briefwright preview</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "li{margin:.8rem 0;list-style:none;border-left:4px solid #c00;padding-left:.8rem}"
        "li.warning{border-color:#c9a227}.where{font-weight:bold}.level{color:#555}"
        ".hint{color:#333;white-space:pre-wrap;font-family:ui-monospace,monospace;"
        "font-size:13px;margin-top:.2rem}.failure{color:#c00}</style></head><body>"
        f"<h1>{title}</h1><p>{summary}</p>{stopped}<ul>{''.join(items)}</ul>"
        "</body></html>\n"
    ).encode()
    return with_live_reload(page, build_id)


class _Handler(SimpleHTTPRequestHandler):
    state: BuildState  # set by serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the build's messages matter here, not one line per request

    def end_headers(self) -> None:
        # Always fetch the latest build.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if not self._host_allowed():
            self.send_error(403, "the preview answers only to 127.0.0.1 and localhost")
            return
        path = urlsplit(self.path).path
        build_id, problems, failure = self.state.read()  # one consistent view per request
        errors, warnings = count(problems)
        errors += failure is not None
        if path == f"{SPECIAL}build-id":
            body = {"id": build_id, "errors": errors, "warnings": warnings}
            self._send(200, "application/json", json.dumps(body).encode())
        elif path == f"{SPECIAL}live.js":
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode())
        elif path == f"{SPECIAL}problems":
            self._send(200, "text/html; charset=utf-8", problems_page(build_id, problems, failure))
        elif self._is_page(path) and errors:
            # Every page shows why the preview is not up to date, until it is.
            self._send(500, "text/html; charset=utf-8", problems_page(build_id, problems, failure))
        elif self._is_page(path) and (page := self._page(path)) is not None:
            self._send(200, "text/html; charset=utf-8", with_live_reload(page, build_id))
        else:
            super().do_GET()

    def _host_allowed(self) -> bool:
        # A web page elsewhere cannot reach the preview through a name of its own that
        # resolves to 127.0.0.1 (DNS rebinding): only these host names are answered.
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in ("127.0.0.1", "localhost")

    @staticmethod
    def _is_page(path: str) -> bool:
        return path.endswith(("/", ".html"))

    def _page(self, path: str) -> bytes | None:
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        try:
            return file.read_bytes() if file.is_file() else None
        except OSError:
            return None

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)


@dataclass(frozen=True)
class Preview:
    """A running preview; `stop()` ends it from any thread."""

    server: ThreadingHTTPServer
    stop_event: threading.Event
    state: BuildState

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def stop(self) -> None:
        self.stop_event.set()


def rebuild(project: Project, say: Callable[[str], None], state: BuildState) -> bool:
    """Build the HTML, tell the terminal and the browser; True if it passed."""
    from .builder import build

    try:
        problems = build(project, formats=("html",), say=say)
    except BriefwrightError as exc:
        say(f"briefwright: {exc}")
        state.finished(list(exc.problems), str(exc))
        return False
    if problems:
        say(format_problems(problems, "text"))
    state.finished(problems)
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
    state = BuildState()
    handler = functools.partial(
        type("PreviewHandler", (_Handler,), {"state": state}), directory=str(project.dist)
    )
    try:  # bind first: a busy port should not wait for a build to be reported
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise BriefwrightError(
            f"cannot serve on {HOST}:{port}: {exc.strerror}; try --port with another number"
        ) from None
    try:
        rebuild(project, say, state)
    except BaseException:
        server.server_close()
        raise
    project.dist.mkdir(parents=True, exist_ok=True)
    server.daemon_threads = True
    preview = Preview(server, stop, state)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.2},
        name="briefwright-preview",
        daemon=True,
    )
    thread.start()
    if project.as_of is not None:
        say(f"previewing every brief as of {project.as_of} from {project.rel(project.dist)}/")
    say(
        f"serving {preview.url}index.html — watching content/, briefings/, templates/, "
        "briefwright.toml; "
        "open pages reload after each rebuild and show the check's errors; Ctrl-C to stop"
    )
    if on_ready:
        on_ready(preview)
    try:
        _watch(project, stop, say, poll, state)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        say("preview stopped")


def _watch(
    project: Project,
    stop: threading.Event,
    say: Callable[[str], None],
    poll: float,
    state: BuildState,
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
        if project.config_file.as_posix() in files:
            project = reloaded(project, say)
            now = snapshot(project)  # [paths] may point at other folders now
        rebuild(project, say, state)
        seen, pending = now, None


def reloaded(project: Project, say: Callable[[str], None]) -> Project:
    """The project with briefwright.toml read again (its problems go to the next check)."""
    fresh = Project.at(project.root).previewed(project.as_of)
    if fresh.dist != project.dist:  # the server is bound to the old folder
        say(
            f"briefwright.toml moves the outputs to {fresh.rel(fresh.dist)}/; "
            "stop and start serve to apply it (the old settings stay meanwhile)"
        )
        return project
    return fresh
