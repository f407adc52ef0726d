"""`briefwright impact SOURCE_ID`: everything that depends on a source."""

from __future__ import annotations

import json

from briefwright.cli import main


def test_text_lists_every_dependent_with_its_location(make_project, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "impact", "alpha-2020"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "source 'alpha-2020' (Fisheries deal signed, Example Times, 2020-03)",
        "claims (3; 3 rely on it alone):",
        "  content/claims/main.yaml:9:15  fisheries-deal  ¶ 2  [only this source]",
        "  content/claims/main.yaml:16:15  talks-length  ¶ 3  [only this source]",
        "  content/claims/main.yaml:22:15  no-settlement  ¶ 4  [only this source]",
        "judgments (through basis) (1):",
        "  content/claims/main.yaml:44:10  ties-judgment  via fisheries-deal",
        "quotes (1):",
        "  content/quotes/main.yaml:5:11  author-no-settlement  ¶ 4",
        "options (1):",
        "  content/options/main.yaml:1:7  engage  cons: no-settlement",
        "position points (1):",
        "  content/positions/japan.yaml:4:13  japan: Fisheries  fisheries-deal",
        "briefs (1):",
        "  briefings/brief.yaml:1:1  brief  4 claims, 1 quote",
    ]


def test_json_and_a_judgment_standing_on_one_source_only(make_project, capsys) -> None:
    root = make_project()
    claims = root / "content" / "claims" / "main.yaml"
    claims.write_text(
        claims.read_text("utf-8")
        + """- id: beta-only-judgment
  kind: judgment
  text: Ties are likely to deepen.
  confidence: low
  likelihood: likely
  basis: [ties-deepen, scrambles]
- id: on-a-judgment
  kind: judgment
  text: It is likely.
  confidence: low
  likelihood: likely
  basis: [beta-only-judgment]
""",
        "utf-8",
    )
    assert main(["-C", str(root), "impact", "beta-2019", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "beta-2019" and data["withdrawn"] is False
    assert [(d["id"], d["detail"], d["only_this_source"]) for d in data["judgments"]] == [
        ("ties-judgment", "via ties-deepen", False),
        ("beta-only-judgment", "via scrambles, ties-deepen", True),
        ("on-a-judgment", "via beta-only-judgment", True),  # found through a judgment
    ]
    assert [d["id"] for d in data["quotes"]] == []
    assert [(d["id"], d["detail"]) for d in data["briefs"]] == [("brief", "3 claims, 0 quotes")]


def test_withdrawn_source_is_flagged_and_the_check_fails_on_it(make_project, capsys) -> None:
    root = make_project()
    source = root / "content" / "sources" / "beta-2019.yaml"
    source.write_text(source.read_text("utf-8") + "withdrawn: true\n", "utf-8")
    assert main(["-C", str(root), "impact", "beta-2019"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "source 'beta-2019' (Beta Review, Beta Quarterly, 2019~) — withdrawn"
    )
    assert main(["-C", str(root), "check"]) == 1
    out = capsys.readouterr().out
    assert out.count("[withdrawn-source]") == 2  # scrambles and ties-deepen rely on it alone


def test_unknown_source_suggests_the_right_one(make_project, capsys) -> None:
    root = make_project()
    assert main(["-C", str(root), "impact", "alpha-2021"]) == 1
    assert capsys.readouterr().err == (
        "briefwright: no source 'alpha-2021' (did you mean 'alpha-2020'?); sources: "
        "alpha-2020, beta-2019\n"
    )


def test_a_dangling_source_still_lists_its_claims(make_project, capsys) -> None:
    root = make_project("unknown-source")
    assert main(["-C", str(root), "impact", "alpha-2002"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "source 'alpha-2002' (not defined in content/sources/)",
        "claims (1; 1 relies on it alone):",
        "  content/claims/extra.yaml:4:15  wrong-source  no archived text  [only this source]",
    ]
