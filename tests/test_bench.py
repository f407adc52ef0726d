"""The benchmark tools work: a deterministic corpus that passes the check, and the
measuring functions on tiny sizes. No timing is asserted here; speed is measured by
`bench/run.py`, never in tests."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from briefwright.config import Project
from briefwright.pipeline import check
from briefwright.textmatch import SourceText

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synth = _module("synth")
bench = _module("run")


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "templates" not in p.parts
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth.generate(tmp_path_factory.mktemp("synth") / "p", claims=60, sources=4, seed=3)


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = synth.generate(tmp_path / "again", claims=60, sources=4, seed=3)
    other = synth.generate(tmp_path / "other", claims=60, sources=4, seed=4)
    assert _files(again) == _files(corpus)
    assert _files(other) != _files(corpus)


def test_corpus_passes_the_check_without_an_error(corpus: Path) -> None:
    result = check(Project.at(corpus))
    # The synthetic brief prints some claims twice: repeated-claim warnings, no error.
    assert {p.code for p in result.problems} == {"repeated-claim"}
    content = result.content
    assert len(content.claims) == 60 and len(content.sources) == 4
    assert all(8_000 <= len(t.raw.encode()) <= 13_000 for t in content.texts.values())
    cites = [c for claim in content.claims.values() for c in claim.cites]
    assert {c.para is None for c in cites} == {True, False}
    assert any(re.search(r"\.\.\.|…", c.quote) for c in cites)  # elisions
    assert any(c.quote.startswith("[") for c in cites)  # editorial brackets
    assert any(claim.kind == "judgment" for claim in content.claims.values())
    assert content.quotes and content.positions and content.options and content.briefings


def test_cli_writes_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synth.main([str(tmp_path / "p"), "--claims", "8", "--sources", "2", "--seed", "1"]) == 0
    assert "wrote 8 claims over 2 sources" in capsys.readouterr().out
    assert synth.main([str(tmp_path / "p"), "--claims", "8", "--sources", "2"]) == 1  # no overwrite


def test_each_archived_text_is_indexed_once(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = SourceText.from_bytes.__func__  # type: ignore[attr-defined]

    def counting(cls: type[SourceText], data: bytes) -> SourceText:
        calls.append(len(data))
        return original(cls, data)

    monkeypatch.setattr(SourceText, "from_bytes", classmethod(counting))
    result = check(Project.at(corpus))
    assert len(calls) == len(result.content.sources) == 4


def test_measurements_on_a_tiny_corpus(corpus: Path) -> None:
    checked = bench.measure_check(corpus)
    repeats = check(Project.at(corpus)).problems  # only repeated-claim warnings (see above)
    assert checked["errors"] == 0 and checked["warnings"] == len(repeats)
    assert checked["claims"] == 60
    assert checked["seconds"] > 0 and checked["cpu"] > 0
    floor = bench.measure_floor(corpus)
    # per source: its YAML, its claims, its quotes; judgments, actors, 4 positions,
    # options and the brief
    assert floor["files"] == len(bench.content_yaml(corpus)) == 4 * 3 + 1 + 1 + 4 + 1 + 1
    fresh = bench.child("floor", corpus)  # the same in a fresh interpreter, with its memory
    assert fresh["files"] == floor["files"] and fresh["peak_mb"] > 0


def test_pick_claim_edits_one_claim_in_place(corpus: Path, tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    pick = bench.pick_claim(project)
    path = Path(pick["path"])
    text = path.read_text("utf-8")
    path.write_text(text[: pick["at"]] + " (edited, take a)" + text[pick["at"] :], "utf-8")
    result = check(Project.at(project))
    # The synthetic brief prints some claims twice (repeated-claim warnings): no error.
    assert {p.code for p in result.problems} <= {"repeated-claim"}
    assert result.content.claims[pick["claim"]].text.endswith("(edited, take a)")
    assert pick["brief"] == "synthetic"


def test_built_targets_and_table() -> None:
    stderr = (
        "[1/3] a/a.html: built (0.1 s)\n[2/3] a/a.pdf: failed (2.0 s)\n"
        "[3/3] b/b.docx: built (1 s)\n"
    )
    assert bench.built_targets(stderr) == ["a/a.html", "b/b.docx"]
    table = bench.Table("t", ["what", "time"], [["check", "1.000 s"], ["no-op", "0.2 s"]], ["note"])
    assert table.render().splitlines() == [
        "## t",
        "what      time",
        "-----  -------",
        "check  1.000 s",
        "no-op    0.2 s",
        "  note",
    ]


def test_run_process_reports_output_and_memory() -> None:
    ran = bench.run_process([sys.executable, "-c", "print('hi')"])
    assert (ran.returncode, ran.stdout.strip()) == (0, "hi") and ran.peak_mb > 0


def test_libyaml_reads_content_as_pyyaml_does() -> None:
    fuzz = _module("fuzz_yaml")
    texts = fuzz.corpus([Path(__file__).resolve().parent / "projects" / "minimal"])
    assert fuzz.differences(texts, cases=300, seed=1) == []


def test_bare_page_has_no_stylesheet() -> None:
    page = (
        '<html><head><style>\nbody { color: red }\n</style><link rel="stylesheet" href="a.css">'
        "<STYLE media=print>p{}</STYLE></head><body><p>text</p></body></html>"
    )
    assert bench.bare_page(page) == "<html><head></head><body><p>text</p></body></html>"


def test_profile_names_weasyprint_stages(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<style>p { font-size: 20pt }</style>" + "<p>words and more</p>" * 80)
    styled = bench.profile_layout(page, tmp_path.as_uri() + "/")
    bare = bench.profile_layout(page, tmp_path.as_uri() + "/", bare=True)
    assert styled["pages"] > bare["pages"] >= 1
    assert set(styled["parts"]) == set(bench.PROFILED)
    assert 0 < styled["parts"]["lay out pages"] <= styled["total"]
    assert styled["parts"]["write the PDF"] > 0


def test_audit_is_measured_per_format(tmp_path: Path) -> None:
    from conftest import build_project

    from briefwright.builder import build

    project = build_project(tmp_path / "p")
    problems = build(Project.at(project), formats=("html", "docx"), say=lambda line: None)
    assert not [p for p in problems if p.level == "error"]
    found = bench.measure_audit(project)
    entry = found["brief"]
    assert entry["problems"] == 0 and entry["render"] > 0
    assert set(entry) >= {"html", "docx"} and entry["html"]["problems"] == 0
    assert entry["docx"]["audit"] > 0 and entry["docx"]["export"] > 0


def test_many_briefs_each_printing_its_own_slice(tmp_path: Path) -> None:
    root = synth.generate(tmp_path / "p", claims=60, sources=4, seed=3, printed=7, briefs=3)
    result = check(Project.at(root))
    assert not [p for p in result.problems if p.level == "error"]
    briefs = result.content.briefings
    assert sorted(briefs) == ["synthetic", "synthetic-2", "synthetic-3"]
    shown = [
        [c for s in briefs[name].sections if s.type == "claims" for c in s.claims]
        for name in sorted(briefs)
    ]
    assert [len(claims) for claims in shown] == [7, 7, 7]
    assert len({tuple(claims) for claims in shown}) == 3


def test_shards_bench_builds_and_merges_a_tiny_project(tmp_path: Path) -> None:
    table = bench.bench_shards(
        tmp_path, say=lambda line: None, briefs=4, counts=(1, 2), formats="html", pdf_every=0
    )
    # By the estimate as 1 and 2 shards, then by the costs the one-shard build recorded.
    assert [row[:2] for row in table.rows] == [
        ["estimate", "1"],
        ["estimate", "2"],
        ["last costs", "2"],
    ]
    assert len(table.rows[2][2].split()) == 2  # one time per shard
    for mode in ("estimate", "costs"):
        merged = tmp_path / f"shard-merged-{mode}-2" / "dist"
        assert len(json.loads((merged / "manifest.json").read_text())["briefs"]) == 4
        assert len(json.loads((merged / bench.COSTS).read_text())["costs"]) == 4
    from briefwright.shards import COSTS

    assert bench.COSTS == COSTS
