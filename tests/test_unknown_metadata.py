"""Citing what is unknown (issue 12 §5), read back from HTML, PDF and DOCX.

tests/projects/unknown-metadata has one invented source for each of the 16 combinations
of known/unknown title, authors, date and outlet (id s-<tado>, x where unknown). An
untitled source is cited by its bracketed description, with outlet and date where known;
a source without authors is cited title first, never under its outlet's name.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile

import pdfplumber
import pytest
from conftest import PROJECTS
from lxml import etree
from lxml import html as lxml_html

from briefwright.config import Project
from briefwright.dates import MONTHS
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.model import Source
from briefwright.render import render_brief, source_label

PROJECT = PROJECTS / "unknown-metadata"
COMBINATIONS = list(itertools.product((True, False), repeat=4))


def _id(title: bool, authors: bool, date: bool, outlet: bool) -> str:
    known = (title, authors, date, outlet)
    return "s-" + "".join(c if k else "x" for c, k in zip("tado", known, strict=True))


def _norm(text: str) -> str:
    # Text extraction splits lines and words at line ends; compare letters and digits only.
    return re.sub(r"[\W_]+", "", text.casefold())


@pytest.fixture(scope="module")
def project():
    content, problems = load_project(Project.at(PROJECT))
    assert not problems
    return content


def _chicago_date(source: Source) -> str:
    if source.issued is None:
        return "n.d."
    start = source.issued.start
    return f"{MONTHS[start.month - 1]} {start.day}, {start.year}"


def _named(source: Source) -> str:
    """What stands for the title in a citation."""
    return source.title or f"[{source.description}]"


def test_the_fixture_has_every_combination(project):
    for combo in COMBINATIONS:
        source = project.sources[_id(*combo)]
        title, authors, date, outlet = combo
        assert (bool(source.title), bool(source.authors)) == (title, authors)
        assert (source.issued is not None, bool(source.container)) == (date, outlet)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=lambda c: _id(*c))
def test_body_attribution_is_title_first_without_authors(project, combo):
    title, authors, date, outlet = combo
    source = project.sources[_id(*combo)]
    label = source_label(source)
    assert "Untitled" not in label and "unattributed" not in label
    year = str(source.issued.year) if date else "n.d."
    if authors:
        assert label == f"{source.authors[0].family} ({year})"
    else:
        shown = f"“{source.title}”" if title else f"[{source.description}]"
        # Outlet in the parentheses, never in the author's place.
        assert label == (f"{shown} ({source.container}, {year})" if outlet else f"{shown} ({year})")


@pytest.fixture(scope="module")
def texts(project, tmp_path_factory) -> dict[str, dict[str, str]]:
    """For each format its whole text as read back (notes included); for HTML also each
    bibliography entry by source id."""
    rendered = render_brief(project, "unknowns")
    files = {
        fmt: EXPORTERS[fmt](rendered, tmp_path_factory.mktemp(fmt))
        for fmt in ("html", "pdf", "docx")
    }
    doc = lxml_html.document_fromstring(files["html"])
    html = {
        "source": files["html"],
        "all": doc.text_content(),
        "refs": {
            div.get("id").removeprefix("ref-"): div.text_content()
            for div in doc.xpath("//*[@id='refs']/div[starts-with(@id, 'ref-')]")
        },
    }
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        pdf_text = " ".join(page.extract_text() or "" for page in pdf.pages)
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as z:
        parts = {
            name: " ".join(
                "".join(p.itertext())
                for p in etree.fromstring(z.read(f"word/{name}.xml")).iter(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
                )
            )
            for name in ("document", "footnotes")
        }
    return {
        "html": html,
        "pdf": {"all": pdf_text},
        "docx": {"all": parts["document"] + " " + parts["footnotes"]},
    }


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_no_format_says_untitled_or_unattributed(texts, fmt):
    text = texts[fmt]["all"]
    assert "Untitled" not in text and "unattributed" not in text.casefold()
    # A description is not a title: no quotes around it (Chicago would quote a title).
    assert "“[" not in text and "]”" not in text and "],”" not in text


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("combo", COMBINATIONS, ids=lambda c: _id(*c))
def test_every_combination_is_cited_by_what_is_known(project, texts, fmt, combo):
    _, authors, date, outlet = combo
    source = project.sources[_id(*combo)]
    text = _norm(texts[fmt]["all"])
    named = _named(source)
    # The note: (author,) title or [description], (outlet,) date or n.d.
    note = " ".join(
        [f"Ann {a.family}" for a in source.authors]
        + [named]
        + [source.container or ""] * outlet
        + [_chicago_date(source)]
    )
    assert _norm(note) in text, note
    # The body attribution names the title first, with outlet and year.
    assert _norm(f"{source_label(source)} argues that fishing rights") in text
    if outlet and not authors:
        # Never the outlet in the author's place (Chicago's rule for unsigned articles).
        assert _norm(f"{source.container} {named}") not in text
        flat = re.sub(r"\s+", " ", texts[fmt]["all"])
        year = source.issued.year if date else "n.d."
        assert f"{source.container} ({year})" not in flat


@pytest.mark.slow
def test_descriptions_are_not_italicised_like_titles(texts):
    doc = lxml_html.document_fromstring(texts["html"]["source"])
    assert doc.xpath("//body//*[contains(text(), '[Commentary')]")
    assert not doc.xpath("//em[contains(., '[Commentary')] | //i[contains(., '[Commentary')]")


@pytest.mark.slow
@pytest.mark.parametrize("combo", COMBINATIONS, ids=lambda c: _id(*c))
def test_bibliography_entries_lead_with_author_else_title(project, texts, combo):
    source = project.sources[_id(*combo)]
    authors = combo[1]
    entry = texts["html"]["refs"][source.id].strip().lstrip('“"')
    lead = source.authors[0].family if authors else _named(source)
    assert entry.startswith(lead), entry
    assert (source.container or "") in entry
