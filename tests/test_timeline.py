"""The timeline figure reads at 40+ events (issue 12 §7): every label in full, no two
labels overlapping, no line through text, one A4 page, title and description.

The geometry is the one timeline_svg draws (layout()); the tests also check that the SVG's
text sits where the layout says, so what is proved of the layout holds of the figure.
"""

from __future__ import annotations

import itertools
import re
from xml.etree import ElementTree

import pytest

from briefwright.dates import parse_date
from briefwright.timeline import (
    PAD,
    WIDTH,
    Event,
    layout,
    runs,
    text_width,
    timeline_png,
    timeline_svg,
)

NS = "{http://www.w3.org/2000/svg}"
PROSE = (
    "Russia and Japan held talks on the disputed islands while China watched the "
    "exercises in the Sea of Okhotsk and the Kuril chain drew criticism from officials "
    "in Tokyo and Moscow about sanctions, missiles and a peace treaty never signed"
)
WORDS = PROSE.split()


def _events(count: int) -> list[Event]:
    """Events like a real brief's: dates from 1904 to 2021 (with long empty stretches),
    every precision, texts of 40 to 300 characters."""
    dates = ["1904/1905", "1941-04", "1945", "1980/1989~", "2001"]
    dates += [f"{2009 + i // 4}-{i % 12 + 1:02d}" for i in range(count)]
    dates[7:10] = ["2013-11-02", "2011~", "2017-11/2017-12"]
    events = []
    for n in range(1, count + 1):
        length = 40 + (n * 37) % 260
        text = " ".join(itertools.islice(itertools.cycle(WORDS), n % 7, n % 7 + 80))
        events.append(Event(n, parse_date(dates[n - 1]), text[:length].rstrip() + ".", n % 5 == 0))
    return events


MANY = _events(41)
FEW = _events(5)
HOSTILE = [
    Event(1, parse_date("2018-06-19/2018-06-21"), "Drills <script>alert(1)</script> & more"),
    Event(2, parse_date("2018-06"), "A meeting in June", inferred=True),
    Event(3, parse_date("1941-04"), "Supercalifragilistic" * 12),
]


def _groups(svg: bytes) -> dict[int, ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    return {int(g.get("data-number")): g for g in root.iter(f"{NS}g") if g.get("data-number")}


@pytest.mark.parametrize("events", [MANY, FEW, HOSTILE], ids=["41", "5", "hostile"])
def test_every_label_is_printed_in_full(events):
    groups = _groups(timeline_svg(events, "T"))
    assert sorted(groups) == [e.number for e in events]
    for event in events:
        lines = ["".join(t.itertext()) for t in groups[event.number].iter(f"{NS}text")]
        # Lines break at spaces; only a word longer than a line is split (hostile case).
        assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", event.label)
        if len(events) != len(HOSTILE):
            assert " ".join(lines) == event.label
        assert event.text in event.label and "…" not in event.label


@pytest.mark.parametrize("events", [MANY, FEW, HOSTILE], ids=["41", "5", "hostile"])
def test_the_svg_draws_the_layout(events):
    """The text sits where the layout says: the geometry tests below are of the figure."""
    groups = _groups(timeline_svg(events, "T"))
    for placed in layout(events).placed:
        texts = list(groups[placed.event.number].iter(f"{NS}text"))
        assert len(texts) == len(placed.lines)
        for n, text in enumerate(texts):
            assert float(text.get("x")) == pytest.approx(placed.x, abs=0.06)
            assert float(text.get("y")) == pytest.approx(placed.baseline + n * 13.5, abs=0.06)


def _boxes(events):
    plan = layout(events)
    boxes = [p.box for p in plan.placed] + [p.break_box for p in plan.placed if p.gap_years]
    return plan, boxes


@pytest.mark.parametrize("events", [MANY, FEW, HOSTILE], ids=["41", "5", "hostile"])
def test_no_two_labels_overlap_and_none_leaves_the_figure(events):
    plan, boxes = _boxes(events)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for box in boxes:
        assert box.x >= PAD / 2 and box.x + box.width <= plan.width - PAD / 2


@pytest.mark.parametrize("events", [MANY, FEW, HOSTILE], ids=["41", "5", "hostile"])
def test_no_line_crosses_a_label(events):
    plan, boxes = _boxes(events)
    segments = [(x, top, x, bottom) for x, top, bottom in plan.spine()]
    segments += [(x - 5, y + 2, x + 5, y - 2) for x, y in plan.break_marks()]
    segments += [(x - 5, y + 6, x + 5, y + 2) for x, y in plan.break_marks()]
    assert segments  # the figure has a spine
    for segment, box in itertools.product(segments, boxes):
        assert not box.crossed_by(*segment), (segment, box)


@pytest.mark.parametrize("count", [5, 41, 50])
def test_the_figure_fits_one_a4_page(count):
    root = ElementTree.fromstring(timeline_svg(_events(count), "T"))
    width, height = float(root.get("width")), float(root.get("height"))
    # A4 at the template's margins is about 635 x 949 px; the figure is scaled to 635 wide
    # and must leave room for the section heading and caption.
    assert height * 635 / width < 900
    # Its text is not shrunk below 80% of the 720-wide canvas's (11 px → 7 pt in print).
    assert width <= WIDTH / 0.7


def test_many_events_take_columns_few_take_one():
    assert layout(MANY).columns > 1 and layout(FEW).columns == 1


def test_estimated_widths_cover_the_real_face():
    """Lines wrap on estimated widths: they must not be narrower than the real glyphs."""
    font = pytest.importorskip("PIL.ImageFont")
    try:
        regular = font.truetype("DejaVuSansCondensed.ttf", 11)
        bold = font.truetype("DejaVuSansCondensed-Bold.ttf", 11)
    except OSError:
        pytest.skip("DejaVu Sans Condensed is not installed")
    for placed in layout(MANY + HOSTILE).placed:
        for strong, rest in runs(placed.lines, placed.event.heading):
            real = bold.getlength(strong) + regular.getlength(rest)
            assert real <= text_width(strong, True) + text_width(rest) + 0.5


def test_svg_is_escaped_and_accessible_and_points_to_the_table():
    svg = timeline_svg(HOSTILE, title="Timeline & <events>")
    root = ElementTree.fromstring(svg)  # well-formed XML, so everything was escaped
    assert b"<script>" not in svg
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Timeline & <events>"
    desc = root.find(f"{NS}desc").text
    assert "Drills <script>" in desc and "2. June 2018 (year inferred)" in desc
    assert desc.endswith("listed in the table that follows.")


def test_long_empty_stretches_break_the_spine():
    plan = layout(MANY)
    gaps = [p.gap_years for p in plan.placed if p.gap_years]
    assert gaps == [35, 34, 11, 7]  # 1905→1941, 1945→1980, 1989→2001, 2001→2009
    svg = timeline_svg(MANY, "T").decode()
    assert "35 years without events" in svg and svg.count("l10 -4") == 2 * len(gaps)


def test_png_for_docx_draws_every_line():
    svg = timeline_svg(FEW, "T")
    png = timeline_png(svg)
    assert png.startswith(b"\x89PNG")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    root = ElementTree.fromstring(svg)
    assert (width, height) == (2 * int(root.get("width")), 2 * int(root.get("height")))
    assert re.search(rb"<tspan font-weight=\"bold\"", svg)
