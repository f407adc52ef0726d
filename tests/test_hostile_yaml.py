"""Hostile YAML through the real check: every case is a located error (or reads as plain
text where text is expected), in bounded memory.

Each case writes one file into a copy of the minimal project and runs `pipeline.check`,
exactly what CI runs on a pull request. Memory is measured under tracemalloc, which slows
PyYAML's pure-Python scanner ten times over, so a file of 100 kB or more is instead
checked in a child process that reports the growth of its peak resident memory. How long
each case takes is measured by `bench/hostile.py`, not here: a test only has a generous
watchdog that turns a hang into a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, build_project

from briefwright.config import Project
from briefwright.pipeline import Checked, check
from briefwright.problems import Problem
from briefwright.yamlio import MAX_BYTES

WATCHDOG = 120  # seconds: far beyond any real check, only to turn a hang into a failure
MEMORY_LIMIT = 200_000_000  # bytes, tracemalloc's peak (or the peak RSS's growth)
BIG = 100_000  # files from this size are measured in a child process
CLAIMS = "content/claims/x.yaml"

GOOD = (
    "- id: x-claim\n"
    "  kind: fact\n"
    "  text: The talks lasted 21 months.\n"
    "  cites:\n"
    "    - source: alpha-2020\n"
    "      quote: the talks had lasted twenty-one months\n"
)


def claim(text: str = "The talks lasted 21 months.", para: str = "3", extra: str = "") -> str:
    return (
        f"- id: x-claim\n  kind: fact\n  text: {text}\n  cites:\n    - source: alpha-2020\n"
        f"      quote: the talks had lasted twenty-one months\n      para: {para}\n{extra}"
    )


def _alias_bomb() -> str:
    # A billion laughs: ten levels of lists of nine aliases of the level below.
    lines = ["- id: x\n  text: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"- id: x{i}\n  text: &{cur} [{', '.join(f'*{prev}' for _ in range(9))}]\n")
    return "".join(lines)


@dataclass(frozen=True)
class Case:
    data: bytes
    expected: list[tuple[int, int, str]]  # (line, col, code) of the errors in the file
    message: str = ""  # a fragment the first error's message must contain
    hint: str = ""  # a fragment its hint must contain
    path: str = CLAIMS


CASES: dict[str, Case] = {
    "python-tag": Case(
        b'- id: x\n  text: !!python/object/apply:os.system ["echo"]\n',
        [(2, 9, "yaml-unsafe")],
        "python/object/apply:os.system",
    ),
    "python-tag-on-key": Case(b"- !!python/name:os.system x: 1\n", [(1, 3, "yaml-unsafe")]),
    "local-tag": Case(b"- id: x\n  text: !custom x\n", [(2, 9, "yaml-unsafe")], "'!custom'"),
    "str-tag": Case(b"- id: x\n  text: !!str 1\n", [(2, 9, "yaml-unsafe")]),
    "tag-directive": Case(
        b"%TAG ! tag:yaml.org,2002:python/\n---\n- !object:os.system x\n", [(3, 3, "yaml-unsafe")]
    ),
    "alias-bomb": Case(_alias_bomb().encode(), [(2, 9, "yaml-unsafe")], "anchor '&a'"),
    "alias": Case(b"- id: x\n  text: *a\n", [(2, 9, "yaml-unsafe")], "alias '*a'"),
    "merge-key": Case(b"- <<: {id: x}\n  text: t\n", [(1, 3, "yaml-unsafe")], "merge keys"),
    "duplicate-key": Case(
        GOOD.replace("  kind: fact\n", "  kind: fact\n  id: y-claim\n").encode(),
        [(3, 3, "yaml-duplicate-key")],
        "first at line 1, column 3",
    ),
    "duplicate-nested-key": Case(
        GOOD.replace("      quote:", "      source: beta-2019\n      quote:").encode(),
        [(6, 7, "yaml-duplicate-key")],
        "duplicate key 'source'",
    ),
    "para-sexagesimal": Case(claim(para="1:30").encode(), [(7, 13, "invalid-field")], "'1:30'"),
    # YAML 1.1 would read 0777 as octal 511; we read digits as the number they spell.
    "para-leading-zero": Case(claim(para="0777").encode(), [(7, 13, "bad-locator")], "¶ 777"),
    "para-hex": Case(claim(para="0x10").encode(), [(7, 13, "invalid-field")], "'0x10'"),
    "text-null": Case(claim(text="~").encode(), [(3, 9, "invalid-field")], "valid string"),
    "tab-indent": Case(b"- id: x\n\tkind: fact\n", [(2, 1, "yaml-syntax")], "'\\t'", "tab"),
    "tab-in-value": Case(
        GOOD.replace("The talks", "The\ttalks").encode(), [(3, 12, "yaml-syntax")], "'\\t'"
    ),
    "bom-then-duplicate": Case(
        b"\xef\xbb\xbf- id: x\n  kind: fact\n  kind: x\n", [(3, 3, "yaml-duplicate-key")]
    ),
    "nul-byte": Case(
        GOOD.encode().replace(b"lasted 21", b"lasted\x0021"), [(3, 25, "yaml-syntax")], "NUL byte"
    ),
    "invalid-utf8": Case(
        GOOD.encode().replace(b"lasted 21", b"lasted \xff21"),
        [(3, 26, "yaml-syntax")],
        "not valid UTF-8 (byte 0xff)",
        "UTF-8",
    ),
    "utf16": Case(GOOD.encode("utf-16"), [(1, 1, "yaml-syntax")], "not valid UTF-8"),
    "latin1": Case(
        GOOD.replace("The talks", "Thé talks").encode("latin-1"),
        [(3, 11, "yaml-syntax")],
        "byte 0xe9",
    ),
    "empty": Case(b"", [(1, 1, "yaml-syntax")], "empty"),
    "only-comments": Case(b"# nothing here\n", [(1, 1, "yaml-syntax")], "empty"),
    "only-whitespace": Case(b"\n   \n\n", [(1, 1, "yaml-syntax")], "empty"),
    "several-documents": Case(
        (GOOD + "---\n" + GOOD).encode(),
        [(7, 1, "yaml-unsafe")],
        "several YAML documents",
        "one document per file",
    ),
    "top-level-scalar": Case(b"just a string\n", [(1, 1, "invalid-field")], "expected a list"),
    "top-level-null": Case(b"~\n", [(1, 1, "invalid-field")], "expected a list"),
    "top-level-mapping": Case(b"id: x\n", [(1, 1, "invalid-field")], "expected a list"),
    "list-of-scalars": Case(b"- a\n", [(1, 3, "invalid-field")], "valid dictionary"),
    "complex-key": Case(b"- ? [a, b]\n  : x\n", [(1, 5, "yaml-syntax")], "plain text"),
    "unclosed-flow": Case(b"- {id: x, text: [unclosed\n", [(2, 1, "yaml-syntax")]),
    "typo-cite": Case(
        GOOD.replace("cites:", "cite:").encode(),
        [(4, 3, "invalid-field")],
        "unknown key 'cite'",
        "did you mean 'cites'?",
    ),
    "typo-in-citation": Case(
        GOOD.replace("quote:", "qoute:").encode(),
        [(5, 7, "invalid-field"), (6, 7, "invalid-field")],
        "missing required key 'quote'",
        "did you mean 'quote'?",
    ),
    "typo-sections": Case(
        (Path(__file__).parent / "projects/minimal/briefings/brief.yaml")
        .read_bytes()
        .replace(b"sections:", b"section:"),
        [(1, 1, "invalid-field"), (5, 1, "invalid-field")],
        "missing required key 'sections'",
        path="briefings/brief.yaml",
    ),
    "typo-source-title": Case(
        (Path(__file__).parent / "projects/minimal/content/sources/alpha-2020.yaml")
        .read_bytes()
        .replace(b"title:", b"titel:"),
        [(3, 1, "invalid-field")],
        "unknown key 'titel'",
        "did you mean 'title'?",
        path="content/sources/alpha-2020.yaml",
    ),
    "control-character": Case(
        GOOD.encode().replace(b"lasted 21", b"lasted \x1b[2J21"), [(3, 26, "yaml-syntax")], "U+001B"
    ),
    "line-separator": Case(
        GOOD.replace("The talks", "The\u2028talks").encode(), [(3, 12, "yaml-syntax")], "U+2028"
    ),
    "next-line": Case(
        GOOD.replace("The talks", "The\x85talks").encode(), [(3, 12, "yaml-syntax")], "U+0085"
    ),
    "deep-flow": Case(
        ("- id: x\n  text: " + "[" * 200 + "]" * 200 + "\n").encode(),
        [(2, 58, "yaml-unsafe")],
        "nesting deeper than 50",
    ),
    "deep-block": Case(
        ("- id: x\n  text:\n" + "".join("  " * (i + 2) + "- \n" for i in range(100))).encode(),
        [(52, 103, "yaml-unsafe")],
        "nesting deeper than 50",
    ),
    # Refused while scanning, not after a full parse (issue 10 §7: 240 kB of '[' took
    # minutes in the pure-Python scanner, which a tab elsewhere in the file forces).
    "deep-flow-240kb": Case(
        ("- id: x\n  text: " + "[" * 240_000 + "\n").encode(),
        [(2, 58, "yaml-unsafe")],
        "nesting deeper than 50",
        "unclosed",
    ),
    "deep-flow-240kb-after-a-tab": Case(
        ('- id: x\n  note: "a\tb"\n  text: ' + "[" * 240_000 + "\n").encode(),
        [(3, 58, "yaml-unsafe")],
        "nesting deeper than 50",
    ),
    "deep-mapping-240kb": Case(
        ("- id: x\n  text: " + "{a: " * 60_000 + "\n").encode(),
        [(2, 205, "yaml-unsafe")],
        "nesting deeper than 50",
    ),
    "deep-block-one-line": Case(
        ("- id: x\n  text:\n    " + "- " * 120_000 + "x\n").encode(),
        [(3, 103, "yaml-unsafe")],
        "nesting deeper than 50",
    ),
    "long-value-under-cap": Case(
        ("- id: x\n  text: " + "a" * (MAX_BYTES - 100) + "\n").encode(),
        [(2, 9, "invalid-field")],
        "at most 5000 characters",
    ),
    "long-key-under-cap": Case(
        ("- " + "k" * (MAX_BYTES - 100) + ": 1\n").encode(),
        [(1, MAX_BYTES - 97, "yaml-syntax")],
        "mapping values are not allowed",
    ),
    # Any problem sends the whole file to PyYAML's pure-Python parser, which reads small
    # items at about 0.1 MB a second: a file under the cap, dense with items, then one error.
    "dense-then-duplicate": Case(
        ("- {a: b}\n" * ((MAX_BYTES - 100) // 9) + "- a: 1\n  a: 2\n").encode(),
        [((MAX_BYTES - 100) // 9 + 2, 3, "yaml-duplicate-key")],
    ),
    "dense-then-syntax-error": Case(
        ("- {a: b}\n" * ((MAX_BYTES - 100) // 9) + "- [unclosed\n").encode(),
        [((MAX_BYTES - 100) // 9 + 2, 1, "yaml-syntax")],
    ),
    "file-over-cap": Case(
        ("- id: x\n  text: " + "a" * (MAX_BYTES + 10) + "\n").encode(),
        [(1, 1, "yaml-syntax")],
        f"the limit is {MAX_BYTES}",
        "split",
    ),
}

# Cases the loader once got wrong (now fixed); kept as a hook for future known gaps.
XFAIL: dict[str, str] = {}


def _problems_in(checked: Checked, path: str) -> list[Problem]:
    return [p for p in checked.problems if p.path == path and p.level == "error"]


def run_bounded(root: Path) -> Checked:
    """The check, asserting it stays within the memory bound."""
    checked = check(Project.at(root))
    tracemalloc.start()
    try:
        check(Project.at(root))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"check peaked at {peak / 1e6:.0f} MB"
    return checked


CHILD = """
import json, resource, sys
from briefwright.config import Project
from briefwright.pipeline import check
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
problems = check(Project.at(sys.argv[1])).problems
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
print(json.dumps({"bytes": grown, "problems": [
    [p.path, p.line, p.col, p.code, p.level, p.message, p.id, p.hint] for p in problems]}))
