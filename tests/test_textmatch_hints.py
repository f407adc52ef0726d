"""Quote matching's hints and edges, figures and dates: what a misquote's hint says.

A quote matches iff it is the archived text verbatim, up to the folding and the edits the
editor guide documents; a misquote's hint names the closest passage and how the words
differ; figures and dates are read as an editor means them.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from briefwright import textmatch
from briefwright.dates import PATTERN, Date, Point, mentions, parse_date
from briefwright.numbers import figures, show
from briefwright.textmatch import (
    Change,
    Gap,
    SourceText,
    normalize,
    normalize_source,
    parse_edits,
    strip_edits,
    word_diff,
)

FOX = SourceText.from_bytes(
    b"The quick brown fox jumps over the lazy dog.\n\nA second paragraph says nothing at all.\n"
)
ARCHIVED = SourceText.from_bytes(
    b"While the passage was not illegal, since the course was in designated international "
    b"waters, it was seen as a signal.\n"
    b"Between June 19 and 21, 21 ships passed; they did not\n"
    b"stop. He said he didn't know. Nothing was agreed. It cost 1,200 yen.\n"
)


def text_of(*paragraphs: str) -> SourceText:
    return SourceText.from_bytes("\n\n".join(paragraphs).encode())


# --- folding: what "verbatim" forgives -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "matched"),
    [
        ("Tokyo\u2019s \u201cmuted\u201d reply", 'Tokyo\'s "muted" reply'),
        ("\u2018a\u2019 \u201ab\u201b \u2032", "'a' 'b' '"),
        ("\u201ea\u201f \u00abb\u00bb \u2033", '"a" "b" "'),
        ("a\u2014b", "a-b"),  # an em dash is a dash
        ("a \u2013 b", "a-b"),  # ...and the spaces around a dash are typography
        ("a -- b", "a-b"),  # a run of dashes is one dash
        ("a - b - c", "a-b-c"),
        (" -x", "-x"),
        ("x - ", "x-"),
        ("a\u2010b\u2011c\u2012d\u2015e\u2212f", "a-b-c-d-e-f"),
        ("wait\u2026", "wait..."),
        ("co\u00adop\u200beration\u200c\u200d\u2060\ufeff", "cooperation"),
        ("cafe\u0301", "caf\u00e9"),  # NFC: one character or a letter and its accent
        ("a \n\t\u00a0 b", "a b"),
        # Never folded: case, digits, super- and subscripts, fullwidth forms, ligatures.
        (
            "The \ufb01rst 1\u2079 \uff12\uff10\uff12\uff11 H\u2082O",
            "The \ufb01rst 1\u2079 ２０２１ H₂O",
        ),
        ("NOT Not not", "NOT Not not"),
    ],
)
def test_folding_forgives_only_typography(typed: str, matched: str) -> None:
    assert normalize(typed) == matched
    source = SourceText.from_bytes(f"Before {typed} after.\n".encode())
    assert source.find(matched) is not None


def test_dash_runs_apart_stay_apart() -> None:
    # As `re.sub(r"\s*-+\s*", "-", text)` reads them (see _join_dashes).
    assert normalize("a - - b") == "a--b"
    assert normalize(" - x - ") == "-x-"


def test_a_lookalike_character_is_not_typography() -> None:
    source = SourceText.from_bytes(
        "The \ufb01rst report, issued in \uff12\uff10\uff12\uff11.\n".encode()
    )
    assert source.find("The first report") is None
    assert source.find("issued in 2021") is None


@settings(deadline=None)
@given(st.text(st.sampled_from(" \n-ab\u2014"), max_size=30))
def test_dashes_join_as_the_documented_expression_says(text: str) -> None:
    """`_join_dashes` is `re.sub(r"\\s*-+\\s*", "-", text)`, computed by splitting
    (it is called on text with a dash)."""
    text += "-"
    assert textmatch._join_dashes(text) == re.sub(r"\s*-+\s*", "-", text)


@pytest.mark.parametrize(
    ("archived", "read"),
    [
        ("the [Intersection Project](#) says", "the Intersection Project says"),
        ("see [a](http://x.org/y) and [b](#)", "see a and b"),
        ("a [link](with space) stays", "a [link](with space) stays"),  # not link residue
        ("a [bracket] stays", "a [bracket] stays"),
        ("curly \u201c[x](#)\u201d", 'curly "x"'),
    ],
)
def test_link_residue_in_the_archived_text_reads_as_its_text(archived: str, read: str) -> None:
    assert normalize_source(archived) == read
    assert normalize(archived) == normalize(archived.replace("](#)", "](#)"))  # quote side: kept


# --- a quote's edits -----------------------------------------------------------------------


def test_a_quote_without_edit_marks_has_no_edits() -> None:
    assert parse_edits("a [link](x) and text") is None
    assert parse_edits("plain words") is None


@pytest.mark.parametrize(
    ("quote", "segments", "gaps", "tail"),
    [
        (
            "[T]he ship ... sailed [away]",
            ("he ship", "sailed"),
            (Gap(0, ("T",), "[T]", False, True), Gap(1, (), "...", False, False)),
            Gap(0, ("away",), "[away]", False, False),
        ),
        (
            "Russia[n] ships [...] [and] left",
            ("Russia", "ships", "left"),
            (
                None,
                Gap(0, ("n",), "[n]", True, False),
                Gap(1, ("and",), "[...] [and]", False, False),
            ),
            None,
        ),
        (
            "... they left ...",
            ("they left",),
            (Gap(1, (), "...", False, False),),
            Gap(1, (), "...", False, False),
        ),
        (
            "a … b [ ... ] c",
            ("a", "b", "c"),
            (None, Gap(1, (), "...", False, False), Gap(1, (), "[ ... ]", False, False)),
            None,
        ),
        (
            "they[...]left",  # an omission is not a bracket: it attaches to nothing
            ("they", "left"),
            (None, Gap(1, (), "[...]", False, False)),
            None,
        ),
        (
            "under Article 5[a] it",  # attached: no space between the bracket and "5"
            ("under Article 5", "it"),
            (None, Gap(0, ("a",), "[a]", True, False)),
            None,
        ),
        ("[T]o be", ("o be",), (Gap(0, ("T",), "[T]", False, True),), None),
        (
            "so [it] [was] done",
            ("so", "done"),
            (None, Gap(0, ("it", "was"), "[it] [was]", False, False)),
            None,
        ),
    ],
)
def test_edits_split_a_quote_into_literal_segments(
    quote: str, segments: tuple, gaps: tuple, tail: Gap | None
) -> None:
    edited = parse_edits(normalize(quote))
    assert edited is not None
    assert (edited.segments, edited.gaps, edited.tail) == (segments, gaps, tail)
    marks = sum(g.cuts + len(g.brackets) for g in (*gaps, tail) if g is not None)
    assert edited.marks == marks


def test_a_gap_prints_its_marks_as_written() -> None:
    assert Gap(1, (), "[...]", False, False).mark == "..."
    assert Gap(1, ("and",), "[...] [and]", False, False).mark == "[...] [and]"
    assert Gap(0, ("it", "was"), "[it] [was]", False, False).added == "it was"


def test_the_hint_compares_a_quote_s_own_words() -> None:
    assert strip_edits("[T]he ship … sailed [away]") == "he ship sailed"
    assert strip_edits("they [...] left") == "they left"


# --- where a quote is found ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "para", "span"),
    [
        ("illegal, since", 1, "illegal, since"),
        ("While the passage", 1, "While the passage"),  # the text's first word
        ("hile the passage", None, None),  # ...in full
        ("[W]hile the passage", 1, "While the passage"),
        (
            "While [the ship] was not illegal, [as] the course was",
            1,
            "While the passage was not illegal, since the course was",
        ),
        ("It cost 1,200 yen.", 3, "It cost 1,200 yen."),  # ...and its last
        ("[T]he passage was not", 1, "the passage was not"),
        ("Nothing was agreed[.]", 3, "Nothing was agreed"),
        ("Russian", None, None),
        ("[Then] 21 ships passed", 2, "21 ships passed"),  # an insertion stands for nothing
        ("21 ships passed [then]", 2, "21 ships passed"),
        ("they did not stop.", 2, "they did not stop."),  # across a paragraph break
        ("they did not ... He said", 2, "they did not stop. He said"),
        ("He said he didn't kno[w]", 3, "He said he didn't know"),
        ("He said he didn't kno", None, None),  # a quote ends on a word's end
        ("He said he didn't kno ...", None, None),
        ("... legal, since", None, None),  # ...and starts on a word's start
        ("[It is] legal, since", None, None),
        ("the passage was not ille", None, None),
    ],
)
def test_a_quote_is_found_on_word_edges(quote: str, para: int | None, span: str | None) -> None:
    match = ARCHIVED.find(quote)
    if para is None:
        assert match is None
    else:
        assert match is not None
        assert (match.para, ARCHIVED.span(match), match.changes) == (para, span, ())


def test_a_quote_found_inside_a_word_first_is_found_where_it_is_a_word() -> None:
    text = SourceText.from_bytes(b"Illegal or illegally, it is legal.\n\nIs it legal? Legal.\n")
    match = text.find("legal")
    assert match is not None and (match.para, match.start) == (1, 28)
    assert text.find("legal", 1) == match
    again = text.find("legal", 2)
    assert again is not None and again.para == 2 and text.span(again) == "legal"
    assert text.find("legal?", 2) is not None
    assert text.find("legal.", 1) is not None
    assert text.find("legally", 2) is None
    assert text.find("legal", 3) is None  # no such paragraph
    quoted = SourceText.from_bytes(b'"Legally" is not "Legal" here.\n')
    match = quoted.find('"Legal')
    assert match is not None and quoted.span(match) == '"Legal'
    assert match.start == quoted.joined.index('"Legal"')


@pytest.mark.parametrize(
    ("archived", "quote", "at"),
    [
        ("It was legally done; legal.", "legal", "legal."),
        # Punctuation is a word edge: a quote may start or end with it anywhere.
        ('the word"Legally" and the word"Legal" here.', '"Legal', '"Legal"'),
        ("illegal,so it is legal,and more.", "legal,", "legal,and"),
    ],
)
def test_a_quote_is_found_at_its_first_occurrence_on_word_edges(
    archived: str, quote: str, at: str
) -> None:
    text = SourceText.from_bytes(archived.encode())
    match = text.find(quote)
    assert match is not None
    assert (match.start, text.span(match)) == (text.joined.index(at), quote)


def test_a_paragraph_limits_where_a_quote_may_start() -> None:
    text = text_of("It was agreed.", "It was agreed.", "Then it was agreed.")
    assert [text.find("It was agreed.", n).para for n in (1, 2)] == [1, 2]  # type: ignore[union-attr]
    assert text.find("It was agreed.", 3) is None
    assert text.find("was agreed.", 3).para == 3  # type: ignore[union-attr]
    assert text.find("it ... agreed.", 2) is None  # "it" is in paragraph 3 only
    again = text_of("It was agreed.", "Nothing.", "It was agreed.")
    assert again.find("It ... agreed.", 3).para == 3  # type: ignore[union-attr]
    # A quote starts in its paragraph, not at the start of the next.
    assert text_of("Nothing here.", "It was agreed.").find("It ... agreed.", 1) is None
    assert text.find("it ... agreed.", 3) is not None
    assert [text.find("It ... agreed.", n).para for n in (1, 2)] == [1, 2]  # type: ignore[union-attr]
    assert text.find("It ... agreed.", 3) is None  # the next start is in no later paragraph


@pytest.mark.parametrize(
    "quote", ["We will not\u2014not ever", "We will not - not ever", "We will not--not ever"]
)
def test_a_quote_across_a_paragraph_break_at_a_dash_is_found(quote: str) -> None:
    """White space around a dash is typography, a paragraph break included: the text
    joined its paragraphs with a space, so such a quote could never be found."""
    text = SourceText.from_bytes("He said: \u201cWe will not\u2014\n\nnot ever\n-yield.\n".encode())
    match = text.find(quote)
    assert match is not None and (match.para, match.end_para) == (1, 2)
    assert text.span(match) == "We will not-not ever"
    assert text.raw_span(match) == "We will not\u2014 not ever"
    assert text.find("not ever-yield.", 2) is not None
    assert text.find("We will not not ever") is None


def test_the_last_paragraph_is_searched_to_its_end() -> None:
    text = text_of("One thing.", "Another thing.", "It ends ... here.")
    match = text.find("It ... here.", 3)
    assert match is not None and match.para == 3


def test_an_empty_quote_is_not_found() -> None:
    anchored = ARCHIVED.anchor("  \u200b ")
    assert anchored.match is None and anchored.problem is None


def test_a_quote_of_only_edits_cannot_be_checked() -> None:
    anchored = ARCHIVED.anchor("... [they] ...")
    assert anchored == textmatch.Anchored(
        None, "the quote has only omissions and brackets, no words"
    )


@pytest.mark.parametrize("skipped", [600, 601])
def test_an_omission_skips_at_most_600_characters(skipped: int) -> None:
    filler = ("x" * 9 + " ") * 59 + "y" * (skipped - 590)
    assert len(filler) == skipped
    text = SourceText.from_bytes(f"It began {filler} and ended.\n".encode())
    found = text.find("It began ... and ended.")
    assert (found is not None) is (skipped <= textmatch.MAX_ELISION)
    if skipped <= textmatch.MAX_ELISION:  # a bracket beside the omission does not shorten it
        assert text.find("It began [...] [then] and ended.") is not None


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("They saw [them] sail away.", True),  # "big old grey ships": four words
        ("They [saw them] sail away.", False),  # "saw big old grey ships": five words
        ("They [them] sail away.", False),  # five words for one word
        ("They saw [them] [go] away.", True),  # two brackets side by side: eight words
    ],
)
def test_a_bracket_stands_for_at_most_four_words(quote: str, found: bool) -> None:
    text = SourceText.from_bytes(b"They saw big old grey ships sail away.\n")
    anchored = text.anchor(quote)
    assert (anchored.match is not None) is found
    if not found:
        assert anchored.problem == (
            "a bracket stands for at most 4 words of the source; this quote matches only if "
            "one stands for more, in “They saw big old grey ships sail away.”"
        )


def test_a_long_passage_in_a_refusal_is_cut() -> None:
    text = SourceText.from_bytes(("Start " + "word " * 60 + "middle end.\n").encode())
    anchored = text.anchor("Start [it] end.")
    assert anchored.problem is not None
    shown = anchored.problem.split("“")[1].rstrip("”")
    assert shown == ("Start " + "word " * 60)[:159] + "…"


def test_20_edits_are_checked() -> None:
    text = SourceText.from_bytes((" ".join(f"a{i} b" for i in range(25)) + "\n").encode())
    quote = "a0" + "".join(f" ... a{i}" for i in range(1, 21))
    assert text.anchor(quote) == textmatch.Anchored(text.find(quote))
    assert text.find(quote) is not None


@pytest.mark.parametrize(("xs", "matched"), [(10_299, True), (10_300, False)])
def test_the_search_tries_exactly_its_budget(xs: int, matched: bool) -> None:
    # "x ... y": each "x" is one try, and the first "x" within an omission's reach of
    # "y" one more: 10,299 of them take exactly SEARCH_BUDGET (10,000) tries.
    text = SourceText.from_bytes(("x " * xs + "y\n").encode())
    anchored = text.anchor("x ... y")
    assert (anchored.match is not None) is matched
    assert (anchored.problem is None) is matched


@pytest.mark.parametrize(("xs", "refused"), [(10_000, False), (10_001, True)])
def test_a_search_that_uses_exactly_its_budget_is_not_refused(xs: int, refused: bool) -> None:
    # "y" is out of every omission's reach: each "x" is one try, and nothing matches.
    text = SourceText.from_bytes(("x " * xs + "z " * 400 + "y\n").encode())
    anchored = text.anchor("x ... y")
    assert anchored.match is None
    assert (anchored.problem is not None) is refused


def test_a_bent_quote_is_reported_as_bent_even_when_the_search_runs_out() -> None:
    text = SourceText.from_bytes(("x not y. " + "x " * 11_000 + "\n").encode())
    anchored = text.anchor("x ... y.")
    assert anchored.problem is None and anchored.match is not None
    assert [c.describe() for c in anchored.match.changes] == ["the omission removes 'not'"]


def test_a_refusal_shows_a_passage_of_160_characters_whole() -> None:
    passage = "Start " + " ".join(["a" * 29] * 5) + " end."
    assert len(passage) == 160
    anchored = SourceText.from_bytes(f"{passage}\n".encode()).anchor("Start [it] end.")
    assert anchored.problem is not None and anchored.problem.endswith(f"in “{passage}”")


def test_more_than_20_edits_are_not_checked() -> None:
    anchored = ARCHIVED.anchor("While" + " ... was" * 21)
    assert anchored == textmatch.Anchored(
        None, "the quote has 21 omissions and brackets; at most 20 are checked"
    )


def test_the_archived_words_of_a_match_keep_their_invisible_characters() -> None:
    text = SourceText.from_bytes("Their co\u00adoperation \u2018grew\u2019.\n".encode())
    match = text.find("cooperation 'grew'")
    assert match is not None
    assert text.raw_span(match) == "co\u00adoperation \u2018grew\u2019"


def test_a_span_that_cannot_be_traced_back_is_shown_normalised() -> None:
    text = SourceText.from_bytes("Un cafe\u0301 noir.\n".encode())  # "e" and an accent
    match = text.find("caf\u00e9 noir")
    assert match is not None and text.raw_span(match) == "caf\u00e9 noir"


@pytest.mark.parametrize("quote", ["It ... legal", "is legal", "It is lega[l]", "It is legal"])
def test_a_text_without_final_punctuation_matches_to_its_last_letter(quote: str) -> None:
    text = SourceText.from_bytes(b"It is legal")
    match = text.find(quote)
    assert match is not None and match.end == len("It is legal")


def test_the_fingerprint_is_the_archived_bytes_sha256() -> None:
    data = "Tokyo\u2019s reply.\n".encode()
    assert SourceText.from_bytes(data).sha256 == hashlib.sha256(data).hexdigest()


def test_a_quote_whose_parts_occur_everywhere_is_refused_within_a_budget() -> None:
    text = SourceText.from_bytes(("z " + "x " * 6000 + "\n").encode())
    anchored = text.anchor("x ... x ... z")
    assert anchored.match is None
    assert anchored.problem == (
        "the quote's parts occur too often to be matched within 10000 tries: quote longer "
        "passages between the omissions"
    )


def test_a_quote_with_link_syntax_keeps_to_its_paragraph() -> None:
    text = text_of("See [x](#) here.", "See [x](#) here.")
    match = text.find("See [x](#) here", 2)
    assert match is not None and match.para == 2 and match.linked


def test_link_syntax_in_a_quote_is_looked_for_as_written() -> None:
    text = SourceText.from_bytes(b"See [the report](#) of [May](#).\n")
    match = text.find("See [the report](#) of")
    assert match is not None and match.linked
    assert text.span(match) == "See [the report](#) of"
    assert text.raw_span(match) == "See [the report](#) of"
    plain = text.find("See the report of May.")
    assert plain is not None and not plain.linked and text.span(plain) == "See the report of May."


# --- an edit that changes the meaning: what the editor is told -----------------------------


@pytest.mark.parametrize(
    ("quote", "told"),
    [
        (
            "While the passage was ... illegal, since",
            [("the omission removes 'not'", "was not illegal")],
        ),
        (
            "While the passage was [illegal], since",
            [("the bracket '[illegal]' removes 'not'", "was not illegal, since")],
        ),
        ("It cost [much] yen.", [("the bracket '[much]' removes '1,200'", "cost 1,200 yen")]),
        ("It cost ... yen.", [("the omission removes '1,200'", "cost 1,200 yen")]),
        ("[Not] While the passage", [("the bracket '[Not]' adds 'Not'", "While")]),
        (
            "Nothing was agreed. It cost [much].",
            [("the bracket '[much]' removes '1,200'", "cost 1,200 yen.")],
        ),
        (
            "It cost 1,20[5] yen.",
            [("the bracket '[5]' removes '200' and adds '205'", "1,200 yen")],
        ),
        ("It cost 1,20[5]", [("the bracket '[5]' removes '200' and adds '205'", "1,200 yen")]),
        (
            "He said he didn't know [in 2021].",
            [("the bracket '[in 2021]' adds '2021'", "know. Nothing")],
        ),
        ("[No] ships passed", [("the bracket '[No]' adds 'No'", "21 ships")]),
        (
            "[Some]thing was agreed.",
            [("the bracket '[Some]' removes 'Nothing'", "know. Nothing was")],
        ),
        (
            "He said he didn't know. ... It cost [some] yen.",
            [
                ("the omission removes 'Nothing'", "know. Nothing was agreed. It"),
                ("the bracket '[some]' removes '1,200'", "cost 1,200 yen"),
            ],
        ),
        (
            "Between June [the 20th and 22] ships",
            [
                (
                    "the bracket '[the 20th and 22]' removes '19', '21' and adds '20', '22'",
                    "June 19 and 21, 21 ships",
                )
            ],
        ),
        (
            "ships passed; they [always] stop.",
            [("the bracket '[always]' removes 'not'", "they did not stop")],
        ),
        ("ships passed; they [hardly] stop.", []),  # a negation for a negation
    ],
)
def test_a_change_of_meaning_names_the_edit_and_the_source_words(
    quote: str, told: list[tuple[str, str]]
) -> None:
    match = ARCHIVED.find(quote)
    assert match is not None
    assert [(c.describe(), c.source) for c in match.changes] == told


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (Change("...", "was not", ("not",), ()), "the omission removes 'not'"),
        (Change("[x]", "a", ("1,200", "20"), ()), "the bracket '[x]' removes '1,200', '20'"),
        (Change("[no]", "", (), ("no",)), "the bracket '[no]' adds 'no'"),
        (
            Change("[ten]", "21", ("21",), ("10",)),
            "the bracket '[ten]' removes '21' and adds '10'",
        ),
    ],
)
def test_a_change_describes_itself(change: Change, said: str) -> None:
    assert change.describe() == said


@pytest.mark.parametrize(
    ("quote", "said", "source"),
    [
        ("The area is 5 [km] now.", "the bracket '[km]' removes '²'", "5 km² now"),
        (
            "It was a [binding] deal.",
            "the bracket '[binding]' removes 'non-'",
            "a non-binding deal",
        ),
        (
            "The talks had lasted ... months.",
            "the omission removes '21'",
            "lasted twenty-one months",
        ),
    ],
)
def test_a_change_names_superscripts_prefixes_and_number_words(
    quote: str, said: str, source: str
) -> None:
    text = SourceText.from_bytes(
        "The area is 5 km\u00b2 now. It was a non-binding deal. The talks had lasted "
        "twenty-one months.\n".encode()
    )
    match = text.find(quote)
    assert match is not None
    assert [(c.describe(), c.source) for c in match.changes] == [(said, source)]
    assert not (match.changes[0].removed and match.changes[0].added)


def test_an_omission_stands_for_the_nearest_words_that_fit() -> None:
    text = SourceText.from_bytes(b"They hold illegal. They hold legal. Then legal.\n")
    match = text.find("They ... legal.")
    assert match is not None and text.span(match) == "They hold illegal. They hold legal."


def test_a_substitution_that_keeps_no_negation_is_clean() -> None:
    text = SourceText.from_bytes(b"It was unwise to go.\n")
    match = text.find("It was [rash] to go.")
    assert match is not None and match.changes == ()


def test_a_change_at_the_text_s_start_shows_it_from_its_first_character() -> None:
    text = SourceText.from_bytes(b'"Not now," he said.\n')
    match = text.find('"[Later]," he said.')
    assert match is not None
    assert [(c.describe(), c.source) for c in match.changes] == [
        ("the bracket '[Later]' removes 'Not'", '"Not now," he')
    ]


def test_a_change_shows_the_word_after_it_past_any_punctuation() -> None:
    text = SourceText.from_bytes(b"It cost 1,200; (a) lot.\n")
    match = text.find("It cost [much]; (a) lot.")
    assert match is not None
    assert [(c.describe(), c.source) for c in match.changes] == [
        ("the bracket '[much]' removes '1,200'", "cost 1,200; (a")
    ]


@pytest.mark.parametrize("invisible", ["\u2063", "\u180e", "\u200e"])
def test_an_invisible_character_the_folding_keeps_hides_no_negation_or_figure(
    invisible: str,
) -> None:
    # Matching keeps these characters (they are not typography), the meaning check reads
    # through them: "[n\u2063ot]" prints as "not".
    for word, added in (("not", ("not",)), ("twenty", ("20",))):
        bracket = word[:2] + invisible + word[2:]
        match = ARCHIVED.find(f"He said he [{bracket}] didn't know.")
        assert match is not None
        assert [(c.removed, c.added) for c in match.changes] == [((), added)]


def test_an_insertion_after_the_last_word_may_not_add_a_figure() -> None:
    match = ARCHIVED.find("21 ships passed [in 2021]")
    assert match is not None
    assert [(c.describe(), c.source) for c in match.changes] == [
        ("the bracket '[in 2021]' adds '2021'", "passed; they")
    ]


def test_a_clean_way_to_match_is_preferred_to_one_that_changes_the_meaning() -> None:
    text = SourceText.from_bytes(b"They did not go. They did go. They did not go.\n")
    match = text.find("They did ... go.")
    assert match is not None and match.changes == () and text.span(match) == "They did go."
    bent = SourceText.from_bytes(b"They did not go.\n").find("They did ... go.")
    assert bent is not None and [c.removed for c in bent.changes] == [("not",)]


# --- the closest passage: how a misquote is explained --------------------------------------


@pytest.mark.parametrize(
    ("quote", "para", "score", "passage", "diff"),
    [
        # A changed first or last word: the window reaches as far as the quote does.
        ("a quick brown fox", 1, 0.75, "The quick brown fox", "[-a-] {+The+} quick brown fox"),
        (
            "quick brown fox leaps",
            1,
            0.75,
            "quick brown fox jumps",
            "quick brown fox [-leaps-] {+jumps+}",
        ),
        # Words before the text starts: the passage starts where the text does.
        ("so then The quick brown", 1, 0.75, "The quick brown", "[-so then-] The quick brown"),
        (
            "jumps over the lazy cat in the sun",
            1,
            0.5,
            "jumps over the lazy dog. A second paragraph",
            "jumps over the lazy [-cat in the sun-] {+dog. A second paragraph+}",
        ),
        (
            "A second paragraph says at all.",
            2,
            12 / 13,
            "A second paragraph says nothing at all.",
            "A second paragraph says {+nothing+} at all.",
        ),
        (
            "paragraph [also] says ... at all",
            2,
            8 / 9,
            "paragraph says nothing at all.",
            "paragraph says {+nothing+} at all",
        ),
        # Across a paragraph break.
        (
            "the lazy dog. The second",
            1,
            0.8,
            "the lazy dog. A second",
            "the lazy dog. [-The-] {+A+} second",
        ),
        # Only punctuation differs: then it is the reason, and shown.
        (
            "jumps over the lazy dog",
            1,
            0.8,
            "jumps over the lazy dog.",
            "jumps over the lazy [-dog-] {+dog.+}",
        ),
    ],
)
def test_the_hint_shows_the_closest_passage_and_how_the_words_differ(
    quote: str, para: int, score: float, passage: str, diff: str
) -> None:
    near = FOX.nearest(quote)
    assert near is not None
    assert (near.para, near.passage, near.diff) == (para, passage, diff)
    assert near.score == pytest.approx(score)


def test_punctuation_at_the_edges_is_no_difference_unless_it_is_the_only_one() -> None:
    text = SourceText.from_bytes(b'"We will not yield," he said.\n')
    near = text.nearest("We will never yield")
    assert near is not None
    assert near.passage == '"We will not yield,"'
    assert near.diff == "We will [-never-] {+not+} yield"
    assert near.score == pytest.approx(0.75)
    near = text.nearest('"We will never yield,')
    assert near is not None and near.diff == '"We will [-never-] {+not+} yield'
    # Edge punctuation the quote has as the source does is shown as it is.
    near = text.nearest('"We will never yield,"')
    assert near is not None and near.diff == '"We will [-never-] {+not+} yield,"'
    # A word that is only punctuation is a word: ";" for "." is shown.
    plain = SourceText.from_bytes(b"we will not yield .\n")
    near = plain.nearest("we will never yield ;")
    assert near is not None and near.diff == "we will [-never-] {+not+} yield [-;-] {+.+}"


def test_the_hint_points_to_the_closest_of_several_paragraphs() -> None:
    text = text_of(
        "The ministers met in Tokyo.",
        "The ministers met in Moscow in June.",
        "The ministers met in Moscow in July.",
    )
    near = text.nearest("The ministers met in Moscow in late June")
    assert near is not None
    assert (near.para, near.passage) == (2, "The ministers met in Moscow in June.")
    assert near.diff == "The ministers met in Moscow in [-late-] June"
    near = text.nearest("ministers met in Moscow early in July")
    assert near is not None and (near.para, near.score) == (3, pytest.approx(12 / 13))


def test_of_equally_close_passages_the_first_is_shown() -> None:
    text = text_of("They met in June.", "They met in June.")
    near = text.nearest("They met in July.")
    assert near is not None and near.para == 1


def test_in_a_long_passage_common_words_are_compared_like_any_other() -> None:
    words = ["It", "began"] + ["the", "x"] * 120 + ["and", "ended."]
    text = SourceText.from_bytes((" ".join(words) + "\n").encode())
    near = text.nearest("It began zz the yy and ended.")
    assert near is not None
    assert near.passage == " ".join(words)
    assert near.diff.startswith("It began [-zz-] the [-yy-] {+x the x the")
    assert near.diff.endswith(" the x+} and ended.")
    assert near.score == pytest.approx(10 / 251)


def test_a_misquote_of_common_words_in_a_long_paragraph_has_a_hint() -> None:
    text = SourceText.from_bytes(("the x " * 120 + "end.\n").encode())
    near = text.nearest("the x the zz")
    assert near is not None
    assert (near.para, near.passage, near.diff) == (1, "the x the x", "the x the [-zz-] {+x+}")


def test_up_to_300_candidate_passages_are_all_compared_word_by_word() -> None:
    # Twenty paragraphs share more words with the quote (one word, repeated) than the
    # closest passage does: only a shortlist by shared words would miss it.
    paras = ["alpha " * 8] * 20 + ["nothing here at all"] * 129
    paras += ["alpha beta gamma delta zeta"] + ["nothing here at all"] * 150
    assert len(paras) == textmatch.MAX_UNITS
    near = text_of(*paras).nearest("alpha beta gamma delta epsilon")
    assert near is not None
    assert (near.para, near.passage) == (150, "alpha beta gamma delta zeta")


def test_there_is_no_hint_without_words() -> None:
    assert FOX.nearest("... [...] …") is None
    assert SourceText.from_bytes(b"\n\n").nearest("any words") is None
    assert FOX.nearest("nowhere near anything") is None


def test_a_long_quote_is_compared_by_its_first_80_words() -> None:
    words = [f"w{i}" for i in range(200)]
    text = SourceText.from_bytes((" ".join(words) + "\n").encode())
    quote = [*words[10:90], "changed", *words[91:120]]  # word 81 differs
    near = text.nearest(" ".join(quote))
    assert near is not None
    assert near.score == 1.0 and near.passage == " ".join(words[10:90])
    near = text.nearest(" ".join([*words[10:89], "changed"]))  # word 80 differs
    assert near is not None and near.score < 1.0


@pytest.mark.parametrize("at", [0, 437, 1500, 2990])
def test_a_passage_in_a_long_paragraph_is_found_wherever_it_is(at: int) -> None:
    words = [f"w{i}" for i in range(3000)]
    text = text_of("An opening line.", " ".join(words), "A closing line.")
    quote = [*words[at : at + 5], "extra"]
    near = text.nearest(" ".join(quote))
    assert near is not None
    assert near.para == 2
    assert near.passage.startswith(" ".join(words[at : at + 5]))
    assert near.score >= 10 / 12


@pytest.mark.parametrize(("length", "shown"), [(400, 400), (401, 1)])
def test_a_paragraph_over_400_words_is_compared_in_windows(length: int, shown: int) -> None:
    """The passage shown is about the quote's length, not a whole long paragraph."""
    words = ["alpha", *(f"w{i}" for i in range(length - 2)), "omega"]
    near = SourceText.from_bytes((" ".join(words) + "\n").encode()).nearest("alpha omega")
    assert near is not None and len(near.passage.split()) == shown


