"""Characters a page would not show as written are refused in content (hidden-character)."""

from __future__ import annotations

import pytest

from briefwright.characters import HIDDEN, hidden_characters
from briefwright.yamlio import parse


def problems_of(text: str, path: str = "content/claims/a.yaml", kind: str = "claim"):
    doc, problems = parse(text, path)
    assert problems == [] and doc is not None
    return hidden_characters(doc, kind)


CONTROLS = ["\\x01", "\\x08", "\\x0b", "\\x0c", "\\x1b", "\\x7f", "\\x85", "\\x9b"]
BIDI = [
    "\\u202a",
    "\\u202b",
    "\\u202c",
    "\\u202d",
    "\\u202e",
    "\\u2066",
    "\\u2067",
    "\\u2068",
    "\\u2069",
]


@pytest.mark.parametrize("escape", [*CONTROLS, *BIDI])
def test_controls_and_bidi_overrides_are_refused(escape: str) -> None:
    [problem] = problems_of(f'- id: c\n  text: "a{escape}b"\n')
    assert (problem.path, problem.line, problem.col) == ("content/claims/a.yaml", 2, 9)
    assert (problem.code, problem.level, problem.id) == ("hidden-character", "error", "c")
    code = escape[2:].upper().rjust(4, "0")
    assert problem.message.startswith(f"claim 'c': 'text' holds U+{code} (")
    assert "delete the character" in (problem.hint or "")


@pytest.mark.parametrize(
    "allowed",
    ["\\t", "\\n", "\\r", "\\u200e", "\\u200f", "\\u200c", "\\u200d", "\\xad", "\\ufe0f"],
)
def test_marks_joiners_and_soft_hyphens_stay_allowed(allowed: str) -> None:
    # How right-to-left, Indic and emoji text is written; none of them reorders text.
    assert problems_of(f'- id: c\n  text: "a{allowed}b"\n') == []


def test_the_problem_names_the_character_the_field_and_the_item() -> None:
    text = (
        "- id: first\n  text: fine\n"
        "- id: second\n  text: fine\n  cites:\n"
        '    - source: s\n      quote: "x\\u202ey"\n'
    )
    [problem] = problems_of(text)
    assert (problem.line, problem.col, problem.id) == (7, 14, "second")
    assert problem.message == (
        "claim 'second': 'quote' holds U+202E (RIGHT-TO-LEFT OVERRIDE), which the page does "
        "not show as written: a reader would not read what the check read"
    )


def test_every_value_is_read_keys_included_and_each_is_reported() -> None:
    text = 'title: "a\\x01"\nsections:\n  - {type: "claims\\u2066"}\n"k\\x02": v\n'
    found = problems_of(text, "briefings/japan-russia.yaml", "brief")
    assert [(p.line, p.id) for p in found] == [
        (1, "japan-russia"),
        (3, "japan-russia"),
        (4, "japan-russia"),
    ]
    assert [p.message.split(":")[0] for p in found] == ["brief 'japan-russia'"] * 3
    assert "'title' holds U+0001 (a control character)" in found[0].message


def test_a_file_without_items_is_named_by_its_file() -> None:
    [problem] = problems_of('id: alpha-2020\ntitle: "x\\x7f"\n', "content/sources/a.yaml", "source")
    assert problem.id == "alpha-2020" and problem.message.startswith("source 'alpha-2020':")


def test_the_set_is_exactly_controls_and_bidi_formatting() -> None:
    refused = {chr(c) for c in range(0x3000) if HIDDEN.match(chr(c))}
    expected = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - set("\t\n\r")
    expected |= {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
    assert refused == expected


@pytest.mark.parametrize(
    "text",
    [
        '- id: c\n  text: "a\\x01b"\n',
        '- id: c\n  cites:\n    - {source: s, quote: "x\\u202ey"}\n',
        '"k\\x02": v\n',
        'sections:\n  - {type: claims, "n\\u2066": [1, 2]}\n',
        "- id: c\n  text: fine\n  cites: [{source: s, quote: plain}]\n",
        '- id: c\n  text: "a\\u200eb\\xadc"\n',
    ],
)
def test_loading_scans_a_file_for_hidden_characters_whenever_one_is_there(text: str) -> None:
    # load.py searches all of a file's strings at once and walks them (hidden_characters)
    # only when that search finds one: the two must agree on every file.
    from briefwright.load import _may_hide

    doc, _ = parse(text, "content/claims/a.yaml")
    assert doc is not None
    assert _may_hide(doc.value) == bool(hidden_characters(doc, "claim"))
