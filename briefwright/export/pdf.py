"""PDF: WeasyPrint from the HTML export, with the print stylesheet.

pandoc collects notes at the end of an HTML page; for print each note is moved back to
where it is called, as a `float: footnote` span, so it lands at the foot of its page.
WeasyPrint may fetch only files inside the template's `assets/` folder (and the data:
URI of our own figure); its log warnings become problems, and any warning fails the
export, since a missing font or image is a defect in the printed brief.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from ..problems import BriefwrightError, Problem
from ..render import Rendered
from . import Parsed
from .html import export_html, print_version
from .meta import BriefMeta, xml_text


def inline_footnotes(page: bytes) -> bytes:
    """Turn pandoc's endnotes into in-place `<span class="footnote">` for CSS GCPM."""
    tree = lxml_html.document_fromstring(page)
    section = tree.find(".//section[@id='footnotes']")
    if section is None:
        return page
    notes = {li.get("id"): li for li in section.iter("li") if li.get("id")}
    for ref in tree.xpath("//a[contains(concat(' ', @class, ' '), ' footnote-ref ')]"):
        note = notes.get((ref.get("href") or "").lstrip("#"))
        if note is None:
            continue
        span = lxml_html.Element("span", {"class": "footnote"})
        for para_index, para in enumerate(note.findall("p") or [note]):
            para = copy.deepcopy(para)
            for back in para.xpath(".//a[contains(@class, 'footnote-back')]"):
                back.drop_tree()
            if para_index:
                span.append(lxml_html.Element("br"))
            if para.text:
                if len(span):
                    span[-1].tail = (span[-1].tail or "") + para.text
                else:
                    span.text = (span.text or "") + para.text
            for child in para:
                span.append(child)
        span.tail = ref.tail
        ref.getparent().replace(ref, span)
    section.drop_tree()
    return lxml_html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetsOnlyFetcher(URLFetcher):
        """Serve files under the assets folder and our own figure; refuse everything else."""

        def __init__(self, assets: Path, allowed_data: set[str]) -> None:
            super().__init__(timeout=5, allow_redirects=False)
            self.assets = assets.resolve()
            self.allowed_data = allowed_data
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            try:
                return self._fetch(url, headers)
            except ValueError as exc:
                # WeasyPrint logs some refusals (fonts) without the URL; keep our own list.
                self.refused.append(f"refused to fetch {url[:120]}: {exc}")
                raise

        def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
            if url.startswith("data:"):
                if url in self.allowed_data:
                    return super().fetch(url, headers)
                raise ValueError("data: URLs are allowed only for the generated figure")
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"only files in the template's assets/ may be used, not {url}")
            path = Path(unquote(parts.path))
            # resolve() follows symlinks and '..', so a link pointing out is caught here.
            real = path.resolve()
            if not real.is_relative_to(self.assets) or not real.is_file():
                raise ValueError(f"{path} is outside the template's assets/ folder")
            return URLFetcherResponse(
                real.as_uri(), real.read_bytes(), {"Content-Type": _mime(real)}
            )

    return AssetsOnlyFetcher


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
    }.get(path.suffix.lower(), "application/octet-stream")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # A notice about the host's HarfBuzz build says nothing about the document; a
        # missing glyph is left to the audit, which names the characters and the claim.
        if "HarfBuzz-Subset" not in message and ".notdef glyph rendered" not in message:
            self.messages.append(message)


def figure_uris(page: bytes) -> set[str]:
    tree = lxml_html.document_fromstring(page)
    return {src for src in tree.xpath("//img/@src") if src.startswith("data:image/svg+xml;")}


XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def _extra_xmp(generate: Callable[..., bytes], meta: BriefMeta) -> Callable[..., bytes]:
    """WeasyPrint's XMP with what it leaves out: dc:publisher, dc:language and, for a
    PDF/A file (which WeasyPrint identifies as PDF/A only), the PDF/UA identification."""

    def wrapped(variant: str, version: int, conformance: str | None) -> bytes:
        from xml.etree.ElementTree import SubElement, fromstring, tostring

        rdf = fromstring(generate(variant, version, conformance))
        about = f"{{{XMP['rdf']}}}about"

        def description() -> Any:
            return SubElement(rdf, f"{{{XMP['rdf']}}}Description", {about: ""})

        if variant != "ua":
            description().set(f"{{{XMP['pdfuaid']}}}part", "1")
        bags = [("language", meta.lang)]
        if meta.publisher:
            bags.append(("publisher", meta.publisher))
        for name, value in bags:
            bag = SubElement(
                SubElement(description(), f"{{{XMP['dc']}}}{name}"), f"{{{XMP['rdf']}}}Bag"
            )
            SubElement(bag, f"{{{XMP['rdf']}}}li").text = xml_text(value)
        return tostring(rdf, encoding="utf-8")

    return wrapped


def write_accessible_pdf(document: Any, meta: BriefMeta) -> bytes:
    """Tagged PDF/UA-1 (and PDF/A-3u when asked): a structure tree with alternative text,
    /Lang, the title shown by viewers, bookmarks from the headings, and XMP metadata."""
    metadata = document.metadata
    metadata.generate_rdf_metadata = _extra_xmp(metadata.generate_rdf_metadata, meta)
    return document.write_pdf(
        pdf_identifier=b"briefwright",
        uncompressed_pdf=False,
        pdf_variant=meta.pdf_variant,
        pdf_tags=True,
    )


