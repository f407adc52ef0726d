"""Print layout (issue 12 §8), read back from the PDF with pdfplumber: no heading alone at a
page foot (option headings included), table cells never split a word or a year, and long
claim ids break only at their hyphens.

The pages are laid out by WeasyPrint with the template's own print styles (the page the
PDF exporter makes: fonts.css, brief.css, print.css), on HTML shaped like pandoc's.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest

from briefwright.config import BUILTIN_TEMPLATES
from briefwright.export.html import style_element

TEMPLATE = BUILTIN_TEMPLATES / "policy-brief"
MM = 72 / 25.4
HEADING_PT = 10.5  # h2 13.5 pt, h3 11 pt; body text 9.6 pt, notes 7.6 pt
BODY_PT = 8.3  # body text and table text outside the provenance table

TEXT = (
    "Moscow appears to have closed the door to territorial concessions and feels no "
    "pressure to change the status quo while Tokyo weighs its options carefully"
)
WORDS = TEXT.split(" ")


def _filler(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(n)) + "."


def print_pdf(body: str, template: Path = TEMPLATE) -> bytes:
    """The body laid out as the PDF exporter lays out a brief's print page."""
    import weasyprint

    styles = style_element(SimpleNamespace(template_file=lambda name: template / name), True)
    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>{styles}'
        f'</head><body><div class="page"><main class="brief">{body}</main></div></body></html>'
    )
    base = (template / "assets").resolve().as_uri() + "/"
    return weasyprint.HTML(string=page, base_url=base, media_type="print").write_pdf()


def _lines(page) -> list[tuple[float, float, str]]:
    """(top, largest font size, text) of each line of the page."""
    rows: dict[int, list[dict]] = {}
    for char in page.chars:
        rows.setdefault(round(char["top"]), []).append(char)
    return [
        (top, max(c["size"] for c in row), "".join(c["text"] for c in row))
        for top, row in sorted(rows.items())
    ]


