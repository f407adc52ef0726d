"""Everything that depends on one source: for a retracted or corrected article.

Claims cite it; judgments rest on those claims (through `basis`, all the way down);
quotes come from it; options and position points list those claims; briefs use any of
them (scope.py, the build's own definition).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .citations import locate
from .config import Project
from .content import Content
from .load import load_project
from .model import Claim, Quote, Record
from .problems import BriefwrightError, visible
from .scope import brief_scope
from .validate import did_you_mean


@dataclass(frozen=True, slots=True)
class Dependent:
    id: str
    path: str
    line: int
    col: int
    detail: str
    only_this_source: bool  # would fall with the source (what withdrawn-source checks)


@dataclass(frozen=True, slots=True)
class Impact:
    source: str
    description: str
    withdrawn: bool
    claims: tuple[Dependent, ...]
    judgments: tuple[Dependent, ...]
    quotes: tuple[Dependent, ...]
    options: tuple[Dependent, ...]
    position_points: tuple[Dependent, ...]
    briefs: tuple[Dependent, ...]

    def groups(self) -> list[tuple[str, tuple[Dependent, ...]]]:
        return [
            ("claims", self.claims),
            ("judgments (through basis)", self.judgments),
            ("quotes", self.quotes),
            ("options", self.options),
            ("position points", self.position_points),
            ("briefs", self.briefs),
        ]

    @property
    def total(self) -> int:
        return sum(len(group) for _, group in self.groups())


def _at(item: Record, *keys: str | int) -> tuple[str, int, int]:
    line, col = item.where.at(*keys)
    return item.where.path, line, col


def _sources_under(content: Content, claim: Claim, seen: set[str]) -> set[str]:
    """The sources a claim stands on: its citations, or its basis's, all the way down."""
    found = {c.source for c in claim.cites}
    for ref in claim.basis:
        if ref in seen or ref not in content.claims:
            continue
        seen.add(ref)
        found |= _sources_under(content, content.claims[ref], seen)
    return found


def _quote_para(content: Content, quote: Quote) -> str:
    text = content.texts.get(quote.source)
    match = text.find(quote.text, quote.para) or text.find(quote.text) if text else None
    para = match.para if match else quote.para
    return f"¶ {para}" if para else "quote not found"


def _describe_source(content: Content, source_id: str) -> str:
    source = content.sources.get(source_id)
    if source is None:
        return "not defined in content/sources/"
    parts = [p for p in (source.title, source.container, str(source.issued or "")) if p]
    return ", ".join(parts) or "no metadata"


def source_impact(content: Content, source_id: str) -> Impact:
    direct: dict[str, Dependent] = {}
    for claim in content.claims.values():
        for index, cite in enumerate(claim.cites):
            if cite.source != source_id or claim.id in direct:
                continue
            others = sorted({c.source for c in claim.cites} - {source_id})
            para = locate(content, cite)
            where = "no archived text" if source_id not in content.texts else "quote not found"
            detail = (f"¶ {para}" if para else where) + (
                f"; also cites {', '.join(others)}" if others else ""
            )
            direct[claim.id] = Dependent(
                claim.id, *_at(claim, "cites", index, "source"), detail, not others
            )

    # Judgments: fixpoint over basis, so a judgment on a judgment is found too.
    affected = set(direct)
    judgments: dict[str, Dependent] = {}
    changed = True
    while changed:
        changed = False
        for claim in content.claims.values():
            if claim.id in affected or not set(claim.basis) & affected:
                continue
            via = sorted(set(claim.basis) & affected)
            sole = _sources_under(content, claim, {claim.id}) == {source_id}
            judgments[claim.id] = Dependent(
                claim.id, *_at(claim, "basis"), f"via {', '.join(via)}", sole
            )
            affected.add(claim.id)
            changed = True

    quotes = [
        Dependent(q.id, *_at(q, "source"), _quote_para(content, q), True)
        for q in content.quotes.values()
        if q.source == source_id
    ]

    options = []
    for option in content.options.values():
        hits = []
        for group in ("claims", "pros", "cons", "risks"):
            found = sorted(set(getattr(option, group)) & affected)
            if found:
                hits.append(f"{group}: {', '.join(found)}")
        if hits:
            ids = {*option.claims, *option.pros, *option.cons, *option.risks}
            sole = all(
                i in affected
                and (i not in direct or direct[i].only_this_source)
                and (i not in judgments or judgments[i].only_this_source)
                for i in ids
            )
            options.append(Dependent(option.id, *_at(option, "id"), "; ".join(hits), sole))

    points = []
    for actor, position in sorted(content.positions.items()):
        for index, point in enumerate(position.points):
            found = sorted(set(point.claims) & affected)
            if found:
                points.append(
                    Dependent(
                        f"{actor}: {point.label}",
                        *_at(position, "points", index, "claims"),
                        ", ".join(found),
                        False,
                    )
                )

    briefs = []
    for name, brief in sorted(content.briefings.items()):
        scope = brief_scope(content, brief)
        if source_id not in scope.sources:
            continue
        n_claims = len(scope.claims & affected)
        n_quotes = len(scope.quotes & {q.id for q in quotes})
        detail = f"{n_claims} claim{'s' * (n_claims != 1)}, {n_quotes} quote{'s' * (n_quotes != 1)}"
        briefs.append(Dependent(name, *_at(brief), detail, False))

    source = content.sources.get(source_id)
    return Impact(
        source_id,
        _describe_source(content, source_id),
        bool(source and source.withdrawn),
        tuple(sorted(direct.values(), key=lambda d: (d.path, d.line))),
        tuple(sorted(judgments.values(), key=lambda d: (d.path, d.line))),
        tuple(sorted(quotes, key=lambda d: (d.path, d.line))),
        tuple(options),
        tuple(points),
        tuple(briefs),
    )


def impact(project: Project, source_id: str) -> Impact:
    if not project.content.is_dir():
        raise BriefwrightError(
            f"no content/ folder in {project.root}: is this a briefwright project?"
        )
    content, _ = load_project(project)
    result = source_impact(content, source_id)
    if source_id not in content.sources and result.total == 0:
        raise BriefwrightError(
            f"no source '{source_id}'{did_you_mean(source_id, content.sources)}; sources: "
            + (", ".join(sorted(content.sources)) or "none")
        )
    return result


def to_text(result: Impact) -> str:
    head = f"source '{result.source}' ({result.description})"
    if result.withdrawn:
        head += " — withdrawn"
    lines = [head]
    for title, group in result.groups():
        sole = sum(1 for d in group if d.only_this_source)
        verb = "relies" if sole == 1 else "rely"
        # Every quote relies on its one source; saying so for each adds nothing.
        note = f"; {sole} {verb} on it alone" if sole and title != "quotes" else ""
        lines.append(f"{title} ({len(group)}{note}):" if group else f"{title}: none")
        for dep in group:
            flag = "  [only this source]" if dep.only_this_source and title != "quotes" else ""
            lines.append(f"  {dep.path}:{dep.line}:{dep.col}  {dep.id}  {dep.detail}{flag}")
    return "\n".join(visible(line) for line in lines)  # titles and labels are content


def to_json(result: Impact) -> str:
    data: dict[str, Any] = asdict(result)
    return json.dumps(data, indent=2, ensure_ascii=False)
