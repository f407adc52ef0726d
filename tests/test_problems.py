"""Problems on the terminal and in CI: no field can forge a workflow command or a terminal
sequence, whatever a file name or a source's text holds (issue 10 §3, §9)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import build_project
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefwright import cli
from briefwright.problems import Problem, format_problems, visible, visible_except_lines

FORGED = "content/claims/x\n::add-mask::FORGED\nz.yaml"
# Anything, with the characters that matter here made likely.
NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(":,%\r\n\x1b\x07\x9b\u202e\u2066\u2028 ")), st.characters()
    ),
    max_size=40,
)
# What GitHub's runner treats as a line break (it splits the log on these).
LINE_BREAKS = re.compile("[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")


def _decode(value: str) -> str:
    return unquote(value)  # %25, %0D, %0A, %3A, %2C are plain percent-encoding


@settings(derandomize=True, max_examples=300, deadline=None)
@given(path=NASTY, message=NASTY, hint=st.none() | NASTY, code=NASTY)
@example(path=FORGED, message="m", hint=None, code="c")
@example(path="a,title=x::y", message="%0A::warning::", hint="h\r\n::error::", code="a:b,c")
def test_a_github_annotation_is_one_command_whatever_the_fields(path, message, hint, code):
    line = Problem(path, 3, 4, code, "error", message, hint=hint).github()
    assert not LINE_BREAKS.search(line)
    head, sep, data = line[len("::error ") :].partition("::")
    assert line.startswith("::error ") and sep
    props = dict(item.split("=", 1) for item in head.split(","))
    assert list(props) == ["file", "line", "col", "title"]
    # Nothing lost: the properties decode to the fields (control characters shown).
    assert _decode(props["file"]) == visible_except_lines(path)
    assert _decode(props["title"]) == visible_except_lines(code)
    assert (props["line"], props["col"]) == ("3", "4")
    assert "\x1b" not in data and "\u202e" not in data


def test_the_forged_file_name_stays_in_its_property():
    line = Problem(FORGED, 1, 1, "quote-not-found", "error", "x").github()
    assert line == (
        "::error file=content/claims/x%0A%3A%3Aadd-mask%3A%3AFORGED%0Az.yaml,"
        "line=1,col=1,title=quote-not-found::x"
    )
    assert format_problems([Problem(FORGED, 1, 1, "c", "error", "x")], "github").count("\n") == 0


@settings(derandomize=True, max_examples=300, deadline=None)
@given(path=NASTY, message=NASTY, hint=st.none() | NASTY)
def test_text_output_shows_control_and_bidi_characters_as_escapes(path, message, hint):
    text = Problem(path, 1, 1, "code", "warning", message, hint=hint).text()
    lines = text.split("\n")
    assert len(lines) == (2 if hint else 1)  # a newline in a field cannot fake a problem
    shown = text.replace("\n", "")
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]", shown)


def test_visible_names_each_character():
    assert visible("a\x1b[2Jb\u202ec\td") == "a\\x1b[2Jb\\u202ec\\x09d"
    assert visible("plain “text” — ok") == "plain “text” — ok"


def test_terminal_sequences_in_a_source_do_not_reach_the_terminal(tmp_path: Path, capsys):
    root = build_project(tmp_path / "p")
    text = root / "content" / "sources" / "alpha-2020.txt"
    hostile = text.read_text().replace(
        "Officials said the talks", "Officials \x1b]0;pwned\x07\x1b[2J\u202esaid the talks"
    )
    text.write_bytes(hostile.encode())
    meta = root / "content" / "sources" / "alpha-2020.yaml"
    digest = hashlib.sha256(hostile.encode()).hexdigest()
    meta.write_text(re.sub(r"sha256: \S+", f"sha256: {digest}", meta.read_text()))
    claims = root / "content" / "claims" / "main.yaml"
    claims.write_text(
        claims.read_text().replace(
            "quote: the talks had lasted twenty-one months",
            "quote: Officials said the talks had lasted twenty-two months",
        )
    )
    assert cli.main(["-C", str(root), "check"]) == 1
    out = capsys.readouterr().out
    assert "quote-not-found" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert r"\x1b]0;pwned\x07\x1b[2J\u202esaid" in out


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_one_problem_is_one_line_in_ci(fmt: str):
    out = format_problems([Problem("a\nb.yaml", 1, 1, "c", "error", "m\nn")], fmt)
    assert out.splitlines()[0].count("c") >= 1 and "b.yaml" in out.splitlines()[0]
