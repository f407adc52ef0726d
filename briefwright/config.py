"""Every path the project reads or writes, and its settings, resolved once from the root.

A project's defaults live in `briefwright.toml` at its root (not in `[tool.briefwright]`
of a pyproject.toml: a content repository is not a Python package, and the file's
presence is what marks a folder as a briefwright project). Every key is optional:

    lang = "en"                                   # BCP 47 tag of the briefs' language
    title = "Fisheries briefs"                    # the project's name (index page)
    publisher = "Example Institute"               # printed on every brief
    citation_style = "chicago-notes-bibliography" # a brief's own citation_style wins
    topics = ["economy", "security"]              # when given, the only topics allowed
    [paths]                                       # where content lives, from the root
    content = "content"
    briefings = "briefings"
    templates = "templates"
    dist = "dist"

A broken file never stops a command with a traceback: its problems (located at
path:line:col) are kept on the `Project`, the check reports them, and the defaults
stand in meanwhile.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .dates import Date
from .model import Id, ShortText
from .problems import Problem

# The default template ships inside the package; a project's templates/<name>/ overrides it.
BUILTIN_TEMPLATES = Path(str(files("briefwright") / "templates"))
DEFAULT_TEMPLATE = "policy-brief"
TEMPLATE_FILE = "brief.md.j2"
CONFIG_FILE = "briefwright.toml"
# Taplo (Even Better TOML) reads this first line the way YAML language servers read theirs.
CONFIG_SCHEMA_LINE = "#:schema ./schemas/config.schema.json"
DEFAULT_CITATION_STYLE = "chicago-notes-bibliography"
# Like a content file: a settings file is a few lines, and is read before anything else.
MAX_CONFIG_BYTES = 256 * 1024

# A BCP 47 language tag, simplified: language, then optional script/region/variant subtags.
LANG_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"


def _relative_folder(value: str) -> str:
    path = PurePosixPath(value)
    if not value or "\\" in value or path.is_absolute() or ".." in path.parts:
        raise ValueError("must be a folder inside the project, written like 'content' or 'a/b'")
    return path.as_posix()


Folder = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_relative_folder)
]


class Paths(BaseModel):
    """Where content lives, relative to the project root."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    content: Folder = Field("content", description="Sources, claims, quotes, actors, ...")
    briefings: Folder = Field("briefings", description="One YAML file per brief.")
    templates: Folder = Field("templates", description="The project's own templates.")
    dist: Folder = Field("dist", description="Outputs; 'briefwright clean' removes it.")

    @field_validator("dist")
    @classmethod
    def _dist_apart(cls, value: str, info: ValidationInfo) -> str:
        # `clean` deletes dist/ and a build replaces it: it must not hold anything else.
        dist = PurePosixPath(value)
        if value == ".":
            raise ValueError("cannot be the project root: 'clean' removes it")
        for name in ("content", "briefings", "templates"):
            other = PurePosixPath(info.data.get(name, name))
            if other == dist or dist in other.parents or other in dist.parents:
                raise ValueError(f"overlaps '{name}': 'clean' would remove {name}")
        return value


