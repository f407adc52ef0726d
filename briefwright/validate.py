"""Cross-references: every id an item names must exist and be of the right kind."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping

from .content import Content
from .load import Spot
from .model import (
    ClaimsSection,
    JudgmentsSection,
    OptionsSection,
    PositionsSection,
    QuotesSection,
    Record,
    TimelineSection,
)
from .problems import Problem
from .rules import problem_at


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Refs:
    """Reports references from one item, located at the referring value.

    A reference to an id named by a file (or item) that could not be loaded is not an
    error of its own: one mistake, one error. Such references are counted, and `finish`
    adds one line per broken file saying how many went unchecked.
    """

    def __init__(self, problems: list[Problem], unread: Mapping[str, Mapping[str, Spot]]) -> None:
        self.problems = problems
        self.unread = unread
        self.unchecked: Counter[Spot] = Counter()

    def report(
        self,
        item: Record,
        keys: tuple[str | int, ...],
        code: str,
        message: str,
        item_id: str | None,
        hint: str | None = None,
        ref: tuple[str, str] | None = None,
    ) -> None:
        spot = self.unread.get(ref[0], {}).get(ref[1]) if ref else None
        if spot is not None:
            self.unchecked[spot] += 1
            return
        self.problems.append(problem_at(item, keys, code, message, item_id, hint))

    def finish(self) -> None:
        for spot, count in sorted(self.unchecked.items()):
            self.problems.append(unchecked_summary(spot, count))

    def check(
        self,
        item: Record,
        field: str,
        ids: Iterable[str],
        table: Mapping[str, object],
        code: str,
        subject: str,
        what: str,
        item_id: str | None,
    ) -> None:
        for index, ref in enumerate(ids):
            if ref not in table:
                self.report(
                    item,
                    (field, index),
                    code,
                    f"{subject} names {what} '{ref}', which does not exist"
                    + did_you_mean(ref, table),
                    item_id,
                    hint=f"add {what} '{ref}' or correct the id",
                    ref=(what, ref),
                )


def unchecked_summary(spot: Spot, count: int) -> Problem:
    """The one line that stands for every reference a broken file or item leaves unchecked."""
    path, line, col, subject, reason = spot
    many = count != 1
    return Problem(
        path,
        line,
        col,
        "unchecked-references",
        "warning",
        f"{count} reference{'s' * many} to {subject} {'were' if many else 'was'} not checked: "
        f"{reason}",
        hint="fix the error reported here; the references are checked again then",
    )


def check_references(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    refs = _Refs(problems, content.unread)
    claims, actors = content.claims, content.actors

    for claim in claims.values():
        subject = f"claim '{claim.id}'"
        refs.check(claim, "basis", claim.basis, claims, "unknown-claim", subject, "claim", claim.id)
        refs.check(
            claim, "actors", claim.actors, actors, "unknown-reference", subject, "actor", claim.id
        )
        if claim.kind != "judgment":
            for field in ("basis", "confidence", "likelihood"):
                if getattr(claim, field):
                    refs.report(
                        claim,
                        (field,),
                        "wrong-kind",
                        f"{subject} is a {claim.kind}; only a judgment takes '{field}'",
                        claim.id,
                        hint="make it 'kind: judgment' or remove the key",
                    )
        for index, cite in enumerate(claim.cites):
            if cite.source not in content.sources:
                refs.report(
                    claim,
                    ("cites", index, "source"),
                    "unknown-source",
                    f"{subject} cites source '{cite.source}', which does not exist"
                    + did_you_mean(cite.source, content.sources),
                    claim.id,
                    hint="add the source under content/sources/ or correct the id",
                    ref=("source", cite.source),
                )

    for quote in content.quotes.values():
        subject = f"quote '{quote.id}'"
        refs.check(
            quote, "actors", quote.actors, actors, "unknown-reference", subject, "actor", quote.id
        )
        if quote.source not in content.sources:
            refs.report(
                quote,
                ("source",),
                "unknown-source",
                f"{subject} names source '{quote.source}', which does not exist"
                + did_you_mean(quote.source, content.sources),
                quote.id,
                hint="add the source under content/sources/ or correct the id",
                ref=("source", quote.source),
            )

    for actor_id, position in content.positions.items():
        if actor_id not in actors:
            refs.report(
                position,
                ("actor",),
                "unknown-reference",
                f"position of actor '{actor_id}', which does not exist"
                + did_you_mean(actor_id, actors),
                actor_id,
                hint="add the actor to content/actors.yaml",
                ref=("actor", actor_id),
            )
        for index, point in enumerate(position.points):
            for j, ref in enumerate(point.claims):
                if ref not in claims:
                    refs.report(
                        position,
                        ("points", index, "claims", j),
                        "unknown-claim",
                        f"position of '{actor_id}', point '{point.label}', names claim "
                        f"'{ref}', which does not exist" + did_you_mean(ref, claims),
                        actor_id,
                        hint="add the claim or correct the id",
                        ref=("claim", ref),
                    )

    for option in content.options.values():
        subject = f"option '{option.id}'"
        if option.actor not in actors:
            refs.report(
                option,
                ("actor",),
                "unknown-reference",
                f"{subject} is for actor '{option.actor}', which does not exist"
                + did_you_mean(option.actor, actors),
                option.id,
                hint="add the actor to content/actors.yaml",
                ref=("actor", option.actor),
            )
        for field in ("claims", "pros", "cons", "risks"):
            refs.check(
                option,
                field,
                getattr(option, field),
                claims,
                "unknown-claim",
                subject,
                "claim",
                option.id,
            )

    for name, brief in content.briefings.items():
        _check_brief(content, name, brief, refs)
    refs.finish()
    return problems


def _check_brief(content: Content, name: str, brief, refs: _Refs) -> None:  # type: ignore[no-untyped-def]
    subject = f"brief '{name}'"
    if not (content.project.template(brief.template) / "brief.md.j2").is_file():
        refs.report(
            brief,
            ("template",),
            "unknown-reference",
            f"{subject} uses template '{brief.template}', which does not exist",
            name,
            hint="templates live in templates/<name>/brief.md.j2",
        )
    for index, section in enumerate(brief.sections):
        at = ("sections", index)

        def check(
            field: str,
            ids: Iterable[str],
            table: Mapping[str, object],
            code: str,
            what: str,
            at: tuple[str | int, ...] = at,
        ) -> None:
            for j, ref in enumerate(ids):
                if ref not in table:
                    refs.report(
                        brief,
                        (*at, field, j),
                        code,
                        f"{subject} names {what} '{ref}', which does not exist"
                        + did_you_mean(ref, table),
                        name,
                        hint=f"add {what} '{ref}' or correct the id",
                        ref=(what, ref),
                    )

        if isinstance(section, JudgmentsSection):
            check("judgments", section.judgments, content.claims, "unknown-claim", "claim")
            for j, ref in enumerate(section.judgments):
                claim = content.claims.get(ref)
                if claim is not None and claim.kind != "judgment":
                    refs.report(
                        brief,
                        (*at, "judgments", j),
                        "wrong-kind",
                        f"{subject} lists '{ref}' as a key judgment, but it is a {claim.kind}",
                        name,
                        hint="key judgments are claims of 'kind: judgment'",
                    )
        elif isinstance(section, ClaimsSection):
            check("claims", section.claims, content.claims, "unknown-claim", "claim")
        elif isinstance(section, PositionsSection):
            check("actors", section.actors, content.actors, "unknown-reference", "actor")
            labels = {
                p.label
                for a in section.actors
                if a in content.positions
                for p in content.positions[a].points
            }
            unread = [a for a in section.actors if a in content.unread.get("position", {})]
            for j, label in enumerate(section.points):
                if label not in labels:
                    refs.report(
                        brief,
                        (*at, "points", j),
                        "unknown-reference",
                        f"{subject} shows position point '{label}', which none of "
                        f"{', '.join(section.actors)} has" + did_you_mean(label, labels),
                        name,
                        hint="use a 'label' from content/positions/<actor>.yaml",
                        ref=("position", unread[0]) if unread else None,
                    )
            for j, ref in enumerate(section.actors):
                if ref in content.actors and ref not in content.positions:
                    refs.report(
                        brief,
                        (*at, "actors", j),
                        "unknown-reference",
                        f"{subject} shows the position of '{ref}', but there is no "
                        f"content/positions/{ref}.yaml",
                        name,
                        hint="write the position or remove the actor from the section",
                        ref=("position", ref),
                    )
        elif isinstance(section, TimelineSection):
            check("actors", section.actors, content.actors, "unknown-reference", "actor")
        elif isinstance(section, OptionsSection):
            check("options", section.options, content.options, "unknown-reference", "option")
        elif isinstance(section, QuotesSection):
            check("quotes", section.quotes, content.quotes, "unknown-reference", "quote")
