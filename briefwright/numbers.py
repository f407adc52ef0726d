"""Figures in prose: digits and number words, read as values.

`number-not-in-source` compares the figures in a claim with those in the passage it
cites. "twenty-one" and "21" are the same figure; "1950s" contains 1950; "20th" is 20.
"one" is left out: it is a pronoun more often than a figure ("one of the islands").
"""

from __future__ import annotations

import re
from decimal import Decimal

UNITS = {
    "zero": 0,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ORDINALS = {
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
}
# Inside a compound ("twenty-one", "one hundred") "one" is a figure after all.
_COMPOUND_ONLY = {"one": 1}
_WORDS = {**UNITS, **TENS, **SCALES, **_COMPOUND_ONLY}

# Words first: at any position only one alternative can match, and the regex engine
# tries the commoner one first.
_TOKEN = re.compile(
    r"(?P<word>[A-Za-z]+(?:-[A-Za-z]+)*)"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
)


def _words_value(words: list[str]) -> int | None:
    total = current = 0
    seen = False
    for word in words:
        if word in UNITS or word in _COMPOUND_ONLY:
            current += _WORDS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def figures(text: str) -> set[Decimal]:
    """Every figure in the text, as a value."""
    # One pass over the words, in order: a run of number words ("two hundred and five")
    # is read as one value when a word that is not a figure ends it. "and" never ends or
    # starts a run, so it is skipped. The loop is inlined: it reads every word of every
    # cited paragraph.
    found: set[Decimal] = set()
    run: list[str] = []
    for word, num in _TOKEN.findall(text):
        if num:
            if run:
                _flush(run, found)
            found.add(Decimal(num.replace(",", "")))
            continue
        word = word.lower()
        if word in _WORDS:
            if run and not _continues(run[-1], word):
                _flush(run, found)
            run.append(word)
        elif word in ORDINALS:
            if run:
                _flush(run, found)
            found.add(Decimal(ORDINALS[word]))
        elif "-" in word and all(p in _WORDS for p in word.split("-")):
            parts = word.split("-")
            if run and not _continues(run[-1], parts[0]):
                _flush(run, found)
            run.extend(parts)
        elif run and word != "and":
            _flush(run, found)
    if run:
        _flush(run, found)
    return found


def _continues(last: str, word: str) -> bool:
    """Whether `word` goes on with the figure that `last` ends: "twenty one", "hundred
    and five", "two hundred thousand"; "five and six" and "twelve, five" are two figures."""
    if word in SCALES or last in SCALES:
        return True
    return last in TENS and _WORDS[word] < 10


def _flush(run: list[str], found: set[Decimal]) -> None:
    if not (len(run) == 1 and run[0] in _COMPOUND_ONLY):
        value = _words_value(run)
        if value is not None:
            found.add(Decimal(value))
    run.clear()


def show(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)
