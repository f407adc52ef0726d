"""Faults during a build: a clear message, a non-zero exit, the previous outputs intact, no
partial files, and whatever a killed build leaves behind cleaned up by the next one.

This is the only test module that fakes pandoc or WeasyPrint: a fault has to be made
to happen. Every test starts from a copy of one complete, real build and changes a claim,
so that the build under test has real work to do (and real outputs to lose).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, build_project, default_signals, snapshot
from lxml import html as lxml_html
from pypdf import PdfReader

from briefwright import builder, pandoc
from briefwright.cli import main
from briefwright.config import Project

pytestmark = pytest.mark.slow

EPOCH = {"SOURCE_DATE_EPOCH": "1600000000"}
CLAIMS = Path("content/claims/main.yaml")
OLD, NEW = "The talks lasted 21 months.", "The talks went on for 21 months."


def leftovers(dist: Path) -> list[str]:
    """Temporary files and work folders anywhere in dist/ (the build's scratch folder)."""
    found = (p.relative_to(dist).as_posix() for p in dist.rglob("*"))
    return sorted(rel for rel in found if builder.TMP_MARK in rel)


def assert_complete(root: Path) -> None:
    """Every output is whole, readable and the file the manifest vouches for."""
    dist = root / "dist"
    manifest = json.loads((dist / "manifest.json").read_text())
    files = manifest["briefs"]["brief"]["files"]
    assert set(files) == {
        "brief/brief.html",
        "brief/brief.pdf",
        "brief/brief.docx",
        "brief/brief.md",
        "brief/provenance.json",
    }
    for rel, digest in files.items():
        assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest, rel
    tree = lxml_html.document_fromstring((dist / "brief/brief.html").read_bytes())
    assert tree.get_element_by_id("claim-talks-length") is not None
    assert len(PdfReader(dist / "brief/brief.pdf").pages) >= 1
    with zipfile.ZipFile(dist / "brief/brief.docx") as zf:
        assert zf.testzip() is None
    assert leftovers(dist) == []


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a complete build in dist/."""
    root = build_project(tmp_path_factory.mktemp("faults") / "p")
    mp = pytest.MonkeyPatch()
    with mp.context() as patch:
        for key, value in EPOCH.items():
            patch.setenv(key, value)
        problems = builder.build(Project.at(root), say=lambda line: None)
    assert [p for p in problems if p.level == "error"] == []
    return root


@pytest.fixture
def project(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built project in which one claim changed (so the build has work)."""
    root = tmp_path / "p"
    shutil.copytree(base, root, symlinks=True)
    claims = root / CLAIMS
    claims.write_text(claims.read_text().replace(OLD, NEW))
    for key, value in EPOCH.items():
        monkeypatch.setenv(key, value)
    return root


def run_cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out + err  # the report (stdout), then progress and fatal errors (stderr)


def fake_tool(folder: Path, body: str) -> Path:
    script = folder / "fake-pandoc"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return script


# --- external tools -------------------------------------------------------------------------


def test_pandoc_missing(project: Path, capsys, monkeypatch) -> None:
    before = snapshot(project / "dist", published_only=True)
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: "/nonexistent/pandoc")
    code, err = run_cli(project, capsys)
    assert code == 1
    assert (
        "error[export-failed] brief 'brief': html export failed: pandoc (to json) could not "
        "be started: [Errno 2] No such file or directory: '/nonexistent/pandoc'" in err
    )
    assert "build failed: 3 errors, 0 warnings; nothing was published, dist/ is unchanged" in err
    assert "Traceback" not in err
    assert snapshot(project / "dist", published_only=True) == before
    assert leftovers(project / "dist") == []


