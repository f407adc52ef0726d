"""The one wrapper around pandoc: where it is, its version, and running it safely.

Every run has a timeout, reads the intermediate with raw HTML/TeX/attributes and YAML
metadata switched off (so editor text can never become markup), runs in `--sandbox`
(pandoc may read only the files named on its command line), and surfaces pandoc's
stderr in the error instead of losing it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .problems import BriefwrightError, Problem

# Every reader extension that could let text through as raw output is off; citations,
# bracketed spans and fenced divs (which our template needs) stay on.
READER = "markdown-raw_html-raw_attribute-raw_tex-yaml_metadata_block"
TIMEOUT_SECONDS = 120


@functools.cache
def pandoc_path() -> str:
    """The pandoc bundled with pypandoc_binary, so every machine runs the same version."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:  # pragma: no cover - depends on the install
        raise BriefwrightError(f"pandoc is not available: {exc}") from exc


@functools.cache
def pandoc_version() -> str:
    out = run([pandoc_path(), "--version"], timeout=30)
    first = out.decode("utf-8", "replace").splitlines()[0]
    return first.split()[-1]


def run(
    argv: Sequence[str],
    *,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    what: str = "pandoc",
) -> bytes:
    """Run a command; on failure raise BriefwrightError carrying its stderr.

    The default timeout is read at call time, so configuration (and tests) can change it.
    """
    if timeout is None:
        timeout = TIMEOUT_SECONDS
    env = dict(os.environ)
    # A stray user data dir could change templates or defaults behind our back.
    env.pop("PANDOC_DATA_DIR", None)
    received: list[int] = []
    try:
        with _signals_held(received):  # a child is never started without an owner
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=env,
            )
    except OSError as exc:
        raise BriefwrightError(f"{what} could not be started: {exc}") from exc
    with process:
        try:
            if received:  # a signal held back while starting: stop the child, then obey it
                process.kill()
                process.wait()
                for signum in received:
                    signal.raise_signal(signum)
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.communicate()
            raise BriefwrightError(f"{what} did not finish within {timeout:.0f} s") from exc
        except BaseException:  # Ctrl-C, SIGTERM: the child goes with us
            process.kill()
            process.wait()
            raise
    if process.returncode != 0:
        said = stderr.decode("utf-8", "replace").strip()
        raise BriefwrightError(f"{what} failed (exit {process.returncode}): {said or 'no message'}")
    return stdout


@contextlib.contextmanager
def _signals_held(received: list[int]) -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back (noting them in `received`) while a child is
    started: one arriving inside Popen would leave the child running with nobody to
    stop it. Only the main thread can set handlers; a signal its parent ignored stays so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = [
        sig
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None))
        if sig is not None and signal.getsignal(sig) not in (signal.SIG_IGN, None)
    ]

    def note(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def convert(
    markdown: str | bytes,
    to: str,
    extra: Sequence[str] = (),
    *,
    cwd: Path,
    output: Path | None = None,
    where: str = "<intermediate>",
    reader: str = READER,
) -> tuple[bytes, list[Problem]]:
    """Convert the intermediate with pandoc; return the output and pandoc's warnings.

    `extra` carries files (CSL, bibliography, template, reference doc) which the sandbox
    lets pandoc read because they are named on the command line. `reader` "json" takes
    pandoc's own AST of the intermediate (which the restricted READER made).
    """
    log = cwd / f"pandoc-{to}.log.json"
    argv = [pandoc_path(), "--from", reader, "--to", to, "--sandbox", "--log", str(log)]
    argv += list(extra)
    if output is not None:
        argv += ["--output", str(output)]
    stdin = markdown.encode("utf-8") if isinstance(markdown, str) else markdown
    out = run(argv, stdin=stdin, cwd=cwd, what=f"pandoc (to {to})")
    problems = _warnings(log, where)
    if output is not None:
        out = output.read_bytes()
    return out, problems


def _warnings(log: Path, where: str) -> list[Problem]:
    """pandoc's own warnings as problems; an unresolved citation is an error."""
    try:
        entries = json.loads(log.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    problems = []
    for entry in entries:
        if entry.get("verbosity") != "WARNING":
            continue
        message = str(entry.get("pretty") or entry.get("message") or entry.get("type"))
        if entry.get("type") == "CiteprocWarning":
            problems.append(
                Problem(where, 1, 1, "citation-unresolved", "error", f"pandoc: {message}")
            )
        else:
            problems.append(Problem(where, 1, 1, "pandoc-warning", "warning", f"pandoc: {message}"))
    return problems
