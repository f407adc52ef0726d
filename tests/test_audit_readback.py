"""The audit read back from small outputs kept in the tree (fast: no render).

tests/fixtures/audit/ holds two briefs rendered once by its make.py with the real pandoc and
WeasyPrint: `notes` (footnote citations; a Japanese claim, a Russian quote) and
`author-date` (APA; a claim with a character no font has), each as HTML, PDF and DOCX,
with what the audit reads of their render (<brief>.json), and notes-tampered.pdf, whose
print page was altered before WeasyPrint. The tests alter copies of the others here.
`test_fixtures_are_current` (slow) rebuilds them all and checks the audit agrees.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from briefwright import pandoc
from briefwright.audit import (
    _visual,
    audit_glyphs,
    audit_intermediate,
    audit_output,
    docx_bookmark,
    source_markers,
    to_unicode_map,
    unembedded_characters,
)
from briefwright.problems import BriefwrightError
from briefwright.render import Rendered

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
TEMPLATE = "templates/policy-brief/brief.md.j2"
PUA = "\ue000"  # a private-use character: no font has a glyph for it


@functools.cache
def rendered(brief: str, folder: Path = FIXTURES) -> Rendered:
    """The fixture's render as the audit sees it (what <brief>.json keeps)."""
    kept = json.loads((folder / f"{brief}.json").read_text("utf-8"))
    return Rendered(
        template_path=TEMPLATE,
        template_dir=Path("templates/policy-brief"),
        title="Audit fixture",
        lang="en",
        style=Path("style.csl"),
        figure_svg=None,
        provenance=[],
        **{
            **kept,
            "claim_ids": tuple(kept["claim_ids"]),
            "claim_sources": {k: tuple(v) for k, v in kept["claim_sources"].items()},
            "claim_where": {k: tuple(v) for k, v in kept["claim_where"].items()},
        },
    )


def output(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def dropped(brief: str, fmt: str, data: bytes, path: str = "briefings/x.yaml") -> list:
    """(claim id, why) of each `citation-dropped` problem, checking what every one shares."""
    r = rendered(brief)
    found = []
    for p in audit_output(r, fmt, data, path):
        assert (p.path, p.code, p.level) == (path, "citation-dropped", "error"), p
        assert (p.line, p.col) == r.claim_where[p.id], p
        head = f"claim '{p.id}' reached the {fmt.upper()} output of brief '{brief}' without "
        assert p.message.startswith(head + "its citation: "), p.message
        assert f"[...]{{#claim-{p.id}}}" in p.hint and TEMPLATE in p.hint
        found.append((p.id, p.message.removeprefix(head + "its citation: ")))
    return found


def replace(r: Rendered, **changes: Any) -> Rendered:
    return dataclasses.replace(r, **changes)


# --- intact outputs pass ------------------------------------------------------------------


@pytest.mark.parametrize(
    "brief,fmt",
    [(b, f) for b in ("notes", "author-date") for f in ("html", "docx")] + [("notes", "pdf")],
)
def test_an_intact_output_passes_the_audit(brief: str, fmt: str) -> None:
    assert audit_output(rendered(brief), fmt, output(f"{brief}.{fmt}"), "b.yaml") == []


@pytest.mark.parametrize("brief", ["notes", "author-date"])
def test_an_intact_intermediate_passes_the_audit(brief: str) -> None:
    assert audit_intermediate(rendered(brief)) == []


def test_the_fixtures_have_the_cases_the_audit_must_handle() -> None:
    # Guards the tests below against a rebuilt fixture that lost what they rely on.
    notes, author_date = rendered("notes"), rendered("author-date")
    assert notes.note_style and not author_date.note_style
    assert notes.claim_sources["boats-and-jets"] == ("alpha-2020", "beta-2019")
    assert "漁業交渉" in notes.claim_text["fishery-talks-resume"]
    assert PUA in author_date.claim_text["private-sign"]
    assert len(PdfReader(io.BytesIO(output("notes-tampered.pdf"))).pages) == 3


# --- the intermediate (pandoc's parse of the template's output) ---------------------------

TALKS = "- [The talks lasted 21 months [@alpha-2020, ¶ 3]\\.]{#claim-talks-length .claim .fact}\n"


def intermediate(markdown: str) -> list[tuple[str, int, str | None, str, str | None]]:
    r = rendered("notes")
    assert TALKS in r.markdown
    found = audit_intermediate(replace(r, markdown=markdown))
    assert {(p.code, p.level) for p in found} <= {("citation-dropped", "error")}
    return [(p.path, (p.line, p.col), p.id, p.message, p.hint) for p in found]


def test_an_intermediate_claim_without_its_citation_is_blamed_on_brief_and_template() -> None:
    r = rendered("notes")
    uncited = r.markdown.replace(TALKS, TALKS.replace(" [@alpha-2020, ¶ 3]", ""))
    why = "no citation of 'alpha-2020'"
    assert intermediate(uncited) == [
        (
            r.brief_path,
            r.claim_where["talks-length"],
            "talks-length",
            "claim 'talks-length' reached the intermediate output of brief 'notes' without "
            f"its citation: {why}",
            "the template templates/policy-brief/brief.md.j2 must print each claim inside "
            "[...]{#claim-talks-length} together with its citation",
        ),
        (
            TEMPLATE,
            (1, 1),
            "talks-length",
            f"template dropped the citation of claim 'talks-length' in brief 'notes' ({why})",
            "print claims with the claim() macro, which adds their citations",
        ),
    ]


def test_an_intermediate_claim_needs_its_element_and_every_source() -> None:
    r = rendered("notes")
    gone = r.markdown.replace(TALKS, "- The talks lasted 21 months [@alpha-2020, ¶ 3].\n")
    assert [(m[2], m[3].split(": ")[-1]) for m in intermediate(gone)][::2] == [
        ("talks-length", "no element with id claim-talks-length")
    ]
    one = r.markdown.replace("[@alpha-2020, ¶ 2; @beta-2019, ¶ 2]", "[@alpha-2020, ¶ 2]")
    assert [(m[2], m[3].split(": ")[-1]) for m in intermediate(one)][::2] == [
        ("boats-and-jets", "no citation of 'beta-2019'")
    ]
    none = r.markdown.replace(" [@alpha-2020, ¶ 2; @beta-2019, ¶ 2]", "")
    assert [(m[2], m[3].split(": ")[-1]) for m in intermediate(none)][::2] == [
        ("boats-and-jets", "no citation of 'alpha-2020', 'beta-2019'")
    ]


def test_an_intermediate_claim_may_be_a_block() -> None:
    r = rendered("notes")
    block = "::: {#claim-talks-length .claim}\nThe talks lasted 21 months [@alpha-2020].\n:::\n"
    assert intermediate(r.markdown.replace(TALKS, "") + "\n" + block) == []
    uncited = block.replace(" [@alpha-2020]", "")
    assert [m[2] for m in intermediate(r.markdown.replace(TALKS, "") + "\n" + uncited)] == [
        "talks-length",
        "talks-length",
    ]


def fake_pandoc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    tool = tmp_path / "pandoc"
    tool.write_text(f"#!/bin/sh\n{script}\n", "utf-8")
    tool.chmod(0o755)
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(tool))


