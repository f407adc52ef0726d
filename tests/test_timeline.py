"""The timeline axis: to scale where events are, broken where long stretches are empty."""

from __future__ import annotations

import itertools

from briefwright.dates import parse_date
from briefwright.timeline import BREAK_WIDTH, Axis, Event, timeline_svg


def test_long_empty_stretch_collapses_to_a_break() -> None:
    axis = Axis.fit([(1904.0, 1906.0), (2009.0, 2010.0), (2021.5, 2022.0)], 40, 600)
    assert len(axis.pieces) == 2
    assert axis.pieces[0][1] <= 1910 and axis.pieces[1][0] >= 2000
    xs = [axis.x(y) for y in (1904, 1906, 2009, 2015, 2021.9)]
    assert xs == sorted(xs)
    # The recent decade gets most of the width, not a sliver of it.
    assert axis.x(2021.9) - axis.x(2009) > 0.5 * 600
    assert len(axis.breaks()) == 1
    assert axis.breaks()[0] - axis.x(axis.pieces[0][1]) == BREAK_WIDTH / 2


def test_dense_events_keep_one_linear_axis() -> None:
    axis = Axis.fit([(2010.0, 2011.0), (2013.0, 2013.5), (2019.0, 2020.0)], 0, 100)
    assert len(axis.pieces) == 1
    assert axis.breaks() == []
    ticks = axis.ticks()
    assert ticks == sorted(set(ticks))


def test_tick_labels_do_not_collide_across_a_break() -> None:
    axis = Axis.fit([(1904.0, 1906.0), (2019.0, 2021.0)], 40, 600)
    xs = [axis.x(t) for t in axis.ticks()]
    assert min(b - a for a, b in itertools.pairwise(xs)) > 25


def test_svg_draws_the_break() -> None:
    events = [
        Event(1, parse_date("1904/1905"), "War."),
        Event(2, parse_date("2021-10-19"), "Ships."),
    ]
    svg = timeline_svg(events, "T").decode()
    assert svg.count("l4 -10") == 2  # the two strokes of one break mark
