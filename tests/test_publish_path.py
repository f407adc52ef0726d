"""The builder's publish path, in process: staging, atomic writes, scratch and stale files.

What a build promises once its outputs are made: every output is renamed into dist/ and
the manifest last (until then the previous manifest describes dist/); any failure leaves
no new outputs, or (a rename failing mid-way) complete files and the old manifest, and
the previous outputs' bytes intact; nothing outside dist/ is touched, and clean-up
removes only the build's own marked scratch folder. Faults are injected where a real
one (a full disk, a refused rename, Ctrl-C at the wrong moment) cannot be made on demand.
No output is rendered here: `_publish` gets prepared bytes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path

import pytest
from conftest import build_project

from briefwright import builder
from briefwright.builder import MANIFEST, SCRATCH, SCRATCH_MARKER, TMP_MARK, Output, Target
from briefwright.config import Project
from briefwright.content import Content
from briefwright.pipeline import check
from briefwright.problems import BriefwrightError

VERSION = metadata.version("briefwright")
DIGEST = "1" * 64  # the brief's input hash (builder.input_hash): opaque here


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def checked(tmp_path: Path) -> tuple[Project, Content]:
    """A checked project with two briefs ('brief' and 'other'), nothing built yet."""
    root = build_project(tmp_path / "p")
    shutil.copy(root / "briefings/brief.yaml", root / "briefings/other.yaml")
    project = Project.at(root)
    result = check(project)
    assert not [p for p in result.problems if p.level == "error"]
    project.dist.mkdir()
    return project, result.content


def output(brief: str, fmt: str, data: bytes, **extras: bytes) -> Output:
    return Output(Target(brief, fmt), data, dict(extras), [], 0.0)


HTML = b"<!DOCTYPE html><title>new</title>"
PROVENANCE = b'{"new": true}'


def publish(
    project: Project,
    content: Content,
    outputs: list[Output],
    manifest: dict | None = None,
    digests: dict[str, str] | None = None,
) -> dict:
    manifest = {} if manifest is None else manifest
    builder._publish(project, content, manifest, digests or {"brief": DIGEST}, outputs)
    return json.loads((project.dist / MANIFEST).read_text("utf-8"))


def brief_html(**extras: bytes) -> Output:
    return output("brief", "html", HTML, **{"brief/provenance.json": PROVENANCE, **extras})


# --- a publish that succeeds -------------------------------------------------------------------


def test_every_output_is_renamed_in_and_the_manifest_last(checked, monkeypatch) -> None:
    project, content = checked
    dist = project.dist
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src, dst) -> None:
        # Each file arrives whole, by a rename from the build's scratch folder.
        assert Path(src).parent == dist / SCRATCH
        renamed.append(Path(dst).relative_to(dist).as_posix())
        real_replace(src, dst)

    monkeypatch.setattr(builder.os, "replace", replace)
    pdf = b"%PDF-1.7 not really"
    written = publish(project, content, [brief_html(), output("brief", "pdf", pdf)])
    assert renamed[-1] == MANIFEST
    assert sorted(renamed) == sorted(
        ["brief/brief.html", "brief/provenance.json", "brief/brief.pdf", "index.html", MANIFEST]
    )
    assert (dist / "brief/brief.html").read_bytes() == HTML
    assert (dist / "brief/provenance.json").read_bytes() == PROVENANCE
    assert (dist / "brief/brief.pdf").read_bytes() == pdf
    index = (dist / "index.html").read_bytes()
    # The manifest vouches for every file by its sha256, and for what the check passed.
    assert written == {
        "briefwright": VERSION,
        "briefs": {
            "brief": {
                "input": DIGEST,
                "files": {
                    "brief/brief.html": sha(HTML),
                    "brief/brief.pdf": sha(pdf),
                    "brief/provenance.json": sha(PROVENANCE),
                },
            }
        },
        "index.html": sha(index),
        "checked": content.fingerprint(),
    }
    # Stable, readable JSON: sorted as above, indented, one line per entry, a final newline.
    assert (dist / MANIFEST).read_bytes() == (json.dumps(written, indent=2) + "\n").encode()
    assert list(written["briefs"]["brief"]["files"]) == sorted(written["briefs"]["brief"]["files"])
    # The index links every published format and extra of the brief, with its size.
    page = index.decode()
    assert 'href="brief/brief.html">A minimal brief</a>' in page
    assert 'href="brief/brief.pdf">PDF</a> <span class="size">print, 19 B</span>' in page
    assert 'href="brief/provenance.json">Provenance (JSON)</a>' in page
    assert "brief/brief.docx" not in page
    # Nothing else in dist/: the scratch folder is gone with its marker.
    assert sorted(tree(dist)) == [
        "brief",
        "brief/brief.html",
        "brief/brief.pdf",
        "brief/provenance.json",
        "index.html",
        MANIFEST,
    ]


def test_the_manifest_lists_briefs_in_order(checked) -> None:
    project, content = checked
    written = publish(
        project,
        content,
        [output("other", "html", b"o"), brief_html()],
        digests={"brief": DIGEST, "other": "2" * 64},
    )
    assert list(written["briefs"]) == ["brief", "other"]
    assert written["briefs"]["other"] == {
        "input": "2" * 64,
        "files": {"other/other.html": sha(b"o")},
    }
    assert list(json.loads((project.dist / MANIFEST).read_text())["briefs"]) == ["brief", "other"]


def test_a_dev_checkout_is_named_in_the_manifest(checked, monkeypatch) -> None:
    project, content = checked
    monkeypatch.setattr(builder, "_installed", lambda: False)
    assert publish(project, content, [brief_html()])["briefwright"] == "dev"


# --- what the manifest keeps from the previous build -------------------------------------------


def previous_build(project: Project, content: Content) -> dict:
    """dist/ as a build of brief's html and pdf left it; returns a copy of its manifest."""
    publish(project, content, [brief_html(), output("brief", "pdf", b"%PDF old")])
    return json.loads((project.dist / MANIFEST).read_text("utf-8"))