def test_a_pandoc_that_fails_or_prints_no_ast_is_named_in_the_error(tmp_path, monkeypatch):
    fake_pandoc(tmp_path, monkeypatch, "echo 'not JSON at all'")
    with pytest.raises(BriefwrightError) as caught:
        audit_intermediate(rendered("notes"))
    assert str(caught.value).startswith("pandoc (audit) printed no readable JSON AST (")
    assert str(caught.value).endswith("its output began b'not JSON at all\\n'")
    fake_pandoc(tmp_path, monkeypatch, "printf '%0100d' 0")  # the message shows 60
    with pytest.raises(BriefwrightError) as caught:
        audit_intermediate(rendered("notes"))
    assert str(caught.value).endswith(f"its output began {b'0' * 60!r}")
    fake_pandoc(tmp_path, monkeypatch, "echo broken >&2; exit 3")
    with pytest.raises(BriefwrightError, match=r"^pandoc \(audit\) failed \(exit 3\): broken$"):
        audit_intermediate(rendered("notes"))


# --- PDF: each way a claim can be lost ----------------------------------------------------


def test_a_tampered_pdf_names_each_claim_it_lost_and_how() -> None:
    # make.py's tamper(): talks-length's anchor renamed, scrambles reworded, boats-and-jets
    # broken across the page end with beta-2019 out of its note (alpha-2020 is named only
    # on page 2), fishery-talks-resume on page 2 untouched, the quote on page 3.
    assert dropped("notes", "pdf", output("notes-tampered.pdf")) == [
        ("talks-length", "no named destination claim-talks-length"),
        ("scrambles", "its text is not on page 1"),
        ("boats-and-jets", "no citation of 'beta-2019' on page 1"),
    ]


def test_a_claim_must_start_on_the_page_of_its_anchor() -> None:
    # notes-tampered.pdf prints "...and Japan scrambled jets 390 times in 2019" at the top
    # of page 2, after its page break; scrambles is anchored on page 1, which does not
    # print these words: their being on the next page is not enough.
    r = rendered("notes")
    text = {**r.claim_text, "scrambles": "and Japan scrambled jets 390 times in 2019."}
    found = audit_output(replace(r, claim_text=text), "pdf", output("notes-tampered.pdf"), "b")
    assert [(p.id, p.message.split(": ")[-1]) for p in found][1] == (
        "scrambles",
        "its text is not on page 1",
    )


def tampered_with(**changes: Any) -> list[tuple[str, str]]:
    """(claim id, why) for notes-tampered.pdf read with the claims' data changed."""
    r = rendered("notes")
    changed = {k: {**getattr(r, k), **v} for k, v in changes.items()}
    found = audit_output(replace(r, **changed), "pdf", output("notes-tampered.pdf"), "b")
    return [(p.id, p.message.split(": ")[-1]) for p in found]


def test_a_pdf_claim_is_looked_for_on_its_page_and_the_next_only() -> None:
    # Page 3 holds the Russian quote, its note naming Иванова (moskva-2021), and "April 5".
    pages = [
        p.get_textpage().get_text_range()
        for p in pypdfium2.PdfDocument(output("notes-tampered.pdf"))
    ]
    assert "Иванова" in pages[2] and "Иванова" not in pages[0] + pages[1]
    assert "5" in pages[2] and "5" not in pages[0] + pages[1]
    # A source named two pages on is not a citation on page 1.
    assert tampered_with(claim_sources={"boats-and-jets": ("alpha-2020", "moskva-2021")}) == [
        ("talks-length", "no named destination claim-talks-length"),
        ("scrambles", "its text is not on page 1"),
        ("boats-and-jets", "no citation of 'moskva-2021' on page 1"),
    ]
    # Nor is a figure printed two pages on, or the end of a claim's words.
    for text in ("Something else was printed 5.", "Something else was printed. Мы готовы"):
        assert tampered_with(claim_text={"scrambles": text})[1] == (
            "scrambles",
            "its text is not on page 1",
        ), text


def test_ibid_on_the_page_is_a_citation_in_a_footnote_style_pdf() -> None:
    # The quote's note on page 3 begins "Ibid.": for fishery-talks-resume (page 2) any
    # source counts as named in a footnote style, none in an author-date one.
    sources = {"fishery-talks-resume": ("tokyo-2021", "gamma-2022")}
    assert [c for c, _ in tampered_with(claim_sources=sources)] == [
        "talks-length",
        "scrambles",
        "boats-and-jets",
    ]
    r = rendered("notes")
    author_date = replace(r, note_style=False, claim_sources={**r.claim_sources, **sources})
    found = audit_output(author_date, "pdf", output("notes-tampered.pdf"), "b")
    assert (found[-1].id, found[-1].message.split(": ")[-1]) == (
        "fishery-talks-resume",
        "no citation of 'gamma-2022' on page 2",
    )


