"""`check` checks everything checkable (issue 11 §5): citation styles resolve in `check`,
every CSL family builds in every format, and every rule code the tool emits is listed."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import build_project
from docx import Document
from lxml import html as lxml_html

import briefwright
from briefwright import csl
from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.render import render_brief
from briefwright.rules import RULES

PACKAGE = Path(briefwright.__file__).parent
KEBAB = re.compile(r"[a-z]+(?:-[a-z]+)+")
# Calls that take a rule code: Problem(...), problem_at(...), state.problem(...),
# refs.report(...), _Reject(...); and module constants such as audit.CODE.
CODE_TAKERS = re.compile(r"problem|report|reject", re.IGNORECASE)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _emitted_codes() -> dict[str, str]:
    """Every kebab-case string the package hands to a problem-making call, or keeps in a
    *CODE constant, with where it was found."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call) and CODE_TAKERS.search(_callee(node)):
                values = [*node.args, *(k.value for k in node.keywords)]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("CODE") for t in node.targets
            ):
                values = [node.value]
            for value in values:
                code = value.value if isinstance(value, ast.Constant) else None
                if isinstance(code, str) and KEBAB.fullmatch(code):
                    found.setdefault(code, f"{path.name}:{node.lineno}")
    return found


def test_every_rule_code_the_tool_emits_is_listed_in_rules_and_readme():
    emitted = _emitted_codes()
    unlisted = {code: where for code, where in emitted.items() if code not in RULES}
    assert unlisted == {}
    # The scan is not vacuous: it finds (nearly) every listed rule being emitted.
    assert set(RULES) - set(emitted) == set()
    readme = (PACKAGE.parent / "README.md").read_text("utf-8")
    assert [c for c in RULES if f"| `{c}` |" not in readme] == []


def test_an_unknown_style_fails_check_at_the_brief_with_did_you_mean(tmp_path):
    root = build_project(tmp_path / "p", "unknown-citation-style")
    [problem] = check(Project.at(root)).problems
    assert (problem.path, problem.line, problem.code) == (
        "briefings/brief.yaml",
        6,
        "unknown-citation-style",
    )
    assert problem.id == "brief" and "'chicago-notes'" in (problem.hint or "")


def test_an_unknown_project_style_fails_check_at_the_config_line(tmp_path):
    root = build_project(tmp_path / "p")
    (root / "briefwright.toml").write_text('lang = "en"\ncitation_style = "apaa"\n', "utf-8")
    [problem] = check(Project.at(root)).problems
    assert (problem.path, problem.line, problem.code) == (
        "briefwright.toml",
        2,
        "unknown-citation-style",
    )
    assert "'apa'" in (problem.hint or "")


def test_styles_are_of_each_family():
    assert csl.is_note_style(csl.find_style("chicago-notes"))
    assert not csl.has_bibliography(csl.find_style("chicago-notes"))
    for name in ("apa", "ieee"):
        style = csl.find_style(name)
        assert not csl.is_note_style(style) and csl.has_bibliography(style)


# One style of each CSL family, and what its citation of alpha-2020 looks like in text.
FAMILIES = {
    "chicago-notes": "Ann Author, “Fisheries Deal Signed,”",  # note, no bibliography
    "apa": "(Author, 2020",  # author-date
    "ieee": "[1]",  # numeric
}


@pytest.mark.slow
@pytest.mark.parametrize("style", sorted(FAMILIES))
def test_each_csl_family_builds_every_format(style, tmp_path):
    root = build_project(tmp_path / "p")
    brief = root / "briefings" / "brief.yaml"
    text = brief.read_text("utf-8").replace("audience:", f"citation_style: {style}\naudience:")
    if not csl.has_bibliography(csl.find_style(style)):  # a sources section warns (scenario)
        text = text.replace("  - {type: sources}\n", "")
    brief.write_text(text, "utf-8")
    assert check(Project.at(root)).problems == []
    content, _ = load_project(Project.at(root))
    rendered = render_brief(content, "brief")
    files = {fmt: EXPORTERS[fmt](rendered, tmp_path / fmt) for fmt in ("html", "pdf", "docx")}

    tree = lxml_html.document_fromstring(files["html"])
    ids = set(tree.xpath("//@id"))
    # No link to a bibliography entry (or anything) that is not there.
    assert [h for h in tree.xpath("//a/@href") if h.startswith("#") and h[1:] not in ids] == []
    expected = re.sub(r"\s+", " ", FAMILIES[style])
    assert expected in re.sub(r"\s+", " ", tree.text_content())
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        pdf_text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert re.sub(r"\W+", "", expected) in re.sub(r"\W+", "", pdf_text)
    doc = Document(io.BytesIO(files["docx"]))
    assert "The two governments signed a fisheries agreement" in " ".join(
        p.text for p in doc.paragraphs
    )