def test_a_brief_rebuilt_in_one_format_keeps_its_other_formats(checked) -> None:
    project, content = checked
    manifest = previous_build(project, content)
    new_html = b"<!DOCTYPE html><title>newer</title>"
    written = publish(project, content, [output("brief", "html", new_html)], manifest)
    assert written["briefs"]["brief"] == {
        "input": DIGEST,
        "files": {
            "brief/brief.html": sha(new_html),
            "brief/brief.pdf": sha(b"%PDF old"),
            "brief/provenance.json": sha(PROVENANCE),
        },
    }
    # The index still offers the PDF that was not rebuilt, read from dist/.
    page = (project.dist / "index.html").read_text("utf-8")
    assert 'href="brief/brief.pdf">PDF</a> <span class="size">print, 8 B</span>' in page


def test_a_changed_brief_vouches_only_for_what_was_rebuilt(checked) -> None:
    project, content = checked
    manifest = previous_build(project, content)
    written = publish(
        project, content, [output("brief", "html", HTML)], manifest, {"brief": "3" * 64}
    )
    # The old PDF was made from other input: no longer listed, nor offered on the index.
    assert written["briefs"]["brief"] == {
        "input": "3" * 64,
        "files": {"brief/brief.html": sha(HTML)},
    }
    assert "brief/brief.pdf" not in (project.dist / "index.html").read_text("utf-8")


def test_a_removed_brief_leaves_the_manifest_and_the_others_stay(checked) -> None:
    project, content = checked
    manifest = previous_build(project, content)
    manifest["briefs"]["gone"] = {"input": "4" * 64, "files": {"gone/gone.html": "5" * 64}}
    other = {"input": "2" * 64, "files": {"other/other.html": sha(b"o")}}
    manifest["briefs"]["other"] = other
    (project.dist / "other").mkdir()
    (project.dist / "other/other.html").write_bytes(b"o")
    written = publish(project, content, [output("brief", "html", HTML)], manifest)
    assert sorted(written["briefs"]) == ["brief", "other"]
    assert written["briefs"]["other"] == other
    assert 'href="other/other.html"' in (project.dist / "index.html").read_text("utf-8")


# --- a publish that fails: the previous outputs intact -----------------------------------------


def test_a_full_disk_while_staging_leaves_dist_as_it_was(checked, monkeypatch) -> None:
    project, content = checked
    previous_build(project, content)
    before = tree(project.dist)
    real_write = os.write
    writes: list[int] = []

    def write(fd: int, data) -> int:
        writes.append(fd)
        if len(writes) == 2:  # the first file fits; the second fills the disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(builder.os, "write", write)
    with pytest.raises(BriefwrightError) as caught:
        publish(project, content, [brief_html(), output("brief", "pdf", b"%PDF new")])
    assert str(caught.value) == (
        "cannot write dist/brief/provenance.json: No space left on device; "
        "free some disk space and build again"
    )
    assert tree(project.dist) == before  # no new output, no staged file, no scratch folder


