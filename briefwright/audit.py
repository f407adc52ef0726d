"""The citation audit: every claim a brief prints must reach each output with its citation.

The template wraps each claim in an element with id `claim-<id>` holding its citations.
After rendering, and again after each export, we read the result back and check:

- intermediate: pandoc's own parse (JSON AST) has a Span/Div `claim-<id>` containing a
  Cite for every source the claim relies on;
- HTML: the element `#claim-<id>` contains `.citation` naming those sources, and (for
  note styles) the footnote it points to exists and is not empty;
- PDF: WeasyPrint's named destination `claim-<id>` exists; its page (or the next, when
  the claim runs over) shows the claim's text and a citation of each source;
- DOCX: the bookmark `claim-<id>` encloses the claim's text and a footnote (or in-text
  citation) naming each source.

A failure is `citation-dropped`, located at the brief line that asks for the claim, and
also at the template when the intermediate (the template's own output) lost it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

from . import pandoc
from .problems import BriefwrightError, Problem
from .render import Rendered

CODE = "citation-dropped"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _norm(text: str) -> str:
    """Letters and digits only, lower-cased, without accents: robust to line breaks,
    hyphens and quotes, and to a PDF's text returning a letter composed or decomposed,
    with its marks in another order, or as a ligature."""
    if text.isascii():  # the same result, without a look at each character
        return _NOT_WORD.sub("", text.lower())
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD.sub("", text)


_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = str.maketrans("", "", "0123456789")


def _visual(norm: str) -> tuple[str, Counter[str]]:
    """Normalised text as a PDF's text can be compared: the left-to-right letters in order,
    everything else (right-to-left letters, digits) as a bag of characters, since text
    extraction gives right-to-left runs, and the digits among them, in visual order."""
    if norm.isascii() and norm.isalnum():  # letters are left-to-right, digits are not
        ltr = norm.translate(_DIGITS)
        return ltr, (Counter(c for c in norm if c.isdigit()) if len(ltr) < len(norm) else Counter())
    ltr = "".join(c for c in norm if unicodedata.bidirectional(c) == "L")
    return ltr, Counter(c for c in norm if unicodedata.bidirectional(c) != "L")


def _claim_probe(rendered: Rendered, claim_id: str) -> str:
    # The first words are enough to recognise the claim and rarely cross a page break.
    return _norm(rendered.claim_text.get(claim_id, ""))[:40]


def _on_page(probe: str, page: str, following: str) -> bool:
    """The claim starts on `page`, whole or broken by the page end (footnotes, footer
    and the next running header then sit between its two parts)."""
    if probe in page:
        return True
    return any(
        probe[i:] in following and page.find(probe[:i]) != -1 for i in range(8, len(probe) - 1)
    )


def source_markers(rendered: Rendered) -> dict[str, set[str]]:
    """What a printed citation of each source shows: an author, title words or outlet."""
    markers: dict[str, set[str]] = {}
    for item in rendered.csl_json:
        found: set[str] = set()
        for name in item.get("author", [])[:1]:
            found.add(_norm(name.get("family") or name.get("literal") or ""))
        if item.get("title"):
            # CSL-JSON titles carry citeproc's own markup (<span class="nocase">…</span>).
            title = re.sub(r"<[^>]*>", "", item["title"])
            found.add(_norm(" ".join(title.split()[:3])))
        if item.get("container-title"):
            found.add(_norm(item["container-title"]))
        markers[item["id"]] = {m for m in found if m}
    return markers


def _has_marker(
    text: str,
    source: str,
    markers: dict[str, set[str]],
    note_style: bool,
    claim_text: str = "",
    visual: bool = False,
) -> bool:
    # The claim's own words do not count: an assessment names its author in the text.
    norm = _norm(text).replace(_norm(claim_text), "", 1) if claim_text else _norm(text)
    if note_style and "ibid" in norm:
        return True
    if not visual:
        return any(m in norm for m in markers.get(source, ()))
    ltr, bag = _visual(norm)
    for marker in markers.get(source, ()):
        marker_ltr, marker_bag = _visual(marker)
        if marker_ltr in ltr and not marker_bag - bag:
            return True
    return False


def _dropped(
    rendered: Rendered, claim_id: str, fmt: str, why: str, brief_path: str | None = None
) -> Problem:
    line, col = rendered.claim_where.get(claim_id, (1, 1))
    return Problem(
        brief_path or rendered.brief_path,
        line,
        col,
        CODE,
        "error",
        f"claim '{claim_id}' reached the {fmt} output of brief '{rendered.brief}' without "
        f"its citation: {why}",
        id=claim_id,
        hint=f"the template {rendered.template_path} must print each claim inside "
        f"[...]{{#claim-{claim_id}}} together with its citation",
    )


# --- intermediate ------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _cite_ids(node: Any) -> set[str]:
    return {c["citationId"] for n in _walk(node) if n.get("t") == "Cite" for c in n["c"][0]}


def _parse(markdown: str) -> dict[str, Any]:
    out = pandoc.run(
        [pandoc.pandoc_path(), "--from", pandoc.READER, "--to", "json", "--sandbox"],
        stdin=markdown.encode("utf-8"),
        what="pandoc (audit)",
    )
    try:
        ast: dict[str, Any] = json.loads(out)
    except ValueError as exc:
        # pandoc exited 0 but printed no AST: a broken install, not a template problem.
        raise BriefwrightError(
            f"pandoc (audit) printed no readable JSON AST ({exc}); its output began {out[:60]!r}"
        ) from exc
    return ast


def audit_intermediate(rendered: Rendered, ast: dict[str, Any] | None = None) -> list[Problem]:
    """Check the intermediate as pandoc parses it (the template's own output).

    `ast` is pandoc's parse of `rendered.markdown` when the build has it already (the
    one the writers start from: export.parse); without it pandoc parses here.
    """
    with_ids: dict[str, set[str]] = {}
    if ast is None:
        ast = _parse(rendered.markdown)
    for node in _walk(ast.get("blocks", [])):
        if node.get("t") in ("Span", "Div"):
            ident = node["c"][0][0]
            if ident.startswith("claim-") and ident not in with_ids:
                with_ids[ident] = _cite_ids(node["c"][1])
    problems = []
    for claim_id in rendered.claim_ids:
        cites = with_ids.get(f"claim-{claim_id}")
        if cites is None:
            why = f"no element with id claim-{claim_id}"
        else:
            missing = [s for s in rendered.claim_sources.get(claim_id, ()) if s not in cites]
            if not missing:
                continue
            why = "no citation of " + ", ".join(repr(m) for m in missing)
        problems.append(_dropped(rendered, claim_id, "intermediate", why))
        problems.append(
            Problem(
                rendered.template_path,
                1,
                1,
                CODE,
                "error",
                f"template dropped the citation of claim '{claim_id}' in brief "
                f"'{rendered.brief}' ({why})",
                id=claim_id,
                hint="print claims with the claim() macro, which adds their citations",
            )
        )
    return problems


# --- outputs -----------------------------------------------------------------------------


def _audit_html(rendered: Rendered, data: bytes) -> Iterator[tuple[str, str]]:
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(data)
    by_id = {el.get("id"): el for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for claim_id in rendered.claim_ids:
        el = by_id.get(f"claim-{claim_id}")
        if el is None:
            yield claim_id, f"no element with id claim-{claim_id}"
            continue
        if _claim_probe(rendered, claim_id) not in _norm(el.text_content()):
            yield claim_id, "the claim's text is missing"
            continue
        cites = el.xpath(".//span[contains(concat(' ', @class, ' '), ' citation ')]")
        cited = {k for c in cites for k in (c.get("data-cites") or "").split()}
        missing = [s for s in rendered.claim_sources.get(claim_id, ()) if s not in cited]
        if missing:
            yield claim_id, "no citation of " + ", ".join(repr(m) for m in missing)
            continue
        for cite in cites:
            ref = cite.xpath(".//a[contains(@class, 'footnote-ref')]/@href")
            text = (
                " ".join(_norm(by_id[r[1:]].text_content()) for r in ref if r[1:] in by_id)
                if ref
                else cite.text_content()
            )
            if not _norm(text):
                yield claim_id, "its citation is empty"
                break


def _pdf_read_fast(data: bytes) -> tuple[dict[str, int], list[str]]:
    """The named destinations (name → page index) and page texts, via pdfium: about
    fifty times faster than pypdf and pdfplumber, which parse every object of the file
    in Python (a tagged PDF has thousands) before they can follow one."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium

    pdf = pypdfium2.PdfDocument(data)
    try:
        pages: dict[str, int] = {}
        for index in range(pdfium.FPDF_CountNamedDests(pdf.raw)):
            size = ctypes.c_long(0)
            pdfium.FPDF_GetNamedDest(pdf.raw, index, None, ctypes.byref(size))
            if size.value <= 0:
                continue
            name = ctypes.create_string_buffer(size.value)
            dest = pdfium.FPDF_GetNamedDest(pdf.raw, index, name, ctypes.byref(size))
            page = pdfium.FPDFDest_GetDestPageIndex(pdf.raw, dest) if dest else -1
            if page >= 0:  # a destination that names no page of this file points nowhere
                pages[name.raw[: size.value].decode("utf-16-le").rstrip("\0")] = page
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages, texts
    finally:
        pdf.close()


