"""Safe YAML with a location for every value.

We build values straight from the parser's events instead of using a constructor, so:
- every scalar stays text (`NO`, `1:30`, `0777`, `2021-11` are strings; only an empty
  value or `null`/`~` becomes None), and the model decides what a field means;
- tags, anchors/aliases, duplicate keys, several documents and a non-mapping/list top
  level are located errors, never silently accepted;
- each value's (line, column), 1-based, is recorded under its path in the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml import events

from .problems import Problem

Path_ = tuple[str | int, ...]
MAX_BYTES = 5_000_000  # a content file larger than this is a mistake, not content
MAX_DEPTH = 50
NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its value and the location of every value (and mapping key)."""

    path: str
    value: Any
    positions: dict[Path_, tuple[int, int]]
    key_positions: dict[Path_, tuple[int, int]]

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


class _Builder:
    def __init__(self, stream: list[events.Event]) -> None:
        self.events = stream
        self.i = 0
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}

    def next(self) -> events.Event:
        event = self.events[self.i]
        self.i += 1
        return event

    def value(self, path: Path_) -> Any:
        event = self.next()
        if len(path) > MAX_DEPTH:
            raise _Reject(event.start_mark, "yaml-unsafe", f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(event, events.AliasEvent):
            raise _Reject(
                event.start_mark, "yaml-unsafe", f"alias '*{event.anchor}' is not allowed",
                "write the value out in full; anchors and aliases are not accepted in content",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Reject(
                event.start_mark, "yaml-unsafe", f"anchor '&{anchor}' is not allowed",
                "remove the anchor; anchors and aliases are not accepted in content",
            )
        tag = getattr(event, "tag", None)
        # A quoted scalar may carry the implicit '!' tag; anything else was written by hand.
        if tag is not None and tag != "!":
            raise _Reject(
                event.start_mark, "yaml-unsafe", f"tag '{tag}' is not allowed",
                "remove the tag; briefwright reads every value as plain text, list or mapping",
            )
        self.positions[path] = _pos(event)
        if isinstance(event, events.ScalarEvent):
            plain = event.style is None
            if plain and event.value in NULLS:
                return None
            return event.value
        if isinstance(event, events.SequenceStartEvent):
            items = []
            while not isinstance(self.events[self.i], events.SequenceEndEvent):
                items.append(self.value((*path, len(items))))
            self.next()
            return items
        if isinstance(event, events.MappingStartEvent):
            mapping: dict[str, Any] = {}
            while not isinstance(self.events[self.i], events.MappingEndEvent):
                key_event = self.events[self.i]
                if not isinstance(key_event, events.ScalarEvent):
                    raise _Reject(key_event.start_mark, "yaml-syntax", "a key must be plain text")
                self.next()
                key = key_event.value
                if key_event.tag not in (None, "!"):
                    raise _Reject(key_event.start_mark, "yaml-unsafe", f"tag '{key_event.tag}' is not allowed")
                if key_event.anchor is not None:
                    raise _Reject(key_event.start_mark, "yaml-unsafe", f"anchor '&{key_event.anchor}' is not allowed")
                if key == "<<" and key_event.style is None:
                    raise _Reject(key_event.start_mark, "yaml-unsafe", "merge keys ('<<') are not allowed")
                if key in mapping:
                    first = self.key_positions[(*path, key)]
                    raise _Reject(
                        key_event.start_mark, "yaml-duplicate-key",
                        f"duplicate key '{key}' (first at line {first[0]}, column {first[1]})",
                        "keep one of the two; YAML would silently drop the first",
                    )
                self.key_positions[(*path, key)] = _pos(key_event)
                mapping[key] = self.value((*path, key))
            self.next()
            return mapping
        raise _Reject(event.start_mark, "yaml-syntax", f"unexpected {type(event).__name__}")


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
        return bad(line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                   "save the file as UTF-8")
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return bad(line, col, "NUL byte in file", "remove the NUL character")
    return text, None


def parse(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a located Document, or return the problem that prevents it."""
    try:
        stream = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        hint = "YAML does not allow tab characters for indentation" if "\t" in message or (
            "found character '\\t'" in message) else "check the indentation and quoting here"
        return None, [Problem(rel, line, col, "yaml-syntax", "error", message, hint=hint)]
    except yaml.YAMLError as exc:  # e.g. control characters the reader refuses
        return None, [Problem(rel, 1, 1, "yaml-syntax", "error", str(exc).splitlines()[0])]

    docs = [e for e in stream if isinstance(e, events.DocumentStartEvent)]
    if not docs or isinstance(stream[2], events.DocumentEndEvent):
        return None, [Problem(rel, 1, 1, "yaml-syntax", "error", "the file is empty",
                              hint="write the content, or delete the file")]
    if len(docs) > 1:
        line, col = _pos(docs[1])
        return None, [Problem(rel, line, col, "yaml-unsafe", "error",
                              "several YAML documents in one file",
                              hint="keep one document per file (remove the '---' separator)")]
    builder = _Builder(stream[2:])
    try:
        value = builder.value(())
    except _Reject as exc:
        return None, [Problem(rel, exc.line, exc.col, exc.code, "error", exc.message, hint=exc.hint)]
    return Document(rel, value, builder.positions, builder.key_positions), []


def load_file(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(rel, 1, 1, "yaml-syntax", "error",
                                  f"file is {size} bytes; the limit is {MAX_BYTES}",
                                  hint="split the file")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 1, 1, "yaml-syntax", "error", f"cannot read: {exc.strerror}")]
    text, problem = _decode(raw, rel)
    if problem:
        return None, [problem]
    assert text is not None
    return parse(text, rel)
