"""The documentation site: generated reference pages, link rewriting, a strict build."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from briefwright.cli import _parser, main
from briefwright.model import Claim, Source
from briefwright.rules import RULES

DOCS = ROOT / "docs"


def _hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _hooks()


def test_every_rule_is_in_the_rules_reference() -> None:
    page = hooks.rules_reference()
    for code, (level, _doc) in RULES.items():
        assert f"| `{code}` | {level} |" in page


def test_every_command_and_option_is_in_the_cli_reference(monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    page = hooks.cli_reference()
    # The page is made at a fixed width, and the width is not left to later tests and tools.
    assert "COLUMNS" not in os.environ
    sub = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert f"`briefwright {name}`" in page, name
    assert "`briefwright source add`" in page
    assert "`--title TITLE`" in page and "`--version`" in page


def test_every_key_is_in_the_model_reference() -> None:
    page = hooks.model_reference()
    for model in (Source, Claim):
        assert f"### {model.__name__}\n" in page
        for field in model.model_fields:
            assert f"| `{field}` |" in page, field
    assert "| `from` |" in page  # aliases as editors write them
    config = hooks.config_reference()
    assert "| `topics` |" in config and "| `dist` |" in config


def test_links_leaving_docs_are_rewritten(tmp_path: Path) -> None:
    page = DOCS / "explanation" / "page.md"
    text = (
        "[Editions](../../README.md#editions) [model](../content-model.md) "
        "[code](../../briefwright/rules.py) `[x](y)` [site](https://example.org)\n"
        "```\n[in](code.md)\n```\n"
    )
    assert hooks.rewrite_links(text, page, page) == (
        "[Editions](../index.md#editions) [model](../content-model.md) "
        "code `[x](y)` [site](https://example.org)\n"
        "```\n[in](code.md)\n```\n"
    )
    # The README, shown as the home page, keeps working links into docs/.
    readme = hooks.rewrite_links("[w](docs/workflow.md)", ROOT / "README.md", DOCS / "index.md")
    assert readme == "[w](workflow.md)"


def test_github_heading_ids() -> None:
    assert hooks.github_slug("Briefs — briefings/<name>.yaml", "-") == "briefs--briefingsnameyaml"
    assert hooks.github_slug("Reading the check's output", "-") == "reading-the-checks-output"


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))

    def pages(node) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [p for item in node for p in pages(item)]
        return [p for value in node.values() for p in pages(value)]

    listed = set(pages(config["nav"]))
    excluded = {"review.md"}  # the corpus review's working notes, not user documentation
    found = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")} - excluded
    assert found == listed


@pytest.mark.slow
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")  # the `docs` extra
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    rules = (tmp_path / "reference" / "rules" / "index.html").read_text("utf-8")
    assert all(f"<code>{code}</code>" in rules for code in RULES)
    home = (tmp_path / "index.html").read_text("utf-8")
    assert 'href="content-model/' in home  # the README's link into docs/ works on the site


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_the_tutorial_is_true(tmp_path: Path, monkeypatch, capsys) -> None:
    """Follow docs/tutorial.md: its commands, its files, the problem it shows (no build)."""
    tutorial = (DOCS / "tutorial.md").read_text("utf-8")
    [article] = _blocks(tutorial, "text")
    [claim] = _blocks(tutorial, "yaml")
    commands = [
        command.split() if command.startswith("cd ") else shlex.split(command)
        for block in _blocks(tutorial, "sh")
        for line in block.replace("\\\n", " ").splitlines()
        for command in line.split(" && ")
        if command.startswith(("briefwright", "cd "))
    ]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "courier.txt").write_text(article, "utf-8")
    step = "start"
    for args in commands:
        if args[0] == "cd":
            monkeypatch.chdir(Path.cwd() / args[1])
            continue
        if args[1:] == ["--version"] or args[1] == "build":
            continue  # the build is proved by the acceptance test and test_init
        if args[1] == "check" and step == "new":  # step 5: the claim with its misquote
            review = Path("content/claims/review.yaml")
            review.write_text(claim, "utf-8")
            capsys.readouterr()
            assert main(args[1:]) == 1
            out = capsys.readouterr().out
            shown = re.search(r"^\S+review\.yaml:\d+:\d+: error\[quote-not-found\]", out, re.M)
            assert shown and shown[0] in tutorial
            review.write_text(claim.replace("Tamber agreement", "Tamber river agreement"), "utf-8")
            step = "fixed"
            continue
        if args[1] == "check" and step == "fixed":  # step 6: the claim goes into the brief
            brief = Path("briefings/tamber-agreement.yaml")
            text = brief.read_text("utf-8")
            # "add council-asks-review to the claims of the first section"
            first = re.compile(r"(type: claims\b.*?claims: \[[^\]]*)\]")
            brief.write_text(first.sub(r"\1, council-asks-review]", text, count=1), "utf-8")
            step = "done"
        assert main(args[1:]) == 0, args
        if args[1] == "new":
            step = "new"
    assert step == "done"
    assert main(["check", "--strict"]) == 0
    assert "council-asks-review" in Path("briefings/tamber-agreement.yaml").read_text("utf-8")
