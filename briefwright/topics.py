"""The topic vocabulary: when briefwright.toml declares `topics`, only those may be used.

A misspelt topic is otherwise silent: a timeline filtered on `economy` would just leave
out a claim tagged `econmy`. With a declared vocabulary it is an `unknown-topic` error
located at the topic, with the closest declared one as a suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable

from .config import CONFIG_FILE
from .content import Content
from .model import Record, TimelineSection
from .problems import Problem
from .rules import problem_at
from .validate import did_you_mean


def check_topics(content: Content) -> list[Problem]:
    vocabulary = content.project.settings.topics
    if vocabulary is None:
        return []
    known = set(vocabulary)
    problems: list[Problem] = []

    def check(
        item: Record,
        at: tuple[str | int, ...],
        topics: Iterable[str],
        subject: str,
        item_id: str | None,
    ) -> None:
        for index, topic in enumerate(topics):
            if topic not in known:
                problems.append(
                    problem_at(
                        item,
                        (*at, index),
                        "unknown-topic",
                        f"{subject} has topic '{topic}', which {CONFIG_FILE} does not declare"
                        + did_you_mean(topic, vocabulary),
                        item_id,
                        hint=f"use one of: {', '.join(vocabulary)}; or add '{topic}' to "
                        f"'topics' in {CONFIG_FILE}",
                    )
                )

    for claim in content.claims.values():
        check(claim, ("topics",), claim.topics, f"claim '{claim.id}'", claim.id)
    for quote in content.quotes.values():
        check(quote, ("topics",), quote.topics, f"quote '{quote.id}'", quote.id)
    for name, brief in content.briefings.items():
        for index, section in enumerate(brief.sections):
            if isinstance(section, TimelineSection):
                at = ("sections", index, "topics")
                check(brief, at, section.topics, f"brief '{name}', timeline", None)
    return problems
