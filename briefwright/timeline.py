"""The timeline figure: an SVG drawn in Python from dated claims (no external tools).

A vertical timeline that reads at 40+ events: events run down a spine in date order, in
one to three columns, each with its full label (number, date, text) wrapped beside its
marker, so no label is cut short and no line crosses text. A day is a dot, a month, a
year or a span is a bar; approximate dates are drawn hollow and dashed, years inferred
from the source's publication date carry an asterisk. A long empty stretch of years
breaks the spine (two slanted strokes) and says how long it is. Text widths are
estimated from DejaVu Sans, the widest face the figure may be drawn with, so wrapped
lines fit whichever face the reader has. Every piece of text is XML-escaped: claim text
is editor text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .dates import Date

WIDTH = 720  # the narrowest canvas; more events get a wider one (drawn smaller)
PAD = 12  # outer margin
GUTTER = 20  # between columns
FONT_SIZE = 11
LINE = 13.5  # line height
EVENT_GAP = 5.5  # between two events
BREAK_GAP = 18.0  # extra room where the spine breaks
BREAK_YEARS = 5  # an empty stretch this long or longer breaks the spine
SPINE = 7.0  # spine's offset in a column
TEXT = 17.0  # text's offset in a column
# The tallest column on a WIDTH-wide canvas: scaled to an A4 page's text width (about
# 635 x 949 px at the template's margins), the figure then fits one page with its heading.
MAX_COLUMN = 960.0
ACCENT = "#1f5f8b"
INK = "#222222"
MUTED = "#6b6b6b"
# A condensed face fits 40+ full labels on one A4 page; the fallbacks are all narrower
# than it (widths below are estimated for it), so no line overflows in any of them.
FONT = "'DejaVu Sans Condensed', Arial, Helvetica, 'Liberation Sans', sans-serif"

# Advance widths of DejaVu Sans, in em: estimated generously, so lines never overflow;
# the condensed face is 90% as wide.
CONDENSED = 0.9
_NARROW = dict.fromkeys("ijl.,;:'|!`", 0.30) | dict.fromkeys("ftr()[]- ", 0.42)
_WIDE = dict.fromkeys("mwMW—", 1.0) | dict.fromkeys("ABCDEGHKNOQRUVXY&%", 0.78)
_DIGITS = dict.fromkeys("0123456789", 0.64)


def char_width(char: str, bold: bool = False) -> float:
    if char in _NARROW:
        em = _NARROW[char]
    elif char in _WIDE:
        em = _WIDE[char]
    elif char in _DIGITS:
        em = _DIGITS[char]
    elif ord(char) >= 0x2E80:  # CJK and other full-width scripts
        em = 1.0
    else:
        em = 0.66 if char.isupper() else 0.63
    return em * FONT_SIZE * CONDENSED * (1.1 if bold else 1.0)


def text_width(text: str, bold: bool = False) -> float:
    return sum(char_width(c, bold) for c in text)


@dataclass(frozen=True, slots=True)
class Event:
    number: int  # matches the row number in the timeline table
    date: Date
    text: str
    inferred: bool = False

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.date.human()}{'*' if self.inferred else ''}"

    @property
    def label(self) -> str:
        """The full label the figure prints: number, date, text (never shortened)."""
        return f"{self.heading} {' '.join(self.text.split())}"


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def crossed_by(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        """Whether the segment touches the box (segments here are vertical or short)."""
        steps = 64
        return any(
            self.x <= x1 + (x2 - x1) * i / steps <= self.x + self.width
            and self.y <= y1 + (y2 - y1) * i / steps <= self.y + self.height
            for i in range(steps + 1)
        )


@dataclass(frozen=True, slots=True)
class Placed:
    """One event as drawn: its wrapped lines and where they and its marker sit."""

    event: Event
    lines: tuple[str, ...]  # the first starts with event.heading
    x: float  # text's left edge
    baseline: float  # first line's baseline
    spine_x: float
    gap_years: int  # years of empty spine broken just above it (0: none)

    @property
    def box(self) -> Box:
        """The label's box: from the first line's cap height to the last's descent."""
        width = max(
            text_width(bold, True) + text_width(rest)
            for bold, rest in runs(self.lines, self.event.heading)
        )
        top = self.baseline - FONT_SIZE
        return Box(self.x, top, width, (len(self.lines) - 1) * LINE + FONT_SIZE * 1.3)

    @property
    def marker_y(self) -> float:
        return self.baseline - FONT_SIZE * 0.35

    @property
    def break_box(self) -> Box | None:
        """Where the "N years" note of a break is written."""
        if not self.gap_years:
            return None
        y = self.baseline - FONT_SIZE - BREAK_GAP + 2
        return Box(self.x, y, text_width(_gap_text(self.gap_years)) * 0.92, FONT_SIZE)