def stranded_headings(pdf: bytes) -> list[str]:
    """Headings with no body text (nor a figure) below them on their page."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, 1):
            lines = _lines(page)
            for top, size, text in lines:
                if size < HEADING_PT:
                    continue
                below = [ln for ln in lines if ln[0] > top + 2 and BODY_PT <= ln[1] < HEADING_PT]
                figures = [im for im in page.images if im["top"] > top]
                if not below and not figures:
                    found.append(f"page {number}: {text}")
    return found


def _options_body() -> str:
    """Policy options shaped like the brief's, of lengths that put some heading near
    every height of the page."""
    parts = ['<section class="level2 options"><h2 class="options">Policy options</h2>']
    for i in range(16):
        parts.append(
            f'<section id="option-{i}" class="level3"><h3>Option heading number {i}</h3>'
            '<div class="option"><p><span class="option-for">Option for Japan</span></p>'
            f"<p><strong>What it is.</strong> {_filler(25 + (i * 37) % 110, i)}</p>"
            "<p><strong>For.</strong></p>"
            f"<ul><li>{_filler(18 + (i * 13) % 40, i + 3)}</li>"
            f"<li>{_filler(12, i + 5)}</li></ul></div></section>"
        )
    parts.append("</section>")
    return "".join(parts)


ID = "gk-2020-constitution-no-concession-after-the-revision"
SOURCES = [
    "Goldstein and Kozyrev (2022)",
    "“Gang of Two: Russia and Japan Make a Play for the Pacific” (2013)",
    "An unattributed source (c. 2020)",
]


def _provenance_body() -> str:
    """A provenance table as pandoc writes it (column widths from the pipe table)."""
    rows = []
    for i in range(30):
        claim = f"{ID}-{i}" if i % 2 else f"brief-id-{i}"
        rows.append(
            f'<tr><td><a id="claim-{claim}" href="#claim-{claim}">{claim}</a></td>'
            f"<td>{SOURCES[i % 3]}</td>"
            f'<td style="text-align: right;">{i + 3}</td><td>{_filler(20 + i % 25, i)}</td></tr>'
        )
    return (
        '<section class="level2 provenance"><h2 class="provenance">Provenance</h2>'
        "<p>Every claim in this brief and the passage that supports it.</p>"
        '<div class="provenance"><table><colgroup><col style="width: 17%">'
        '<col style="width: 16%"><col style="width: 6%"><col style="width: 58%"></colgroup>'
        "<thead><tr><th>Claim</th><th>Source</th><th>¶</th><th>Supporting passage</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _allowed_pieces(text: str) -> set[str]:
    """The words of `text`, and each run of a hyphenated word's parts: a piece before a
    line break keeps its hyphen ("gk-2020-", "constitution-no-", "concession")."""
    allowed = set()
    for word in text.split():
        parts = word.split("-")
        for i in range(len(parts)):
            for j in range(i + 1, len(parts) + 1):
                allowed.add("-".join(parts[i:j]) + ("-" if j < len(parts) else ""))
    return allowed


def split_words(pdf: bytes, text: str) -> list[str]:
    """Words printed in the page body that are not a word of `text` or a hyphen-ended
    part of one: a word or a year split across lines."""
    allowed = {w.casefold() for w in _allowed_pieces(unicodedata.normalize("NFKC", text))}
    wrong = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            body = page.crop((0, 22 * MM, page.width, page.height - 24 * MM))
            for word in body.extract_words():
                printed = unicodedata.normalize("NFKC", word["text"]).casefold()
                if printed not in allowed:
                    wrong.append(word["text"])
    return wrong


@pytest.fixture(scope="module")
def options_pdf() -> bytes:
    return print_pdf(_options_body())


@pytest.fixture(scope="module")
def provenance_pdf() -> bytes:
    return print_pdf(_provenance_body())


def test_no_heading_is_left_alone_at_a_page_foot(options_pdf):
    with pdfplumber.open(io.BytesIO(options_pdf)) as doc:
        assert len(doc.pages) >= 4, "the options must run over several pages to test breaks"
    assert stranded_headings(options_pdf) == []


def test_table_cells_never_split_a_word_or_a_year(provenance_pdf):
    text = re.sub(r"<[^>]+>", " ", _provenance_body())
    assert split_words(provenance_pdf, text) == []
    with pdfplumber.open(io.BytesIO(provenance_pdf)) as doc:
        words = [w["text"] for page in doc.pages for w in page.extract_words()]
    assert not [w for w in words if re.search(r"\(\d{1,3}$|^\d{1,3}\)", w)]


def test_long_claim_ids_break_at_their_hyphens_only(provenance_pdf):
    ids = []
    with pdfplumber.open(io.BytesIO(provenance_pdf)) as doc:
        for page in doc.pages:
            words = page.extract_words()
            heads = [w for w in words if w["text"] == "SOURCE"]
            if not heads:
                continue
            box = (0, heads[0]["bottom"], heads[0]["x0"] - 1, page.height - 24 * MM)
            column = page.within_bbox(box)
            ids += column.extract_text().split()
    # The long ids do not fit their column, so they break; each piece is a run of the
    # id's hyphen-separated parts (the word-by-word check above), the pieces before a
    # break ending in the hyphen; joined again they give the ids in order.
    assert any(w.endswith("-") for w in ids), "the long ids should have needed a break"
    joined = re.sub(r"-\s+", "-", " ".join(ids)).split()
    assert joined == [f"{ID}-{i}" if i % 2 else f"brief-id-{i}" for i in range(30)]


def test_the_checks_catch_what_they_look_for():
    """The readers above find a stranded heading and a split year when there is one."""
    stranded = print_pdf(
        f"<p>{_filler(40, 1)}</p>" * 14 + "<h3>Left alone</h3>" + f"<p>{_filler(9, 2)}</p>",
    )
    # Without the print rules a heading may end a page; forced here with a page break.
    forced = print_pdf(
        f"<p>{_filler(40, 1)}</p><h3>Left alone</h3>"
        f'<p style="break-before: page">{_filler(9, 2)}</p>'
    )
    assert stranded_headings(forced) == ["page 1: Left alone"]
    assert "Left alone" not in " ".join(stranded_headings(stranded))
    split = print_pdf(
        '<table><tr><td style="width: 1.5em; white-space: normal; overflow-wrap: anywhere">'
        "(2022)</td>"
        f"<td>{_filler(30, 1)}</td></tr></table>"
    )
    assert split_words(split, "(2022) " + _filler(30, 1))
