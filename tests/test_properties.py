"""Property tests (hypothesis).

1. Any printable string an editor writes as a claim (or a brief's title) reaches every
   output as literal text. A real build is slow, so each example is a batch: one brief
   whose claims are a list of generated strings, built once.
2. Quote matching accepts every exact run of three or more words of a source, however
   the white space is written, and rejects every change of a single word.
"""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from conftest import build_project
from docx import Document
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from briefwright import pandoc
from briefwright.builder import build
from briefwright.config import Project
from briefwright.export.html import drop_added_selectors
from briefwright.templating import escape_markdown
from briefwright.textmatch import SourceText

# Examples are few and each builds a whole brief: a thirtieth of the profile's count
# (conftest: 5 by default, 50 in the weekly search). Not derandomized: Hypothesis searches;
# what it finds is kept in tests/.hypothesis-examples and replayed first.
BUILD_SETTINGS = settings(
    max_examples=max(4, settings().max_examples // 30),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MATCH_SETTINGS = settings(deadline=None)  # the profile's count: 150 by default

# Letters, marks, numbers, punctuation, symbols and spaces: what an editor can type.
PRINTABLE = ("L", "M", "N", "P", "S", "Zs")
ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def font_characters() -> frozenset[str]:
    """Every character some installed font can draw: what WeasyPrint can print at all."""
    from fontTools.ttLib import TTCollection, TTFont

    found: set[int] = set()
    listing = shutil.which("fc-list")
    files = (
        subprocess.run(
            [listing, "--format", "%{file}\n"], capture_output=True, text=True, check=True
        ).stdout.split()
        if listing
        else []
    )
    for name in files:
        try:
            fonts = (
                TTCollection(name).fonts
                if name.endswith((".ttc", ".otc"))
                else [TTFont(name, lazy=True)]
            )
        except Exception:  # a font fontTools cannot read is one WeasyPrint skips too
            continue
        for font in fonts:
            cmap = font.getBestCmap() or {}
            found.update(cmap)
    chars = {
        chr(c)
        for c in found
        if unicodedata.category(chr(c))[0] in "LMNPS" or unicodedata.category(chr(c)) == "Zs"
    }
    return frozenset(chars or {chr(c) for c in range(0x20, 0x7F)})


def printable_text(alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    # Markdown's special characters are the interesting ones: draw them often.
    chars = st.one_of(st.sampled_from(ASCII_PUNCTUATION + " "), alphabet)
    return st.text(chars, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


ANY_PRINTABLE = st.characters(categories=PRINTABLE)  # type: ignore[arg-type]


@functools.cache
def _font_alphabet() -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(font_characters()))


def in_fonts() -> st.SearchStrategy[str]:
    # Deferred: the fonts are read only when a test that needs them runs.
    return st.deferred(lambda: _font_alphabet())


# --- 1. editor strings survive every output -----------------------------------------------


def expected_claim(text: str) -> str:
    """How the claim should read: its text with white space normalised. The final
    punctuation follows the citation (a note), so a space before it is not kept."""
    return re.sub(r"\s+([.!?]+)$", r"\1", _flat(text))


def build_batch(texts: list[str], title: str, formats: tuple[str, ...]) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="props-") as tmp:
        root = build_project(Path(tmp) / "p")
        claims = "".join(
            f"- id: gen-{n}\n  kind: fact\n  text: {json.dumps(text, ensure_ascii=False)}\n"
            "  cites:\n    - source: alpha-2020\n      quote: the talks had lasted twenty-one "
            "months\n"
            for n, text in enumerate(texts)
        )
        (root / "content" / "claims" / "generated.yaml").write_text(claims, "utf-8")
        ids = ", ".join(f"gen-{n}" for n in range(len(texts)))
        (root / "briefings" / "brief.yaml").write_text(
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            'as_of: "2020-12"\naudience: Tests\n'
            f"sections:\n  - {{type: claims, title: Generated, claims: [{ids}]}}\n",
            "utf-8",
        )
        problems = build(Project.at(root), formats=formats, say=lambda line: None)
        errors = [p.text() for p in problems if p.level == "error"]
        assert errors == [], errors
        dist = root / "dist" / "brief"
        return {fmt: (dist / f"brief.{fmt}").read_bytes() for fmt in formats}


def check_html(data: bytes, texts: list[str], title: str) -> None:
    tree = lxml_html.document_fromstring(data)
    assert _flat(tree.findtext(".//title")) == _flat(title)
    assert _flat(tree.xpath("//h1")[0].text_content()) == _flat(title)
    for n, text in enumerate(texts):
        claim = tree.get_element_by_id(f"claim-gen-{n}")
        # The claim's "#" link to itself (added by the HTML export) follows the claim's
        # element; less the note numbers, the element is what a reader sees of the claim.
        assert not claim.xpath(".//a[@class='claim-link']"), n
        link = claim.getnext()
        assert link is not None and link.get("href") == f"#claim-gen-{n}", n
        for ref in claim.xpath(".//a[contains(@class, 'footnote-ref')]"):
            ref.drop_tree()
        assert _flat(claim.text_content()) == expected_claim(text), n


def check_docx(data: bytes, texts: list[str], title: str) -> None:
    doc = Document(io.BytesIO(data))
    paragraphs = [_flat(p.text) for p in doc.paragraphs]
    assert _flat(title) in paragraphs
    for n, text in enumerate(texts):
        assert expected_claim(text) in paragraphs, n
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None


def pdf_parts(text: str, drawable: frozenset[str]) -> tuple[list[str], Counter[str]]:
    """What of a text a PDF's extracted text must show, NFKC-normalised: its runs of
    left-to-right letters in order, and its other letters and digits as a bag.

    Extraction is loose: it gives right-to-left runs (and digits next to them) in visual
    order, splits lines anywhere and returns ligatures and composed forms as it likes.
    """
    text = unicodedata.normalize("NFKC", text)
    runs, rest = [], Counter()
    run = ""
    for c in text:
        letter = c in drawable and unicodedata.category(c)[0] in "LN"
        if letter and unicodedata.bidirectional(c) == "L" and unicodedata.category(c)[0] == "L":
            run += c
            continue
        if run:
            runs.append(run)
            run = ""
        if letter:
            rest[c] += 1
    if run:
        runs.append(run)
    return runs, rest


def check_pdf(data: bytes, texts: list[str], title: str) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page_text = "".join(page.extract_text() or "" for page in pdf.pages)
        assert _flat(pdf.metadata.get("Title", "")) == _flat(title)
    bare = re.sub(r"\s+", "", unicodedata.normalize("NFKC", page_text))
    drawable = font_characters()
    everything = Counter(bare)
    for n, text in enumerate(texts):
        runs, rest = pdf_parts(text, drawable)
        for run in runs:
            assert run in bare, (n, run)
        assert not rest - everything, (n, rest - everything)


@pytest.mark.slow
@BUILD_SETTINGS
@given(
    texts=st.lists(printable_text(ANY_PRINTABLE, 60), min_size=1, max_size=25),
    title=printable_text(ANY_PRINTABLE, 60),
)
@example(
    texts=["a .", "[x](javascript:x) `y`{=html}", "\\", "*", "---", "1. ", "<b>"], title="false"
)
# pandoc's HTML writer adds U+FE0E after ↩ and ↔ (found by the search, issue 16).
@example(texts=["↩", "a ↩\ufe0e b", "↩\ufe0f", "↔ ↩↩", "[]{}"], title="↩")
def test_any_printable_claim_is_literal_in_html_and_docx(texts: list[str], title: str) -> None:
    """Any script at all: the PDF needs a font for it, HTML and DOCX do not."""
    out = build_batch(texts, title, ("html", "docx"))
    check_html(out["html"], texts, title)
    check_docx(out["docx"], texts, title)


@pytest.mark.slow
@BUILD_SETTINGS
@given(
    texts=st.lists(printable_text(in_fonts(), 60), min_size=1, max_size=25),
    title=printable_text(in_fonts(), 40),
)
@example(texts=["true", "\\`x\\`{=latex} $$", "ﬁne", "@alpha-2020", "a\u00a0b"], title="true")
def test_drawable_claim_is_literal_in_every_output(texts: list[str], title: str) -> None:
    out = build_batch(texts, title, ("html", "pdf", "docx"))
    check_html(out["html"], texts, title)
    check_docx(out["docx"], texts, title)
    check_pdf(out["pdf"], texts, title)


# pandoc's HTML writer adds U+FE0E (text presentation) after ↩ and ↔; the HTML export takes
# it off again, and an editor's own selector stays (the search found this, issue 16).
ARROWS = ["↩", "a ↩\ufe0e b", "↩\ufe0f", "↔ ↩↩", "↩\ufe0e\ufe0e", "x↔\ufe0e"]


@pytest.mark.parametrize("text", ARROWS)
def test_arrows_print_with_the_selectors_the_editor_wrote(text: str, tmp_path: Path) -> None:
    markdown = f"{escape_markdown(text)}[^1]\n\n[^1]: A note.\n"
    page, _ = pandoc.convert(markdown, "html5", cwd=tmp_path)
    page = drop_added_selectors(page).decode("utf-8")
    tree = lxml_html.fragment_fromstring(page, create_parent="div")
    back = tree.xpath("//a[contains(@class, 'footnote-back')]")
    assert [a.text_content() for a in back] == ["↩\ufe0e"]  # never an emoji
    for a in [*back, *tree.xpath("//a[contains(@class, 'footnote-ref')]")]:
        a.drop_tree()
    assert tree.xpath("string(p)") == text
    docx, _ = pandoc.convert(markdown, "docx", cwd=tmp_path, output=tmp_path / "a.docx")
    assert Document(io.BytesIO(docx)).paragraphs[0].text == text


# --- 2. quote matching ---------------------------------------------------------------------

# Letters and digits only: every character is its own NFKC form and none is punctuation
# the matcher forgives (quotes, dashes, brackets, ellipses), so a changed word is a change.
WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßжΩı"
assert all(unicodedata.normalize("NFKC", c) == c for c in WORD_CHARS)
words = st.text(WORD_CHARS, min_size=1, max_size=7)
paragraphs = st.lists(st.lists(words, min_size=1, max_size=12), min_size=1, max_size=6)
gaps = st.sampled_from([" ", "  ", "\n", " \n ", "\t", "\u00a0", "\u2003"])


def source_of(paras: list[list[str]]) -> tuple[SourceText, list[str], list[int]]:
    """The archived text, its words in order, and the paragraph (1-based) of each word."""
    text = "\n\n".join(" ".join(p) for p in paras) + "\n"
    flat = [w for p in paras for w in p]
    para_of = [n for n, p in enumerate(paras, start=1) for _ in p]
    return SourceText.from_bytes(text.encode()), flat, para_of


def occurs(needle: list[str], hay: list[str]) -> bool:
    """Whether `needle` is a run of whole words of `hay`."""
    return any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))


