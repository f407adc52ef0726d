"""What a publications office expects of a released brief, read back from the real outputs:
tagged PDF/UA-1 (or PDF/A-3u) with alternative text, language, metadata and bookmarks;
DOCX core properties; HTML <meta>."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import build_project
from docx import Document
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.render import render_brief

pytestmark = pytest.mark.slow

EPOCH = 1700000000  # 2023-11-14T22:13:20Z
STAMP = "2023-11-14T22:13:20Z"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The `render-published` project: `brief` takes its metadata from briefwright.toml,
    `archival` declares authors, keywords and PDF/A-3u."""
    root = build_project(tmp_path_factory.mktemp("render-published"), "render-published")
    content, _ = load_project(Project.at(root))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        out: dict[str, dict[str, bytes]] = {}
        for brief, formats in (("brief", ("html", "pdf", "docx")), ("archival", ("pdf",))):
            rendered = render_brief(content, brief)
            out[brief] = {
                fmt: EXPORTERS[fmt](rendered, tmp_path_factory.mktemp(f"{brief}-{fmt}"))
                for fmt in formats
            }
    return out


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _struct_elements(node: Any) -> Iterator[dict[str, Any]]:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for kid in node:
            yield from _struct_elements(kid)
        return
    if not isinstance(node, dict):
        return  # a marked-content id
    if node.get("/Type") == "/StructElem" or "/S" in node:
        yield node
    if "/K" in node:
        yield from _struct_elements(node["/K"])


def _outline_titles(outline: list[Any]) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(item.title)
    return titles


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def test_pdf_is_tagged_pdf_ua_1(outputs):
    reader = _reader(outputs["brief"]["pdf"])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert root["/Lang"] == "en-GB"  # the project's default language
    tree = root["/StructTreeRoot"].get_object()
    kinds = {str(el["/S"]) for el in _struct_elements(tree["/K"])}
    assert {"/Document", "/H1", "/H2", "/P", "/Table", "/Figure", "/L", "/LI"} <= kinds
    assert re.search(r'pdfuaid:part="1"|<pdfuaid:part>1<', _xmp(reader))


def test_every_pdf_figure_has_alternative_text_pointing_to_the_table(outputs):
    reader = _reader(outputs["brief"]["pdf"])
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    figures = [el for el in _struct_elements(tree["/K"]) if el["/S"] == "/Figure"]
    assert figures
    for figure in figures:
        alt = str(figure.get("/Alt", ""))
        assert alt.startswith("Timeline of events"), alt
        assert "table that follows" in alt


def test_pdf_bookmarks_follow_the_headings(outputs):
    reader = _reader(outputs["brief"]["pdf"])
    page = lxml_html.document_fromstring(outputs["brief"]["html"])
    headings = [
        " ".join(h.text_content().split())
        for h in page.xpath("//main//*[self::h1 or self::h2 or self::h3]")
    ]
    assert _outline_titles(reader.outline) == headings
    assert "A minimal brief" in headings


def test_pdf_metadata_in_info_and_xmp(outputs):
    reader = _reader(outputs["brief"]["pdf"])
    info = reader.metadata
    assert info["/Title"] == "A minimal brief"
    assert info["/Author"] == "Example Policy Unit"  # no authors: the publisher
    assert info["/Subject"] == "For tests"
    assert "Japan" in info["/Keywords"]
    assert info["/CreationDate"] == "D:20231114221320Z"
    xmp = _xmp(reader)
    for expected in ("A minimal brief", "Example Policy Unit", "<rdf:li>en-GB</rdf:li>", STAMP):
        assert expected in xmp
    assert "<dc:publisher>" in xmp


def test_pdf_a_3u_on_request_stays_tagged_and_accessible(outputs):
    reader = _reader(outputs["archival"]["pdf"])
    xmp = _xmp(reader)
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="U"', xmp)
    assert 'pdfuaid:part="1"' in xmp
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/OutputIntents" in root
    assert reader.metadata["/Author"] == "Jane Doe, Example Analysis Desk"
    assert reader.metadata["/Keywords"] == "fisheries, territorial dispute"


def test_docx_core_properties(outputs):
    data = outputs["brief"]["docx"]
    props = Document(io.BytesIO(data)).core_properties
    assert props.title == "A minimal brief"
    assert props.author == "Example Policy Unit"
    assert props.subject == "For tests"
    assert "Japan" in props.keywords
    assert props.language == "en-GB"
    assert props.created.strftime("%Y-%m-%dT%H:%M:%SZ") == STAMP
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
        app = zf.read("docProps/app.xml").decode()
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    langs = {el.get(f"{w}val") for el in styles.iter(f"{w}lang")}
    assert langs == {"en-GB"}
    assert "<Company>Example Policy Unit</Company>" in app
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        document = zf.read("word/document.xml").decode()
    # The figure's alternative text (Word's "descr"), pointing to the events table.
    [alt] = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document)
    assert alt.startswith("Timeline of events") and "table that follows" in alt


