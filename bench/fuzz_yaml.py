#!/usr/bin/env python3
"""libyaml and PyYAML must read content the same: `python bench/fuzz_yaml.py [--cases N]`.

`yamlio.parse` takes libyaml's events when it can and PyYAML's pure-Python parser for
everything else. This mutates real content files (inserting, deleting and replacing
characters that matter to YAML) and checks that `parse` gives exactly what the
pure-Python path gives: the value, every position, every problem. Run it after
upgrading PyYAML or libyaml.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from briefwright import yamlio

ROOT = Path(__file__).resolve().parent.parent
PIECES = [
    *"\t \n\r:-#[]{},'\"&*!|>%@`?~éü\u2028\u2029\x85\u00a0\ufeff\\.0\x01\x7f😀<=/",
    "\n%",
    "%YAML 1.1",
    "- ",
    ": ",
    "  ",
    "\n  ",
    "---",
    "...",
    "? ",
    "\r\n",
    "!!str ",
    "&a ",
    "*a",
    "<<: ",
    " #",
    "\n- ",
    "''",
    "\\n",
    "\n\n",
    ", ",
    "{}",
    "[]",
    ":x",
    "?x",
]


def outcome(result: tuple[yamlio.Document | None, list[Any]]) -> tuple[Any, ...]:
    doc, problems = result
    if doc is None:
        return ("problems", problems)
    return ("document", repr(doc.value), doc.positions, doc.key_positions)


def mutants(texts: list[str], cases: int, seed: int) -> Iterable[str]:
    rng = random.Random(seed)
    for _ in range(cases):
        text = rng.choice(texts)
        if len(text) > 2500:
            start = rng.randrange(len(text) - 1500)
            text = text[start : start + 1500]
        chars = list(text)
        for _ in range(rng.randint(0, 5)):
            at, op, piece = rng.randrange(len(chars) + 1), rng.random(), rng.choice(PIECES)
            if op < 0.5 or not chars:
                chars.insert(at, piece)
            elif op < 0.8:
                del chars[min(at, len(chars) - 1)]
            else:
                chars[min(at, len(chars) - 1)] = piece
        yield "".join(chars)


def differences(texts: list[str], cases: int, seed: int) -> list[str]:
    """Mutated texts on which the fast path and the pure-Python path disagree."""
    return [
        text
        for text in mutants(texts, cases, seed)
        if outcome(yamlio.parse(text, "f.yaml"))
        != outcome(yamlio._parse(text, "f.yaml", yaml.SafeLoader))
    ]


def corpus(folders: Iterable[Path]) -> list[str]:
    return [
        p.read_text("utf-8", errors="replace") for folder in folders for p in folder.rglob("*.yaml")
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "folders",
        nargs="*",
        type=Path,
        default=[ROOT / "content", ROOT / "briefings", ROOT / "tests" / "projects"],
    )
    args = parser.parse_args(argv)
    found = differences(corpus(args.folders), args.cases, args.seed)
    for text in found[:5]:
        print(repr(text))
    print(f"{args.cases} cases, {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
