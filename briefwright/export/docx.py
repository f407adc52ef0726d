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
import json
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import pandoc
from ..problems import BriefwrightError
from ..render import Rendered
from ..timeline import timeline_png
from . import Parsed, build_date, parse
from .meta import BriefMeta, xml_text

_CORE = "docProps/core.xml"
_STYLES = "word/styles.xml"
_APP = "docProps/app.xml"
_DOCUMENT = "word/document.xml"
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
        return f"<{tag}{attrs}>{escape(xml_text(value))}</{tag}>" if value else ""

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
    company = f"  <Company>{escape(xml_text(publisher))}</Company>\n</Properties>".encode()
    return app.replace(b"</Properties>", company, 1)


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _style(paragraph: Any) -> str | None:
    style = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
    return None if style is None else style.get(_w("val"))


def _toc_line(paragraph: Any, anchor: str, text: str) -> None:
    """Make `paragraph` a line of the contents: the section's title, linked to its
    bookmark. The first line also holds the field's start, so its style goes first."""
    from lxml import etree

    props = etree.Element(_w("pPr"))
    etree.SubElement(props, _w("pStyle"), {_w("val"): "TOC2"})
    paragraph.insert(0, props)
    link = etree.SubElement(paragraph, _w("hyperlink"), {_w("anchor"): anchor, _w("history"): "1"})
    text_el = etree.SubElement(etree.SubElement(link, _w("r")), _w("t"))
    text_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text_el.text = text


def place_contents(document: bytes) -> bytes:
    """pandoc puts its contents field (`--toc`) before everything; we move it under the
    title and meta line, list only the sections (`\\o "2-2"`), and fill in its result (each
    section linked to its bookmark) so it reads in any viewer before Word updates it."""
    from lxml import etree

    root = etree.fromstring(document)
    body = root.find(_w("body"))
    toc = next(
        (el for el in body if el.tag == _w("sdt") and el.find(f".//{_w('instrText')}") is not None),
        None,
    )
    if toc is None:
        return document
    sections: list[tuple[str, str]] = []
    anchor = None
    for el in body:
        if el.tag == _w("bookmarkStart"):
            anchor = el.get(_w("name"))
        elif el.tag == _w("p"):
            if _style(el) == "Heading2" and anchor:
                sections.append((anchor, "".join(el.itertext())))
            anchor = None
    instr = toc.find(f".//{_w('instrText')}")
    instr.text = 'TOC \\o "2-2" \\h \\z \\u'
    run = instr.getparent()  # begin, instruction, separate and end, in one run
    field = run.getparent()
    if sections:
        # The entries go between "separate" and "end": the end moves to a run of its own.
        end = etree.Element(_w("r"))
        end.append(run.findall(_w("fldChar"))[-1])
        paragraph = field
        for number, (target, text) in enumerate(sections):
            if number:
                paragraph = etree.Element(_w("p"))
                field.getparent().insert(field.getparent().index(field) + number, paragraph)
            _toc_line(paragraph, target, text)
        paragraph.append(end)
    body.remove(toc)
    meta = next((el for el in body if el.tag == _w("p") and _style(el) == "BriefMeta"), None)
    body.insert(body.index(meta) + 1 if meta is not None else 0, toc)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def finish_docx(data: bytes, meta: BriefMeta, when: datetime | None) -> bytes:
    """pandoc's DOCX with our core properties, publisher, language and contents."""
    return _rewrite(
        data,
        {
            _DOCUMENT: place_contents,
            _CORE: lambda _: core_properties(meta, when),
            _APP: lambda body: _set_company(body, meta.publisher),
            _STYLES: lambda body: _set_lang(body, meta.lang),
        },
    )


def _png_figure(rendered: Rendered) -> tuple[str, str] | None:
    """The timeline's SVG data: URI and its PNG replacement: pandoc embeds SVG in DOCX
    without a PNG fallback, which Word 2016+ shows but LibreOffice and older Word do not."""
    if rendered.figure_svg is None:
        return None
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(rendered.figure_svg).decode()
    png_uri = (
        "data:image/png;base64," + base64.b64encode(timeline_png(rendered.figure_svg)).decode()
    )
    return svg_uri, png_uri


def _for_word(node: Any, figure: tuple[str, str] | None, in_cite: bool = False) -> Any:
    """The AST as Word gets it: citations not linked to the bibliography (linked, they
    turn whole notes into blue hyperlinks; plain text reads better) and the figure as PNG.

    An unwrapped link's text joins the text beside it as one Str, as pandoc's reader
    would have made it (so the DOCX is byte for byte what citeproc without links gives).
    """
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Image" and figure and node["c"][2][0] == figure[0]:
            return {"t": "Image", "c": [node["c"][0], node["c"][1], [figure[1], node["c"][2][1]]]}
        inner = in_cite or kind == "Cite"
        return {k: _for_word(v, figure, inner) for k, v in node.items()}
    if not isinstance(node, list):
        return node
    out: list[Any] = []
    joinable = False  # the last item came out of an unwrapped link
    for item in node:
        if in_cite and _is_bibliography_link(item):
            for part in _for_word(item["c"][1], figure, True):
                _append_inline(out, part)
            joinable = True
            continue
        item = _for_word(item, figure, in_cite)
        if joinable:
            _append_inline(out, item)
        else:
            out.append(item)
        joinable = False
    return out


def _append_inline(out: list[Any], item: Any) -> None:
    if out and _is_str(item) and _is_str(out[-1]):
        out[-1] = {"t": "Str", "c": out[-1]["c"] + item["c"]}
    else:
        out.append(item)


def _is_bibliography_link(item: Any) -> bool:
    """A link citeproc made from a citation to its entry (link-citations)."""
    return (
        isinstance(item, dict)
        and item.get("t") == "Link"
        and str(item["c"][2][0]).startswith("#ref-")
    )


def _is_str(item: Any) -> bool:
    return isinstance(item, dict) and item.get("t") == "Str"


def word_ast(rendered: Rendered, parsed: Parsed) -> bytes:
    """The parsed intermediate for the DOCX writer (see _for_word)."""
    figure = _png_figure(rendered)
    if not parsed.linked and figure is None:
        return parsed.json
    ast = _for_word(json.loads(parsed.json), figure)
    if parsed.linked:
        ast["meta"]["link-citations"] = {"t": "MetaBool", "c": False}
    return json.dumps(ast, ensure_ascii=False).encode("utf-8")


def export_docx(rendered: Rendered, work: Path, parsed: Parsed | None = None) -> bytes:
    parsed = parsed or parse(rendered, work)
    if parsed.problems:
        raise BriefwrightError(
            f"pandoc could not make DOCX for '{rendered.brief}'", list(parsed.problems)
        )
    work.mkdir(parents=True, exist_ok=True)
    args = []
    reference = rendered.template_file("reference.docx")
    if reference.is_file():
        args += ["--reference-doc", str(reference)]
    args += ["--toc", "--toc-depth=2", "--metadata", "toc-title=Contents"]
    out = work / "brief.docx"
    data, problems = pandoc.convert(
        word_ast(rendered, parsed),
        "docx",
        args,
        cwd=work,
        output=out,
        where=rendered.brief_path,
        reader="json",
    )
    if problems:
        raise BriefwrightError(f"pandoc could not make DOCX for '{rendered.brief}'", problems)
    return finish_docx(data, rendered.meta, build_date())
