"""Language and glyphs: a brief's `lang` reaches all three formats, Japanese and Russian
quotes print with real glyphs from the shipped font, and a character no embedded font
covers fails the audit (`missing-glyph`) naming it and the claim."""

from __future__ import annotations

import io
import zipfile

import pypdfium2
import pytest
from conftest import build_project
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

from briefwright.audit import audit_output, unembedded_characters
from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.render import render_brief

pytestmark = pytest.mark.slow

JAPANESE = "対話の扉は常に開いている"
RUSSIAN = "Мы готовы продолжать переговоры без предварительных условий"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory):
    root = build_project(tmp_path_factory.mktemp("render-multilingual"), "render-multilingual")
    content, problems = load_project(Project.at(root))
    assert not problems
    rendered = render_brief(content, "multilingual")
    files = {
        fmt: EXPORTERS[fmt](rendered, tmp_path_factory.mktemp(fmt))
        for fmt in ("html", "pdf", "docx")
    }
    return rendered, files


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return " ".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_japanese_and_russian_quotes_print_with_real_glyphs(multilingual):
    rendered, files = multilingual
    assert unembedded_characters(files["pdf"]) == {}
    for fmt, data in files.items():
        assert audit_output(rendered, fmt, data, rendered.brief_path) == [], fmt
    text = "".join(_pdf_text(files["pdf"]).split())
    assert JAPANESE in text and "".join(RUSSIAN.split()) in text
    reader = PdfReader(io.BytesIO(files["pdf"]))
    fonts = {
        str(ref.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for ref in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans-JP" in name for name in fonts), fonts


def test_brief_lang_reaches_all_three_formats(multilingual):
    _, files = multilingual
    assert lxml_html.document_fromstring(files["html"]).get("lang") == "ru"
    assert PdfReader(io.BytesIO(files["pdf"])).trailer["/Root"]["/Lang"] == "ru"
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
        core = zf.read("docProps/core.xml").decode()
    assert {el.get(f"{W}val") for el in styles.iter(f"{W}lang")} == {"ru"}
    assert "<dc:language>ru</dc:language>" in core


def test_uncovered_character_fails_the_audit_naming_it_and_the_claim(tmp_path):
    root = build_project(tmp_path / "p", "render-multilingual")
    # A private-use character: no font has a glyph for it.
    (root / "content" / "claims" / "glyph.yaml").write_text(
        "- id: private-sign\n"
        "  kind: fact\n"
        '  text: "The talks lasted twenty-one months \ue000."\n'
        "  cites:\n"
        "    - source: alpha-2020\n"
        "      quote: the talks had lasted twenty-one months\n",
        "utf-8",
    )
    (root / "briefings" / "glyph.yaml").write_text(
        "title: Glyphs\nas_of: '2021-05'\naudience: Test readers\n"
        "sections:\n  - {type: claims, title: Background, claims: [private-sign]}\n",
        "utf-8",
    )
    content, _ = load_project(Project.at(root))
    rendered = render_brief(content, "glyph")
    data = EXPORTERS["pdf"](rendered, tmp_path / "work")  # the export itself succeeds
    problems = audit_output(rendered, "pdf", data, rendered.brief_path)
    [problem] = problems
    assert problem.code == "missing-glyph" and problem.level == "error"
    assert problem.id == "private-sign"
    assert "U+E000" in problem.message and "claim 'private-sign'" in problem.message
    assert problem.line > 1


def test_a_template_with_its_own_assets_does_not_load_our_fonts(tmp_path):
    """fonts.css names files in the built-in assets/; a template with an assets/ folder
    of its own (and no fonts.css) prints without them instead of failing to fetch."""
    import shutil

    from briefwright.config import BUILTIN_TEMPLATES

    root = build_project(tmp_path / "p")
    house = root / "templates" / "house"
    (house / "assets").mkdir(parents=True)
    (house / "assets" / "README.md").write_text("Our logo goes here.\n", "utf-8")
    shutil.copy2(BUILTIN_TEMPLATES / "policy-brief" / "brief.md.j2", house / "brief.md.j2")
    brief = root / "briefings" / "brief.yaml"
    brief.write_text(brief.read_text("utf-8") + "template: house\n", "utf-8")
    content, _ = load_project(Project.at(root))
    rendered = render_brief(content, "brief")
    data = EXPORTERS["pdf"](rendered, tmp_path / "work")  # no pdf-warning raised
    assert audit_output(rendered, "pdf", data, rendered.brief_path) == []
