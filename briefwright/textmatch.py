"""Anchoring quotes in archived texts.

A quote must appear verbatim. "Verbatim" forgives only what is not the author's choice,
on both sides alike: curly vs straight quotation marks (and primes), the dash variants
(and the spaces around a dash), white space (including a paragraph break inside a
quote), soft hyphens and zero-width characters, and Unicode's canonical composition
(NFC: "é" typed as one character or as "e" plus an accent). Nothing else is folded:
not case, not digits, not super- or subscripts, not fullwidth forms, not ligatures
("ﬁ" is not "fi"); an editor copies such characters as the archived text has them. On the
source side only, Markdown link residue of the archiving (`[text](#)`) reads as `text`,
unless the quote itself contains link syntax: then it must be in the text as written.

An editor may mark two kinds of edits, as scholarly style guides define them:

- an omission: `...` or `…` (or `[...]`) stands for words left out, at most
  MAX_ELISION characters, always whole words;
- an editorial insertion or substitution: `[words]` stands for at most MAX_BRACKET_WORDS
  words of the source (none for an insertion). Attached to a word it replaces part of
  that word (`[T]he`, `Russia[n]`). At the start or end of a quote it is an insertion.

No edit may remove or add a negation or a figure: `was ... illegal` for "was not
illegal" or `[many] ships` for "21 ships" is found, but reported as a change of meaning
(`Match.changes`). Any other bracket syntax, such as a Markdown link `[x](y)`, is literal
text. Nothing is ever fuzzy-accepted: similarity is computed only to explain a failure.

Each archived text is normalised and indexed once (`SourceText`). Finding a quote is a
substring search; a quote with edits is matched segment by segment within a budget of
SEARCH_BUDGET candidate positions, so a hostile quote costs a bounded time.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from .numbers import figures, show

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
        "\u2026": "...",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
# The invisible characters the folding drops (soft hyphen, zero-width space and joiners).
_DROPPED = "".join(chr(c) for c, to in _TRANSLATE.items() if to is None)
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")

MAX_ELISION = 600  # characters one omission may skip: about a paragraph
MAX_BRACKET_WORDS = 4  # source words one bracket may stand for
MAX_BRACKET_TEXT = 60  # characters inside a bracket; a longer one is literal text
MAX_EDITS = 20  # omissions and brackets in one quote
SEARCH_BUDGET = 10_000  # candidate positions tried for one quote with edits

# An omission ("...", "[...]") or a bracket that is not a Markdown link ("[x](y)").
_MARK = re.compile(
    r"\[\s*\.\.\.\s*\]|\.\.\.|\[([^\[\]]{1,%d})\](?!\()" % MAX_BRACKET_TEXT  # noqa: UP031
)

NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "without",
        "neither",
        "nor",
        "hardly",
        "scarcely",
        "barely",
        "none",
        "nobody",
        "nothing",
        "nowhere",
        "cannot",
    }
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# The characters _TRANSLATE changes, found by one scan: replacing the few there are is
# much faster than translating every character of an archived text.
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_REPLACE = {chr(c): to or "" for c, to in _TRANSLATE.items()}


def _replace(match: re.Match[str]) -> str:
    return _REPLACE[match.group()]


def _fold(text: str) -> str:
    # NFC and the table change only non-ASCII text; NFC never turns one letter or digit
    # into another (NFKC would: "⁹" into "9", "ﬁ" into "fi").
    if not text.isascii():
        text = _SPECIAL.sub(_replace, unicodedata.normalize("NFC", text))
    return text


def _tidy(text: str) -> str:
    # Dashes are spaced inconsistently ("a—b", "a - b", "a -- b"): all read as "-".
    if "-" in text:
        text = _join_dashes(text)
    # split() and \s agree on what white space is (str.isspace).
    return " ".join(text.split())


def normalize(text: str) -> str:
    """A quote as it is matched: typography folded, its brackets left as written."""
    return _tidy(_fold(text))


def normalize_source(text: str) -> str:
    """An archived paragraph as it is matched: as `normalize`, and link residue
    `[text](url)` read as `text` (the archiving's markup, not the author's words)."""
    text = _fold(text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    return _tidy(text)


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


# --- the meaning an edit may not change ---------------------------------------------------


# Cyrillic and Greek letters drawn like Latin ones: a bracketed "[nоt]" with a Cyrillic
# "о" is printed as "not" and must count as one.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХІЈЅУаеорсухіјѕԁһԛԝӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαινρτυχκɡ",
    "ABEKMHOPCTXIJSYaeopcyxijsdhqwlABEZHIKMNOPTYXoaivptuxkg",
)


def as_read(text: str) -> str:
    """Text as a reader reads it, for the meaning checks only (matching keeps every
    character apart): fullwidth letters as plain ones (NFKC: "[ｎｏｔ]"), any case, and
    Cyrillic or Greek look-alikes of Latin letters as those letters."""
    return unicodedata.normalize("NFKC", text).translate(_LOOKALIKES).casefold()


# Invisible characters inside a word: "[n\u200bot]" is printed as "not". The folding's
# dropped ones, and the marks and invisible operators it keeps (matching sees them).
_HIDDEN_IN_WORD = re.compile(f"[{_DROPPED}\u180e\u200e\u200f\u2061-\u2064]")


def negations(text: str) -> list[str]:
    """The negating words of a text ("not", "never", "didn't", "n't" of a cut word)."""
    found = []
    for word in _WORD.findall(_HIDDEN_IN_WORD.sub("", text)):
        low = as_read(word)
        if low in NEGATIONS or low.endswith("n't"):
            found.append(word)
    return found


def numbers_in(text: str) -> set[str]:
    """The figures of a text (digits and number words, as values) and any other
    numeric character (superscripts, fractions), shown as written. Number words are
    read through look-alike letters ("twеnty" with a Cyrillic е is printed as twenty)."""
    found = {show(f) for f in figures(_HIDDEN_IN_WORD.sub("", text).translate(_LOOKALIKES))}
    found |= {c for c in text if c.isnumeric() and not ("0" <= c <= "9")}
    return found


@dataclass(frozen=True)
class Change:
    """An edit of a quote that removes or adds a negation or a figure."""

    mark: str  # the edit as the quote prints it: "...", "[illegal]"
    source: str  # the source words it stands for
    removed: tuple[str, ...]  # negations and figures the source has and the quote not
    added: tuple[str, ...]  # ... and the other way round

    def describe(self) -> str:
        what = "the omission" if self.mark == "..." else f"the bracket '{self.mark}'"
        parts = []
        if self.removed:
            parts.append("removes " + ", ".join(f"'{w}'" for w in self.removed))
        if self.added:
            parts.append("adds " + ", ".join(f"'{w}'" for w in self.added))
        return f"{what} {' and '.join(parts)}"


_DIGITS = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _as_written(text: str, values: set[str]) -> list[str]:
    """The figures `values` as the text writes them ("1,200", not "1200")."""
    shown = []
    for token in _DIGITS.findall(text):
        value = show(Decimal(token.replace(",", "")))
        if value in values:
            shown.append(token)
            values = values - {value}
    return shown + sorted(values)


# Prefixes that negate the word they begin: a bracket that keeps the rest of the word and
# drops the prefix ("[lawful]" or "[l]awful" for "unlawful") inverts it.
NEGATING_PREFIXES = frozenset({"un", "non", "in", "im", "il", "ir", "dis"})


def _dropped_prefix(removed: str, added: str) -> str | None:
    """The negating prefix a substitution cuts off the front of a word, if any."""
    source, kept = as_read(removed.strip()), as_read(added.strip())
    if not kept or not source.endswith(kept) or " " in source:
        return None
    prefix = source[: -len(kept)].rstrip("-")
    return prefix if prefix in NEGATING_PREFIXES else None


def _compare(mark: str, removed: str, added: str) -> Change | None:
    prefix = _dropped_prefix(removed, added)
    if prefix is not None:
        return Change(mark, removed.strip(), (f"{prefix}-",), ())
    lost_neg = negations(removed)
    new_neg = negations(added)
    lost_num = numbers_in(removed)
    new_num = numbers_in(added)
    gone = [*lost_neg[len(new_neg) :], *_as_written(removed, lost_num - new_num)]
    extra = [*new_neg[len(lost_neg) :], *_as_written(added, new_num - lost_num)]
    if not gone and not extra:
        return None
    return Change(mark, removed.strip(), tuple(gone), tuple(extra))


# --- a quote's edits ----------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """The edits between two literal segments of a quote (or before the first, after
    the last): omissions and brackets written next to each other count as one gap."""

    cuts: int
    brackets: tuple[str, ...]  # their texts, without the brackets
    printed: str
    attached_left: bool  # a bracket touches the letter before it: "Russia[n]"
    attached_right: bool  # ... the letter after it: "[T]he"

    @property
    def added(self) -> str:
        return " ".join(self.brackets)

    @property
    def mark(self) -> str:
        return "..." if not self.brackets else self.printed


@dataclass(frozen=True)
class Edited:
    """A quote split at its edits: segments[i] follows gaps[i] (gaps[0] is before the
    first segment and may be None); `tail` is after the last one."""

    segments: tuple[str, ...]
    gaps: tuple[Gap | None, ...]
    tail: Gap | None
    marks: int


def parse_edits(needle: str) -> Edited | None:
    """The literal segments and edits of a normalised quote; None if it has no edits."""
    marks = list(_MARK.finditer(needle))
    if not marks:
        return None
    segments: list[str] = []
    gaps: list[Gap | None] = []
    pending: list[re.Match[str]] = []
    before = ""  # the text before the pending marks, with its spaces

    def close(after: str) -> Gap | None:
        if not pending:
            return None
        brackets = tuple(m.group(1) for m in pending if m.group(1) is not None)
        printed = needle[pending[0].start() : pending[-1].end()]
        # An attached bracket has no space between it and the letter it touches.
        left = pending[0].group(1) is not None and before[-1:].isalnum()
        right = pending[-1].group(1) is not None and after[:1].isalnum()
        gap = Gap(len(pending) - len(brackets), brackets, printed, left, right)
        pending.clear()
        return gap

    pos = 0
    for mark in [*marks, None]:
        text = needle[pos : mark.start() if mark else len(needle)]
        if text.strip():
            gaps.append(close(text))
            segments.append(text.strip())
            before = text
        if mark is None:
            break
        pending.append(mark)
        pos = mark.end()
    tail = close("")
    return Edited(tuple(segments), tuple(gaps), tail, len(marks))


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def strip_edits(quote: str) -> str:
    """A quote's own words, without its edit marks (for the closest-passage hint)."""
    return normalize(_MARK.sub(" ", normalize(quote)))


