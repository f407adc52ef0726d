"""A brief's view of the content: which claims, sources, quotes and options it uses.

Selection is pure: it reads `Content` and a brief and returns ids and records in a
stable order. The builder hashes only what `used_items` names, and rendering walks the
same selection, so the two can never disagree about what a brief depends on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import (
    Briefing,
    Citation,
    Claim,
    ClaimsSection,
    JudgmentsSection,
    OptionsSection,
    PositionsSection,
    QuotesSection,
    TimelineSection,
)

if TYPE_CHECKING:
    from .content import Content


@dataclass(frozen=True, slots=True)
class Cited:
    """One citation of a claim, with its paragraph resolved (None if it cannot be)."""

    source: str
    para: int | None
    quote: str


def locate(content: Content, citation: Citation) -> int | None:
    """The paragraph a citation points at: the citation check's answer when it exists."""
    try:
        from .citations import locate as check_locate
    except ImportError:  # the engine's check is optional for rendering
        return citation.para
    return check_locate(content, citation)


def claim_citations(content: Content, claim: Claim) -> tuple[Cited, ...]:
    """A claim's citations; a judgment's are the union of its basis claims' citations."""
    seen: dict[tuple[str, int | None], Cited] = {}
    for citation in _citations(content, claim, set()):
        cited = Cited(citation.source, locate(content, citation), citation.quote)
        seen.setdefault((cited.source, cited.para), cited)
    return tuple(seen.values())


def _citations(content: Content, claim: Claim, visiting: set[str]) -> Iterator[Citation]:
    if claim.kind != "judgment":
        yield from claim.cites
        return
    # A judgment may rest on another judgment; a cycle is the validator's to report.
    visiting = visiting | {claim.id}
    for basis_id in claim.basis:
        basis = content.claims.get(basis_id)
        if basis is not None and basis_id not in visiting:
            yield from _citations(content, basis, visiting)


def claim_sources(content: Content, claim: Claim) -> list[str]:
    return list(dict.fromkeys(c.source for c in claim_citations(content, claim)))


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
    """Dated claims in the section's window, oldest first (ties broken by id)."""
    events = [c for c in content.claims.values() if in_window(c, section)]
    return sorted(events, key=lambda c: (c.date.first_day(), c.date.last_day(), c.id))  # type: ignore[union-attr]


def option_sources(content: Content, option_id: str) -> list[str]:
    """The sources that propose or discuss an option: those its own claims cite."""
    option = content.options.get(option_id)
    if option is None:
        return []
    ids: dict[str, None] = {}
    for claim_id in option.claims:
        claim = content.claims.get(claim_id)
        if claim is not None:
            ids.update(dict.fromkeys(claim_sources(content, claim)))
    return list(ids)


def section_claim_ids(content: Content, briefing: Briefing) -> list[str]:
    """Every claim the brief prints, in reading order, each once."""
    ids: dict[str, None] = {}
    for section in briefing.sections:
        ids.update(dict.fromkeys(_section_claims(content, section)))
    return [i for i in ids if i in content.claims]


def _section_claims(content: Content, section: object) -> Iterable[str]:
    if isinstance(section, JudgmentsSection):
        return section.judgments
    if isinstance(section, ClaimsSection):
        return section.claims
    if isinstance(section, PositionsSection):
        return [
            claim_id
            for actor in section.actors
            if actor in content.positions
            for point in content.positions[actor].points
            for claim_id in point.claims
        ]
    if isinstance(section, TimelineSection):
        return [c.id for c in timeline_claims(content, section)]
    if isinstance(section, OptionsSection):
        return [
            claim_id
            for option_id in section.options
            if option_id in content.options
            for part in ("claims", "pros", "cons", "risks")
            for claim_id in getattr(content.options[option_id], part)
        ]
    return []


def used_items(content: Content, brief_name: str) -> dict[str, set[str]]:
    """Kind → ids of everything a brief depends on (for the builder's input hash).

    Includes basis claims of judgments (their citations are printed) and the sources
    reached through claims and quotes.
    """
    briefing = content.briefings[brief_name]
    used: dict[str, set[str]] = {
        "briefings": {brief_name},
        "claims": set(),
        "sources": set(),
        "quotes": set(),
        "actors": set(),
        "positions": set(),
        "options": set(),
    }
    printed = section_claim_ids(content, briefing)
    pending = list(printed)
    while pending:
        claim_id = pending.pop()
        if claim_id in used["claims"] or claim_id not in content.claims:
            continue
        used["claims"].add(claim_id)
        claim = content.claims[claim_id]
        used["sources"].update(c.source for c in claim.cites)
        pending.extend(claim.basis)
    for section in briefing.sections:
        if isinstance(section, PositionsSection):
            used["actors"].update(section.actors)
            used["positions"].update(a for a in section.actors if a in content.positions)
        elif isinstance(section, OptionsSection):
            used["options"].update(section.options)
            used["actors"].update(
                content.options[o].actor for o in section.options if o in content.options
            )
        elif isinstance(section, QuotesSection):
            for quote_id in section.quotes:
                used["quotes"].add(quote_id)
                if quote_id in content.quotes:
                    used["sources"].add(content.quotes[quote_id].source)
    return used


def brief_sources(content: Content, brief_name: str) -> list[str]:
    """Sources the brief cites, sorted by id (known ones only)."""
    return sorted(s for s in used_items(content, brief_name)["sources"] if s in content.sources)