def test_a_quote_across_a_break_far_into_the_text_is_found() -> None:
    opening = " ".join(f"v{i}" for i in range(300))
    text = text_of(opening, "They met in June.", "Then they left.")
    near = text.nearest("They met in July. Then they left.")
    assert near is not None
    assert (near.para, near.passage) == (2, "They met in June. Then they left.")


def test_a_quote_across_the_break_into_a_long_paragraph_is_found() -> None:
    long = " ".join(f"w{i}" for i in range(1000))
    text = text_of("It was short.", long)
    near = text.nearest("It was brief. w0 w1 w2")
    assert near is not None
    assert (near.para, near.passage) == (1, "It was short. w0 w1 w2")


def test_among_many_paragraphs_the_hint_reads_those_sharing_the_most_words() -> None:
    filler = [f"Paragraph number {n} is about something else entirely." for n in range(400)]
    filler[250] = "The ministers met in Moscow in June to sign the fisheries deal."
    filler[300] = "The ministers met for lunch."
    text = text_of(*filler)
    near = text.nearest("The ministers met in Moscow in July to sign the fishing deal.")
    assert near is not None
    assert (near.para, near.passage) == (251, filler[250])
    assert near.diff == (
        "The ministers met in Moscow in [-July-] {+June+} to sign the [-fishing-] "
        "{+fisheries+} deal."
    )


