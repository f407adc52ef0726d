"""Anchoring quotes in archived texts.

A quote must appear verbatim. "Verbatim" forgives only what is not the author's choice:
Unicode form (NFKC), curly vs straight quotes, dash variants, white space (including a
paragraph break inside a quote) and Markdown link residue (`[text](#)` reads as `text`).
An editor may mark elisions (`...`/`…`) and editorial insertions (`[...]`, `[T]he`).
Nothing is ever fuzzy-accepted: similarity is computed only to explain a failure.

Each archived text is normalised and indexed once (`SourceText`), so checking N quotes
costs N substring searches, not N passes of normalisation.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_SPACE = re.compile(r"\s+")
# Elisions and editorial brackets inside a quote, after normalisation ("…" is "..." then).
_EDIT = re.compile(r"\s*(\[\s*\.\.\.\s*\]|\.\.\.|\[[^\[\]]{1,60}\])\s*")

MAX_ELISION = 600  # characters an elision may skip: about a paragraph
MAX_BRACKET = 40  # characters an editorial insertion may stand for ("[Abe]" for "he")


# The characters _TRANSLATE changes, found by one scan: replacing the few there are is
# much faster than translating every character of an archived text.
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_REPLACE = {chr(c): to or "" for c, to in _TRANSLATE.items()}


def _replace(match: re.Match[str]) -> str:
    return _REPLACE[match.group()]


def normalize(text: str) -> str:
    # NFKC and the table change only non-ASCII text; each step is skipped where it cannot apply.
    if not text.isascii():
        text = _SPECIAL.sub(_replace, unicodedata.normalize("NFKC", text))
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    # Dashes are spaced inconsistently ("a—b", "a - b", "a -- b"): all read as "-".
    if "-" in text:
        text = _join_dashes(text)
    # split() and \s agree on what white space is (str.isspace).
    return " ".join(text.split())


def _join_dashes(text: str) -> str:
    r"""`re.sub(r"\s*-+\s*", "-", text)`, by splitting at the dashes.

    The regular expression tries a match at every character (its `\s*` matches nothing
    anywhere); there are only a few dashes in a paragraph. Each run of dashes becomes one
    "-" and loses the white space around it; runs separated only by white space stay
    separate ("a - - b" gives "a--b"), as with the expression.
    """
    pieces = text.split("-")
    out = [pieces[0].rstrip()]
    last = len(pieces) - 1
    for i in range(1, last + 1):
        if not (i > 1 and pieces[i - 1] == ""):  # not the same run as the dash before
            out.append("-")
        piece = pieces[i]
        out.append(piece.lstrip() if i == last else piece.strip())
    return "".join(out)


def paragraphs_of(text: str) -> tuple[str, ...]:
    """A paragraph is a non-empty line; numbered from 1."""
    return tuple(line.rstrip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Match:
    para: int  # 1-based paragraph where the quote starts
    end_para: int
    start: int  # offsets in the normalised text
    end: int


@dataclass(frozen=True)
class Near:
    """The closest passage to a quote that was not found, to explain the failure."""

    para: int
    score: float  # 0..1
    passage: str
    diff: str


@dataclass(frozen=True)
class SourceText:
    raw: str
    sha256: str
    paragraphs: tuple[str, ...]
    normalized: tuple[str, ...]
    joined: str = field(repr=False)
    starts: tuple[int, ...] = field(repr=False)  # offset of each paragraph in `joined`

    @classmethod
    def from_bytes(cls, data: bytes) -> SourceText:
        raw = data.decode("utf-8")
        paragraphs = paragraphs_of(raw)
        normalized = tuple(normalize(p) for p in paragraphs)
        starts, offset = [], 0
        for para in normalized:
            starts.append(offset)
            offset += len(para) + 1
        return cls(
            raw,
            hashlib.sha256(data).hexdigest(),
            paragraphs,
            normalized,
            " ".join(normalized),
            tuple(starts),
        )

    def para_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def find(self, quote: str, para: int | None = None) -> Match | None:
        """Where the quote is; with `para`, only an occurrence starting in that paragraph."""
        needle = normalize(quote)
        if not needle:
            return None
        hit = self._find_literal(needle, para)
        if hit is None and _EDIT.search(needle):
            hit = self._find_edited(needle, para)
        return hit

    def _match(self, start: int, end: int) -> Match:
        return Match(self.para_at(start), self.para_at(max(start, end - 1)), start, end)

    def _whole(
        self, start: int, end: int, open_start: bool = False, open_end: bool = False
    ) -> bool:
        """Whether text[start:end] begins and ends on word edges: "legal to fish" is not
        in "illegal to fish". An editorial bracket at a quote's end ("[A]nalysts") opens
        that end: the bracket stands for the rest of the word."""
        text = self.joined
        starts = (
            open_start or start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
        )
        ends = open_end or end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
        return starts and ends

    def _find_literal(self, needle: str, para: int | None) -> Match | None:
        lo = self.starts[para - 1] if para and para <= len(self.starts) else 0
        at = self.joined.find(needle, lo)
        while at != -1:
            if self._whole(at, at + len(needle)):
                match = self._match(at, at + len(needle))
                if para is None or match.para == para:
                    return match
                if match.para > para:
                    return None
            at = self.joined.find(needle, at + 1)
        return None

    def _find_edited(self, needle: str, para: int | None) -> Match | None:
        # split() with one group alternates text, marker, text, ...
        pieces = _EDIT.split(needle)
        steps = [(m, seg) for m, seg in zip(["", *pieces[1::2]], pieces[0::2], strict=True) if seg]
        if not steps:
            return None
        # A quote may begin with an elision or "[T]he": anchor on its first real segment.
        _, first = steps[0]
        # A quote that begins or ends with a marker may begin or end inside a word.
        open_start = len(pieces) > 1 and pieces[0] == ""
        open_end = len(pieces) > 1 and pieces[-1] == ""
        at = self.joined.find(first)
        while at != -1:
            pos = at + len(first)
            for marker, segment in steps[1:]:
                bracket = marker.startswith("[") and "..." not in marker
                window = (MAX_BRACKET if bracket else MAX_ELISION) + len(segment) + 2
                found = self.joined.find(segment, pos, pos + window)
                if found == -1:
                    break
                pos = found + len(segment)
            else:
                if self._whole(at, pos, open_start, open_end):
                    match = self._match(at, pos)
                    if para is None or match.para == para:
                        return match
            at = self.joined.find(first, at + 1)
        return None

    def nearest(self, quote: str) -> Near | None:
        """The passage most like the quote (within a paragraph or across a break)."""
        needle = normalize(_EDIT.sub(" ", normalize(quote)))
        words = needle.split()
        if not words or not self.normalized:
            return None
        best: Near | None = None
        for i, text in enumerate(self.normalized):
            first = text.split()
            pair = first + (self.normalized[i + 1].split() if i + 1 < len(self.normalized) else [])
            near = _closest_window(words, pair, i + 1, len(first))
            if near and (best is None or near.score > best.score):
                best = near
        return best


def _closest_window(
    words: list[str], para_words: list[str], para: int, first_len: int
) -> Near | None:
    """Best window of `para_words` (paragraph `para` then the next) for the quote's words."""
    matcher = difflib.SequenceMatcher(None, words, para_words, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    lo = max(0, blocks[0].b - blocks[0].a)
    tail = len(words) - blocks[-1].a - blocks[-1].size
    hi = min(len(para_words), blocks[-1].b + blocks[-1].size + tail)
    window = para_words[lo:hi]
    score = difflib.SequenceMatcher(None, words, window, autojunk=False).ratio()
    start_para = para if lo < first_len else para + 1
    return Near(start_para, score, " ".join(window), word_diff(words, window))


def word_diff(quote: list[str], source: list[str]) -> str:
    """`quote` vs the source passage, marking words as [-quote-] {+source+}."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, quote, source, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(quote[a1:a2])
            continue
        if a2 > a1:
            out.append("[-" + " ".join(quote[a1:a2]) + "-]")
        if b2 > b1:
            out.append("{+" + " ".join(source[b1:b2]) + "+}")
    return " ".join(out)
