"""Scaffolding for editors: archive a source, start a claim, a quote or a brief.

Everything written here loads; placeholders say TODO and point at ids that do not exist,
so the check keeps reporting them until an editor fills them in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from .config import Project
from .load import MAX_SOURCE_BYTES, load_project, require_inside
from .model import Source, brief_name_error, is_id
from .problems import BriefwrightError, Problem
from .schema import MODELINE, kind_named, modeline
from .textmatch import SourceText
from .yamlio import load_file

METADATA = ("title", "container", "authors", "issued", "url")
SOURCE_KEYS = (
    "id",
    "title",
    "container",
    "authors",
    "issued",
    "url",
    "accessed",
    "kind",
    "text",
    "sha256",
    "unknown",
    "note",
    "withdrawn",
)


def _write(path: Path, data: bytes) -> None:
    from .builder import write_atomic

    write_atomic(path, data)


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar. JSON's escapes are YAML's, except the line separators
    YAML would fold, which are escaped too."""
    text = json.dumps(value, ensure_ascii=False)
    return (
        text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085")
    )


def _check_id(value: str, what: str) -> None:
    # The whole string: re.match's '$' would let 'extra\n' through into a file name.
    if not is_id(value):
        raise BriefwrightError(
            f"{what} {value!r} is not kebab-case: use lower-case letters, digits and single "
            "hyphens, e.g. 'smith-2022'"
        )


# --- sources -------------------------------------------------------------------------


