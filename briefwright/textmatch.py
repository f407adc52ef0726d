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
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_SPACE = re.compile(r"\s+")
# Elisions and editorial brackets inside a quote, after normalisation ("…" is "..." then).
_EDIT = re.compile(r"\s*(\[\s*\.\.\.\s*\]|\.\.\.|\[[^\[\]]{1,60}\])\s*")

MAX_ELISION = 600  # characters an elision may skip: about a paragraph
MAX_BRACKET = 60  # characters an editorial insertion may stand for


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _LINK.sub(r"\1", text)
    # Dashes are spaced inconsistently ("a—b", "a - b", "a -- b"): all read as "-".
    text = re.sub(r"\s*-+\s*", "-", text)
    return _SPACE.sub(" ", text).strip()


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
        return cls(raw, hashlib.sha256(data).hexdigest(), paragraphs, normalized,
                   " ".join(normalized), tuple(starts))

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

    def _find_literal(self, needle: str, para: int | None) -> Match | None:
        lo = self.starts[para - 1] if para and para <= len(self.starts) else 0
        at = self.joined.find(needle, lo)
        while at != -1:
            match = self._match(at, at + len(needle))
            if para is None or match.para == para:
                return match
            if match.para > para:
                return None
            at = self.joined.find(needle, at + 1)
        return None

    def _find_edited(self, needle: str, para: int | None) -> Match | None:
        pieces = _EDIT.split(needle)
        # split() with one group alternates text, marker, text, ...
        segments = [s for s in pieces[0::2]]
        markers = pieces[1::2]
        if not any(s.strip() for s in segments):
            return None
        first = segments[0]
        rest = list(zip(markers, segments[1:], strict=True))
        candidates: list[int] = []
        if first:
            at = self.joined.find(first)
            while at != -1:
                candidates.append(at)
                at = self.joined.find(first, at + 1)
        else:
            candidates = [0]  # a quote may begin with an elision
        for begin in candidates:
            pos = begin + len(first)
            start_anchor = begin if first else None
            ok = True
            for marker, segment in rest:
                if not segment:
                    continue
                window = MAX_BRACKET if marker.startswith("[") and "..." not in marker else MAX_ELISION
                found = self.joined.find(segment, pos, pos + window + len(segment) + 2)
                if found == -1:
                    ok = False
                    break
                if start_anchor is None:
                    start_anchor = found
                pos = found + len(segment)
            if ok and start_anchor is not None:
                match = self._match(start_anchor, pos)
                if para is None or match.para == para:
                    return match
        return None

    def nearest(self, quote: str) -> Near | None:
        """The paragraph (or pair of paragraphs) most like the quote, with a word diff."""
        needle = normalize(_EDIT.sub(" ", normalize(quote)))
        words = needle.split()
        if not words or not self.normalized:
            return None
        best: Near | None = None
        for i, text in enumerate(self.normalized):
            candidates = [text]
            if i + 1 < len(self.normalized):
                candidates.append(text + " " + self.normalized[i + 1])
            for candidate in candidates:
                near = _closest_window(words, candidate.split(), i + 1)
                if near and (best is None or near.score > best.score):
                    best = near
        return best


def _closest_window(words: list[str], para_words: list[str], para: int) -> Near | None:
    matcher = difflib.SequenceMatcher(None, words, para_words, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    lo = max(0, blocks[0].b - blocks[0].a)
    hi = min(len(para_words), blocks[-1].b + blocks[-1].size + (len(words) - blocks[-1].a - blocks[-1].size))
    window = para_words[lo:hi]
    score = difflib.SequenceMatcher(None, words, window, autojunk=False).ratio()
    return Near(para, score, " ".join(window), word_diff(words, window))


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