def test_a_rename_failing_mid_way_keeps_the_old_manifest(checked, monkeypatch) -> None:
    """Files renamed before the failure are whole; the old manifest does not vouch for
    them, so the next build redoes them."""
    project, content = checked
    previous_build(project, content)
    before = tree(project.dist)
    real_replace = os.replace

    def replace(src, dst) -> None:
        if Path(dst).name == "brief.pdf":
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        real_replace(src, dst)

    monkeypatch.setattr(builder.os, "replace", replace)
    new_html = b"<!DOCTYPE html><title>newer</title>"
    with pytest.raises(BriefwrightError) as caught:
        publish(project, content, [output("brief", "html", new_html), output("brief", "pdf", b"x")])
    assert str(caught.value) == (
        "cannot publish dist/brief/brief.pdf: Permission denied; make dist/ writable by this user"
    )
    after = tree(project.dist)
    assert after[MANIFEST] == before[MANIFEST]
    assert after["index.html"] == before["index.html"]
    assert after["brief/brief.pdf"] == before["brief/brief.pdf"]
    assert after["brief/brief.html"] == new_html  # renamed before the failure: complete
    assert sorted(after) == sorted(before)  # no staged file left, no scratch folder


def test_a_failed_clean_up_does_not_hide_the_failure(checked, monkeypatch) -> None:
    """A full disk is reported as such, even when removing what was staged fails too."""
    project, content = checked
    previous_build(project, content)
    manifest = (project.dist / MANIFEST).read_bytes()

    real_write = os.write
    writes: list[int] = []

    def write(fd: int, data) -> int:
        writes.append(fd)
        if len(writes) > 1:  # one file is staged, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    real_unlink = os.unlink

    def unlink(path, **kwargs) -> None:
        if kwargs:  # shutil.rmtree's, by name in a folder
            return real_unlink(path, **kwargs)
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(builder.os, "write", write)
    monkeypatch.setattr(builder.os, "unlink", unlink)
    with pytest.raises(BriefwrightError, match="No space left on device; free some disk space"):
        publish(project, content, [brief_html()])
    monkeypatch.undo()
    assert (project.dist / MANIFEST).read_bytes() == manifest


def test_a_failed_clean_up_after_a_rename_does_not_hide_the_failure(checked, monkeypatch) -> None:
    project, content = checked
    real_replace = os.replace
    real_unlink = os.unlink

    def replace(src, dst) -> None:
        if Path(dst).name == MANIFEST:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real_replace(src, dst)

    def unlink(path, **kwargs) -> None:
        if kwargs or SCRATCH in str(path):
            real_unlink(path, **kwargs)  # FileNotFoundError for a file already renamed away
        else:
            raise AssertionError(f"removed a published file: {path}")

    monkeypatch.setattr(builder.os, "replace", replace)
    monkeypatch.setattr(builder.os, "unlink", unlink)
    with pytest.raises(BriefwrightError) as caught:
        publish(project, content, [brief_html()])
    assert str(caught.value) == (
        "cannot publish dist/manifest.json: Read-only file system; "
        "dist/ is on a read-only file system; work in a writable copy"
    )
    assert not (project.dist / MANIFEST).exists()
    assert not (project.dist / SCRATCH).exists()


def test_ctrl_c_while_publishing_leaves_no_staged_files(checked, monkeypatch) -> None:
    project, content = checked
    previous_build(project, content)
    before = tree(project.dist)
    real_stage = builder._stage
    staged: list[Path] = []

    def stage(path: Path, data: bytes, folder: Path | None = None) -> Path:
        if staged:
            raise KeyboardInterrupt
        staged.append(real_stage(path, data, folder))
        return staged[-1]

    monkeypatch.setattr(builder, "_stage", stage)
    with pytest.raises(KeyboardInterrupt):
        publish(project, content, [brief_html()])
    assert staged and not staged[0].exists()
    assert tree(project.dist) == before


# --- nothing outside dist/ ---------------------------------------------------------------------


def test_a_link_in_dist_is_not_followed_out_of_it(checked, tmp_path: Path) -> None:
    project, content = checked
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "brief.html").write_bytes(b"not yours")
    (project.dist / "brief").symlink_to(outside, target_is_directory=True)
    (project.dist / "index.html").write_bytes(b"old index")
    before = tree(project.dist)
    with pytest.raises(BriefwrightError) as caught:
        publish(project, content, [brief_html()])
    assert str(caught.value) == (
        f"refusing to write {project.dist}/brief/brief.html: it does not lie inside "
        f"{project.dist}/ (a link or an unusual name on the way); nothing was published"
    )
    assert tree(outside) == {"brief.html": b"not yours"}
    assert tree(project.dist) == before  # proven before anything was staged


