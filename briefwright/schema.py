"""JSON Schemas for every content file kind, generated from the model (one source of truth).

Editors point YAML language servers at them with a first line such as
`# yaml-language-server: $schema=../../schemas/claims.schema.json` and get completion and
errors while typing. The check stays the authority: a schema can only say what JSON
Schema can express, so it is a little more lenient than the model (it cannot know that a
quote must be verbatim) and never stricter.

A language server reads YAML 1.2, where an unquoted `2021` is a number; our loader keeps
every scalar as text. The generated schemas are adjusted for that one difference (a date
may be a bare year) and for two rules the model states in code (http(s) URLs, a name
needs a family name or a literal).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from . import dates
from .config import Project
from .load import require_inside
from .model import Actor, Briefing, Claim, Option, Position, Quote, Source

DRAFT = "https://json-schema.org/draft/2020-12/schema"
MODELINE = "# yaml-language-server: $schema="
# Case-insensitive `https?://` without inline flags, which ECMA regexes lack.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#][^\s]*$"


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of content file: its schema's file name and where such files live."""

    name: str  # schema file stem: schemas/<name>.schema.json
    title: str
    model: Any  # a model class or list[model]
    where: str  # the Project property naming the folder (or the file) of such files
    single_file: bool = False  # e.g. content/actors.yaml

    @property
    def file_name(self) -> str:
        return f"{self.name}.schema.json"

    def files(self, project: Project) -> list[Path]:
        # Through the Project, so folders moved in briefwright.toml are found.
        path: Path = getattr(project, self.where)
        if self.single_file:
            return [path] if path.is_file() else []
        folder = path
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


KINDS: tuple[Kind, ...] = (
    Kind("source", "A source: content/sources/<id>.yaml", Source, "sources"),
    Kind("claims", "Claims: a list in content/claims/*.yaml", list[Claim], "claims"),
    Kind("quotes", "Quotes: a list in content/quotes/*.yaml", list[Quote], "quotes"),
    Kind("actors", "Actors: content/actors.yaml", list[Actor], "actors", single_file=True),
    Kind(
        "position",
        "An actor's position: content/positions/<actor>.yaml",
        Position,
        "positions",
    ),
    Kind("options", "Options: a list in content/options/*.yaml", list[Option], "options"),
    Kind("briefing", "A brief: briefings/<name>.yaml", Briefing, "briefings"),
)


def kind_named(name: str) -> Kind:
    return next(k for k in KINDS if k.name == name)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _is_date(node: Any) -> bool:
    return isinstance(node, dict) and node.get("pattern") == dates.PATTERN


BARE_YEAR = {
    "type": "integer",
    "minimum": 0,
    "maximum": 9999,
    "description": "A year written without quotes (YAML reads it as a number).",
}


def _adjust(schema: dict[str, Any]) -> None:
    """Say in JSON Schema what the loader and the model's code accept."""
    for node in list(_walk(schema)):
        options = node.get("anyOf")
        if isinstance(options, list) and any(_is_date(o) for o in options):
            at = 1 if _is_date(options[0]) else len(options)
            node["anyOf"] = [*options[:at], dict(BARE_YEAR), *options[at:]]
        for key in ("properties", "items"):
            child = node.get(key)
            if key == "items" and _is_date(child):
                node["items"] = {"anyOf": [child, dict(BARE_YEAR)]}
            elif key == "properties" and isinstance(child, dict):
                for name, value in list(child.items()):
                    if _is_date(value):
                        child[name] = {"anyOf": [value, dict(BARE_YEAR)]}
    defs = schema.get("$defs", {})
    name = defs.get("Name")
    if name is not None:
        name["anyOf"] = [{"required": ["family"]}, {"required": ["literal"]}]
    source = schema if schema.get("title") == "Source" else defs.get("Source")
    if source is not None:
        for option in source["properties"]["url"].get("anyOf", []):
            if option.get("type") == "string":
                option["pattern"] = URL_PATTERN
                option["format"] = "uri"


def generate(kind: Kind) -> dict[str, Any]:
    schema = TypeAdapter(kind.model).json_schema(mode="validation", by_alias=True)
    _adjust(schema)
    schema["$schema"] = DRAFT
    schema["title"] = kind.title
    schema["description"] = (
        "Generated from briefwright's model by `briefwright schema`; do not edit. "
        "The content model is described in docs/content-model.md."
    )
    return schema


def render(kind: Kind) -> str:
    return json.dumps(generate(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def config_schema() -> dict[str, Any]:
    """The schema of briefwright.toml (for TOML language servers such as Taplo)."""
    from .config import Settings

    schema = Settings.model_json_schema(mode="validation")
    schema["$schema"] = DRAFT
    schema["title"] = "briefwright.toml: the project's settings"
    schema["description"] = (
        "Generated from briefwright's model by `briefwright schema`; do not edit. "
        "Every key is optional."
    )
    return schema


def rendered() -> dict[str, str]:
    """Every schema file, by file name, as it should be committed."""
    files = {kind.file_name: render(kind) for kind in KINDS}
    config = json.dumps(config_schema(), indent=2, sort_keys=True, ensure_ascii=False)
    return files | {"config.schema.json": config + "\n"}


@dataclass(frozen=True, slots=True)
class SchemaReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    stale: tuple[str, ...]  # differ from the model (or missing); for --check


def write_schemas(project: Project, check_only: bool = False) -> SchemaReport:
    from .builder import write_atomic

    written: list[str] = []
    unchanged: list[str] = []
    stale: list[str] = []
    for name, text in rendered().items():
        path = require_inside(project, project.schemas / name, "read or write")
        try:
            current = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            unchanged.append(name)
            continue
        stale.append(name)
        if not check_only:
            write_atomic(path, text.encode("utf-8"))
            written.append(name)
    return SchemaReport(tuple(written), tuple(unchanged), tuple(stale))


def modeline(project: Project, yaml_file: Path, kind: Kind) -> str:
    """The first line that points a YAML language server at the kind's schema."""
    import os

    target = project.schemas / kind.file_name
    relative = Path(os.path.relpath(target, yaml_file.parent)).as_posix()
    return f"{MODELINE}{relative}\n"


def link_files(project: Project) -> list[Path]:
    """Insert the schema modeline as the first line of every content file lacking one.

    Only that line is added; the rest of each file is left byte for byte as it was.
    """
    from .builder import write_atomic

    files = [(kind, path) for kind in KINDS for path in kind.files(project)]
    for _, path in files:  # all proven first: a refusal leaves every file as it was
        require_inside(project, path, "link")
    changed: list[Path] = []
    for kind, path in files:
        data = path.read_bytes()
        if data.startswith(MODELINE.encode()):
            continue
        write_atomic(path, modeline(project, path, kind).encode("utf-8") + data)
        changed.append(path)
    return changed
