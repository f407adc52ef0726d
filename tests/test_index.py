"""The landing page dist/index.html: what it says about each brief, escaped, dated by
SOURCE_DATE_EPOCH, and styled like the briefs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import build_project
from lxml import html as lxml_html
from pypdf import PdfWriter

from briefwright.config import Project
from briefwright.export.index import human_size, index_html
from briefwright.load import load_project

HOSTILE_BRIEF = """\
title: "<script>alert(1)</script> & co"
subtitle: '"quoted" <b>subtitle</b>'
as_of: "2020-12"
audience: "Staff <i>and</i> others"
sections:
  - {type: key-judgments, judgments: [ties-judgment]}
  - {type: sources}
"""


def _pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = build_project(tmp_path / "p", "render-published")
    (root / "briefings" / "hostile.yaml").write_text(HOSTILE_BRIEF, "utf-8")
    content, problems = load_project(Project.at(root))
    assert not [p for p in problems if p.level == "error"]
    files = {
        "brief/brief.html": b"x" * 25_300,
        "brief/brief.pdf": _pdf(3),
        "brief/brief.docx": b"x" * 1_234_567,
        "brief/provenance.json": b"[]",
        "hostile/hostile.html": b"<html>",
    }
    manifest = {"briefs": {"brief": {"files": {}}, "hostile": {"files": {}}, "gone": {}}}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = index_html(content, manifest, files)
    return data, lxml_html.document_fromstring(data)


def test_each_brief_with_its_facts_formats_and_sizes(page):
    _, tree = page
    [card] = tree.xpath("//article[@aria-labelledby='brief-brief']")
    text = " ".join(card.text_content().split())
    assert card.xpath(".//h2/a/@href") == ["brief/brief.html"]
    assert "A minimal brief" in text and "For tests" in text
    assert "As of December 2020" in text and "For Test readers" in text and "3 pages" in text
    assert "Economic ties between the two are likely to deepen." in text  # first judgment
    formats = {a.text: a.get("href") for a in card.xpath(".//ul[@class='formats']//a")}
    assert formats == {
        "HTML": "brief/brief.html",
        "PDF": "brief/brief.pdf",
        "DOCX": "brief/brief.docx",
    }
    assert "25 kB" in text and "1.2 MB" in text
    assert card.xpath(".//a[@href='brief/provenance.json']")
    assert not tree.xpath("//*[@id='brief-gone']")  # a brief no longer in the project


def test_build_time_from_source_date_epoch_and_project_settings(page):
    data, tree = page
    assert tree.get("lang") == "en-GB"
    assert tree.xpath("//time/@datetime") == ["2023-11-14T22:13:20Z"]
    assert "14 November 2023, 22:13 UTC" in tree.xpath("//time")[0].text
    assert "Example Policy Unit" in tree.xpath("//p[@class='byline']")[0].text_content()
    css = "".join(tree.xpath("//style/text()"))
    assert "div.judgment" in css and ".brief-card" in css  # the briefs' own styles
    assert data.rstrip().endswith(b"</body>\n</html>")


def test_editor_text_is_escaped(page):
    data, tree = page
    assert b"<script>" not in data and b"<b>subtitle" not in data and b"<i>and" not in data
    [card] = tree.xpath("//article[@aria-labelledby='brief-hostile']")
    assert card.xpath(".//h2")[0].text_content() == "<script>alert(1)</script> & co"
    assert '"quoted" <b>subtitle</b>' in card.text_content()
    assert not tree.xpath("//script")


def test_human_sizes():
    assert [human_size(n) for n in (999, 1000, 25_300, 999_999, 1_234_567, 5 * 10**9)] == [
        "999 B",
        "1.0 kB",
        "25 kB",
        "1.0 MB",
        "1.2 MB",
        "5.0 GB",
    ]
