"""Sharded builds (issue 13 §5): `build --shard K/N` builds a deterministic, balanced part
of the briefs, balanced by the seconds each target took at its last build (the cost file
beside the outputs, not one of them) or, without them, by the content's estimate;
`merge DIR...` joins the parts into one dist/ with one manifest, index and cost file,
verifying every file's hash, and refuses a tampered one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import build_project, run_tool, snapshot
from hypothesis import given
from hypothesis import strategies as st

from briefwright import builder, shards
from briefwright.config import Project
from briefwright.pipeline import check
from briefwright.problems import BriefwrightError, has_errors

EPOCH = "1600000000"


def _project(root: Path) -> Path:
    """The minimal project with three briefs of different sizes."""
    build_project(root)
    brief = (root / "briefings" / "brief.yaml").read_text("utf-8")
    (root / "briefings" / "other.yaml").write_text(brief.replace("A minimal", "Another"))
    short = "\n".join(
        line for line in brief.splitlines() if "timeline" not in line and "options" not in line
    )
    (root / "briefings" / "short.yaml").write_text(short.replace("A minimal", "A short") + "\n")
    return root


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_partition_is_deterministic_complete_and_balanced(tmp_path: Path) -> None:
    content = check(Project.at(_project(tmp_path / "p"))).content
    names = sorted(content.briefings)
    formats = ("html", "pdf", "docx")
    for n in (1, 2, 3, 4):
        parts = [builder.shard_briefs(content, names, formats, k, n) for k in range(1, n + 1)]
        again = [builder.shard_briefs(content, names, formats, k, n) for k in range(1, n + 1)]
        assert parts == again
        assert sorted(b for part in parts for b in part) == names  # each brief exactly once
        costs = {
            b: sum(builder.target_cost(content, builder.Target(b, f)) for f in formats)
            for b in names
        }
        loads = [sum(costs[b] for b in part) for part in parts]
        # Longest first to the least loaded: no shard exceeds another by more than a brief.
        assert max(loads) - min(loads) <= max(costs.values())
    assert builder.shard_briefs(content, names, formats, 4, 4) == []  # more shards than briefs


def test_balance_follows_the_cost_of_each_brief(tmp_path: Path) -> None:
    content = check(Project.at(_project(tmp_path / "p"))).content
    names = sorted(content.briefings)
    formats = ("html", "pdf", "docx")
    costs = {b: builder.target_cost(content, builder.Target(b, "pdf")) for b in names}
    assert costs["brief"] == costs["other"] > costs["short"]
    # The two big briefs apart; the short one joins the first of the equally loaded.
    assert builder.shard_briefs(content, names, formats, 1, 2) == ["brief", "short"]
    assert builder.shard_briefs(content, names, formats, 2, 2) == ["other"]


def _costs(dist: Path) -> dict:
    return json.loads((dist / shards.COSTS).read_text("utf-8"))


def _write_costs(dist: Path, seconds: dict[str, float]) -> None:
    dist.mkdir(parents=True, exist_ok=True)
    (dist / shards.COSTS).write_bytes(shards.cost_file(seconds))


def test_measured_costs_change_the_balance(tmp_path: Path) -> None:
    content = check(Project.at(_project(tmp_path / "p"))).content
    names = sorted(content.briefings)
    formats = ("html", "pdf", "docx")
    by_estimate = [builder.shard_briefs(content, names, formats, k, 2) for k in (1, 2)]
    assert by_estimate == [["brief", "short"], ["other"]]
    # Last time the short brief took longest (its PDF: 60 s): it now has a shard alone.
    seconds = {f"{b}/{f}": 1.0 for b in names for f in formats} | {"short/pdf": 60.0}
    by_cost = [builder.shard_briefs(content, names, formats, k, 2, seconds) for k in (1, 2)]
    assert by_cost == [["short"], ["brief", "other"]]
    # Only the formats asked for count: without the PDF, the estimate's order is back.
    html = [builder.shard_briefs(content, names, ("html",), k, 2, seconds) for k in (1, 2)]
    assert html == [["brief", "short"], ["other"]]


def test_a_target_without_history_counts_by_its_estimate_in_seconds() -> None:
    estimates = {"a": {"html": 10.0}, "b": {"html": 20.0}, "new": {"html": 5.0, "pdf": 50.0}}
    # a and b took 3 s for 30 estimate units: 0.1 s a unit, so 'new' weighs 5.5 s.
    weights = shards.brief_weights(estimates, {"a/html": 2.0, "b/html": 1.0})
    assert weights == pytest.approx({"a": 2.0, "b": 1.0, "new": 5.5})
    assert shards.deal(weights, 2) == [["new"], ["a", "b"]]
    assert shards.brief_weights(estimates, {}) == {"a": 10.0, "b": 20.0, "new": 55.0}


@given(
    st.dictionaries(
        st.text("abcdefgh-", min_size=1, max_size=6),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
        max_size=30,
    ),
    st.integers(min_value=1, max_value=8),
)
def test_every_brief_is_in_exactly_one_part_and_the_parts_are_balanced(
    weights: dict[str, float], n: int
) -> None:
    parts = shards.deal(weights, n)
    assert parts == shards.deal(dict(reversed(list(weights.items()))), n)  # order-free
    assert len(parts) == n
    assert sorted(b for part in parts for b in part) == sorted(weights)
    loads = [sum(weights[b] for b in part) for part in parts]
    # Heaviest first to the lightest part: no part exceeds another by more than a brief.
    assert max(loads) - min(loads) <= max(weights.values(), default=0) + 1e-6 * max(loads)


def _build_lines(root: Path, shard: tuple[int, int] | None = None) -> list[str]:
    lines: list[str] = []
    problems = builder.build(Project.at(root), formats=("html",), shard=shard, say=lines.append)
    assert not has_errors(problems)
    return lines


def test_a_build_records_each_targets_seconds_and_the_next_shard_uses_them(
    tmp_path: Path, env
) -> None:
    root = _project(tmp_path / "p")
    _build_lines(root)
    recorded = _costs(root / "dist")
    assert set(recorded["costs"]) == {"brief/html", "other/html", "short/html"}
    assert all(isinstance(v, float) and v > 0 for v in recorded["costs"].values())
    assert "shard" not in recorded
    manifest = json.loads((root / "dist" / "manifest.json").read_text())
    assert shards.COSTS not in json.dumps(manifest)  # not an output: not vouched for
    assert shards.COSTS not in (root / "dist" / "index.html").read_text("utf-8")

    # The costs say 'short' is the slowest: shard 1/2 builds it alone.
    _write_costs(root / "dist", {"brief/html": 1.0, "other/html": 1.0, "short/html": 9.0})
    lines = _build_lines(root, (1, 2))
    assert "shard 1/2: short" in lines
    assert not any("estimate" in line for line in lines)
    plan = _costs(root / "dist")["shard"]
    assert plan["k"] == 1 and plan["n"] == 2
    assert plan["parts"] == [["short"], ["brief", "other"]]
    # A target rebuilt keeps its seconds of the last build; the others carry over.
    assert _costs(root / "dist")["costs"]["other/html"] == 1.0


CORRUPT = {
    "not JSON": (b"{costs", "is not valid JSON"),
    "not an object": (b"[1, 2]", 'has no "costs" object'),
    "a word for seconds": (b'{"costs": {"short/html": "slow"}}', "not a number of seconds"),
    "NaN": (b'{"costs": {"short/html": NaN}}', "not a number of seconds"),
    "negative": (b'{"costs": {"short/html": -1}}', "not a number of seconds"),
    "true": (b'{"costs": {"short/html": true}}', "not a number of seconds"),
    "not UTF-8": (b'{"costs": {"\xff": 1}}', "is not UTF-8 text"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_a_corrupt_cost_file_falls_back_to_the_estimate_with_a_note(
    tmp_path: Path, case: str, env
) -> None:
    root = _project(tmp_path / "p")
    data, why = CORRUPT[case]
    (root / "dist").mkdir()
    (root / "dist" / shards.COSTS).write_bytes(data)
    lines = _build_lines(root, (2, 2))
    notes = [line for line in lines if line.startswith(f"shard 2/2: dist/{shards.COSTS} ")]
    assert len(notes) == 1 and why in notes[0] and "the content's estimate" in notes[0], lines
    assert "shard 2/2: other" in lines  # the estimate's partition
    assert set(_costs(root / "dist")["costs"]) == {"other/html"}  # written afresh


def test_no_cost_file_is_a_note_not_a_traceback(tmp_path: Path, env) -> None:
    root = _project(tmp_path / "p")
    result = run_tool(root, "build", "--shard", "1/2", "-j", "1", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"shard 1/2: no cost file from an earlier build (dist/{shards.COSTS}); " in result.stderr
    assert "shard 1/2: brief, short" in result.stderr
    (root / "dist" / shards.COSTS).unlink()
    (root / "dist" / shards.COSTS).mkdir()  # not a file at all
    result = run_tool(root, "build", "--shard", "1/2", "-j", "1", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert "Traceback" not in result.stderr
    assert f"dist/{shards.COSTS} is not a regular file" in result.stderr


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", ""])
def test_bad_shard_is_a_clear_error(text: str) -> None:
    with pytest.raises(BriefwrightError, match="K/N"):
        shards.parse_shard(text)


def _build(root: Path, shard: tuple[int, int] | None = None) -> None:
    problems = builder.build(
        Project.at(root), formats=("html", "docx"), shard=shard, say=lambda line: None
    )
    assert not has_errors(problems)


def test_merged_shards_equal_one_build_and_tampering_is_refused(tmp_path: Path, env) -> None:
    whole = _project(tmp_path / "whole")
    _build(whole)
    parts = []
    for k in (1, 2):
        root = _project(tmp_path / f"shard{k}")
        _build(root, (k, 2))
        parts.append(root / "dist")
    built = [set(json.loads((d / "manifest.json").read_text())["briefs"]) for d in parts]
    assert built[0] and built[1] and not built[0] & built[1]

    merged = _project(tmp_path / "merged")
    assert not has_errors(builder.merge(Project.at(merged), parts, say=lambda line: None))
    assert snapshot(merged / "dist") == snapshot(whole / "dist")
    # One cost file for the next run: each brief's seconds from the shard that built it.
    expected = _costs(parts[0])["costs"] | _costs(parts[1])["costs"]
    assert _costs(merged / "dist")["costs"] == expected
    assert {name.partition("/")[0] for name in expected} == {"brief", "other", "short"}

    # A shard left out is named (the partition the shards recorded says what it held).
    lines: list[str] = []
    part = _project(tmp_path / "part")
    assert not has_errors(builder.merge(Project.at(part), parts[:1], say=lines.append))
    assert "note: shard 2/2 (other) is not merged" in lines

    # One byte changed in a shard's output: refused, and dist/ is left as it was.
    before = snapshot(merged / "dist")
    victim = next(p for p in sorted(parts[1].rglob("*.html")) if p.name != "index.html")
    victim.write_bytes(victim.read_bytes().replace(b"<body>", b"<body> ", 1))
    with pytest.raises(BriefwrightError, match="sha256"):
        builder.merge(Project.at(merged), parts, say=lambda line: None)
    assert snapshot(merged / "dist") == before


def test_merge_refuses_a_brief_twice_and_a_missing_manifest(tmp_path: Path, env) -> None:
    root = _project(tmp_path / "p")
    _build(root, (1, 2))
    copy = tmp_path / "copy"
    shutil.copytree(root / "dist", copy)
    with pytest.raises(BriefwrightError, match="in two of the merged folders"):
        builder.merge(Project.at(root), [root / "dist", copy], say=lambda line: None)
    (copy / "manifest.json").unlink()
    with pytest.raises(BriefwrightError, match="not a build"):
        builder.merge(Project.at(root), [copy], say=lambda line: None)


def _shard_dist(folder: Path, seconds: dict[str, float], parts: list[list[str]] | None) -> Path:
    folder.mkdir(parents=True)
    plan = None if parts is None else {"k": 1, "n": len(parts), "basis": "", "parts": parts}
    (folder / shards.COSTS).write_bytes(shards.cost_file(seconds, plan))
    return folder


def test_merge_refuses_shards_that_computed_different_partitions(tmp_path: Path) -> None:
    one = _shard_dist(tmp_path / "1", {"a/html": 1.0}, [["a"], ["b", "c"]])
    two = _shard_dist(tmp_path / "2", {"b/html": 1.0}, [["a", "c"], ["b"]])  # c in neither
    with pytest.raises(BriefwrightError, match="different partitions"):
        shards.merged_costs([one, two], {"a": 0, "b": 1}, ["a", "b", "c"])


def test_merged_costs_come_from_the_shard_that_built_each_brief(tmp_path: Path) -> None:
    parts = [["a"], ["b"], ["c"]]
    # Both carried a's old 5 s from the cost file they started from; shard 1 rebuilt a.
    one = _shard_dist(tmp_path / "1", {"a/html": 2.0, "b/html": 5.0, "gone/html": 1.0}, parts)
    two = _shard_dist(tmp_path / "2", {"a/html": 5.0, "b/html": 3.0}, parts)
    broken = tmp_path / "3"
    broken.mkdir()
    (broken / shards.COSTS).write_text("{", "utf-8")
    costs, plan, notes = shards.merged_costs([one, two, broken], {"a": 0, "b": 1}, ["a", "b", "c"])
    assert costs == {"a/html": 2.0, "b/html": 3.0}  # 'gone' is no longer a brief
    assert plan == parts
    assert len(notes) == 1 and str(broken) in notes[0] and "not valid JSON" in notes[0]


def test_workflow_builds_the_shards_as_a_matrix_then_merges() -> None:
    import yaml

    from briefwright.cli import _parser as build_parser

    path = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "sharded.yml"
    workflow = yaml.safe_load(path.read_text("utf-8"))
    plan, shard, merge = (workflow["jobs"][job] for job in ("plan", "shard", "merge"))
    count = len(shard["strategy"]["matrix"]["shard"])
    runs = " ".join(step.get("run", "") for step in shard["steps"])
    assert f'--shard "$SHARD/{count}"' in runs
    assert merge["needs"] == "shard"
    assert "briefwright merge shards/shard-*" in " ".join(s.get("run", "") for s in merge["steps"])

    # The costs: the last merge's file, restored once and handed to every shard (so every
    # runner computes one partition), each shard's costs to the merge, the joined ones kept.
    def uses(job: dict, action: str) -> list[dict]:
        return [s.get("with", {}) for s in job["steps"] if s.get("uses", "").startswith(action)]

    costs = f"dist/{shards.COSTS}"
    assert workflow["env"]["COSTS"] == costs
    restored, saved = uses(plan, "actions/cache/restore@")[0], uses(merge, "actions/cache/save@")[0]
    assert restored["path"] == saved["path"] == costs
    assert restored["restore-keys"] in saved["key"]
    assert shard["needs"] == "plan"
    assert uses(plan, "actions/upload-artifact@")[0]["name"] == "costs"
    assert uses(shard, "actions/download-artifact@")[0]["name"] == "costs"
    assert 'cp costs/.briefwright-costs.json "$COSTS"' in runs
    assert uses(shard, "actions/upload-artifact@")[0]["include-hidden-files"] is True
    args = build_parser().parse_args(["build", "--shard", f"1/{count}"])
    assert args.shard == f"1/{count}"
    assert build_parser().parse_args(["merge", "a", "b"]).folders == [Path("a"), Path("b")]


def test_the_published_site_leaves_the_cost_file_out() -> None:
    import yaml

    path = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "briefs.yml"
    steps = yaml.safe_load(path.read_text("utf-8"))["jobs"]["publish"]["steps"]
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    drop = next(i for i, s in enumerate(steps) if shards.COSTS in s.get("run", ""))
    assert steps[drop]["run"] == f"rm -f dist/{shards.COSTS}"
    assert drop < steps.index(pages)
