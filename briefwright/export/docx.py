"""DOCX: pandoc with the template's reference.docx (our styles for headings, tables,
quotes and footnotes). Span ids become bookmarks, which the audit reads back.

pandoc stamps the zip entries and document properties from SOURCE_DATE_EPOCH when it
is set, so two builds give the same bytes.
"""

from __future__ import annotations

import base64
from pathlib import Path

from .. import pandoc
from ..problems import BriefwrightError
from ..render import Rendered
from ..timeline import timeline_png
from . import write_inputs


def _with_png_figure(rendered: Rendered) -> str:
    """The intermediate with the timeline as PNG: pandoc embeds SVG in DOCX without a PNG
    fallback, which Word 2016+ shows but LibreOffice and older Word do not."""
    if rendered.figure_svg is None:
        return rendered.markdown
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(rendered.figure_svg).decode()
    png_uri = (
        "data:image/png;base64," + base64.b64encode(timeline_png(rendered.figure_svg)).decode()
    )
    return rendered.markdown.replace(f"]({svg_uri})", f"]({png_uri})")


def export_docx(rendered: Rendered, work: Path) -> bytes:
    # Linked citations turn whole notes into blue hyperlinks in Word; plain text reads better.
    args = write_inputs(rendered, work, link_citations=False)
    reference = rendered.template_file("reference.docx")
    if reference.is_file():
        args += ["--reference-doc", str(reference)]
    out = work / "brief.docx"
    data, problems = pandoc.convert(
        _with_png_figure(rendered), "docx", args, cwd=work, output=out, where=rendered.brief_path
    )
    if problems:
        raise BriefwrightError(f"pandoc could not make DOCX for '{rendered.brief}'", problems)
    return data
