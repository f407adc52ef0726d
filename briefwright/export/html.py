"""HTML: pandoc standalone with our page template and the template's CSS inlined.

The page is self-contained (styles inline, the figure a data: URI of our own SVG), so
it opens anywhere without fetching anything, and WeasyPrint prints the same document.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .. import pandoc
from ..problems import BriefwrightError, Problem
from ..render import Rendered
from . import Parsed, build_date, parse

STYLES_MARK = "<!-- briefwright:styles -->"


def page_template(rendered: Rendered, work: Path, for_print: bool = False) -> Path:
    """page.html with the CSS inlined.

    The HTML file gets brief.css, screen.css under @media screen (responsive rules
    WeasyPrint does not understand) and print.css under @media print; the page handed
    to WeasyPrint gets fonts.css (the shipped fonts), brief.css and print.css only, so
    its CSS parser warns about nothing we ship.
    """
    page = rendered.template_file("page.html").read_text("utf-8")
    if STYLES_MARK not in page:
        raise BriefwrightError(
            f"{rendered.template_file('page.html')} has no {STYLES_MARK} line for the styles",
            [
                Problem(
                    rendered.template_path,
                    1,
                    1,
                    "template-error",
                    "error",
                    f"page.html lacks the {STYLES_MARK} marker",
                )
            ],
        )
    # `$` starts a pandoc template variable.
    css = style_element(rendered, for_print).replace("$", "$$")
    out = work / ("print-page.html" if for_print else "page.html")
    out.write_text(page.replace(STYLES_MARK, css), "utf-8")
    return out


def style_element(rendered: Rendered, for_print: bool) -> str:
    """The <style> element of the screen or the print page, as pandoc outputs it."""
    base = rendered.template_file("brief.css").read_text("utf-8")
    screen = rendered.template_file("screen.css").read_text("utf-8")
    printed = rendered.template_file("print.css").read_text("utf-8")
    if for_print:
        # @font-face rules load from assets/, which only WeasyPrint can reach; a
        # template's own assets/ without our fonts/ must not get our fonts.css.
        fonts = rendered.template_file("fonts.css")
        same = fonts.parent == rendered.template_file("assets").parent
        shipped = fonts.read_text("utf-8") if fonts.is_file() and same else ""
        css = f"{shipped}\n{base}\n{printed}\n"
    else:
        css = f"{base}\n@media screen {{\n{screen}\n}}\n@media print {{\n{printed}\n}}\n"
    # `</` must not close the style element early.
    return "<style>\n" + css.replace("</", "<\\/") + "</style>"


def print_version(rendered: Rendered, page: bytes) -> bytes | None:
    """The print page made from the screen page (they differ only in their styles)."""
    screen = style_element(rendered, False).encode("utf-8")
    if page.count(screen) != 1:
        return None
    return page.replace(screen, style_element(rendered, True).encode("utf-8"))


def meta_variables(rendered: Rendered) -> list[str]:
    """The document metadata as page template variables (escaped: taken literally)."""
    meta = rendered.meta
    values = [("author", a) for a in meta.creators]
    values += [("publisher", meta.publisher), ("description", meta.subject)]
    values.append(("keywords", ", ".join(meta.keywords)))
    args = []
    for name, value in values:
        if value:
            args += ["--variable", f"{name}={html.escape(value, quote=True)}"]
    return args


def export_html(
    rendered: Rendered, work: Path, for_print: bool = False, parsed: Parsed | None = None
) -> bytes:
    """The page, written by pandoc from the brief's parsed intermediate (`parse`)."""
    parsed = parsed or parse(rendered, work)
    if parsed.problems:
        raise BriefwrightError(
            f"pandoc could not make HTML for '{rendered.brief}'", list(parsed.problems)
        )
    work.mkdir(parents=True, exist_ok=True)
    args = [
        "--standalone",
        "--template",
        str(page_template(rendered, work, for_print)),
        # A variable, escaped here: pandoc reads a --metadata value as YAML, so a brief
        # titled "true" or "false" would become a boolean and print as "-"; a variable is
        # taken literally (hence the escaping, which metadata would have done).
        "--variable",
        f"pagetitle={html.escape(rendered.title, quote=True)}",
        *meta_variables(rendered),
        "--wrap",
        "none",
        "--section-divs",
        # Contents: the sections (the title is .unlisted); the page template places it.
        "--toc",
        "--toc-depth=2",
    ]
    created = build_date()
    if created is not None:
        args += ["--metadata", f"created={created.strftime('%Y-%m-%dT%H:%M:%SZ')}"]
    data, problems = pandoc.convert(
        parsed.json, "html5", args, cwd=work, where=rendered.brief_path, reader="json"
    )
    if problems:
        raise BriefwrightError(f"pandoc could not make HTML for '{rendered.brief}'", problems)
    return add_claim_links(drop_added_selectors(data))


# pandoc writes U+FE0E after every ↩ and ↔ not followed by one (so they never show as
# emoji); editor text must print as written, so the added one goes (templating.
# escape_markdown sets an editor's own apart). pandoc's footnote back-links keep theirs.
_ADDED_SELECTOR = re.compile('(class="footnote-back"[^>]*>)?(↩|↔)\ufe0e'.encode())


def drop_added_selectors(page: bytes) -> bytes:
    return _ADDED_SELECTOR.sub(lambda m: m.group(0) if m.group(1) else m.group(2), page)


_CLAIM_SPAN = re.compile(rb'<span id="(claim-[a-z0-9-]+)" class="claim\b')


def add_claim_links(page: bytes) -> bytes:
    """A "#" link to each claim's own anchor, right after the claim (shown on hover).

    Inserted into pandoc's output rather than the intermediate, which DOCX and PDF share,
    and outside the claim's span, so the claim's element holds exactly its text and
    citation. A claim span holds only inline content, so its end is the `</span>` that
    balances it.
    """
    out: list[bytes] = []
    pos = 0
    for match in _CLAIM_SPAN.finditer(page):
        if match.start() < pos:
            continue  # nested inside the previous claim (never, with our template)
        end = _span_end(page, match.start())
        if end is None:
            continue
        end += len(b"</span>")
        anchor = match.group(1)
        out += [
            page[pos:end],
            b'<a class="claim-link" href="#' + anchor + b'" aria-label="Link to this claim">#</a>',
        ]
        pos = end
    out.append(page[pos:])
    return b"".join(out)


_SPAN_TAG = re.compile(rb"<(/?)span\b")


def _span_end(page: bytes, start: int) -> int | None:
    """Where the `</span>` closing the span opened at `start` begins."""
    depth = 0
    for tag in _SPAN_TAG.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    return None
