"""Content diff between two git revisions, claim by claim, for a pull request summary.

Each revision's content/, briefings/ and templates/ are read out of git into a temporary
folder (blobs only: no symbolic links, no checkout, no hooks) and loaded with the same
loader as the check; the working tree is loaded in place. Every change names the briefs
it affects: those that use the item (scope.py, the build's own definition) in either
revision and whose rendering differs between the two (the intermediate Markdown, the
bibliography, or the template's other files). A brief that filters out a changed
position point, or leaves out a claim newer than its edition, is not affected.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel

from .config import CONFIG_FILE, Project
from .content import Content
from .load import load_project
from .problems import BriefwrightError, visible
from .scope import Scope, brief_scope

GIT_TIMEOUT = 60
Status = Literal["added", "changed", "removed"]
KINDS = ("brief", "claim", "quote", "source", "option", "position", "actor", "template")
PLURAL = {
    "brief": "briefs",
    "claim": "claims",
    "quote": "quotes",
    "source": "sources",
    "option": "options",
    "position": "positions",
    "actor": "actors",
    "template": "templates",
}


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # one of KINDS
    id: str
    status: Status
    fields: tuple[str, ...]  # the fields that changed (empty when added or removed)
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    briefs: tuple[str, ...]  # briefs affected, in the base or the head revision
    path: str | None  # where the item is (head, or base when removed)
    line: int | None


@dataclass(frozen=True, slots=True)
class Revision:
    label: str  # as given, or "working tree"
    commit: str | None  # full sha; None for the working tree
    load_errors: int


@dataclass(frozen=True, slots=True)
class ContentDiff:
    base: Revision
    head: Revision
    changes: tuple[Change, ...]

    @property
    def briefs(self) -> tuple[str, ...]:
        return tuple(sorted({b for c in self.changes for b in c.briefs}))

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


# --- reading revisions out of git ----------------------------------------------------


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise BriefwrightError("git is not installed (needed for 'diff')") from None
    except subprocess.TimeoutExpired:
        raise BriefwrightError(f"git {args[0]} took longer than {GIT_TIMEOUT}s") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BriefwrightError(f"git {args[0]} failed: {message[-1] if message else '?'}")
    return result.stdout


def resolve(root: Path, rev: str) -> str:
    if rev.startswith("-"):
        raise BriefwrightError(f"'{rev}' is not a revision")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except BriefwrightError:
        raise BriefwrightError(
            f"unknown revision '{rev}' (in CI, check out with fetch-depth: 0)"
        ) from None


def _repo(root: Path) -> tuple[Path, str]:
    """The repository's top folder and the project's folder inside it ('' or 'sub/')."""
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except BriefwrightError:
        raise BriefwrightError(f"{root} is not in a git repository") from None
    prefix = root.resolve().relative_to(top).as_posix()
    return top, "" if prefix == "." else prefix + "/"


def materialize(project: Project, commit: str, dest: Path) -> Project:
    """Write the revision's content/, briefings/ and templates/ under dest."""
    top, prefix = _repo(project.root)
    paths = project.settings.paths
    # The revision's own briefwright.toml comes along, so its settings apply to it.
    folders = (paths.content, paths.briefings, paths.templates, CONFIG_FILE)
    listing = _git(top, "ls-tree", "-r", "-z", commit, "--", *(prefix + f for f in folders))
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        # Regular files only: a symbolic link from a pull request must not reach outside.
        if kind == "blob" and mode in ("100644", "100755"):
            wanted.append((oid, name.decode("utf-8", "surrogateescape")))
    if wanted:
        stream = _git(
            top, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid, _ in wanted).encode()
        )
        offset = 0
        for _oid, name in wanted:
            header_end = stream.index(b"\n", offset)
            size = int(stream[offset:header_end].split()[2])
            data = stream[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1
            relative = PurePosixPath(name[len(prefix) :])
            if relative.is_absolute() or ".." in relative.parts:
                continue
            target = dest.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    dest.mkdir(parents=True, exist_ok=True)
    return Project.at(dest)


# --- comparing -----------------------------------------------------------------------


def _dump(item: BaseModel) -> dict[str, Any]:
    return item.model_dump(mode="json", by_alias=True, exclude_none=True)


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    keys = list(dict.fromkeys([*before, *after]))
    return tuple(k for k in keys if before.get(k) != after.get(k))


def _template_files(project: Project) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    if not project.templates.is_dir():
        return found
    for folder in sorted(p for p in project.templates.iterdir() if p.is_dir()):
        files = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                files[path.relative_to(folder).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
        found[folder.name] = files
    return found


@dataclass(frozen=True)
class _Side:
    content: Content
    scopes: dict[str, Scope]
    templates: dict[str, dict[str, str]]
    renderings: dict[str, tuple[Any, ...] | None] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, content: Content) -> _Side:
        scopes = {name: brief_scope(content, brief) for name, brief in content.briefings.items()}
        return cls(content, scopes, _template_files(content.project))

    def rendering(self, name: str) -> tuple[Any, ...] | None:
        if name not in self.renderings:
            self.renderings[name] = _rendering(self, name)
        return self.renderings[name]

    def briefs_using(self, kind: str, key: str) -> set[str]:
        content = self.content
        if kind == "brief":
            return {key} if key in content.briefings else set()
        if kind == "actor":
            return set(content.briefings)  # actor names appear anywhere in a brief
        if kind == "template":
            return {n for n, b in content.briefings.items() if b.template == key}
        attribute = {
            "claim": "claims",
            "quote": "quotes",
            "source": "sources",
            "option": "options",
            "position": "actors",
        }[kind]
        return {n for n, s in self.scopes.items() if key in getattr(s, attribute)}


def _rendering(side: _Side, name: str) -> tuple[Any, ...] | None:
    """What a brief becomes in this revision: its intermediate, bibliography and style,
    and the template's other files (CSS, page, reference.docx), which shape every output.
    None when the revision has no such brief."""
    from .render import render_brief  # rendering is only needed for a diff

    briefing = side.content.briefings.get(name)
    if briefing is None:
        return None
    others = {
        file: digest
        for file, digest in side.templates.get(briefing.template, {}).items()
        if not file.endswith(".j2")
    }
    try:
        rendered = render_brief(side.content, name)
    except BriefwrightError as exc:
        # It cannot render here: compare the reasons, so a change that breaks or fixes
        # the brief counts, and one that leaves it broken the same way does not.
        return ("cannot render", sorted(p.message for p in exc.problems), others)
    return (
        rendered.markdown,
        json.dumps(rendered.csl_json, sort_keys=True),
        rendered.style.name,
        others,
    )


def _items(side: _Side, kind: str) -> Mapping[str, Any]:
    content = side.content
    if kind == "template":
        return side.templates
    return {
        "brief": content.briefings,
        "claim": content.claims,
        "quote": content.quotes,
        "source": content.sources,
        "option": content.options,
        "position": content.positions,
        "actor": content.actors,
    }[kind]


def _snapshot(side: _Side, kind: str, item: Any, key: str) -> dict[str, Any]:
    if kind == "template":
        return {"files": item}
    data = _dump(item)
    if kind == "source":
        text = side.content.texts.get(key)
        data["archived text"] = text.sha256 if text else None
    return data


def _rendered_differently(sides: tuple[_Side, _Side], name: str) -> bool:
    # A brief is affected only if what it prints changes: a change to a position point
    # that the brief does not show, or to a claim outside its edition, leaves it alone.
    return sides[0].rendering(name) != sides[1].rendering(name)


def compare(base: Content, head: Content) -> list[Change]:
    sides = (_Side.of(base), _Side.of(head))
    changes: list[Change] = []
    for kind in KINDS:
        before_items, after_items = _items(sides[0], kind), _items(sides[1], kind)
        for key in sorted({*before_items, *after_items}):
            old, new = before_items.get(key), after_items.get(key)
            before = _snapshot(sides[0], kind, old, key) if old is not None else None
            after = _snapshot(sides[1], kind, new, key) if new is not None else None
            if before == after:
                continue
            status: Status = (
                "added" if before is None else "removed" if after is None else ("changed")
            )
            fields = _changed_fields(before, after) if before and after else ()
            briefs = {
                name
                for name in sides[0].briefs_using(kind, key) | sides[1].briefs_using(kind, key)
                if kind == "brief" or _rendered_differently(sides, name)
            }
            item = new if new is not None else old
            path = line = None
            if kind == "template":
                path = f"templates/{key}/"
            elif item is not None:
                path = item.where.path
                line = item.where.at()[0]
            changes.append(
                Change(kind, key, status, fields, before, after, tuple(sorted(briefs)), path, line)
            )
    return changes


def diff_revisions(project: Project, base: str, head: str | None = None) -> ContentDiff:
    """Compare BASE with HEAD (a revision, or the working tree when None)."""
    if not project.content.is_dir() and head is None:
        raise BriefwrightError(
            f"no content/ folder in {project.root}: is this a briefwright project?"
        )
    _repo(project.root)
    base_commit = resolve(project.root, base)
    head_commit = resolve(project.root, head) if head is not None else None
    with tempfile.TemporaryDirectory(prefix="briefwright-diff-") as tmp:
        base_content, base_problems = load_project(
            materialize(project, base_commit, Path(tmp) / "base")
        )
        if head_commit is None:
            head_content, head_problems = load_project(project)
        else:
            head_content, head_problems = load_project(
                materialize(project, head_commit, Path(tmp) / "head")
            )
        changes = compare(base_content, head_content)

    def errors(problems: Iterable[Any]) -> int:
        return sum(1 for p in problems if p.level == "error")

    return ContentDiff(
        Revision(base, base_commit, errors(base_problems)),
        Revision(head or "working tree", head_commit, errors(head_problems)),
        tuple(changes),
    )


# --- output --------------------------------------------------------------------------

# GitHub turns more than Markdown into links: bare URLs, www. names and e-mail addresses
# (autolinks), @mentions and #123 issue references (after rendering, on the text). A
# word joiner (U+2060, invisible) after the character that starts each one breaks it.
# Emoji codes (:name:) are replaced after rendering too.
_JOIN = "\u2060"
_LINKISH = re.compile(r"(@|#(?=\d)|:(?=//|[\w+-]+:)|(?<![^\W_])www(?=\.))", re.IGNORECASE)
# Then every character that can start inline Markdown (emphasis, code, links, images,
# HTML, entities, tables, strikethrough, $math$) is backslash-escaped. Lines never start with
# content, so block syntax (#, -, 1.) cannot begin.
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#!|~@&$])")


def md(text: Any) -> str:
    """Content as inert GitHub Markdown: no links, images, HTML, mentions or formatting."""
    # Control and bidi characters shown as escapes: the diff is also read on a terminal.
    text = visible(" ".join(str(text).split()))
    return _PUNCTUATION.sub(r"\\\1", _LINKISH.sub(lambda m: m.group(0) + _JOIN, text))


def code(text: str) -> str:
    """A code span that nothing inside can end: its fence is longer than any backtick run."""
    text = visible(" ".join(text.split()))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both are spaces, and a backtick at
    # either end would join the fence: pad with a space then.
    pad = " " if not text or text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _briefs(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(code(n) for n in names) if names else "no brief"


def _label(revision: Revision) -> str:
    if revision.commit is None:
        return "working tree"
    short = revision.commit[:7]
    return (
        code(short)
        if revision.label in (revision.commit, short)
        else (f"{code(revision.label)} ({short})")
    )


def _citation(cite: Mapping[str, Any]) -> str:
    para = f" ¶ {cite['para']}" if cite.get("para") else ""
    return f"{code(cite['source'])}{para}: “{md(cite['quote'])}”"


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return (
            ", ".join(
                md(v) if not isinstance(v, dict) else md(json.dumps(v, ensure_ascii=False))
                for v in value
            )
            or "(none)"
        )
    if isinstance(value, dict):
        return md(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return md(value)


def _ids(values: Iterable[str]) -> str:
    return ", ".join(code(v) for v in values)


def _point(point: Mapping[str, Any]) -> str:
    return f"{md(point.get('label', ''))} ({_ids(point.get('claims', []))})"


def _section(section: Mapping[str, Any]) -> str:
    text = md(section.get("type", "?"))
    if section.get("title"):
        text += f" “{md(section['title'])}”"
    for key in ("judgments", "claims", "actors", "options", "quotes", "topics"):
        if section.get(key):
            text += f" {key}: {_ids(section[key])}"
    if section.get("from") or section.get("to"):
        text += f" {md(section.get('from') or '…')} to {md(section.get('to') or '…')}"
    return text


def _field_lines(change: Change) -> list[str]:
    before, after = change.before or {}, change.after or {}
    lines: list[str] = []
    for field in change.fields:
        old, new = before.get(field), after.get(field)
        if field == "text" or (field == "title" and change.kind != "source"):
            lines += [f"  - {field} before: {_value(old)}", f"  - {field} after: {_value(new)}"]
        elif field == "cites":
            old_set = [c for c in old or [] if c not in (new or [])]
            new_set = [c for c in new or [] if c not in (old or [])]
            lines += [f"  - citation removed: {_citation(c)}" for c in old_set]
            lines += [f"  - citation added: {_citation(c)}" for c in new_set]
        elif field in ("sha256", "archived text"):
            lines.append(f"  - {field}: {code(str(old)[:12])} → {code(str(new)[:12])}")
        elif change.kind == "template":
            files_old, files_new = old or {}, new or {}
            for name in sorted({*files_old, *files_new}):
                if files_old.get(name) != files_new.get(name):
                    what = (
                        "added"
                        if name not in files_old
                        else "removed"
                        if (name not in files_new)
                        else "changed"
                    )
                    lines.append(f"  - {what}: {code(name)}")
        elif field in ("sections", "points"):
            describe = _section if field == "sections" else _point
            lines += [
                f"  - {field[:-1]} removed: {describe(x)}"
                for x in old or []
                if x not in (new or [])
            ]
            lines += [
                f"  - {field[:-1]} added: {describe(x)}" for x in new or [] if x not in (old or [])
            ]
        else:
            lines.append(f"  - {field}: {_value(old)} → {_value(new)}")
    return lines


def _describe(change: Change) -> list[str]:
    head = f"- **{change.status}** {code(change.id)}"
    item = change.after if change.status != "removed" else change.before
    item = item or {}
    if change.kind == "claim":
        head += f" ({item.get('kind', 'fact')})"
    if change.kind == "brief" and change.status != "changed":
        return [f"{head}: {md(item.get('title', ''))}"]
    if change.fields:
        head += " — " + ", ".join(change.fields)
    head += f" — affects {_briefs(change.briefs)}"
    lines = [head]
    if change.status == "added":
        if change.kind in ("claim", "quote"):
            lines.append(f"  - text: {md(item.get('text', ''))}")
        if change.kind == "claim":
            lines += [f"  - cites {_citation(c)}" for c in item.get("cites", [])]
            if item.get("basis"):
                lines.append(f"  - basis: {_ids(item['basis'])}")
        if change.kind == "source":
            meta = ", ".join(md(item[k]) for k in ("title", "container", "issued") if item.get(k))
            lines.append(f"  - {meta or 'no metadata'}")
    elif change.status == "removed" and change.kind in ("claim", "quote"):
        lines.append(f"  - text was: {md(item.get('text', ''))}")
    else:
        lines += _field_lines(change)
    return lines


def _counts(changes: list[Change]) -> str:
    parts = []
    for status in ("added", "changed", "removed"):
        n = sum(1 for c in changes if c.status == status)
        if n:
            parts.append(f"{n} {status}")
    return ", ".join(parts)


def to_markdown(result: ContentDiff) -> str:
    lines = [f"## Content changes: {_label(result.base)} → {_label(result.head)}", ""]
    if not result.changes:
        lines.append(
            "No changes to claims, quotes, sources, options, positions, actors, "
            "briefs or templates."
        )
    else:
        summary = [
            f"{PLURAL[kind]}: {_counts(result.of(kind))}" for kind in KINDS if result.of(kind)
        ]
        lines.append("; ".join(summary) + ".")
        lines.append(f"Briefs affected: {_briefs(result.briefs)}.")
    for revision, name in ((result.base, "base"), (result.head, "head")):
        if revision.load_errors:
            lines += [
                "",
                f"> ⚠ The {name} revision has {revision.load_errors} loading "
                f"error{'s' * (revision.load_errors != 1)}: items that did not load are "
                "not compared. Run `briefwright check` on it.",
            ]
    for kind in KINDS:
        changes = result.of(kind)
        if not changes:
            continue
        lines += ["", f"### {PLURAL[kind].capitalize()}", ""]
        for change in changes:
            lines += _describe(change)
    return "\n".join(lines) + "\n"


def to_json(result: ContentDiff) -> str:
    data = {
        "base": asdict(result.base),
        "head": asdict(result.head),
        "briefs_affected": list(result.briefs),
        "changes": [asdict(c) for c in result.changes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FORMATTERS: dict[str, Callable[[ContentDiff], str]] = {"markdown": to_markdown, "json": to_json}
