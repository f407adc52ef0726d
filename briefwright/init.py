"""`briefwright init DIR`: a new project, with a worked example that checks and builds.

The project skeleton ships as package data (briefwright/skeleton/). Files whose names
start with a dot are stored as `dot-…` (a wheel's package-data globs skip dotfiles) and
renamed on the way out. Everything is planned and checked before the first write: a
folder that is not empty needs --force, and even then no existing file is overwritten
and no path may lead out of DIR through a symbolic link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from .config import Settings
from .problems import BriefwrightError

SKELETON = files("briefwright") / "skeleton"
DOT_PREFIX = "dot-"
# Files holding placeholders; every other file is copied byte for byte.
FILLED_IN = {"briefwright.toml", "README.md", "requirements.txt"}


@dataclass(frozen=True, slots=True)
class Initialized:
    root: Path
    written: tuple[str, ...]  # relative paths, in the order written
    kept: tuple[str, ...]  # existing files left as they were (with --force)


def _skeleton_files(folder: Traversable, prefix: PurePosixPath) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        name = entry.name
        if name.startswith(DOT_PREFIX):
            name = "." + name[len(DOT_PREFIX) :]
        if entry.is_dir():
            found += _skeleton_files(entry, prefix / name)
        else:
            found.append(((prefix / name).as_posix(), entry.read_bytes()))
    return found


def _version() -> str:
    try:
        return metadata.version("briefwright")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def requirement() -> str:
    """This briefwright as a pip requirement: where it was installed from (PEP 610's
    direct_url.json: a wheel, a folder, a git commit), else the released version."""
    # The first record that says where it came from: a source checkout's own
    # briefwright.egg-info (found first when run from there) does not.
    recorded = next(
        (
            text
            for dist in metadata.distributions(name="briefwright")
            if (text := dist.read_text("direct_url.json"))
        ),
        None,
    )
    try:
        info = json.loads(recorded or "null")
    except ValueError:
        info = None
    url = info.get("url") if isinstance(info, dict) else None
    if isinstance(url, str) and url.isprintable() and " " not in url:
        vcs = info.get("vcs_info") if isinstance(info, dict) else None
        if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
            return f"briefwright @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
        if url.startswith(("file://", "https://", "http://")):
            return f"briefwright @ {url}"
    return f"briefwright=={_version()}"


def _fill(name: str, data: bytes, title: str) -> bytes:
    if name not in FILLED_IN:
        return data
    text = data.decode("utf-8")
    # A JSON string is a valid TOML basic string (same escapes).
    text = text.replace("{{title_toml}}", json.dumps(title, ensure_ascii=False))
    text = text.replace("{{title}}", title).replace("{{requirement}}", requirement())
    return text.encode("utf-8")


def _title_problem(title: str) -> str | None:
    try:
        Settings(title=title)
    except ValueError:
        return "--title must be one line of 1 to 300 characters"
    if any(ch in title for ch in "\r\n") or any(ord(ch) < 32 for ch in title):
        return "--title must be one line without control characters"
    return None


def _escapes(root: Path, relative: str) -> bool:
    """Whether writing root/relative would go through a link, or out of root."""
    path = root
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            return True
    return not path.parent.resolve().is_relative_to(root)


def init_project(directory: Path, title: str | None = None, force: bool = False) -> Initialized:
    """Create a project in `directory` (created if missing); see the module docstring."""
    root = directory.resolve()
    if root.exists() and not root.is_dir():
        raise BriefwrightError(f"{directory} exists and is not a folder")
    title = title if title is not None else root.name.replace("-", " ").replace("_", " ")
    problem = _title_problem(title)
    if problem:
        raise BriefwrightError(problem)
    if root.is_dir() and any(root.iterdir()) and not force:
        raise BriefwrightError(
            f"{directory} is not empty; use --force to add a project to it "
            "(existing files are kept, never overwritten)"
        )
    plan = _skeleton_files(SKELETON, PurePosixPath()) + _schema_files()
    linked = [name for name, _ in plan if _escapes(root, name)]
    if linked:
        raise BriefwrightError(
            f"{directory}: {linked[0]} would be written through a symbolic link; "
            "nothing was written"
        )
    written: list[str] = []
    kept: list[str] = []
    for name, data in plan:
        target = root.joinpath(*PurePosixPath(name).parts)
        if target.exists():
            kept.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_fill(name, data, title))
        written.append(name)
    return Initialized(root, tuple(written), tuple(kept))


def _schema_files() -> list[tuple[str, bytes]]:
    """The schemas the skeleton's files name on their first line."""
    from .schema import rendered

    return [(f"schemas/{name}", text.encode("utf-8")) for name, text in rendered().items()]