def test_after_a_budget_of_reading_the_hint_is_left_out(monkeypatch) -> None:
    text = text_of("one two three four five", "six seven eight nine ten")  # ten words
    monkeypatch.setattr(textmatch, "HINT_WORK", 20)
    assert text.nearest("one two six") is not None
    assert text.nearest("one two six") is not None  # 20 words read: the budget
    assert text.nearest("one two six") is None


@settings(deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["a", "b", "c", "dd", "e1", "Ff"]), min_size=1, max_size=8),
        min_size=1,
        max_size=5,
    ),
    st.data(),
)
def test_a_quote_cut_from_the_text_is_its_own_closest_passage(
    paras: list[list[str]], data: st.DataObject
) -> None:
    text = text_of(*(" ".join(p) for p in paras))
    flat = [w for p in paras for w in p]
    para_of = [n for n, p in enumerate(paras, 1) for _ in p]
    start = data.draw(st.integers(0, len(flat) - 1))
    end = data.draw(st.integers(start + 1, len(flat)))
    # A run that starts in one paragraph and ends in it or the next: one candidate holds it.
    end = min(end, start + 1 + sum(1 for n in para_of[start:] if n <= para_of[start] + 1) - 1)
    run = flat[start:end]
    near = text.nearest(" ".join(run))
    assert near is not None
    assert (near.score, near.passage, near.diff) == (1.0, " ".join(run), " ".join(run))
    # The first occurrence that one candidate (a paragraph and the next) holds.
    first = next(
        i
        for i in range(len(flat))
        if flat[i : i + len(run)] == run and para_of[i + len(run) - 1] <= para_of[i] + 1
    )
    assert near.para == para_of[first]


