"""Rendering: escaping, the Jinja guard rails, the intermediate, CSL-JSON and the figure."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from xml.etree import ElementTree

import jinja2
import pytest
from conftest import HOSTILE, PROJECTS

from briefwright import csl, pandoc
from briefwright.config import Project
from briefwright.load import load_project
from briefwright.model import Source
from briefwright.problems import BriefwrightError
from briefwright.render import Raw, escape_markdown, make_environment, render_brief
from briefwright.select import used_items

PROJECT = PROJECTS / "render-basic"


@pytest.fixture(scope="module")
def content():
    loaded, problems = load_project(Project.at(PROJECT))
    assert [p for p in problems if p.level == "error"] == []
    return loaded


@pytest.fixture(scope="module")
def basic(content):
    return render_brief(content, "basic")


# --- escaping ----------------------------------------------------------------------------


def test_escape_markdown_escapes_every_ascii_punctuation_mark():
    assert escape_markdown("a*b_c") == r"a\*b\_c"
    assert escape_markdown("  two\nlines  ") == "two lines"
    for char in "\\`*_{}[]()#+-.!<>|~^@$\"':&=%;,/?":
        assert escape_markdown(char) == "\\" + char


@pytest.mark.slow
@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_reads_back_literally_through_pandoc(text):
    html = pandoc.run(
        [pandoc.pandoc_path(), "--from", pandoc.READER, "--to", "plain", "--sandbox"],
        stdin=escape_markdown(text).encode(),
    ).decode()
    assert html.strip() == text


def _env(tmp_path: Path, source: str) -> jinja2.Template:
    (tmp_path / "t.j2").write_text(source)
    return make_environment([tmp_path]).get_template("t.j2")


def test_printing_editor_text_without_the_filter_fails_loudly(tmp_path):
    with pytest.raises(jinja2.TemplateError, match="without the md filter"):
        _env(tmp_path, "{{ x }}").render(x=Raw("*hi*"))
    with pytest.raises(jinja2.TemplateError, match="without the md filter"):
        _env(tmp_path, "{{ 'a' ~ x }}").render(x=Raw("*hi*"))
    assert _env(tmp_path, "{{ x|md }}").render(x=Raw("*hi*")) == r"\*hi\*"


def test_undefined_and_private_attributes_fail(tmp_path):
    with pytest.raises(jinja2.UndefinedError):
        _env(tmp_path, "{{ missing|md }}").render()
    # The sandbox hides Raw's private text, so `x._text` cannot sidestep the filter.
    with pytest.raises(jinja2.exceptions.SecurityError):
        _env(tmp_path, "{{ x._text }}").render(x=Raw("*hi*"))


def test_template_printing_none_fails(tmp_path):
    with pytest.raises(jinja2.TemplateError, match="None"):
        _env(tmp_path, "{{ x }}").render(x=None)


# --- the intermediate ------------------------------------------------------------------


def test_every_claim_is_a_span_carrying_its_citations(basic):
    for claim_id in basic.claim_ids:
        match = re.search(r"\[([^\n]*?)\]\{#claim-" + re.escape(claim_id) + r" ", basic.markdown)
        assert match, claim_id
        for source in basic.claim_sources[claim_id]:
            assert f"@{source}, ¶ " in match.group(1)


def test_title_block(basic):
    assert basic.markdown.startswith("# Japan and Russia {#brief-title")
    assert "As of]{.label} November 2021" in basic.markdown
    assert "Based on 2 sources published 2018–2020" in basic.markdown


def test_assessments_are_attributed(basic):
    md = basic.markdown
    assert r"Brown \(2018\) argues that Japan\'s security policy" in md
    # No author, title or outlet: its bracketed description, approximate date; "For" is
    # not a name, so lower-cased.
    assert (
        r"\[Commentary on Japan–Russia relations after Abe\] \(c\. 2020\) argues that for Russia\,"
        in md
    )


def test_key_judgment_shows_likelihood_and_confidence_and_basis_citations(basic):
    assert "Unlikely · moderate confidence" in basic.markdown
    assert basic.claim_sources["ties-will-not-split-russia-china"] == (
        "after-abe-2020",
        "brown-2018",
    )


def test_timeline_rows_are_in_date_order_with_markers(basic):
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", basic.markdown, re.M)
    dates = [d.strip() for _, d in rows]
    assert dates == [
        "April 1941",
        "2013",
        r"c\. 2014",
        "November 2016",
        r"June 2018\*",
        "19–21 June 2018",
        "September 2020",
    ]
    assert "Year inferred from the source" in basic.markdown
    assert basic.figure_svg is not None


def test_option_lists_proposing_sources(basic):
    assert r"Proposed or discussed in: Brown \(2018\)" in basic.markdown


def test_provenance_rows(basic):
    row = next(r for r in basic.provenance if r["claim"] == "scrambles-390")
    assert row == {
        "claim": "scrambles-390",
        "source": "brown-2018",
        "para": 7,
        "quote": "In the last fiscal year, Japan scrambled jets 390 times to "
        "intercept approaching Russian aircraft.",
        "source_span": None,  # verbatim: no omission or bracket to resolve
    }
    # Basis claims of a judgment are listed too: their citations are printed.
    assert {r["claim"] for r in basic.provenance} >= {"putin-xi-beijing"}


def test_a_claim_printed_twice_gets_a_second_anchor(basic):
    assert "{#claim-two-plus-two-talks .claim" in basic.markdown
    assert "{#claim-two-plus-two-talks--2 .claim" in basic.markdown


def test_a_claim_printed_twice_is_a_repeated_claim_warning_naming_the_sections(basic):
    repeated = {p.message: p for p in basic.problems if p.code == "repeated-claim"}
    assert sorted(repeated) == [
        "brief 'basic' prints claim 'policy-unfruitful' 2 times: in 'Positions' (japan) "
        "and 'Policy options' (condemn-and-counter)",
        "brief 'basic' prints claim 'russia-prioritises-china' 2 times: in 'Positions' "
        "(russia) and 'Policy options' (condemn-and-counter)",
        "brief 'basic' prints claim 'two-plus-two-talks' 2 times: in 'Background' and "
        "'Policy options' (condemn-and-counter)",
    ]
    # Located at the second printing: the option in the brief's options section.
    assert {(p.path, p.line, p.level) for p in repeated.values()} == {
        ("briefings/basic.yaml", 13, "warning")
    }
    # Dated claims also print in the timeline, which selects them itself: not counted.
    assert "suga-took-office" in basic.markdown.split("{#section-4-timeline")[1]
    assert not any("suga-took-office" in m for m in repeated)


def test_render_is_deterministic(content, basic):
    again = render_brief(content, "basic")
    assert again.markdown == basic.markdown
    assert again.csl_json == basic.csl_json
    assert again.figure_svg == basic.figure_svg


def test_hostile_text_is_escaped_in_the_intermediate(content):
    md = render_brief(content, "hostile").markdown
    assert "<script>" not in md and "{{ 7*7 }}" not in md
    assert r"\<script\>alert\(1\)\<\/script\>" in md


def test_used_items_include_basis_claims_and_their_sources(content):
    used = used_items(content, "basic")
    assert "putin-xi-beijing" in used["claims"]  # only reachable as a judgment's basis
    assert used["sources"] == {"brown-2018", "after-abe-2020"}
    assert used["quotes"] == {"abe-severe-security"}
    assert used["options"] == {"condemn-and-counter"}
    assert used["positions"] == {"japan", "russia"}
    assert "hostile-html" not in used["claims"]


def test_unknown_citation_style_is_a_located_problem(content):
    brief = content.briefings["basic"]
    bad = brief.model_copy(update={"citation_style": "chicago-notes-bibliografy"})
    object.__setattr__(bad, "_where", brief.where)  # keep the location of the original
    changed = dataclasses.replace(content, briefings={**content.briefings, "basic": bad})
    with pytest.raises(BriefwrightError) as info:
        render_brief(changed, "basic")
    [problem] = info.value.problems
    assert problem.code == "unknown-citation-style"
    assert problem.path == "briefings/basic.yaml" and problem.line == 7
    assert "chicago-notes-bibliography" in (problem.hint or "")


# --- CSL ------------------------------------------------------------------------------


def _source(**fields) -> Source:
    base = {"id": "s", "text": "s.txt", "sha256": "0" * 64, "kind": "article"}
    return Source.model_validate(base | fields)


def test_csl_items_cite_gracefully():
    full = csl.source_item(
        _source(
            title="T",
            container="Outlet",
            issued="2018-07-08",
            authors=[{"family": "Brown", "given": "J."}],
            url="https://example.org/x",
        )
    )
    assert full == {
        "id": "s",
        "type": "article-newspaper",
        "title": "T",
        "container-title": "Outlet",
        "author": [{"family": "Brown", "given": "J."}],
        "issued": {"date-parts": [[2018, 7, 8]]},
        "URL": "https://example.org/x",
    }
    anonymous = csl.source_item(_source(issued="2015~", description="A talk"))
    assert "author" not in anonymous
    assert anonymous["title"] == '<span class="nocase">[A talk]</span>'
    assert anonymous["issued"] == {"date-parts": [[2015]], "circa": True}
    undated = csl.source_item(_source(title="T"))
    assert "issued" not in undated and "URL" not in undated


def test_styles_come_from_the_package():
    assert csl.find_style("chicago-note-bibliography") == csl.find_style(
        "chicago-notes-bibliography"
    )
    assert csl.find_style("apa") is not None
    assert csl.is_note_style(csl.find_style(csl.DEFAULT_STYLE))
    assert not csl.is_note_style(csl.find_style("chicago-author-date"))
    assert csl.find_style("../../etc/passwd") is None
    assert csl.find_style("no-such-style") is None


# --- the figure --------------------------------------------------------------------------


def test_timeline_figure_prints_every_event_and_its_alt_points_to_the_table(basic):
    """The figure's geometry is tested in test_timeline.py; here, the brief's use of it."""
    root = ElementTree.fromstring(basic.figure_svg)
    ns = "{http://www.w3.org/2000/svg}"
    events = {
        int(g.get("data-number")): " ".join("".join(t.itertext()) for t in g.iter(f"{ns}text"))
        for g in root.iter(f"{ns}g")
        if g.get("data-number")
    }
    timeline = basic.markdown.split("{#section-4-timeline")[1].split("\n## ")[0]
    rows = re.findall(r"^\| (\d+) \|", timeline, re.M)
    assert sorted(events) == sorted(map(int, rows)) and events
    assert "Suga" in " ".join(events.values())  # full claim text, not a shortened label
    assert "…" not in " ".join(events.values())
    [alt] = re.findall(r'\{#fig-timeline [^}]*alt="([^"]*)"', timeline)
    assert f"A chart of the {len(rows)} events listed" in alt and "table that follows" in alt
    assert root.find(f"{ns}desc").text.endswith("listed in the table that follows.")
