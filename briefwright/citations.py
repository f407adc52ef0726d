"""The citation check: every claim cites a real source, every quote is verbatim,
every figure is in the cited passage, every judgment rests on cited claims."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache

from . import csl
from .content import Content
from .dates import NO_MENTIONS, Date, Mentions, mentions
from .model import Briefing, Citation, Claim, Quote, Record, Source
from .numbers import figures, show
from .problems import Problem
from .rules import problem_at
from .scope import edition, select_from
from .textmatch import Match, SourceText, normalize

METADATA_FIELDS = ("title", "container", "authors", "issued")


def locate(content: Content, citation: Citation) -> int | None:
    """The paragraph where a citation's quote starts (its `para` if given and right)."""
    text = content.texts.get(citation.source)
    if text is None:
        return citation.para
    match = text.find(citation.quote, citation.para) or text.find(citation.quote)
    return match.para if match else citation.para


def source_span(content: Content, source: str, quote: str, para: int | None) -> str | None:
    """The source text a quote with omissions or brackets stands for, as archived, for
    the provenance; None for a verbatim quote or one that is not found."""
    text = content.texts.get(source)
    if text is None:
        return None
    match = text.find(quote, para) or text.find(quote)
    if match is None:
        return None
    if text.span(match) == normalize(quote):
        return None
    return text.raw_span(match)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _anchor(
    item: Record,
    keys: tuple[str | int, ...],
    subject: str,
    item_id: str,
    source_id: str,
    quote: str,
    para: int | None,
    text: SourceText,
) -> tuple[Match | None, list[Problem]]:
    """Find a quote in its source; explain exactly what is wrong when it is not there."""
    count = len(text.paragraphs)
    if para is not None and para > count:
        return None, [
            problem_at(
                item,
                (*keys, "para"),
                "bad-locator",
                f"{subject}: ¶ {para} does not exist in source '{source_id}', "
                f"which has {count} paragraphs",
                item_id,
                hint="paragraphs are the non-empty lines of the archived text; "
                "remove 'para' to have it found",
            )
        ]
    anchored = text.anchor(quote, para)
    if anchored.problem is None and anchored.match is None and para is not None:
        elsewhere = text.anchor(quote)
        if elsewhere.match is not None:
            return elsewhere.match, [
                problem_at(
                    item,
                    (*keys, "para"),
                    "bad-locator",
                    f"{subject}: the quote is in ¶ {elsewhere.match.para} of '{source_id}', "
                    f"not ¶ {para}",
                    item_id,
                    hint=f"write 'para: {elsewhere.match.para}' or remove 'para'",
                ),
                *_edit_problems(item, keys, subject, item_id, source_id, elsewhere.match),
            ]
    if anchored.problem is not None:
        return None, [
            problem_at(
                item,
                (*keys, "quote"),
                "quote-edit-invalid",
                f"{subject}: the quote's edits cannot be checked against '{source_id}': "
                f"{anchored.problem}",
                item_id,
                hint="mark an omission with '...' and an editorial insertion or substitution "
                "of a few words with '[words]'; see the editor guide",
            )
        ]
    if anchored.match is not None:
        match = anchored.match
        return match, _edit_problems(item, keys, subject, item_id, source_id, match)
    near = text.nearest(quote)
    message = f"{subject}: quote not found in source '{source_id}'"
    hint = "copy the passage exactly from the archived text; mark cuts with '...'"
    if near is not None:
        message += f"; closest is ¶ {near.para} ({near.score:.0%} similar)"
        hint = f"difference [-quote-] {{+source+}}: {_short(near.diff, 300)}"
    return None, [problem_at(item, (*keys, "quote"), "quote-not-found", message, item_id, hint)]


def _edit_problems(
    item: Record,
    keys: tuple[str | int, ...],
    subject: str,
    item_id: str,
    source_id: str,
    match: Match,
) -> list[Problem]:
    """An omission or bracket that removes or adds a negation or a figure."""
    return [
        problem_at(
            item,
            (*keys, "quote"),
            "quote-edit-changes-meaning",
            f"{subject}: in the quote from '{source_id}' ¶ {match.para}, {change.describe()}",
            item_id,
            hint=(f"the source reads “{_short(change.source)}”; " if change.source else "")
            + "quote those words, or cut or bracket elsewhere: an edit may not remove or add "
            "a negation or a figure",
        )
        for change in match.changes
    ]


