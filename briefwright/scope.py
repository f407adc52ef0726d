"""What a brief relies on: its claims (with judgments' bases), quotes and sources.

One definition shared by the check (stale sources), the renderer and the build's
per-brief input hash, so "what a brief uses" cannot mean two things.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import Content
from .model import (
    Briefing,
    Claim,
    ClaimsSection,
    JudgmentsSection,
    OptionsSection,
    PositionsSection,
    QuotesSection,
    TimelineSection,
)


def in_window(claim: Claim, section: TimelineSection) -> bool:
    if claim.date is None:
        return False
    if section.start and claim.date.last_day() < section.start.first_day():
        return False
    if section.end and claim.date.first_day() > section.end.last_day():
        return False
    if section.topics and not set(section.topics) & set(claim.topics):
        return False
    return not (section.actors and not set(section.actors) & set(claim.actors))


def timeline_claims(content: Content, section: TimelineSection) -> list[Claim]:
    """Dated claims in the window, oldest first (ties by id, so the order is stable)."""
    found = [c for c in content.claims.values() if c.kind != "judgment" and in_window(c, section)]
    return sorted(found, key=lambda c: (c.date.first_day(), c.date.last_day(), c.id))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Scope:
    claims: frozenset[str]
    quotes: frozenset[str]
    options: frozenset[str]
    actors: frozenset[str]
    sources: frozenset[str]


def brief_scope(content: Content, brief: Briefing) -> Scope:
    claims: set[str] = set()
    quotes: set[str] = set()
    options: set[str] = set()
    actors: set[str] = set()
    for section in brief.sections:
        if isinstance(section, JudgmentsSection):
            claims.update(section.judgments)
        elif isinstance(section, ClaimsSection):
            claims.update(section.claims)
        elif isinstance(section, PositionsSection):
            actors.update(section.actors)
            for actor in section.actors:
                position = content.positions.get(actor)
                if position:
                    for point in position.points:
                        if section.shows(point.label):
                            claims.update(point.claims)
        elif isinstance(section, TimelineSection):
            claims.update(c.id for c in timeline_claims(content, section))
        elif isinstance(section, OptionsSection):
            for option_id in section.options:
                option = content.options.get(option_id)
                if option:
                    options.add(option_id)
                    actors.add(option.actor)
                    for group in (option.claims, option.pros, option.cons, option.risks):
                        claims.update(group)
        elif isinstance(section, QuotesSection):
            quotes.update(section.quotes)
    # A judgment's basis is part of what the brief relies on, all the way down.
    pending = list(claims)
    while pending:
        claim = content.claims.get(pending.pop())
        if claim is None:
            continue
        for ref in claim.basis:
            if ref not in claims:
                claims.add(ref)
                pending.append(ref)
    claims &= set(content.claims)
    quotes &= set(content.quotes)
    sources = {c.source for cid in claims for c in content.claims[cid].cites}
    sources |= {content.quotes[q].source for q in quotes}
    sources &= set(content.sources)
    return Scope(
        frozenset(claims),
        frozenset(quotes),
        frozenset(options),
        frozenset(actors),
        frozenset(sources),
    )