def _pdf_texts_careful(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _audit_pdf(rendered: Rendered, data: bytes) -> Iterator[tuple[str, str]]:
    pages, texts = _pdf_read_fast(data)
    markers = source_markers(rendered)
    fast = [_visual(_norm(t)) for t in texts]
    # The two extractors read some scripts differently: a claim fails only if the
    # careful one (pdfplumber) cannot find it either.
    doubtful = [
        c for c in rendered.claim_ids if _pdf_claim_problem(rendered, c, pages, fast, markers)
    ]
    if not doubtful:
        return
    careful = [_visual(_norm(t)) for t in _pdf_texts_careful(data)]
    for claim_id in doubtful:
        found = _pdf_claim_problem(rendered, claim_id, pages, careful, markers)
        if found:
            yield claim_id, found


def _pdf_claim_problem(
    rendered: Rendered,
    claim_id: str,
    pages: dict[str, int],
    texts: list[tuple[str, Counter[str]]],
    markers: dict[str, set[str]],
) -> str | None:
    page = pages.get(f"claim-{claim_id}")
    if page is None:
        return f"no named destination claim-{claim_id}"
    nearby = "".join(ltr for ltr, _ in texts[page : page + 2])
    nearby_bag = sum((bag for _, bag in texts[page : page + 2]), Counter())
    following = "".join(ltr for ltr, _ in texts[page + 1 : page + 2])
    probe, probe_bag = _visual(_claim_probe(rendered, claim_id))
    if not _on_page(probe, texts[page][0], following) or probe_bag - nearby_bag:
        return f"its text is not on page {page + 1}"
    nearby_text = nearby + "".join(nearby_bag.elements())
    missing = [
        s
        for s in rendered.claim_sources.get(claim_id, ())
        if not _has_marker(nearby_text, s, markers, rendered.note_style, visual=True)
    ]
    if missing:
        return f"no citation of {', '.join(map(repr, missing))} on page {page + 1}"
    return None


def docx_bookmark(name: str) -> str:
    """The bookmark pandoc writes for an id: Word allows 40 characters, so pandoc
    replaces a longer id by "X" and the last 39 hex digits of its SHA-1."""
    if len(name) <= 40:
        return name
    return "X" + hashlib.sha1(name.encode("utf-8")).hexdigest()[1:]


def _docx_parts(data: bytes) -> tuple[Any, dict[str, str]]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
        notes: dict[str, str] = {}
        if "word/footnotes.xml" in zf.namelist():
            for note in etree.fromstring(zf.read("word/footnotes.xml")).iter(f"{W}footnote"):
                notes[note.get(f"{W}id")] = "".join(note.itertext())
    return document, notes


def _audit_docx(rendered: Rendered, data: bytes) -> Iterator[tuple[str, str]]:
    document, notes = _docx_parts(data)
    by_bookmark = {docx_bookmark(f"claim-{c}"): c for c in rendered.claim_ids}
    open_marks: dict[str, str] = {}  # bookmark w:id → claim id
    collected: dict[str, list[str]] = {}
    for el in document.iter():
        tag = el.tag
        if tag == f"{W}bookmarkStart":
            claim_id = by_bookmark.get(el.get(f"{W}name") or "")
            if claim_id is not None and claim_id not in collected:
                open_marks[el.get(f"{W}id")] = claim_id
                collected[claim_id] = []
        elif tag == f"{W}bookmarkEnd":
            open_marks.pop(el.get(f"{W}id"), None)
        elif open_marks and tag == f"{W}t":
            for claim_id in open_marks.values():
                collected[claim_id].append(el.text or "")
        elif open_marks and tag == f"{W}footnoteReference":
            for claim_id in open_marks.values():
                collected[claim_id].append(" " + notes.get(el.get(f"{W}id"), "") + " ")
    markers = source_markers(rendered)
    for claim_id in rendered.claim_ids:
        if claim_id not in collected:
            yield claim_id, f"no bookmark claim-{claim_id}"
            continue
        text = "".join(collected[claim_id])
        if _claim_probe(rendered, claim_id) not in _norm(text):
            yield claim_id, "the claim's text is missing from its bookmark"
            continue
        missing = [
            s
            for s in rendered.claim_sources.get(claim_id, ())
            if not _has_marker(
                text, s, markers, rendered.note_style, rendered.claim_text.get(claim_id, "")
            )
        ]
        if missing:
            yield claim_id, "no citation of " + ", ".join(repr(m) for m in missing)


AUDITS = {"html": _audit_html, "pdf": _audit_pdf, "docx": _audit_docx}


# --- glyphs ------------------------------------------------------------------------------

GLYPH_CODE = "missing-glyph"
_HEX = r"<([0-9a-fA-F]+)>"
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)