def test_a_claim_broken_by_the_page_end_needs_eight_letters_on_its_page() -> None:
    # Page 1 of notes-tampered.pdf ends "...covered 1,200 boats,"; page 2 goes on "and
    # Japan scrambled jets 390 times in 2019". Eight letters on page 1 are enough to
    # recognise a claim's start (its citation is then what is missing), seven are not.
    found = tampered_with(claim_text={"scrambles": "red boats, and Japan scrambled jets"})
    assert found[1] == ("scrambles", "no citation of 'beta-2019' on page 1")
    found = tampered_with(claim_text={"scrambles": "ed boats, and Japan scrambled jets"})
    assert found[1] == ("scrambles", "its text is not on page 1")
    # Two letters on the next page are enough to end it.
    found = tampered_with(claim_text={"scrambles": "red boats, an"})
    assert found[1] == ("scrambles", "no citation of 'beta-2019' on page 1")


def test_a_pdf_claim_must_show_its_figures_not_only_its_words() -> None:
    # Digits are compared as a bag of the page and the next (right-to-left runs come out
    # in visual order), but they are compared: notes.pdf prints no 7 and no 8.
    r = rendered("notes")
    text = {**r.claim_text, "talks-length": "The talks lasted 78 months."}
    found = audit_output(replace(r, claim_text=text), "pdf", output("notes.pdf"), "b.yaml")
    assert [(p.id, p.message.split(": ")[-1]) for p in found] == [
        ("talks-length", "its text is not on page 1")
    ]


def test_a_pdf_claim_must_show_a_citation_of_every_source_it_relies_on() -> None:
    r = rendered("notes")
    sources = {**r.claim_sources, "talks-length": ("alpha-2020", "gamma-2022", "delta-2023")}
    found = audit_output(replace(r, claim_sources=sources), "pdf", output("notes.pdf"), "b.yaml")
    assert [(p.id, p.message.split(": ")[-1]) for p in found] == [
        ("talks-length", "no citation of 'gamma-2022', 'delta-2023' on page 1")
    ]


def test_right_to_left_letters_and_digits_are_compared_as_a_bag() -> None:
    # PDF text gives right-to-left runs in visual order; only left-to-right letters keep
    # theirs. Private: no fixture prints Hebrew (the template ships no font for it).
    assert _visual("abc12") == ("abc", Counter("12"))
    assert _visual("abc") == ("abc", Counter())
    assert _visual("ab\u05e9\u05dc\u05d5\u05dd3") == ("ab", Counter("\u05e9\u05dc\u05d5\u05dd3"))
    assert _visual("日本語") == ("日本語", Counter())


def test_a_pdf_citation_with_figures_is_found_in_visual_order() -> None:
    # PDF text puts digits (and right-to-left runs) in visual order, so a marker holding
    # a figure, like a title "2019 Defense White Paper", is compared as letters in order
    # plus a bag of the rest. notes.pdf prints "March 2020, para. 3" in alpha-2020's note.
    r = rendered("notes")
    items = [i for i in r.csl_json if i["id"] != "alpha-2020"]
    items.append({"id": "alpha-2020", "title": "March 2020, para"})
    assert source_markers(replace(r, csl_json=items))["alpha-2020"] == {"march2020para"}
    found = audit_output(replace(r, csl_json=items), "pdf", output("notes.pdf"), "b.yaml")
    assert found == []
    items[-1] = {"id": "alpha-2020", "title": "March 1787, para"}
    found = audit_output(replace(r, csl_json=items), "pdf", output("notes.pdf"), "b.yaml")
    assert [(p.id, p.message.split(": ")[-1]) for p in found] == [
        (c, "no citation of 'alpha-2020' on page 1")
        for c in r.claim_ids
        if "alpha-2020" in r.claim_sources[c]
    ]


def test_the_pdf_audit_reports_dropped_citations_before_missing_glyphs() -> None:
    r = rendered("author-date")
    text = {**r.claim_text, "talks-length": "The talks lasted 78 months."}
    found = audit_output(replace(r, claim_text=text), "pdf", output("author-date.pdf"), "b.yaml")
    assert [(p.code, p.id) for p in found] == [
        ("citation-dropped", "talks-length"),
        ("missing-glyph", "private-sign"),
    ]


def test_a_claim_the_pdf_never_anchored_is_reported() -> None:
    r = rendered("notes")
    more = replace(
        r,
        claim_ids=(*r.claim_ids, "ghost"),
        claim_text={**r.claim_text, "ghost": "Nothing printed this."},
        claim_sources={**r.claim_sources, "ghost": ("alpha-2020",)},
        claim_where={**r.claim_where, "ghost": (9, 3)},
    )
    [problem] = audit_output(more, "pdf", output("notes.pdf"), "b.yaml")
    assert (problem.id, problem.line, problem.col) == ("ghost", 9, 3)
    assert problem.message.endswith("without its citation: no named destination claim-ghost")


def pointing_nowhere(name: str) -> bytes:
    """notes.pdf with the named destination `name` made to point at no page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(output("notes.pdf"))))
    names = writer._root_object["/Names"]["/Dests"].get_object()["/Names"]
    at = list(names).index(name)
    names[at + 1].get_object()[0] = TextStringObject("nowhere")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_destination_pointing_nowhere_is_no_destination() -> None:
    # The title's (the first) broken: the claims' destinations after it are still read.
    assert audit_output(rendered("notes"), "pdf", pointing_nowhere("brief-title"), "b") == []
    assert dropped("notes", "pdf", pointing_nowhere("claim-scrambles")) == [
        ("scrambles", "no named destination claim-scrambles")
    ]


def test_a_pdf_that_cannot_be_read_back_is_one_problem() -> None:
    [problem] = audit_output(rendered("notes"), "pdf", output("notes.pdf")[:400], "b.yaml")
    assert (problem.code, problem.level, problem.id, problem.path) == (
        "citation-dropped",
        "error",
        "notes",
        "b.yaml",
    )
    assert (problem.line, problem.col) == (1, 1)
    assert problem.message.startswith(
        "the pdf output of brief 'notes' could not be read back for the citation audit: "
    )


# --- PDF fonts: edited copies of notes.pdf ------------------------------------------------


def edit_fonts(data: bytes, change: Callable[[Any], None]) -> bytes:
    """notes.pdf with `change` applied to each of its (Type0) fonts."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        for ref in page["/Resources"]["/Font"].values():
            change(ref.get_object())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def descriptor(font: Any) -> Any:
    return font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()


