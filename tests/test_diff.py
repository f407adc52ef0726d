"""`briefwright diff`: claim-level changes between two real git revisions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pypandoc
import pytest
from conftest import GIT_ENV, build_project, own_template
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefwright.cli import main
from briefwright.config import Project
from briefwright.diff import code, diff_revisions, md
from briefwright.problems import visible


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **GIT_ENV},
        check=True,
    )
    return result.stdout.strip()


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


NEW_CLAIM = """- id: officials-quoted
  kind: fact
  text: Officials said the talks had lasted almost two years.
  cites:
    - source: alpha-2020
      quote: Officials said the talks had lasted twenty-one months.
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two commits: the minimal project, then a change to its claims."""
    root = build_project(tmp_path / "repo")
    own_template(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "minimal project")
    claims = root / "content" / "claims" / "main.yaml"
    # Change a claim's text, remove one (and its uses), add one.
    replace(
        claims, "text: The talks lasted 21 months.", "text: The talks lasted twenty-one months."
    )
    text = claims.read_text("utf-8")
    start = text.index("- id: scrambles")
    end = text.index("- id: ties-deepen")
    claims.write_text(text[:start] + text[end:] + NEW_CLAIM, "utf-8")
    replace(
        root / "content" / "positions" / "japan.yaml",
        "  - label: Air defence\n    claims: [scrambles]\n",
        "",
    )
    git(root, "commit", "-q", "-am", "edit claims")
    return root


def test_markdown_between_two_commits(repo: Path, capsys) -> None:
    base = git(repo, "rev-parse", "HEAD~1")
    head = git(repo, "rev-parse", "HEAD")
    assert main(["-C", str(repo), "diff", "HEAD~1", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"## Content changes: `HEAD~1` ({base[:7]}) → `HEAD` ({head[:7]})",
        "",
        "claims: 1 added, 1 changed, 1 removed; positions: 1 changed.",
        "Briefs affected: `brief`.",
        "",
        "### Claims",
        "",
        "- **added** `officials-quoted` (fact) — affects no brief",
        "  - text: Officials said the talks had lasted almost two years.",
        "  - cites `alpha-2020`: “Officials said the talks had lasted twenty-one months.”",
        "- **removed** `scrambles` (fact) — affects `brief`",
        "  - text was: Japan scrambled jets 390 times in 2019.",
        "- **changed** `talks-length` (fact) — text — affects `brief`",
        "  - text before: The talks lasted 21 months.",
        "  - text after: The talks lasted twenty-one months.",
        "",
        "### Positions",
        "",
        "- **changed** `japan` — points — affects `brief`",
        "  - point removed: Air defence (`scrambles`)",
    ]


def test_head_defaults_to_the_working_tree(repo: Path, capsys) -> None:
    replace(
        repo / "content" / "sources" / "alpha-2020.yaml",
        "title: Fisheries deal signed",
        "title: Fisheries deal signed at last",
    )
    assert main(["-C", str(repo), "diff", "HEAD"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("→ working tree")
    assert lines[2:] == [
        "sources: 1 changed.",
        "Briefs affected: `brief`.",
        "",
        "### Sources",
        "",
        "- **changed** `alpha-2020` — title — affects `brief`",
        "  - title: Fisheries deal signed → Fisheries deal signed at last",
    ]


def test_no_changes(repo: Path, capsys) -> None:
    assert main(["-C", str(repo), "diff", "HEAD", "HEAD"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == (
        "No changes to claims, quotes, sources, options, positions, actors, briefs or templates."
    )


def test_json(repo: Path, capsys) -> None:
    assert main(["-C", str(repo), "diff", "HEAD~1", "HEAD", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["briefs_affected"] == ["brief"]
    assert data["base"]["label"] == "HEAD~1" and len(data["base"]["commit"]) == 40
    summary = [(c["kind"], c["id"], c["status"], c["fields"], c["briefs"]) for c in data["changes"]]
    assert summary == [
        ("claim", "officials-quoted", "added", [], []),
        ("claim", "scrambles", "removed", [], ["brief"]),
        ("claim", "talks-length", "changed", ["text"], ["brief"]),
        ("position", "japan", "changed", ["points"], ["brief"]),
    ]
    talks = data["changes"][2]
    assert talks["path"] == "content/claims/main.yaml" and talks["line"] == 12
    assert talks["after"]["text"] == "The talks lasted twenty-one months."


def test_new_dated_claim_reaches_a_brief_through_its_timeline(repo: Path) -> None:
    claims = repo / "content" / "claims" / "main.yaml"
    claims.write_text(
        claims.read_text("utf-8")
        + NEW_CLAIM.replace("officials-quoted", "talks-ended").replace(
            "  kind: fact\n", '  kind: fact\n  date: "2020-03"\n'
        ),
        "utf-8",
    )
    result = diff_revisions(Project.at(repo), "HEAD")
    (change,) = result.changes
    assert (change.id, change.status, change.briefs) == ("talks-ended", "added", ("brief",))


def test_a_source_text_and_template_change_name_the_briefs(repo: Path) -> None:
    text = repo / "content" / "sources" / "beta-2019.txt"
    text.write_text(text.read_text("utf-8") + "\nA new paragraph.\n", "utf-8")
    css = next((repo / "templates").glob("*/brief.css"))
    css.write_text(css.read_text("utf-8") + "\n/* changed */\n", "utf-8")
    result = diff_revisions(Project.at(repo), "HEAD")
    summary = [(c.kind, c.id, c.fields, c.briefs) for c in result.changes]
    assert summary == [
        ("source", "beta-2019", ("archived text",), ("brief",)),
        ("template", css.parent.name, ("files",), ("brief",)),
    ]


def test_project_in_a_subfolder_of_the_repository(tmp_path: Path, capsys) -> None:
    top = tmp_path / "top"
    root = build_project(top / "briefs")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "one")
    replace(
        root / "content" / "claims" / "main.yaml",
        "The talks lasted 21 months.",
        "The talks lasted 21 long months.",
    )
    assert main(["-C", str(root), "diff", "HEAD"]) == 0
    assert "- **changed** `talks-length` (fact) — text — affects `brief`" in (
        capsys.readouterr().out
    )


def test_user_mistakes_are_messages(repo: Path, tmp_path: Path, capsys) -> None:
    assert main(["-C", str(repo), "diff", "no-such-branch"]) == 1
    assert "unknown revision 'no-such-branch'" in capsys.readouterr().err
    assert main(["-C", str(repo), "diff", "--", "--output=x"]) == 1
    assert "is not a revision" in capsys.readouterr().err
    outside = build_project(tmp_path / "outside")
    assert main(["-C", str(outside), "diff", "HEAD"]) == 1
    assert "is not in a git repository" in capsys.readouterr().err


def test_symlinks_in_a_revision_are_not_followed(repo: Path) -> None:
    (repo / "content" / "claims" / "link.yaml").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "symlink")
    result = diff_revisions(Project.at(repo), "HEAD~1", "HEAD")
    assert result.changes == () and result.head.load_errors == 0


def test_content_is_inert_markdown() -> None:
    assert md("![x](http://e.org/a.png) <img src=x> @user **b** &lt;") == (
        "\\!\\[x\\]\\(http:\u2060//e.org/a.png\\) \\<img src=x\\> "
        "\\@\u2060user \\*\\*b\\*\\* \\&lt;"
    )
    assert code("a`b") == "``a`b``"
    # The diff is read on terminals too: no escape sequence or bidi override gets through.
    assert md("a\x1b[2Jb\u202e") == "a\\\\x1b\\[2Jb\\\\u202e"
    assert code("x\x1b") == "`x\\x1b`"
    assert code("``` x") == "```` ``` x ````"


# --- the diff read back as GitHub would -----------------------------------------------

HOSTILE_TEXT = (
    "See https://evil.example/x and www.evil.example, mail a@b.example, ping @octocat "
    "and #12, <img src=x onerror=alert(1)> ![i](http://e.org/i.png) [l](javascript:x) "
    "<https://e.org> &lt;b&gt; `code` ``` fence, $x^2$ and $$\\int y$$ math, :smile: :+1:"
)
HOSTILE_NAME = "x` <img src=y> [l](javascript:alert(1)) @octocat ``` www.e.org `"


def _gfm_inlines(markdown: str) -> list[dict]:
    """Every inline element pandoc's gfm reader finds, flattened."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "t" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    github = "gfm+tex_math_gfm+tex_math_dollars"  # GitHub renders $math$ too
    walk(json.loads(pypandoc.convert_text(markdown, "json", format=github))["blocks"])
    return found


