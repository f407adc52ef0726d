"""One exporter per format: `EXPORTERS[fmt](rendered, workdir) -> bytes`.

Each exporter works only inside the private work directory it is given, raises
BriefwrightError (with problems) when the output cannot be made, and imports its heavy
dependencies (WeasyPrint) only when called, so a no-op build never loads them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..csl import DESCRIPTION_FILTER, has_bibliography

if TYPE_CHECKING:  # render imports export.meta: no import cycle at run time
    from ..render import Rendered

Exporter = Callable[["Rendered", Path], bytes]


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


def _html(rendered: Rendered, work: Path) -> bytes:
    from .html import export_html

    return export_html(rendered, work)


def _pdf(rendered: Rendered, work: Path) -> bytes:
    from .pdf import export_pdf

    return export_pdf(rendered, work)


def _docx(rendered: Rendered, work: Path) -> bytes:
    from .docx import export_docx

    return export_docx(rendered, work)


EXPORTERS: dict[str, Exporter] = {"html": _html, "pdf": _pdf, "docx": _docx}

__all__ = ["EXPORTERS", "Exporter", "build_date", "write_inputs"]
