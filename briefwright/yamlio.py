"""Safe YAML with a location for every value.

We build values straight from the parser's events instead of using a constructor, so:
- every scalar stays text (`NO`, `1:30`, `0777`, `2021-11` are strings; only an empty
  value or `null`/`~` becomes None), and the model decides what a field means;
- tags, anchors/aliases, duplicate keys, several documents and a non-mapping/list top
  level are located errors, never silently accepted;
- each value's (line, column), 1-based, is recorded under its path in the document.

Events come from libyaml (PyYAML's C parser) when it reads the text exactly as PyYAML's
pure-Python parser does, which is about twenty times faster; every other text (one with
tabs, unusual line breaks, tags, anchors, errors, ...) is parsed again by the pure-Python
parser, so values, locations and messages never depend on which parser ran.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml import events

from .problems import Problem

Path_ = tuple[str | int, ...]
# A content file larger than this is a mistake, not content (the largest shipped file is
# 26 kB). Any problem in a file sends it to PyYAML's pure-Python parser, which reads small
# items at about 0.1 MB a second: this keeps the worst case near two seconds per file.
MAX_BYTES = 256_000
MAX_DEPTH = 50
NULLS = {"", "~", "null", "Null", "NULL"}
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
TOO_DEEP_HINT = "content nests a few levels at most: look for repeated or unclosed '[' or '{'"

_C_LOADER = getattr(yaml, "CSafeLoader", None)
# Where libyaml and PyYAML disagree (found by fuzzing one against the other): tabs, the
# line breaks NEL/LS/PS and a mid-file BOM (other columns), directives ('%YAML 1.1#'),
# and a comment glued to a block scalar header ('>-#'). Such a text goes straight to the
# pure-Python parser.
_PYTHON_ONLY_CHARS = re.compile("[\t\x85\u2028\u2029\ufeff]")
_GLUED_COMMENT = re.compile("[|>][-+0-9]{0,2}#")


def _python_only(text: str) -> bool:
    return bool(
        _PYTHON_ONLY_CHARS.search(text)
        or text.startswith("%")
        or "\n%" in text
        or "\r%" in text
        or ("#" in text and _GLUED_COMMENT.search(text))
    )


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its value and the location of every value (and mapping key)."""

    path: str
    value: Any
    positions: dict[Path_, tuple[int, int]]
    key_positions: dict[Path_, tuple[int, int]]
    sha256: str = ""  # of the bytes read (load_file): what the check saw of this file

    def where(self, path: Path_) -> tuple[int, int]:
        for cut in range(len(path), -1, -1):
            hit = self.positions.get(path[:cut])
            if hit is not None:
                return hit
        return (1, 1)