def without_program(font: Any) -> None:
    del descriptor(font)[NameObject("/FontFile2")]


def without_text_map(font: Any) -> None:
    del font[NameObject("/ToUnicode")]


def test_a_pdf_whose_text_cannot_be_read_loses_every_claim() -> None:
    # No ToUnicode map and no embedded program: nothing says which letters were drawn.
    def unreadable(font: Any) -> None:
        without_text_map(font)
        without_program(font)

    data = edit_fonts(output("notes.pdf"), unreadable)
    found = dropped("notes", "pdf", data)
    assert found == [(c, "its text is not on page 1") for c in rendered("notes").claim_ids]


def test_a_font_left_out_of_the_pdf_fails_the_glyph_audit() -> None:
    # Without its program a reader draws the font's characters with whatever it has, or
    # as empty boxes: none of them has a glyph in an embedded font.
    def unembed_japanese(font: Any) -> None:
        if str(font["/BaseFont"]).endswith("+Briefwright-Noto-Sans-JP"):
            without_program(font)

    data = edit_fonts(output("notes.pdf"), unembed_japanese)
    r = rendered("notes")
    found = audit_output(r, "pdf", data, "b.yaml")
    assert [(p.code, p.id, (p.line, p.col)) for p in found] == [
        ("missing-glyph", "fishery-talks-resume", r.claim_where["fishery-talks-resume"]),
        ("missing-glyph", "notes", (1, 1)),  # the author and title in its note
    ]
    claim = r.claim_text["fishery-talks-resume"]
    assert all(f"'{c}' (U+{ord(c):04X})" in found[0].message for c in claim)
    assert "of claim 'fishery-talks-resume'" in found[0].message
    assert "(tried Briefwright-Noto-Sans-JP)" in found[0].message
    assert "of the citations or bibliography" in found[1].message
    assert set(unembedded_characters(data)) == set(claim) | set("山田花子日本とロシアの対話")


def test_the_intact_pdf_draws_every_character_with_an_embedded_glyph() -> None:
    assert unembedded_characters(output("notes.pdf")) == {}


# --- glyphs -------------------------------------------------------------------------------


def test_a_character_without_a_glyph_is_named_with_its_claim_and_font() -> None:
    r = rendered("author-date")
    missing = unembedded_characters(output("author-date.pdf"))
    assert list(missing) == [PUA] and missing[PUA].endswith("+DejaVu-Serif")
    [problem] = audit_output(r, "pdf", output("author-date.pdf"), "briefings/x.yaml")
    assert (problem.path, problem.code, problem.level, problem.id) == (
        "briefings/x.yaml",
        "missing-glyph",
        "error",
        "private-sign",
    )
    assert (problem.line, problem.col) == r.claim_where["private-sign"] != (1, 1)
    assert problem.message == (
        f"the PDF of brief 'author-date' prints '{PUA}' (U+E000) of claim 'private-sign' "
        "with no glyph in any embedded font (tried DejaVu-Serif); readers see empty boxes"
    )
    assert problem.hint == (
        "add a font that covers these characters to the template's assets/fonts/ and "
        "fonts.css (see its assets/README.md), or write the text without them"
    )


def edit_serif(change: Callable[[Any], None]) -> bytes:
    """author-date.pdf with `change` applied to DejaVu-Serif (the font that lacks U+E000)."""

    def serif_only(font: Any) -> None:
        if str(font["/BaseFont"]).endswith("+DejaVu-Serif"):
            change(font)

    return edit_fonts(output("author-date.pdf"), serif_only)


def test_the_glyph_audit_reads_every_embedded_program_and_names_fonts_plainly() -> None:
    def as_open_type(font: Any) -> None:
        # A CFF-flavoured OpenType font is embedded as /FontFile3; it is counted the same.
        d = descriptor(font)
        d[NameObject("/FontFile3")] = d.pop("/FontFile2")

    assert list(unembedded_characters(edit_serif(as_open_type))) == [PUA]

    def untagged(font: Any) -> None:  # a font embedded whole has no "ABCDEF+" subset tag
        font[NameObject("/BaseFont")] = NameObject("/DejaVu-Serif")

    data = edit_serif(untagged)
    assert unembedded_characters(data) == {PUA: "/DejaVu-Serif"}
    [problem] = audit_glyphs(rendered("author-date"), data, "b.yaml")
    assert "(tried DejaVu-Serif);" in problem.message


def test_a_font_that_cannot_be_checked_does_not_stop_the_glyph_audit() -> None:
    # Without a ToUnicode map nothing says which character a glyph was drawn for; the
    # fonts after it on the page are still checked.
    def first_without_map(data: bytes) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        fonts = writer.pages[0]["/Resources"]["/Font"]
        first = next(iter(fonts.values())).get_object()
        assert not str(first["/BaseFont"]).endswith("+DejaVu-Serif")
        without_text_map(first)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert list(unembedded_characters(first_without_map(output("author-date.pdf")))) == [PUA]

    def first_mapped(font: Any) -> None:  # ids that are not glyph ids say nothing either
        if str(font["/BaseFont"]).endswith("+Liberation-Sans-Bold"):
            table = DecodedStreamObject()
            table.set_data(bytes(range(256)) * 2)
            font["/DescendantFonts"][0].get_object()[NameObject("/CIDToGIDMap")] = table

    fonts = PdfReader(io.BytesIO(output("author-date.pdf"))).pages[0]["/Resources"]["/Font"]
    assert str(next(iter(fonts.values())).get_object()["/BaseFont"]).endswith("Sans-Bold")
    assert list(unembedded_characters(edit_fonts(output("author-date.pdf"), first_mapped))) == [PUA]