def test_pandoc_failing_surfaces_its_stderr(
    project: Path, capsys, monkeypatch, tmp_path: Path
) -> None:
    before = snapshot(project / "dist", published_only=True)
    tool = fake_tool(tmp_path, 'echo "pandoc: simulated failure: disk on fire" >&2\nexit 64')
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(tool))
    code, err = run_cli(project, capsys, "html")
    assert code == 1
    assert "pandoc (to json) failed (exit 64): pandoc: simulated failure: disk on fire" in err
    assert snapshot(project / "dist", published_only=True) == before
    assert leftovers(project / "dist") == []


def test_hung_pandoc_times_out(project: Path, capsys, monkeypatch, tmp_path: Path) -> None:
    before = snapshot(project / "dist", published_only=True)
    marker = tmp_path / "pid"
    tool = fake_tool(tmp_path, f'echo $$ > "{marker}"\nexec sleep 60')
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(tool))
    monkeypatch.setattr(pandoc, "TIMEOUT_SECONDS", 1)
    code, err = run_cli(project, capsys, "html")
    assert code == 1
    assert "pandoc (to json) did not finish within 1 s" in err
    assert snapshot(project / "dist", published_only=True) == before
    assert leftovers(project / "dist") == []
    assert not _alive(int(marker.read_text()))  # the hung process was killed, not orphaned


