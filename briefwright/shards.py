"""Sharded builds: which briefs shard K of N builds, and the measured costs that balance them.

Every build records how long each target it made took (wall seconds of rendering,
exporting and auditing it) in dist/.briefwright-costs.json, beside the outputs but not
one of them: the manifest and every output stay byte-identical between builds, and the
index does not list it. `build --shard K/N` balances the briefs by those costs; a target
with no recorded cost (new, or no cost file at all) counts by the content's estimate
(builder.target_cost), scaled to seconds by the targets that have both. `merge` joins the
shards' cost files, each brief's costs taken from the shard that built it.

The partition is deterministic: it depends only on the content, the requested briefs
and formats, N, and the cost file's numbers. Every runner of a CI matrix computes the
same partition when each starts from the same cost file (the workflow restores the one
the last merge wrote, see .github/workflows/sharded.yml); the shards record that
partition, and `merge` refuses shards that computed different ones.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import BriefwrightError

COSTS = ".briefwright-costs.json"
ABOUT = (
    "Seconds each target took at its last build (wall: render, export, audit). "
    "Read by 'build --shard K/N' to balance the shards; not an output."
)
MAX_BYTES = 16 * 1024 * 1024  # far above any real cost file; a bigger one is not ours
FALLBACK = "balancing by the content's estimate (format weight × claims printed)"


@dataclass(frozen=True)
class Costs:
    """The costs read from a cost file: seconds by target ('brief/fmt'), the partition
    the shard that wrote it built (if one did), and why the file was not usable."""

    seconds: dict[str, float] = field(default_factory=dict)
    shard: dict[str, Any] | None = None
    note: str | None = None


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' (1 ≤ K ≤ N) as (K, N)."""
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit()) or not 1 <= int(k) <= int(n):
        raise BriefwrightError(f"--shard takes K/N with 1 ≤ K ≤ N (for example 2/4), not {text!r}")
    return int(k), int(n)


def key(brief: str, fmt: str) -> str:
    return f"{brief}/{fmt}"


def _seconds(value: Any) -> bool:
    # bool is an int in Python; a cost is a finite, non-negative number of seconds.
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return is_number and math.isfinite(value) and value >= 0


def _not_ours(path: str, why: str) -> Costs:
    return Costs(note=f"{path} {why}")