@MATCH_SETTINGS
@given(paras=paragraphs, data=st.data())
def test_every_exact_run_of_words_is_found(paras: list[list[str]], data: st.DataObject) -> None:
    source, flat, para_of = source_of(paras)
    assume(len(flat) >= 3)
    start = data.draw(st.integers(0, len(flat) - 3), label="start")
    length = data.draw(st.integers(3, len(flat) - start), label="length")
    joins = data.draw(st.lists(gaps, min_size=length - 1, max_size=length - 1), label="gaps")
    quote = flat[start] + "".join(
        g + w for g, w in zip(joins, flat[start + 1 : start + length], strict=True)
    )
    match = source.find(quote)
    assert match is not None
    assert match.para <= para_of[start]
    # And in the paragraph where this run starts, when told to look there.
    assert source.find(quote, para=para_of[start]) is not None


CHANGES: dict[str, Callable[[list[str], int, str], list[str]]] = {
    "substitute": lambda q, i, w: [*q[:i], w, *q[i + 1 :]],
    "insert": lambda q, i, w: [*q[:i], w, *q[i:]],
    "delete": lambda q, i, w: [*q[:i], *q[i + 1 :]],
    "swap-case": lambda q, i, w: [*q[:i], q[i].swapcase(), *q[i + 1 :]],
    "drop-letter": lambda q, i, w: [*q[:i], q[i][1:] or w, *q[i + 1 :]],
    "add-letter": lambda q, i, w: [*q[:i], q[i] + w[0], *q[i + 1 :]],
}


