"""The rule codes of the check: stable names, a level and one line of documentation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .problems import Problem

if TYPE_CHECKING:
    from .model import Record

RULES: dict[str, tuple[Literal["error", "warning"], str]] = {
    # Reading files
    "yaml-syntax": ("error", "a content file is not readable YAML (syntax, encoding, empty file)"),
    "yaml-unsafe": (
        "error",
        "a YAML construct content may not use: tags, anchors/aliases, merge keys, many documents",
    ),
    "yaml-duplicate-key": ("error", "a mapping repeats a key (YAML would silently keep the last)"),
    "invalid-field": (
        "error",
        "a value does not fit the content model: wrong type, unknown key, bad id or date",
    ),
    "invalid-config": (
        "error",
        "briefwright.toml is not valid TOML, or a setting is unknown or does not fit",
    ),
    # Identity and references
    "invalid-brief-name": (
        "error",
        "a brief's file name is not a kebab-case id, or is reserved (index, manifest, ...)",
    ),
    "duplicate-id": ("error", "two items of the same kind share an id"),
    "id-mismatch": ("error", "a file's id differs from its file name (sources, positions)"),
    "unknown-source": ("error", "a citation or quote names a source that does not exist"),
    "unknown-claim": (
        "error",
        "a brief, position, option or basis names a claim that does not exist",
    ),
    "unknown-reference": ("error", "a reference to a missing actor, quote, option or template"),
    "unknown-citation-style": (
        "error",
        "a brief's (or the project's) citation_style is not in the packaged CSL collection",
    ),
    "hidden-character": (
        "error",
        "a value holds a control or bidirectional override character the page would not show",
    ),
    "sources-without-bibliography": (
        "warning",
        "a brief has a sources section, but its citation style prints no bibliography",
    ),
    "unknown-topic": (
        "error",
        "a claim, quote or timeline uses a topic that briefwright.toml's 'topics' does not declare",
    ),
    "unchecked-references": (
        "warning",
        "references to ids in a file or item that could not be loaded were not checked (counted)",
    ),
    "wrong-kind": (
        "error",
        "a claim is used where another kind is required (e.g. a fact as a key judgment)",
    ),
    # Citations
    "uncited-claim": ("error", "a fact or assessment has no citation"),
    "quote-not-found": (
        "error",
        "a quote does not appear verbatim in the archived text of its source",
    ),
    "quote-edit-changes-meaning": (
        "error",
        "an omission ('...') or bracket ('[words]') in a quote removes or adds a negation "
        "or a figure",
    ),
    "quote-edit-invalid": (
        "error",
        "a quote's edits cannot be checked: a bracket for more than 4 words, too many edits",
    ),
    "bad-locator": ("error", "a 'para' is out of range or the quote is not in that paragraph"),
    "source-text-missing": ("error", "a source's archived text file is missing or unreadable"),
    "source-text-too-large": (
        "error",
        "a source's archived text is larger than the limit (1 MB): archive the part you cite",
    ),
    "source-text-changed": (
        "error",
        "an archived text no longer matches the sha256 recorded for it",
    ),
    "withdrawn-source": ("error", "a claim or quote relies only on sources marked withdrawn"),
    "date-not-in-source": (
        "error",
        "a claim's or quote's date (year, month, day) is not written in the passage it cites",
    ),
    "inferred-date": (
        "error",
        "an inferred date (year or publication date) does not match its source's publication date",
    ),
    "after-as-of": (
        "error",
        "a brief names a claim, quote, option or position point resting only on sources "
        "issued after its 'as_of' date",
    ),
    "judgment-without-basis": (
        "error",
        "a judgment lacks basis claims or confidence, or cites sources itself",
    ),
    # Rendering and export (reported by `build`, not `check`)
    "citation-dropped": (
        "error",
        "a claim reached the intermediate or an output without its citation (post-render audit)",
    ),
    "missing-glyph": (
        "error",
        "a character reached the PDF with no glyph in any embedded font (an empty box)",
    ),
    "citation-unresolved": (
        "error",
        "pandoc could not resolve a citation to a source in the bibliography",
    ),
    "template-error": (
        "error",
        "a template failed: syntax error, printing unescaped content, a Python error, a "
        "template file that is a link or not a regular file, or over its rendering budget",
    ),
    "export-failed": ("error", "pandoc or WeasyPrint failed to produce an output"),
    "pdf-warning": ("error", "WeasyPrint reported a problem (e.g. a resource it refused to fetch)"),
    "pandoc-warning": ("warning", "pandoc printed a warning while converting"),
    # Warnings
    "number-not-in-source": (
        "warning",
        "a figure in a claim is not in the cited quote or its paragraph",
    ),
    "hedged-fact": (
        "warning",
        "a fact's text carries hedging or evaluative words (probably, seems, arguably…)",
    ),
    "narrow-basis": ("warning", "a judgment rests on claims from a single source"),
    "likelihood-not-in-text": (
        "warning",
        "a judgment's likelihood term does not appear in its text",
    ),
    "unused-source": ("warning", "no claim or quote cites this source"),
    "missing-metadata": (
        "warning",
        "a source lacks title, authors, date or outlet without marking it unknown",
    ),
    "missing-description": (
        "warning",
        "a source whose title is unknown has no 'description' to be cited by (in square brackets)",
    ),
    "undated-old-fact": (
        "warning",
        "an undated fact from a source years older than the brief speaks of the present "
        "('latest', 'now')",
    ),
    "stale-source": ("warning", "a brief relies on a source issued before its 'sources_since'"),
    "repeated-claim": (
        "warning",
        "a brief prints a claim more than once (summary, positions, options; not the timeline)",
    ),
    "empty-timeline": ("warning", "no dated claim falls in a brief's timeline window"),
}


def level_of(code: str) -> Literal["error", "warning"]:
    return RULES[code][0]


def describe() -> str:
    width = max(map(len, RULES))
    return "\n".join(f"{code:<{width}}  {level:<7}  {doc}" for code, (level, doc) in RULES.items())


def problem_at(
    item: Record,
    keys: tuple[str | int, ...],
    code: str,
    message: str,
    item_id: str | None,
    hint: str | None = None,
) -> Problem:
    """A problem of rule `code`, located at the value `keys` inside `item`."""
    line, col = item.where.at(*keys)
    return Problem(item.where.path, line, col, code, level_of(code), message, id=item_id, hint=hint)
