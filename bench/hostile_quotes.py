#!/usr/bin/env python3
"""How long the check takes on hostile quotes: `.venv/bin/python bench/hostile_quotes.py`.

Issue 10 §7: quotes of hundreds of omissions against a 4 MB archived text, misquotes of
a 4 MB single-line text (each asks for the closest-passage hint), quotes whose parts
occur everywhere. Each case is one claims file added to a fresh copy of
tests/projects/minimal, with a 4 MB archived text `huge` (its sha256 recorded, so the
check reads it), and checked in a fresh process (bench/hostile.py's `measure`). The
target is that any single hostile file is refused in at most 2 s; the time is measured
here, never asserted in a test. A second table times `SourceText` alone, in case the
project's source-size cap refuses the text before the quotes are read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests"))
sys.path.insert(0, str(BENCH))

from hostile import TARGET, measure  # noqa: E402

from briefwright.textmatch import SourceText  # noqa: E402

SIZE = 4_000_000
VOCAB = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "Japan",
    "Russia",
    "said",
    "not",
    "islands",
    "treaty",
    "peace",
    "talks",
    "ships",
    "was",
]


def texts() -> dict[str, str]:
    rng = random.Random(10)
    words = " ".join(rng.choice(VOCAB) for _ in range(SIZE // 5))
    return {
        # One 4 MB line of common words: every hint has one paragraph to search.
        "line": words[:SIZE],
        # The same words as 4 MB of short paragraphs.
        "paragraphs": "\n\n".join(words[i : i + 400] for i in range(0, SIZE, 400)),
        # One letter repeated, and a word that occurs only at the end.
        "a": "a " * (SIZE // 2 - 10) + "zebra",
    }


def quotes() -> dict[str, list[str]]:
    """Each case: the quotes of one claims file, all citing the huge text."""
    return {
        "(no hostile quote: the floor)": [],
        "500 omissions": ["the" + " ... the" * 500],
        "20 omissions, parts everywhere": ["a" + " ... a" * 19 + " ... zebra"],
        "20 brackets, parts everywhere": ["a" + " [b] a" * 19 + " zebra"],
        "one misquote": ["Japan Russia said the peace zebra talks of the islands"],
        "50 misquotes": [f"Japan Russia said {n} zebra talks of the islands" for n in range(50)],
        "literal inside words": ["a" * 40],
    }


def claims_file(source: str, items: list[str]) -> str:
    lines = []
    for n, quote in enumerate(items):
        lines += [
            f"- id: hostile-{n}",
            "  kind: fact",
            "  text: Something happened.",
            "  cites:",
            f"    - source: {source}",
            f"      quote: {json.dumps(quote)}",
        ]
    return "\n".join(lines) + "\n"


def add_source(root: Path, text: str) -> None:
    data = text.encode()
    sources = root / "content" / "sources"
    (sources / "huge.txt").write_bytes(data)
    (sources / "huge.yaml").write_text(
        "id: huge\ntitle: Huge\ncontainer: Bench\nauthors: [{family: Bench, given: B}]\n"
        'issued: "2020"\nkind: article-newspaper\ntext: huge.txt\n'
        f"sha256: {hashlib.sha256(data).hexdigest()}\n",
        encoding="utf-8",
    )


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", help="run only cases whose name contains this")
    args = parser.parse_args(argv)
    from conftest import build_project

    slow = []
    print(f"{'text':11} {'case':32} {'check s':>8} {'match s':>8}  codes")
    with tempfile.TemporaryDirectory() as tmp:
        for text_name, text in texts().items():
            source = SourceText.from_bytes(text.encode())
            for name, items in quotes().items():
                if args.only and args.only not in name:
                    continue
                root = build_project(Path(tmp) / f"{text_name}-{len(slow)}-{name[:8]}")
                add_source(root, text)
                (root / "content" / "claims" / "hostile.yaml").write_text(
                    claims_file("huge", items), encoding="utf-8"
                )
                seconds, _, codes = measure(root, args.repeat)
                fresh = SourceText.from_bytes(text.encode())  # hint meter at zero
                alone = timed(
                    lambda s=fresh, q=items: [s.anchor(x).match or s.nearest(x) for x in q]
                )
                flag = "" if seconds <= TARGET else "  ← over target"
                print(f"{text_name:11} {name:32} {seconds:8.3f} {alone:8.3f}  {codes}{flag}")
                if seconds > TARGET:
                    slow.append(f"{text_name}/{name}")
            del source
    print(
        f"\ntarget: every hostile quotes file refused in ≤ {TARGET:.0f} s: "
        + ("met" if not slow else f"missed by {len(slow)}: {', '.join(slow)}")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
