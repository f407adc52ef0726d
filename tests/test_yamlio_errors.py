"""Safe YAML: the messages and locations of rarer YAML errors.

What an editor reads when a content file is not the YAML we accept: one problem, at the
line and column of the mistake (1-based, as editors count), with a message naming it and
a hint saying what to do. And what the loader promises about the values it does accept:
plain text stays text, nesting is bounded, and the result (value, locations, messages)
never depends on whether libyaml or PyYAML's pure-Python parser read the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefwright import yamlio
from briefwright.problems import Problem
from briefwright.yamlio import MAX_BYTES, MAX_DEPTH, Document, load_file, parse

Located = tuple[int, int, str, str, str | None]  # line, col, code, message, hint

INDENT = "check the indentation and quoting here"
TAB = "YAML does not allow tab characters for indentation"
ONE_DOC = "keep one document per file (remove the '---' separator)"
NO_ANCHOR = "remove the anchor; anchors and aliases are not accepted in content"
NO_TAG = "remove the tag; briefwright reads every value as plain text, list or mapping"
DUPLICATE = "keep one of the two; YAML would silently drop the first"
CHARACTER = "remove it, or replace it with a space or a line break"
TOO_DEEP = ("yaml-unsafe", f"nesting deeper than {MAX_DEPTH} levels", yamlio.TOO_DEEP_HINT)


def problems_of(text: str) -> list[Located]:
    doc, problems = parse(text, "content/claims/x.yaml")
    assert (doc is None) == bool(problems)  # a document, or the reason there is none
    for p in problems:
        assert (p.path, p.level, p.id) == ("content/claims/x.yaml", "error", None)
    return [(p.line, p.col, p.code, p.message, p.hint) for p in problems]


def value_of(text: str) -> Document:
    doc, problems = parse(text, "x.yaml")
    assert problems == [], [p.text() for p in problems]
    assert doc is not None and doc.path == "x.yaml"
    return doc


# --- syntax and safety errors: where, what, and what to do ----------------------------------

ERRORS: dict[str, tuple[str, Located]] = {
    # PyYAML's own messages: its context and its problem, at the problem's place.
    "unclosed-quote": (
        "a: 'x\n",
        (
            2,
            1,
            "yaml-syntax",
            "while scanning a quoted scalar found unexpected end of stream",
            INDENT,
        ),
    ),
    "unknown-escape": (
        'a: "\\q"\n',
        (
            1,
            6,
            "yaml-syntax",
            "while scanning a double-quoted scalar found unknown escape character 'q'",
            INDENT,
        ),
    ),
    # The problem is at line 3; the context ("while parsing ...") began at line 2.
    "list-then-key": (
        "a:\n  - b\n  c: d\n",
        (
            3,
            3,
            "yaml-syntax",
            "while parsing a block collection expected <block end>, but found '?'",
            INDENT,
        ),
    ),
    "value-after-value": (
        "a: b: c\n",
        (1, 5, "yaml-syntax", "mapping values are not allowed here", INDENT),
    ),
    "reserved-character": (
        "a: @x\n",
        (
            1,
            4,
            "yaml-syntax",
            "while scanning for the next token found character '@' that cannot start any token",
            INDENT,
        ),
    ),
    "tab-indent": (
        "a:\n\tb: 1\n",
        (
            2,
            1,
            "yaml-syntax",
            "while scanning for the next token found character '\\t' that cannot start any token",
            TAB,
        ),
    ),
    # libyaml reads 'x?y' in a flow list as one value; PyYAML does not, and has the last word.
    "question-mark-in-flow": (
        "a: [x?y]\n",
        (
            1,
            6,
            "yaml-syntax",
            "while parsing a flow sequence expected ',' or ']', but got '?'",
            INDENT,
        ),
    ),
    "directive-with-comment": (
        "# c\n%YAML 1.1#\n---\na: 1\n",
        (
            2,
            10,
            "yaml-syntax",
            "while scanning a directive expected a digit or ' ', but found '#'",
            INDENT,
        ),
    ),
    "block-scalar-with-comment": (
        "a: >-#\n  x\n",
        (
            1,
            6,
            "yaml-syntax",
            "while scanning a block scalar expected chomping or indentation indicators, "
            "but found '#'",
            INDENT,
        ),
    ),
    "empty": (
        "",
        (1, 1, "yaml-syntax", "the file is empty", "write the content, or delete the file"),
    ),
    "only-a-comment": (
        "# nothing yet\n",
        (1, 1, "yaml-syntax", "the file is empty", "write the content, or delete the file"),
    ),
    "two-documents": (
        "a: 1\n--- \nb: 2\n",
        (2, 1, "yaml-unsafe", "several YAML documents in one file", ONE_DOC),
    ),
    "ended-then-another": (
        "---\na: 1\n...\n---\nb: 1\n",
        (4, 1, "yaml-unsafe", "several YAML documents in one file", ONE_DOC),
    ),
    "duplicate-key": (
        "a: 1\nb:\n  c: 2\n  c: 3\n",
        (4, 3, "yaml-duplicate-key", "duplicate key 'c' (first at line 3, column 3)", DUPLICATE),
    ),
    "duplicate-key-in-flow": (
        "{a: 1, a: 2}\n",
        (1, 8, "yaml-duplicate-key", "duplicate key 'a' (first at line 1, column 2)", DUPLICATE),
    ),
    "alias": (
        "- *x\n",
        (
            1,
            3,
            "yaml-unsafe",
            "alias '*x' is not allowed",
            "write the value out in full; anchors and aliases are not accepted in content",
        ),
    ),
    "anchor-on-empty-value": (
        "a: &x\n",
        (1, 4, "yaml-unsafe", "anchor '&x' is not allowed", NO_ANCHOR),
    ),
    "anchor-in-flow-list": (
        "[a, [b, ~], null, '', &x y]\n",
        (1, 23, "yaml-unsafe", "anchor '&x' is not allowed", NO_ANCHOR),
    ),
    "tag-on-empty-value": (
        "a: !!str\n",
        (1, 4, "yaml-unsafe", "tag 'tag:yaml.org,2002:str' is not allowed", NO_TAG),
    ),
    "tag-in-flow-list": (
        "a: [x, !!str y]\n",
        (1, 8, "yaml-unsafe", "tag 'tag:yaml.org,2002:str' is not allowed", NO_TAG),
    ),
    "tag-on-list": ("a: !list [1]\n", (1, 4, "yaml-unsafe", "tag '!list' is not allowed", NO_TAG)),
    "tag-on-key": (
        "a: 1\n!!str b: 1\n",
        (
            2,
            1,
            "yaml-unsafe",
            "tag 'tag:yaml.org,2002:str' is not allowed",
            "remove the tag; a key is plain text",
        ),
    ),
    "anchor-on-key": (
        "a: 1\n&k b: 1\n",
        (2, 1, "yaml-unsafe", "anchor '&k' is not allowed", NO_ANCHOR),
    ),
    "merge-key": (
        "a: 1\n<<: {b: 1}\n",
        (
            2,
            1,
            "yaml-unsafe",
            "merge keys ('<<') are not allowed",
            "write the merged keys out in full in this mapping",
        ),
    ),
    "list-as-key": (
        "a: 1\n? [b]\n: 2\n",
        (
            2,
            3,
            "yaml-syntax",
            "a key must be plain text",
            "write the key as plain text before its ':'; a list or mapping cannot be a key",
        ),
    ),
    "mapping-as-key-in-flow": (
        "[{a: 1}: b]\n",
        (
            1,
            2,
            "yaml-syntax",
            "a key must be plain text",
            "write the key as plain text before its ':'; a list or mapping cannot be a key",
        ),
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_a_yaml_mistake_is_one_located_problem_with_a_hint(name: str) -> None:
    text, expected = ERRORS[name]
    assert problems_of(text) == [expected]


def test_a_character_the_reader_refuses_is_a_problem_when_parsed_directly() -> None:
    # load_file refuses such characters first (with their place); parse() alone still
    # returns a problem rather than raising.
    assert problems_of("a: \x01\n") == [
        (
            1,
            1,
            "yaml-syntax",
            "unacceptable character #x0001: special characters are not allowed",
            None,
        )
    ]


# --- bytes that are not YAML text: located by the editor's lines -----------------------------

UNREADABLE: dict[str, tuple[bytes, Located]] = {
    "invalid-utf8-first-byte": (
        b"\xff",
        (1, 1, "yaml-syntax", "not valid UTF-8 (byte 0xff)", "save the file as UTF-8"),
    ),
    "invalid-utf8-line-2": (
        b"a: 1\nb: x\xc3(\n",
        (2, 5, "yaml-syntax", "not valid UTF-8 (byte 0xc3)", "save the file as UTF-8"),
    ),
    "invalid-utf8-after-an-empty-line": (
        b"\na: \xff\n",
        (2, 4, "yaml-syntax", "not valid UTF-8 (byte 0xff)", "save the file as UTF-8"),
    ),
    "nul-first": (
        b"\x00a: 1\n",
        (1, 1, "yaml-syntax", "NUL byte in file", "remove the NUL character"),
    ),
    "nul-after-an-empty-line": (
        b"\na: \x00\n",
        (2, 4, "yaml-syntax", "NUL byte in file", "remove the NUL character"),
    ),
    "two-nuls": (  # the first is reported
        b"a: 1\x00\nb: \x00\n",
        (1, 5, "yaml-syntax", "NUL byte in file", "remove the NUL character"),
    ),
    "delete-character": (
        b"a: 1\nb: \x7f\n",
        (2, 4, "yaml-syntax", "character U+007F is not allowed in YAML", CHARACTER),
    ),
    "control-after-an-empty-line": (
        b"\na: \x01",
        (2, 4, "yaml-syntax", "character U+0001 is not allowed in YAML", CHARACTER),
    ),
    "next-line": (
        "a: x\x85y\n".encode(),
        (1, 5, "yaml-syntax", "character U+0085 is not allowed in YAML", CHARACTER),
    ),
    "paragraph-separator": (
        "a: 1\nb: x\u2029\n".encode(),
        (2, 5, "yaml-syntax", "character U+2029 is not allowed in YAML", CHARACTER),
    ),
    "noncharacter": (
        "a: \ufffe\n".encode(),
        (1, 4, "yaml-syntax", "character U+FFFE is not allowed in YAML", CHARACTER),
    ),
    # The UTF-8 byte order mark is dropped before columns are counted.
    "bom-then-control": (
        b"\xef\xbb\xbfa: \x01\n",
        (1, 4, "yaml-syntax", "character U+0001 is not allowed in YAML", CHARACTER),
    ),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_bytes_that_are_not_yaml_text_are_located(name: str, tmp_path: Path) -> None:
    raw, expected = UNREADABLE[name]
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    doc, problems = load_file(path, "content/claims/x.yaml")
    assert doc is None
    assert [(p.path, p.level) for p in problems] == [("content/claims/x.yaml", "error")]
    assert [(p.line, p.col, p.code, p.message, p.hint) for p in problems] == [expected]


def test_a_byte_order_mark_is_not_part_of_the_first_key(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbfa: 1\nb: 2\n"
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    doc, problems = load_file(path, "x.yaml")
    assert problems == [] and doc is not None
    assert doc.value == {"a": "1", "b": "2"}
    assert doc.key_positions[("a",)] == (1, 1)
    # The fingerprint is of the bytes as read, mark included: what the check saw.
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()


# --- files that cannot be read, or are too large ----------------------------------------------


def test_a_file_at_the_size_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    head = b"a: "
    path.write_bytes(head + b"b" * (MAX_BYTES - len(head) - 1) + b"\n")
    doc, problems = load_file(path, "x.yaml")
    assert problems == [] and doc is not None
    assert len(doc.value["a"]) == MAX_BYTES - 4
    path.write_bytes(head + b"b" * (MAX_BYTES - len(head)) + b"\n")
    doc, problems = load_file(path, "content/big.yaml")
    assert doc is None
    assert problems == [
        Problem(
            "content/big.yaml",
            1,
            1,
            "yaml-syntax",
            "error",
            f"file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES}",
            hint="split the file",
        )
    ]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: None, "No such file or directory"),
        (lambda path: path.mkdir(), "Is a directory"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_problem(tmp_path: Path, make, reason: str) -> None:
    path = tmp_path / "x.yaml"
    make(path)
    doc, problems = load_file(path, "content/x.yaml")
    assert doc is None
    assert problems == [
        Problem("content/x.yaml", 1, 1, "yaml-syntax", "error", f"cannot read: {reason}")
    ]


def test_a_loaded_file_carries_its_value_locations_and_fingerprint(tmp_path: Path) -> None:
    raw = b"- id: a\n  tags: [x, y]\n- id: b\n"
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    doc, problems = load_file(path, "content/claims/x.yaml")
    assert problems == [] and doc is not None
    assert doc.path == "content/claims/x.yaml"
    assert doc.value == [{"id": "a", "tags": ["x", "y"]}, {"id": "b"}]
    assert doc.positions[(0, "tags", 1)] == (2, 13)
    assert doc.key_positions[(1, "id")] == (3, 3)
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()


# --- values: text stays text, empty is None, every value located ---------------------------


def test_only_plain_empty_and_null_spellings_are_none() -> None:
    doc = value_of(
        "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: ''\ng: 'null'\nh: nULL\ni: '~'\n"
        "j: [~, null, '', NULL, x]\nk:\n  - \n  - ~\n"
    )
    assert doc.value == {
        "a": None,
        "b": None,
        "c": None,
        "d": None,
        "e": None,
        "f": "",
        "g": "null",
        "h": "nULL",
        "i": "~",
        "j": [None, None, "", None, "x"],
        "k": [None, None],
    }


def test_empty_values_are_located_where_pyyaml_places_them() -> None:
    doc = value_of("a:\nb: 1\nc:\n  d:\ne:\n  - \n  - x\n")
    assert doc.positions[("a",)] == (1, 3)
    assert doc.positions[("c", "d")] == (4, 5)
    assert doc.positions[("e", 0)] == (6, 4)
    assert doc.positions[("e", 1)] == (7, 5)
    assert doc.key_positions[("c", "d")] == (4, 3)


def test_every_value_and_key_is_located() -> None:
    doc = value_of("\n\n  a: 1\n  b:\n    - [x, {y: z}]\n    - k: v\n      m: 'q'\n")
    assert doc.value == {"a": "1", "b": [["x", {"y": "z"}], {"k": "v", "m": "q"}]}
    assert doc.positions == {
        (): (3, 3),
        ("a",): (3, 6),
        ("b",): (5, 5),
        ("b", 0): (5, 7),
        ("b", 0, 0): (5, 8),
        ("b", 0, 1): (5, 11),
        ("b", 0, 1, "y"): (5, 15),
        ("b", 1): (6, 7),
        ("b", 1, "k"): (6, 10),
        ("b", 1, "m"): (7, 10),
    }
    assert doc.key_positions == {
        ("a",): (3, 3),
        ("b",): (4, 3),
        ("b", 0, 1, "y"): (5, 12),
        ("b", 1, "k"): (6, 7),
        ("b", 1, "m"): (7, 7),
    }


def test_quoted_and_plain_keys_that_look_special_are_text() -> None:
    doc = value_of('"<<": 1\n"": 2\n! x: 3\n? k\n')
    assert doc.value == {"<<": "1", "": "2", "x": "3", "k": None}
    assert doc.key_positions[("",)] == (2, 1)


def test_the_non_specific_tag_only_says_text_and_is_accepted() -> None:
    doc = value_of("a: ! 0777\nb: [! x]\n")
    assert doc.value == {"a": "0777", "b": ["x"]}
    assert doc.positions[("a",)] == (1, 4)


def test_a_top_level_scalar_is_a_value() -> None:
    doc = value_of("just text\n")
    assert (doc.value, doc.positions) == ("just text", {(): (1, 1)})
    assert value_of("---\n").value is None


def test_a_missing_path_is_placed_at_its_nearest_located_parent() -> None:
    doc = value_of("# a comment\n- id: a\n  cites:\n    - source: s\n")
    assert doc.where((0, "cites", 0, "source")) == (4, 15)
    assert doc.where((0, "cites", 0, "quote")) == (4, 7)  # the citation that lacks it
    assert doc.where((0, "cites", 5)) == (4, 5)
    assert doc.where((0, "text")) == (2, 3)
    assert doc.where((3,)) == (2, 1)  # the document itself
    assert Document("x.yaml", None, {}, {}).where(("a",)) == (1, 1)


# --- nesting: up to MAX_DEPTH levels, not one more --------------------------------------------


def _nested(shape: str, depth: int) -> str:
    """A value `depth` collections deep, the innermost holding one scalar."""
    if shape == "flow-list":
        return "[" * depth + "x" + "]" * depth + "\n"
    if shape == "flow-mapping":
        return "{a: " * depth + "x" + "}" * depth + "\n"
    if shape == "block-mapping":
        return "".join("  " * i + "a:\n" for i in range(depth)) + "  " * depth + "x\n"
    if shape == "block-list":
        return "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "x\n"
    # A flow list whose innermost holds a null (read by the general path, not inline).
    return "[" * (depth - 1) + "[~, x]" + "]" * (depth - 1) + "\n"


@pytest.mark.parametrize(
    ("shape", "place"),
    [
        ("flow-list", (1, 52)),
        ("flow-mapping", (1, 205)),
        ("block-mapping", (52, 103)),
        ("block-list", (52, 103)),
        ("flow-list-with-null", (1, 52)),
    ],
)
def test_nesting_is_allowed_to_the_limit_and_refused_beyond(
    shape: str, place: tuple[int, int]
) -> None:
    assert problems_of(_nested(shape, MAX_DEPTH)) == []
    # One level too deep, or many (refused while scanning): the same problem, placed at
    # the first value beyond the limit.
    for depth in (MAX_DEPTH + 1, MAX_DEPTH + 2, MAX_DEPTH + 10):
        assert problems_of(_nested(shape, depth)) == [(*place, *TOO_DEEP)]


def test_unclosed_brackets_are_refused_at_the_limit() -> None:
    assert problems_of("a: " + "[" * 200 + "\n") == [(1, 54, *TOO_DEEP)]  # the 51st bracket


def test_empty_collections_at_the_limit_are_allowed() -> None:
    doc = value_of("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n")
    inner = doc.value
    for _ in range(MAX_DEPTH):
        [inner] = inner
    assert inner == []


# --- libyaml or PyYAML: the same answer --------------------------------------------------------

SAME_EITHER_WAY = [
    "a: NO\nb: 0777\nc: 1:30\nd: [x, ~, '']\n",
    "a:\nb: 1\n",
    "- \n- x\n",
    '"": 1\n',
    "? a\n",
    "{? : x}\n",  # libyaml places an empty key one column further
    "a: [x?y]\n",
    "a: {x?y: 1}\n",
    "a: [b, c]\nq: what?\n",
    "%YAML 1.1\n---\na: 1\n",
    "# c\n%YAML 1.1#\n---\na: 1\n",
    "a: 1\r%x: 2\n",
    "# c\r%YAML 1.1#\r---\ra: 1\r",
    "a: >-#\n  x\n",
    "a: |2#\n  x\n",
    "a: 1\n---\nb: 2\n",
    "---\n",
    "a: 1\n...\n",
    "\ufeffa: 1\n",
    "a:\n\tb: 1\n",
    "just text\n",
]


@pytest.mark.parametrize("text", SAME_EITHER_WAY)
def test_the_result_does_not_depend_on_the_parser(text: str) -> None:
    fast = parse(text, "x.yaml")
    slow = yamlio._parse(text, "x.yaml", yamlio._GuardedLoader)
    assert _result(fast) == _result(slow)


def _result(parsed: tuple[Document | None, list[Problem]]) -> object:
    doc, problems = parsed
    located = doc and (doc.value, doc.positions, doc.key_positions)
    return located, [p.text() for p in problems]


@pytest.mark.skipif(yamlio._C_LOADER is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize(
    ("text", "fast"),
    [
        ("- id: a\n  text: The talks lasted 21 months.\n  cites: [x, y]\n", True),
        ("a: {b: c}\nq: what?\n", True),
        ("just text\n", True),
        ('"<<": 1\n! x: 2\n', True),  # keys that only look special
        ("# a comment\na: 1  # and another\n", True),
        # Texts libyaml reads differently are read by PyYAML's parser alone.
        ("a: b\tc\n", False),
        ("%YAML 1.1\n---\na: 1\n", False),
        ("# c\n%YAML 1.1\n---\na: 1\n", False),
        ("a: 1\r%x: 2\n", False),
        ("a: >-#\n  x\n", False),
        ("a: x\u2028y\n", False),
        # libyaml's reading is tried and not trusted: an empty value, a '?' in a flow
        # collection, more than one document, an error.
        ("a:\nb: 1\n", False),
        ("a: [x?y]\n", False),
        ("a: 1\n---\nb: 2\n", False),
        ("a: [1\n", False),
    ],
)
def test_an_ordinary_file_is_read_by_libyaml_alone(monkeypatch, text: str, fast: bool) -> None:
    """libyaml is about twenty times faster: a file without problems is not parsed twice."""
    slow: list[str] = []
    real = yamlio._parse

    def spy(text: str, rel: str, loader: object) -> object:
        slow.append(text)
        return real(text, rel, loader)

    monkeypatch.setattr(yamlio, "_parse", spy)
    expected = _result(real(text, "x.yaml", yamlio._GuardedLoader))
    assert _result(parse(text, "x.yaml")) == expected
    assert slow == ([] if fast else [text])
