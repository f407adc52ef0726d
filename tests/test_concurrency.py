"""Builds at the same time: the lock on dist/ serialises them, and parallel jobs change
nothing in the outputs."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_project, snapshot

from briefwright.builder import LOCK, TMP_MARK

pytestmark = pytest.mark.slow

ENV = {"SOURCE_DATE_EPOCH": "1600000000"}
OTHER_BRIEF = (
    'title: Other\nas_of: "2020-12"\naudience: Tests\n'
    "sections:\n  - {type: claims, title: Fish, claims: [fisheries-deal, scrambles]}\n"
    "  - {type: timeline}\n  - {type: sources}\n"
)


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefwright.cli", "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **ENV},
    )


def finish(process: subprocess.Popen[str]) -> str:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return err


def assert_valid(dist: Path) -> None:
    """The manifest vouches for exactly the files there, and nothing half-written remains."""
    manifest = json.loads((dist / "manifest.json").read_text())
    for entry in manifest["briefs"].values():
        for rel, digest in entry["files"].items():
            assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest, rel
    assert hashlib.sha256((dist / "index.html").read_bytes()).hexdigest() == manifest["index.html"]
    assert not list(dist.rglob(f"*{TMP_MARK}*"))


def test_two_builds_at_once_are_serialised(tmp_path: Path) -> None:
    root = build_project(tmp_path / "p")
    (root / "dist").mkdir()
    # Both start while the lock is held, so both must wait whatever the machine's speed;
    # once it is free, one builds and the other finds its outputs.
    with open(root / "dist" / LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        first, second = start(root), start(root)
        try:
            for process in (first, second):
                assert process.stderr is not None
                assert "waiting for it to finish" in process.stderr.readline()
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
        errs = [finish(first), finish(second)]
    built = [err for err in errs if "built 3 of 3 outputs into dist/" in err]
    current = [err for err in errs if "up to date (3 outputs)" in err]
    assert len(built) == 1 and len(current) == 1, errs
    assert_valid(root / "dist")


def test_a_build_waits_for_the_lock_and_says_so(tmp_path: Path) -> None:
    root = build_project(tmp_path / "p")
    (root / "dist").mkdir()
    with open(root / "dist" / LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = start(root, "html")
        try:
            assert "waiting for it to finish" in waiting.stderr.readline()
            assert waiting.poll() is None  # still waiting while we hold the lock
            assert not (root / "dist" / "brief").exists()
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
        err = finish(waiting)
    assert "built 1 of 1 outputs" in err
    assert_valid(root / "dist")


def test_clean_waits_for_a_running_build(tmp_path: Path) -> None:
    root = build_project(tmp_path / "p")
    (root / "dist").mkdir()
    (root / "dist" / "old.txt").write_text("from an earlier build")
    with open(root / "dist" / LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        cleaning = start(root, "clean")
        try:
            assert "waiting for it to finish" in cleaning.stdout.readline()
            assert (root / "dist" / "old.txt").exists()
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
        finish(cleaning)
    assert not (root / "dist").exists()


def test_parallel_jobs_give_the_same_bytes(tmp_path: Path) -> None:
    """Two briefs × three formats: six targets, built by one process or by two workers."""
    dists = {}
    for jobs in ("1", "2"):
        root = build_project(tmp_path / f"j{jobs}")
        (root / "briefings" / "other.yaml").write_text(OTHER_BRIEF)
        err = finish(start(root, "build", "-j", jobs))
        assert "built 6 of 6 outputs" in err
        assert_valid(root / "dist")
        dists[jobs] = snapshot(root / "dist")
    assert len(dists["1"]) == 12  # 2 briefs × 5 files + index.html + manifest.json
    assert dists["1"] == dists["2"]