def test_weasyprint_raising(project: Path, capsys, monkeypatch) -> None:
    import weasyprint

    before = snapshot(project / "dist", published_only=True)

    def crash(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("simulated crash inside WeasyPrint")

    monkeypatch.setattr(weasyprint.HTML, "render", crash)  # layout: where WeasyPrint works
    code, err = run_cli(project, capsys)
    assert code == 1
    assert (
        "error[export-failed] brief 'brief': pdf export failed: RuntimeError: simulated "
        "crash inside WeasyPrint"
    ) in err
    # The other formats were still made (in whichever order the workers finished)...
    assert re.search(r"\[\d/3\] brief/brief\.html: built", err), err
    assert re.search(r"\[\d/3\] brief/brief\.docx: built", err), err
    assert (
        snapshot(project / "dist", published_only=True) == before
    )  # ...but nothing is published without all
    assert leftovers(project / "dist") == []


# --- the file system -------------------------------------------------------------------------


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name open files")
def test_disk_full_while_publishing(project: Path, capsys, monkeypatch) -> None:
    before = snapshot(project / "dist", published_only=True)
    real_write = os.write
    staged: list[str] = []

    def write(fd: int, data: bytes) -> int:
        path = _fd_path(fd)
        if builder.TMP_MARK in Path(path).name and str(project / "dist") in path:
            staged.append(path)
            if len(staged) >= 3:  # two files fit; the third fills the disk
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    code, err = run_cli(project, capsys)
    monkeypatch.undo()
    assert code == 1
    assert len(staged) == 3
    assert "briefwright: cannot write dist/brief/" in err
    assert "No space left on device; free some disk space and build again" in err
    assert "Traceback" not in err
    assert snapshot(project / "dist", published_only=True) == before
    assert leftovers(project / "dist") == []


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0


def test_read_only_dist(project: Path) -> None:
    dist = project / "dist"
    before = snapshot(dist, published_only=True)
    cmd = [sys.executable, "-m", "briefwright.cli", "-C", str(project)]
    if os.geteuid() != 0:
        dist.chmod(0o555)
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
        finally:
            dist.chmod(0o755)
        reason = "Permission denied"
    elif _unshare_works():
        # root ignores permissions, so mount dist/ read-only in a private mount namespace.
        script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", script, "sh", str(dist), *cmd],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        reason = "Read-only file system"
    else:
        pytest.skip("running as root without unshare: nothing can make dist/ read-only")
    assert done.returncode == 1, done.stderr
    assert f"briefwright: cannot lock {dist}/.lock: {reason}" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(dist, published_only=True) == before


def test_read_only_output_file_is_replaced_not_written_into(project: Path, capsys) -> None:
    """Outputs are renamed over, never opened for writing: a read-only old file is no obstacle
    and a reader holding the old file keeps a whole (old) file."""
    old = project / "dist" / "brief" / "brief.html"
    old.chmod(0o444)
    with old.open("rb") as reader:
        before = reader.read()
        code, err = run_cli(project, capsys)
        reader.seek(0)
        assert reader.read() == before
    assert code == 0, err
    assert NEW.encode() in old.read_bytes()
    assert_complete(project)


# --- signals ---------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _wait_for(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


PROBE = """
import os, sys
import briefwright.pandoc as pandoc
os.environ["REAL_PANDOC"] = pandoc.pandoc_path()
pandoc.pandoc_path = lambda: sys.argv[1]
from briefwright.cli import main
sys.exit(main(sys.argv[2:]))
"""


def start_build(root: Path, tool: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PROBE, str(tool), "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **EPOCH},
        preexec_fn=default_signals,  # the test sends signals: never inherit them ignored
    )


def stalling_pandoc(folder: Path) -> tuple[Path, Path]:
    """A pandoc that hangs in the HTML export (after the audit ran for real), recording its
    pid and its parent's: by then the build has a work folder to lose."""
    marker = folder / "started"
    body = (
        'case "$*" in *html5*) ;; *) exec "$REAL_PANDOC" "$@" ;; esac\n'
        f'echo "$$ $PPID" > "{marker}.tmp" && mv "{marker}.tmp" "{marker}"\n'
        "exec sleep 60"
    )
    return fake_tool(folder, body), marker


@pytest.mark.parametrize(
    ("sig", "jobs"),
    [
        (signal.SIGINT, "1"),
        (signal.SIGTERM, "1"),
        (signal.SIGTERM, "2"),
        (signal.SIGHUP, "1"),
    ],
)
def test_signal_during_build(project: Path, tmp_path: Path, sig: signal.Signals, jobs: str) -> None:
    dist = project / "dist"
    before = snapshot(dist, published_only=True)
    tool, marker = stalling_pandoc(tmp_path)
    build = start_build(project, tool, "build", "-j", jobs)
    try:
        _wait_for(marker.exists)
        pandoc_pid, parent_pid = map(int, marker.read_text().split())
        build.send_signal(sig)
        _, err = build.communicate(timeout=60)
    finally:
        build.kill()
    # SIGTERM and SIGHUP are handled exactly as Ctrl-C is.
    assert build.returncode == 130, err
    assert f"build stopped by {sig.name}: nothing was published; dist/ is unchanged" in err
    assert "briefwright: interrupted; previous outputs are unchanged" in err
    assert "Traceback" not in err
    assert snapshot(dist, published_only=True) == before
    assert leftovers(dist) == []
    _wait_for(lambda: not _alive(pandoc_pid), timeout=10)  # pandoc was stopped too
    if jobs != "1":
        _wait_for(lambda: not _alive(parent_pid), timeout=10)  # and the worker process


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigkill_then_rerun_cleans_up_and_completes(
    project: Path, tmp_path: Path, jobs: str
) -> None:
    dist = project / "dist"
    before = snapshot(dist, published_only=True)
    tool, marker = stalling_pandoc(tmp_path)
    build = start_build(project, tool, "build", "-j", jobs)
    try:
        _wait_for(marker.exists)
        pandoc_pid, parent_pid = map(int, marker.read_text().split())
        build.send_signal(signal.SIGKILL)
        build.communicate(timeout=60)
    finally:
        build.kill()
    if jobs == "1":
        # Nothing could clean up: the work folder stays behind, the outputs are untouched.
        work = f"{builder.SCRATCH}/{builder.WORK_PREFIX}"
        assert [p for p in leftovers(dist) if p.startswith(work)]
        os.kill(pandoc_pid, signal.SIGKILL)
    else:
        # The workers die with the build (PR_SET_PDEATHSIG) and clean up after themselves.
        _wait_for(lambda: not _alive(parent_pid), timeout=10)
        _wait_for(lambda: not _alive(pandoc_pid), timeout=10)
    assert snapshot(dist, published_only=True) == before
    # What a SIGKILL during the renames would leave: a staged file in the scratch folder.
    (dist / builder.SCRATCH).mkdir(exist_ok=True)
    (dist / builder.SCRATCH / builder.SCRATCH_MARKER).write_bytes(b"")
    (dist / builder.SCRATCH / f".brief.pdf{builder.TMP_MARK}abc123").write_bytes(b"%PDF-1.7")
    result = subprocess.run(
        [sys.executable, "-m", "briefwright.cli", "-C", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **EPOCH},
    )
    assert result.returncode == 0, result.stderr
    assert_complete(project)
    assert NEW.encode() in (dist / "brief" / "brief.html").read_bytes()


def test_truncated_output_is_rebuilt(base: Path, tmp_path: Path, monkeypatch) -> None:
    """An output that does not match the manifest (a crash, a disk error) is made again."""
    root = tmp_path / "p"
    shutil.copytree(base, root, symlinks=True)
    for key, value in EPOCH.items():
        monkeypatch.setenv(key, value)
    pdf = root / "dist" / "brief" / "brief.pdf"
    whole = pdf.read_bytes()
    pdf.write_bytes(whole[: len(whole) // 2])
    lines: list[str] = []
    problems = builder.build(Project.at(root), say=lines.append)
    assert [p for p in problems if p.level == "error"] == []
    assert any("brief/brief.pdf: built" in line for line in lines)
    assert not any("brief.html: built" in line for line in lines)
    assert pdf.read_bytes() == whole
    assert_complete(root)


def test_dist_removed_while_a_build_waits(base: Path, tmp_path: Path) -> None:
    """`clean` under the lock, while a build waits for it: the build starts afresh."""
    import fcntl

    root = tmp_path / "p"
    shutil.copytree(base, root, symlinks=True)
    dist = root / "dist"
    with open(dist / builder.LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = subprocess.Popen(
            [sys.executable, "-m", "briefwright.cli", "-C", str(root)],
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, **EPOCH},
        )
        try:
            assert "waiting for it to finish" in waiting.stderr.readline()
            shutil.rmtree(dist)  # as clean does, while holding the lock
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
        err = waiting.stderr.read()
        waiting.wait(timeout=300)
    assert waiting.returncode == 0, err
    assert "built 3 of 3 outputs" in err
    assert_complete(root)


def test_stale_temporaries_from_older_builds_are_removed(
    base: Path, tmp_path: Path, monkeypatch
) -> None:
    root = tmp_path / "p"
    shutil.copytree(base, root, symlinks=True)
    for key, value in EPOCH.items():
        monkeypatch.setenv(key, value)
    dist = root / "dist"
    before = snapshot(dist, published_only=True)
    scratch = dist / builder.SCRATCH
    scratch.mkdir()
    (scratch / builder.SCRATCH_MARKER).write_bytes(b"")
    (scratch / f".index.html{builder.TMP_MARK}x1").write_bytes(b"<html>")
    work = scratch / f"{builder.WORK_PREFIX}zz"
    (work / "nested").mkdir(parents=True)
    (work / "nested" / "brief.md").write_text("half")
    problems = builder.build(Project.at(root), say=lambda line: None)  # a no-op build
    assert [p for p in problems if p.level == "error"] == []
    assert leftovers(dist) == []
    assert snapshot(dist, published_only=True) == before


def test_pdf_and_docx_are_valid_after_a_failed_then_good_build(
    project: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: "/nonexistent/pandoc")
    assert run_cli(project, capsys)[0] == 1
    monkeypatch.undo()
    for key, value in EPOCH.items():
        monkeypatch.setenv(key, value)
    code, err = run_cli(project, capsys)
    assert code == 0, err
    assert_complete(project)
    reader = PdfReader(io.BytesIO((project / "dist/brief/brief.pdf").read_bytes()))
    assert "went on for 21 months" in " ".join(p.extract_text() for p in reader.pages)