class _Figures:
    """Figures of each source paragraph, computed once per paragraph."""

    def __init__(self, content: Content) -> None:
        self.content = content

        @cache
        def of_para(source_id: str, para: int) -> frozenset[Decimal]:
            return frozenset(figures(content.texts[source_id].paragraphs[para - 1]))

        @cache
        def dates_of_para(source_id: str, para: int) -> Mentions:
            return mentions(content.texts[source_id].normalized[para - 1])

        self.of_para = of_para
        self.dates_of_para = dates_of_para

    def passage(self, matched: list[tuple[Citation, Match]]) -> list[Decimal]:
        """The figures of the cited quotes and their paragraphs, for a hint."""
        found: set[Decimal] = set()
        for cite, match in matched:
            found |= figures(cite.quote)
            for para in range(match.para, match.end_para + 1):
                found |= self.of_para(cite.source, para)
        return sorted(found)

    def quoted_dates(self, matched: list[tuple[Citation, Match]]) -> Mentions:
        """The dates the cited quotes alone mention."""
        found = NO_MENTIONS
        for cite, _ in matched:
            found |= mentions(normalize(cite.quote))
        return found

    def dates(self, matched: list[tuple[Citation, Match]]) -> Mentions:
        """The dates the cited quotes and their paragraphs mention."""
        found = NO_MENTIONS
        for cite, match in matched:
            found |= mentions(normalize(cite.quote))
            for para in range(match.para, match.end_para + 1):
                found |= self.dates_of_para(cite.source, para)
        return found


def _date_to_prove(item: Claim | Quote) -> bool:
    """Whether the item has a date its passage must prove (see _date_problem)."""
    return item.date is not None and item.date_inferred != "publication"


def _claim_dates(claim: Claim, matched: list[tuple[Citation, Match]], figs: _Figures) -> Mentions:
    """The dates to prove a claim's date against: its quotes' alone when they give it
    (cheapest first: more text only adds dates, and support is membership), else the
    quotes' and their paragraphs' (the full list, in order, for the hint)."""
    assert claim.date is not None
    quoted = figs.quoted_dates(matched)
    if quoted.support_date(claim.date, claim.date_inferred == "year"):
        return quoted
    return figs.dates(matched)


def _dated(date: Date) -> str:
    human = date.human()
    return str(date) if human == str(date) else f"{date} ({human})"


def _date_problem(item: Claim | Quote, said: Mentions) -> Iterator[Problem]:
    """A claim's or quote's date must be written in the cited passage (`said`: the dates
    it mentions), as sources write dates; a year marked `date_inferred: year` is the
    source's own (checked by `_inferred_year`)."""
    if item.date is None or item.date_inferred == "publication":
        return
    year_known = item.date_inferred == "year"
    if said.support_date(item.date, year_known):
        return
    what = "month and day" if year_known else "date"
    shown = ", ".join(f"“{d}”" for d in said.shown[:8])
    is_claim = isinstance(item, Claim)
    yield problem_at(
        item,
        ("date",),
        "date-not-in-source",
        f"{'claim' if is_claim else 'quote'} '{item.id}': {what} {_dated(item.date)} is not "
        + (
            "in the cited quote or its paragraph"
            if is_claim
            else f"in the quote's paragraph or the {QUOTE_DATE_PARAS} before it"
        ),
        item.id,
        hint=(f"the passage mentions {shown}" if shown else "the passage mentions no date")
        + "; correct the date, cite the passage that gives it, or, if the year is the "
        "source's own, write 'date_inferred: year'"
        + ("" if is_claim else " (or 'date_inferred: publication' for the day it was published)"),
    )