@pytest.mark.parametrize(
    ("quote", "source", "diff"),
    [
        ("a b c", "a b c", "a b c"),
        ("a b c", "a x c", "a [-b-] {+x+} c"),
        ("a b c", "a c", "a [-b-] c"),
        ("a c", "a b b c", "a {+b b+} c"),
        ("a b", "c d", "[-a b-] {+c d+}"),
        ("", "c", "{+c+}"),
    ],
)
def test_the_word_difference_marks_the_quote_s_and_the_source_s_words(
    quote: str, source: str, diff: str
) -> None:
    assert word_diff(quote.split(), source.split()) == diff


# --- figures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("two hundred thousand troops", {200_000}),
        ("one million people", {1_000_000}),
        ("a hundred ships", {100}),
        ("a thousand ships", {1000}),
        ("One Hundred Days", {100}),
        ("two thousand and five", {2005}),
        ("twenty-one thousand", {21_000}),
        ("ninety-nine", {99}),
        ("one million two hundred thousand", {1_200_000}),
        ("three billion", {3 * 10**9}),
        ("in the top ten, fifth year running", {10, 5}),
        ("five well-known ships", {5}),
        ("twenty well-known ships", {20}),
        ("the well-known hundred days", {100}),
        ("zero", {0}),
        ("the twenty-first and the third", {21, 3}),
        ("the twelfth of eleven", {12, 11}),
        ("1.5 or 1,234.5 or 12,000,000", {Decimal("1.5"), Decimal("1234.5"), 12_000_000}),
        ("ten boats, 390 jets", {10, 390}),
        ("seven 7s", {7}),
        ("one", set()),
        ("one-third", set()),  # not a figure this reader knows
        ("first and foremost", set()),
        ("hundreds of boats", set()),
        ("twenty-first-century", set()),
    ],
)
def test_figures_are_read_as_values(text: str, values: set) -> None:
    assert figures(text) == {Decimal(v) for v in values}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("between five and six ships", {5, 6}),
        ("twelve, five of them new", {12, 5}),
        ("one, two, three", {2, 3}),
        ("twenty thirty", {20, 30}),
        ("twenty, ten", {20, 10}),
        ("twenty twenty-one", {20, 21}),
        ("twenty-one twenty-two", {21, 22}),
        ("nineteen eighty-four", {19, 84}),
        ("a thousand and one nights", {1001}),
        ("one hundred twenty-one", {121}),
    ],
)
def test_number_words_side_by_side_are_separate_figures(text: str, values: set) -> None:
    """ "five and six" was read as 11 and "twelve, five" as 17: a claim "five ships"
    citing "five and six ships" was told the source says 11."""
    assert figures(text) == {Decimal(v) for v in values}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1200"), "1200"),
        (Decimal("1.2E+3"), "1200"),
        (Decimal("1200.00"), "1200"),
        (Decimal("1.5"), "1.5"),
        (Decimal("1.50"), "1.50"),  # as written
        (Decimal("0.25"), "0.25"),
        (Decimal("0"), "0"),
    ],
)
def test_a_figure_is_shown_as_an_editor_writes_it(value: Decimal, shown: str) -> None:
    assert show(value) == shown


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("2018-06-19/2018-07-02", "19 June 2018 – 2 July 2018"),
        ("2018-06-19/2019-06-21", "19 June 2018 – 21 June 2019"),
        ("2018-06/2018-07", "June 2018 – July 2018"),
        ("2018/2019-06", "2018 – June 2019"),
        ("2018-06/2018-06-21", "June 2018 – 21 June 2018"),
        ("2018-05-19/2018-06", "19 May 2018 – June 2018"),
        ("2018-06/2019", "June 2018 – 2019"),
        ("2015~/2016", "c. 2015–2016"),
        ("2018-06-19~/2018-06-21", "c. 19–21 June 2018"),
        ("2018-06-19/2018-06-21~", "c. 19–21 June 2018"),
        ("2021-10~", "c. October 2021"),
        ("2021-01-01", "1 January 2021"),
        ("2021-12-31", "31 December 2021"),
        ("0999", "999"),
    ],
)
def test_a_date_prints_as_a_reader_reads_it(text: str, human: str) -> None:
    date = parse_date(text)
    assert date.human() == human
    assert parse_date(date.iso()) == date
    assert str(date) == date.iso()


