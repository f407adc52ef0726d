"""The content model: frozen, validated records of what editors write in YAML.

Every record is a frozen pydantic model that forbids unknown keys (a typo such as
`cite:` for `cites:` must fail, not pass silently). Where a record came from is kept
beside it (see `Where`), not inside it, so the models stay plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from .dates import Date

# Ids are kebab-case so they work as file names, HTML ids, CSL ids and bookmarks alike.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
# A brief's name (its file name without .yaml) becomes a folder, files and links in dist/:
# an id, and none of the names the build itself writes or may write there.
RESERVED_BRIEF_NAMES = frozenset(
    {"index", "manifest", "provenance", "assets", "static", "lock", "tmp", "work"}
)


def is_id(value: str) -> bool:
    """Kebab-case, whole string (re.match's `$` would accept a trailing newline)."""
    return len(value) <= 80 and re.fullmatch(ID_PATTERN, value) is not None


def brief_name_error(name: str) -> str | None:
    """Why `name` cannot name a brief, or None if it can."""
    if not is_id(name):
        return "is not kebab-case (lower-case letters, digits and single hyphens, at most 80)"
    if name in RESERVED_BRIEF_NAMES:
        return "is reserved for a file the build writes into dist/"
    return None


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

# ICD 203's fixed words for likelihood, in order.
Likelihood = Literal[
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
]
LIKELIHOOD_TERMS: tuple[str, ...] = get_args(Likelihood)
Confidence = Literal["low", "moderate", "high"]
ClaimKind = Literal["fact", "assessment", "judgment"]
DateInferred = Literal["year", "publication"]


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be an http:// or https:// address")
    return value


HttpUrl = Annotated[str, AfterValidator(_check_url)]


@dataclass(frozen=True, slots=True)
class Where:
    """The file an item came from and the line/column of each of its values.

    `positions` maps a path inside the item (e.g. ("cites", 0, "quote")) to a
    1-based (line, column). The item's own position is under the empty path.
    """

    path: str
    positions: dict[tuple[str | int, ...], tuple[int, int]]

    def at(self, *keys: str | int) -> tuple[int, int]:
        # Fall back to the nearest enclosing value: a missing field is reported
        # where its parent mapping starts.
        for cut in range(len(keys), -1, -1):
            hit = self.positions.get(tuple(keys[:cut]))
            if hit is not None:
                return hit
        return (1, 1)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)
    _where: Where | None = PrivateAttr(default=None)

    @property
    def where(self) -> Where:
        return self._where or Where("<unknown>", {})


class Name(Record):
    """A person's name in CSL form. `literal` is for organisations."""

    family: ShortText | None = None
    given: ShortText | None = None
    literal: ShortText | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Name:
        if not (self.family or self.literal):
            raise ValueError("a name needs 'family' (and usually 'given') or 'literal'")
        return self

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.family) if p)

    def short(self) -> str:
        return self.literal or self.family or ""


class Source(Record):
    id: Id
    title: ShortText | None = Field(None, description="Title as printed; leave out if not known.")
    container: ShortText | None = Field(None, description="Outlet: newspaper, journal, site.")
    description: ShortText | None = Field(
        None,
        description="For a source whose title is not known: what it is, printed in square "
        "brackets in place of the title (e.g. 'Commentary on Japan–Russia relations after Abe').",
    )
    authors: tuple[Name, ...] = Field((), description="Empty when the authors are not known.")
    issued: Date | None = None
    url: HttpUrl | None = None
    accessed: Date | None = None
    kind: Literal[
        "article",
        "article-newspaper",
        "article-magazine",
        "article-journal",
        "webpage",
        "report",
        "speech",
        "document",
    ] = "article-newspaper"
    text: ShortText = Field(description="File name of the archived text, beside this YAML.")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    unknown: tuple[Literal["title", "container", "authors", "issued", "url"], ...] = Field(
        (), description="Metadata verified to be not known (so missing-metadata stays quiet)."
    )
    note: Text | None = Field(None, description="Editorial note on the archived text.")
    withdrawn: bool = Field(False, description="The source was retracted or corrected away.")


class Citation(Record):
    source: Id
    quote: Text = Field(description="The verbatim passage of the source that supports the claim.")
    para: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Paragraph number (1-based, non-empty lines); found if left out."
    )


class Claim(Record):
    id: Id
    kind: ClaimKind = "fact"
    text: Text
    cites: tuple[Citation, ...] = ()
    confidence: Confidence | None = None
    likelihood: Likelihood | None = None
    basis: tuple[Id, ...] = ()
    date: Date | None = None
    date_inferred: DateInferred | None = Field(
        None,
        description="'year': the source gives day/month, the year is its publication year; "
        "'publication': the date is the source's publication date (an 'as of' figure).",
    )
    actors: tuple[Id, ...] = ()
    topics: tuple[Id, ...] = ()


