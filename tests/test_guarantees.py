"""Fast tests of the guarantees, written against the mutants no other test noticed (issue 16
§1; `make mutation` finds them). Each names the mutant it kills."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_project

from briefwright.audit import audit_output
from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.render import render_brief


def errors(root: Path) -> list[tuple[str, str | None, str]]:
    return [
        (p.code, p.id, p.message) for p in check(Project.at(root)).problems if p.level == "error"
    ]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- the four mutants of the issue --------------------------------------------------------


def test_a_quote_with_one_figure_changed_is_not_found(tmp_path: Path) -> None:
    # Mutant: citations.py accepting a quote whose nearest passage is >= 90 % similar.
    root = build_project(tmp_path / "p")
    edit(root / "content/claims/main.yaml", 'covering 1,200 boats."', 'covering 1,300 boats."')
    found = errors(root)
    assert [(code, item) for code, item, _ in found] == [("quote-not-found", "fisheries-deal")]
    assert "% similar" in found[0][2]  # it was near: the hint shows the difference


def test_a_quote_naming_a_missing_source_is_an_error(tmp_path: Path) -> None:
    # Mutant: validate.py `if False and quote.source not in content.sources`.
    root = build_project(tmp_path / "p")
    edit(root / "content/quotes/main.yaml", "source: alpha-2020", "source: alpha-2021")
    found = errors(root)
    assert [(code, item) for code, item, _ in found] == [("unknown-source", "author-no-settlement")]
    assert "'alpha-2021'" in found[0][2]


def test_every_citation_of_a_claim_is_checked_for_its_source(tmp_path: Path) -> None:
    # Mutant: validate.py `enumerate(claim.cites[:1])` (only the first citation checked).
    root = build_project(tmp_path / "p")
    edit(
        root / "content/claims/main.yaml",
        "      quote: the talks had lasted twenty-one months\n",
        "      quote: the talks had lasted twenty-one months\n"
        "    - source: gamma-2021\n      quote: the talks had lasted twenty-one months\n",
    )
    found = check(Project.at(root)).problems
    unknown = [p for p in found if p.code == "unknown-source"]
    assert [(p.id, "'gamma-2021'" in p.message) for p in unknown] == [("talks-length", True)]
    # Located at the second citation's source, not the first.
    lines = (root / "content/claims/main.yaml").read_text("utf-8").splitlines()
    assert "gamma-2021" in lines[unknown[0].line - 1]


@pytest.fixture(scope="module")
def basic_html(tmp_path_factory: pytest.TempPathFactory):
    root = build_project(tmp_path_factory.mktemp("audit") / "p")
    content, problems = load_project(Project.at(root))
    assert not [p for p in problems if p.level == "error"]
    rendered = render_brief(content, "brief")
    return rendered, EXPORTERS["html"](rendered, tmp_path_factory.mktemp("html"))


def test_the_html_audit_passes_an_intact_brief(basic_html) -> None:
    rendered, page = basic_html
    assert audit_output(rendered, "html", page, rendered.brief_path) == []


def test_an_emptied_footnote_fails_the_html_audit(basic_html) -> None:
    # Mutant: audit.py `if False and not _norm(text)` (an empty note passes).
    rendered, page = basic_html
    html = page.decode("utf-8")
    note = re.search(r'(<li id="fn1">)(.*?)(<a href="#fnref1")', html, re.S)
    assert note is not None and note[2].strip()
    emptied = html[: note.start(2)] + "<p>" + html[note.end(2) :]
    problems = audit_output(rendered, "html", emptied.encode(), rendered.brief_path)
    assert [(p.code, "citation is empty" in p.message) for p in problems] == [
        ("citation-dropped", True)
    ]