def _footnote_area_by_increments(update: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """WeasyPrint's footnote area update, laying out only the note just added.

    WeasyPrint lays the whole footnote area out again for every note added to a page
    (a page of k notes costs k(k+1)/2 note layouts: a third of japan-russia's layout),
    and again when notes go back (their line is laid out again) or on to the next page.
    Only the area's height is kept from it (the area is laid out for good when the page
    is done), and a note's height does not depend on the notes above it when their
    margins cannot collapse together: then the area grows by the new note's margin box,
    and shrinks back to the height it had with the notes that remain. Anything else (a
    page's first note, a margin that could collapse, a height limit) goes to
    WeasyPrint's own update.
    """
    from math import inf

    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    def incremental(context: Any) -> bool:
        area = context.current_footnote_area
        notes = list(context.current_page_footnotes)
        # The notes of the area's last update, and its height with the first 1, 2, …
        # of them (None: not known).
        last_area, last_notes, heights = getattr(context, "_briefwright_notes", (None, [], []))
        known = last_area is area and area.height == (heights[-1] if heights else None)
        count = len(notes)
        prefix = all(a is b for a, b in zip(notes, last_notes, strict=False))
        if (
            known
            and prefix
            and 0 < count < len(last_notes)
            and heights[count - 1] is not None
            and _unlimited(area, context)
        ):
            _set_height(context, area, heights[count - 1])
            context._briefwright_notes = (area, notes, heights[:count])
            return False
        if (
            known
            and prefix
            and count == len(last_notes) + 1
            and _unlimited(area, context)
            and _margins_apart(area, last_notes[-1] if last_notes else None, notes[-1])
        ):
            area.children = [notes[-1]]
            alone = build.create_anonymous_boxes(area.deepcopy())
            area.children = context.current_page_footnotes
            alone = block_level_layout(context, alone, -inf, None, area.page)[0]
            _set_height(context, area, heights[-1] + alone.children[-1].margin_height())
            context._briefwright_notes = (area, notes, [*heights, area.height])
            return False
        overflow = update(context)
        heights = [None] * (count - 1) + [area.height] if notes else []
        context._briefwright_notes = (area, notes, heights)
        return overflow

    return incremental


def _set_height(context: Any, area: Any, height: float) -> None:
    """The area's new height, and the page's bottom above it (as WeasyPrint's update)."""
    context.page_bottom += area.margin_height()
    area.height = height
    context.page_bottom -= area.margin_height()


def _unlimited(area: Any, context: Any) -> bool:
    """The area grows with its notes: no height limit (a full area would overflow,
    which WeasyPrint's update reports), and not in columns (which keep their own)."""
    from math import inf

    style = area.style
    return style["height"] == "auto" and style["max_height"].value == inf and not context.in_column


def _margins_apart(area: Any, above: Any, note: Any) -> bool:
    """The note's margin box adds to the area's height as it is: neither it nor the note
    above it has a bottom margin, and its top margin is not negative and cannot collapse
    into the area's (the area has a top border or padding)."""
    if above is None:
        return False
    style = area.style
    return (
        above.style["margin_bottom"].value == 0
        and note.style["margin_bottom"].value == 0
        and note.style["margin_top"].value >= 0
        and (style["border_top_width"] > 0 or style["padding_top"].value > 0)
    )


FOOTNOTES_PROVEN_ON = "70"  # WeasyPrint major version


@contextlib.contextmanager
def _incremental_footnotes() -> Iterator[None]:
    import weasyprint
    from weasyprint.layout import LayoutContext

    original = getattr(LayoutContext, "_update_footnote_area", None)
    # Only on the WeasyPrint whose layout code this was written against and proven
    # byte-identical with: any other version lays footnotes out by its own code.
    if original is None or weasyprint.__version__.split(".")[0] != FOOTNOTES_PROVEN_ON:
        yield
        return
    LayoutContext._update_footnote_area = _footnote_area_by_increments(original)
    try:
        yield
    finally:
        LayoutContext._update_footnote_area = original


def html_to_pdf(page: bytes, rendered: Rendered, allowed_data: set[str]) -> bytes:
    import weasyprint
    from weasyprint.logger import LOGGER

    assets = rendered.template_file("assets")
    fetcher = _fetcher_class()(assets, allowed_data)
    collect = _Collect()
    LOGGER.addHandler(collect)
    try:
        document = weasyprint.HTML(
            string=page.decode("utf-8"),
            base_url=assets.resolve().as_uri() + "/",
            url_fetcher=fetcher,
            media_type="print",
        )
        with _incremental_footnotes():
            laid_out = document.render()
        data = write_accessible_pdf(laid_out, rendered.meta)
    finally:
        LOGGER.removeHandler(collect)
    collect.messages[:0] = fetcher.refused
    if collect.messages:
        problems = [
            Problem(
                rendered.template_path,
                1,
                1,
                "pdf-warning",
                "error",
                f"WeasyPrint: {m}",
                id=rendered.brief,
            )
            for m in dict.fromkeys(collect.messages)
        ]
        raise BriefwrightError(f"WeasyPrint reported problems for '{rendered.brief}'", problems)
    return data


def export_pdf(
    rendered: Rendered,
    work: Path,
    screen_page: bytes | None = None,
    parsed: Parsed | None = None,
) -> bytes:
    """The PDF; its print page is made from `screen_page` (the HTML export) when given,
    which saves a pandoc run."""
    page = print_version(rendered, screen_page) if screen_page is not None else None
    if page is None:
        page = export_html(rendered, work, for_print=True, parsed=parsed)
    allowed = figure_uris(page)
    printable = inline_footnotes(page)
    (work / "print.html").write_bytes(printable)
    return html_to_pdf(printable, rendered, allowed)
