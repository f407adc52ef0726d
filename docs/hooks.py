"""MkDocs hooks: the reference pages are generated from the code at build time.

A page asks for generated text with a marker line:

    <!-- generated: rules | cli | model | config -->
    <!-- include: README.md -->          (a file at the repository's top, as it is)

Generated from `briefwright.rules.RULES`, the argparse parser in `briefwright.cli`, the
pydantic models (through the JSON Schemas `briefwright schema` writes) and the settings
model, so the reference cannot drift from the code. Links that leave docs/ are rewritten:
to the page that shows the file (README → the home page, SECURITY → the threat model,
CHANGELOG → the changelog), else to plain text, so strict mode stays quiet.
"""

from __future__ import annotations

import argparse
import os
import re
import typing
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
# Files outside docs/ that the site shows, and the page that shows them.
MIRRORS = {
    "README.md": "index.md",
    "CHANGELOG.md": "changelog.md",
    "SECURITY.md": "explanation/threat-model.md",
}
MARKER = re.compile(r"^<!-- (generated|include): ([\w./-]+) -->$", re.MULTILINE)
# Fenced blocks and inline code are left alone: `[x](y)` in code is an example, not a link.
CODE = re.compile(r"(^```.*?^```[ \t]*$|`[^`\n]+`)", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\s]+)\)")


# --- the MkDocs hooks ------------------------------------------------------------------


def on_config(config: Any) -> Any:
    # Heading ids as GitHub makes them, so the README's and docs' links work in both places.
    config["mdx_configs"].setdefault("toc", {})["slugify"] = github_slug
    return config


