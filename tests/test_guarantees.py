"""Fast tests of the guarantees, written against the mutants no other test noticed (issue 16
§1; `make mutation` finds them). Each names the mutant it kills."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import build_project

from briefwright import audit, builder
from briefwright.audit import audit_intermediate, audit_output, docx_bookmark
from briefwright.config import Project
from briefwright.export import EXPORTERS
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.problems import BriefwrightError
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


# --- the audit: a tampered output is caught, an intact one passes ------------------------


def html_problems(rendered, html: str) -> list[tuple[str | None, str]]:
    found = audit_output(rendered, "html", html.encode(), rendered.brief_path)
    assert {(p.code, p.path) for p in found} <= {("citation-dropped", rendered.brief_path)}
    return [(p.id, p.message.split("without its citation: ")[1]) for p in found]


def test_html_audit_names_each_way_a_claim_loses_its_citation(basic_html) -> None:
    rendered, page = basic_html
    html = page.decode("utf-8")
    renamed = html.replace('id="claim-talks-length"', 'id="claim-other"')
    assert html_problems(rendered, renamed) == [
        ("talks-length", "no element with id claim-talks-length")
    ]
    reworded = html.replace("The talks lasted 21 months.", "Something else.")
    assert html_problems(rendered, reworded) == [("talks-length", "the claim's text is missing")]
    start = html.index('id="claim-talks-length"')
    uncited = html[:start] + html[start:].replace('data-cites="alpha-2020"', 'data-cites=""', 1)
    assert html_problems(rendered, uncited) == [("talks-length", "no citation of 'alpha-2020'")]
    # A claim cites two sources: dropping one is enough.
    start = html.index('id="claim-ties-judgment"')
    one = html[:start] + html[start:].replace('data-cites="alpha-2020 beta-2019"', "", 1)
    assert html_problems(rendered, one) == [
        ("ties-judgment", "no citation of 'alpha-2020', 'beta-2019'")
    ]


def test_the_audit_locates_a_dropped_citation_at_the_claim_in_the_brief(basic_html) -> None:
    rendered, page = basic_html
    html = page.decode("utf-8").replace('id="claim-talks-length"', 'id="claim-other"')
    [problem] = audit_output(rendered, "html", html.encode(), rendered.brief_path)
    assert (problem.line, problem.col) == rendered.claim_where["talks-length"]
    assert problem.level == "error" and problem.id == "talks-length"
    assert "'brief'" in problem.message and "HTML" in problem.message
    assert "claim-talks-length" in (problem.hint or "")


def test_the_intermediate_audit_reads_the_template_output(basic_html) -> None:
    rendered, _ = basic_html
    assert audit_intermediate(rendered) == []
    uncited = rendered.markdown.replace("21 months [@alpha-2020, ¶ 3]", "21 months", 1)
    assert uncited != rendered.markdown
    problems = audit_intermediate(dataclasses.replace(rendered, markdown=uncited))
    assert [(p.path, p.id, p.level) for p in problems] == [
        (rendered.brief_path, "talks-length", "error"),
        (rendered.template_path, "talks-length", "error"),
    ]
    assert all("no citation of 'alpha-2020'" in p.message for p in problems)
    gone = rendered.markdown.replace("{#claim-talks-length ", "{#claim-other ", 1)
    problems = audit_intermediate(dataclasses.replace(rendered, markdown=gone))
    assert ["no element with id claim-talks-length" in p.message for p in problems] == [
        True,
        True,
    ]


@pytest.fixture(scope="module")
def basic_docx(basic_html, tmp_path_factory: pytest.TempPathFactory):
    rendered, _ = basic_html
    return EXPORTERS["docx"](rendered, tmp_path_factory.mktemp("docx"))


def docx_with(data: bytes, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in source.namelist():
            part = source.read(name)
            if name == "word/document.xml":
                assert old in part, old
                part = part.replace(old, new)
            zf.writestr(name, part)
    return out.getvalue()


def test_docx_audit_passes_an_intact_brief_and_names_what_is_missing(basic_html, basic_docx):
    rendered, _ = basic_html
    assert audit_output(rendered, "docx", basic_docx, rendered.brief_path) == []
    renamed = docx_with(basic_docx, b'w:name="claim-talks-length"', b'w:name="claim-x"')
    [problem] = audit_output(rendered, "docx", renamed, rendered.brief_path)
    assert problem.id == "talks-length" and "no bookmark claim-talks-length" in problem.message
    reworded = docx_with(basic_docx, b"The talks lasted 21 months", b"Something else entirely")
    [problem] = audit_output(rendered, "docx", reworded, rendered.brief_path)
    assert problem.id == "talks-length" and "text is missing" in problem.message


def test_a_long_claim_id_is_found_by_pandocs_docx_bookmark() -> None:
    assert docx_bookmark("claim-short") == "claim-short"
    long = "claim-" + "x" * 40
    assert docx_bookmark(long) == "X" + hashlib.sha1(long.encode()).hexdigest()[1:]
    assert len(docx_bookmark(long)) == 40 and len(docx_bookmark("c" * 40)) == 40


def test_audit_text_is_letters_and_digits_without_case_or_accents() -> None:
    assert audit._norm("Ｆirst—Élan, l'ﬁn_de 2020!\n") == "firstelanlfinde2020"
    marks = {"alpha-2020": {"author"}, "beta-2019": {"beta"}}
    assert audit._has_marker("x (Author 2020)", "alpha-2020", marks, False)
    assert not audit._has_marker("x (Author 2020)", "beta-2019", marks, False)
    # The claim's own words do not count as its citation.
    assert not audit._has_marker("Author said so.", "alpha-2020", marks, False, "Author said so")
    assert audit._has_marker("Ibid., 4.", "alpha-2020", marks, True)
    assert not audit._has_marker("Ibid., 4.", "alpha-2020", marks, False)


# --- the publish path: everything or nothing, only inside dist/ --------------------------


def tree(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def test_publishing_writes_every_file_whole_and_readable(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    big = bytes(range(256)) * 5000  # more than one write
    builder.publish_files(dist, {"a/b/c.html": big, "index.html": b"x", "empty.txt": b""})
    assert (dist / "a/b/c.html").read_bytes() == big
    assert (dist / "index.html").read_bytes() == b"x"
    assert (dist / "empty.txt").read_bytes() == b""
    assert stat.S_IMODE((dist / "index.html").stat().st_mode) == 0o644
    # Staged in the build's own scratch folder, removed once all are in place.
    assert sorted(tree(dist)) == ["a", "a/b", "a/b/c.html", "empty.txt", "index.html"]


def test_a_failure_while_staging_publishes_nothing(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_bytes(b"old")
    (dist / "blocked").write_bytes(b"a file where a folder is needed")
    before = tree(dist)
    with pytest.raises(BriefwrightError, match=r"cannot write .*blocked/x\.html") as caught:
        builder.publish_files(dist, {"index.html": b"new", "blocked/x.html": b"x"}, root=tmp_path)
    assert str(caught.value).startswith("cannot write dist/blocked/x.html: ")
    assert "check the folder and build again" in str(caught.value)
    assert tree(dist) == before  # the staged index.html is gone, the old one intact


@pytest.mark.parametrize("rel", ["a/b.html", "brief/brief.pdf", "x"])
def test_a_path_inside_dist_is_allowed(tmp_path: Path, rel: str) -> None:
    assert builder.in_dist(tmp_path, rel) == tmp_path / rel


@pytest.mark.parametrize("rel", ["..", "a/..", "a/../b", "", "/etc/passwd", "a/../../b"])
def test_a_path_that_leaves_dist_or_is_dist_is_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(BriefwrightError, match="does not lie inside"):
        builder.in_dist(tmp_path / "dist", rel)


def test_the_scratch_folder_must_be_the_builds_own(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    assert builder._scratch(dist, create=False) is None
    made = builder._scratch(dist, create=True)
    assert made == dist / builder.SCRATCH and (made / builder.SCRATCH_MARKER).is_file()
    assert builder._scratch(dist, create=False) == made
    builder._clean_stale_temporaries(dist)
    assert not made.exists()
    made.write_bytes(b"a file")
    with pytest.raises(BriefwrightError, match="is not a folder the build made"):
        builder._scratch(dist, create=True)
    made.unlink()
    other = tmp_path / "other"
    other.mkdir()
    made.symlink_to(other, target_is_directory=True)
    with pytest.raises(BriefwrightError):
        builder._scratch(dist, create=True)


def test_clean_up_keeps_a_scratch_folder_the_build_did_not_mark(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / builder.SCRATCH).mkdir(parents=True)
    (dist / builder.SCRATCH / "someone's.html").write_bytes(b"x")
    with pytest.raises(BriefwrightError, match="holds files the build did not make"):
        builder._clean_stale_temporaries(dist)
    assert (dist / builder.SCRATCH / "someone's.html").exists()
    (dist / builder.SCRATCH / "someone's.html").unlink()
    builder._clean_stale_temporaries(dist)  # empty and unmarked: nothing to lose
    assert not (dist / builder.SCRATCH).exists()


def test_write_atomic_replaces_a_file_or_leaves_it(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.yaml"
    builder.write_atomic(target, b"one")
    builder.write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.yaml"]
    (tmp_path / "blocked").write_bytes(b"file")
    with pytest.raises(BriefwrightError, match=r"cannot write .*; check the folder and try"):
        builder.write_atomic(tmp_path / "blocked" / "x.yaml", b"x")
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(BriefwrightError, match="cannot write"):
        builder.write_atomic(tmp_path / "dir.yaml", b"x")  # the rename fails
    assert [p.name for p in (tmp_path / "dir.yaml").iterdir()] == []
    assert not [p for p in tmp_path.iterdir() if builder.TMP_MARK in p.name]


def test_files_are_staged_in_the_scratch_folder(tmp_path: Path, monkeypatch) -> None:
    # Beside their targets, a failed build could leave temporaries among published files.
    renamed: list[Path] = []
    real_replace = os.replace

    def replace(src, dst) -> None:
        renamed.append(Path(src).parent)
        real_replace(src, dst)

    monkeypatch.setattr(builder.os, "replace", replace)
    dist = tmp_path / "dist"
    dist.mkdir()
    builder.publish_files(dist, {"a/b.html": b"x", "c.html": b"y"})
    assert renamed == [dist / builder.SCRATCH] * 2


def test_an_unreadable_output_is_one_located_problem(basic_html) -> None:
    rendered, _ = basic_html
    [problem] = audit_output(rendered, "docx", b"not a docx", "briefings/elsewhere.yaml")
    assert (problem.path, problem.line, problem.code, problem.level, problem.id) == (
        "briefings/elsewhere.yaml",
        1,
        "citation-dropped",
        "error",
        rendered.brief,
    )
    assert "could not be read back" in problem.message


def test_a_dropped_citation_is_reported_at_the_brief_path_given(basic_html) -> None:
    rendered, page = basic_html
    html = page.decode("utf-8").replace('id="claim-talks-length"', 'id="claim-other"')
    [problem] = audit_output(rendered, "html", html.encode(), "briefings/other.yaml")
    assert problem.path == "briefings/other.yaml"


def test_a_printed_citation_is_recognised_by_author_title_or_outlet(basic_html) -> None:
    rendered, _ = basic_html
    assert audit.source_markers(rendered) == {
        "alpha-2020": {"author", "fisheriesdealsigned", "exampletimes"},
        "beta-2019": {"betareview", "betaquarterly"},
    }
    # The first three words of a title; a literal name when there is no family name.
    item = {"id": "x", "title": "One Two Three Four", "author": [{"literal": "Some Body"}]}
    assert audit.source_markers(dataclasses.replace(rendered, csl_json=[item])) == {
        "x": {"onetwothree", "somebody"}
    }
    assert audit.source_markers(dataclasses.replace(rendered, csl_json=[{"id": "y"}])) == {
        "y": set()
    }


# --- references in a brief: each one checked, named and located --------------------------

BRIEF_WITH_UNKNOWNS = """\
title: A minimal brief
as_of: "2020-12"
audience: Test readers
template: nope
sections:
  - {type: key-judgments, judgments: [ties-judgment, no-such-claim]}
  - {type: claims, title: Background, claims: [talks-length]}
  - {type: positions, actors: [japan, atlantis]}
  - {type: options, options: [engage, nothing]}
  - {type: quotes, quotes: [author-no-settlement, unsaid]}
"""


def test_every_unknown_reference_of_a_brief_is_named_at_its_place(tmp_path: Path) -> None:
    root = build_project(tmp_path / "p")
    (root / "briefings/brief.yaml").write_text(BRIEF_WITH_UNKNOWNS, "utf-8")
    found = [p for p in check(Project.at(root)).problems if p.level == "error"]
    assert [(p.code, p.path, p.line, p.col, p.id, p.message) for p in found] == [
        (code, "briefings/brief.yaml", line, col, "brief", f"brief 'brief' {message}")
        for code, line, col, message in [
            ("unknown-reference", 4, 11, "uses template 'nope', which does not exist"),
            ("unknown-claim", 6, 54, "names claim 'no-such-claim', which does not exist"),
            ("unknown-reference", 8, 39, "names actor 'atlantis', which does not exist"),
            ("unknown-reference", 9, 39, "names option 'nothing', which does not exist"),
            ("unknown-reference", 10, 51, "names quote 'unsaid', which does not exist"),
        ]
    ]
    assert found[0].hint == "templates live in templates/<name>/brief.md.j2"
    assert found[2].hint == "add actor 'atlantis' or correct the id"
