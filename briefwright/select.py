"""A brief's view of the content: which claims, sources, quotes and options it uses.

Selection is pure: it reads `Content` and a brief and returns ids and records in a
stable order. What a brief uses is defined once, in scope.py; the check, the builder's
input hash and rendering all read it, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Citation, Claim, PositionsSection
from .scope import brief_scope, in_window, timeline_claims

__all__ = ["in_window", "timeline_claims"]

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


def used_items(content: Content, brief_name: str) -> dict[str, set[str]]:
    """Kind → ids of everything a brief depends on, from the one definition in scope.py."""
    briefing = content.briefings[brief_name]
    scope = brief_scope(content, briefing)
    shown = {a for s in briefing.sections if isinstance(s, PositionsSection) for a in s.actors}
    return {
        "briefings": {brief_name},
        "claims": set(scope.claims),
        "sources": set(scope.sources),
        "quotes": set(scope.quotes),
        "actors": set(scope.actors),
        "positions": {a for a in shown if a in content.positions},
        "options": set(scope.options),
    }


def brief_sources(content: Content, brief_name: str) -> list[str]:
    """Sources the brief cites, sorted by id (known ones only)."""
    return sorted(s for s in used_items(content, brief_name)["sources"] if s in content.sources)