def _gap_text(years: int) -> str:
    return f"{years} years without events"


def wrap(event: Event, width: float) -> tuple[str, ...]:
    """The full label in lines no wider than `width` (the bold heading may wrap too)."""
    heading_words = len(event.heading.split(" "))
    lines: list[str] = []
    used = 0.0
    for index, word in enumerate(event.label.split(" ")):
        bold = index < heading_words
        while text_width(word, bold) > width:  # a word longer than a line: cut it
            cut = next(
                (i for i in range(len(word), 1, -1) if text_width(word[:i], bold) <= width), 1
            )
            lines.append(word[:cut])
            word = word[cut:]
            used = width
        extra = text_width(" " + word, bold)
        if lines and used + extra <= width:
            lines[-1] += " " + word
            used += extra
        else:
            lines.append(word)
            used = text_width(word, bold)
    return tuple(lines)


def runs(lines: tuple[str, ...], heading: str) -> list[tuple[str, str]]:
    """Each line as (bold heading part, plain rest): the lines joined by spaces are the label."""
    left = len(heading)
    out = []
    for line in lines:
        out.append((line[:left], line[left:]))
        left = max(0, left - len(line) - 1)
    return out


def _gap(before: Event | None, event: Event) -> int:
    if before is None:
        return 0
    years = event.date.first_day()[0] - before.date.last_day()[0] - 1
    return years if years >= BREAK_YEARS else 0


def _height(lines: int, gap: int) -> float:
    return lines * LINE + EVENT_GAP + (BREAK_GAP if gap else 0)


@dataclass(frozen=True, slots=True)
class Layout:
    placed: tuple[Placed, ...]
    columns: int
    width: int
    height: float

    def spine(self) -> list[tuple[float, float, float]]:
        """The spine's segments (x, y top, y bottom): one per unbroken run per column."""
        runs: dict[float, list[list[float]]] = {}
        for p in self.placed:
            column = runs.setdefault(p.spine_x, [])
            top = p.marker_y
            if column and not p.gap_years:
                column[-1][1] = top
            else:
                column.append([top, top])
        return [(x, a, b) for x, segs in runs.items() for a, b in segs if b > a]

    def break_marks(self) -> list[tuple[float, float]]:
        return [(p.spine_x, p.marker_y - BREAK_GAP / 2 - 4) for p in self.placed if p.gap_years]


