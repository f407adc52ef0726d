"""One exporter per format: `EXPORTERS[fmt](rendered, workdir, parsed=None) -> bytes`.

Each exporter works only inside the private work directory it is given, raises
BriefwrightError (with problems) when the output cannot be made, and imports its heavy
dependencies (WeasyPrint) only when called, so a no-op build never loads them.

pandoc reads the intermediate and resolves its citations once per brief (`parse`: the
Markdown reader and citeproc are most of pandoc's time); the HTML and DOCX writers and
the intermediate's audit all start from that one AST. An exporter called without it
parses for itself.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import pandoc
from ..csl import DESCRIPTION_FILTER, has_bibliography
from ..problems import Problem

if TYPE_CHECKING:  # render imports export.meta: no import cycle at run time
    from ..render import Rendered


@dataclass(frozen=True)
class Parsed:
    """The intermediate as pandoc reads it, citations resolved by citeproc."""

    json: bytes  # pandoc's JSON AST, as pandoc wrote it
    linked: bool  # citations link to the bibliography (#ref-…): the HTML page's choice
    problems: tuple[Problem, ...]  # pandoc's warnings (an unresolved citation is an error)

    @functools.cached_property
    def ast(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.json)
        return result


def parse(rendered: Rendered, work: Path) -> Parsed:
    """Run pandoc's reader and citeproc on the intermediate once, into its JSON AST."""
    args = write_inputs(rendered, work)
    out, problems = pandoc.convert(
        rendered.markdown, "json", args, cwd=work, where=rendered.brief_path
    )
    return Parsed(out, has_bibliography(rendered.style), tuple(problems))


Exporter = Callable[..., bytes]


def write_inputs(rendered: Rendered, work: Path, link_citations: bool = True) -> list[str]:
    """Write the bibliography and style beside the intermediate; return pandoc's citeproc args.

    Files named on the command line are the only ones pandoc may read under --sandbox.
    """
    work.mkdir(parents=True, exist_ok=True)
    # A style without a bibliography (chicago-notes) makes no #ref-… targets to link to.
    link_citations = link_citations and has_bibliography(rendered.style)
    refs = work / "references.json"
    refs.write_text(
        json.dumps(rendered.csl_json, ensure_ascii=False, indent=1, sort_keys=True), "utf-8"
    )
    style = work / "style.csl"
    shutil.copyfile(rendered.style, style)
    described = work / "described.lua"
    described.write_text(DESCRIPTION_FILTER, "utf-8")
    (work / "brief.md").write_text(rendered.markdown, "utf-8")
    return [
        "--citeproc",
        # After citeproc: an untitled source's bracketed description loses its quotes.
        "--lua-filter",
        described.name,
        # Relative names: pandoc copies them into DOCX properties, and the work
        # directory's path must not leak into (and unsettle) the output bytes.
        "--bibliography",
        refs.name,
        "--csl",
        style.name,
        "--metadata",
        f"lang={rendered.lang}",
        "--metadata",
        f"link-citations={'true' if link_citations else 'false'}",
        "--metadata",
        "link-bibliography=false",
    ]


def build_date() -> datetime | None:
    """The reproducible build time (SOURCE_DATE_EPOCH), or None: we never read the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC)


def _html(rendered: Rendered, work: Path, parsed: Parsed | None = None) -> bytes:
    from .html import export_html

    return export_html(rendered, work, parsed=parsed)


def _pdf(rendered: Rendered, work: Path, parsed: Parsed | None = None) -> bytes:
    from .pdf import export_pdf

    return export_pdf(rendered, work, parsed=parsed)


def _docx(rendered: Rendered, work: Path, parsed: Parsed | None = None) -> bytes:
    from .docx import export_docx

    return export_docx(rendered, work, parsed=parsed)


EXPORTERS: dict[str, Exporter] = {"html": _html, "pdf": _pdf, "docx": _docx}

__all__ = ["EXPORTERS", "Exporter", "Parsed", "build_date", "parse", "write_inputs"]
