"""One mistake, one error (issue 11 §4).

A file that cannot be read, or an item that does not fit the model, is reported once, at
the file or item, first; references to the ids it holds are counted on one line instead of
reported one by one, and the warnings that only its absence makes true are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PROJECTS

from briefwright.cli import main
from briefwright.config import Project
from briefwright.pipeline import check
from briefwright.problems import Problem
from briefwright.yamlio import MAX_BYTES

CLAIMS = "content/claims/main.yaml"


def problems_of(root: Path) -> list[Problem]:
    return check(Project.at(root)).problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_tab_in_a_claims_file_is_one_error(make_project) -> None:
    root = make_project()
    edit(root, CLAIMS, "  kind: fact", "\tkind: fact")
    problems = problems_of(root)
    assert [(p.path, p.code) for p in errors(problems)] == [(CLAIMS, "yaml-syntax")]
    assert problems[0].code == "yaml-syntax"  # the root error comes first
    summary = [p for p in problems if p.code == "unchecked-references"]
    assert len(summary) == 1 and summary[0].path == CLAIMS
    assert summary[0].message.startswith("6 references to ids in content/claims/main.yaml")
    # Follow-on warnings: beta-2019 only looks unused because the claims did not load.
    assert "unused-source" not in {p.code for p in problems}


def test_a_cite_typo_is_one_error_naming_the_item(make_project) -> None:
    root = make_project()
    edit(root, CLAIMS, "  cites:", "  cite:")
    problems = problems_of(root)
    found = errors(problems)
    assert [(p.code, p.id) for p in found] == [("invalid-field", "fisheries-deal")]
    assert found[0].message == "claim 'fisheries-deal': unknown key 'cite'"
    assert found[0].hint == "did you mean 'cites'?"
    assert problems[0] == found[0]
    summary = [p for p in problems if p.code == "unchecked-references"]
    assert [p.message for p in summary] == [
        "2 references to claim 'fisheries-deal' were not checked: the claim is not valid"
    ]
    assert "narrow-basis" not in {p.code for p in problems}  # its basis claim did not load


def test_a_file_over_the_size_cap_is_one_error(make_project) -> None:
    root = make_project()
    path = root / CLAIMS
    path.write_text(path.read_text() + "# padding\n" * (MAX_BYTES // 10 + 1))
    problems = problems_of(root)
    found = errors(problems)
    assert [(p.path, p.code) for p in found] == [(CLAIMS, "yaml-syntax")]
    assert f"the limit is {MAX_BYTES}" in found[0].message
    assert [p.code for p in problems if p.path == CLAIMS][1] == "unchecked-references"


def test_an_invalid_source_hides_no_error_and_adds_none(make_project) -> None:
    root = make_project()
    edit(root, "content/sources/alpha-2020.yaml", "title:", "titel:")
    found = errors(problems_of(root))
    assert [(p.code, p.id) for p in found] == [("invalid-field", "alpha-2020")]
    assert found[0].message.startswith("source 'alpha-2020': unknown key 'titel'")


def test_a_position_that_is_not_a_mapping_is_one_error(make_project) -> None:
    root = make_project()
    (root / "content/positions/japan.yaml").write_text("- just a list\n")
    found = errors(problems_of(root))
    assert [(p.path, p.code) for p in found] == [("content/positions/japan.yaml", "invalid-field")]
    assert found[0].hint


def test_every_invalid_field_has_a_hint_and_names_its_item(make_project) -> None:
    root = make_project("invalid-field")
    found = [p for p in problems_of(root) if p.code == "invalid-field"]
    assert found
    for problem in found:
        assert problem.hint, problem.text()
        assert problem.id and f"'{problem.id}'" in problem.message, problem.text()
    (root / "content/claims/list.yaml").write_text("id: not-a-list\n")
    top = [p for p in problems_of(root) if p.path == "content/claims/list.yaml"]
    assert [p.code for p in top] == ["invalid-field"] and top[0].hint


def test_json_ids_are_never_null_for_brief_and_position_problems(make_project, capsys) -> None:
    root = make_project("stale-source")
    edit(root, "content/positions/japan.yaml", "fisheries-deal", "fisheries-dael")
    main(["-C", str(root), "check", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)["problems"]
    by_code = {row["code"]: row for row in rows}
    assert by_code["stale-source"]["id"] == "brief"
    assert by_code["unknown-claim"]["id"] == "japan"
    assert all(row["id"] is not None for row in rows), rows


def test_the_scenario_shows_the_summary_line() -> None:
    expected = (PROJECTS / "unchecked-references" / "expected.txt").read_text().splitlines()
    assert [line.split("[")[1].split("]")[0] for line in expected] == [
        "yaml-syntax",
        "unchecked-references",
    ]


def test_id_mismatch_of_a_position_names_its_actor(make_project) -> None:
    root = make_project("id-mismatch")
    found = [p for p in problems_of(root) if p.code == "id-mismatch"]
    assert [p.id for p in found] == ["china"]