@dataclass(frozen=True)
class Match:
    para: int  # 1-based paragraph where the quote starts
    end_para: int
    start: int  # offsets in the normalised text
    end: int
    changes: tuple[Change, ...] = ()  # edits that remove or add a negation or figure
    linked: bool = False  # found in the text with its link syntax kept (see SourceText)


@dataclass(frozen=True)
class Anchored:
    """The answer for one quote: where it is, or why it cannot be checked."""

    match: Match | None
    problem: str | None = None  # the quote's edits cannot be checked: say why


@dataclass(frozen=True)
class Near:
    """The closest passage to a quote that was not found, to explain the failure."""

    para: int
    score: float  # 0..1
    passage: str
    diff: str


_FOLDED = {
    "'": "['\u2018\u2019\u201a\u201b\u2032]",
    '"': '["\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]',
    "-": "\\s*[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]+\\s*",
    " ": "\\s+",
}
_INVISIBLE = f"[{_DROPPED}]*"


def _raw_pattern(span: str) -> str:
    """A pattern for the archived text a normalised span came from: each folded
    character stands for what it was folded from (NFC aside)."""
    if "..." in span:  # "…" in the archived text: left as normalised
        span = span.replace("...", "\0")
    parts = ["(?:\\.\\.\\.|\u2026)" if c == "\0" else _FOLDED.get(c, re.escape(c)) for c in span]
    return _INVISIBLE.join(parts)


