from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import build_project

from briefwright.config import Project
from briefwright.dates import parse_date
from briefwright.numbers import figures
from briefwright.pipeline import check


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