class Settings(BaseModel):
    """The project's defaults, from briefwright.toml (all optional)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="briefwright.toml",
        json_schema_extra={"description": "A briefwright project's settings."},
    )
    lang: Annotated[str, StringConstraints(pattern=LANG_PATTERN)] = Field(
        "en", description="The briefs' language as a BCP 47 tag: 'en', 'de', 'pt-BR'."
    )
    title: ShortText | None = Field(None, description="The project's name (index page).")
    publisher: ShortText | None = Field(
        None, description="Who publishes the briefs (printed on them)."
    )
    citation_style: Id = Field(
        DEFAULT_CITATION_STYLE,
        description="CSL style of briefs that do not name their own citation_style.",
    )
    topics: tuple[Id, ...] | None = Field(
        None,
        min_length=1,
        description="The topic vocabulary: when given, claims, quotes and timelines may "
        "only use these topics.",
    )
    paths: Paths = Field(default_factory=Paths)

    @field_validator("topics")
    @classmethod
    def _topics_once(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        twice = sorted({t for t in value or () if (value or ()).count(t) > 1})
        if twice:
            raise ValueError(f"topic '{twice[0]}' is listed twice")
        return value


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    settings: Settings = field(default_factory=Settings, compare=False)
    # Problems of briefwright.toml; the check reports them (the defaults stand in meanwhile).
    config_problems: tuple[Problem, ...] = field(default=(), compare=False)
    # Set by `--as-of`: every brief is previewed as of this date, built into preview/.
    as_of: Date | None = None

    @classmethod
    def at(cls, root: str | Path = ".") -> Project:
        resolved = Path(root).resolve()
        settings, problems = load_settings(resolved)
        return cls(resolved, settings, tuple(problems))

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def content(self) -> Path:
        return self.root / self.settings.paths.content

    @property
    def sources(self) -> Path:
        return self.content / "sources"

    @property
    def claims(self) -> Path:
        return self.content / "claims"

    @property
    def quotes(self) -> Path:
        return self.content / "quotes"

    @property
    def positions(self) -> Path:
        return self.content / "positions"

    @property
    def options(self) -> Path:
        return self.content / "options"

    @property
    def actors(self) -> Path:
        return self.content / "actors.yaml"

    @property
    def briefings(self) -> Path:
        return self.root / self.settings.paths.briefings

    @property
    def templates(self) -> Path:
        return self.root / self.settings.paths.templates

    @property
    def dist(self) -> Path:
        """Where builds go: dist/, or a preview's own folder (never the published edition)."""
        if self.as_of is not None:
            return self.root / "preview" / f"as-of-{self.as_of.iso()}"
        return self.root / self.settings.paths.dist

    def previewed(self, as_of: Date | None) -> Project:
        """This project with every brief dated `as_of` (None: each brief's own date)."""
        return dataclasses.replace(self, as_of=as_of)

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    def template(self, name: str) -> Path:
        """The project's own template folder of that name, else the built-in one."""
        own = self.templates / name
        if (own / TEMPLATE_FILE).is_file() or not (BUILTIN_TEMPLATES / name).is_dir():
            return own
        return BUILTIN_TEMPLATES / name

    def rel(self, path: Path) -> str:
        """The path as shown in messages: relative to the root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


# --- reading briefwright.toml ---------------------------------------------------------


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """The settings in root/briefwright.toml (defaults when absent) and its problems."""
    path = root / CONFIG_FILE
    if not path.is_file() and not path.is_symlink():
        return Settings(), []
    if not path.resolve().is_relative_to(root.resolve()):
        return Settings(), [
            _problem(1, 1, f"{CONFIG_FILE} is a link to a file outside the project; not read")
        ]
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            return Settings(), [
                _problem(1, 1, f"{CONFIG_FILE} is larger than {MAX_CONFIG_BYTES // 1024} kB")
            ]
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Settings(), [_problem(1, 1, f"{CONFIG_FILE} is not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return Settings(), [_problem(1, 1, f"{CONFIG_FILE} cannot be read: {exc.strerror}")]
    return parse_settings(text)


def parse_settings(text: str) -> tuple[Settings, list[Problem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [_syntax_problem(str(exc), text)]
    try:
        return Settings.model_validate(data), []
    except ValidationError as exc:
        spots = _scan(text)
        return Settings(), sorted(_explain(error, spots) for error in exc.errors())


def _problem(line: int, col: int, message: str, hint: str | None = None) -> Problem:
    return Problem(CONFIG_FILE, line, col, "invalid-config", "error", message, hint=hint)


def _syntax_problem(message: str, text: str) -> Problem:
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if found:
        line, col = int(found[1]), int(found[2])
    else:  # "(at end of document)"
        line = text.count("\n") + 1
        col = len(text.rsplit("\n", 1)[-1]) + 1
    reason = re.sub(r"\s*\(at [^)]*\)$", "", message)
    return _problem(
        line,
        col,
        f"{CONFIG_FILE} is not valid TOML: {reason}",
        hint='write key = value lines, strings in double quotes: lang = "en"',
    )


def _explain(error: Any, spots: _Spots) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    name = ".".join(str(step) for step in loc if isinstance(step, str))
    if kind == "extra_forbidden":
        line, col = spots.key(loc)
        allowed = _field_names(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "allowed keys: " + ", ".join(allowed)
        return _problem(line, col, f"unknown setting '{name}'", hint)
    line, col = spots.value(loc)
    message = error["msg"].removeprefix("Value error, ")
    # Say it in TOML's words, not Python's.
    message = message.replace("a valid tuple", "a list").replace("Tuple should", "The list should")
    message = message.replace("a valid dictionary or instance of Paths", "a table: [paths]")
    shown = error.get("input")
    if kind == "string_pattern_mismatch":
        message = "not a language tag" if loc == ("lang",) else "not a kebab-case id"
    if isinstance(shown, str | int) and len(str(shown)) < 80:
        message = f"{message} (got '{shown}')"
    hint = _HINTS.get(loc[-1] if loc and isinstance(loc[-1], str) else (loc[0] if loc else ""))
    if kind == "string_pattern_mismatch" and loc and loc[0] in ("topics", "citation_style"):
        hint = "ids are kebab-case: lower-case letters, digits and single hyphens"
    return _problem(line, col, f"'{name}': {message}" if name else message, hint)


_HINTS = {
    "lang": "a BCP 47 language tag such as 'en', 'fr' or 'pt-BR'",
    "topics": 'a list of kebab-case ids, each once: topics = ["economy", "security"]',
    "dist": "a folder of its own, such as 'dist'",
    "paths": 'folders inside the project, such as content = "content"',
}


def _field_names(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Paths if loc[:1] == ("paths",) else Settings
    return list(model.model_fields)


# --- where each key and value of a TOML file is ----------------------------------------
# tomllib gives values without positions; a small scan of the text finds them. It knows
# enough TOML for a settings file (tables, dotted keys, one-line values, arrays over
# several lines); anything it does not find is reported at its table, or at 1:1.

_HEADER = re.compile(r"\s*\[\s*([^\[\]#]+?)\s*\]")
_BARE = r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'"
_KEY = re.compile(rf"(\s*)((?:{_BARE})(?:\s*\.\s*(?:{_BARE}))*)\s*=\s*")


def _key_parts(raw: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_BARE, raw))


@dataclass
class _Spots:
    keys: dict[tuple[str | int, ...], tuple[int, int]]
    values: dict[tuple[str | int, ...], tuple[int, int]]

    def key(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        return self._nearest(self.keys, loc)

    def value(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        return self._nearest(self.values, loc)

    def _nearest(
        self, table: dict[tuple[str | int, ...], tuple[int, int]], loc: tuple[Any, ...]
    ) -> tuple[int, int]:
        for cut in range(len(loc), 0, -1):
            hit = table.get(loc[:cut]) or self.keys.get(loc[:cut])
            if hit:
                return hit
        return (1, 1)


def _scan(text: str) -> _Spots:
    spots = _Spots({}, {})
    lines = text.splitlines()
    table: tuple[str, ...] = ()
    index = 0
    while index < len(lines):
        line = lines[index]
        header = _HEADER.match(line)
        key = None if header else _KEY.match(line)
        if header:
            table = _key_parts(header[1])
            spots.keys.setdefault(table, (index + 1, line.index("[") + 1))
        elif key:
            path = table + _key_parts(key[2])
            spots.keys[path] = (index + 1, len(key[1]) + 1)
            spots.values[path] = (index + 1, key.end() + 1)
            if line[key.end() :].startswith("["):
                for item, at in enumerate(_array_items(lines, index, key.end())):
                    spots.values[(*path, item)] = at
                    index = at[0] - 1
        index += 1
    return spots


def _array_items(lines: list[str], row: int, col: int) -> Iterator[tuple[int, int]]:
    """The (line, column) of each top-level item of the array opening at lines[row][col]."""
    depth = 0
    expecting = False
    for r in range(row, len(lines)):
        line = lines[r]
        c = col if r == row else 0
        while c < len(line):
            char = line[c]
            if char == "#":
                break
            if char in "\"'":
                if depth == 1 and expecting:
                    yield (r + 1, c + 1)
                    expecting = False
                end = line.find(char, c + 1)
                c = len(line) if end < 0 else end + 1
                continue
            if char in "[{":
                depth += 1
                if depth == 2 and expecting:
                    yield (r + 1, c + 1)
                    expecting = False
                if depth == 1:
                    expecting = True
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return
            elif char == "," and depth == 1:
                expecting = True
            elif not char.isspace() and depth == 1 and expecting:
                yield (r + 1, c + 1)
                expecting = False
            c += 1
