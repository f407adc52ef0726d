"""Scaffolding: `source add` archives a text; `new claim|quote|brief` writes skeletons."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from briefwright.cli import main
from briefwright.config import Project
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.problems import BriefwrightError
from briefwright.scaffold import new_item, parse_authors

GAMMA = "Gamma Daily\n\nThe minister said on Monday that talks would resume in May.\n"


@pytest.fixture
def gamma(tmp_path: Path) -> Path:
    path = tmp_path / "download" / "gamma.txt"
    path.parent.mkdir()
    path.write_bytes(GAMMA.encode("utf-8"))
    return path


def codes(root: Path) -> list[tuple[str, str | None]]:
    return [(p.code, p.id) for p in check(Project.at(root)).problems]


def test_source_add_archives_the_text_and_writes_the_yaml(make_project, gamma, capsys) -> None:
    root = make_project()
    assert (
        main(
            [
                "-C",
                str(root),
                "source",
                "add",
                str(gamma),
                "--id",
                "gamma-2021",
                "--title",
                "Talks to resume",
                "--authors",
                "Smith, Jane; Reuters",
                "--issued",
                "2021-04",
                "--kind",
                "article",
            ]
        )
        == 0
    )
    sha = hashlib.sha256(GAMMA.encode()).hexdigest()
    assert capsys.readouterr().out.splitlines() == [
        "created source 'gamma-2021': content/sources/gamma-2021.txt (2 paragraphs, sha256 "
        f"{sha[:12]}…), content/sources/gamma-2021.yaml",
        "  unknown: container, url — add them to content/sources/gamma-2021.yaml when known "
        "(and take them out of 'unknown')",
    ]
    sources = root / "content" / "sources"
    assert (sources / "gamma-2021.txt").read_bytes() == gamma.read_bytes()
    assert (sources / "gamma-2021.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=../../schemas/source.schema.json\n"
        "id: gamma-2021\n"
        'title: "Talks to resume"\n'
        "authors:\n"
        '  - {family: "Smith", given: "Jane"}\n'
        '  - {literal: "Reuters"}\n'
        'issued: "2021-04"\n'
        "kind: article\n"
        "text: gamma-2021.txt\n"
        f"sha256: {sha}\n"
        "unknown: [container, url]\n"
    )
    # It loads, and the only thing the check says is that nothing cites it yet.
    assert codes(root) == [("unused-source", "gamma-2021")]


def test_source_add_with_no_metadata_lists_it_all_as_unknown(make_project, gamma) -> None:
    root = make_project()
    assert main(["-C", str(root), "source", "add", str(gamma), "--id", "gamma-2021"]) == 0
    content, problems = load_project(Project.at(root))
    assert problems == []
    source = content.sources["gamma-2021"]
    assert source.unknown == ("title", "container", "authors", "issued", "url")
    assert source.kind == "article-newspaper" and source.authors == ()


def test_text_saved_by_hand_first_is_accepted(make_project) -> None:
    root = make_project()
    text = root / "content" / "sources" / "gamma-2021.txt"
    text.write_text(GAMMA, "utf-8")
    assert main(["-C", str(root), "source", "add", str(text), "--id", "gamma-2021"]) == 0
    assert text.read_text("utf-8") == GAMMA
    # No title was given: the check asks for one, or for a description to cite it by.
    assert sorted(codes(root)) == [
        ("missing-description", "gamma-2021"),
        ("unused-source", "gamma-2021"),
    ]


def test_same_text_again_changes_nothing(make_project, gamma, capsys) -> None:
    root = make_project()
    args = ["-C", str(root), "source", "add", str(gamma), "--id", "gamma-2021"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 0
    assert capsys.readouterr().out == (
        "source 'gamma-2021' is already archived with this text; nothing changed\n"
    )


def test_a_different_text_is_refused_without_force(make_project, tmp_path, capsys) -> None:
    root = make_project()
    other = tmp_path / "other.txt"
    other.write_text("Something else.\n", "utf-8")
    before = (root / "content" / "sources" / "alpha-2020.txt").read_bytes()
    assert main(["-C", str(root), "source", "add", str(other), "--id", "alpha-2020"]) == 1
    assert capsys.readouterr().err == (
        "briefwright: source 'alpha-2020' already exists (content/sources/alpha-2020.yaml) with "
        "a different archived text; archived texts are never edited. To re-archive it "
        "deliberately, pass --force (every quote relying on it is then re-checked)\n"
    )
    assert (root / "content" / "sources" / "alpha-2020.txt").read_bytes() == before


def test_forced_re_archive_reports_the_quotes_that_no_longer_match(
    make_project, tmp_path, capsys
) -> None:
    root = make_project()
    old = (root / "content" / "sources" / "alpha-2020.txt").read_text("utf-8")
    corrected = tmp_path / "alpha-corrected.txt"
    # A correction notice at the top moves every paragraph down by one; the author's
    # words in the last paragraph were corrected.
    corrected.write_text(
        "Correction: an earlier version misquoted the author.\n\n"
        + old.replace("will not settle", "cannot settle"),
        "utf-8",
    )
    assert (
        main(["-C", str(root), "source", "add", str(corrected), "--id", "alpha-2020", "--force"])
        == 1
    )
    assert capsys.readouterr().out.splitlines() == [
        "re-archived source 'alpha-2020': content/sources/alpha-2020.txt (5 paragraphs, sha256 "
        f"{hashlib.sha256(corrected.read_bytes()).hexdigest()[:12]}…), "
        "content/sources/alpha-2020.yaml",
        "  4 quotes rely on it; 3 no longer match:",
        "  content/claims/main.yaml:10:14: claim 'fisheries-deal': quote is now in ¶ 3, not ¶ 2",
        "  content/claims/main.yaml:23:14: claim 'no-settlement': quote no longer matches (it "
        "matched the previous text)",
        "  content/quotes/main.yaml:4:9: quote 'author-no-settlement': quote no longer matches "
        "(it matched the previous text)",
        "run 'briefwright check' for the closest passages",
    ]
    yaml_text = (root / "content" / "sources" / "alpha-2020.yaml").read_text("utf-8")
    # The YAML is kept as written (metadata, comment, quoting); the sha256 is the new text's.
    assert "# A small invented source for tests." in yaml_text
    assert "title: Fisheries deal signed" in yaml_text
    assert "  - {family: Author, given: Ann}" in yaml_text
    found = codes(root)
    assert ("source-text-changed", "alpha-2020") not in found
    assert ("quote-not-found", "no-settlement") in found
    assert ("bad-locator", "fisheries-deal") in found


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "Gamma_2021"], "source id 'Gamma_2021' is not kebab-case"),
        (
            ["--id", "gamma-2021", "--issued", "2021-13"],
            "source 'gamma-2021' was not written: --issued: month 13 is not 1–12 (got '2021-13')",
        ),
        (
            ["--id", "gamma-2021", "--url", "ftp://x.org"],
            "--url: must be an http:// or https:// address (got 'ftp://x.org')",
        ),
        (["--id", "gamma-2021", "--kind", "blog"], "--kind: Input should be"),
    ],
)
def test_bad_input_writes_nothing(make_project, gamma, capsys, args, message) -> None:
    root = make_project()
    assert main(["-C", str(root), "source", "add", str(gamma), *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list((root / "content" / "sources").glob("gamma*"))


def test_missing_and_non_utf8_files(make_project, tmp_path, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "source", "add", str(tmp_path / "nope.txt"), "--id", "x"]) == 1
    assert "no file" in capsys.readouterr().err
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café\n".encode("latin-1"))
    assert main(["-C", str(root), "source", "add", str(latin), "--id", "x"]) == 1
    assert "is not UTF-8 text (byte 3)" in capsys.readouterr().err


def test_parse_authors() -> None:
    assert parse_authors("Brown, James D.J.; Nikkei Asia ;  ; Kim,") == [
        {"family": "Brown", "given": "James D.J."},
        {"literal": "Nikkei Asia"},
        {"family": "Kim"},
    ]
    with pytest.raises(BriefwrightError):
        parse_authors(", Given")


# --- skeletons -----------------------------------------------------------------------


def test_new_claim_creates_a_file_that_loads_and_the_check_reports_it(make_project, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "new", "claim", "gamma", "--source", "alpha-2020"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "wrote content/claims/gamma.yaml: claim 'todo-claim'"
    assert out[2].startswith(
        "  content/claims/gamma.yaml:11:14: [quote-not-found] claim 'todo-claim': quote not "
        "found in source 'alpha-2020'"
    )
    text = (root / "content" / "claims" / "gamma.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/claims.schema.json\n")
    assert "TODO" in text
    _, problems = load_project(Project.at(root))
    assert problems == []


def test_new_items_append_with_fresh_ids(make_project) -> None:
    root = make_project()
    project = Project.at(root)
    path = root / "content" / "claims" / "main.yaml"
    before = path.read_text("utf-8")
    first = new_item(project, "claim", "main")
    second = new_item(project, "claim", "main")
    judgment = new_item(project, "claim", "main", kind="judgment")
    assert (first.id, second.id, judgment.id) == ("todo-claim", "todo-claim-2", "todo-judgment")
    assert not first.created
    assert path.read_text("utf-8").startswith(before + "\n- id: todo-claim ")
    content, problems = load_project(project)
    assert problems == []
    assert content.claims["todo-judgment"].kind == "judgment"
    found = codes(root)
    assert ("unknown-source", "todo-claim") in found
    assert ("unknown-claim", "todo-judgment") in found


def test_new_quote_and_brief(make_project) -> None:
    root = make_project()
    project = Project.at(root)
    quote = new_item(project, "quote", "main", item_id="minister-says", source="alpha-2020")
    assert quote.path == "content/quotes/main.yaml" and quote.id == "minister-says"
    brief = new_item(project, "brief", "second", today=dt.date(2022, 3, 14))
    assert brief.path == "briefings/second.yaml" and brief.created
    content, problems = load_project(project)
    assert problems == []
    assert str(content.briefings["second"].as_of) == "2022-03"
    found = codes(root)
    assert ("quote-not-found", "minister-says") in found
    unknown = [p.message for p in check(project).problems if p.path == "briefings/second.yaml"]
    assert [m.split(" (did you mean")[0] for m in unknown] == [
        "brief 'second' names claim 'todo-judgment-id', which does not exist",
        "brief 'second' names claim 'todo-claim-id', which does not exist",
    ]


def test_new_refuses_what_would_break_or_overwrite(make_project, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "new", "brief", "brief"]) == 1
    assert "briefings/brief.yaml already exists" in capsys.readouterr().err
    assert main(["-C", str(root), "new", "claim", "main", "--id", "talks-length"]) == 1
    assert "id 'talks-length' is already used" in capsys.readouterr().err
    assert main(["-C", str(root), "new", "claim", "Main"]) == 1
    assert "name 'Main' is not kebab-case" in capsys.readouterr().err
    flow = root / "content" / "claims" / "flow.yaml"
    flow.write_text("[]\n", "utf-8")
    assert main(["-C", str(root), "new", "claim", "flow"]) == 1
    assert "content/claims/flow.yaml was left unchanged" in capsys.readouterr().err
    assert flow.read_text("utf-8") == "[]\n"