@MATCH_SETTINGS
@given(paras=paragraphs, change=st.sampled_from(sorted(CHANGES)), other=words, data=st.data())
def test_every_single_word_change_is_rejected(
    paras: list[list[str]], change: str, other: str, data: st.DataObject
) -> None:
    source, flat, _ = source_of(paras)
    assume(len(flat) >= 4)
    start = data.draw(st.integers(0, len(flat) - 4), label="start")
    length = data.draw(st.integers(4, min(len(flat) - start, 10)), label="length")
    quote = flat[start : start + length]
    # A middle word: a change at either end is a question of word edges (tested below).
    at = data.draw(st.integers(1, length - 2), label="at")
    changed = CHANGES[change](quote, at, other)
    assume(changed != quote)
    # A change that happens to spell another passage of the source is not a misquote; nor,
    # here, one found inside longer words (see the word-edge test).
    assume(not occurs(changed, flat))
    assume(" ".join(changed) not in source.joined)
    assert source.find(" ".join(changed)) is None, (change, changed)


# Quotes start and end on word edges: "legal to fish" is not in "illegal to fish".


def test_a_quote_of_whole_words_inside_a_sentence_is_found() -> None:
    text = SourceText.from_bytes(b"Officials said the islands are ours to keep.")
    assert text.find("the islands are ours") is not None


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("legal to fish in these waters", "It is illegal to fish in these waters."),
        ("the agreement will settle the dispute", "the agreement will settle the disputed line"),
    ],
)
def test_a_quote_is_whole_words(quote: str, source: str) -> None:
    assert SourceText.from_bytes(source.encode()).find(quote) is None


@MATCH_SETTINGS
@given(paras=paragraphs, data=st.data())
def test_cutting_letters_off_an_end_word_is_rejected(
    paras: list[list[str]], data: st.DataObject
) -> None:
    source, flat, _ = source_of(paras)
    assume(len(flat) >= 3 and any(len(w) > 1 for w in flat[1:-1]))
    start = data.draw(st.integers(1, len(flat) - 2), label="start")
    assume(len(flat[start]) > 1)
    length = data.draw(st.integers(3, max(3, len(flat) - start)), label="length")
    quote = flat[start : start + length]
    assume(len(quote) >= 3)
    cut = [quote[0][1:], *quote[1:]]  # "illegal ..." quoted as "llegal ..."
    assume(not occurs(cut, flat))
    assert source.find(" ".join(cut)) is None
