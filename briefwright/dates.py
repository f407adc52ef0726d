"""Dates with the precision the source gives: a year, a month or a day.

Written as a subset of EDTF (ISO 8601-2), years 1–2999: `2021`, `2021-11`, `2021-10-19`, a trailing
`~` for "approximately" (`2015~`), and an interval `2018-06-19/2018-06-21`. Dates are
always written as text in YAML (quoted or not: the loader never turns them into
`datetime.date`), so nothing is silently completed to the first of a month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_POINT = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
_DATE_RE = re.compile(rf"^{_POINT}(~)?(?:/{_POINT}(~)?)?$")
PATTERN = rf"^{_POINT}~?(/{_POINT}~?)?$"

MONTHS = tuple(calendar.month_name)[1:]
# Years a date may have. Year 0 does not exist in the calendar the timeline uses, and
# a year near 9999 cannot be drawn (the axis runs a year past the last event); no
# source dates an event or a publication outside this range.
FIRST_YEAR, LAST_YEAR = 1, 2999


@dataclass(frozen=True, slots=True, order=True)
class Point:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def first_day(self) -> tuple[int, int, int]:
        return (self.year, self.month or 1, self.day or 1)

    def last_day(self) -> tuple[int, int, int]:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return (self.year, month, day)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def human(self) -> str:
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"  # type: ignore[operator]
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)


@dataclass(frozen=True, slots=True)
class Date:
    start: Point
    end: Point | None = None
    approximate: bool = False

    # Sorting and windows compare the span a date covers, so "2021" contains "2021-10-19".
    def first_day(self) -> tuple[int, int, int]:
        return self.start.first_day()

    def last_day(self) -> tuple[int, int, int]:
        return (self.end or self.start).last_day()

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def precision(self) -> str:
        return self.start.precision

    def years(self) -> set[int]:
        last = (self.end or self.start).year
        return set(range(self.start.year, last + 1))

    def iso(self) -> str:
        text = self.start.iso() + ("~" if self.approximate else "")
        if self.end:
            text += "/" + self.end.iso()
        return text

    def human(self) -> str:
        prefix = "c. " if self.approximate else ""
        if self.end is None:
            return prefix + self.start.human()
        a, b = self.start, self.end
        if a.year == b.year and a.month and a.month == b.month and a.day and b.day:
            return f"{prefix}{a.day}–{b.day} {MONTHS[a.month - 1]} {a.year}"
        if a.precision == "year" and b.precision == "year":
            return f"{prefix}{a.year}–{b.year}"
        return f"{prefix}{a.human()} – {b.human()}"

    def csl(self) -> dict[str, Any]:
        """CSL-JSON date-variable form."""
        parts = [[int(x) for x in p.iso().split("-")] for p in (self.start, self.end) if p]
        out: dict[str, Any] = {"date-parts": parts}
        if self.approximate:
            out["circa"] = True
        return out

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_str = core_schema.no_info_plain_validator_function(_validate)
        return core_schema.json_or_python_schema(
            json_schema=core_schema.chain_schema([core_schema.str_schema(), from_str]),
            python_schema=from_str,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.iso()),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": PATTERN,
            "description": "YYYY, YYYY-MM or YYYY-MM-DD; '~' after it for approximate; "
            "'A/B' for a span.",
            "examples": ["2021", "2021-11", "2021-10-19", "2015~", "2018-06-19/2018-06-21"],
        }


def _validate(value: Any) -> Date:
    if isinstance(value, Date):
        return value
    if not isinstance(value, str):
        raise ValueError("write a date as text: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    return parse_date(value)


def _point(y: str, m: str | None, d: str | None) -> Point:
    point = Point(int(y), int(m) if m else None, int(d) if d else None)
    if not FIRST_YEAR <= point.year <= LAST_YEAR:
        raise ValueError(f"year {y} is not a year a source can give ({FIRST_YEAR}–{LAST_YEAR})")
    if point.month is not None and not 1 <= point.month <= 12:
        raise ValueError(f"month {point.month} is not 1–12")
    if point.day is not None:
        last = calendar.monthrange(point.year, point.month or 1)[1]
        if not 1 <= point.day <= last:
            raise ValueError(f"day {point.day} does not exist in {point.iso()[:7]}")
    return point


def parse_date(text: str) -> Date:
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(
            f"'{text}' is not a date: write 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' "
            "(add '~' if approximate, 'A/B' for a span)"
        )
    y1, m1, d1, approx1, y2, m2, d2, approx2 = match.groups()
    start = _point(y1, m1, d1)
    end = _point(y2, m2, d2) if y2 else None
    if end and end.first_day() < start.first_day():
        raise ValueError(f"'{text}' ends before it starts")
    return Date(start, end, bool(approx1 or approx2))


# --- dates as sources write them ---------------------------------------------------------

_MONTH_NAMES = {name.lower(): n for n, name in enumerate(MONTHS, 1)} | {
    abbr.lower(): n for n, abbr in enumerate(calendar.month_abbr[1:], 1)
}
_MONTH_NAMES["sept"] = 9
# Capitalised, as sources write months: "may" and "march" are also words.
_MONTH = (
    r"(?P<{}>(?:"
    + "|".join(sorted({m.capitalize() for m in _MONTH_NAMES}, key=len, reverse=True))
    + r")\b\.?)"
)
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?<![\d.,])(?P<{}>[12]\d{{3}})(?!\d)"
_TO = r"(?:\s*-\s*|\s+(?:and|to|through)\s+)"  # 19-21, 19 and 21, 19 to 21
# A mention starts with a digit or a month's capital: the lookahead fails fast everywhere
# else (the alternatives alone cost a microsecond per character).
_MENTION = re.compile(
    "(?=[0-9JFMASOND])(?:"
    + "|".join(
        [
            # 2022-03-21, 2022-03 (but "2017-18" is a span of years)
            r"(?<![\d.,])(?P<iy>[12]\d{3})-(?P<im>\d{2})(?:-(?P<id>\d{2}))?(?!\d)",
            # 21 March 2022, 19-21 June 2018, 19 and 21 June, 21 March
            _DAY.format("d1")
            + f"(?:{_TO}"
            + _DAY.format("d2")
            + r")?\s+(?:of\s+)?"
            + _MONTH.format("m1")
            + r"(?:,?\s+"
            + _YEAR.format("y1")
            + ")?",
            # March 21, 2022, June 19 and 21, 2018, March 21, March 2022, March
            _MONTH.format("m2")
            + r"(?:\s+"
            + _DAY.format("d3")
            + f"(?:{_TO}"
            + _DAY.format("d4")
            + r")?(?!\d))?(?:,?\s+"
            + _YEAR.format("y2")
            + ")?",
            # 2014, 2017-18, 1904-05, 2014-2016, the 1980s
            _YEAR.format("y3") + r"(?:(?P<decade>s)|-(?P<y4>\d{2}|[12]\d{3})(?!\d))?",
        ]
    )
    + ")"
)


@dataclass(frozen=True)
class Mentions:
    """The dates a passage mentions: which years, months and days of a month appear."""

    years: frozenset[int]
    months: frozenset[int]
    days: frozenset[tuple[int, int]]  # (month, day)
    shown: tuple[str, ...]  # as written, in order of appearance
    spans: frozenset[tuple[int, int]] = frozenset()  # "2017-18", "the 1980s"

    def __or__(self, other: Mentions) -> Mentions:
        shown = dict.fromkeys((*self.shown, *other.shown))
        return Mentions(
            self.years | other.years,
            self.months | other.months,
            self.days | other.days,
            tuple(shown),
            self.spans | other.spans,
        )

    def support_date(self, date: Date, year_known: bool = False) -> bool:
        """Whether the passage gives the date: each end of a span, or the span of years
        itself ("2017-18", "the 1980s" for 1980/1989)."""
        end = date.end
        whole = end is not None and date.precision == end.precision == "year"
        if whole and (date.start.year, end.year) in self.spans:  # type: ignore[union-attr]
            return True
        return all(self.support(p, year_known) for p in (date.start, end) if p is not None)

    def support(self, point: Point, year_known: bool = False) -> bool:
        """Whether the passage gives this date's year (unless known otherwise), its
        month and its day: each may be written anywhere in the passage."""
        if not year_known and point.year not in self.years:
            return False
        if point.month is not None and point.month not in self.months:
            return False
        return point.day is None or (point.month, point.day) in self.days


NO_MENTIONS = Mentions(frozenset(), frozenset(), frozenset(), ())


def _month(text: str | None) -> int | None:
    return _MONTH_NAMES.get(text.rstrip(".").lower()) if text else None


def _span_end(start: int, end: str) -> int:
    """The last year of "2017-18" or "2014-2016" (None-like 0 if it is not a span)."""
    year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
    return year if year > start else 0


def mentions(text: str) -> Mentions:
    """Every date a passage writes: "21 March 2022", "March 21, 2022", "in 2014",
    "2017-18", "1904-05", "2022-03-21". Dashes are expected as "-" (normalised text)."""
    years: set[int] = set()
    months: set[int] = set()
    days: set[tuple[int, int]] = set()
    spans: set[tuple[int, int]] = set()
    shown: list[str] = []
    for m in _MENTION.finditer(text.replace("\u2013", "-").replace("\u2014", "-")):
        g = m.groupdict()
        if g["iy"]:
            year, month = int(g["iy"]), int(g["im"])
            years.add(year)
            # "2017-18" and "1904-05" are spans of years; "2022-03" is a month.
            if not g["id"] and _span_end(year, g["im"]):
                years.add(_span_end(year, g["im"]))
                spans.add((year, _span_end(year, g["im"])))
            elif 1 <= month <= 12:
                months.add(month)
                if g["id"]:
                    days.add((month, int(g["id"])))
        elif g["m1"] or g["m2"]:
            month = _month(g["m1"] or g["m2"])
            assert month is not None
            months.add(month)
            for day in (g["d1"], g["d2"], g["d3"], g["d4"]):
                if day and 1 <= int(day) <= 31:
                    days.add((month, int(day)))
            for year in (g["y1"], g["y2"]):
                if year:
                    years.add(int(year))
        else:
            year = int(g["y3"])
            years.add(year)
            if g["y4"] and _span_end(year, g["y4"]):
                years.add(_span_end(year, g["y4"]))
                spans.add((year, _span_end(year, g["y4"])))
            elif g["decade"] and year % 10 == 0:
                spans.add((year, year + 9))
        shown.append(m.group().rstrip(".,"))
    return Mentions(
        frozenset(years),
        frozenset(months),
        frozenset(days),
        tuple(dict.fromkeys(shown)),
        frozenset(spans),
    )