class _Reject(Exception):
    def __init__(self, mark: Any, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else 1
        self.col = mark.column + 1 if mark is not None else 1
        self.code = code
        self.message = message
        self.hint = hint


def _pos(event: events.Event) -> tuple[int, int]:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


class _Disagree(Exception):
    """libyaml read this text differently from PyYAML: parse it again with PyYAML."""


_Scalar, _Alias = events.ScalarEvent, events.AliasEvent
_SeqStart, _SeqEnd = events.SequenceStartEvent, events.SequenceEndEvent
_MapStart, _MapEnd = events.MappingStartEvent, events.MappingEndEvent


class _Builder:
    def __init__(
        self, stream: list[events.Event], fast: bool = False, flow_text: str | None = None
    ) -> None:
        self.events = stream
        self.fast = fast  # libyaml's events: where they may differ, raise _Disagree
        self.i = 0
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}
        # Set for libyaml's events of a text with a '?': PyYAML ends a plain scalar at a
        # '?' inside [...] or {...}, libyaml does not, so such a collection is re-parsed.
        self.flow_text = flow_text

    def value(self, path: Path_) -> Any:
        # The hot loop of loading: event classes are compared by identity (PyYAML's
        # event classes have no subclasses) and positions are built inline.
        event = self.events[self.i]
        self.i += 1
        if len(path) > MAX_DEPTH:
            raise _Reject(event.start_mark, "yaml-unsafe", TOO_DEEP, TOO_DEEP_HINT)
        kind = type(event)
        if kind is _Alias:
            raise _Reject(
                event.start_mark,
                "yaml-unsafe",
                f"alias '*{event.anchor}' is not allowed",
                "write the value out in full; anchors and aliases are not accepted in content",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Reject(
                event.start_mark,
                "yaml-unsafe",
                f"anchor '&{anchor}' is not allowed",
                "remove the anchor; anchors and aliases are not accepted in content",
            )
        tag = getattr(event, "tag", None)
        # A quoted scalar may carry the implicit '!' tag; anything else was written by hand.
        if tag is not None and tag != "!":
            raise _Reject(
                event.start_mark,
                "yaml-unsafe",
                f"tag '{tag}' is not allowed",
                "remove the tag; briefwright reads every value as plain text, list or mapping",
            )
        mark = event.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        if kind is _Scalar:
            # A plain scalar's style is None from PyYAML and '' from libyaml.
            if not event.style and event.value in NULLS:
                if self.fast and not event.value:
                    raise _Disagree  # libyaml places an empty value elsewhere
                return None
            return event.value
        if kind is _SeqStart:
            items: list[Any] = []
            stream = self.events
            positions = self.positions
            inline = len(path) < MAX_DEPTH
            while True:
                item = stream[self.i]
                if type(item) is _SeqEnd:
                    break
                if (
                    inline
                    and type(item) is _Scalar
                    and item.anchor is None
                    and item.tag is None
                    and item.value not in NULLS
                ):
                    self.i += 1
                    mark = item.start_mark
                    positions[(*path, len(items))] = (mark.line + 1, mark.column + 1)
                    items.append(item.value)
                else:
                    items.append(self.value((*path, len(items))))
            self.i += 1
            if self.flow_text is not None and event.flow_style:
                self._check_flow(event)
            return items
        if kind is _MapStart:
            return self._mapping(event, path)
        raise _Reject(event.start_mark, "yaml-syntax", f"unexpected {type(event).__name__}")

    def _mapping(self, event: events.Event, path: Path_) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        stream = self.events
        key_positions = self.key_positions
        while True:
            key_event = stream[self.i]
            key_kind = type(key_event)
            if key_kind is _MapEnd:
                break
            if key_kind is not _Scalar:
                raise _Reject(
                    key_event.start_mark,
                    "yaml-syntax",
                    "a key must be plain text",
                    "write the key as plain text before its ':'; a list or mapping cannot be a key",
                )
            self.i += 1
            key = key_event.value
            if not (key_event.tag is None and key_event.anchor is None and key and key != "<<"):
                self._check_key(key_event)
            key_path = (*path, key)
            if key in mapping:
                first = key_positions[key_path]
                raise _Reject(
                    key_event.start_mark,
                    "yaml-duplicate-key",
                    f"duplicate key '{key}' (first at line {first[0]}, column {first[1]})",
                    "keep one of the two; YAML would silently drop the first",
                )
            mark = key_event.start_mark
            key_positions[key_path] = (mark.line + 1, mark.column + 1)
            item = stream[self.i]
            # Most values are scalars without anchor or tag: read them here, not in value().
            if (
                type(item) is _Scalar
                and item.anchor is None
                and item.tag is None
                and item.value not in NULLS
                and len(key_path) <= MAX_DEPTH
            ):
                self.i += 1
                mark = item.start_mark
                self.positions[key_path] = (mark.line + 1, mark.column + 1)
                mapping[key] = item.value
            else:
                mapping[key] = self.value(key_path)
        self.i += 1
        if self.flow_text is not None and event.flow_style:
            self._check_flow(event)
        return mapping

    def _check_key(self, key_event: events.ScalarEvent) -> None:
        key = key_event.value
        if self.fast and not key:
            raise _Disagree
        if key_event.tag not in (None, "!"):
            raise _Reject(
                key_event.start_mark,
                "yaml-unsafe",
                f"tag '{key_event.tag}' is not allowed",
                "remove the tag; a key is plain text",
            )
        if key_event.anchor is not None:
            raise _Reject(
                key_event.start_mark,
                "yaml-unsafe",
                f"anchor '&{key_event.anchor}' is not allowed",
                "remove the anchor; anchors and aliases are not accepted in content",
            )
        if key == "<<" and not key_event.style:
            raise _Reject(
                key_event.start_mark,
                "yaml-unsafe",
                "merge keys ('<<') are not allowed",
                "write the merged keys out in full in this mapping",
            )

    def _check_flow(self, start: events.Event) -> None:
        end = self.events[self.i - 1].end_mark.index
        if "?" in self.flow_text[start.start_mark.index : end]:  # type: ignore[index]
            raise _Disagree


# What YAML does not accept (its printable set, minus NUL, handled above), and the line
# breaks YAML knows but editors do not: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
_UNREADABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)


def _decode(raw: bytes, rel: str) -> tuple[str | None, Problem | None]:
    def bad(line: int, col: int, message: str, hint: str) -> tuple[None, Problem]:
        return None, Problem(rel, line, col, "yaml-syntax", "error", message, hint=hint)

    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 BOM is harmless; strip it so columns stay right
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return bad(
            line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8"
        )
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return bad(line, col, "NUL byte in file", "remove the NUL character")
    odd = _UNREADABLE.search(text)
    if odd:
        # Located here, by the editor's lines: PyYAML reports control characters at 1:1,
        # and counts NEL, LS and PS as line breaks, which editors do not show as such.
        offset = odd.start()
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return bad(
            line,
            col,
            f"character U+{ord(odd.group()):04X} is not allowed in YAML",
            "remove it, or replace it with a space or a line break",
        )
    return text, None