def _inferred_year(content: Content, item: Claim | Quote, sources: list[str]) -> Iterator[Problem]:
    if item.date_inferred is None:
        return
    subject = f"{'claim' if isinstance(item, Claim) else 'quote'} '{item.id}'"
    if item.date is None:
        yield problem_at(
            item,
            ("date_inferred",),
            "inferred-date",
            f"{subject} says its year is inferred but has no 'date'",
            item.id,
            hint="add 'date:' or remove 'date_inferred'",
        )
        return
    issued = [
        content.sources[s].issued
        for s in sources
        if s in content.sources and content.sources[s].issued
    ]
    years = {d.year for d in issued}  # type: ignore[union-attr]
    if item.date_inferred == "publication":
        shown = ", ".join(sorted(d.iso() for d in issued))  # type: ignore[union-attr]
        if item.date.iso().rstrip("~") not in {d.iso().rstrip("~") for d in issued}:  # type: ignore[union-attr]
            yield problem_at(
                item,
                ("date",),
                "inferred-date",
                f"{subject}: date {item.date} is marked as the publication date, but "
                f"the cited source was issued {shown or 'on an unknown date'}",
                item.id,
                hint="use the source's 'issued' date, or remove 'date_inferred'",
            )
        return
    if not years:
        yield problem_at(
            item,
            ("date_inferred",),
            "inferred-date",
            f"{subject}: the year is inferred from the publication date, but no cited "
            "source has one",
            item.id,
            hint="give the source an 'issued' date, or write the date without a year "
            "you cannot support",
        )
    elif item.date.year not in years:
        shown = ", ".join(str(y) for y in sorted(years))
        yield problem_at(
            item,
            ("date",),
            "inferred-date",
            f"{subject}: date {item.date} has year {item.date.year}, but the year is "
            f"inferred from the source's publication year ({shown})",
            item.id,
            hint=f"use {shown}, or remove 'date_inferred' if the source states the year",
        )


def _unsupported(
    claim: Claim, matched: list[tuple[Citation, Match]], figs: _Figures
) -> set[Decimal]:
    """Figures of the claim found neither in its quotes nor in their paragraphs.

    Cheapest first: most claims have no figure, or only figures their quote gives, so the
    paragraphs are read only for what is still missing.
    """
    missing = figures(claim.text)
    if missing and claim.date_inferred and claim.date is not None:
        missing -= {Decimal(y) for y in claim.date.years()}
    for cite, _ in matched:
        if not missing:
            return missing
        missing -= figures(cite.quote)
    for cite, match in matched:
        for para in range(match.para, match.end_para + 1):
            if not missing:
                return missing
            missing -= figs.of_para(cite.source, para)
    return missing


def _figures_hint(said: list[Decimal]) -> str:
    if not said:
        shown = "the cited passage gives no figure"
    else:
        listed = ", ".join(show(f) for f in said[:12]) + (", …" if len(said) > 12 else "")
        shown = f"the source says {listed}"
    return f"{shown}; quote the passage that gives the figure, or correct the figure"


def _check_claim(content: Content, claim: Claim, figs: _Figures) -> Iterator[Problem]:
    subject = f"claim '{claim.id}'"
    if claim.kind == "judgment":
        yield from _check_judgment(content, claim)
        return
    if not claim.cites:
        yield problem_at(
            claim,
            ("text",),
            "uncited-claim",
            f"{subject} ({claim.kind}) cites no source",
            claim.id,
            hint="add 'cites: [{source: ..., quote: ...}]' with the passage that supports it",
        )
        return
    matched: list[tuple[Citation, Match]] = []
    checked_all = True
    for index, cite in enumerate(claim.cites):
        text = content.texts.get(cite.source)
        if text is None:  # unknown source or unreadable text: reported elsewhere
            checked_all = False
            continue
        match, found = _anchor(
            claim, ("cites", index), subject, claim.id, cite.source, cite.quote, cite.para, text
        )
        yield from found
        if match is None:
            checked_all = False
        else:
            matched.append((cite, match))
    sources = [c.source for c in claim.cites]
    if checked_all:
        missing = sorted(_unsupported(claim, matched, figs))
        if missing:
            shown = ", ".join(show(m) for m in missing)
            verb = "is" if len(missing) == 1 else "are"
            yield problem_at(
                claim,
                ("text",),
                "number-not-in-source",
                f"{subject}: {shown} in the claim {verb} not in the cited quote or its paragraph",
                claim.id,
                hint=_figures_hint(figs.passage(matched)),
            )
        if _date_to_prove(claim):  # the passage's dates are read only for a date to prove
            yield from _date_problem(claim, _claim_dates(claim, matched, figs))
    yield from _inferred_year(content, claim, sources)
    known = [s for s in sources if s in content.sources]
    if known and all(content.sources[s].withdrawn for s in known):
        yield problem_at(
            claim,
            ("cites",),
            "withdrawn-source",
            f"{subject} relies only on withdrawn source(s): {', '.join(known)}",
            claim.id,
            hint="cite a source that stands, or remove the claim",
        )