"""


def run_bounded_big(root: Path) -> list[Problem]:
    """The check of a project with a file of megabytes, in a child process."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(root)],
            capture_output=True,
            text=True,
            timeout=WATCHDOG,
            cwd=ROOT,
            env=dict(os.environ),
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"check did not finish within {WATCHDOG} s: a hang")
    result = json.loads(done.stdout)
    assert result["bytes"] < MEMORY_LIMIT, f"check grew by {result['bytes'] / 1e6:.0f} MB"
    return [Problem(*row) for row in result["problems"]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    # A copy per test (a few milliseconds): a case's file, or a link a test makes, can
    # never reach another case, whatever the order and however a case ends.
    return build_project(tmp_path / "p")


@pytest.fixture
def write(project: Path):
    """Write one file into this test's project."""

    def put(rel: str, data: bytes) -> Path:
        path = project / rel
        path.write_bytes(data)
        return path

    return put


def test_the_project_is_clean(project: Path) -> None:
    assert [p.text() for p in check(Project.at(project)).problems if p.level == "error"] == []


def _marks(name: str) -> list[pytest.MarkDecorator]:
    marks = [pytest.mark.xfail(reason=XFAIL[name], strict=True)] if name in XFAIL else []
    return marks + ([pytest.mark.slow] if len(CASES[name].data) >= BIG else [])


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n)) for n in CASES])
def test_hostile_yaml_is_a_located_error(name: str, project: Path, write) -> None:
    case = CASES[name]
    write(case.path, case.data)
    if len(case.data) >= BIG:
        problems = run_bounded_big(project)
    else:
        checked = run_bounded(project)
        problems = checked.problems
        # The rest of the project is still read: one broken file does not hide the others.
        assert {"alpha-2020", "beta-2019"} <= set(checked.content.sources) or (
            case.path.startswith("content/sources/")
        )
    found = [p for p in problems if p.path == case.path and p.level == "error"]
    assert [(p.line, p.col, p.code) for p in found] == case.expected, [p.text() for p in found]
    assert case.message in found[0].message
    assert any(case.hint in (p.hint or "") for p in found)