def test_html_meta(outputs):
    page = lxml_html.document_fromstring(outputs["brief"]["html"])
    assert page.get("lang") == "en-GB"

    def meta(name: str) -> list[str]:
        return page.xpath(f"//head/meta[@name='{name}']/@content")

    assert meta("author") == ["Example Policy Unit"]
    assert meta("dcterms.publisher") == ["Example Policy Unit"]
    assert meta("description") == ["For tests"]
    assert "Japan" in meta("keywords")[0]
    assert meta("dcterms.created") == [STAMP]
    [img] = page.xpath("//figure/img")
    assert "table that follows" in img.get("alt")


def test_html_contents_link_every_section_and_every_claim_links_to_itself(outputs):
    page = lxml_html.document_fromstring(outputs["brief"]["html"])
    [nav] = page.xpath("//nav[contains(@class, 'toc')]")
    assert nav.get("aria-labelledby") == "toc-title"
    sections = page.xpath("//main//section[h2]/@id")
    assert sections and nav.xpath(".//ul/li/ul/li/a/@href") == [f"#{s}" for s in sections]
    claims = page.xpath("//main//span[starts-with(@id, 'claim-')]")
    assert claims
    for claim in claims:
        assert not claim.xpath(".//a[@class='claim-link']")  # the claim's text stays its own
        [link] = claim.xpath("following-sibling::*[1][self::a][@class='claim-link']")
        assert link.get("href") == f"#{claim.get('id')}" and link.get("aria-label")
    css = "".join(page.xpath("//style/text()"))
    assert re.search(r"@media \(min-width: [\d.]+rem\) \{[^@]*position: sticky", css)
    assert ".claim:hover + a.claim-link" in css


def test_docx_contents_field_lists_the_sections_under_the_title(outputs):
    import zipfile

    with zipfile.ZipFile(io.BytesIO(outputs["brief"]["docx"])) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))[0]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    children = list(body)

    def style(el: Any) -> str | None:
        found = el.find(f"{w}pPr/{w}pStyle")
        return None if found is None else found.get(f"{w}val")

    styles = [style(el) for el in children]
    [toc] = [el for el in children if el.tag == f"{w}sdt"]
    [instr] = toc.iter(f"{w}instrText")
    assert instr.text.startswith('TOC \\o "2-2" \\h')
    position = children.index(toc)
    assert styles[position - 1] == "BriefMeta" and "Heading2" not in styles[:position]
    anchors = [link.get(f"{w}anchor") for link in toc.iter(f"{w}hyperlink")]
    # Each section heading follows its bookmark; the contents link to those bookmarks.
    bookmarks = [children[i - 1].get(f"{w}name") for i, s in enumerate(styles) if s == "Heading2"]
    assert anchors == bookmarks and len(anchors) == 8


def test_authors_and_publisher_are_printed_under_the_title(outputs):
    import pypdfium2

    page = lxml_html.document_fromstring(outputs["brief"]["html"])
    [meta] = page.xpath("//div[contains(@class, 'brief-meta')]//div[@class='meta']")
    assert " ".join(meta.text_content().split()).startswith("Example Policy Unit · As of")
    pdf = pypdfium2.PdfDocument(outputs["archival"]["pdf"])
    first = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "By Jane Doe and Example Analysis Desk · Example Policy Unit · As of" in first


def test_control_characters_from_yaml_escapes_leave_docx_and_xmp_metadata_readable():
    # A YAML "\x01" or TOML "\u0001" escape puts a character in editor text that no XML
    # file may hold, even escaped: core.xml, app.xml and the XMP must still parse.
    from briefwright.export.docx import _set_company, core_properties
    from briefwright.export.meta import BriefMeta
    from briefwright.export.pdf import _extra_xmp

    meta = BriefMeta(title="A\x01B", authors=("C\x0bD",), keywords=("E\x1fF",), publisher="G\x08H")
    core = etree.fromstring(core_properties(meta, None))
    assert "AB" in core.itertext() and "CD" in core.itertext()
    app = _set_company(b"<Properties></Properties>", meta.publisher)
    assert etree.fromstring(app).findtext("Company") == "GH"
    rdf = b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    xmp = _extra_xmp(lambda *_: rdf, meta)("ua", 1, None)
    assert "GH" in etree.fromstring(xmp).itertext()
