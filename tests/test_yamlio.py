"""Safe YAML: every value located, every unsafe construct a located error."""

from __future__ import annotations

import pytest

from briefwright.yamlio import parse


def codes(text: str) -> list[tuple[int, int, str]]:
    _, problems = parse(text, "f.yaml")
    return [(p.line, p.col, p.code) for p in problems]


def test_values_stay_text_and_know_their_place() -> None:
    doc, problems = parse("a: NO\nb: 0777\nc: 1:30\nd: 2021-11-02\ne:\n  - yes\n  - ~\n", "f.yaml")
    assert problems == []
    assert doc is not None
    assert doc.value == {"a": "NO", "b": "0777", "c": "1:30", "d": "2021-11-02", "e": ["yes", None]}
    assert doc.positions[("c",)] == (3, 4)
    assert doc.positions[("e", 1)] == (7, 5)
    assert doc.key_positions[("d",)] == (4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", [(3, 1, "yaml-duplicate-key")]),
        ("a: !!python/object/apply:os.system [echo]\n", [(1, 4, "yaml-unsafe")]),
        ("a: !custom x\n", [(1, 4, "yaml-unsafe")]),
        ("a: &x 1\nb: *x\n", [(1, 4, "yaml-unsafe")]),
        ("a:\n  <<: {b: 1}\n", [(2, 3, "yaml-unsafe")]),
        ("a: 1\n---\nb: 2\n", [(2, 1, "yaml-unsafe")]),
        ("", [(1, 1, "yaml-syntax")]),
        ("# nothing\n", [(1, 1, "yaml-syntax")]),
        ("a:\n\tb: 1\n", [(2, 1, "yaml-syntax")]),
        ("a: [1, 2\n", [(2, 1, "yaml-syntax")]),
    ],
)
def test_rejections_are_located(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert codes(text) == expected


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    # Refused at the first alias, so nothing is expanded (bench/hostile.py times it).
    assert codes(bomb)[0][2] == "yaml-unsafe"


def test_deep_nesting_is_refused() -> None:
    assert codes("a: " + "[" * 200 + "]" * 200 + "\n")[0][2] == "yaml-unsafe"