class _Budget:
    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


@dataclass(frozen=True)
class SourceText:
    raw: str
    sha256: str
    paragraphs: tuple[str, ...]
    normalized: tuple[str, ...]
    joined: str = field(repr=False)
    starts: tuple[int, ...] = field(repr=False)  # offset of each paragraph in `joined`
    # Words read for closest-passage hints so far (mutable: a cost meter, not content).
    _hint_work: list[int] = field(default_factory=lambda: [0], repr=False, compare=False)
    # False: the text as written, link syntax kept, where a quote that itself contains
    # link syntax ("[x](y)") is looked for: such a quote must be in the text literally.
    folds_links: bool = True

    @classmethod
    def from_bytes(cls, data: bytes, fold_links: bool = True) -> SourceText:
        raw = data.decode("utf-8")
        paragraphs = paragraphs_of(raw)
        fold = normalize_source if fold_links else normalize
        normalized = tuple(fold(p) for p in paragraphs)
        # A paragraph break is white space, and white space around a dash is none.
        pieces: list[str] = []
        starts, offset = [], 0
        for i, para in enumerate(normalized):
            if i and not (normalized[i - 1].endswith("-") or para.startswith("-")):
                pieces.append(" ")
                offset += 1
            starts.append(offset)
            pieces.append(para)
            offset += len(para)
        return cls(
            raw,
            hashlib.sha256(data).hexdigest(),
            paragraphs,
            normalized,
            "".join(pieces),
            tuple(starts),
            folds_links=fold_links,
        )

    @cached_property
    def _literal(self) -> SourceText:
        """This text with its link syntax kept, built when a quote contains some."""
        return SourceText.from_bytes(self.raw.encode("utf-8"), fold_links=False)

    def _holding(self, match: Match) -> SourceText:
        return self._literal if match.linked and self.folds_links else self

    def para_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def span(self, match: Match) -> str:
        """The source text a match covers (normalised), omissions and brackets included."""
        return self._holding(match).joined[match.start : match.end]

    def raw_span(self, match: Match) -> str:
        """The source text a match covers as the archived text writes it (curly quotes,
        dashes; white space as single spaces); normalised if it cannot be traced back."""
        span = self.span(match)
        raw = "\n".join(self._holding(match).paragraphs[match.para - 1 : match.end_para])
        found = re.search(_raw_pattern(span), raw)
        return " ".join(found.group().split()) if found else span

    def find(self, quote: str, para: int | None = None) -> Match | None:
        """Where the quote is; with `para`, only an occurrence starting in that paragraph."""
        return self.anchor(quote, para).match

    def anchor(self, quote: str, para: int | None = None) -> Anchored:
        needle = normalize(quote)
        if not needle:
            return Anchored(None)
        if "](" in needle and self.folds_links:
            # Link syntax in a quote is literal text: look for it where it is kept.
            return self._literal.anchor(quote, para)
        hit = self._find_literal(needle, para)
        if hit is not None:
            return Anchored(hit)
        edited = parse_edits(needle)
        if edited is None:
            return Anchored(None)
        if edited.marks > MAX_EDITS:
            return Anchored(
                None,
                f"the quote has {edited.marks} omissions and brackets; at most {MAX_EDITS} "
                "are checked",
            )
        if not edited.segments:
            return Anchored(None, "the quote has only omissions and brackets, no words")
        budget = _Budget(SEARCH_BUDGET)
        hit = self._find_edited(edited, para, budget, MAX_BRACKET_WORDS)
        if hit is None and budget.left < 0:
            return Anchored(
                None,
                f"the quote's parts occur too often to be matched within {SEARCH_BUDGET} "
                "tries: quote longer passages between the omissions",
            )
        if hit is None and any(g and g.brackets for g in (*edited.gaps, edited.tail)):
            # Found when a bracket may stand for more words: say that, not "not found".
            wide = self._find_edited(edited, para, _Budget(SEARCH_BUDGET), MAX_ELISION)
            if wide is not None:
                return Anchored(
                    None,
                    f"a bracket stands for at most {MAX_BRACKET_WORDS} words of the source; "
                    f"this quote matches only if one stands for more, in “{_cut(self.span(wide))}”",
                )
        return Anchored(hit)

    def _edge(self, pos: int) -> bool:
        """Whether `pos` lies between words: "legal to fish" is not in "illegal to fish"."""
        text = self.joined
        return pos <= 0 or pos >= len(text) or not (text[pos - 1].isalnum() and text[pos].isalnum())

    def _match(self, start: int, end: int, changes: tuple[Change, ...] = ()) -> Match:
        para, end_para = self.para_at(start), self.para_at(max(start, end - 1))
        return Match(para, end_para, start, end, changes, linked=not self.folds_links)

    def _find_literal(self, needle: str, para: int | None) -> Match | None:
        lo = self.starts[para - 1] if para and para <= len(self.starts) else 0
        # Most needles are absent or found at once: str.find is the fastest scan.
        at = self.joined.find(needle, lo)
        if at == -1:
            return None
        if self._edge(at) and self._edge(at + len(needle)):
            match = self._match(at, at + len(needle))
            return match if para is None or match.para == para else None
        # The word-edge test is part of the pattern, so a needle that occurs a million
        # times inside words costs one scan, not a million Python steps.
        pattern = (
            (r"(?<![^\W_])" if needle[0].isalnum() else "")
            + re.escape(needle)
            + (r"(?![^\W_])" if needle[-1].isalnum() else "")
        )
        found = re.compile(pattern).search(self.joined, at)
        if found is None:
            return None
        match = self._match(found.start(), found.end())
        return match if para is None or match.para == para else None

    def _word_start(self, pos: int) -> int:
        while pos > 0 and self.joined[pos - 1].isalnum():
            pos -= 1
        return pos

    def _word_end(self, pos: int) -> int:
        text = self.joined
        while pos < len(text) and text[pos].isalnum():
            pos += 1
        return pos

    def _find_edited(
        self, edited: Edited, para: int | None, budget: _Budget, bracket_words: int
    ) -> Match | None:
        """The first way the quote's segments occur in order with its edits between
        them; a way whose edits change no negation or figure is preferred."""
        if not all(segment in self.joined for segment in edited.segments):
            return None  # one scan each, before any search
        first = edited.segments[0]
        lo = self.starts[para - 1] if para and para <= len(self.starts) else 0
        hi = self.starts[para] if para and para < len(self.starts) else len(self.joined)
        dirty: Match | None = None
        at = self.joined.find(first, lo)
        while at != -1 and at < hi and budget.spend():
            lead = self._lead(edited.gaps[0], at, first)
            if lead is not None:
                start, change = lead
                head = [change] if change else []
                for end, more in self._extend(
                    edited, 1, at + len(first), budget, bracket_words, ()
                ):
                    found = self._match(start, end, tuple(head + more))
                    if not found.changes:
                        return found
                    dirty = dirty or found
            at = self.joined.find(first, at + 1)
        return dirty

    def _lead(self, lead: Gap | None, at: int, first: str) -> tuple[int, Change | None] | None:
        """Where a quote whose first segment is at `at` starts, and what its leading
        edits change; None if it cannot start there."""
        if lead is not None and lead.attached_right:
            # A bracket attached to the first word stands for the start of that word.
            start, end = self._word_start(at), self._word_end(at)
            added = lead.added + first[: end - at]
            removed = self.joined[start:end]
            return start, self._change(lead.mark, removed, added, start, end)
        if not self._edge(at):
            return None
        # A bracket before the first word is an insertion: it stands for no source word.
        if lead is None or not lead.brackets:
            return at, None
        return at, self._change(lead.mark, "", lead.added, at, at)

    def _extend(
        self,
        edited: Edited,
        i: int,
        pos: int,
        budget: _Budget,
        bracket_words: int,
        path: tuple[tuple[Gap, int, int, str], ...],
    ) -> list[tuple[int, list[Change]]]:
        """Ways to match segments i.. after offset `pos`: (end, changes), first found
        first; a clean way ends the search and is returned alone. `path` holds the gaps
        placed so far: what they change is worked out only for a complete match."""
        if i == len(edited.segments):
            return [
                (end, [c for c in (self._gap_change(*step, budget) for step in path) if c] + tail)
                for end, tail in self._finish(edited.tail, pos)
            ]
        gap = edited.gaps[i]
        assert gap is not None
        segment = edited.segments[i]
        if not gap.attached_left and not self._edge(pos):
            return []
        if gap.cuts:
            window = gap.cuts * MAX_ELISION + len(gap.brackets) * MAX_BRACKET_TEXT
        else:
            window = len(gap.brackets) * bracket_words * 40
        limit = pos + window + len(segment) + 2
        results: list[tuple[int, list[Change]]] = []
        found = self.joined.find(segment, pos, limit)
        while found != -1 and budget.spend():
            if not gap.cuts and len(self.joined[pos:found].split()) > bracket_words * len(
                gap.brackets
            ):
                break  # later occurrences leave out even more words
            if gap.attached_right or self._edge(found):
                step = (*path, (gap, pos, found, segment))
                for end, changes in self._extend(
                    edited, i + 1, found + len(segment), budget, bracket_words, step
                ):
                    if not changes:
                        return [(end, changes)]
                    results.append((end, changes))
            found = self.joined.find(segment, found + 1, limit)
        return results

    def _gap_change(
        self, gap: Gap, pos: int, found: int, segment: str, budget: _Budget
    ) -> Change | None:
        """What the edits standing for the source text between `pos` and `found` change."""
        budget.left -= (found - pos) // 100  # reading a long omission is work too
        # An attached bracket replaces part of a word: compare whole words on both sides.
        left = self._word_start(pos) if gap.attached_left else pos
        right = self._word_end(found) if gap.attached_right else found
        added = self.joined[left:pos] + gap.added + segment[: right - found]
        return self._change(gap.mark, self.joined[left:right], added, left, right)

    def _change(self, mark: str, removed: str, added: str, start: int, end: int) -> Change | None:
        """What an edit standing for source[start:end] changes; shown with the word on
        either side, so an editor sees where it is."""
        change = _compare(mark, removed, added)
        if change is None:
            return None
        text = self.joined
        lo, hi = start, end
        while lo > 0 and not text[lo - 1].isalnum():
            lo -= 1
        while hi < len(text) and not text[hi].isalnum():
            hi += 1
        context = text[self._word_start(lo) : self._word_end(hi)]
        return Change(change.mark, context, change.removed, change.added)

    def _finish(self, tail: Gap | None, pos: int) -> list[tuple[int, list[Change]]]:
        if tail is not None and tail.attached_left:
            # A bracket attached to the last word stands for the end of that word.
            start, end = self._word_start(pos), self._word_end(pos)
            added = self.joined[start:pos] + tail.added
            change = self._change(tail.mark, self.joined[start:end], added, start, end)
            return [(end, [change] if change else [])]
        if not self._edge(pos):
            return []
        # A bracket after the last word is an insertion: it stands for no source word.
        if tail is None or not tail.brackets:
            return [(pos, [])]
        change = self._change(tail.mark, "", tail.added, pos, pos)
        return [(pos, [change] if change else [])]

    # --- the closest passage, to explain a failure ----------------------------------------

    @cached_property
    def _words(self) -> tuple[list[str], list[int]]:
        """Every word of the text, and the index of each paragraph's first word."""
        words: list[str] = []
        firsts: list[int] = []
        for text in self.normalized:
            firsts.append(len(words))
            words.extend(text.split())
        return words, firsts

    def nearest(self, quote: str) -> Near | None:
        """The passage most like the quote (within a paragraph or across a break).

        Every paragraph and the one after it is a candidate; a paragraph much longer
        than the quote is cut into overlapping windows, and when there are more than
        MAX_UNITS candidates only the SHORTLIST sharing the most words with the quote
        are compared word by word. The cost stays near-linear in the text's length.
        """
        words = strip_edits(quote).split()[:MAX_HINT_WORDS]
        text_words, firsts = self._words
        if not words or not text_words:
            return None
        # Many misquotes of one long text would each read all of it: after a few
        # texts' worth of reading, the hint is left out (the error stands).
        self._hint_work[0] += len(text_words)
        if self._hint_work[0] > HINT_WORK:
            return None
        units = self._units(len(words), text_words, firsts)
        if len(units) > MAX_UNITS:
            units = _most_shared(words, text_words, units)
        best: Near | None = None
        for lo, hi in units:
            near = _closest_window(words, text_words[lo:hi], lo, firsts)
            if near and (best is None or near.score > best.score):
                best = near
        return best

    def _units(self, n: int, text_words: list[str], firsts: list[int]) -> list[tuple[int, int]]:
        long = max(4 * n, 400)
        size = max(2 * n + 20, 200)
        stride = size // 2
        ends = [*firsts[1:], len(text_words)]
        units: list[tuple[int, int]] = []
        for i, (lo, hi) in enumerate(zip(firsts, ends, strict=True)):
            if hi - lo <= long:
                # The paragraph and the start of the next: a quote may cross the break.
                units.append((lo, min(ends[i + 1], hi + long) if i + 1 < len(ends) else hi))
                continue
            units.extend((a, min(a + size, hi)) for a in range(lo, hi, stride))
        return units


