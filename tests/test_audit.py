"""The citation audit catches a claim that reaches an output without its citation."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from briefwright.audit import audit_intermediate, audit_output
from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.render import render_brief

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).parent / "projects" / "render-basic"


@pytest.fixture(scope="module")
def content():
    loaded, _ = load_project(Project.at(PROJECT))
    return loaded


@pytest.fixture(scope="module")
def broken(content, tmp_path_factory):
    rendered = render_brief(content, "broken")
    files = {
        fmt: EXPORTERS[fmt](rendered, tmp_path_factory.mktemp(fmt))
        for fmt in ("html", "pdf", "docx")
    }
    return rendered, files


def test_broken_template_is_caught_in_the_intermediate_at_brief_and_template(broken):
    rendered, _ = broken
    problems = audit_intermediate(rendered)
    assert {(p.path, p.code, p.id) for p in problems} == {
        ("briefings/broken.yaml", "citation-dropped", "scrambles-390"),
        ("templates/broken/brief.md.j2", "citation-dropped", "scrambles-390"),
    }
    at_brief = next(p for p in problems if p.path == "briefings/broken.yaml")
    # The line of the brief that lists the claim (its second entry in `claims`).
    assert at_brief.line == 7
    assert "'scrambles-390'" in at_brief.message and "intermediate" in at_brief.message


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_broken_template_is_caught_in_every_output(broken, fmt):
    rendered, files = broken
    problems = audit_output(rendered, fmt, files[fmt], rendered.brief_path)
    assert [(p.code, p.id, p.path) for p in problems] == [
        ("citation-dropped", "scrambles-390", "briefings/broken.yaml")
    ]
    assert fmt.upper() in problems[0].message


@pytest.fixture(scope="module")
def hostile(content, tmp_path_factory):
    rendered = render_brief(content, "hostile")
    return rendered, {
        fmt: EXPORTERS[fmt](rendered, tmp_path_factory.mktemp(fmt)) for fmt in ("html", "docx")
    }


def test_html_with_a_citation_removed_is_caught(hostile):
    rendered, files = hostile
    assert audit_output(rendered, "html", files["html"], rendered.brief_path) == []
    html = files["html"].decode()
    start = html.index('id="claim-hostile-link"')
    cite = re.compile(r'<span class="citation".*?</span>', re.S)
    tampered = html[:start] + cite.sub("", html[start:], count=1)
    [problem] = audit_output(rendered, "html", tampered.encode(), rendered.brief_path)
    assert problem.id == "hostile-link" and "brown-2018" in problem.message


def test_html_with_a_claim_missing_is_caught(hostile):
    rendered, files = hostile
    tampered = files["html"].replace(b'id="claim-hostile-html"', b'id="something-else"')
    [problem] = audit_output(rendered, "html", tampered, rendered.brief_path)
    assert problem.id == "hostile-html" and "no element" in problem.message


def test_docx_with_a_citation_removed_is_caught(hostile):
    rendered, files = hostile
    source = zipfile.ZipFile(io.BytesIO(files["docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                # Author-date: the citation is text in the bookmark; blank "(Brown 2018…)".
                data = data.replace(b"Brown 2018", b"")
            zf.writestr(name, data)
    problems = audit_output(rendered, "docx", out.getvalue(), rendered.brief_path)
    assert {p.id for p in problems} == {"hostile-html", "hostile-link"}


def test_unreadable_output_is_reported(hostile):
    rendered, _ = hostile
    [problem] = audit_output(rendered, "pdf", b"not a pdf", rendered.brief_path)
    assert problem.code == "citation-dropped" and "could not be read" in problem.message
