"""The timeline figure: an SVG drawn in Python from dated claims (no external tools).

The axis is proportional to time. A day is a dot, a month or a year is a bar covering
that period, a span is a bar from start to end; approximate dates are drawn hollow and
dashed, years inferred from the source's publication date are marked with an asterisk.
Labels are stacked in rows above the axis so that none overlap. Every piece of text is
XML-escaped: claim text is editor text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .dates import Date

WIDTH = 720
MARGIN = 28
ROW_HEIGHT = 17
FONT_SIZE = 11
CHAR_WIDTH = 0.56 * FONT_SIZE  # average advance of a sans-serif face, for collision tests
LABEL_CHARS = 44
ACCENT = "#1f5f8b"
INK = "#222222"
MUTED = "#6b6b6b"
FONT = "'Source Sans 3', 'DejaVu Sans', Helvetica, Arial, sans-serif"


@dataclass(frozen=True, slots=True)
class Event:
    number: int  # matches the row number in the timeline table
    date: Date
    text: str
    inferred: bool = False


def _frac_year(ymd: tuple[int, int, int], end: bool = False) -> float:
    day = dt.date(*ymd)
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + (1 if end else 0)) / length


def _tick_step(span_years: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if span_years / step <= 10:
            return step
    return 1000


BREAK_WIDTH = 18.0  # pixels a collapsed stretch of empty years takes on the axis


@dataclass(frozen=True, slots=True)
class Axis:
    """A piecewise-linear time axis: empty stretches long enough to crowd the events
    into a corner collapse to a marked break, so recent decades get the width."""

    pieces: tuple[tuple[int, int], ...]  # year ranges drawn to scale, in order
    step: int
    left: float
    width: float

    @classmethod
    def fit(cls, spans: list[tuple[float, float]], left: float, width: float) -> Axis:
        lo = min(a for a, _ in spans)
        hi = max(b for _, b in spans)
        total = max(hi - lo, 1.0)
        # Merge what the events cover, then cut at gaps of a quarter of the range or more.
        covered: list[list[float]] = []
        for a, b in sorted(spans):
            if covered and a - covered[-1][1] < max(0.25 * total, 8.0):
                covered[-1][1] = max(covered[-1][1], b)
            else:
                covered.append([a, b])
        step = _tick_step(max(sum(b - a for a, b in covered), 1.0))
        pieces: list[list[int]] = []
        for a, b in covered:
            start = (int(a) // step) * step
            end = (int(b - 1e-9) // step + 1) * step
            if pieces and start <= pieces[-1][1]:
                pieces[-1][1] = max(pieces[-1][1], end)
            else:
                pieces.append([start, end])
        return cls(tuple((a, b) for a, b in pieces), step, left, width)

    @property
    def scale(self) -> float:
        drawn = sum(b - a for a, b in self.pieces)
        return (self.width - BREAK_WIDTH * (len(self.pieces) - 1)) / drawn

    def x(self, year: float) -> float:
        offset = self.left
        for index, (a, b) in enumerate(self.pieces):
            if year <= b or index == len(self.pieces) - 1:
                return offset + (max(year, a) - a) * self.scale
            offset += (b - a) * self.scale + BREAK_WIDTH
        return offset  # pragma: no cover - the loop always returns

    def ticks(self) -> list[int]:
        # A piece's last tick would print on top of the next piece's first across a break.
        last = len(self.pieces) - 1
        return [
            y
            for i, (a, b) in enumerate(self.pieces)
            for y in range(a, b + (1 if i == last else 0), self.step)
        ]

    def breaks(self) -> list[float]:
        """x of the middle of each collapsed stretch."""
        return [self.x(b) + BREAK_WIDTH / 2 for a, b in self.pieces[:-1]]


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:") + "…"


def _short_date(date: Date) -> str:
    return date.human()


def timeline_svg(events: list[Event], title: str) -> bytes:
    """The figure as standalone SVG bytes (UTF-8, with title and desc for screen readers)."""
    if not events:
        raise ValueError("a timeline needs at least one event")
    spans = [
        (_frac_year(e.date.first_day()), _frac_year(e.date.last_day(), end=True)) for e in events
    ]
    axis = Axis.fit(spans, MARGIN, WIDTH - 2 * MARGIN)
    x_of = axis.x

    # Greedy row packing: each label takes the lowest row where it fits.
    placed: list[tuple[Event, float, float, int, str, str]] = []
    row_ends: list[float] = []
    for event in sorted(events, key=lambda e: (e.date.first_day(), e.number)):
        x0 = x_of(_frac_year(event.date.first_day()))
        x1 = max(x_of(_frac_year(event.date.last_day(), end=True)), x0 + 1.5)
        label = f"{event.number}. {_short_date(event.date)}{'*' if event.inferred else ''}"
        label += f" · {_short(event.text)}"
        width = len(label) * CHAR_WIDTH
        left, anchor = x0, "start"
        if left + width > WIDTH - 4:
            left, anchor = max(4.0, x1 - width), "end"
        right = left + width
        row = next((i for i, end in enumerate(row_ends) if left > end + 8), len(row_ends))
        if row == len(row_ends):
            row_ends.append(right)
        else:
            row_ends[row] = right
        placed.append((event, x0, x1, row, label, anchor))

    rows = max(len(row_ends), 1)
    axis_y = 18 + rows * ROW_HEIGHT + 10
    legend_y = axis_y + 34
    height = legend_y + 14

    desc = "; ".join(
        f"{e.number}. {e.date.human()}{' (year inferred)' if e.inferred else ''}: "
        f"{e.text.rstrip('.')}"
        for e in sorted(events, key=lambda e: e.number)
    )
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="timeline-title timeline-desc" font-family={quoteattr(FONT)} '
        f'font-size="{FONT_SIZE}">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for a, b in axis.pieces:
        out.append(
            f'<line x1="{x_of(a):.1f}" y1="{axis_y}" x2="{x_of(b):.1f}" y2="{axis_y}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
    for x in axis.breaks():
        # Two slanted strokes: the usual mark for a broken axis.
        out.append(
            f'<path d="M{x - 5:.1f} {axis_y + 5} l4 -10 M{x + 1:.1f} {axis_y + 5} l4 -10" '
            f'stroke="{INK}" stroke-width="1" fill="none"/>'
        )
    for year in axis.ticks():
        x = x_of(year)
        out.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="{INK}"/>'
            f'<text x="{x:.1f}" y="{axis_y + 17}" text-anchor="middle" fill="{MUTED}">'
            f"{year}</text>"
        )
    for event, x0, x1, row, label, anchor in placed:
        label_y = 18 + (rows - 1 - row) * ROW_HEIGHT
        hollow = event.date.approximate
        fill = "#ffffff" if hollow else ACCENT
        dash = ' stroke-dasharray="2 1.5"' if hollow else ""
        out.append(
            f'<line x1="{x0:.1f}" y1="{label_y + 4}" x2="{x0:.1f}" y2="{axis_y - 4}" '
            f'stroke="{MUTED}" stroke-width="0.6"/>'
        )
        if event.date.precision == "day" and event.date.end is None:
            out.append(
                f'<circle cx="{x0:.1f}" cy="{axis_y}" r="3.6" fill="{fill}" '
                f'stroke="{ACCENT}" stroke-width="1.2"{dash}/>'
            )
        else:
            out.append(
                f'<rect x="{x0:.1f}" y="{axis_y - 3.5}" width="{max(x1 - x0, 3):.1f}" '
                f'height="7" rx="2" fill="{fill}" stroke="{ACCENT}" stroke-width="1.2"{dash}/>'
            )
        tx = x0 if anchor == "start" else x1
        out.append(
            f'<text x="{tx:.1f}" y="{label_y}" text-anchor="{anchor}" fill="{INK}">'
            f"{escape(label)}</text>"
        )
    out.append(
        f'<g fill="{MUTED}" font-size="{FONT_SIZE - 1}">'
        f'<circle cx="{MARGIN + 4}" cy="{legend_y - 4}" r="3.6" fill="{ACCENT}"/>'
        f'<text x="{MARGIN + 12}" y="{legend_y}">day</text>'
        f'<rect x="{MARGIN + 44}" y="{legend_y - 7.5}" width="14" height="7" rx="2" '
        f'fill="{ACCENT}"/>'
        f'<text x="{MARGIN + 62}" y="{legend_y}">month, year or span</text>'
        f'<rect x="{MARGIN + 180}" y="{legend_y - 7.5}" width="14" height="7" rx="2" '
        f'fill="#ffffff" stroke="{ACCENT}" stroke-dasharray="2 1.5"/>'
        f'<text x="{MARGIN + 198}" y="{legend_y}">approximate</text>'
        f'<text x="{MARGIN + 290}" y="{legend_y}">* year inferred from the source’s date</text>'
        "</g>"
    )
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _color(value: str | None) -> str | None:
    return None if value in (None, "none") else value


def timeline_png(svg: bytes, scale: int = 2) -> bytes:
    """Rasterise our own timeline SVG (and only it) with Pillow, for DOCX readers such as
    LibreOffice that show no SVG without a PNG beside it. Pillow ships with WeasyPrint;
    no external tool runs. Fonts fall back to Pillow's default face when DejaVu is absent.
    """
    import io
    from xml.etree import ElementTree

    from PIL import Image, ImageDraw, ImageFont

    ns = "{http://www.w3.org/2000/svg}"
    root = ElementTree.fromstring(svg)
    width, height = int(float(root.get("width", WIDTH))), int(float(root.get("height", 100)))
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(size: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if size not in fonts:
            try:
                fonts[size] = ImageFont.truetype("DejaVuSans.ttf", round(size * scale * 0.92))
            except OSError:
                fonts[size] = ImageFont.load_default(round(size * scale))
        return fonts[size]

    def walk(node: ElementTree.Element, inherited: dict[str, str]) -> None:
        attrs = {
            **inherited,
            **{k: v for k, v in node.attrib.items() if k in ("fill", "stroke", "font-size")},
        }
        tag = node.tag.removeprefix(ns)

        def num(key: str, default: float = 0.0) -> float:
            return float(node.get(key, default)) * scale

        fill, stroke = _color(attrs.get("fill")), _color(attrs.get("stroke"))
        line_width = max(1, round(float(node.get("stroke-width", 1)) * scale))
        if tag == "line":
            draw.line(
                [(num("x1"), num("y1")), (num("x2"), num("y2"))],
                fill=stroke or INK,
                width=line_width,
            )
        elif tag == "rect" and node is not root:
            x, y = num("x"), num("y")
            box = [x, y, x + num("width"), y + num("height")]
            draw.rounded_rectangle(
                box, radius=num("rx"), fill=fill, outline=stroke, width=line_width if stroke else 0
            )
        elif tag == "circle":
            cx, cy, r = num("cx"), num("cy"), num("r")
            draw.ellipse(
                [cx - r, cy - r, cx + r, cy + r],
                fill=fill,
                outline=stroke,
                width=line_width if stroke else 0,
            )
        elif tag == "text" and node.text:
            face = font(float(attrs.get("font-size", FONT_SIZE)))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[node.get("text-anchor", "start")]
            draw.text((num("x"), num("y")), node.text, fill=fill or INK, font=face, anchor=anchor)
        for child in node:
            if child.tag.removeprefix(ns) not in ("title", "desc"):
                walk(child, attrs)

    walk(root, {"font-size": root.get("font-size", str(FONT_SIZE))})
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(96 * scale, 96 * scale))
    return out.getvalue()
