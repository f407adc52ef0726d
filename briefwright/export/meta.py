"""A brief's document metadata, the same in all three formats.

Title, authors (else the project's publisher), subject, keywords, language and build
date go into HTML <meta>, PDF info and XMP, and DOCX core properties. This module is
light (no pandoc, no WeasyPrint) because rendering imports it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..scope import brief_scope

if TYPE_CHECKING:
    from ..config import Project
    from ..content import Content

DEFAULT_LANG = "en"
CONFIG_FILE = "briefwright.toml"


@dataclass(frozen=True, slots=True)
class BriefMeta:
    title: str = ""
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    subject: str = ""
    keywords: tuple[str, ...] = ()
    lang: str = DEFAULT_LANG
    pdf_variant: str = "pdf/ua-1"
    as_of: str = ""
    audience: str = ""

    @property
    def creators(self) -> tuple[str, ...]:
        """Who the document is by: its authors, else its publisher (an unsigned report
        is by the organisation that issues it)."""
        if self.authors:
            return self.authors
        return (self.publisher,) if self.publisher else ()


def project_defaults(project: Project) -> dict[str, str]:
    """`lang` and `publisher` from the project's config, when it gives them.

    Read here until the project config module offers them; a malformed file gives no
    defaults rather than an error, since the config's own check reports it.
    """
    path = project.root / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    tables = [data, data.get("project", {}), data.get("defaults", {})]
    found: dict[str, str] = {}
    for key in ("lang", "publisher"):
        for table in tables:
            value = table.get(key) if isinstance(table, dict) else None
            if isinstance(value, str) and value.strip():
                found[key] = value.strip()
                break
    return found


def brief_meta(content: Content, name: str) -> BriefMeta:
    brief = content.briefings[name]
    defaults = project_defaults(content.project)
    scope = brief_scope(content, brief)
    actors = sorted(content.actors[a].name for a in scope.actors if a in content.actors)
    claims = [content.claims[c] for c in scope.claims if c in content.claims]
    topics = sorted({t.replace("-", " ") for c in claims for t in c.topics})
    keywords = brief.keywords or tuple(dict.fromkeys([*actors, *topics]))
    subject = brief.subtitle or f"Policy brief for {brief.audience}"
    return BriefMeta(
        title=brief.title,
        subtitle=brief.subtitle,
        authors=tuple(a.display() for a in brief.authors),
        publisher=defaults.get("publisher"),
        subject=subject,
        keywords=tuple(keywords),
        lang=brief.lang or defaults.get("lang") or DEFAULT_LANG,
        pdf_variant=brief.pdf_variant,
        as_of=brief.as_of.human(),
        audience=brief.audience,
    )


__all__ = ["DEFAULT_LANG", "BriefMeta", "brief_meta", "project_defaults"]
