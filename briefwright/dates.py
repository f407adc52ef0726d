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