def test_glyph_ids_are_only_judged_when_they_are_the_fonts_own() -> None:
    # A font whose CIDs reach its glyphs through a table: the ids in the ToUnicode map are
    # not glyph ids, so they say nothing about missing glyphs.
    def mapped(font: Any) -> None:
        descendant = font["/DescendantFonts"][0].get_object()
        table = DecodedStreamObject()
        table.set_data(bytes(range(256)) * 2)
        descendant[NameObject("/CIDToGIDMap")] = table

    assert unembedded_characters(edit_serif(mapped)) == {}


def map_glyph(char: str, past_end: int | None = None) -> bytes:
    """author-date.pdf with a DejaVu-Serif glyph also mapped to `char`: glyph 0 (.notdef),
    else the glyph `past_end` places after the font's last one (0: the first id past it)."""

    def remap(font: Any) -> None:
        count = _glyph_count_of(font)
        gid = 0 if past_end is None else count + past_end
        stream = font["/ToUnicode"].get_object()
        extra = f"1 beginbfchar\n<{gid:04X}> <{ord(char):04X}>\nendbfchar\nendcmap"
        cmap = stream.get_data().decode("latin-1").replace("endcmap", extra)
        stream.set_data(cmap.encode("latin-1"))

    return edit_serif(remap)


def _glyph_count_of(font: Any) -> int:
    from fontTools.ttLib import TTFont

    program = descriptor(font)["/FontFile2"].get_object().get_data()
    return TTFont(io.BytesIO(program))["maxp"].numGlyphs


@pytest.mark.parametrize("char", [" ", "\x07", "\u200b"])
def test_an_invisible_character_without_a_glyph_is_not_reported(char: str) -> None:
    # A space, a control or a format character: nobody sees a box where nothing is drawn.
    assert list(unembedded_characters(map_glyph(char))) == [PUA]


def test_a_visible_character_drawn_as_notdef_or_past_the_last_glyph_is_reported() -> None:
    assert sorted(unembedded_characters(map_glyph("Ж"))) == ["Ж", PUA]
    assert sorted(unembedded_characters(map_glyph("Ж", past_end=0))) == ["Ж", PUA]
    assert sorted(unembedded_characters(map_glyph("Ж", past_end=-1))) == [PUA]


def test_a_font_without_a_cid_map_maps_cids_to_glyphs_one_to_one() -> None:
    # /CIDToGIDMap is optional and /Identity by default: such a font is checked.
    def no_map(font: Any) -> None:
        del font["/DescendantFonts"][0].get_object()[NameObject("/CIDToGIDMap")]

    assert list(unembedded_characters(edit_serif(no_map))) == [PUA]


def test_a_font_without_a_name_is_shown_as_a_question_mark() -> None:
    def nameless(font: Any) -> None:
        del font[NameObject("/BaseFont")]

    data = edit_serif(nameless)
    assert unembedded_characters(data) == {PUA: "?"}
    [problem] = audit_glyphs(rendered("author-date"), data, "b.yaml")
    assert "(tried ?);" in problem.message


def test_every_character_and_font_is_listed_in_order() -> None:
    # With no font embedded, each claim's problem lists all its characters, sorted, and
    # every font that drew them, sorted.
    def unembedded(font: Any) -> None:
        without_program(font)

    r = rendered("notes")
    found = audit_output(r, "pdf", edit_fonts(output("notes.pdf"), unembedded), "b.yaml")
    by_claim = {p.id: p.message for p in found if p.id in r.claim_ids}
    assert sorted(by_claim) == sorted(r.claim_ids)
    for claim_id, message in by_claim.items():
        shown = re.search(r"prints (.*) of claim", message)
        assert shown is not None, message
        chars = {c for c in r.claim_text[claim_id] if not c.isspace()}
        assert shown[1] == ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars))
    fonts = re.search(r"\(tried (.*)\);", by_claim["talks-length"])
    assert fonts is not None and len(fonts[1].split(", ")) > 1
    assert fonts[1].split(", ") == sorted(fonts[1].split(", "))
    assert "+" not in fonts[1] and "/" not in fonts[1]


def in_a_figure(data: bytes, *, twice: bool = False) -> bytes:
    """The PDF with its page fonts moved into a form XObject (as a figure draws text)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    resources = writer.pages[0]["/Resources"]
    form = DecodedStreamObject()
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/Resources"): DictionaryObject({NameObject("/Font"): resources["/Font"]}),
        }
    )
    ref = writer._add_object(form)
    if twice:  # a form that draws itself: the audit must not go round forever
        form["/Resources"][NameObject("/XObject")] = DictionaryObject({NameObject("/Me"): ref})
    bare = DecodedStreamObject()  # a form drawing nothing needs no resources
    bare.update({NameObject("/Subtype"): NameObject("/Form")})
    xobjects = resources.get("/XObject") or DictionaryObject()
    xobjects[NameObject("/Blank")] = writer._add_object(bare)
    xobjects[NameObject("/Figure1")] = ref
    resources[NameObject("/XObject")] = xobjects
    del resources[NameObject("/Font")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_fonts_of_a_figure_are_checked_too() -> None:
    assert list(unembedded_characters(in_a_figure(output("author-date.pdf")))) == [PUA]
    looped = in_a_figure(output("author-date.pdf"), twice=True)
    assert list(unembedded_characters(looped)) == [PUA]


def glyph_places(r: Rendered) -> list[tuple[str, str, tuple[int, int]]]:
    """(id, where the message says the character is printed, line and column)."""
    found = audit_glyphs(r, output("author-date.pdf"), "b.yaml")
    assert {p.code for p in found} <= {"missing-glyph"}
    return [(p.id, _place(p.message), (p.line, p.col)) for p in found]


def _place(message: str) -> str:
    found = re.search(r"\(U\+E000\) of (.*) with no glyph", message)
    return found[1] if found else message


def test_a_missing_glyph_is_placed_in_each_claim_that_prints_it() -> None:
    r = rendered("author-date")
    text = {**r.claim_text, "talks-length": f"{PUA} {r.claim_text['talks-length']}"}
    assert glyph_places(replace(r, claim_text=text)) == [
        ("private-sign", "claim 'private-sign'", r.claim_where["private-sign"]),
        ("talks-length", "claim 'talks-length'", r.claim_where["talks-length"]),
    ]


@pytest.mark.parametrize(
    "block,place",
    [
        (f'::: {{#quote-ja-door .notable-quote}}\n"{PUA}"\n:::', "quote 'ja-door'"),
        (f"[{PUA}]{{#option-talk-more}}", "option 'talk-more'"),
        (f"[{PUA}]{{#position-japan}} and [x]{{#quote-later}}", "position 'japan'"),
        (f"A heading with {PUA}", "the brief's own text"),
    ],
)
def test_a_missing_glyph_outside_claims_is_placed_in_the_brief_item(block, place) -> None:
    r = rendered("author-date")
    text = {k: v.replace(PUA, "") for k, v in r.claim_text.items()}
    earlier = "::: {#quote-earlier .notable-quote}\nNothing unusual.\n:::"
    markdown = r.markdown.replace(PUA, "") + f"\n\n{earlier}\n\n{block}\n\nAfter.\n"
    assert glyph_places(replace(r, claim_text=text, markdown=markdown)) == [
        ("author-date", place, (1, 1))
    ]


def test_a_missing_glyph_printed_nowhere_in_the_brief_is_in_the_citations() -> None:
    r = rendered("author-date")
    text = {k: v.replace(PUA, "") for k, v in r.claim_text.items()}
    bare = replace(r, claim_text=text, markdown=r.markdown.replace(PUA, ""))
    assert glyph_places(bare) == [("author-date", "the citations or bibliography", (1, 1))]


def test_a_tounicode_map_reads_single_codes_ranges_and_surrogate_pairs() -> None:
    cmap = """/CIDInit /ProcSet findresource begin
