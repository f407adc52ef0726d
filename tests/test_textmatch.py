"""Quote anchoring: verbatim up to typography, elisions and brackets; never fuzzy."""

from __future__ import annotations

import pytest

from briefwright.textmatch import SourceText, normalize

TEXT = (
    "Caption: a photo.\n\n"
    "On October 19, ten Russian and Chinese warships passed through the Tsugaru Strait.\n\n"
    "Tokyo’s response was “muted”—some say too muted.\n"
    "A version first appeared in the [Intersection Project](#), and the\n\n"
    "future of relations is unclear.\n"
)
SOURCE = SourceText.from_bytes(TEXT.encode())


def test_paragraphs_are_non_empty_lines() -> None:
    assert len(SOURCE.paragraphs) == 5
    assert SOURCE.paragraphs[1].startswith("On October 19")


@pytest.mark.parametrize(
    ("quote", "para"),
    [
        ("ten Russian and Chinese warships", 2),
        ('Tokyo\'s response was "muted" - some say too muted.', 3),  # straight quotes, spaced dash
        ("Tokyo’s   response\nwas", 3),  # white space
        ("appeared in the Intersection Project", 4),  # link residue reads as its text
        ("and the future of relations", 4),  # across a paragraph break
        ("On October 19 ... passed through the Tsugaru Strait", 2),  # elision
        ("On October 19 … the Tsugaru Strait", 2),  # Unicode ellipsis
        ("[T]en Russian and Chinese warships", 2),  # editorial bracket
        ("ten [naval] warships", 2),  # a bracket may stand for a few words
        ("On October 19 [they] the Tsugaru Strait", None),  # ...but not for a sentence
    ],
)
def test_accepted(quote: str, para: int | None) -> None:
    match = SOURCE.find(quote)
    if para is None:
        assert match is None
    else:
        assert match is not None and match.para == para


@pytest.mark.parametrize(
    "quote",
    [
        "ten Russian and Chinese warship passed",  # one letter dropped
        "eleven Russian and Chinese warships",  # a changed word
        "ten russian and Chinese warships",  # case is the author's
        "passed through the Tsugaru Strait ... On October 19",  # elision out of order
    ],
)
def test_rejected(quote: str) -> None:
    assert SOURCE.find(quote) is None


def test_para_restricts_the_occurrence() -> None:
    assert SOURCE.find("muted", 3) is not None
    assert SOURCE.find("muted", 2) is None


def test_nearest_explains_a_misquote() -> None:
    near = SOURCE.nearest("ten Russian and Korean warships passed through")
    assert near is not None
    assert near.para == 2
    assert 0.8 < near.score < 1
    assert "[-Korean-] {+Chinese+}" in near.diff


def test_normalize_is_idempotent() -> None:
    once = normalize(TEXT)
    assert normalize(once) == once


def test_the_hint_does_not_report_edge_punctuation_as_a_difference() -> None:
    """Issue 11 §10: the source's full stop after the quote's last word is no difference."""
    near = SOURCE.nearest("ten Russian and Korean warships passed through the Tsugaru Strait")
    assert near is not None
    assert near.diff == (
        "ten Russian and [-Korean-] {+Chinese+} warships passed through the Tsugaru Strait"
    )
    # ...unless it is the only difference: then it is the reason and is shown.
    near = SOURCE.nearest("Tokyo's response was muted!")
    assert near is not None and "{+" in near.diff
