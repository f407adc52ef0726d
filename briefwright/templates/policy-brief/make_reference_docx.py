"""Generate reference.docx: the styles pandoc applies to our DOCX briefs.

Run from the repository root with the project's venv:

    .venv/bin/python briefwright/templates/policy-brief/make_reference_docx.py

It starts from pandoc's own default reference document (so every style pandoc uses
exists) and restyles it: serif body, sans headings in the accent colour, quotes as
indented Block Text with a rule, small footnotes, an A4 page with "Page N of M" in the
footer, the contents (TOC Heading, TOC 2) and our custom paragraph styles (Brief Meta,
Table Note, Judgment Tag).
The output is committed; rerun this script after changing it.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for `briefwright`

from briefwright.pandoc import pandoc_path  # noqa: E402

BODY_FONT = "Georgia"
HEAD_FONT = "Calibri"
ACCENT = RGBColor(0x1F, 0x5F, 0x8B)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x5F, 0x5F, 0x5F)


def default_reference(out: Path) -> None:
    with out.open("wb") as fh:
        subprocess.run(
            [pandoc_path(), "--print-default-data-file", "reference.docx"],
            stdout=fh,
            check=True,
            timeout=60,
        )


def set_font(
    style,
    name: str,
    size: float | None = None,
    color: RGBColor | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
) -> None:
    font = style.font
    font.name = name
    # East-Asian and complex-script slots too, or Word falls back to the theme font.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    if size is not None:
        font.size = Pt(size)
    if color is not None:
        font.color.rgb = color
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic


def spacing(style, before: float = 0, after: float = 6, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line


def style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = None):
    try:
        found = doc.styles[name]
    except KeyError:
        found = doc.styles.add_style(name, kind)
        if base:
            found.base_style = doc.styles[base]
    return found


def left_rule(paragraph_style, color: str = "1F5F8B") -> None:
    ppr = paragraph_style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "10"), ("w:color", color)):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)


def table_borders(table_style) -> None:
    """Horizontal rules only: a strong rule under the header, hairlines between rows."""
    tbl_pr = table_style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        table_style.element.append(tbl_pr)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge, size, color in (
        ("top", "8", "1F5F8B"),
        ("bottom", "8", "1F5F8B"),
        ("insideH", "4", "C8CDD2"),
    ):
        el = OxmlElement(f"w:{edge}")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", size),
            ("w:space", "0"),
            ("w:color", color),
        ):
            el.set(qn(key), value)
        borders.append(el)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("top", "bottom"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "50")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "90")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def page_field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
        if kind == "separate":
            placeholder = OxmlElement("w:t")
            placeholder.text = "1"
            run._r.append(placeholder)


def restyle(path: Path) -> None:
    doc = Document(str(path))

    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        s = style(doc, name)
        set_font(s, BODY_FONT, 10.5 if name != "Compact" else 10, INK)
    spacing(doc.styles["Body Text"], 0, 7, 1.2)
    spacing(doc.styles["First Paragraph"], 0, 7, 1.2)
    spacing(doc.styles["Compact"], 0, 3, 1.15)

    for name, size, color, before, after in (
        ("Heading 1", 24, ACCENT, 0, 4),
        ("Heading 2", 15, ACCENT, 20, 6),
        ("Heading 3", 12, INK, 14, 4),
        ("Heading 4", 10.5, INK, 10, 2),
    ):
        s = style(doc, name)
        set_font(s, HEAD_FONT, size, color, bold=True, italic=False)
        spacing(s, before, after)
        s.paragraph_format.keep_with_next = True
    title = style(doc, "Title")
    set_font(title, HEAD_FONT, 26, ACCENT, bold=True)
    subtitle = style(doc, "Subtitle")
    set_font(subtitle, HEAD_FONT, 14, MUTED, bold=False, italic=False)
    spacing(subtitle, 0, 4)

    meta = style(doc, "Brief Meta", base="Body Text")
    set_font(meta, HEAD_FONT, 9.5, MUTED)
    spacing(meta, 2, 14)
    bottom = OxmlElement("w:pBdr")
    rule = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "6"), ("w:color", "1F5F8B")):
        rule.set(qn(key), value)
    bottom.append(rule)
    meta.element.get_or_add_pPr().append(bottom)

    note = style(doc, "Table Note", base="Body Text")
    set_font(note, HEAD_FONT, 8.5, MUTED, italic=True)
    spacing(note, 2, 10)

    tag = style(doc, "Judgment Tag", kind=WD_STYLE_TYPE.CHARACTER)
    set_font(tag, HEAD_FONT, 9, ACCENT, bold=True)
    tag.font.small_caps = True

    block = style(doc, "Block Text")
    set_font(block, BODY_FONT, 11, INK, italic=False)
    block.paragraph_format.left_indent = Cm(0.8)
    block.paragraph_format.right_indent = Cm(0.8)
    spacing(block, 4, 6, 1.2)
    left_rule(block)

    for name in ("Footnote Text",):
        s = style(doc, name)
        set_font(s, BODY_FONT, 8.5, INK)
        spacing(s, 0, 2, 1.0)
    biblio = style(doc, "Bibliography")
    set_font(biblio, BODY_FONT, 9.5, INK)
    biblio.paragraph_format.left_indent = Cm(0.8)
    biblio.paragraph_format.first_line_indent = Cm(-0.8)
    spacing(biblio, 0, 5, 1.15)

    caption = style(doc, "Image Caption")
    set_font(caption, HEAD_FONT, 9, MUTED, italic=True)
    by_name = {s.name: s for s in doc.styles}
    for name in ("Table Caption", "Caption"):
        if name in by_name:
            set_font(by_name[name], HEAD_FONT, 9, MUTED, italic=True)

    # The contents field (export/docx.py fills it with one "TOC 2" line per section).
    toc_title = style(doc, "TOC Heading")
    set_font(toc_title, HEAD_FONT, 11, MUTED, bold=True, italic=False)
    spacing(toc_title, 6, 4)
    toc_line = style(doc, "toc 2", base="Normal")
    toc_line.style_id = "TOC2"  # the id Word gives its built-in "toc 2"
    set_font(toc_line, HEAD_FONT, 10, ACCENT)
    spacing(toc_line, 0, 2)
    toc_line.paragraph_format.left_indent = Cm(0)

    table_borders(style(doc, "Table", kind=WD_STYLE_TYPE.TABLE))

    link = style(doc, "Hyperlink", kind=WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = ACCENT

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    footer = (
        section.footer.paragraphs[0]
        if section.footer.paragraphs
        else section.footer.add_paragraph()
    )
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    page_field(footer, " PAGE ")
    footer.add_run(" of ")
    page_field(footer, " NUMPAGES ")
    for run in footer.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = MUTED
        run.font.name = HEAD_FONT

    # Fixed document properties, so the committed file does not change on every run.
    props = doc.core_properties
    props.author = "briefwright"
    props.title = "briefwright reference document"
    doc.save(str(path))


def normalise_zip(path: Path) -> bytes:
    """Rewrite the zip with fixed timestamps and order: pandoc copies entries (the footer)
    into every DOCX, and their dates must not depend on when this script ran."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return buffer.getvalue()


def main() -> None:
    target = HERE / "reference.docx"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "reference.docx"
        default_reference(work)
        restyle(work)
        target.write_bytes(normalise_zip(work))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