2 beginbfchar
<0003> <0041>
<01A0>   <D83DDE00>
endbfchar
1 beginbfrange
<0010> <0012> <0061>
endbfrange
1 beginbfchar
<0004><00660069>
endbfchar
endcmap"""
    assert to_unicode_map(cmap) == {
        3: "A",
        0x1A0: "\U0001f600",
        0x10: "a",
        0x11: "b",
        0x12: "c",
        4: "fi",
    }
    assert to_unicode_map("no maps here") == {}
    # A broken entry (half a surrogate pair) reads as U+FFFD instead of failing the audit.
    assert to_unicode_map("beginbfchar\n<0005> <D800>\nendbfchar") == {5: "\ufffd"}


# --- HTML: edited copies ------------------------------------------------------------------


def within(text: str, start: str, end: str, old: str, new: str) -> str:
    """`text` with `old` replaced by `new` once, between `start` and the next `end`."""
    head, found, rest = text.partition(start)
    body, found_end, tail = rest.partition(end)
    assert found and found_end and body.count(old) == 1, (start, old)
    return head + start + body.replace(old, new) + end + tail


def html(brief: str, old: str, new: str, claim: str | None = None) -> bytes:
    page = output(f"{brief}.html").decode("utf-8")
    if claim is not None:
        return within(page, f'id="claim-{claim}"', "claim-link", old, new).encode("utf-8")
    assert page.count(old) == 1, old
    return page.replace(old, new).encode("utf-8")


def test_an_html_claim_without_its_element_text_or_citation_is_reported() -> None:
    renamed = html("notes", 'id="claim-scrambles"', 'id="claim-other"')
    assert dropped("notes", "html", renamed) == [
        ("scrambles", "no element with id claim-scrambles")
    ]
    reworded = html("notes", "The talks lasted 21 months.", "The talks went on.")
    assert dropped("notes", "html", reworded) == [("talks-length", "the claim's text is missing")]
    one_source = html("notes", 'data-cites="alpha-2020 beta-2019"', 'data-cites="alpha-2020"')
    assert dropped("notes", "html", one_source) == [
        ("boats-and-jets", "no citation of 'beta-2019'")
    ]
    uncited = html("author-date", 'class="citation" data-cites="beta-2019"', 'class="x"')
    assert dropped("author-date", "html", uncited) == [("scrambles", "no citation of 'beta-2019'")]


def test_every_html_claim_with_an_empty_citation_is_reported() -> None:
    page = output("notes.html").decode("utf-8")
    for n in (1, 2):
        note = re.search(rf'(<li id="fn{n}">)(.*?)(<a href="#fnref{n}")', page, re.S)
        assert note is not None
        page = page[: note.start(2)] + "<p>" + page[note.end(2) :]
    assert dropped("notes", "html", page.encode()) == [
        ("talks-length", "its citation is empty"),
        ("scrambles", "its citation is empty"),
    ]


def test_each_html_claim_is_checked_after_another_fails() -> None:
    page = output("notes.html").decode("utf-8")
    for old, new in [
        ('id="claim-talks-length"', 'id="claim-other"'),
        ('fact">Japan scrambled jets 390 times in 2019.<', 'fact">Something else.<'),
        ('data-cites="alpha-2020 beta-2019"', 'data-cites="alpha-2020"'),
        ('href="#fn4"', 'href="#fn99"'),
    ]:
        assert page.count(old) == 1, old
        page = page.replace(old, new)
    assert dropped("notes", "html", page.encode()) == [
        ("talks-length", "no element with id claim-talks-length"),
        ("scrambles", "the claim's text is missing"),
        ("boats-and-jets", "no citation of 'beta-2019'"),
        ("fishery-talks-resume", "its citation is empty"),
    ]


def test_an_html_claim_names_every_missing_source() -> None:
    uncited = html("notes", 'data-cites="alpha-2020 beta-2019"', 'data-cites=""')
    assert dropped("notes", "html", uncited) == [
        ("boats-and-jets", "no citation of 'alpha-2020', 'beta-2019'")
    ]


def test_an_html_citation_whose_notes_are_all_empty_is_empty() -> None:
    page = output("notes.html").decode("utf-8")
    ref = '<a href="#fn3" class="footnote-ref" id="fnref3" role="doc-noteref"><sup>3</sup></a>'
    assert page.count(ref) == 1
    page = page.replace(ref, ref + ref.replace("fn3", "fn4").replace("fnref3", "fnref3b"))
    for n in (3, 4):
        note = re.search(rf'(<li id="fn{n}">)(.*?)(<a href="#fnref{n}")', page, re.S)
        assert note is not None
        page = page[: note.start(2)] + "<p>" + page[note.end(2) :]
    assert dropped("notes", "html", page.encode()) == [
        ("boats-and-jets", "its citation is empty"),
        ("fishery-talks-resume", "its citation is empty"),  # note 4 is its own
    ]


def test_an_emptied_html_footnote_or_in_text_citation_is_reported() -> None:
    page = output("notes.html").decode("utf-8")
    note = re.search(r'(<li id="fn2">)(.*?)(<a href="#fnref2")', page, re.S)
    assert note is not None and "Beta Review" in note[2]
    emptied = page[: note.start(2)] + "<p>" + page[note.end(2) :]
    assert dropped("notes", "html", emptied.encode()) == [("scrambles", "its citation is empty")]
    # A note reference leading nowhere is no citation either.
    nowhere = html("notes", 'href="#fn2"', 'href="#fn99"')
    assert dropped("notes", "html", nowhere) == [("scrambles", "its citation is empty")]
    in_text = html(
        "author-date",
        '<a href="#ref-alpha-2020" role="doc-biblioref">Author, 2020, para. 3</a>)',
        ")",
        claim="talks-length",
    )
    assert dropped("author-date", "html", in_text) == [("talks-length", "its citation is empty")]


# --- DOCX: edited copies ------------------------------------------------------------------


def docx(brief: str, part: str, old: str, new: str, claim: str | None = None) -> bytes:
    return docx_bytes(output(f"{brief}.docx"), claim, old, new, part)


def docx_bytes(data: bytes, claim: str | None, old: str, new: str, part: str = "document") -> bytes:
    """The DOCX `data` with `old` replaced by `new` in word/<part>.xml, within the bookmark
    of `claim` when one is named."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in source.namelist():
            content = source.read(name)
            if name == f"word/{part}.xml":
                text = content.decode("utf-8")
                if claim is not None:
                    text = within(text, f'w:name="claim-{claim}"', "bookmarkEnd", old, new)
                else:
                    assert text.count(old) == 1, old
                    text = text.replace(old, new)
                content = text.encode("utf-8")
            zf.writestr(name, content)
    return out.getvalue()


