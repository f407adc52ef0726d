"""What a brief relies on: its edition of the content, and the items it selects from it.

A brief is an edition as of its `as_of` date. Before it selects anything, the content is
cut to what was known then (`edition`): sources issued after `as_of` are invisible, and so
is every item whose sources were all issued after it. The check, the renderer, the
build's per-brief input hash, `diff` and `impact` all read a brief's content through
here, so "what a brief uses" cannot mean two things, and newer content cannot change a
published edition.

**Issued after `as_of`** means: the earliest day the source's `issued` date can mean is
later than the last day `as_of` can mean. A year-only date counts from its 1 January
(`2021` is not after `as_of: 2021-11`; `2022` is), a month from its first day, an
interval from its start. `~` (approximate) does not move the date: `2022~` counts as
2022; write an interval (`2021-12/2022-02`) when a source may be older than it looks. A
source without a date is never after (nothing says it is newer).

What survives the cut:
- a fact or assessment stays if at least one of its citations is to a source issued on
  or before `as_of`; its citations of newer sources are dropped from the edition (not
  printed, not in the provenance, not audited);
- a judgment stays if any claim of its basis stays; its basis keeps those that stay;
- a quote stays if its source does;
- a position point stays if any of its claims stays; a position with no point left,
  and an option with none of its own `claims` left, are left out.
Items without any citation (an error the check reports anyway) are never cut.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .content import Content
from .dates import Date
from .model import (
    Briefing,
    Claim,
    ClaimsSection,
    JudgmentsSection,
    Option,
    OptionsSection,
    Position,
    PositionPoint,
    PositionsSection,
    QuotesSection,
    Source,
    TimelineSection,
)
from .problems import Problem
from .rules import problem_at


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


# --- editions ----------------------------------------------------------------------------


def issued_after(source: Source, as_of: Date) -> bool:
    """True when the source was certainly issued after `as_of` (see the module's doc)."""
    return source.issued is not None and source.issued.first_day() > as_of.last_day()


def edition_date(content: Content, brief: Briefing) -> Date:
    """The date a brief is true as of: its own `as_of`, or the date it is previewed at."""
    return content.project.as_of or brief.as_of


@dataclass(frozen=True)
class Edition:
    """The content as a brief sees it, and what the cut took away."""

    as_of: Date
    content: Content
    newer: Mapping[str, Source]  # sources issued after as_of, by id
    claims_out: frozenset[str]  # claims (and judgments) left out entirely
    cites_out: Mapping[str, tuple[str, ...]]  # kept claim → newer sources it no longer cites
    quotes_out: frozenset[str]
    points_out: Mapping[str, tuple[str, ...]]  # actor → labels of the points left out
    options_out: frozenset[str]

    def why(self, source_ids: Iterable[str]) -> str:
        """'smith-2022 (2022-03-14), …': the newer sources an item rests on."""
        found = dict.fromkeys(s for s in source_ids if s in self.newer)
        return ", ".join(f"{s} ({self.newer[s].issued})" for s in found)

    def first_as_of(self, source_ids: Iterable[str]) -> str:
        """The earliest as_of of an edition that would include one of these sources."""
        starts = [self.newer[s].issued.start for s in source_ids if s in self.newer]  # type: ignore[union-attr]
        return min(starts).iso() if starts else "a later date"


def edition(content: Content, brief: Briefing) -> Edition:
    """The brief's edition: `content` without what was issued after its as_of date."""
    as_of = edition_date(content, brief)
    briefings = _previewed(content)
    newer = {i: s for i, s in content.sources.items() if issued_after(s, as_of)}
    if not newer:  # the usual case: nothing to cut
        same = briefings is content.briefings
        kept = content if same else dataclasses.replace(content, briefings=briefings)
        return Edition(as_of, kept, {}, frozenset(), {}, frozenset(), {}, frozenset())
    claims, claims_out, cites_out = _cut_claims(content.claims, set(newer))
    positions, points_out = _cut_positions(content.positions, claims_out)
    options = {i: kept for i, o in content.options.items() if (kept := _cut_option(o, claims_out))}
    quotes = {i: q for i, q in content.quotes.items() if q.source not in newer}
    cut = dataclasses.replace(
        content,
        sources={i: s for i, s in content.sources.items() if i not in newer},
        texts={i: t for i, t in content.texts.items() if i not in newer},
        claims=claims,
        quotes=quotes,
        positions=positions,
        options=options,
        briefings=briefings,
    )
    return Edition(
        as_of,
        cut,
        newer,
        frozenset(claims_out),
        cites_out,
        frozenset(content.quotes.keys() - quotes.keys()),
        points_out,
        frozenset(content.options.keys() - options.keys()),
    )


def _previewed(content: Content) -> Mapping[str, Briefing]:
    """The briefs, each dated at the preview date when the project is previewed."""
    as_of = content.project.as_of
    if as_of is None or all(b.as_of == as_of for b in content.briefings.values()):
        return content.briefings
    return {n: b.model_copy(update={"as_of": as_of}) for n, b in content.briefings.items()}


def _cut_claims(
    claims: Mapping[str, Claim], newer: set[str]
) -> tuple[dict[str, Claim], set[str], dict[str, tuple[str, ...]]]:
    """Facts and assessments lose their citations of newer sources; those left with
    none, and judgments whose whole basis is gone, are left out."""
    kept: dict[str, Claim] = {}
    out: set[str] = set()
    cites_out: dict[str, tuple[str, ...]] = {}
    for claim_id, claim in claims.items():
        old = tuple(c for c in claim.cites if c.source not in newer)
        if len(old) == len(claim.cites):
            kept[claim_id] = claim
            continue
        gone = tuple(dict.fromkeys(c.source for c in claim.cites if c.source in newer))
        if old:
            kept[claim_id] = claim.model_copy(update={"cites": old})
            cites_out[claim_id] = gone
        else:
            out.add(claim_id)
    # A judgment may rest on judgments: repeat until nothing more falls.
    falling = True
    while falling:
        falling = False
        for claim_id, claim in list(kept.items()):
            if claim.basis and all(b in out for b in claim.basis):
                out.add(claim_id)
                del kept[claim_id]
                falling = True
    for claim_id, claim in kept.items():
        if any(b in out for b in claim.basis):
            basis = tuple(b for b in claim.basis if b not in out)
            kept[claim_id] = claim.model_copy(update={"basis": basis})
    return kept, out, cites_out


def _cut_positions(
    positions: Mapping[str, Position], claims_out: set[str]
) -> tuple[dict[str, Position], dict[str, tuple[str, ...]]]:
    """Points lose the claims left out; a point with none left goes, and a position
    with no point left."""
    kept: dict[str, Position] = {}
    points_out: dict[str, tuple[str, ...]] = {}
    for actor, position in positions.items():
        points: list[PositionPoint] = []
        gone: list[str] = []
        for point in position.points:
            old = tuple(c for c in point.claims if c not in claims_out)
            if not old:
                gone.append(point.label)
            else:
                points.append(
                    point if old == point.claims else point.model_copy(update={"claims": old})
                )
        if gone:
            points_out[actor] = tuple(gone)
        if points:
            same = points == list(position.points)
            kept[actor] = (
                position if same else position.model_copy(update={"points": tuple(points)})
            )
    return kept, points_out


def _cut_option(option: Option, claims_out: set[str]) -> Option | None:
    """The option without the claims left out; None if none of its own claims is left."""
    groups = {g: getattr(option, g) for g in ("claims", "pros", "cons", "risks")}
    if not any(c in claims_out for ids in groups.values() for c in ids):
        return option
    groups = {g: tuple(c for c in ids if c not in claims_out) for g, ids in groups.items()}
    return option.model_copy(update=groups) if groups["claims"] else None


# --- what a brief selects ----------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    claims: frozenset[str]
    quotes: frozenset[str]
    options: frozenset[str]
    actors: frozenset[str]
    sources: frozenset[str]


def brief_scope(content: Content, brief: Briefing) -> Scope:
    """Everything the brief relies on, in its edition."""
    return select_from(edition(content, brief).content, brief)


def select_from(content: Content, brief: Briefing) -> Scope:
    """Everything the brief's sections select from `content`, as given (no edition cut)."""
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


# --- what an edition leaves out, and what it may not ---------------------------------------


def left_out(content: Content, brief: Briefing) -> list[str]:
    """What the brief would select from the whole project but its edition leaves out,
    one line each with the reason: for the build's summary."""
    cut = edition(content, brief)
    if not cut.newer:
        return []
    everything = select_from(content, brief)
    kept = select_from(cut.content, brief)
    lines = []
    for claim_id in sorted(everything.claims - kept.claims):
        claim = content.claims[claim_id]
        kind = "judgment" if claim.kind == "judgment" else "claim"
        lines.append(f"{kind} '{claim_id}' ({_sources_of(cut, content, claim_id)})")
    for quote_id in sorted(everything.quotes - kept.quotes):
        lines.append(f"quote '{quote_id}' ({cut.why([content.quotes[quote_id].source])})")
    for option_id in sorted(everything.options - kept.options):
        option = content.options[option_id]
        lines.append(f"option '{option_id}' ({_sources_of(cut, content, *option.claims)})")
    for actor, label in _points_left_out(cut, brief):
        lines.append(f"{actor}'s point '{label}'")
    for claim_id in sorted(kept.claims & cut.cites_out.keys()):
        lines.append(f"claim '{claim_id}' cites {cut.why(cut.cites_out[claim_id])}: not printed")
    return lines


def _sources_of(cut: Edition, content: Content, *claim_ids: str) -> str:
    """The newer sources behind claims, through judgments' bases."""
    return cut.why(_source_ids(content, claim_ids))


def _source_ids(content: Content, claim_ids: Iterable[str]) -> list[str]:
    """Every source cited by these claims, through judgments' bases."""
    found: dict[str, None] = {}
    pending, seen = list(claim_ids), set()
    while pending:
        claim = content.claims.get(claim_id := pending.pop())
        if claim is None or claim_id in seen:
            continue
        seen.add(claim_id)
        found.update(dict.fromkeys(c.source for c in claim.cites))
        pending.extend(claim.basis)
    return list(found)


def _points_left_out(cut: Edition, brief: Briefing) -> list[tuple[str, str]]:
    shown = []
    for section in brief.sections:
        if isinstance(section, PositionsSection):
            for actor in section.actors:
                labels = cut.points_out.get(actor, ())
                shown += [(actor, label) for label in labels if section.shows(label)]
    return list(dict.fromkeys(shown))


def edition_problems(content: Content, name: str, brief: Briefing) -> list[Problem]:
    """`after-as-of`: the brief names an item its edition leaves out."""
    cut = edition(content, brief)
    if not cut.newer:
        return []
    problems = []
    for keys, kind, item_id, sources in _named_out(cut, content, brief):
        problems.append(
            problem_at(
                brief,
                keys,
                "after-as-of",
                f"brief '{name}' (as of {cut.as_of}) names {kind} '{item_id}', which rests only "
                f"on sources issued after that date: {cut.why(sources)}",
                name,
                hint=f"take '{item_id}' out of this brief, or make a new edition: "
                f"as_of {cut.first_as_of(sources)} or later includes it",
            )
        )
    return problems


Named = tuple[tuple[str | int, ...], str, str, list[str]]  # where, kind, id, its sources


def _named_out(cut: Edition, content: Content, brief: Briefing) -> Iterable[Named]:
    """Every item the brief names that its edition leaves out."""
    for i, section in enumerate(brief.sections):
        at: tuple[str | int, ...] = ("sections", i)
        if isinstance(section, JudgmentsSection | ClaimsSection):
            field = "judgments" if isinstance(section, JudgmentsSection) else "claims"
            kind = "judgment" if field == "judgments" else "claim"
            for j, claim_id in enumerate(getattr(section, field)):
                if claim_id in cut.claims_out:
                    yield (*at, field, j), kind, claim_id, _source_ids(content, [claim_id])
        elif isinstance(section, QuotesSection):
            for j, quote_id in enumerate(section.quotes):
                if quote_id in cut.quotes_out:
                    yield (*at, "quotes", j), "quote", quote_id, [content.quotes[quote_id].source]
        elif isinstance(section, OptionsSection):
            for j, option_id in enumerate(section.options):
                if option_id in cut.options_out:
                    sources = _source_ids(content, content.options[option_id].claims)
                    yield (*at, "options", j), "option", option_id, sources
        elif isinstance(section, PositionsSection):
            yield from _named_positions_out(cut, content, section, at)


def _named_positions_out(
    cut: Edition, content: Content, section: PositionsSection, at: tuple[str | int, ...]
) -> Iterable[Named]:
    for j, actor in enumerate(section.actors):
        if actor in content.positions and actor not in cut.content.positions:
            claims = [c for p in content.positions[actor].points for c in p.claims]
            yield (*at, "actors", j), "the position of", actor, _source_ids(content, claims)
    # Only positions still there: one whose every point is gone was reported above.
    present = [a for a in section.actors if a in cut.content.positions]
    full = [p for a in present for p in content.positions[a].points]
    kept = {p.label for a in present for p in cut.content.positions[a].points}
    for j, label in enumerate(section.points):
        if label not in kept and any(p.label == label for p in full):
            claims = [c for p in full if p.label == label for c in p.claims]
            yield (*at, "points", j), "point", label, _source_ids(content, claims)


def edition_summary(content: Content, names: Iterable[str]) -> list[str]:
    """For the build's summary: each brief that leaves something out, and what and why."""
    lines = []
    for name in names:
        brief = content.briefings[name]
        items = left_out(content, brief)
        if items:
            as_of = edition_date(content, brief)
            lines.append(
                f"brief '{name}' is as of {as_of}: it leaves out {len(items)} newer "
                f"item{'s' * (len(items) != 1)} (sources issued after {as_of}):"
            )
            lines += [f"  {item}" for item in items]
    return lines