def parse_authors(text: str) -> list[dict[str, str]]:
    """'Family, Given; Family2, Given2' → CSL names. A name without a comma is an
    organisation ('literal'): 'Reuters'."""
    names: list[dict[str, str]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        if "," in part:
            family, given = (p.strip() for p in part.split(",", 1))
            if not family:
                raise BriefwrightError(f"--authors: '{part}' has no family name before the comma")
            names.append({"family": family, "given": given} if given else {"family": family})
        else:
            names.append({"literal": part})
    return names


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """Metadata given on the command line; None means 'not given'."""

    title: str | None = None
    container: str | None = None
    authors: str | None = None  # "Family, Given; Family2, Given2"
    issued: str | None = None
    url: str | None = None
    kind: str | None = None

    def given(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key in ("title", "container", "issued", "url", "kind"):
            value = getattr(self, key)
            if value is not None and value.strip():
                found[key] = value.strip()
        if self.authors is not None and self.authors.strip():
            found["authors"] = parse_authors(self.authors)
        return found


@dataclass(frozen=True, slots=True)
class QuoteStatus:
    """Where a quote relying on the source stands against its (new) archived text."""

    path: str
    line: int
    col: int
    item: Literal["claim", "quote"]
    id: str
    para: int | None  # as recorded
    found_at: int | None  # paragraph where the quote is now, None if not found
    matched_before: bool | None  # against the previous text; None when there was none

    @property
    def broken(self) -> bool:
        return self.found_at is None or (self.para is not None and self.para != self.found_at)

    def describe(self) -> str:
        head = f"{self.path}:{self.line}:{self.col}: {self.item} '{self.id}'"
        if self.found_at is None:
            before = {
                True: " (it matched the previous text)",
                False: " (it did not match the previous text either)",
                None: "",
            }
            return f"{head}: quote no longer matches{before[self.matched_before]}"
        return f"{head}: quote is now in ¶ {self.found_at}, not ¶ {self.para}"


@dataclass(frozen=True, slots=True)
class Archived:
    source_id: str
    status: Literal["created", "unchanged", "re-archived", "updated"]
    text_path: str
    yaml_path: str
    sha256: str
    paragraphs: int
    unknown: tuple[str, ...]
    quotes: tuple[QuoteStatus, ...]  # every claim and quote citing the source

    @property
    def broken(self) -> tuple[QuoteStatus, ...]:
        return tuple(q for q in self.quotes if q.broken)


def _existing_yaml(project: Project, path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    doc, problems = load_file(path, project.rel(path))
    if doc is None or not isinstance(doc.value, dict):
        raise BriefwrightError(
            f"{project.rel(path)} exists but cannot be read; fix or remove it first", problems
        )
    return doc.value


def _leading_comments(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = []
    for line in path.read_text("utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith(MODELINE):
            lines.append(line)
    return lines


def render_source_yaml(
    project: Project, path: Path, fields: Mapping[str, Any], comments: Iterable[str] = ()
) -> str:
    out = [modeline(project, path, kind_named("source")).rstrip("\n"), *comments]
    for key in SOURCE_KEYS:
        if key not in fields or fields[key] is None:
            continue
        value = fields[key]
        if key == "authors":
            if not value:
                out.append("authors: []")
                continue
            out.append("authors:")
            for name in value:
                parts = ", ".join(
                    f"{k}: {yaml_string(str(v))}" for k, v in name.items() if v is not None
                )
                out.append(f"  - {{{parts}}}")
        elif key == "unknown":
            if value:
                out.append(f"unknown: [{', '.join(value)}]")
        elif key == "withdrawn":
            if str(value).lower() in ("true", "yes", "on", "1"):
                out.append("withdrawn: true")
        elif key in ("id", "kind", "text", "sha256"):
            out.append(f"{key}: {value}")
        else:
            out.append(f"{key}: {yaml_string(str(value))}")
    return "\n".join(out) + "\n"


def _with_sha256(text: str, sha256: str) -> str | None:
    """The YAML text with its one top-level `sha256:` line recording `sha256`, or None."""
    lines = text.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.startswith("sha256:")]
    if len(at) != 1:
        return None
    end = "\n" if lines[at[0]].endswith("\n") else ""
    lines[at[0]] = f"sha256: {sha256}{end}"
    return "".join(lines)


def _validation_error(exc: ValidationError, source_id: str) -> BriefwrightError:
    lines = []
    for error in exc.errors():
        field = ".".join(str(step) for step in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(
            f"--{field.split('.')[0]}: {message}"
            + (f" (got '{error['input']}')" if isinstance(error.get("input"), str) else "")
        )
    # One line: the CLI shows control characters (a newline too) escaped.
    return BriefwrightError(f"source '{source_id}' was not written: " + "; ".join(lines))


def quote_statuses(
    project: Project, source_id: str, new: SourceText, old: SourceText | None
) -> tuple[QuoteStatus, ...]:
    """Anchor every quote that relies on the source in its new text (as the check does)."""
    content, _ = load_project(project)
    found: list[QuoteStatus] = []

    def status(
        item: Any,
        keys: tuple[str | int, ...],
        kind: Literal["claim", "quote"],
        quote: str,
        para: int | None,
    ) -> QuoteStatus:
        match = new.find(quote, para) or new.find(quote)
        before = None
        if old is not None:
            before = (old.find(quote, para) or old.find(quote)) is not None
        line, col = item.where.at(*keys)
        return QuoteStatus(
            item.where.path, line, col, kind, item.id, para, match.para if match else None, before
        )

    for claim in content.claims.values():
        for index, citation in enumerate(claim.cites):
            if citation.source == source_id:
                found.append(
                    status(claim, ("cites", index, "quote"), "claim", citation.quote, citation.para)
                )
    for quote in content.quotes.values():
        if quote.source == source_id:
            found.append(status(quote, ("text",), "quote", quote.text, quote.para))
    return tuple(sorted(found, key=lambda q: (q.path, q.line, q.col)))


def add_source(
    project: Project, file: Path, source_id: str, meta: SourceMeta, force: bool = False
) -> Archived:
    """Archive FILE as content/sources/ID.txt and write ID.yaml with its sha256."""
    _check_id(source_id, "source id")
    try:
        size = file.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise BriefwrightError(
                f"'{file}' is {size:,} bytes; an archived text may be at most "
                f"{MAX_SOURCE_BYTES:,}: archive the chapter or section you cite"
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise BriefwrightError(f"no file '{file}' to archive") from None
    except OSError as exc:
        raise BriefwrightError(f"cannot read '{file}': {exc.strerror}") from None
    try:
        new = SourceText.from_bytes(data)
    except UnicodeDecodeError as exc:
        raise BriefwrightError(
            f"'{file}' is not UTF-8 text (byte {exc.start}): convert it first, "
            "e.g. iconv -f windows-1252 -t utf-8"
        ) from None
    if not new.paragraphs:
        raise BriefwrightError(f"'{file}' has no text: a source needs at least one paragraph")

    text_path = require_inside(project, project.sources / f"{source_id}.txt", "archive into")
    yaml_path = require_inside(project, project.sources / f"{source_id}.yaml", "rewrite")
    existing = _existing_yaml(project, yaml_path)
    old_bytes = text_path.read_bytes() if text_path.is_file() else None
    given = meta.given()

    fields: dict[str, Any] = dict(existing or {})
    fields.update(given)
    fields.update({"id": source_id, "text": text_path.name, "sha256": new.sha256})
    if existing is None:
        fields.setdefault("kind", "article-newspaper")
        fields["authors"] = given.get("authors", [])
        unknown = [key for key in METADATA if key not in given]
    else:
        unknown = [key for key in (existing.get("unknown") or []) if key not in given]
    fields["unknown"] = unknown
    try:
        Source.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise _validation_error(exc, source_id) from None

    comments = _leading_comments(yaml_path)
    yaml_text = render_source_yaml(project, yaml_path, fields, comments)
    if existing is not None and not given and existing.get("text") == text_path.name:
        # Nothing but the text changes: keep the YAML as the editor wrote it (its kind,
        # quoting, comments), only the recorded sha256 is new.
        yaml_text = _with_sha256(yaml_path.read_text("utf-8"), new.sha256) or yaml_text
    same_text = old_bytes == data
    same_yaml = (
        existing is not None
        and all(str(existing.get(k)) == str(v) for k, v in given.items() if k != "authors")
        and ("authors" not in given or existing.get("authors") == given["authors"])
        and (existing.get("sha256") == new.sha256)
    )
    if existing is None and (old_bytes is None or same_text):
        # New, or the text was saved by hand as content/sources/ID.txt first.
        status: Literal["created", "unchanged", "re-archived", "updated"] = "created"
    elif same_text and same_yaml:
        status = "unchanged"
    elif not force:
        what = (
            "a different archived text"
            if old_bytes is not None and not same_text
            else ("different metadata")
        )
        raise BriefwrightError(
            f"source '{source_id}' already exists ({project.rel(yaml_path)}) with {what}; "
            "archived texts are never edited. To re-archive it deliberately, pass --force "
            "(every quote relying on it is then re-checked)"
        )
    else:
        status = "updated" if same_text else "re-archived"

    old = SourceText.from_bytes(old_bytes) if old_bytes is not None and not same_text else None
    if status != "unchanged":
        project.sources.mkdir(parents=True, exist_ok=True)
        if not same_text:
            _write(text_path, data)
        _write(yaml_path, yaml_text.encode("utf-8"))
    quotes = quote_statuses(project, source_id, new, old)
    return Archived(
        source_id,
        status,
        project.rel(text_path),
        project.rel(yaml_path),
        new.sha256,
        len(new.paragraphs),
        tuple(unknown),
        quotes,
    )


# --- skeletons -----------------------------------------------------------------------

CLAIM = """\
- id: {id}{pad}# kebab-case, unique: what the claim is about
  kind: {kind}{kpad}# fact | assessment (the source's argument) | judgment (ours)
  text: TODO one statement in our words, true to the quote below.
  # date: "2021-10"               # optional: makes it a timeline event; as precise as the source
  actors: []                      # ids from content/actors.yaml, e.g. [japan, russia]
  topics: []                      # e.g. [economy, military]
  cites:
    - source: {source}{spad}# a source id: content/sources/<id>.yaml
      quote: "TODO copy the passage verbatim from the archived text"
      # para: 1                   # optional: found automatically, checked when given
"""

JUDGMENT = """\
- id: {id}{pad}# kebab-case, unique
  kind: judgment                  # ours: rests on claims from more than one source
  text: TODO our judgment, worded with its likelihood term, e.g. "... is likely to ...".
  basis: [todo-claim-id, todo-other-claim-id]   # claim ids, from more than one source
  confidence: moderate            # low | moderate | high
  likelihood: likely              # ICD 203: almost no chance, very unlikely, unlikely,
                                  # roughly even chance, likely, very likely, almost certain
"""

QUOTE = """\
- id: {id}{pad}# kebab-case, unique: who said what
  speaker: TODO Full Name
  role: TODO their office when they said it
  text: "TODO the words, verbatim as the source prints them"
  source: {source}{spad}# a source id: content/sources/<id>.yaml
  # para: 1                       # optional: found automatically, checked when given
  # date: "2021-11"               # only if the source says when it was said
  # context: TODO our words on when and why it was said
  actors: []                      # e.g. [russia]
"""

BRIEF = """\
# A brief holds structure and labels only: every sentence of substance comes from a claim.
# Replace each TODO; `briefwright check` reports the placeholder ids until you do.
title: TODO Title of the brief
# subtitle: optional
as_of: "{as_of}"                   # the edition's date: newer sources are left out
audience: TODO who reads it
# template: policy-brief
# formats: [html, pdf, docx]
# sources_since: "2013"            # optional: older sources are flagged stale-source
sections:
  - {{type: key-judgments, judgments: [todo-judgment-id]}}
  - {{type: claims, title: Background, claims: [todo-claim-id]}}
  # - {{type: positions, actors: [japan, russia]}}
  # - {{type: timeline, from: "2000", to: "{as_of}", topics: [], actors: []}}
  # - {{type: options, options: [todo-option-id]}}
  # - {{type: quotes, quotes: [todo-quote-id]}}
  - {{type: sources}}
  - {{type: provenance}}
"""


COMMENT_COLUMN = 34  # where the skeletons' comments start, so they line up


def _pad(text: str, prefix: int) -> str:
    return " " * max(1, COMMENT_COLUMN - prefix - len(text))


@dataclass(frozen=True, slots=True)
class Written:
    path: str
    id: str | None
    created: bool  # the file is new (else the skeleton was appended)


def _taken_ids(project: Project) -> set[str]:
    content, _ = load_project(project)
    return {*content.claims, *content.quotes, *content.options, *content.sources}


def _fresh_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _verify(project: Project, path: Path, previous: bytes | None) -> None:
    """The written file must load cleanly; otherwise put the old one back."""
    _, problems = load_project(project)
    rel = project.rel(path)
    bad = [
        p
        for p in problems
        if p.path == rel
        and p.code
        in ("yaml-syntax", "yaml-unsafe", "yaml-duplicate-key", "invalid-field", "duplicate-id")
    ]
    if not bad:
        return
    if previous is None:
        path.unlink()
    else:
        _write(path, previous)
    raise BriefwrightError(
        f"{rel} was left unchanged: adding the skeleton would not load (is it a list of "
        "items, one '- id:' per item?)",
        bad,
    )


def new_item(
    project: Project,
    what: Literal["claim", "quote", "brief"],
    name: str,
    *,
    item_id: str | None = None,
    source: str | None = None,
    kind: Literal["fact", "assessment", "judgment"] = "fact",
    today: dt.date | None = None,
) -> Written:
    """Write a commented skeleton: claims/quotes are appended to content/<what>s/NAME.yaml
    (created if needed), a brief goes to briefings/NAME.yaml."""
    _check_id(name, "name")
    if item_id is not None:
        _check_id(item_id, "id")
    if source is not None:
        _check_id(source, "source id")
    if what == "brief":
        reason = brief_name_error(name)
        if reason is not None:
            raise BriefwrightError(f"brief name {name!r} {reason}")
        path = require_inside(project, project.briefings / f"{name}.yaml", "write")
        if path.exists():
            raise BriefwrightError(f"{project.rel(path)} already exists; choose another name")
        as_of = (today or dt.date.today()).strftime("%Y-%m")
        text = modeline(project, path, kind_named("briefing")) + BRIEF.format(as_of=as_of)
        _write(path, text.encode("utf-8"))
        _verify(project, path, None)
        return Written(project.rel(path), None, True)

    folder = project.claims if what == "claim" else project.quotes
    path = require_inside(project, folder / f"{name}.yaml", "append to")
    taken = _taken_ids(project)
    new_id = item_id or _fresh_id(f"todo-{what}" if kind != "judgment" else "todo-judgment", taken)
    if item_id is not None and item_id in taken:
        raise BriefwrightError(f"id '{item_id}' is already used; choose another")
    source_id = source or "todo-source-id"
    values = {
        "id": new_id,
        "pad": _pad(new_id, len("- id: ")),
        "kind": kind,
        "kpad": _pad(kind, len("  kind: ")),
        "source": source_id,
        "spad": _pad(source_id, len("    - source: ") if what == "claim" else len("  source: ")),
    }
    template = QUOTE if what == "quote" else JUDGMENT if kind == "judgment" else CLAIM
    skeleton = template.format(**values)
    previous = path.read_bytes() if path.exists() else None
    if previous is None:
        schema = kind_named("claims" if what == "claim" else "quotes")
        data = (
            modeline(project, path, schema)
            + (
                "# Replace each TODO, then run `briefwright check`: it reports this item until "
                "you do.\n"
            )
            + skeleton
        )
    else:
        try:
            head = previous.decode("utf-8")
        except UnicodeDecodeError:
            raise BriefwrightError(f"{project.rel(path)} is not UTF-8; fix it first") from None
        data = head + ("" if head.endswith("\n") or not head else "\n") + "\n" + skeleton
    _write(path, data.encode("utf-8"))
    _verify(project, path, previous)
    return Written(project.rel(path), new_id, previous is None)


def problems_in(project: Project, written: Written) -> list[Problem]:
    """The check's problems in the written file: what the skeleton still lacks."""
    from .pipeline import check

    return [p for p in check(project).problems if p.path == written.path]