def assert_inert(markdown: str) -> None:
    nodes = _gfm_inlines(markdown)
    kinds = {n["t"] for n in nodes}
    assert not kinds & {"Link", "Image", "RawInline", "RawBlock", "Math"}, kinds
    # gfm's emoji codes come back as spans of class "emoji".
    assert not [n for n in nodes if n["t"] == "Span" and "emoji" in n["c"][0][1]], nodes
    # Text outside code spans: GitHub links mentions, issue numbers, URLs and www. names
    # in rendered text, which pandoc does not; none of them may be left whole.
    text = " ".join(n["c"] for n in nodes if n["t"] == "Str")
    assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", text), text
    assert not re.search(r"(?<!\w)#\d", text) and "://" not in text, text
    assert not re.search(r"(?<![\w])www\.", text, re.I), text


def test_diff_markdown_is_inert_for_github(repo: Path, capsys) -> None:
    claims = repo / "content" / "claims" / "main.yaml"
    replace(
        claims, "text: The talks lasted twenty-one months.", f"text: {json.dumps(HOSTILE_TEXT)}"
    )
    claims.write_text(
        claims.read_text("utf-8")
        + NEW_CLAIM.replace("officials-quoted", "hostile-new").replace(
            "Officials said the talks had lasted almost two years.", json.dumps(HOSTILE_TEXT)
        ),
        "utf-8",
    )
    folder = repo / "templates" / HOSTILE_NAME
    folder.mkdir()
    (folder / "brief.md.j2").write_text("# x\n")
    (folder / f"{HOSTILE_NAME}.css").write_text("x")
    template = next(p for p in (repo / "templates").iterdir() if p.name == "policy-brief")
    (template / f"{HOSTILE_NAME}.css").write_text("x")
    assert main(["-C", str(repo), "diff", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "hostile-new" in out and "img src" in out
    assert_inert(out)
    # The names are there, whole, in code spans.
    codes = [n["c"][1] for n in _gfm_inlines(out) if n["t"] == "Code"]
    assert HOSTILE_NAME in codes and f"{HOSTILE_NAME}.css" in codes


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(st.text(max_size=60))
@example(HOSTILE_TEXT)
@example(HOSTILE_NAME)
def test_md_and_code_are_inert_for_any_text(text: str) -> None:
    line = f"- **changed** {code(text)} — text: {md(text)}"
    assert_inert(line)
    codes = [nfc(n["c"][1]) for n in _gfm_inlines(line) if n["t"] == "Code"]
    # pandoc reads text in Unicode normal form C.
    assert codes == [nfc(visible(" ".join(text.split())))] or not text.split()


# --- which briefs a change affects -----------------------------------------------------


def test_a_brief_is_affected_only_if_its_rendering_changes(repo: Path) -> None:
    """Issue 11 §7: a brief that filters out the changed point shows nothing new."""
    (repo / "briefings" / "fisheries-only.yaml").write_text(
        'title: Fisheries only\nas_of: "2020-12"\naudience: Test readers\nsections:\n'
        "  - {type: positions, actors: [japan], points: [Fisheries]}\n",
        "utf-8",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a brief showing one point")
    positions = repo / "content" / "positions" / "japan.yaml"
    positions.write_text(
        positions.read_text("utf-8") + "  - label: Talks\n    claims: [talks-length]\n", "utf-8"
    )
    (change,) = diff_revisions(Project.at(repo), "HEAD").changes
    assert (change.kind, change.id, change.briefs) == ("position", "japan", ("brief",))

    # Changing the point it does show affects it too.
    replace(positions, "label: Fisheries", "label: Fisheries deal")
    replace(repo / "briefings" / "fisheries-only.yaml", "[Fisheries]", "[Fisheries deal]")
    result = diff_revisions(Project.at(repo), "HEAD")
    assert result.briefs == ("brief", "fisheries-only")


def test_a_css_change_affects_the_briefs_of_its_template(repo: Path) -> None:
    css = repo / "templates" / "policy-brief" / "brief.css"
    css.write_text(css.read_text("utf-8") + "\n/* wider */\n", "utf-8")
    (change,) = diff_revisions(Project.at(repo), "HEAD").changes
    assert change.briefs == ("brief",)


def test_a_template_edit_that_prints_the_same_affects_no_brief(repo: Path) -> None:
    template = repo / "templates" / "policy-brief" / "brief.md.j2"
    template.write_text(template.read_text("utf-8") + "{## a comment ##}\n", "utf-8")
    (change,) = diff_revisions(Project.at(repo), "HEAD").changes
    assert (change.kind, change.briefs) == ("template", ())
