from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import build_project

from briefwright.config import Project
from briefwright.dates import mentions, parse_date
from briefwright.numbers import figures
from briefwright.pipeline import check
from briefwright.render import render_brief


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("scrambled jets 390 times, up by eighty-nine", {390, 89}),
        ("twenty-one meetings; twenty one talks", {21}),
        ("one of the four islands", {4}),  # 'one' alone is a pronoun
        ("one hundred and five", {105}),
        ("the 1950s and the 20th century", {1950, 20}),
        ("1,000 troops and 3.5 million people", {1000, Decimal("3.5"), 1_000_000}),
        ("the first-ever meeting", set()),
    ],
)
def test_figures(text: str, values: set[int]) -> None:
    assert figures(text) == {Decimal(v) for v in values}


@pytest.mark.parametrize(
    ("text", "human", "precision"),
    [
        ("2021", "2021", "year"),
        ("2021-11", "November 2021", "month"),
        ("2021-10-19", "19 October 2021", "day"),
        ("2015~", "c. 2015", "year"),
        ("2018-06-19/2018-06-21", "19–21 June 2018", "day"),
        ("1904/1905", "1904–1905", "year"),
    ],
)
def test_dates(text: str, human: str, precision: str) -> None:
    date = parse_date(text)
    assert date.human() == human
    assert date.precision == precision
    assert date.iso() == text


@pytest.mark.parametrize(
    "text",
    ["2021-13", "2021-02-30", "21-10", "2021/2020", "October 2021", "0000", "9999", "2021/9999"],
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_date_spans_order_and_contain() -> None:
    year, day = parse_date("2021"), parse_date("2021-10-19")
    assert year.first_day() <= day.first_day() <= day.last_day() <= year.last_day()


@pytest.mark.parametrize("year", ["0000", "9999", "0000-01-01"])
def test_an_impossible_year_is_a_located_error_at_check_time(tmp_path, year: str) -> None:
    """Issue 10 §9: "0000" or "9999" passed the check, then the timeline crashed."""
    root = build_project(tmp_path / "p")
    claims = root / "content" / "claims" / "main.yaml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace('date: "2020-03-03"', f'date: "{year}"', 1), encoding="utf-8")
    problems = check(Project.at(root)).problems
    bad = [p for p in problems if p.code == "invalid-field"]
    assert len(bad) == 1, problems
    line = claims.read_text(encoding="utf-8").splitlines()[bad[0].line - 1]
    assert year in line
    assert f"year {year[:4]}" in bad[0].message


@pytest.mark.parametrize(
    ("passage", "date", "year_known", "supported"),
    [
        ("On 21 March 2022 they met.", "2022-03-21", False, True),
        ("They met on March 21, 2022.", "2022-03-21", False, True),
        ("They met on March 21, 2022.", "2022-03-22", False, False),
        ("They met in March 2022.", "2022-03", False, True),
        ("They met in March 2022.", "2022-03-21", False, False),
        ("They met in 2014.", "2014", False, True),
        ("They met in 2014.", "2015", False, False),
        ("the 2017-18 season", "2017/2018", False, True),
        ("the 2017-18 season", "2018", False, True),
        ("the war of 1904–05", "1904/1905", False, True),
        ("the war of 1904–05", "1904-05", False, False),  # a span of years, not May
        ("the 2022-02-28 statement", "2022-02-28", False, True),
        ("Between June 19 and 21, 2018, drills", "2018-06-19/2018-06-21", False, True),
        ("from 19 to 21 June 2018", "2018-06-19/2018-06-21", False, True),
        ("in the 1980s", "1980/1989", False, True),
        ("in the 1980s", "1985", False, False),
        ("On October 19, ten warships", "2021-10-19", True, True),  # the year inferred
        ("On October 19, ten warships", "2021-10-20", True, False),
        ("390 times, 1,200 boats", "1200", False, False),  # a figure is not a year
        ("No date at all.", "2022-02-28", False, False),
    ],
)
def test_a_date_must_be_written_in_the_passage(
    passage: str, date: str, year_known: bool, supported: bool
) -> None:
    assert mentions(passage).support_date(parse_date(date), year_known) is supported


def test_mentions_are_shown_as_written() -> None:
    said = mentions("On 21 March 2022, after the 2017-18 talks and in 2014, March 21, 2022.")
    assert said.shown == ("21 March 2022", "2017-18", "2014", "March 21, 2022")


def _check_with(tmp_path, old: str, new: str):
    root = build_project(tmp_path / "p")
    claims = root / "content" / "claims" / "main.yaml"
    text = claims.read_text(encoding="utf-8")
    assert old in text
    claims.write_text(text.replace(old, new, 1), encoding="utf-8")
    return check(Project.at(root)).problems


def test_date_not_in_source_lists_the_dates_the_passage_gives(tmp_path) -> None:
    """Issue 11 §2: a date the cited passage does not give is an error."""
    problems = _check_with(
        tmp_path,
        'date: "2020-03-03"\n  date_inferred: year',
        'date: "2020-03-04"\n  date_inferred: year',
    )
    [problem] = [p for p in problems if p.code == "date-not-in-source"]
    assert problem.level == "error" and problem.id == "fisheries-deal"
    assert "month and day 2020-03-04 (4 March 2020)" in problem.message
    assert problem.hint is not None and "the passage mentions “March 3”" in problem.hint


def test_number_not_in_source_shows_the_figures_the_passage_has(tmp_path) -> None:
    """Issue 11 §2: "the source says 27"."""
    problems = _check_with(
        tmp_path, "text: The talks lasted 21 months.", "text: The talks lasted 27 months."
    )
    [problem] = [p for p in problems if p.code == "number-not-in-source"]
    assert problem.hint is not None and problem.hint.startswith("the source says 21;")


def test_an_old_undated_fact_is_printed_with_its_source_year(tmp_path) -> None:
    """Issue 11 §3: a fact from a source years older than the brief does not read as
    current; one that speaks of 'now' is listed by undated-old-fact."""
    root = build_project(tmp_path / "p", "undated-old-fact")
    result = check(Project.at(root))
    assert [(p.code, p.id) for p in result.problems] == [("undated-old-fact", "ties-now")]
    rendered = render_brief(result.content, "brief")
    assert rendered.claim_text["ties-now"] == (
        "Analysts now expect economic ties to deepen over the next decade (2019)."
    )
    assert rendered.claim_text["ties-at-the-time"].endswith("next decade (2019).")
    # A fact whose source is as recent as the brief has no year added.
    assert rendered.claim_text["talks-length"] == "The talks lasted 21 months."


def test_stale_after_years_null_turns_it_off(tmp_path) -> None:
    root = build_project(tmp_path / "p", "undated-old-fact")
    brief = root / "briefings" / "brief.yaml"
    brief.write_text(brief.read_text().replace("stale_after_years: 1", "stale_after_years: null"))
    result = check(Project.at(root))
    assert result.problems == []
    rendered = render_brief(result.content, "brief")
    assert "(2019)" not in rendered.claim_text["ties-now"]
