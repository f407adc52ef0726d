"""Reproducible builds: with SOURCE_DATE_EPOCH set, the bytes do not depend on where, when
or by whom a build runs, and no output names a path of the build machine.

tests/test_build.py checks -j 1 against -j 2 under two time zones; here two builds differ
in everything at once (project folder, working directory, HOME, TMPDIR, time zone,
locale), and the outputs are searched for paths inside compressed parts too.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ROOT, build_project, expanded, snapshot
from pypdf import PdfReader

from briefwright.builder import LOCK

pytestmark = pytest.mark.slow

EPOCH = 1600000000


def run_build(root: Path, cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefwright.cli", "-C", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    base = tmp_path_factory.mktemp("repro")
    one = build_project(base / "a" / "first-project")
    two = build_project(base / "second location, with spaces & ünïcode" / "p")
    homes = [base / "home-one", base / "home-two"]
    tmps = [base / "tmp-one", base / "tmp-two"]
    for folder in (*homes, *tmps):
        folder.mkdir()
    run_build(
        one,
        cwd=one,
        env={
            "SOURCE_DATE_EPOCH": str(EPOCH),
            "TZ": "UTC",
            "LC_ALL": "C",
            "LANG": "C",
            "HOME": str(homes[0]),
            "TMPDIR": str(tmps[0]),
        },
    )
    run_build(
        two,
        cwd=Path("/"),
        env={
            "SOURCE_DATE_EPOCH": str(EPOCH),
            "TZ": "Pacific/Chatham",
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "HOME": str(homes[1]),
            "TMPDIR": str(tmps[1]),
        },
    )
    return one, two, [base, *homes, *tmps]


def test_outputs_are_byte_identical(two_builds: tuple[Path, Path, list[Path]]) -> None:
    one, two, _ = two_builds
    first, second = snapshot(one / "dist"), snapshot(two / "dist")
    assert set(first) == {
        "index.html",
        "manifest.json",
        "brief/brief.html",
        "brief/brief.pdf",
        "brief/brief.docx",
        "brief/brief.md",
        "brief/provenance.json",
    }
    assert first == second


def test_no_output_names_a_path_of_the_build_machine(
    two_builds: tuple[Path, Path, list[Path]],
) -> None:
    one, two, folders = two_builds
    paths = {
        str(one),
        str(two),
        *map(str, folders),
        str(ROOT),
        sys.prefix,
        os.path.expanduser("~"),
        tempfile.gettempdir() + "/",
        "/tmp/",
        "/root/",
        "/home/",
    }
    needles = {p.encode() for p in paths} | {p.encode("utf-16-le") for p in paths}
    for root in (one, two):
        for path in (root / "dist").rglob("*"):
            if not path.is_file() or path.name == LOCK:
                continue
            for blob in expanded(path):
                for needle in needles:
                    assert needle not in blob, (path, needle)


def test_dates_come_from_source_date_epoch(two_builds: tuple[Path, Path, list[Path]]) -> None:
    one, _, _ = two_builds
    dist = one / "dist" / "brief"
    when = datetime.fromtimestamp(EPOCH, tz=UTC)
    reader = PdfReader(dist / "brief.pdf")
    assert str(reader.metadata["/CreationDate"]).startswith(when.strftime("D:%Y%m%d%H%M%S"))
    with zipfile.ZipFile(dist / "brief.docx") as zf:
        core = zf.read("docProps/core.xml").decode()
        stamps = {info.date_time for info in zf.infolist()}
    # pandoc (sandboxed) cannot see the date; the exporter puts it into the properties.
    assert re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", core) == [when.strftime("%Y-%m-%dT%H:%M:%SZ")] * 2
    assert stamps == {(1980, 1, 1, 0, 0, 0)}  # the zip format's own epoch, for every entry
    html = (dist / "brief.html").read_text()
    assert f'content="{when.strftime("%Y-%m-%dT%H:%M:%SZ")}"' in html


def test_docx_without_a_build_date_claims_none(two_builds: tuple[Path, Path, list[Path]]) -> None:
    """Sandboxed pandoc dates every DOCX 1970-01-01; without SOURCE_DATE_EPOCH the dates go."""
    from docx import Document

    from briefwright.export.docx import stamp_dates

    one, _, _ = two_builds
    data = stamp_dates((one / "dist" / "brief" / "brief.docx").read_bytes(), None)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        core = zf.read("docProps/core.xml").decode()
        assert zf.testzip() is None
    assert "dcterms:created" not in core and "1970" not in core
    assert Document(io.BytesIO(data)).core_properties.created is None
