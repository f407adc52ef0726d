"""Exports with the real pandoc and WeasyPrint, read back with lxml, pypdf/pdfplumber and
python-docx: every claim's text and citation, and editor text kept literal."""

from __future__ import annotations

import io
import re
import zipfile

import pdfplumber
import pytest
from conftest import HOSTILE, PROJECTS
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader

from briefwright.audit import audit_intermediate, audit_output
from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.export.pdf import _fetcher_class, inline_footnotes
from briefwright.load import load_project
from briefwright.render import render_brief

pytestmark = pytest.mark.slow

PROJECT = PROJECTS / "render-basic"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _norm(text: str) -> str:
    # PDF text extraction loses spaces in SVG text and splits words at line-end hyphens.
    return re.sub(r"[\W_]+", "", text.casefold())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each brief rendered and exported once for the whole module."""
    content, _ = load_project(Project.at(PROJECT))
    out = {}
    for brief in ("basic", "hostile"):
        rendered = render_brief(content, brief)
        files = {
            fmt: EXPORTERS[fmt](rendered, tmp_path_factory.mktemp(f"{brief}-{fmt}"))
            for fmt in ("html", "pdf", "docx")
        }
        out[brief] = (rendered, files)
    return out


def _html_text(data: bytes) -> str:
    return _flat(lxml_html.document_fromstring(data).text_content())


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return _flat(" ".join(page.extract_text() or "" for page in pdf.pages))


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return _flat(" ".join(parts))


def test_no_citation_dropped_anywhere(built):
    for rendered, files in built.values():
        assert audit_intermediate(rendered) == []
        for fmt, data in files.items():
            assert audit_output(rendered, fmt, data, rendered.brief_path) == [], fmt


def test_html_claims_carry_citations_and_notes(built):
    rendered, files = built["basic"]
    tree = lxml_html.document_fromstring(files["html"])
    for claim_id in rendered.claim_ids:
        [el] = tree.xpath(f"//*[@id='claim-{claim_id}']")
        assert _flat(rendered.claim_text[claim_id].rstrip("."))[:50] in _flat(el.text_content())
        cites = el.xpath(".//span[@class='citation']")
        assert {s for c in cites for s in c.get("data-cites").split()} == set(
            rendered.claim_sources[claim_id]
        )
        # Chicago notes: each citation is a footnote reference with a real note.
        for href in el.xpath(".//a[@class='footnote-ref']/@href"):
            assert (
                "Brown" in tree.get_element_by_id(href[1:]).text_content()
                or "[Commentary on Japan" in tree.get_element_by_id(href[1:]).text_content()
            )
    assert tree.xpath("//div[@id='refs']/div[@class='csl-entry']")
    assert not tree.xpath(
        "//script | //link[@rel='stylesheet'] | //*[@src][not(starts-with("
        "@src, 'data:image/svg+xml'))]"
    )


def test_pdf_has_every_claim_with_its_footnote_on_the_same_page(built):
    rendered, files = built["basic"]
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert reader.metadata.title == "Japan and Russia"
    dests = {
        str(k).lstrip("/"): reader.get_destination_page_number(v)
        for k, v in reader.named_destinations.items()
    }
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        pages = [_flat(p.extract_text() or "") for p in pdf.pages]
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {total}" in page
        assert "Japan and Russia" in page  # running header
    for claim_id in rendered.claim_ids:
        page = dests[f"claim-{claim_id}"]
        probe = _norm(rendered.claim_text[claim_id])[:30]
        assert probe in _norm(" ".join(pages[page : page + 2])), claim_id
    # Footnotes are at the foot of the page, not collected at the end.
    first_claim_page = dests["claim-ties-will-not-split-russia-china"]
    assert "para. 7" in pages[first_claim_page]


def test_docx_bookmarks_enclose_claims_and_footnotes(built):
    rendered, files = built["basic"]
    doc = Document(io.BytesIO(files["docx"]))
    xml = doc.element.xml
    for claim_id in rendered.claim_ids:
        assert f'w:name="claim-{claim_id}"' in xml
    assert "w:footnoteReference" in xml
    styles = {s.name for s in doc.styles}
    assert {"Block Text", "Brief Meta", "Judgment Tag"} <= styles
    text = _docx_text(files["docx"])
    for claim_id in rendered.claim_ids:
        assert _flat(rendered.claim_text[claim_id])[:40] in text


def test_every_format_shows_every_claim_text_and_citation_in_author_date(built):
    rendered, files = built["hostile"]
    for fmt, read in (("html", _html_text), ("pdf", _pdf_text), ("docx", _docx_text)):
        text = read(files[fmt])
        for claim_id in rendered.claim_ids:
            assert _norm(rendered.claim_text[claim_id]) in _norm(text), (fmt, claim_id)
        assert "Brown 2018, para. 6" in text, fmt


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_editor_markup_stays_literal(built, fmt):
    _, files = built["hostile"]
    read = {"html": _html_text, "pdf": _pdf_text, "docx": _docx_text}[fmt]
    text = read(files[fmt])
    for snippet in HOSTILE:
        assert snippet in text, (fmt, snippet)
    if fmt == "html":
        tree = lxml_html.document_fromstring(files["html"])
        assert not tree.xpath("//script | //a[starts-with(@href, 'javascript')] | //b | //i")


def test_timeline_figure_is_embedded_everywhere(built):
    _, files = built["basic"]
    tree = lxml_html.document_fromstring(files["html"])
    [img] = tree.xpath("//img[starts-with(@src, 'data:image/svg+xml;base64,')]")
    assert img.get("alt").startswith("Timeline of events")
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        assert _norm("year inferred from the source") in _norm(
            " ".join(p.extract_text() for p in pdf.pages)
        )
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as zf:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in zf.namelist())


def test_inline_footnotes_moves_notes_to_their_call():
    page = (
        b"<html><body><p>A<span class='citation'><a href='#fn1' class='footnote-ref'>"
        b"<sup>1</sup></a></span> b</p><section id='footnotes'><ol><li id='fn1'><p>"
        b"Note <em>one</em>.<a href='#fnref1' class='footnote-back'>back</a></p></li>"
        b"</ol></section></body></html>"
    )
    out = inline_footnotes(page).decode()
    assert '<span class="citation"><span class="footnote">Note <em>one</em>.</span></span> b' in out
    assert "footnotes" not in out and "back" not in out


def test_fetcher_serves_only_assets(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.css").write_text("p{}")
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    (assets / "link.css").symlink_to(secret)
    fetcher = _fetcher_class()(assets, {"data:image/svg+xml;base64,AAAA"})
    assert fetcher.fetch((assets / "ok.css").as_uri()).read() == b"p{}"
    assert fetcher.fetch("data:image/svg+xml;base64,AAAA").read() == b"\x00\x00\x00"
    for url in [
        secret.as_uri(),
        (assets / "link.css").as_uri(),
        assets.as_uri() + "/../secret.txt",
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/x.css",
        "data:text/html,<script>",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_outputs_are_reproducible_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    content, _ = load_project(Project.at(PROJECT))
    rendered = render_brief(content, "hostile")
    outputs = {}
    for fmt in ("html", "pdf", "docx"):
        first = EXPORTERS[fmt](rendered, tmp_path / f"a-{fmt}")
        second = EXPORTERS[fmt](rendered, tmp_path / f"b-{fmt}")
        assert first == second, fmt
        outputs[fmt] = first
    # The dates inside the files come from SOURCE_DATE_EPOCH, not the clock.
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    assert reader.metadata.get("/CreationDate", "").startswith("D:20231114")
    created = Document(io.BytesIO(outputs["docx"])).core_properties.created
    assert created is not None and created.isoformat().startswith("2023-11-14T22:13:20")


def test_docx_from_the_shared_parse_is_what_pandoc_makes_from_the_markdown(built, tmp_path) -> None:
    """The DOCX writer starts from the parse the HTML shares (citations linked there):
    unlinking them and the PNG figure must give pandoc's own DOCX of the Markdown with
    unlinked citations, byte for byte (the timeline and a linked citation included)."""
    from briefwright import pandoc
    from briefwright.export import build_date, write_inputs
    from briefwright.export.docx import _png_figure, finish_docx

    for rendered, files in built.values():
        work = tmp_path / rendered.brief
        args = write_inputs(rendered, work, link_citations=False)
        reference = rendered.template_file("reference.docx")
        if reference.is_file():
            args += ["--reference-doc", str(reference)]
        args += ["--toc", "--toc-depth=2", "--metadata", "toc-title=Contents"]
        markdown = rendered.markdown
        figure = _png_figure(rendered)
        if figure is not None:
            markdown = markdown.replace(f"]({figure[0]})", f"]({figure[1]})")
        data, problems = pandoc.convert(
            markdown, "docx", args, cwd=work, output=work / "direct.docx"
        )
        assert problems == []
        assert files["docx"] == finish_docx(data, rendered.meta, build_date()), rendered.brief
        assert b'href="#ref-' in files["html"]  # the shared parse links its citations


def _footnoted_page(area_css: str) -> str:
    """Pages with many notes of mixed lengths: some pages fill their footnote area and
    move notes on, which WeasyPrint handles by laying the whole area out again."""
    words = ["the", "note", "cites", "a", "source", "with", "a", "long", "title", "and"]
    paragraphs = []
    for i in range(40):
        url = f"https://example.org/{'x' * (i % 30)}"
        notes = "".join(
            f'<span class="fn">Note {i}.{k}: {" ".join(words[: 3 + (i * 7 + k * 5) % 8] * (1 + k))}'
            f' <a href="{url}">{url}</a></span>'
            for k in range(1 + i % 3)
        )
        paragraphs.append(f"<p>Paragraph {i} {' '.join(words * (1 + i % 4))}{notes}.</p>")
    css = (
        f"@page {{ size: A6; margin: 12mm; @footnote {{ {area_css} }} }}"
        " .fn { float: footnote; margin-top: 1.2mm; font-size: 7pt; }"
        " a { overflow-wrap: break-word; } p { orphans: 3; widows: 3; }"
    )
    return f"<html><head><style>{css}</style></head><body>{''.join(paragraphs)}</body></html>"


@pytest.mark.parametrize(
    "area_css", ["border-top: .5pt solid #b9c0c6; margin-top: 4mm;", "margin-top: 4mm;"]
)
def test_footnotes_laid_out_by_increments_print_the_same_pdf(area_css, monkeypatch) -> None:
    """The print export lays out each note once (not the page's whole footnote area per
    note added); the PDF must be the one WeasyPrint makes on its own, byte for byte, with
    the template's area (a top border: notes are added by increments) and without one
    (a note's margin could collapse into the area's: WeasyPrint's own update)."""
    import weasyprint
    from weasyprint.layout import LayoutContext

    from briefwright.export.pdf import _incremental_footnotes

    page = _footnoted_page(area_css)
    own = weasyprint.HTML(string=page).render()
    full_updates = []
    original = LayoutContext._update_footnote_area

    def counted(context):
        full_updates.append(len(context.current_page_footnotes))
        return original(context)

    monkeypatch.setattr(LayoutContext, "_update_footnote_area", counted)
    with _incremental_footnotes():
        ours = weasyprint.HTML(string=page).render()
    assert LayoutContext._update_footnote_area is counted  # restored afterwards
    assert len(ours.pages) == len(own.pages) > 3
    assert ours.write_pdf(pdf_identifier=b"t") == own.write_pdf(pdf_identifier=b"t")
    notes = page.count('class="fn"')
    if "border" in area_css:
        assert len(full_updates) < notes / 2  # most notes were added by increments
    else:
        assert len(full_updates) >= notes


def test_another_weasyprint_lays_footnotes_out_by_its_own_code(monkeypatch) -> None:
    import weasyprint
    from weasyprint.layout import LayoutContext

    from briefwright.export.pdf import _incremental_footnotes

    original = LayoutContext._update_footnote_area
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with _incremental_footnotes():
        assert LayoutContext._update_footnote_area is original
    monkeypatch.setattr(weasyprint, "__version__", "70.0")
    with _incremental_footnotes():
        assert LayoutContext._update_footnote_area is not original
    assert LayoutContext._update_footnote_area is original