def _basis_sources(content: Content, claim: Claim, seen: set[str]) -> set[str]:
    """Sources under a judgment, through judgments it rests on (cycles are cut)."""
    found: set[str] = set()
    for ref in claim.basis:
        if ref in seen or ref not in content.claims:
            continue
        seen.add(ref)
        base = content.claims[ref]
        found |= {c.source for c in base.cites}
        if base.kind == "judgment":
            found |= _basis_sources(content, base, seen)
    return found


def _check_judgment(content: Content, claim: Claim) -> Iterator[Problem]:
    subject = f"judgment '{claim.id}'"
    if claim.cites:
        yield problem_at(
            claim,
            ("cites",),
            "judgment-without-basis",
            f"{subject} cites sources itself; a judgment is ours and rests on claims",
            claim.id,
            hint="move the passage into a fact or assessment and list it in 'basis'",
        )
    if not claim.basis:
        yield problem_at(
            claim,
            ("text",),
            "judgment-without-basis",
            f"{subject} has no basis",
            claim.id,
            hint="add 'basis: [claim ids]' naming the cited claims it rests on",
        )
    if claim.confidence is None:
        yield problem_at(
            claim,
            ("text",),
            "judgment-without-basis",
            f"{subject} has no confidence",
            claim.id,
            hint="add 'confidence: low|moderate|high'",
        )
    if claim.id in claim.basis:
        yield problem_at(
            claim,
            ("basis",),
            "judgment-without-basis",
            f"{subject} lists itself in its basis",
            claim.id,
        )
    sources = _basis_sources(content, claim, {claim.id})
    if claim.basis and len(sources) == 1:
        yield problem_at(
            claim,
            ("basis",),
            "narrow-basis",
            f"{subject} rests on a single source ({next(iter(sources))})",
            claim.id,
            hint="add basis claims from other sources, or lower the confidence",
        )
    if claim.likelihood is None:
        yield problem_at(
            claim,
            ("text",),
            "likelihood-not-in-text",
            f"{subject} has no likelihood",
            claim.id,
            hint="add 'likelihood:' with an ICD 203 term and use it in the text",
        )
    elif claim.likelihood not in claim.text.lower():
        yield problem_at(
            claim,
            ("text",),
            "likelihood-not-in-text",
            f"{subject}: likelihood '{claim.likelihood}' does not appear in the text",
            claim.id,
            hint=f"word the judgment with '{claim.likelihood}'",
        )


# A quote's occasion is often dated in the lead-in before it ("On October 26, a paper
# ran a story ... ¶ It wrote ..."): its date may be in its paragraph or the two before.
QUOTE_DATE_PARAS = 2


def _quote_dates(quote: Quote, match: Match, figs: _Figures) -> Mentions:
    found = mentions(normalize(quote.text))
    for para in range(max(1, match.para - QUOTE_DATE_PARAS), match.end_para + 1):
        found |= figs.dates_of_para(quote.source, para)
    return found


_AT_QUOTE = {"quote-not-found", "quote-edit-changes-meaning", "quote-edit-invalid"}


def _check_quote(content: Content, quote: Quote, figs: _Figures) -> Iterator[Problem]:
    text = content.texts.get(quote.source)
    if text is not None:
        match, found = _anchor(
            quote, (), f"quote '{quote.id}'", quote.id, quote.source, quote.text, quote.para, text
        )
        if match is not None and _date_to_prove(quote):
            yield from _date_problem(quote, _quote_dates(quote, match, figs))
        # The quote's own text is the thing anchored: point at 'text', not at the item.
        for p in found:
            if p.code in _AT_QUOTE:
                line, col = quote.where.at("text")
                p = Problem(p.path, line, col, p.code, p.level, p.message, p.id, p.hint)
            yield p
    yield from _inferred_year(content, quote, [quote.source])
    source = content.sources.get(quote.source)
    if source is not None and source.withdrawn:
        yield problem_at(
            quote,
            ("source",),
            "withdrawn-source",
            f"quote '{quote.id}' comes from withdrawn source '{source.id}'",
            quote.id,
            hint="remove the quote or find it in a source that stands",
        )


def _check_source(source: Source, cited: set[str]) -> Iterator[Problem]:
    yield from csl.description_problems(source)
    missing = [f for f in METADATA_FIELDS if not getattr(source, f) and f not in source.unknown]
    if missing:
        yield problem_at(
            source,
            (),
            "missing-metadata",
            f"source '{source.id}' has no {', '.join(missing)}",
            source.id,
            hint=f"add them, or if verified not known write 'unknown: [{', '.join(missing)}]'",
        )
    for field in source.unknown:
        if getattr(source, field):
            yield Problem(
                source.where.path,
                *source.where.at("unknown"),
                "invalid-field",
                "error",
                f"source '{source.id}' marks '{field}' unknown but gives it",
                source.id,
                hint=f"remove '{field}' from 'unknown'",
            )
    if source.id not in cited:
        yield problem_at(
            source,
            ("id",),
            "unused-source",
            f"source '{source.id}' is not cited by any claim or quote",
            source.id,
            hint="cite it, or remove it if it is not needed",
        )