@pytest.mark.parametrize(
    ("text", "first", "last", "years", "csl"),
    [
        ("2021", (2021, 1, 1), (2021, 12, 31), {2021}, {"date-parts": [[2021]]}),
        ("2020-02", (2020, 2, 1), (2020, 2, 29), {2020}, {"date-parts": [[2020, 2]]}),
        ("2021-02", (2021, 2, 1), (2021, 2, 28), {2021}, {"date-parts": [[2021, 2]]}),
        (
            "2017-10-19/2019~",
            (2017, 10, 19),
            (2019, 12, 31),
            {2017, 2018, 2019},
            {"date-parts": [[2017, 10, 19], [2019]], "circa": True},
        ),
    ],
)
def test_a_date_covers_the_days_its_precision_allows(
    text: str, first: tuple, last: tuple, years: set, csl: dict
) -> None:
    date = parse_date(text)
    assert (date.first_day(), date.last_day(), date.years(), date.csl()) == (
        first,
        last,
        years,
        csl,
    )
    assert date.year == first[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0000", "year 0000 is not a year a source can give (1–2999)"),
        ("3000-01", "year 3000 is not a year a source can give (1–2999)"),
        ("2021/3000", "year 3000 is not a year a source can give (1–2999)"),
        ("2021-13", "month 13 is not 1–12"),
        ("2021-00", "month 0 is not 1–12"),
        ("2021-02-29", "day 29 does not exist in 2021-02"),
        ("2021-01-00", "day 0 does not exist in 2021-01"),
        ("2020-04-31", "day 31 does not exist in 2020-04"),
        ("2021/2020", "'2021/2020' ends before it starts"),
        ("2021-10-19/2021-10-18", "'2021-10-19/2021-10-18' ends before it starts"),
        (
            "2021-1",
            "'2021-1' is not a date: write 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (add '~' if "
            "approximate, 'A/B' for a span)",
        ),
    ],
)
def test_an_impossible_date_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_date(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("text", ["2020-02-29", "0001", "2999-12-31", " 2021-10 ", "2021/2021"])
def test_the_edges_of_the_calendar_are_dates(text: str) -> None:
    assert parse_date(text).iso() == text.strip()


def test_pydantic_reads_a_date_from_text_and_writes_it_as_text() -> None:
    # Built in the test: pydantic asks Date for its schema when the adapter is made.
    adapter = TypeAdapter(Date)
    assert adapter.validate_json('"2021-10"') == parse_date("2021-10")
    assert adapter.validate_python("2015~") == parse_date("2015~")
    date = parse_date("2018-06-19/2018-06-21")
    assert adapter.validate_python(date) is date
    assert adapter.dump_json(date) == b'"2018-06-19/2018-06-21"'
    assert adapter.dump_python(parse_date("2015~")) == "2015~"
    with pytest.raises(ValidationError) as raised:
        adapter.validate_python(2021)
    assert [e["msg"] for e in raised.value.errors()] == [
        "Value error, write a date as text: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'"
    ]
    with pytest.raises(ValidationError, match="valid string"):
        adapter.validate_json("2021")
    with pytest.raises(ValidationError, match="month 13 is not 1–12"):
        adapter.validate_json('"2021-13"')


def test_the_date_json_schema_accepts_what_the_reader_accepts() -> None:
    adapter = TypeAdapter(Date)
    schema = adapter.json_schema()
    assert schema == {
        "type": "string",
        "pattern": PATTERN,
        "description": "YYYY, YYYY-MM or YYYY-MM-DD; '~' after it for approximate; "
        "'A/B' for a span.",
        "examples": ["2021", "2021-11", "2021-10-19", "2015~", "2018-06-19/2018-06-21"],
    }
    for example in schema["examples"]:
        assert parse_date(example).iso() == example
        assert re.match(schema["pattern"], example)
    for wrong in ["21", "2021-1", "2021-10-1", "October 2021", "2021/", "2021~~"]:
        assert not re.match(schema["pattern"], wrong)


@pytest.mark.parametrize(
    ("text", "years", "months", "days", "shown", "spans"),
    [
        ("the 19th of June", set(), {6}, {(6, 19)}, ("19th of June",), set()),
        ("Sept. 5, 2019", {2019}, {9}, {(9, 5)}, ("Sept. 5, 2019",), set()),
        ("on 5 Mar. 2020.", {2020}, {3}, {(3, 5)}, ("5 Mar. 2020",), set()),
        ("June 19-21, 2018", {2018}, {6}, {(6, 19), (6, 21)}, ("June 19-21, 2018",), set()),
        ("Jan 3 to 5", set(), {1}, {(1, 3), (1, 5)}, ("Jan 3 to 5",), set()),
        ("3 and 4 July", set(), {7}, {(7, 3), (7, 4)}, ("3 and 4 July",), set()),
        ("Dec 31 2019", {2019}, {12}, {(12, 31)}, ("Dec 31 2019",), set()),
        ("June 1, 2018", {2018}, {6}, {(6, 1)}, ("June 1, 2018",), set()),
        ("by Sept.", set(), {9}, set(), ("Sept",), set()),
        ("on 2009-12-05", {2009}, {12}, {(12, 5)}, ("2009-12-05",), set()),  # not 2009-12
        ("the 32nd of May", set(), {5}, set(), ("32nd of May",), set()),
        ("in may 2014", {2014}, set(), set(), ("2014",), set()),  # "may" is a word
        ("2014-2016", {2014, 2016}, set(), set(), ("2014-2016",), {(2014, 2016)}),
        ("2017\u20132018", {2017, 2018}, set(), set(), ("2017-2018",), {(2017, 2018)}),
        ("2017\u201418", {2017, 2018}, set(), set(), ("2017-18",), {(2017, 2018)}),
        ("the 1980s", {1980}, set(), set(), ("1980s",), {(1980, 1989)}),
        ("the 1985s", {1985}, set(), set(), ("1985s",), set()),
        ("the 1990s", {1990}, set(), set(), ("1990s",), {(1990, 1999)}),
        ("2022-13", {2022}, set(), set(), ("2022-13",), set()),
        ("2019-18", {2019}, set(), set(), ("2019-18",), set()),
        ("2019-2018", {2019}, set(), set(), ("2019-2018",), set()),  # not a span
        ("2021-2021", {2021}, set(), set(), ("2021-2021",), set()),
        ("2022-01-05", {2022}, {1}, {(1, 5)}, ("2022-01-05",), set()),
        ("2022-03-21T10", {2022}, {3}, {(3, 21)}, ("2022-03-21",), set()),
        ("2022-03, 2022-03", {2022}, {3}, set(), ("2022-03",), set()),
        ("1,2014 and 12014 and 3.2014", set(), set(), set(), (), set()),
        ("2014.5", {2014}, set(), set(), ("2014",), set()),
    ],
)
def test_the_dates_a_passage_mentions(
    text: str, years: set, months: set, days: set, shown: tuple, spans: set
) -> None:
    said = mentions(text)
    assert (said.years, said.months, said.days, said.shown, said.spans) == (
        years,
        months,
        days,
        shown,
        spans,
    )


def test_mentions_of_several_passages_add_up() -> None:
    said = mentions("in 2014 and March 3") | mentions("in 2014, the 1980s, on April 4")
    assert said.years == {2014, 1980}
    assert said.months == {3, 4}
    assert said.days == {(3, 3), (4, 4)}
    assert said.shown == ("2014", "March 3", "1980s", "April 4")
    assert said.spans == {(1980, 1989)}
    assert said.support(Point(2014, 3, 3))
    assert not said.support(Point(2015, 3, 3))
    assert said.support(Point(2015, 3, 3), year_known=True)
    assert not said.support(Point(2014, 5))
    assert said.support_date(parse_date("1980/1989"))
    assert not said.support_date(parse_date("1980-03/1989"))
    assert said.support_date(parse_date("2014-03/2014-03-03"))
