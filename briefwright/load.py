"""Files → model: read every content file, validate each item, keep its location.

Nothing here stops at the first problem: a broken file or item is reported and skipped,
and the rest is still loaded so that one run reports everything.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import re
import stat
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .characters import HIDDEN, hidden_characters
from .config import Project
from .content import Content
from .model import (
    RESERVED_BRIEF_NAMES,
    Actor,
    Briefing,
    Claim,
    Option,
    Position,
    Quote,
    Record,
    Source,
    Where,
    brief_name_error,
)
from .problems import BriefwrightError, Problem
from .rules import problem_at
from .textmatch import SourceText
from .yamlio import Document, load_file

R = TypeVar("R", bound=Record)
Spot = tuple[str, int, int, str, str]  # path, line, column; what failed there, and why

# Ids a file names when it cannot be read (or an item is invalid): references to them are
# not reported one by one, only counted (see validate.py). A text scan, not a parse.
_ID_IN_TEXT = re.compile(r"(?:^|[\s{,])(?:id|actor):\s*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)", re.M)
_SOURCE_IN_TEXT = re.compile(r"(?:^|[\s{,])source:\s*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)", re.M)
SCAN_BYTES = 4_000_000  # enough for any file under the cap, and bounded for a giant
# An archived source text larger than this is refused (source-text-too-large): the largest
# shipped text is 11 kB, a long report about 500 kB; every quote is matched against the
# whole text, so a hostile giant would tie up the check.
MAX_SOURCE_BYTES = 1_000_000


def inside_project(project: Project, path: Path) -> bool:
    """Whether `path` lies inside the project once every link on the way is followed."""
    return path.resolve().is_relative_to(project.root.resolve())


def require_inside(project: Project, path: Path, action: str) -> Path:
    """`path`, if reading or writing it stays inside the project; else a clear refusal.

    A link committed in a pull request must not make an editor command copy an outside
    file into the repository, write through to it, or print a line of it.
    """
    if inside_project(project, path):
        return path
    try:
        shown = path.relative_to(project.root).as_posix()  # rel() would follow the link
    except ValueError:
        shown = str(path)
    raise BriefwrightError(
        f"refusing to {action} {shown}: it is a link to a place outside the project; "
        "replace the link with a real file inside the project (or remove it)"
    )


def _may_hide(value: Any) -> bool:
    """Whether any string of a parsed file (a value or a key) holds a HIDDEN character:
    one search of them all joined, so hidden_characters walks only the rare file that
    does."""
    texts: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return HIDDEN.search("\n".join(texts)) is not None


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _located_path(value: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Pydantic's error location as a path into the YAML value.

    Tagged unions add the tag to the location ('sections', 0, 'timeline', 'from'):
    steps that do not exist in the document are skipped.
    """
    path: list[str | int] = []
    for step in loc:
        in_dict = isinstance(value, dict) and step in value
        in_list = isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        if in_dict or in_list:
            value = value[step]
            path.append(step)
    return tuple(path)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model an error location points into: Citation for ('cites', 0, 'qoute')."""
    union: list[type[BaseModel]] = []
    for step in loc[:-1]:
        if union and isinstance(step, str):
            # A tagged union puts its tag in the location: ('sections', 0, 'claims', 'titel').
            tagged = [
                m
                for m in union
                if "type" in m.model_fields
                and step in typing.get_args(m.model_fields["type"].annotation)
            ]
            if tagged:
                model, union = tagged[0], []
                continue
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        field = fields.get(step) if isinstance(step, str) else None
        if field is None:
            continue
        found = _models_in(field.annotation)
        if len(found) == 1:
            model = found[0]
        elif found:
            union = found
    return model


def _explain(error: dict[str, Any], model: type[BaseModel], key: str) -> tuple[str, str | None]:
    kind = error["type"]
    model = _model_at(model, tuple(error["loc"]))
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, _field_names(model), n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else ("allowed keys: " + ", ".join(_field_names(model)))
        )
        return f"unknown key '{key}'", hint
    if kind == "missing":
        return f"missing required key '{key}'", f"add '{key}:' (see docs/content-model.md)"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    where = f"'{key}': " if key else ""
    shown = error.get("input")
    if isinstance(shown, str | int) and len(str(shown)) < 80:
        message = f"{message} (got '{shown}')"
    hint = None
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(
        error.get("ctx", {}).get("pattern", "")
    ):
        hint = "ids are kebab-case: lower-case letters, digits and single hyphens"
    elif kind == "literal_error":
        hint = "allowed: " + str(error.get("ctx", {}).get("expected", ""))
    return where + message, hint


Positions = dict[tuple[str | int, ...], tuple[int, int]]


def _positions_by_item(doc: Document) -> dict[str | int, Positions]:
    """The positions of each top-level item, relative to it, in one pass over the file.

    Filtering the whole file's positions for each item would make loading a list file
    quadratic in its length.
    """
    groups: dict[str | int, Positions] = {}
    for key, at in doc.positions.items():
        if key:
            group = groups.get(key[0])
            if group is None:
                group = groups[key[0]] = {}
            group[key[1:]] = at
    return groups


def _validate(
    model: type[R],
    value: Any,
    doc: Document,
    path: tuple[str | int, ...],
    problems: list[Problem],
    positions: Positions | None = None,
    what: str = "item",
) -> R | None:
    """Validate one item; `positions` are its own (relative to `path`) when known already.

    Each problem names the item ('claim 'x': unknown key 'cite'') and carries a hint.
    """
    key_name = "actor" if what == "position" else "id"
    item_id = (
        value.get(key_name)
        if isinstance(value, dict) and isinstance(value.get(key_name), str)
        else None
    )
    subject = f"{what} '{item_id}': " if item_id else (f"{what}: " if what != "item" else "")
    try:
        item = model.model_validate(value)
    except ValidationError as exc:
        for error in exc.errors():
            sub = _located_path(value, error["loc"])
            full = (*path, *sub)
            names = [step for step in (*path, *sub) if isinstance(step, str)]
            key = (
                str(error["loc"][-1])
                if error["type"] in ("extra_forbidden", "missing")
                else (names[-1] if names else "")
            )
            if error["type"] in ("extra_forbidden", "missing"):
                at = doc.key_positions.get(full) or doc.where(full)
            else:
                at = doc.where(full)
            message, hint = _explain(error, model, key)
            hint = hint or f"see docs/content-model.md for the keys and values a {what} takes"
            problems.append(
                Problem(
                    doc.path,
                    at[0],
                    at[1],
                    "invalid-field",
                    "error",
                    subject + message,
                    id=item_id,
                    hint=hint,
                )
            )
        return None
    if positions is None:
        prefix_len = len(path)
        positions = {k[prefix_len:]: v for k, v in doc.positions.items() if k[:prefix_len] == path}
    item._where = Where(doc.path, positions)
    return item


def _items(doc: Document, problems: list[Problem], what: str) -> Iterator[tuple[int, Any]]:
    if not isinstance(doc.value, list):
        problems.append(
            Problem(
                doc.path,
                1,
                1,
                "invalid-field",
                "error",
                f"expected a list of {what} (lines starting with '- ')",
                hint=f"write each of the {what} as an item starting with '- id:'; "
                "see docs/content-model.md",
            )
        )
        return
    yield from enumerate(doc.value)


def _single(doc: Document, problems: list[Problem], what: str) -> bool:
    if isinstance(doc.value, dict):
        return True
    problems.append(
        Problem(
            doc.path,
            1,
            1,
            "invalid-field",
            "error",
            f"expected one {what} as a mapping of keys to values",
            hint=f"write the {what}'s keys at the start of lines ('key: value'), "
            "not as a list; see docs/content-model.md",
        )
    )
    return False


def _add(table: dict[str, R], key: str, item: R, problems: list[Problem], what: str) -> None:
    if key in table:
        first = table[key].where
        line, col = item.where.at("id") if "id" in type(item).model_fields else item.where.at()
        problems.append(
            Problem(
                item.where.path,
                line,
                col,
                "duplicate-id",
                "error",
                f"{what} '{key}' is defined twice (first at {first.path}:{first.at()[0]})",
                id=key,
                hint="rename one of them; ids must be unique within their kind",
            )
        )
        return
    table[key] = item


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading only adds objects that live on; the cycle collector would re-scan them
    again and again as they pile up (a third of the load time at 10 000 claims).

    Afterwards the new objects go straight to the oldest generation (freeze, then
    unfreeze), so the first collections after loading do not walk them all once more;
    they are collected as usual if they ever become garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def load_project(project: Project) -> tuple[Content, list[Problem]]:
    with _collector_paused():
        return _load_project(project)


def _load_project(project: Project) -> tuple[Content, list[Problem]]:
    problems: list[Problem] = []
    files: dict[str, str] = {}  # what was read: path → sha256
    unread: dict[str, dict[str, Spot]] = {}  # kind → id → the file or item that failed

    def mark_unread(kind: str, ids: Iterator[str] | list[str], spot: Spot) -> None:
        table = unread.setdefault(kind, {})
        for item_id in ids:
            table.setdefault(item_id, spot)

    def scan_unread(path: Path, kind: str) -> None:
        """A file that could not be read: the ids (and cited sources) its text names."""
        try:
            with path.open("rb") as handle:
                text = handle.read(SCAN_BYTES).decode("utf-8", "replace")
        except OSError:
            return
        rel = project.rel(path)
        spot = (rel, 1, 1, f"ids in {rel}", "the file could not be loaded")
        ids = _ID_IN_TEXT.findall(text)
        if kind in ("source", "position"):
            ids.append(path.stem)
        mark_unread(kind, ids, spot)
        if kind in ("claim", "quote"):
            mark_unread("cited-source", _SOURCE_IN_TEXT.findall(text), spot)

    def invalid_item(kind: str, value: Any, doc: Document, at: tuple[int, ...]) -> None:
        """An item that does not fit the model: references to its id are not checked."""
        line, col = doc.where(at)
        key = "actor" if kind == "position" else "id"
        named = value.get(key) if isinstance(value, dict) else None
        subject = f"{kind} '{named}'" if isinstance(named, str) else f"ids in {doc.path}"
        spot = (doc.path, line, col, subject, f"the {kind} is not valid")
        if isinstance(named, str):
            mark_unread(kind, [named], spot)
        if kind in ("claim", "quote"):
            mark_unread("cited-source", list(_named_sources(value)), spot)

    root = project.root.resolve()  # once: resolving costs a system call per part

    def read(path: Path, kind: str) -> Document | None:
        resolved = path.resolve()  # once for both the check below and the shown path
        if not resolved.is_relative_to(root):
            # A link committed in a pull request must not make CI read (and print parts
            # of) a file outside the project.
            shown = path.relative_to(project.root).as_posix()  # rel() would follow the link
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    "yaml-unsafe",
                    "error",
                    f"{shown} is a link to a file outside the project; it is not read",
                    hint="content files must be real files inside the project",
                )
            )
            return None
        try:
            shown = resolved.relative_to(project.root).as_posix()  # as project.rel(path)
        except ValueError:
            shown = project.rel(path)
        doc, found = load_file(path, shown)
        problems.extend(found)
        if doc is not None:
            files[doc.path] = doc.sha256
            if _may_hide(doc.value):  # one search of all its strings; most files pass
                problems.extend(hidden_characters(doc, kind))
        else:
            scan_unread(path, kind)
        return doc

    def read_lists(paths: list[Path], model: type[R], what: str, table: dict[str, R]) -> None:
        """Files holding a list of items each (claims, quotes, options, actors)."""
        kind = what.rstrip("s")
        for path in paths:
            doc = read(path, kind)
            if doc is None:
                continue
            if not isinstance(doc.value, list):
                scan_unread(path, kind)
            groups = _positions_by_item(doc)
            for index, value in _items(doc, problems, what):
                item = _validate(model, value, doc, (index,), problems, groups.get(index, {}), kind)
                if item is None:
                    invalid_item(kind, value, doc, (index,))
                else:
                    _add(table, item.id, item, problems, kind)  # type: ignore[attr-defined]

    def read_singles(paths: list[Path], model: type[R], what: str) -> Iterator[tuple[Path, R]]:
        """Files holding one item each (sources, positions, briefs)."""
        for path in paths:
            doc = read(path, what)
            if doc is None:
                continue
            if not _single(doc, problems, what):
                scan_unread(path, what)
                continue
            item = _validate(model, doc.value, doc, (), problems, None, what)
            if item is None:
                invalid_item(what, doc.value, doc, ())
                if what in ("source", "position"):
                    spot = (doc.path, 1, 1, f"{what} '{path.stem}'", f"the {what} is not valid")
                    mark_unread(what, [path.stem], spot)
            else:
                yield path, item

    def named_after(path: Path, item: Record, key: str, name: str, message: str) -> None:
        """Sources and positions are named after their id/actor: say so when not."""
        if name != path.stem:
            problems.append(
                problem_at(
                    item,
                    (key,),
                    "id-mismatch",
                    message,
                    name,
                    hint=f"rename the file to '{name}.yaml' or change '{key}'",
                )
            )

    sources: dict[str, Source] = {}
    texts: dict[str, SourceText] = {}
    folders: dict[Path, Path] = {}  # each folder resolved once
    for path, source in read_singles(_yaml_files(project.sources), Source, "source"):
        named_after(
            path,
            source,
            "id",
            source.id,
            f"source id '{source.id}' differs from its file name '{path.name}'",
        )
        _add(sources, source.id, source, problems, "source")
        folder = folders.setdefault(path.parent, path.parent.resolve())
        text = _read_text(project, path.parent, source, problems, folder)
        if text is not None:
            texts[source.id] = text
            files[project.rel(path.parent / source.text)] = text.sha256

    claims: dict[str, Claim] = {}
    quotes: dict[str, Quote] = {}
    options: dict[str, Option] = {}
    actors: dict[str, Actor] = {}
    read_lists(_yaml_files(project.claims), Claim, "claims", claims)
    read_lists(_yaml_files(project.quotes), Quote, "quotes", quotes)
    read_lists(_yaml_files(project.options), Option, "options", options)
    if project.actors.is_file():
        read_lists([project.actors], Actor, "actors", actors)

    positions: dict[str, Position] = {}
    for path, position in read_singles(_yaml_files(project.positions), Position, "position"):
        named_after(
            path,
            position,
            "actor",
            position.actor,
            f"position of '{position.actor}' is in '{path.name}'",
        )
        _add(positions, position.actor, position, problems, "position of")

    briefings: dict[str, Briefing] = {}
    for path, briefing in read_singles(_brief_files(project, problems), Briefing, "brief"):
        _add(briefings, path.stem, briefing, problems, "brief")

    content = Content(
        project,
        sources,
        texts,
        claims,
        quotes,
        actors,
        positions,
        options,
        briefings,
        files,
        unread,
    )
    return content, problems


def _named_sources(value: Any) -> Iterator[str]:
    """Every string under a 'source' key, anywhere in an item as written."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "source" and isinstance(inner, str):
                yield inner
            else:
                yield from _named_sources(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _named_sources(inner)


def _brief_files(project: Project, problems: list[Problem]) -> list[Path]:
    """The brief files whose names can name a brief; the others are reported, not read.

    A brief's name becomes paths and links in dist/: '...', 'manifest.json' or a name
    holding 'javascript:' must never get that far.
    """
    found = []
    for path in _yaml_files(project.briefings):
        reason = brief_name_error(path.stem)
        if reason is None:
            found.append(path)
            continue
        shown = project.rel(path.parent) + "/" + path.name  # rel() would resolve '...'
        problems.append(
            Problem(
                shown,
                1,
                1,
                "invalid-brief-name",
                "error",
                f"brief name {path.stem!r} {reason}",
                hint="rename the file: a brief's name is an id such as 'japan-russia', and "
                f"none of {', '.join(sorted(RESERVED_BRIEF_NAMES))}",
            )
        )
    return found


def _read_text(
    project: Project,
    folder: Path,
    source: Source,
    problems: list[Problem],
    resolved: Path | None = None,
) -> SourceText | None:
    """The source's archived text, read from `folder` (`resolved`: the folder with its
    links followed, if the caller has it)."""
    target = (folder / source.text).resolve()
    # The archived text must sit beside its YAML: no '../' or absolute paths from content.
    if target.parent != (resolved or folder.resolve()) or Path(source.text).name != source.text:
        problems.append(
            problem_at(
                source,
                ("text",),
                "source-text-missing",
                f"source '{source.id}': text '{source.text}' must be a file name in "
                f"{project.rel(folder)}/",
                source.id,
                hint=f"write 'text: {source.id}.txt' and put the file beside the YAML",
            )
        )
        return None
    try:
        if target.is_symlink():
            raise OSError("a symbolic link is not accepted")
        info = target.stat()
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        if info.st_size > MAX_SOURCE_BYTES:
            problems.append(
                problem_at(
                    source,
                    ("text",),
                    "source-text-too-large",
                    f"source '{source.id}': archived text '{project.rel(target)}' is "
                    f"{info.st_size:,} bytes; the limit is {MAX_SOURCE_BYTES:,}",
                    source.id,
                    hint="archive the part you cite (a chapter, a section) as its own source; "
                    "quotes are checked against the whole text, so it must stay readable",
                )
            )
            return None
        data = target.read_bytes()
        text = SourceText.from_bytes(data)
    except FileNotFoundError:
        problems.append(
            problem_at(
                source,
                ("text",),
                "source-text-missing",
                f"source '{source.id}': archived text '{project.rel(target)}' does not exist",
                source.id,
                hint="add the archived text of the source beside its YAML",
            )
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problems.append(
            problem_at(
                source,
                ("text",),
                "source-text-missing",
                f"source '{source.id}': archived text '{project.rel(target)}' "
                f"cannot be read: {reason}",
                source.id,
                hint="archived texts are UTF-8 text files",
            )
        )
        return None
    if text.sha256 != source.sha256:
        problems.append(
            problem_at(
                source,
                ("sha256",),
                "source-text-changed",
                f"source '{source.id}': archived text '{project.rel(target)}' has sha256 "
                f"{text.sha256[:12]}…, not the recorded {source.sha256[:12]}…",
                source.id,
                hint="archived texts are never edited; if the change is a deliberate re-archive, "
                f"record the new sha256 ({text.sha256}) and re-check every quote",
            )
        )
    return text