def check_citations(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    figs = _Figures(content)
    for claim in content.claims.values():
        problems.extend(_check_claim(content, claim, figs))
    for quote in content.quotes.values():
        problems.extend(_check_quote(content, quote, figs))
    cited = {c.source for claim in content.claims.values() for c in claim.cites}
    cited |= {q.source for q in content.quotes.values()}
    for source in content.sources.values():
        problems.extend(_check_source(source, cited))
    return problems


# --- facts that would read as current in a later brief ---------------------------------

# Words by which a fact speaks of its source's present: in a brief years later they read
# as if true at the brief's date.
_NOW = re.compile(
    r"\b(?:latest|newest|newly|most recent|recently|current|currently|now|nowadays|today|"
    r"at present|presently|upcoming|so far|to date|this year|this month|this week)\b",
    re.IGNORECASE,
)
# ... unless the text says when that present was: a year, "at the time", "when X wrote".
_THEN = re.compile(r"\b(?:at the time|then|when \w+ wrote)\b", re.IGNORECASE)


def _speaks_of_now(text: str) -> re.Match[str] | None:
    now = _NOW.search(text)
    if now is None or _THEN.search(text) or mentions(text).years:
        return None
    return now


def old_fact_year(content: Content, claim: Claim, brief: Briefing) -> int | None:
    """The year of the newest source of an undated fact that is at least the brief's
    `stale_after_years` older than its `as_of`; None for any other claim. The brief prints
    the fact with this year ("(2018)"), so it does not read as current."""
    if claim.kind != "fact" or claim.date is not None or brief.stale_after_years is None:
        return None
    issued = [content.sources[c.source].issued for c in claim.cites if c.source in content.sources]
    if not issued or any(d is None for d in issued):
        return None
    year = max(d.last_day()[0] for d in issued)  # type: ignore[union-attr]
    return year if brief.as_of.year - year >= brief.stale_after_years else None


def with_year(text: str, year: int) -> str:
    """The text with "(year)" before its final punctuation."""
    match = re.search(r"[.!?]+$", text)
    at = match.start() if match else len(text)
    return f"{text[:at]} ({year}){text[at:]}"


def printed_claims(content: Content, brief: Briefing) -> set[str]:
    """The claims a brief prints (its edition's selection, without judgments' bases)."""
    cut = edition(content, brief).content
    bare = {i: c.model_copy(update={"basis": ()}) if c.basis else c for i, c in cut.claims.items()}
    return set(select_from(dataclasses.replace(cut, claims=bare), brief).claims)


def _years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def undated_old_facts(content: Content) -> list[Problem]:
    """Old undated facts the briefs print whose text still speaks of the present: one
    warning per claim, naming the briefs."""
    found: dict[str, list[tuple[str, int]]] = {}
    for name, brief in sorted(content.briefings.items()):
        for claim_id in sorted(printed_claims(content, brief)):
            claim = content.claims[claim_id]
            year = old_fact_year(content, claim, brief)
            if year is not None and _speaks_of_now(claim.text):
                found.setdefault(claim_id, []).append((name, year))
    problems = []
    for claim_id, briefs in found.items():
        claim = content.claims[claim_id]
        now = _speaks_of_now(claim.text)
        assert now is not None
        name, year = briefs[0]
        brief = content.briefings[name]
        more = f" and {len(briefs) - 1} more" if len(briefs) > 1 else ""
        line, col = claim.where.at("text")
        problems.append(
            Problem(
                claim.where.path,
                line,
                col,
                "undated-old-fact",
                "warning",
                f"claim '{claim_id}' says '{now.group()}' but has no date; its source is from "
                f"{year}, {_years(brief.as_of.year - year)} before brief '{name}'{more} "
                f"(as_of {brief.as_of})",
                claim_id,
                hint=f"the brief prints it with '({year})'; reword '{now.group()}' so it does "
                "not read as current, or give it a 'date' its passage states",
            )
        )
    return problems