@pytest.mark.parametrize(
    "value",
    [
        "NO",
        "no",
        "yes",
        "on",
        "off",
        "true",
        "0777",
        "0o17",
        "0x1F",
        "1:30",
        "12_000",
        "1e3",
        ".inf",
        ".nan",
        "2021-11-02",
        "'~'",
        '"null"',
        "2021-11-02T10:00:00Z",
    ],
)
def test_yaml_11_values_stay_text(value: str, project: Path, write) -> None:
    write(CLAIMS, claim(text=value).encode())
    checked = run_bounded(project)
    assert _problems_in(checked, CLAIMS) == []
    expected = value.strip("'\"")
    assert checked.content.claims["x-claim"].text == expected


def test_bom_and_crlf_are_read_with_right_locations(project: Path, write) -> None:
    data = "\ufeff" + claim(text="NO", para="9").replace("\n", "\r\n")
    write(CLAIMS, data.encode())
    checked = run_bounded(project)
    [problem] = _problems_in(checked, CLAIMS)
    assert (problem.line, problem.col, problem.code) == (7, 13, "bad-locator")
    assert checked.content.claims["x-claim"].text == "NO"


@pytest.mark.slow
def test_many_small_items_stay_in_bounds(project: Path, write) -> None:
    # Minimal claims (each an error) up to the size limit.
    item = "- id: c{:06d}\n  text: t\n"
    count = (MAX_BYTES - 100) // len(item.format(0))
    write(CLAIMS, "".join(item.format(i) for i in range(count)).encode())
    found = [p for p in run_bounded_big(project) if p.path == CLAIMS]
    assert len(found) == count
    assert {p.code for p in found} == {"uncited-claim"}


def test_symlinked_content_file_is_read_only_inside_the_project(
    project: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("- id: leaked-secret-value\n  text: t\n")
    link = project / "content" / "claims" / "link.yaml"
    link.symlink_to(secret)
    checked = check(Project.at(project))
    found = _problems_in(checked, "content/claims/link.yaml")
    assert [(p.line, p.col, p.code) for p in found] == [(1, 1, "yaml-unsafe")]
    assert "leaked" not in " ".join(p.text() for p in checked.problems)
