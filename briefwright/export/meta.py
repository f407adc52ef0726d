"""A brief's document metadata, the same in all three formats.

Title, authors (else the project's publisher), subject, keywords, language and build
date go into HTML <meta>, PDF info and XMP, and DOCX core properties. This module is
light (no pandoc, no WeasyPrint) because rendering imports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..scope import brief_scope

if TYPE_CHECKING:
    from ..content import Content

DEFAULT_LANG = "en"

# Characters XML 1.0 cannot hold at all, even escaped. A YAML or TOML escape ("\x01") puts
# them in editor text; written into core.xml or XMP they make the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters no XML document may contain."""
    return _NOT_XML.sub("", text)


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
    def byline(self) -> str | None:
        """The authors as a reader sees them: "A", "A and B", "A, B and C"."""
        if len(self.authors) < 2:
            return self.authors[0] if self.authors else None
        return f"{', '.join(self.authors[:-1])} and {self.authors[-1]}"

    @property
    def creators(self) -> tuple[str, ...]:
        """Who the document is by: its authors, else its publisher (an unsigned report
        is by the organisation that issues it)."""
        if self.authors:
            return self.authors
        return (self.publisher,) if self.publisher else ()


def brief_meta(content: Content, name: str) -> BriefMeta:
    brief = content.briefings[name]
    settings = content.project.settings  # briefwright.toml
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
        publisher=settings.publisher,
        subject=subject,
        keywords=tuple(keywords),
        lang=brief.lang or settings.lang or DEFAULT_LANG,
        pdf_variant=brief.pdf_variant,
        as_of=brief.as_of.human(),
        audience=brief.audience,
    )


__all__ = ["DEFAULT_LANG", "BriefMeta", "brief_meta", "xml_text"]