def read_costs(folder: Path, shown: str | None = None) -> Costs:
    """The cost file in `folder` (a dist/), or empty Costs with a note saying why it
    cannot be used (missing, unreadable, not JSON, not the shape briefwright writes).
    Never raises for a bad file: a build without usable costs is balanced by the
    estimate instead (FALLBACK). `shown` is the path named in the note."""
    path = folder / COSTS
    shown = shown or str(path)
    if not path.exists():
        return Costs(note=f"no cost file from an earlier build ({shown})")
    if not path.is_file():
        return _not_ours(shown, "is not a regular file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return _not_ours(shown, f"cannot be read ({exc.strerror or exc})")
    if len(raw) > MAX_BYTES:
        return _not_ours(shown, f"is larger than {MAX_BYTES // 2**20} MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _not_ours(shown, "is not UTF-8 text")
    except ValueError as exc:
        return _not_ours(shown, f"is not valid JSON ({exc})")
    seconds = data.get("costs") if isinstance(data, dict) else None
    if not isinstance(seconds, dict):
        return _not_ours(shown, 'has no "costs" object')
    bad = sorted(name for name, value in seconds.items() if not _seconds(value))
    if bad:
        return _not_ours(shown, f"holds a cost that is not a number of seconds ({bad[0]!r})")
    shard = data.get("shard")
    return Costs(dict(seconds), shard if isinstance(shard, dict) else None)


def basis(seconds: Mapping[str, float]) -> str:
    """A short hash of the costs a partition was computed from (recorded by each shard,
    so a mismatch is visible)."""
    text = json.dumps(dict(sorted(seconds.items())), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def brief_weights(
    estimates: Mapping[str, Mapping[str, float]], seconds: Mapping[str, float]
) -> dict[str, float]:
    """Each brief's weight: the sum over its targets of the recorded seconds, or, for a
    target with none, its estimate times the seconds per estimate unit of the targets that
    have both (1 when none has a cost, so the weights are then the estimates)."""
    timed = [
        (estimate, seconds[key(brief, fmt)])
        for brief, by_format in estimates.items()
        for fmt, estimate in by_format.items()
        if key(brief, fmt) in seconds
    ]
    estimated = sum(estimate for estimate, _ in timed)
    scale = sum(took for _, took in timed) / estimated if estimated > 0 else 1.0

    def weight(brief: str) -> float:
        by_format = estimates[brief]
        return sum(seconds.get(key(brief, fmt), cost * scale) for fmt, cost in by_format.items())

    return {brief: weight(brief) for brief in estimates}


def deal(weights: Mapping[str, float], n: int) -> list[list[str]]:
    """N parts of the briefs: heaviest first to the least loaded part (ties to the lower
    part and the lower name), each part in name order. Every brief is in exactly one."""
    loads = [0.0] * n
    parts: list[list[str]] = [[] for _ in range(n)]
    for name in sorted(weights, key=lambda name: (-weights[name], name)):
        lightest = min(range(n), key=lambda i: (loads[i], i))
        loads[lightest] += weights[name]
        parts[lightest].append(name)
    return [sorted(part) for part in parts]


def recorded(
    previous: Costs, made: Iterable[tuple[str, str, float]], briefs: Iterable[str]
) -> dict[str, float]:
    """The cost file's costs after a build: the previous ones (of briefs that still
    exist), with each target just made at the seconds it took (rounded to a
    millisecond)."""
    known = set(briefs)
    costs = {k: v for k, v in previous.seconds.items() if k.partition("/")[0] in known}
    for brief, fmt, seconds in made:
        costs[key(brief, fmt)] = round(seconds, 3)
    return dict(sorted(costs.items()))


def cost_file(seconds: Mapping[str, float], shard: Mapping[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"about": ABOUT, "costs": dict(sorted(seconds.items()))}
    if shard is not None:
        data["shard"] = dict(shard)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def merged_costs(
    folders: Sequence[Path], owners: Mapping[str, int], briefs: Iterable[str]
) -> tuple[dict[str, float], list[list[str]] | None, list[str]]:
    """The costs of merged shards: each brief's from the folder that built it, others'
    (carried over from the cost file the shards started from) from the first folder that
    has them; the partition the shards recorded (None if none did); and the notes of
    folders whose cost file is missing or unusable.

    Refuses shards that recorded different partitions (they started from different cost
    files, or N differs): a brief could then be in no shard, or in two."""
    read = [read_costs(folder) for folder in folders]
    plans = [costs.shard.get("parts") for costs in read if costs.shard is not None]
    if any(plan != plans[0] for plan in plans):
        raise BriefwrightError(
            "the shards computed different partitions (they started from different cost "
            f"files, {COSTS}, or a different number of shards), so a brief may be in none "
            "of them; give every shard the same cost file and build them again"
        )
    known = set(briefs)
    costs: dict[str, float] = {}
    for found in reversed(read):
        costs.update(found.seconds)
    for brief, i in owners.items():
        for name, value in read[i].seconds.items():
            if name.partition("/")[0] == brief:
                costs[name] = value
    kept = {k: v for k, v in costs.items() if k.partition("/")[0] in known}
    parts = plans[0] if plans and _is_partition(plans[0]) else None
    return dict(sorted(kept.items())), parts, [c.note for c in read if c.note]


def _is_partition(parts: Any) -> bool:
    return isinstance(parts, list) and all(
        isinstance(part, list) and all(isinstance(name, str) for name in part) for part in parts
    )


__all__ = [
    "COSTS",
    "Costs",
    "basis",
    "brief_weights",
    "cost_file",
    "deal",
    "merged_costs",
    "parse_shard",
    "read_costs",
    "recorded",
]