def _utf16(hexdigits: str) -> str:
    return bytes.fromhex(hexdigits).decode("utf-16-be", "replace")


def to_unicode_map(cmap: str) -> dict[int, str]:
    """A ToUnicode CMap as {character code: text}."""
    found: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        for src, dst in re.findall(rf"{_HEX}\s*{_HEX}", block):
            found[int(src, 16)] = _utf16(dst)
    for block in _BFRANGE.findall(cmap):
        for low, high, dst in re.findall(rf"{_HEX}\s*{_HEX}\s*{_HEX}", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = chr(start + offset)
    return found


def _fonts(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font reachable from a resource dictionary, figures' form XObjects included."""
    resources = resources.get_object() if resources is not None else None
    if not resources:
        return
    for ref in (resources.get("/Font") or {}).values():
        font = ref.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")  # an embedded font program


def _glyph_count(descriptor: Any) -> int | None:
    """How many glyphs the embedded font program has (None: not embedded or not read)."""
    from fontTools.ttLib import TTFont

    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if program is None:
        return None
    try:
        return int(TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)["maxp"].numGlyphs)
    except Exception:  # a bare CFF program: glyphs are not counted, nothing is claimed
        return None


def unembedded_characters(data: bytes) -> dict[str, str]:
    """Characters of the PDF's text drawn with no glyph of an embedded font, each with
    the font that lacked it.

    WeasyPrint draws such a character as .notdef under a glyph id past the end of the
    font (and maps that id to the character for copying), so a mapped id of 0 or beyond
    the font's glyph count is a character the reader sees as an empty box.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    seen: set[int] = set()
    missing: dict[str, str] = {}
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), seen):
            if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            count = _glyph_count(descriptor)
            if not any(key in descriptor for key in _PROGRAMS):
                count = 0  # not embedded: none of its glyphs is in the PDF
            if count is None or descendant.get("/CIDToGIDMap", "/Identity") != "/Identity":
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for gid, text in to_unicode_map(cmap).items():
                if gid == 0 or gid >= count:
                    for char in text:
                        if not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc"):
                            missing.setdefault(char, str(font.get("/BaseFont", "?")))
    return missing


def _where_used(rendered: Rendered, chars: set[str]) -> dict[str, set[str]]:
    """Which claims (else which quotes or other items of the brief) print each character."""
    places: dict[str, set[str]] = {}
    for claim_id in rendered.claim_ids:
        text = rendered.claim_text.get(claim_id, "")
        for char in chars & set(text):
            places.setdefault(f"claim '{claim_id}'", set()).add(char)
    found = {c for chars_here in places.values() for c in chars_here}
    for block in re.split(r"\n\s*\n", rendered.markdown):
        here = (chars - found) & set(block)
        if here:
            ids = re.findall(r"#(quote|option|position)-([a-z0-9-]+)", block)
            place = f"{ids[0][0]} '{ids[0][1]}'" if ids else "the brief's own text"
            places.setdefault(place, set()).update(here)
    rest = chars - {c for chars_here in places.values() for c in chars_here}
    if rest:  # e.g. a source's title in the bibliography
        places.setdefault("the citations or bibliography", set()).update(rest)
    return places


def audit_glyphs(rendered: Rendered, data: bytes, brief_path: str) -> list[Problem]:
    """`missing-glyph`: every character of the PDF's text must have a glyph in a font
    embedded in it; otherwise readers see empty boxes."""
    missing = unembedded_characters(data)
    problems = []
    for place, chars in sorted(_where_used(rendered, set(missing)).items()):
        claim_id = place.split("'")[1] if place.startswith("claim '") else None
        line, col = rendered.claim_where.get(claim_id, (1, 1)) if claim_id else (1, 1)
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars))
        fonts = ", ".join(sorted({missing[c].lstrip("/").split("+")[-1] for c in chars}))
        problems.append(
            Problem(
                brief_path,
                line,
                col,
                GLYPH_CODE,
                "error",
                f"the PDF of brief '{rendered.brief}' prints {shown} of {place} with no "
                f"glyph in any embedded font (tried {fonts}); readers see empty boxes",
                id=claim_id or rendered.brief,
                hint="add a font that covers these characters to the template's assets/fonts/ "
                "and fonts.css (see its assets/README.md), or write the text without them",
            )
        )
    return problems


def audit_output(rendered: Rendered, fmt: str, data: bytes, brief_path: str) -> list[Problem]:
    """`citation-dropped` problems for one exported document (empty when all is well)."""
    try:
        found = list(AUDITS[fmt](rendered, data))
    except Exception as exc:
        return [
            Problem(
                brief_path,
                1,
                1,
                CODE,
                "error",
                f"the {fmt} output of brief '{rendered.brief}' could not be read "
                f"back for the citation audit: {exc}",
                id=rendered.brief,
            )
        ]
    problems = [
        _dropped(rendered, claim_id, fmt.upper(), why, brief_path) for claim_id, why in found
    ]
    if fmt == "pdf":
        problems += audit_glyphs(rendered, data, brief_path)
    return problems


__all__ = [
    "CODE",
    "GLYPH_CODE",
    "audit_glyphs",
    "audit_intermediate",
    "audit_output",
    "source_markers",
    "unembedded_characters",
]
