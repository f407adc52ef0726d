"""dist/index.html: the landing page, styled like the briefs.

For each brief: its title (linked to the HTML), subtitle, as-of date, audience, first key
judgment, page count of the PDF, and each format with its size. The build time is
SOURCE_DATE_EPOCH when set (so two builds give the same bytes), else the clock.

Every text is escaped, and every link is made from the brief's name (validated as a
file name by the loader) and a fixed extension, percent-encoded as a URL path.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..config import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE
from ..model import JudgmentsSection
from . import build_date

if TYPE_CHECKING:
    from ..content import Content

FORMATS = (("html", "HTML", "web page"), ("pdf", "PDF", "print"), ("docx", "DOCX", "Word"))
EXTRAS = (("provenance.json", "Provenance (JSON)"), ("{name}.md", "Intermediate (Markdown)"))


def human_size(size: int) -> str:
    """1 234 567 bytes as "1.2 MB": decimal units, as file managers show them."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 999.5 or unit == "GB":  # 999 999 B is "1.0 MB", not "1000 kB"
            break
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def page_count(pdf: bytes) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # a PDF we cannot read is shown without a count, not a failure
        return None


def _styles(project_template: Path) -> str:
    """brief.css and index.css of the default template (a project's own copy first)."""
    parts = []
    for name in ("brief.css", "index.css"):
        for folder in (project_template, BUILTIN_TEMPLATES / DEFAULT_TEMPLATE):
            path = folder / name
            if path.is_file() and path.resolve().is_relative_to(folder.resolve()):
                parts.append(path.read_text("utf-8"))
                break
    return "\n".join(parts).replace("</", "<\\/")


def _first_judgment(content: Content, name: str) -> str | None:
    for section in content.briefings[name].sections:
        if isinstance(section, JudgmentsSection):
            claim = content.claims.get(section.judgments[0])
            return claim.text if claim else None
    return None


def _href(name: str, file: str) -> str:
    return escape(quote(f"{name}/{file}"), quote=True)


def _brief_card(content: Content, name: str, files: Mapping[str, bytes]) -> str:
    brief = content.briefings[name]
    heading = escape(brief.title)
    html_file = f"{name}/{name}.html"
    if html_file in files:
        heading = f'<a href="{_href(name, f"{name}.html")}">{heading}</a>'
    lines = [
        f'<article class="brief-card" aria-labelledby="brief-{escape(name, quote=True)}">',
        f'<h2 id="brief-{escape(name, quote=True)}">{heading}</h2>',
    ]
    if brief.subtitle:
        lines.append(f'<p class="subtitle">{escape(brief.subtitle)}</p>')
    facts = [
        f'<span class="label">As of</span> {escape(brief.as_of.human())}',
        f'<span class="label">For</span> {escape(brief.audience)}',
    ]
    pdf = files.get(f"{name}/{name}.pdf")
    pages = page_count(pdf) if pdf is not None else None
    if pages is not None:
        facts.append(f"{pages} page{'s' if pages != 1 else ''}")
    lines.append(f'<p class="meta">{" · ".join(facts)}</p>')
    judgment = _first_judgment(content, name)
    if judgment:
        lines.append(
            '<div class="judgment"><p><span class="judgment-tag">Key judgment</span><br>'
            f"{escape(judgment)}</p></div>"
        )
    links = []
    for ext, label, what in FORMATS:
        data = files.get(f"{name}/{name}.{ext}")
        if data is not None:
            links.append(
                f'<li><a href="{_href(name, f"{name}.{ext}")}">{label}</a> '
                f'<span class="size">{escape(what)}, {human_size(len(data))}</span></li>'
            )
    if links:
        lines.append(f'<ul class="formats" aria-label="Formats">{"".join(links)}</ul>')
    extras = [
        f'<a href="{_href(name, file.format(name=name))}">{label}</a>'
        for file, label in EXTRAS
        if f"{name}/{file.format(name=name)}" in files
    ]
    if extras:
        lines.append(f'<p class="extras">{" · ".join(extras)}</p>')
    lines.append("</article>")
    return "\n".join(lines)


def _built_at() -> datetime:
    return build_date() or datetime.now(tz=UTC).replace(second=0, microsecond=0)


def index_html(content: Content, manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> bytes:
    """The landing page; `files` holds every file of dist/ it may describe, by path."""
    project = content.project
    settings = project.settings
    title = settings.title or "Briefs"
    built = _built_at()
    stamp = built.strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = f"{built.day} {built.strftime('%B %Y, %H:%M')} UTC"
    byline = f'Built <time datetime="{stamp}">{escape(shown)}</time>'
    if settings.publisher:
        byline = f"{escape(settings.publisher)} · {byline}"
    names = [n for n in sorted(manifest.get("briefs", {})) if n in content.briefings]
    cards = "\n".join(_brief_card(content, name, files) for name in names)
    css = _styles(project.template(DEFAULT_TEMPLATE))
    page = f"""<!DOCTYPE html>
<html lang="{escape(settings.lang, quote=True)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="briefwright">
<meta name="dcterms.modified" content="{stamp}">
<title>{escape(title)}</title>
<style>
{css}
</style>
</head>
<body>
<main class="brief index">
<h1>{escape(title)}</h1>
<p class="byline">{byline}</p>
{cards or "<p>No briefs have been built yet.</p>"}
</main>
</body>
</html>
"""
    return page.encode("utf-8")


def dist_files(
    dist: Path, manifest: Mapping[str, Any], new: Mapping[str, bytes]
) -> dict[str, bytes]:
    """Every file the manifest lists: the new bytes, else those already in dist/."""
    found: dict[str, bytes] = {}
    for entry in manifest.get("briefs", {}).values():
        for rel in entry.get("files", {}):
            if rel in new:
                found[rel] = new[rel]
            elif (dist / rel).is_file():
                found[rel] = (dist / rel).read_bytes()
    return found


__all__ = ["dist_files", "human_size", "index_html", "page_count"]