class _GuardedLoader(yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's pure-Python loader, refusing deep nesting while it scans.

    The builder's depth check comes only after a full parse, and the scanner is quadratic
    in nesting depth (240 kB of '[' took minutes). Here a collection that would open
    deeper than MAX_DEPTH stops the scan at once, at the same place and with the same
    message as the builder's check: the number of open block collections (len(indents))
    plus open flow collections is the depth of the collection about to open.
    """

    _key_mark: Any = None  # where a block mapping about to open starts (its first key)

    def _deeper_than_allowed(self) -> bool:
        return len(self.indents) + self.flow_level > MAX_DEPTH

    def _refuse(self, mark: Any) -> None:
        raise _Reject(mark, "yaml-unsafe", TOO_DEEP, TOO_DEEP_HINT)

    def fetch_value(self) -> None:
        key = self.possible_simple_keys.get(self.flow_level)
        self._key_mark = key.mark if key is not None else None
        try:
            super().fetch_value()
        finally:
            self._key_mark = None

    def add_indent(self, column: int) -> bool:
        if self.indent < column and self._deeper_than_allowed():
            self._refuse(self._key_mark or self.get_mark())
        return bool(super().add_indent(column))

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        if self._deeper_than_allowed():
            self._refuse(self.get_mark())
        super().fetch_flow_collection_start(token_class)


def parse(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a located Document, or return the problem that prevents it."""
    if _C_LOADER is not None and not _python_only(text):
        try:
            return _parse_fast(text, rel)
        except (yaml.YAMLError, _Reject, _Disagree):
            pass  # PyYAML's pure-Python parser has the last word, and words the problem
    return _parse(text, rel, _GuardedLoader)


def _parse_fast(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    """libyaml's reading of a text without problems; anything else raises."""
    stream = list(yaml.parse(text, Loader=_C_LOADER))
    # Empty files and several documents are reported from PyYAML's events.
    if (
        len(stream) < 4
        or type(stream[1]) is not events.DocumentStartEvent
        or type(stream[-2]) is not events.DocumentEndEvent
        or type(stream[2]) is events.DocumentEndEvent
    ):
        raise _Disagree
    builder = _Builder(stream[2:-2], True, text if "?" in text else None)
    value = builder.value(())
    if builder.i != len(stream) - 4:
        raise _Disagree  # more than one document
    return Document(rel, value, builder.positions, builder.key_positions), []


def _parse(text: str, rel: str, loader: Any) -> tuple[Document | None, list[Problem]]:
    try:
        stream = list(yaml.parse(text, Loader=loader))
    except _Reject as exc:
        return None, [
            Problem(rel, exc.line, exc.col, exc.code, "error", exc.message, hint=exc.hint)
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        hint = (
            "YAML does not allow tab characters for indentation"
            if "\t" in message or ("found character '\\t'" in message)
            else "check the indentation and quoting here"
        )
        return None, [Problem(rel, line, col, "yaml-syntax", "error", message, hint=hint)]
    except yaml.YAMLError as exc:  # e.g. control characters the reader refuses
        return None, [Problem(rel, 1, 1, "yaml-syntax", "error", str(exc).splitlines()[0])]

    docs = [e for e in stream if isinstance(e, events.DocumentStartEvent)]
    if not docs or isinstance(stream[2], events.DocumentEndEvent):
        return None, [
            Problem(
                rel,
                1,
                1,
                "yaml-syntax",
                "error",
                "the file is empty",
                hint="write the content, or delete the file",
            )
        ]
    if len(docs) > 1:
        line, col = _pos(docs[1])
        return None, [
            Problem(
                rel,
                line,
                col,
                "yaml-unsafe",
                "error",
                "several YAML documents in one file",
                hint="keep one document per file (remove the '---' separator)",
            )
        ]
    builder = _Builder(stream[2:])
    try:
        value = builder.value(())
    except _Reject as exc:
        return None, [
            Problem(rel, exc.line, exc.col, exc.code, "error", exc.message, hint=exc.hint)
        ]
    return Document(rel, value, builder.positions, builder.key_positions), []


def load_file(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [
                Problem(
                    rel,
                    1,
                    1,
                    "yaml-syntax",
                    "error",
                    f"file is {size} bytes; the limit is {MAX_BYTES}",
                    hint="split the file",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 1, 1, "yaml-syntax", "error", f"cannot read: {exc.strerror}")]
    text, problem = _decode(raw, rel)
    if problem:
        return None, [problem]
    assert text is not None
    doc, problems = parse(text, rel)
    if doc is not None:
        doc = dataclasses.replace(doc, sha256=hashlib.sha256(raw).hexdigest())
    return doc, problems
