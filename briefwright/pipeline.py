"""The stages in order: load → validate → check. Rendering and export build on this."""

from __future__ import annotations

from dataclasses import dataclass

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
    problems += check_citations(content)
    problems += check_wording(content)
    problems += check_briefs(content)
    problems += undated_old_facts(content)
    return Checked(content, sort_problems(problems))


def check_briefs(content: Content) -> list[Problem]:
    """Rules about what a brief relies on: stale sources, items newer than its edition."""
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
                        hint="use a newer source, or "
                        "move sources_since back if the older source is what you mean to cite",
                    )
                )
        # Newer sources never reach a brief's scope (its edition); naming one is an error.
        problems += edition_problems(content, name, brief)
    return problems