def layout(events: Iterable[Event]) -> Layout:
    """Where everything goes: the fewest columns, on the narrowest canvas, whose tallest
    column fits one page once the canvas is scaled to the page's width."""
    ordered = sorted(events, key=lambda e: (e.date.first_day(), e.number))
    gaps = [_gap(b, e) for b, e in zip([None, *ordered], ordered, strict=False)]
    options = [(w, c) for w in (WIDTH, 800, 880, 960, 1040) for c in (1, 2, 3, 4) if c <= w // 240]
    for width, columns in options:
        column_width = (width - 2 * PAD - (columns - 1) * GUTTER) / columns
        wrapped = [wrap(e, column_width - TEXT) for e in ordered]
        heights = [_height(len(w), g) for w, g in zip(wrapped, gaps, strict=True)]
        splits = _split(heights, columns)
        tallest = max(sum(heights[a:b]) for a, b in splits)
        if tallest <= MAX_COLUMN * width / WIDTH:
            break
    placed: list[Placed] = []
    for index, (a, b) in enumerate(splits):
        left = PAD + index * (column_width + GUTTER)
        y = PAD + 2.0
        for i in range(a, b):
            y += BREAK_GAP if gaps[i] else 0
            placed.append(
                Placed(ordered[i], wrapped[i], left + TEXT, y + FONT_SIZE, left + SPINE, gaps[i])
            )
            y += len(wrapped[i]) * LINE + EVENT_GAP
    return Layout(tuple(placed), columns, width, PAD + 2 + tallest)


def _split(heights: list[float], columns: int) -> list[tuple[int, int]]:
    """Cut the events, in order, into at most `columns` runs of balanced height."""
    if columns == 1 or len(heights) <= 1:
        return [(0, len(heights))]
    low, high = max(heights), sum(heights)
    while high - low > 1:  # the smallest column height that packs into `columns` runs
        mid = (low + high) / 2
        if len(_greedy(heights, mid)) <= columns:
            high = mid
        else:
            low = mid
    return _greedy(heights, high)


def _greedy(heights: list[float], limit: float) -> list[tuple[int, int]]:
    runs, start, used = [], 0, 0.0
    for i, h in enumerate(heights):
        if used + h > limit and i > start:
            runs.append((start, i))
            start, used = i, 0.0
        used += h
    runs.append((start, len(heights)))
    return runs


def _marker(p: Placed) -> str:
    hollow = p.event.date.approximate
    fill = "#ffffff" if hollow else ACCENT
    dash = ' stroke-dasharray="2 1.5"' if hollow else ""
    x, y = p.spine_x, p.marker_y
    if p.event.date.precision == "day" and p.event.date.end is None:
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.6" fill="{fill}" '
            f'stroke="{ACCENT}" stroke-width="1.2"{dash}/>'
        )
    return (
        f'<rect x="{x - 3.5:.1f}" y="{y - 5:.1f}" width="7" height="10" rx="2" '
        f'fill="{fill}" stroke="{ACCENT}" stroke-width="1.2"{dash}/>'
    )


def _label(p: Placed) -> str:
    texts = []
    for n, (bold, rest) in enumerate(runs(p.lines, p.event.heading)):
        strong = f'<tspan font-weight="bold" fill="{ACCENT}">{escape(bold)}</tspan>' if bold else ""
        texts.append(
            f'<text x="{p.x:.1f}" y="{p.baseline + n * LINE:.1f}" fill="{INK}">'
            f"{strong}{escape(rest)}</text>"
        )
    return f'<g class="event" data-number="{p.event.number}">' + "".join(texts) + "</g>"


def _legend(y: float) -> str:
    hollow = f'fill="#ffffff" stroke="{ACCENT}" stroke-dasharray="2 1.5"'
    keys = [
        (f'<circle cx="{{x:.1f}}" cy="{y - 4}" r="3.6" fill="{ACCENT}"/>', "day"),
        (
            f'<rect x="{{x0:.1f}}" y="{y - 9}" width="7" height="10" rx="2" fill="{ACCENT}"/>',
            "month, year or span",
        ),
        (
            f'<rect x="{{x0:.1f}}" y="{y - 9}" width="7" height="10" rx="2" {hollow}/>',
            "approximate",
        ),
        ("", "* year inferred from the source’s date"),
    ]
    out, x = [f'<g fill="{MUTED}" font-size="{FONT_SIZE - 1}">'], PAD + SPINE
    for mark, words in keys:
        out.append(mark.format(x=x, x0=x - 3.5))
        left = x + 9 if mark else x - 3.5
        out.append(f'<text x="{left:.1f}" y="{y}">{escape(words)}</text>')
        x = left + text_width(words) + 22
    return "".join(out) + "</g>"


