"""The hedged-fact wording rule: which words count, and which do not."""

from __future__ import annotations

import pytest

from briefwright.wording import hedges_in


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Russia probably deployed missiles.", ["probably"]),
        ("Moscow Appears  To have closed the door.", ["appears to"]),
        ("Hardly any Japanese think so; it seems so.", ["hardly any", "seems"]),
        ("The change in effect alters the constitution.", ["in effect"]),
        ("A deal is unlikely; talks are likely.", ["unlikely", "likely"]),
        ("The drift is plainly advantageous to China.", ["plainly"]),
    ],
)
def test_hedges_are_found(text: str, found: list[str]) -> None:
    assert hedges_in(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Abe visited Sochi in May 2016.",  # a month, not a modal
        "Moscow ruled that combat jets could be deployed to Iturup.",
        "Russia allegedly poisoned Sergei and Yulia Skripal.",  # keeps the source's caution
        "The likelihood of a settlement was discussed.",
        "Seemly conduct and an appearance at the summit.",
    ],
)
def test_plain_facts_pass(text: str) -> None:
    assert hedges_in(text) == []