HINT_WORK = 2_000_000  # words of one text read for hints in one check
MAX_HINT_WORDS = 80  # words of a quote compared for the closest-passage hint
MAX_UNITS = 300  # passages compared word by word; beyond, only the SHORTLIST ...
SHORTLIST = 12  # ... sharing the most words with the quote


def _most_shared(
    words: list[str], text_words: list[str], units: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The candidates with the most words in common with the quote (prefix sums)."""
    wanted = set(words)
    sums = [0, *itertools.accumulate(map(wanted.__contains__, text_words))]
    ranked = sorted(units, key=lambda u: sums[u[1]] - sums[u[0]], reverse=True)
    return sorted(ranked[:SHORTLIST])


def _closest_window(
    words: list[str], unit: list[str], offset: int, firsts: list[int]
) -> Near | None:
    """Best window of `unit` (the text's words from `offset`) for the quote's words."""
    matcher = difflib.SequenceMatcher(None, words, unit, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    lo = max(0, blocks[0].b - blocks[0].a)
    tail = len(words) - blocks[-1].a - blocks[-1].size
    hi = min(len(unit), blocks[-1].b + blocks[-1].size + tail)
    window = unit[lo:hi]
    para = bisect.bisect_right(firsts, offset + lo)
    quote, shown = _trim_punctuation(words, window)
    # Punctuation at the edges is not worth reporting, unless it is the only difference.
    if quote == shown:
        quote, shown = words, window
    score = difflib.SequenceMatcher(None, quote, shown, autojunk=False).ratio()
    return Near(para, score, " ".join(window), word_diff(quote, shown))


_EDGE_PUNCTUATION = ".,;:!?\"'()"


def _trim_punctuation(quote: list[str], window: list[str]) -> tuple[list[str], list[str]]:
    """Quote and passage without the punctuation by which only their edge words differ:
    a quote may stop before the source's comma or opening quotation mark."""
    if not window:
        return quote, window
    quote, window = list(quote), list(window)
    for i, strip in ((-1, str.rstrip), (0, str.lstrip)):
        bare = strip(quote[i], _EDGE_PUNCTUATION)
        if quote[i] != window[i] and bare == strip(window[i], _EDGE_PUNCTUATION) and bare:
            quote[i] = window[i] = bare
    return quote, window


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
