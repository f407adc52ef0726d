"""DOCX: pandoc with the template's reference.docx (our styles for headings, tables,
quotes and footnotes). Span ids become bookmarks, which the audit reads back.

pandoc runs in --sandbox, where it sees neither the clock nor SOURCE_DATE_EPOCH: it dates
every document 1970-01-01 and every zip entry 1980-01-01, so two builds give the same
bytes. The document's own dates are then set to the build date (SOURCE_DATE_EPOCH), or
left out when there is none, rather than claim 1970.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from .. import pandoc
from ..problems import BriefwrightError
from ..render import Rendered
from ..timeline import timeline_png
from . import build_date, write_inputs

_CORE = "docProps/core.xml"
_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def stamp_dates(data: bytes, when: datetime | None) -> bytes:
    """The DOCX with its created/modified properties set to `when` (or removed)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() if when else None

    def date(match: re.Match[bytes]) -> bytes:
        if stamp is None:
            return b""
        name = match.group(1)
        return (
            b"<dcterms:"
            + name
            + b' xsi:type="dcterms:W3CDTF">'
            + stamp
            + b"</dcterms:"
            + name
            + b">"
        )

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == _CORE:
                body = _DATES.sub(date, body)
            # A fresh ZipInfo with the same name, time and method: nothing new (no extra
            # fields, no clock) gets into the archive.
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            copy.create_system = info.create_system
            dst.writestr(copy, body)
    return out.getvalue()


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
    return stamp_dates(data, build_date())
