"""briefwright.toml: defaults, located problems, configured folders, the topic vocabulary."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import GIT_ENV, PROJECTS, ROOT

from briefwright.cli import main
from briefwright.config import CONFIG_FILE, Project, Settings, parse_settings
from briefwright.load import load_project
from briefwright.pipeline import check
from briefwright.problems import BriefwrightError
from briefwright.render import render_brief
from briefwright.schema import config_schema


def located(text: str) -> list[tuple[int, int, str]]:
    _settings, problems = parse_settings(text)
    assert all(p.code == "invalid-config" and p.path == CONFIG_FILE for p in problems)
    return [(p.line, p.col, p.message) for p in problems]


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    project = Project.at(tmp_path)
    assert project.settings == Settings()
    assert project.settings.lang == "en" and project.settings.topics is None
    assert project.config_problems == ()
    assert project.content == tmp_path.resolve() / "content"
    assert project.dist == tmp_path.resolve() / "dist"


def test_settings_are_read_and_frozen(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_text(
        '#:schema ./schemas/config.schema.json\nlang = "pt-BR"\npublisher = "Example Institute"\n'
        'citation_style = "apa"\ntopics = ["economy", "security"]\n'
        '[paths]\ncontent = "src/content"\ndist = "public"\n',
        "utf-8",
    )
    project = Project.at(tmp_path)
    assert project.config_problems == ()
    settings = project.settings
    assert (settings.lang, settings.publisher, settings.citation_style) == (
        "pt-BR",
        "Example Institute",
        "apa",
    )
    assert settings.topics == ("economy", "security")
    assert project.claims == tmp_path.resolve() / "src/content/claims"
    assert project.dist == tmp_path.resolve() / "public"
    assert project.briefings == tmp_path.resolve() / "briefings"
    with pytest.raises(Exception, match="frozen"):
        settings.lang = "de"  # type: ignore[misc]


def test_toml_syntax_error_is_located() -> None:
    assert located('lang = "en"\npublisher = \n') == [
        (2, 13, "briefwright.toml is not valid TOML: Invalid value")
    ]


def test_wrong_values_are_located_at_the_value() -> None:
    text = (
        'lang = "EN_us"\n'  # 1
        "topics = [\n"  # 2
        '  "economy",\n'  # 3
        '  "Bad Topic",\n'  # 4
        "]\n"  # 5
        "[paths]\n"  # 6
        'contnet = "x"\n'  # 7
        'dist = "content/out"\n'  # 8
    )
    assert located(text) == [
        (1, 8, "'lang': not a language tag (got 'EN_us')"),
        (4, 3, "'topics': not a kebab-case id (got 'Bad Topic')"),
        (7, 1, "unknown setting 'paths.contnet'"),
        (
            8,
            8,
            "'paths.dist': overlaps 'content': 'clean' would remove content (got 'content/out')",
        ),
    ]
    _settings, problems = parse_settings(text)
    assert problems[2].hint == "did you mean 'content'?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('paths.dist = "."\n', (1, 14, "'paths.dist': cannot be the project root")),
        ('[paths]\ncontent = "../elsewhere"\n', (2, 11, "'paths.content': must be a folder")),
        ('topics = ["a", "b", "a"]\n', (1, 10, "'topics': topic 'a' is listed twice")),
        ("topics = []\n", (1, 10, "'topics': The list should have at least 1 item")),
        ('topics = "economy"\n', (1, 10, "'topics': Input should be a list (got 'economy')")),
        ('paths = "x"\n', (1, 9, "'paths': Input should be a table: [paths]")),
        ('titel = "x"\n', (1, 1, "unknown setting 'titel'")),
    ],
)
def test_each_rule_of_the_settings(text: str, expected: tuple[int, int, str]) -> None:
    [(line, col, message)] = located(text)
    assert (line, col) == expected[:2]
    assert message.startswith(expected[2])


def test_a_broken_config_fails_the_check_and_the_defaults_stand_in(make_project, capsys) -> None:
    root = make_project()
    (root / CONFIG_FILE).write_text('lang = "en"\n[paths]\nconten = "content"\n', "utf-8")
    assert main(["-C", str(root), "check"]) == 1
    out = capsys.readouterr().out
    assert "briefwright.toml:3:1: error[invalid-config] unknown setting 'paths.conten'" in out
    assert "hint: did you mean 'content'?" in out
    assert "1 error" in out  # the content itself was still read and checked


def test_a_config_linked_from_outside_is_not_read(make_project, tmp_path: Path) -> None:
    root = make_project()
    outside = tmp_path / "secret.toml"
    outside.write_text('publisher = "leaked"\n', "utf-8")
    (root / CONFIG_FILE).symlink_to(outside)
    project = Project.at(root)
    assert project.settings.publisher is None
    [problem] = project.config_problems
    assert "outside the project" in problem.message


def test_an_oversized_config_is_one_located_error(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_text("# " + "x" * 300_000 + "\n", "utf-8")
    project = Project.at(tmp_path)
    [problem] = project.config_problems
    assert (problem.line, problem.col, problem.code) == (1, 1, "invalid-config")
    assert "larger than 256 kB" in problem.message
    assert project.settings == Settings()


def test_configured_folders_are_where_content_is_read(make_project) -> None:
    root = make_project()
    (root / "material").mkdir()
    (root / "content").rename(root / "material" / "content")
    (root / "briefings").rename(root / "editions")
    (root / CONFIG_FILE).write_text(
        '[paths]\ncontent = "material/content"\nbriefings = "editions"\n', "utf-8"
    )
    checked = check(Project.at(root))
    assert [p for p in checked.problems if p.level == "error"] == []
    assert "fisheries-deal" in checked.content.claims
    assert set(checked.content.briefings) == {"brief"}


# --- the topic vocabulary --------------------------------------------------------------


def test_undeclared_topics_are_not_checked(make_project) -> None:
    checked = check(Project.at(make_project()))
    assert not [p for p in checked.problems if p.code == "unknown-topic"]


def test_a_topic_outside_the_vocabulary_is_a_located_error(make_project) -> None:
    root = make_project()
    (root / CONFIG_FILE).write_text('topics = ["economics", "security"]\n', "utf-8")
    brief = root / "briefings" / "brief.yaml"
    brief.write_text(
        brief.read_text("utf-8").replace(
            '{type: timeline, from: "2019", to: "2020-12"}',
            '{type: timeline, from: "2019", to: "2020-12", topics: [securty]}',
        ),
        "utf-8",
    )
    found = [p for p in check(Project.at(root)).problems if p.code == "unknown-topic"]
    assert [(p.path, p.line, p.col, p.level) for p in found] == [
        ("briefings/brief.yaml", 9, 60, "error"),
        ("content/claims/main.yaml", 7, 12, "error"),
    ]
    assert found[1].message == (
        "claim 'fisheries-deal' has topic 'economy', which briefwright.toml does not declare "
        "(did you mean 'economics'?)"
    )
    assert found[1].id == "fisheries-deal"
    assert "add 'economy' to 'topics'" in (found[1].hint or "")
    assert "(did you mean 'security'?)" in found[0].message


def test_topic_rule_is_listed(capsys) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "unknown-topic" in out and "invalid-config" in out
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "| `unknown-topic` |" in readme and "| `invalid-config` |" in readme


# --- defaults reach the briefs ---------------------------------------------------------


def test_a_brief_without_citation_style_uses_the_projects(tmp_path: Path) -> None:
    root = tmp_path / "render-basic"
    shutil.copytree(PROJECTS / "render-basic", root)
    (root / CONFIG_FILE).write_text('citation_style = "chicago-notes-bibliografy"\n', "utf-8")
    content, _problems = load_project(Project.at(root))
    brief = content.briefings["basic"]
    own_style_removed = brief.model_copy(update={"citation_style": None})
    object.__setattr__(own_style_removed, "_where", brief.where)
    changed = dataclasses.replace(
        content, briefings={**content.briefings, "basic": own_style_removed}
    )
    with pytest.raises(BriefwrightError) as info:
        render_brief(changed, "basic")
    [problem] = info.value.problems
    assert problem.code == "unknown-citation-style"
    assert "'chicago-notes-bibliografy'" in problem.message


# --- the schema ------------------------------------------------------------------------


def test_config_schema_is_committed_and_agrees_with_the_model() -> None:
    committed = json.loads((ROOT / "schemas" / "config.schema.json").read_text("utf-8"))
    assert committed == config_schema()
    validator = jsonschema.Draft202012Validator(committed)
    good = {"lang": "en", "topics": ["economy"], "paths": {"content": "content"}}
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({"titel": "x"}))
    assert list(validator.iter_errors({"topics": ["Not An Id"]}))


def test_the_settings_are_part_of_every_briefs_inputs(make_project) -> None:
    """A new publisher or language changes the outputs, so the brief must be rebuilt."""
    from briefwright.builder import input_hash

    root = make_project()
    before = input_hash(check(Project.at(root)).content, "brief", "code")
    (root / CONFIG_FILE).write_text('publisher = "Example Institute"\n', "utf-8")
    after = input_hash(check(Project.at(root)).content, "brief", "code")
    assert before != after


def test_diff_reads_each_revision_with_its_configured_folders(make_project) -> None:
    """The base revision is materialised with briefwright.toml and the folders it names."""
    import os
    import subprocess

    from briefwright.diff import diff_revisions

    root = make_project()
    (root / "content").rename(root / "material")
    (root / CONFIG_FILE).write_text('[paths]\ncontent = "material"\n', "utf-8")
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, timeout=30)
    claims = root / "material" / "claims" / "main.yaml"
    claims.write_text(
        claims.read_text("utf-8")
        + "- id: officials-quoted\n  kind: fact\n  text: Officials spoke.\n"
        "  cites:\n    - source: alpha-2020\n      quote: Officials said\n",
        "utf-8",
    )
    changes = diff_revisions(Project.at(root), "HEAD").changes
    assert [(c.kind, c.id, c.status) for c in changes] == [("claim", "officials-quoted", "added")]


def test_a_config_that_is_not_utf8_is_one_located_error(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_bytes(b'publisher = "caf\xe9"\n')
    [problem] = Project.at(tmp_path).config_problems
    assert (problem.path, problem.line, problem.code) == (CONFIG_FILE, 1, "invalid-config")
    assert "not UTF-8" in problem.message
