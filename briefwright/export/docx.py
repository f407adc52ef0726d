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
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .. import pandoc
from ..problems import BriefwrightError
from ..render import Rendered
from ..timeline import timeline_png
from . import build_date, write_inputs
from .meta import BriefMeta

_CORE = "docProps/core.xml"
_STYLES = "word/styles.xml"
_APP = "docProps/app.xml"
_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Languages Word treats as East Asian: their text is tagged with w:eastAsia.
_EAST_ASIAN = {"ja", "zh", "ko"}


def _rewrite(data: bytes, edits: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The DOCX with some parts rewritten, every zip entry otherwise as pandoc wrote it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in edits:
                body = edits[info.filename](body)
            # A fresh ZipInfo with the same name, time and method: nothing new (no extra
            # fields, no clock) gets into the archive.
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            copy.create_system = info.create_system
            dst.writestr(copy, body)
    return out.getvalue()


def _stamp(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def stamp_dates(data: bytes, when: datetime | None) -> bytes:
    """The DOCX with its created/modified properties set to `when` (or removed)."""
    stamp = _stamp(when)

    def date(match: re.Match[bytes]) -> bytes:
        if stamp is None:
            return b""
        name = match.group(1)
        return b'<dcterms:%s xsi:type="dcterms:W3CDTF">%s</dcterms:%s>' % (
            name,
            stamp.encode(),
            name,
        )

    return _rewrite(data, {_CORE: lambda body: _DATES.sub(date, body)})


def core_properties(meta: BriefMeta, when: datetime | None) -> bytes:
    """docProps/core.xml: title, creator, subject, keywords, language and build date."""
    from xml.sax.saxutils import escape

    def element(tag: str, value: str | None, attrs: str = "") -> str:
        return f"<{tag}{attrs}>{escape(value)}</{tag}>" if value else ""

    stamp = _stamp(when)
    dated = ' xsi:type="dcterms:W3CDTF"'
    parts = [
        element("dc:title", meta.title),
        element("dc:subject", meta.subject),
        element("dc:creator", "; ".join(meta.creators)),
        element("cp:keywords", ", ".join(meta.keywords)),
        element("dc:description", f"{meta.title}. As of {meta.as_of}; for {meta.audience}."),
        element("dc:language", meta.lang),
        element("dcterms:created", stamp, dated),
        element("dcterms:modified", stamp, dated),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + "".join(parts)
        + "</cp:coreProperties>"
    ).encode("utf-8")


def _set_lang(styles: bytes, lang: str) -> bytes:
    """The document's default language (w:lang of the default run properties): Latin
    text in `lang`, and East Asian text too when `lang` is Japanese, Chinese or Korean."""
    from lxml import etree

    tree = etree.fromstring(styles)
    for el in tree.iter(f"{{{_W}}}lang"):
        el.set(f"{{{_W}}}val", lang)
        if lang.split("-")[0].lower() in _EAST_ASIAN:
            el.set(f"{{{_W}}}eastAsia", lang)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_company(app: bytes, publisher: str | None) -> bytes:
    """docProps/app.xml names the publisher as Word's "Company" (core properties have no
    publisher)."""
    from xml.sax.saxutils import escape

    if not publisher or b"</Properties>" not in app:
        return app
    company = f"  <Company>{escape(publisher)}</Company>\n</Properties>".encode()
    return app.replace(b"</Properties>", company, 1)


def finish_docx(data: bytes, meta: BriefMeta, when: datetime | None) -> bytes:
    """pandoc's DOCX with our core properties, publisher and language."""
    return _rewrite(
        data,
        {
            _CORE: lambda _: core_properties(meta, when),
            _APP: lambda body: _set_company(body, meta.publisher),
            _STYLES: lambda body: _set_lang(body, meta.lang),
        },
    )


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
    return finish_docx(data, rendered.meta, build_date())
