"""The stages in order: load → validate → check. Rendering and export build on this."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import csl
from .citations import check_citations, undated_old_facts
from .config import Project
from .content import Content
from .load import load_project
from .problems import Problem, sort_problems
from .scope import brief_scope, edition_problems
from .topics import check_topics
from .validate import check_references
from .wording import check_wording


@dataclass(frozen=True)
class Checked:
    content: Content
    problems: list[Problem]


def check(project: Project) -> Checked:
    content, problems = load_project(project)
    problems += project.config_problems
    problems += check_references(content)
    problems += check_topics(content)
    problems += _without_follow_ons(content, check_citations(content))
    problems += check_wording(content)
    problems += check_briefs(content)
    problems += csl.style_problems(content.project, content.briefings)
    problems += undated_old_facts(content)
    return Checked(content, order_problems(problems))


# Problems that stop an item or a file from being read: everything else may follow from
# them, so they are printed first.
ROOT_CODES = frozenset(
    {
        "invalid-config",
        "yaml-syntax",
        "yaml-unsafe",
        "yaml-duplicate-key",
        "invalid-field",
        "invalid-brief-name",
        "duplicate-id",
        "id-mismatch",
        "source-text-missing",
        "source-text-too-large",
        "source-text-changed",
    }
)


def order_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Root errors first, then the count of what they left unchecked, then the rest;
    each group by location."""

    def rank(problem: Problem) -> int:
        if problem.code in ROOT_CODES:
            return 0
        return 1 if problem.code == "unchecked-references" else 2

    return sorted(sort_problems(problems), key=rank)  # sorted() is stable


def _without_follow_ons(content: Content, problems: list[Problem]) -> list[Problem]:
    """Citation problems that only a file the loader could not read makes true: a source
    looks unused when the claims citing it did not load; a judgment's basis looks narrow
    when some of its basis claims did not load; a claim's date or quote cannot be checked
    against a source that did not load."""
    cited = content.unread.get("cited-source", {})
    claims = content.unread.get("claim", {})
    sources = content.unread.get("source", {})
    if not cited and not claims and not sources:
        return problems

    def cites_unread(item_id: str | None) -> bool:
        claim = content.claims.get(item_id or "")
        if claim is not None:
            return any(c.source in sources for c in claim.cites)
        quote = content.quotes.get(item_id or "")
        return quote is not None and quote.source in sources

    def follow_on(problem: Problem) -> bool:
        if problem.code == "unused-source":
            return problem.id in cited
        if problem.code == "narrow-basis" and problem.id in content.claims:
            return any(ref in claims for ref in content.claims[problem.id].basis)
        return cites_unread(problem.id)

    return [p for p in problems if not follow_on(p)]


def check_briefs(content: Content) -> list[Problem]:
    """Rules about what a brief relies on: stale sources, items newer than its edition."""
    from .render import repeated_claims_in  # jinja2 and the exporters: only with briefs

    problems: list[Problem] = []
    for name, brief in content.briefings.items():
        for source_id in sorted(brief_scope(content, brief).sources):
            source = content.sources.get(source_id)
            if source is None or source.issued is None:
                continue
            if brief.sources_since and source.issued.last_day() < brief.sources_since.first_day():
                sl, sc = brief.where.at("sources_since")
                problems.append(
                    Problem(
                        brief.where.path,
                        sl,
                        sc,
                        "stale-source",
                        "warning",
                        f"brief '{name}' relies on source '{source_id}' ({source.issued}), issued "
                        f"before sources_since {brief.sources_since}",
                        id=name,
                        hint="use a newer source, or "
                        "move sources_since back if the older source is what you mean to cite",
                    )
                )
        # Newer sources never reach a brief's scope (its edition); naming one is an error.
        problems += edition_problems(content, name, brief)
        problems += repeated_claims_in(content, name)
    return problems
