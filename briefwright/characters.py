"""Characters that would make the printed text differ from the text the check read.

A YAML escape ("\\x01", "\\u202e") puts characters in a value that the file never shows.
Control characters vanish or break a document (HTML and DOCX cannot hold most of them),
and bidirectional overrides reorder what a reader sees: a claim written as
"\\u202e12\\u202c months" is checked as 12 and printed as "21 months" (the "Trojan Source"
trick). Such characters are refused in every value of a content or brief file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from .problems import Problem
from .yamlio import Document, Path_

# C0 and C1 controls but tab and line breaks, DEL, and the bidirectional embeddings,
# overrides and isolates. The marks LRM/RLM, joiners and soft hyphens stay allowed: they
# are how right-to-left and Indic text is written, and they reorder nothing.
HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _strings(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, (*path, key))
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def describe(char: str) -> str:
    name = unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name})"


def _item_id(doc: Document, path: Path_) -> str | None:
    """The id of the item holding `path`: a list item's, or a one-item file's (a brief is
    named by its file)."""
    item = doc.value
    if path and isinstance(item, list) and isinstance(path[0], int):
        item = item[path[0]]
    elif isinstance(item, dict) and "id" not in item:
        return PurePosixPath(doc.path).stem
    found = item.get("id") if isinstance(item, dict) else None
    return found if isinstance(found, str) else None


def hidden_characters(doc: Document, kind: str) -> list[Problem]:
    """A located error for each value holding a character it does not show; `kind` names
    the file's items in messages ('claim')."""
    problems = []
    for path, text in _strings(doc.value):
        found = HIDDEN.search(text)
        if found is None:
            continue
        line, col = doc.where(path)
        item = _item_id(doc, path)
        field = next((p for p in reversed(path) if isinstance(p, str)), "value")
        problems.append(
            Problem(
                doc.path,
                line,
                col,
                "hidden-character",
                "error",
                f"{kind} '{item}': {field!r} holds {describe(found.group())}, which the page "
                "does not show as written: a reader would not read what the check read"
                if item
                else f"{field!r} holds {describe(found.group())}, which the page does not "
                "show as written: a reader would not read what the check read",
                id=item,
                hint="delete the character (or its escape); right-to-left text needs no "
                "override characters",
            )
        )
    return problems