def test_publishing_into_a_missing_dist_is_a_clear_error(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    with pytest.raises(BriefwrightError) as caught:
        builder.publish_files(dist, {"index.html": b"x"})
    assert str(caught.value) == (
        f"cannot write {dist}/{SCRATCH}: No such file or directory; "
        "check the folder and build again"
    )
    assert not dist.exists()


# --- write_atomic: one project file -------------------------------------------------------------


def test_write_atomic_says_the_project_folder_is_read_only(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "schemas" / "claim.schema.json"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def mkstemp(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(builder.tempfile, "mkstemp", mkstemp)
    with pytest.raises(BriefwrightError) as caught:
        builder.write_atomic(target, b"new")
    assert str(caught.value) == (
        f"cannot write {target}: Read-only file system; "
        "the project folder is on a read-only file system; work in a writable copy"
    )
    assert target.read_bytes() == b"old"


def test_write_atomic_says_when_the_rename_is_refused(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "claim.yaml"
    target.write_bytes(b"old")

    def replace(src, dst) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(builder.os, "replace", replace)
    with pytest.raises(BriefwrightError) as caught:
        builder.write_atomic(target, b"new")
    assert str(caught.value) == (
        f"cannot write {target}: Operation not permitted; "
        "make the project folder writable by this user"
    )
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["claim.yaml"]


def test_ctrl_c_just_after_the_rename_is_still_ctrl_c(tmp_path: Path, monkeypatch) -> None:
    """The signal may arrive once the rename is done: the file is whole, and the user
    sees the interruption, not an error about the staged file that is already gone."""
    target = tmp_path / "claim.yaml"
    target.write_bytes(b"old")
    real_replace = os.replace

    def replace(src, dst) -> None:
        real_replace(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(builder.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        builder.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["claim.yaml"]


def test_a_staging_failure_is_reported_even_if_removing_the_temporary_fails(
    tmp_path: Path, monkeypatch
) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    def unlink(path) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(builder.os, "fsync", fsync)
    monkeypatch.setattr(builder.os, "unlink", unlink)
    with pytest.raises(BriefwrightError, match=r"claim\.yaml: Input/output error; check the"):
        builder.write_atomic(tmp_path / "claim.yaml", b"new")


# --- durability and clean-up --------------------------------------------------------------------


def test_a_file_system_that_cannot_sync_a_folder_still_publishes(
    tmp_path: Path, monkeypatch
) -> None:
    """Some file systems refuse fsync on a folder (EINVAL): the files are written anyway."""
    real_fsync = os.fsync
    synced: list[bool] = []

    def fsync(fd: int) -> None:
        folder = os.path.isdir(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").is_dir() else True
        synced.append(folder)
        if folder:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        real_fsync(fd)

    monkeypatch.setattr(builder.os, "fsync", fsync)
    dist = tmp_path / "dist"
    dist.mkdir()
    builder.publish_files(dist, {"a/b.html": b"x", "c.html": b"y"})
    builder.write_atomic(tmp_path / "schema.json", b"{}")
    assert (dist / "a/b.html").read_bytes() == b"x"
    assert (tmp_path / "schema.json").read_bytes() == b"{}"
    assert synced.count(False) == 3  # every file's data reached the disk first


def test_clean_up_of_a_dist_without_scratch_creates_nothing(tmp_path: Path) -> None:
    builder._clean_stale_temporaries(tmp_path / "absent")
    assert not (tmp_path / "absent").exists()
    dist = tmp_path / "dist"
    dist.mkdir()
    builder._clean_stale_temporaries(dist)
    assert list(dist.iterdir()) == []


def test_a_scratch_folder_that_cannot_be_removed_does_not_fail_the_build(
    tmp_path: Path, monkeypatch
) -> None:
    """It is removed by the next build; the outputs are already published."""
    dist = tmp_path / "dist"
    dist.mkdir()

    def rmtree(path, *args, **kwargs) -> None:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    monkeypatch.setattr(builder.shutil, "rmtree", rmtree)
    builder.publish_files(dist, {"index.html": b"x"})
    assert (dist / "index.html").read_bytes() == b"x"
    assert sorted(p.name for p in (dist / SCRATCH).iterdir()) == [SCRATCH_MARKER]
    monkeypatch.undo()
    builder._clean_stale_temporaries(dist)
    assert sorted(tree(dist)) == ["index.html"]


def test_a_failure_in_someone_elses_scratch_folder_is_the_real_error(
    tmp_path: Path, monkeypatch
) -> None:
    """An unmarked scratch folder (not the build's) is left alone on failure, and the
    failure itself is what the user reads."""
    dist = tmp_path / "dist"
    (dist / SCRATCH).mkdir(parents=True)

    def unlink(path) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    def replace(src, dst) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(builder.os, "unlink", unlink)
    monkeypatch.setattr(builder.os, "replace", replace)
    with pytest.raises(BriefwrightError, match=r"cannot publish .*index\.html: No space left"):
        builder.publish_files(dist, {"index.html": b"x"})
    monkeypatch.undo()
    [left] = (dist / SCRATCH).iterdir()  # the staged file it could not remove
    assert left.name.startswith(f".index.html{TMP_MARK}")
    assert not (dist / "index.html").exists()