def timeline_svg(events: list[Event], title: str) -> bytes:
    """The figure as standalone SVG bytes (UTF-8, with title and desc for screen readers)."""
    if not events:
        raise ValueError("a timeline needs at least one event")
    plan = layout(events)
    legend_y = plan.height + 18
    height = round(legend_y + 10)
    desc = "; ".join(
        f"{e.number}. {e.date.human()}{' (year inferred)' if e.inferred else ''}: "
        f"{e.text.rstrip('.')}"
        for e in sorted(events, key=lambda e: e.number)
    )
    desc += ". The same events, with their sources, are listed in the table that follows."
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {plan.width} {height}" '
        f'width="{plan.width}" height="{height}" role="img" '
        f'aria-labelledby="timeline-title timeline-desc" font-family={quoteattr(FONT)} '
        f'font-size="{FONT_SIZE}">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{plan.width}" height="{height}" fill="#ffffff"/>',
    ]
    for x, top, bottom in plan.spine():
        out.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
    for x, y in plan.break_marks():
        # Two slanted strokes: the usual mark for a broken axis.
        out.append(
            f'<path d="M{x - 5:.1f} {y + 2:.1f} l10 -4 M{x - 5:.1f} {y + 6:.1f} l10 -4" '
            f'stroke="{INK}" stroke-width="1" fill="none"/>'
        )
    for p in plan.placed:
        if p.gap_years:
            box = p.break_box
            out.append(
                f'<text x="{box.x:.1f}" y="{box.y + box.height - 2:.1f}" fill="{MUTED}" '
                f'font-size="{FONT_SIZE - 1}" font-style="italic">{_gap_text(p.gap_years)}</text>'
            )
        out.append(_marker(p))
        out.append(_label(p))
    out.append(_legend(legend_y))
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _color(value: str | None) -> str | None:
    return None if value in (None, "none") else value


def _draw_text(draw: Any, node: Any, attrs: dict[str, str], scale: int, font: Any) -> None:
    """A <text> and its <tspan>s, left to right from x (all our text starts at x)."""
    size = float(attrs.get("font-size", FONT_SIZE))
    pieces = [(node.text, attrs)]
    for child in node:
        child_attrs = {**attrs, **child.attrib}
        pieces += [(child.text, child_attrs), (child.tail, attrs)]
    x, y = float(node.get("x", 0)) * scale, float(node.get("y", 0)) * scale
    for text, style in pieces:
        if not text:
            continue
        face = font(size, style.get("font-weight") == "bold")
        draw.text((x, y), text, fill=_color(style.get("fill")) or INK, font=face, anchor="ls")
        x += draw.textlength(text, font=face)


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
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if (size, bold) not in fonts:
            face = "DejaVuSansCondensed-Bold.ttf" if bold else "DejaVuSansCondensed.ttf"
            try:
                fonts[size, bold] = ImageFont.truetype(face, round(size * scale))
            except OSError:
                fonts[size, bold] = ImageFont.load_default(round(size * scale * CONDENSED))
        return fonts[size, bold]

    def walk(node: ElementTree.Element, inherited: dict[str, str]) -> None:
        attrs = {
            **inherited,
            **{
                k: v
                for k, v in node.attrib.items()
                if k in ("fill", "stroke", "font-size", "font-weight")
            },
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
        elif tag == "path":
            # Our paths are only "M x y l dx dy" strokes (the break marks).
            for mx, my, lx, ly in re.findall(
                r"M\s*([-\d.]+)\s+([-\d.]+)\s*l\s*([-\d.]+)\s+([-\d.]+)", node.get("d", "")
            ):
                x, y = float(mx) * scale, float(my) * scale
                end = (x + float(lx) * scale, y + float(ly) * scale)
                draw.line([(x, y), end], fill=stroke or INK, width=line_width)
        elif tag == "text":
            _draw_text(draw, node, attrs, scale, font)
            return  # its tspans are drawn with it
        for child in node:
            if child.tag.removeprefix(ns) not in ("title", "desc"):
                walk(child, attrs)

    walk(root, {"font-size": root.get("font-size", str(FONT_SIZE))})
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(96 * scale, 96 * scale))
    return out.getvalue()