def test_a_docx_claim_without_its_bookmark_text_or_citation_is_reported() -> None:
    renamed = docx("notes", "document", 'w:name="claim-scrambles"', 'w:name="claim-x"')
    assert dropped("notes", "docx", renamed) == [("scrambles", "no bookmark claim-scrambles")]
    reworded = docx(
        "author-date", "document", "The talks lasted 21 months", "It went on", "talks-length"
    )
    assert dropped("author-date", "docx", reworded) == [
        ("talks-length", "the claim's text is missing from its bookmark")
    ]
    uncited = docx(
        "author-date", "document", "(Author, 2020, para. 3)", "(2020, para. 3)", "talks-length"
    )
    assert dropped("author-date", "docx", uncited) == [
        ("talks-length", "no citation of 'alpha-2020'")
    ]


def test_each_docx_claim_is_checked_after_another_fails() -> None:
    data = output("author-date.docx")
    for claim, old, new in [
        (None, 'w:name="claim-talks-length"', 'w:name="claim-x"'),
        ("scrambles", "Japan scrambled jets 390 times in 2019", "Something else"),
        ("boats-and-jets", "(Author, 2020, para. 2;", "(2020, para. 2;"),
    ]:
        data = docx_bytes(data, claim, old, new)
    assert dropped("author-date", "docx", data) == [
        ("talks-length", "no bookmark claim-talks-length"),
        ("scrambles", "the claim's text is missing from its bookmark"),
        ("boats-and-jets", "no citation of 'alpha-2020'"),
    ]


def test_a_docx_claim_is_read_across_its_runs_and_names_every_missing_source() -> None:
    split = docx(
        "author-date",
        "document",
        "The talks lasted 21 months",
        'The talks </w:t></w:r><w:r><w:t xml:space="preserve">lasted 21 months',
        "talks-length",
    )
    assert dropped("author-date", "docx", split) == []
    uncited = docx(
        "author-date",
        "document",
        '(Author, 2020, para. 2;</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
        '<w:r><w:t xml:space="preserve">“Beta Review,”',
        '(2020, para. 2;</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
        '<w:r><w:t xml:space="preserve">',
        "boats-and-jets",
    )
    assert dropped("author-date", "docx", uncited) == [
        ("boats-and-jets", "no citation of 'alpha-2020', 'beta-2019'")
    ]


def test_a_docx_citation_must_read_as_its_source_is_named() -> None:
    # DOCX text is in reading order: a name holding a figure ("Author para 2020") must
    # appear as written, not merely its letters and figures somewhere around.
    r = rendered("author-date")
    items = [i for i in r.csl_json if i["id"] != "alpha-2020"]
    items.append({"id": "alpha-2020", "title": "Author para 2020"})
    found = audit_output(replace(r, csl_json=items), "docx", output("author-date.docx"), "b")
    assert [p.id for p in found] == [c for c in r.claim_ids if "alpha-2020" in r.claim_sources[c]]
    items[-1] = {"id": "alpha-2020", "title": "Author, 2020, para"}
    assert audit_output(replace(r, csl_json=items), "docx", output("author-date.docx"), "b") == []


def test_a_docx_bookmark_is_named_as_pandoc_names_it() -> None:
    # Word allows 40 characters: pandoc keeps an id that long and replaces a longer one.
    ids = ["claim-" + "a" * 33, "claim-" + "b" * 34, "claim-" + "c" * 35, "claim-ünï-" + "d" * 40]
    markdown = "\n\n".join(f"[{n}]{{#{name}}}" for n, name in enumerate(ids))
    out = pandoc.run(
        [pandoc.pandoc_path(), "--from", pandoc.READER, "--to", "docx", "--output", "-"],
        stdin=markdown.encode("utf-8"),
    )
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        written = re.findall(r'w:name="([^"]+)"', zf.read("word/document.xml").decode())
    assert written == [docx_bookmark(name) for name in ids]
    assert [len(name) for name in written] == [39, 40, 40, 40]
    assert written[1] == ids[1] and written[2] != ids[2]


