"""Wording rules: a `fact` must not carry words that make it someone's view.

A fact prints without attribution, so a hedge ("probably", "seems") or an evaluation
("arguably", "in effect") in its text is the author's opinion passed off as established.
Such a claim is an `assessment` (the brief then says who argues it), or the word goes if
the source states the thing plainly.

The list is deliberately short, to avoid false alarms:
- modal verbs ("may", "might", "could") are left out: "May 2016" and "jets could be
  deployed" (a ruling that permits something) are facts;
- attribution markers ("allegedly", "reportedly", "purportedly") are left out: they keep
  the source's caution about someone else's claim, and the fact is that the claim is made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .content import Content
from .model import Claim
from .problems import Problem
from .rules import problem_at

# Words of the writer's own uncertainty or evaluation. Whole words or phrases only.
HEDGES: tuple[str, ...] = (
    "probably",
    "possibly",
    "perhaps",
    "presumably",
    "arguably",
    "seemingly",
    "apparently",
    "evidently",
    "seems",
    "seem",
    "seemed",
    "appears to",
    "appear to",
    "appeared to",
    "likely",
    "unlikely",
    "hardly any",
    "in effect",
    "effectively",
    # Certainty asserted by the writer is an evaluation too ("plainly advantageous").
    "clearly",
    "plainly",
    "obviously",
    "undoubtedly",
)

_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in HEDGES) + r")\b",
    re.IGNORECASE,
)


def hedges_in(text: str) -> list[str]:
    """The hedging or evaluative words of `text`, lower-cased, in order of appearance."""
    return [" ".join(m.group(1).lower().split()) for m in _PATTERN.finditer(text)]


def _check_fact(claim: Claim) -> Iterator[Problem]:
    words = hedges_in(claim.text)
    if claim.kind != "fact" or not words:
        return
    shown = ", ".join(f"'{w}'" for w in dict.fromkeys(words))
    yield problem_at(
        claim,
        ("text",),
        "hedged-fact",
        f"fact '{claim.id}' carries hedging or evaluative wording: {shown}",
        claim.id,
        hint="a fact prints without attribution: make it an 'assessment' if the sentence "
        "is the source's view, or drop the word if the source states it plainly",
    )


def check_wording(content: Content) -> list[Problem]:
    return [p for claim in content.claims.values() for p in _check_fact(claim)]
