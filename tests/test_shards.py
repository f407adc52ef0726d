"""Sharded builds (issue 13 §5): `build --shard K/N` builds a deterministic, balanced part
of the briefs; `merge DIR...` joins the parts into one dist/ with one manifest and index,
verifying every file's hash, and refuses a tampered one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import build_project, snapshot

from briefwright import builder
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


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", ""])
def test_bad_shard_is_a_clear_error(text: str) -> None:
    with pytest.raises(BriefwrightError, match="K/N"):
        builder.parse_shard(text)


def _build(root: Path, shard: tuple[int, int] | None = None) -> None:
    problems = builder.build(
        Project.at(root), formats=("html", "docx"), shard=shard, say=lambda line: None
    )
    assert not has_errors(problems)


def test_merged_shards_equal_one_build_and_tampering_is_refused(tmp_path: Path, env) -> None:
    whole = _project(tmp_path / "whole")
    _build(whole)
    shards = []
    for k in (1, 2):
        root = _project(tmp_path / f"shard{k}")
        _build(root, (k, 2))
        shards.append(root / "dist")
    built = [set(json.loads((d / "manifest.json").read_text())["briefs"]) for d in shards]
    assert built[0] and built[1] and not built[0] & built[1]

    merged = _project(tmp_path / "merged")
    assert not has_errors(builder.merge(Project.at(merged), shards, say=lambda line: None))
    assert snapshot(merged / "dist") == snapshot(whole / "dist")

    # One byte changed in a shard's output: refused, and dist/ is left as it was.
    before = snapshot(merged / "dist")
    victim = next(p for p in sorted(shards[1].rglob("*.html")) if p.name != "index.html")
    victim.write_bytes(victim.read_bytes().replace(b"<body>", b"<body> ", 1))
    with pytest.raises(BriefwrightError, match="sha256"):
        builder.merge(Project.at(merged), shards, say=lambda line: None)
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


def test_workflow_builds_the_shards_as_a_matrix_then_merges() -> None:
    import yaml

    from briefwright.cli import _parser as build_parser

    path = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "sharded.yml"
    workflow = yaml.safe_load(path.read_text("utf-8"))
    shard, merge = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    count = len(shard["strategy"]["matrix"]["shard"])
    runs = " ".join(step.get("run", "") for step in shard["steps"])
    assert f'--shard "$SHARD/{count}"' in runs
    assert merge["needs"] == "shard"
    assert "briefwright merge shards/shard-*" in " ".join(s.get("run", "") for s in merge["steps"])
    args = build_parser().parse_args(["build", "--shard", f"1/{count}"])
    assert args.shard == f"1/{count}"
    assert build_parser().parse_args(["merge", "a", "b"]).folders == [Path("a"), Path("b")]