def github_slug(value: str, separator: str) -> str:
    """Lower case, drop everything but letters, digits, '-', '_' and spaces; spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", value.strip().lower()).replace(" ", separator)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    page_path = Path(page.file.abs_src_path)
    return expand(markdown, page_path)


def expand(markdown: str, page_path: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        kind, name = match[1], match[2]
        if kind == "include":
            origin = REPO / name
            return rewrite_links(origin.read_text("utf-8"), origin, page_path)
        return GENERATORS[name]()

    return rewrite_links(MARKER.sub(replace, markdown), page_path, page_path)


# --- links -----------------------------------------------------------------------------


def rewrite_links(markdown: str, origin: Path, page_path: Path) -> str:
    """Links written in `origin`, made to work on the page at `page_path`."""
    parts = CODE.split(markdown)
    for index in range(0, len(parts), 2):  # odd parts are code
        parts[index] = LINK.sub(lambda m: _link(m, origin, page_path), parts[index])
    return "".join(parts)


def _link(match: re.Match[str], origin: Path, page_path: Path) -> str:
    bang, text, target = match[1], match[2], match[3]
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return match[0]
    path, _, anchor = target.partition("#")
    resolved = (origin.parent / path).resolve()
    in_repo = resolved.is_relative_to(REPO)
    relative_to_repo = resolved.relative_to(REPO).as_posix() if in_repo else ""
    if resolved.is_relative_to(DOCS) and resolved.exists():
        goal = resolved
    elif relative_to_repo in MIRRORS:
        goal = DOCS / MIRRORS[relative_to_repo]
    else:
        # A file the site does not show (code, content): name it instead of linking it.
        return text if bang == "" else ""
    href = PurePosixPath(os.path.relpath(goal, page_path.parent)).as_posix()
    return f"{bang}[{text}]({href}{'#' + anchor if anchor else ''})"


# --- rules -----------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_reference() -> str:
    from briefwright.rules import RULES

    lines = ["| code | level | what it means |", "|---|---|---|"]
    for code, (level, doc) in RULES.items():
        lines.append(f"| `{code}` | {level} | {_cell(doc)} |")
    return "\n".join(lines) + "\n"


# --- the command line ------------------------------------------------------------------


def _argument(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    # argparse's own spelling: "-j JOBS, --jobs JOBS", "--format {text,github,json}".
    return f"`{parser._get_formatter()._format_action_invocation(action)}`"


def _explain(action: argparse.Action) -> str:
    parts = [action.help or ""]
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        parts.append("one of: " + ", ".join(f"`{c}`" for c in action.choices))
    shown = action.default not in (None, False, argparse.SUPPRESS) and action.nargs != 0
    if shown and "default" not in (action.help or ""):
        parts.append(f"default: `{action.default}`")
    if action.required and action.option_strings:
        parts.append("required")
    return _cell("; ".join(p for p in parts if p))


def _parser_section(parser: argparse.ArgumentParser, level: int, help_text: str) -> Iterator[str]:
    yield f"{'#' * level} `{parser.prog}`\n"
    text = parser.description or help_text
    if text:
        yield text + "\n"
    yield "```\n" + parser.format_usage().removeprefix("usage: ").strip() + "\n```\n"
    rows = [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
        and a.help != argparse.SUPPRESS
    ]
    if rows:
        yield "| argument | meaning |\n|---|---|"
        yield "\n".join(f"| {_argument(parser, a)} | {_explain(a)} |" for a in rows) + "\n"
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help or "" for c in action._choices_actions}
            for name, sub in action.choices.items():
                yield from _parser_section(sub, min(level + 1, 4), helps.get(name, ""))


def cli_reference() -> str:
    from briefwright.cli import _parser

    # Usage lines wrap the same on every machine. COLUMNS is put back afterwards: the tests
    # call this in their own process, where it would reach every later test and tool.
    with mock.patch.dict(os.environ, {"COLUMNS": "88"}):
        return "\n".join(_parser_section(_parser(), 2, ""))


# --- the content model and the settings --------------------------------------------------


def _type(node: dict[str, Any]) -> str:
    from briefwright import dates
    from briefwright.model import ID_PATTERN
    from briefwright.schema import BARE_YEAR, URL_PATTERN

    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    for key in ("anyOf", "oneOf"):
        if key in node:
            # null is "optional"; a bare year is how a YAML 1.2 editor reads an unquoted date.
            kept = [o for o in node[key] if o.get("type") != "null" and o != BARE_YEAR]
            return " or ".join(dict.fromkeys(_type(o) for o in kept))
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    if kind == "array":
        return "list of " + _type(node.get("items", {}))
    if kind == "string":
        if node.get("pattern") == dates.PATTERN:
            return "date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `~`, `A/B`)"
        if node.get("pattern") == ID_PATTERN:
            return "id (kebab-case)"
        if node.get("pattern") == URL_PATTERN:
            return "an http:// or https:// address"
        if "pattern" in node:
            return f"text matching `{node['pattern']}`"
        return "text"
    if kind == "integer":
        low = node.get("minimum")
        return "integer" + (f" ≥ {low}" if low is not None else "")
    return kind or "any"


def _fields(model: dict[str, Any]) -> str:
    required = set(model.get("required", ()))
    lines = ["| key | type | required / default | meaning |", "|---|---|---|---|"]
    for key, node in model.get("properties", {}).items():
        if key in required:
            need = "**required**"
        elif "default" in node and node["default"] not in (None, [], ()):
            need = f"default `{node['default']}`"
        else:
            need = "optional"
        meaning = node.get("description", "")
        lines.append(f"| `{key}` | {_cell(_type(node))} | {need} | {_cell(meaning)} |")
    return "\n".join(lines) + "\n"


def _models(schema: dict[str, Any], root_name: str, done: set[str]) -> Iterator[str]:
    """A table per model: the file's own model first, then the parts it uses."""
    root = schema.get("items", schema) if schema.get("type") == "array" else schema
    if "$ref" in root:
        root = schema["$defs"][root["$ref"].rsplit("/", 1)[-1]]
    for name, model in [(root_name, root), *schema.get("$defs", {}).items()]:
        if name in done or "properties" not in model:
            continue
        done.add(name)
        yield f"### {name}\n"
        if model.get("description") and not model["description"].startswith("Generated"):
            yield model["description"] + "\n"
        yield _fields(model)


def model_reference() -> str:
    from briefwright.schema import KINDS, generate

    done: set[str] = set()
    out: list[str] = []
    for kind in KINDS:
        model = (typing.get_args(kind.model) or (kind.model,))[0]  # list[Claim] -> Claim
        out.append(f"## {kind.title}\n")
        out.append(f"JSON Schema: `schemas/{kind.file_name}`.\n")
        out.extend(_models(generate(kind), model.__name__, done))
    return "\n".join(out)


def config_reference() -> str:
    from briefwright.schema import config_schema

    return "\n".join(_models(config_schema(), "Settings", set()))


GENERATORS: dict[str, Callable[[], str]] = {
    "rules": rules_reference,
    "cli": cli_reference,
    "model": model_reference,
    "config": config_reference,
}
