"""Quotes that cannot be bent (issue 10 §1): an omission or a bracket may not remove or
add a negation or a figure, other bracket syntax is literal, and normalisation never
turns one digit or letter into another."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_project

from briefwright.config import Project
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.render import render_brief
from briefwright.textmatch import MAX_EDITS, SourceText

ARCHIVED = (
    "While the passage was not illegal, since the course was in designated international "
    "waters, it was seen as a signal.\n"
    "Between June 19 and 21, 21 ships passed; they did not\n"
    "stop. He said he didn't know. Nothing was agreed.\n"
    "The ﬁrst report came from a [Some analysts](#) note in ２０２１.\n"
)
SOURCE = SourceText.from_bytes(ARCHIVED.encode())


def changes(quote: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    match = SOURCE.find(quote)
    assert match is not None, quote
    return [(c.removed, c.added) for c in match.changes]


# --- the four attacks of the issue --------------------------------------------------------


def test_an_omission_may_not_cut_a_negation() -> None:
    assert changes("While the passage was ... illegal, since …") == [(("not",), ())]


def test_a_bracket_may_not_replace_a_negation() -> None:
    assert changes("While the passage was [illegal], since …") == [(("not",), ())]


def test_markdown_link_syntax_in_a_quote_is_literal() -> None:
    assert SOURCE.find("While the passage was not [illegal](-at-all-), since") is None


def test_superscript_digits_are_not_folded_into_digits() -> None:
    assert SOURCE.find("Between June 1⁹ and 21") is None
    assert SOURCE.find("Between June 19 and 21") is not None


# --- their neighbours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        # a cut across a paragraph break
        ("21 ships passed; they did ... stop.", [(("not",), ())]),
        # a bracket that adds a negation, at the start, inside, at the end
        ("[no] ships passed", [((), ("no",))]),
        # one negation for another is not a change of meaning this check can see
        ("21 ships passed; they [never] stop.", []),
        ("He said he [did not] know.", []),
        ("He said he [knew]. Nothing was agreed.", [(("didn't",), ())]),
        ("was agreed [nowhere]", [((), ("nowhere",))]),
        # a bracket or a cut that replaces a figure
        ("Between June 19 and [21], [many] ships passed", [(("21",), ())]),
        ("Between June ... 21 ships passed", [(("19", "21"), ())]),
        ("Between June [the nineteenth] and 21", []),
        # part of a word: "n't" cut from "didn't" by a bracket attached to it
        ("He said he did[] know.", None),
        ("He said he [did] know.", [(("didn't",), ())]),
        ("[N]othing was agreed.", []),
        ("[Some]thing was agreed.", [(("Nothing",), ())]),
    ],
)
def test_edits_that_change_meaning(quote: str, expected: list | None) -> None:
    if expected is None:
        assert SOURCE.find(quote) is None
    else:
        assert changes(quote) == expected


def test_a_bracket_with_the_same_negation_is_allowed() -> None:
    assert changes("21 ships passed; [the ships] did not stop.") == []
    assert changes("He said [Abe] didn't know.") == []


def test_a_bracket_may_not_add_a_negation_in_fullwidth_letters() -> None:
    assert changes("He said he [ｎｏｔ] didn't know.") == [((), ("ｎｏｔ",))]
    assert changes("He said he [ＮＥＶＥＲ] didn't know.") == [((), ("ＮＥＶＥＲ",))]


def test_an_omission_keeps_to_whole_words() -> None:
    # "... legal" must not start inside "illegal" (that would drop "not il").
    assert SOURCE.find("While the passage ... legal, since") is None
    assert SOURCE.find("the passage was no ...") is None  # nor end inside "not"


def test_fullwidth_digits_and_ligatures_are_the_author_s_characters() -> None:
    assert SOURCE.find("note in 2021") is None
    assert SOURCE.find("note in ２０２１") is not None
    assert SOURCE.find("The first report") is None
    assert SOURCE.find("The ﬁrst report") is not None


def test_source_link_residue_reads_as_its_text_and_a_quoted_link_is_literal() -> None:
    assert SOURCE.find("from a Some analysts note") is not None
    # Link syntax in a quote is the archived text's only if the archived text has it.
    assert SOURCE.find("from a [Some analysts](#) note") is not None
    assert SOURCE.find("from a [Some analysts](-at-all-) note") is None
    assert SOURCE.find("came from a [Some](#) analysts note") is None


def test_a_bracket_stands_for_at_most_four_words() -> None:
    assert SOURCE.find("He said [they] know.") is not None  # "he didn't": 2 words
    anchored = SOURCE.anchor("While [it] was seen as a signal.")
    assert anchored.match is None
    assert anchored.problem is not None and "at most 4 words" in anchored.problem


def test_the_number_of_edits_is_bounded() -> None:
    quote = "While" + " ... was" * (MAX_EDITS + 1)
    anchored = SOURCE.anchor(quote)
    assert anchored.match is None
    assert anchored.problem is not None and f"at most {MAX_EDITS}" in anchored.problem


def test_a_quote_that_only_truncates_is_clean() -> None:
    assert changes("... since the course was in designated international waters ...") == []


# --- through the check and into the provenance --------------------------------------------


def _project_with(tmp_path: Path, quote: str) -> Path:
    root = build_project(tmp_path / "p")
    claims = root / "content" / "claims" / "main.yaml"
    text = claims.read_text(encoding="utf-8")
    old = (
        'quote: "the agreement \\"will not settle the territorial dispute\\" '
        '... patience is needed"'
    )
    assert old in text
    claims.write_text(text.replace(old, f"quote: {quote}"), encoding="utf-8")
    return root


def test_the_check_reports_a_bent_quote_at_the_quote(tmp_path: Path) -> None:
    root = _project_with(tmp_path, "'the agreement \"will ... settle the territorial dispute\"'")
    problems = [p for p in check(Project.at(root)).problems if p.level == "error"]
    assert [p.code for p in problems] == ["quote-edit-changes-meaning"]
    assert problems[0].id == "no-settlement"
    assert "removes 'not'" in problems[0].message
    assert problems[0].hint is not None and "will not settle" in problems[0].hint
    line = (root / "content/claims/main.yaml").read_text().splitlines()[problems[0].line - 1]
    assert "quote:" in line


def test_provenance_shows_the_source_span_of_an_edited_quote(tmp_path: Path) -> None:
    root = _project_with(tmp_path, "'[The deal] \"will not settle the territorial dispute\"'")
    content, problems = load_project(Project.at(root))
    assert [p for p in problems if p.level == "error"] == []
    assert [p.code for p in check(Project.at(root)).problems if p.level == "error"] == []
    rendered = render_brief(content, "brief")
    row = next(r for r in rendered.provenance if r["claim"] == "no-settlement")
    assert row["quote"] == '[The deal] "will not settle the territorial dispute"'
    # As the archived text writes it: curly quotation marks.
    assert row["source_span"] == "“will not settle the territorial dispute”"
    verbatim = next(r for r in rendered.provenance if r["claim"] == "talks-length")
    assert verbatim["source_span"] is None
    assert "(the source: “" in rendered.markdown


def test_the_raw_span_is_the_archived_text_or_else_the_normalised_one() -> None:
    match = SOURCE.find("21 ships passed; they did not stop.")
    assert match is not None
    assert SOURCE.raw_span(match) == "21 ships passed; they did not stop."  # across a break
    text = SourceText.from_bytes("Tokyo’s reply — “muted” … said Abe.\n".encode())
    match = text.find('Tokyo\'s reply [was] "muted" ... said Abe.')
    assert match is not None
    assert text.raw_span(match) == "Tokyo’s reply — “muted” … said Abe."
    linked = SourceText.from_bytes(b"A [Some analysts](#) note.\n")
    match = linked.find("A Some ... note.")
    assert match is not None and linked.raw_span(match) == "A Some analysts note."


def test_link_syntax_the_archived_text_has_is_matched_literally() -> None:
    text = SourceText.from_bytes(b"See [click](javascript:x) and [Some analysts](#) here.\n")
    match = text.find("See [click](javascript:x) and")
    assert match is not None and text.span(match) == "See [click](javascript:x) and"
    assert text.find("See click and Some analysts here.") is not None  # residue as text
    assert text.find("See [click](javascript:y) and") is None


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("The passage was [lawful] under the treaty", False),
        ("The passage was [l]awful under the treaty", False),
        ("The passage was [l\u0430wful] under the treaty", False),  # Cyrillic а
        ("The passage was un[lawful] under the treaty", True),
        ("[t]he passage was unlawful under the treaty", True),
    ],
)
def test_a_bracket_may_not_cut_a_negating_prefix(quote: str, ok: bool) -> None:
    source = SourceText.from_bytes(b"The passage was unlawful under the treaty, he said.\n")
    match = source.find(quote)
    assert match is not None
    assert (match.changes == ()) is ok
    if not ok:
        assert match.changes[0].removed == ("un-",)


def test_a_bracket_may_not_add_a_figure_in_look_alike_letters() -> None:
    # "[tw\u0435nty]" (Cyrillic е) is printed as "twenty".
    assert changes("He said he [tw\u0435nty] didn't know.") == [((), ("20",))]
    assert changes("He said he [twen\u200bty] didn't know.") == [((), ("20",))]


@pytest.mark.parametrize(
    "bracket",
    [
        "n\u043et",  # Cyrillic о
        "\u039d\u039f\u03a4",  # Greek capitals Ν Ο Τ
        "n\u03bft",  # Greek ο
        "n\u0435v\u0435r",  # Cyrillic е
        "n\u200bot",  # a zero-width space inside
        "n\u00ado\u2060t",  # a soft hyphen and a word joiner inside
    ],
)
def test_a_bracket_may_not_add_a_negation_in_look_alike_letters(bracket: str) -> None:
    # Printed, "[nоt]" reads as "not" whatever alphabet its "о" comes from.
    shown = re.sub("[\u00ad\u200b\u2060]", "", bracket)  # told without invisible characters
    assert changes(f"He said he [{bracket}] didn't know.") == [((), (shown,))]