def test_a_docx_note_reference_leading_nowhere_is_no_citation() -> None:
    dangling = docx(
        "notes",
        "document",
        '<w:footnoteReference w:id="',
        '<w:footnoteReference w:id="99',
        "talks-length",
    )
    assert dropped("notes", "docx", dangling) == [("talks-length", "no citation of 'alpha-2020'")]


def talks_length_note(new: str) -> bytes:
    """notes.docx with the text of talks-length's footnote (the alpha-2020 note that gives
    para. 3) replaced by `new`."""
    data = output("notes.docx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = zf.read("word/footnotes.xml").decode("utf-8")
    notes = re.findall(r"<w:footnote w:id=\"\d+\">.*?</w:footnote>", part, re.S)
    [note] = [n for n in notes if "para. 3, https://example.org/alpha" in n]
    head = note[: note.index(">") + 1]
    return docx(
        "notes", "footnotes", note, f"{head}<w:p><w:r><w:t>{new}</w:t></w:r></w:p></w:footnote>"
    )


def test_an_emptied_docx_footnote_is_reported() -> None:
    assert dropped("notes", "docx", talks_length_note("")) == [
        ("talks-length", "no citation of 'alpha-2020'")
    ]
    assert dropped("notes", "docx", talks_length_note("Example Times, p. 4.")) == []


def test_a_docx_note_is_read_across_its_runs() -> None:
    # Word splits a run wherever formatting or an edit changes: "Au" + "thor" still names
    # the author (the note's title and outlet are gone, so only the author can count).
    split = "Ann Au</w:t></w:r><w:r><w:t>thor, March 2020."
    assert dropped("notes", "docx", talks_length_note(split)) == []


def test_only_a_note_the_claim_refers_to_is_its_citation() -> None:
    # The claim's footnote reference turned into a comment reference with the same id.
    comment = docx(
        "notes",
        "document",
        "<w:footnoteReference w:id=",
        "<w:commentReference w:id=",
        "talks-length",
    )
    assert dropped("notes", "docx", comment) == [("talks-length", "no citation of 'alpha-2020'")]


def test_ibid_is_a_citation_in_a_footnote_style_only() -> None:
    assert dropped("notes", "docx", talks_length_note("Ibid., para. 3.")) == []
    ibid = docx(
        "author-date", "document", "(Author, 2020, para. 3)", "(Ibid., para. 3)", "talks-length"
    )
    assert dropped("author-date", "docx", ibid) == [("talks-length", "no citation of 'alpha-2020'")]


def test_the_claims_own_words_do_not_count_as_its_citation() -> None:
    # An assessment may name its author in its text; the citation must still be there.
    r = rendered("author-date")
    text = {**r.claim_text, "talks-length": "Author says the talks lasted 21 months"}
    page = docx(
        "author-date",
        "document",
        'The talks lasted 21 months</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
        '<w:r><w:t xml:space="preserve">(Author, 2020, para. 3)',
        'Author says the talks lasted 21 months</w:t></w:r><w:r><w:t xml:space="preserve">'
        ' </w:t></w:r><w:r><w:t xml:space="preserve">(2020, para. 3)',
    )
    found = audit_output(replace(r, claim_text=text), "docx", page, "b.yaml")
    assert [(p.id, p.message.split(": ")[-1]) for p in found] == [
        ("talks-length", "no citation of 'alpha-2020'")
    ]


def source_marker_words() -> dict[str, set[str]]:
    return source_markers(rendered("notes"))


def test_a_printed_citation_is_recognised_by_author_title_or_outlet() -> None:
    assert source_marker_words() == {
        "alpha-2020": {"author", "fisheriesdealsigned", "exampletimes"},
        "beta-2019": {"betareview", "betaquarterly"},
        "moskva-2021": {"иванова", "диалогроссиии", "вымышленнаягазета"},
        "tokyo-2021": {"山田", "日本とロシアの対話", "架空新聞"},
    }


def test_source_markers_are_the_first_author_three_title_words_and_the_outlet() -> None:
    items = [
        {
            "id": "a",
            "author": [{"literal": "Foreign Ministry"}, {"family": "Second"}],
            "title": 'The <span class="nocase">iPhone</span> Review of Things',
        },
        {"id": "b", "author": [{"given": "Ann"}], "container-title": "Daily News"},
        {"id": "c"},
    ]
    assert source_markers(replace(rendered("notes"), csl_json=items)) == {
        "a": {"foreignministry", "theiphonereview"},
        "b": {"dailynews"},
        "c": set(),
    }


# --- the fixtures are current (slow: renders them again) ----------------------------------


def _make_module():
    spec = importlib.util.spec_from_file_location("audit_fixtures_make", FIXTURES / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _verdicts(folder: Path, brief: str, name: str) -> list[tuple[str, str | None, str]]:
    r = rendered(brief, folder)
    fmt = name.rsplit(".", 1)[1]
    return [
        (p.code, p.id, p.message) for p in audit_output(r, fmt, (folder / name).read_bytes(), "b")
    ]


@pytest.mark.slow
def test_fixtures_are_current(tmp_path: Path) -> None:
    """Rebuilt with today's pipeline, the fixtures read the same to the audit: the render
    (what <brief>.json keeps) is unchanged, and each output gets the same verdict as the
    committed one. A failure means: run tests/fixtures/audit/make.py and read the diff."""
    _make_module().build(tmp_path)
    kept = sorted(p.name for p in FIXTURES.iterdir() if p.is_file() and p.name != "make.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == kept
    for name in kept:
        brief = name.split(".")[0].removesuffix("-tampered")
        if name.endswith(".json"):
            assert json.loads((tmp_path / name).read_text("utf-8")) == json.loads(
                (FIXTURES / name).read_text("utf-8")
            ), name
        else:
            assert _verdicts(tmp_path, brief, name) == _verdicts(FIXTURES, brief, name), name