class Quote(Record):
    id: Id
    speaker: ShortText
    role: ShortText | None = None
    text: Text
    source: Id
    para: Annotated[int, Field(ge=1)] | None = None
    date: Date | None = None
    date_inferred: DateInferred | None = None
    context: Text | None = None
    actors: tuple[Id, ...] = ()
    topics: tuple[Id, ...] = ()


class Actor(Record):
    id: Id
    name: ShortText
    adjective: ShortText


class PositionPoint(Record):
    label: ShortText
    claims: tuple[Id, ...] = Field(min_length=1)


class Position(Record):
    actor: Id
    points: tuple[PositionPoint, ...] = Field(min_length=1)


class Option(Record):
    id: Id
    title: ShortText
    actor: Id = Field(description="Whose option this is (e.g. japan).")
    claims: tuple[Id, ...] = Field(min_length=1, description="What the option is.")
    pros: tuple[Id, ...] = ()
    cons: tuple[Id, ...] = ()
    risks: tuple[Id, ...] = ()


# --- briefings ---------------------------------------------------------------


class Section(Record):
    title: ShortText | None = None


class JudgmentsSection(Section):
    type: Literal["key-judgments"]
    judgments: tuple[Id, ...] = Field(min_length=1)


class ClaimsSection(Section):
    type: Literal["claims"]
    title: ShortText
    claims: tuple[Id, ...] = Field(min_length=1)


class PositionsSection(Section):
    type: Literal["positions"]
    actors: tuple[Id, ...] = Field(min_length=1)
    points: tuple[ShortText, ...] = Field(
        (), description="Labels of the points to show (all points when left out)."
    )

    def shows(self, label: str) -> bool:
        return not self.points or label in self.points


class TimelineSection(Section):
    type: Literal["timeline"]
    start: Date | None = Field(None, alias="from")
    end: Date | None = Field(None, alias="to")
    topics: tuple[Id, ...] = ()
    actors: tuple[Id, ...] = ()


class OptionsSection(Section):
    type: Literal["options"]
    options: tuple[Id, ...] = Field(min_length=1)


class QuotesSection(Section):
    type: Literal["quotes"]
    quotes: tuple[Id, ...] = Field(min_length=1)


class SourcesSection(Section):
    type: Literal["sources"]


class ProvenanceSection(Section):
    type: Literal["provenance"]


AnySection = Annotated[
    JudgmentsSection
    | ClaimsSection
    | PositionsSection
    | TimelineSection
    | OptionsSection
    | QuotesSection
    | SourcesSection
    | ProvenanceSection,
    Field(discriminator="type"),
]

Format = Literal["html", "pdf", "docx"]
# A BCP 47 language tag as HTML, PDF and Word take it: "en", "en-GB", "ja", "ru", "zh-Hant".
Lang = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")]
# The PDF standards a brief can meet: tagged PDF/UA-1 always; "pdf/a-3u" adds PDF/A-3u.
PdfVariant = Literal["pdf/ua-1", "pdf/a-3u"]


class Briefing(Record):
    title: ShortText
    subtitle: ShortText | None = None
    as_of: Date
    audience: ShortText
    template: Id = "policy-brief"
    formats: tuple[Format, ...] = ("html", "pdf", "docx")
    citation_style: Id | None = Field(
        None, description="CSL style; the project's citation_style (briefwright.toml) if left out."
    )
    sources_since: Date | None = Field(
        None, description="Sources issued before this date are flagged as stale."
    )
    stale_after_years: int | None = Field(
        3,
        ge=1,
        le=100,
        description="An undated fact whose newest source is this many years older than as_of "
        "is printed with that source's year; 'undated-old-fact' warns when its text still "
        "speaks of the present ('latest', 'now'). null: never.",
    )
    sections: tuple[AnySection, ...] = Field(min_length=1)
    authors: tuple[Name, ...] = Field(
        (), description="Who wrote the brief (document metadata); else the project's publisher."
    )
    lang: Lang | None = Field(
        None, description="Language of the brief (BCP 47); defaults to the project's, else en."
    )
    keywords: tuple[ShortText, ...] = Field(
        (), description="Keywords for the document metadata (default: the actors' names)."
    )
    pdf_variant: PdfVariant = Field(
        "pdf/ua-1",
        description="pdf/ua-1: tagged, accessible PDF; pdf/a-3u: also archival PDF/A-3u.",
    )
