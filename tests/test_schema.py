"""JSON Schemas: generated from the model, committed, and true to the shipped YAML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from yaml import events

from briefwright.cli import main
from briefwright.config import Project
from briefwright.schema import KINDS, MODELINE, generate, kind_named, rendered

EXPECTED_FILES = {
    "source.schema.json",
    "claims.schema.json",
    "quotes.schema.json",
    "actors.schema.json",
    "position.schema.json",
    "options.schema.json",
    "briefing.schema.json",
    "config.schema.json",
}


def test_committed_schemas_match_the_model() -> None:
    """If this fails, the model changed: run `briefwright schema` and commit schemas/."""
    committed = {p.name: p.read_text("utf-8") for p in (ROOT / "schemas").glob("*.json")}
    assert set(committed) == EXPECTED_FILES
    generated = rendered()
    stale = sorted(name for name in generated if committed.get(name) != generated[name])
    assert not stale, f"schemas out of date: {stale}; run `briefwright schema`"


def test_rendering_is_deterministic_with_sorted_keys() -> None:
    first, second = rendered(), rendered()
    assert first == second
    for text in first.values():
        assert text.endswith("}\n") and not text.endswith("\n\n")
        assert (
            text
            == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )


def test_schema_command_writes_then_check_passes_and_detects_drift(tmp_path: Path, capsys) -> None:
    (tmp_path / "content").mkdir()
    assert main(["-C", str(tmp_path), "schema", "--check"]) == 1
    assert "schemas out of date: source.schema.json" in capsys.readouterr().err
    assert main(["-C", str(tmp_path), "schema"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "wrote schemas/source.schema.json" and len(out) == 8
    assert main(["-C", str(tmp_path), "schema", "--check"]) == 0
    assert capsys.readouterr().out == "schemas up to date (8 files in schemas/)\n"
    path = tmp_path / "schemas" / "claims.schema.json"
    path.write_text(path.read_text("utf-8").replace('"fact"', '"fakt"'), "utf-8")
    assert main(["-C", str(tmp_path), "schema", "--check"]) == 1
    assert capsys.readouterr().err == (
        "schemas out of date: claims.schema.json; run 'briefwright schema'\n"
    )


def test_schemas_say_what_the_model_says() -> None:
    claims = generate(kind_named("claims"))
    assert claims["type"] == "array"
    claim = claims["$defs"]["Claim"]
    assert claim["additionalProperties"] is False
    assert claim["required"] == ["id", "text"]
    assert claim["properties"]["kind"]["enum"] == ["fact", "assessment", "judgment"]
    para = claims["$defs"]["Citation"]["properties"]["para"]["anyOf"][0]
    assert para == {"minimum": 1, "type": "integer"}
    # A date is text, or a bare year that a YAML 1.2 editor reads as a number.
    date = claim["properties"]["date"]["anyOf"]
    assert [d["type"] for d in date] == ["string", "integer", "null"]
    briefing = generate(kind_named("briefing"))
    timeline = briefing["$defs"]["TimelineSection"]["properties"]
    assert "from" in timeline and "to" in timeline and "start" not in timeline
    assert [d["type"] for d in briefing["properties"]["as_of"]["anyOf"]] == ["string", "integer"]
    source = generate(kind_named("source"))
    assert source["$defs"]["Name"]["anyOf"] == [{"required": ["family"]}, {"required": ["literal"]}]


# --- the shipped YAML, as an editor's language server reads it (YAML 1.2) -------------

_INT = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _yaml12_scalar(event: events.ScalarEvent) -> Any:
    """YAML 1.2 core schema for plain scalars; quoted ones stay strings."""
    value = event.value
    if event.style is not None:
        return value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.match(value):
        return int(value, 0) if value.startswith(("0o", "0x")) else int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def load_yaml12(text: str) -> Any:
    stack: list[Any] = []
    keys: list[Any] = []
    root: Any = None

    def add(value: Any) -> None:
        nonlocal root
        if not stack:
            root = value
        elif isinstance(stack[-1], list):
            stack[-1].append(value)
        elif keys[-1] is _NO_KEY:
            keys[-1] = value
        else:
            stack[-1][keys[-1]] = value
            keys[-1] = _NO_KEY

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, events.ScalarEvent):
            in_key = bool(stack) and isinstance(stack[-1], dict) and keys[-1] is _NO_KEY
            add(event.value if in_key else _yaml12_scalar(event))
        elif isinstance(event, events.SequenceStartEvent | events.MappingStartEvent):
            container: Any = [] if isinstance(event, events.SequenceStartEvent) else {}
            add(container)
            stack.append(container)
            keys.append(_NO_KEY)
        elif isinstance(event, events.SequenceEndEvent | events.MappingEndEvent):
            stack.pop()
            keys.pop()
    return root


_NO_KEY = object()


def test_yaml12_reader_reads_like_a_language_server() -> None:
    value = load_yaml12('a: 2021\nb: "2021"\nc: 2021-11\nd: NO\ne: true\nf: [1, x]\ng:\n')
    assert value == {
        "a": 2021,
        "b": "2021",
        "c": "2021-11",
        "d": "NO",
        "e": True,
        "f": [1, "x"],
        "g": None,
    }


def _shipped_files() -> list[tuple[str, Path]]:
    project = Project.at(ROOT)
    return [(kind.name, path) for kind in KINDS for path in kind.files(project)]


def test_every_kind_has_shipped_files() -> None:
    kinds = {name for name, _ in _shipped_files()}
    assert kinds >= {"source", "claims", "quotes", "actors"}


@pytest.mark.parametrize(
    ("kind", "path"),
    _shipped_files(),
    ids=[p.relative_to(ROOT).as_posix() for _, p in _shipped_files()],
)
def test_shipped_yaml_validates_against_its_schema(kind: str, path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
    value = load_yaml12(path.read_text("utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_schemas_are_valid_json_schema(kind: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(generate(kind_named(kind)))


def test_schema_rejects_what_the_check_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = generate(kind_named("claims"))
    bad = load_yaml12("- id: Not-Kebab\n  text: x\n  cite: []\n  date: 2021-13-45x\n")
    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(bad)]
    assert any("cite" in m for m in messages)  # unknown key
    assert any("Not-Kebab" in m for m in messages)
    assert any("2021-13-45x" in m for m in messages)


def test_link_adds_only_a_first_line(make_project, capsys) -> None:
    root = make_project()
    claims = root / "content" / "claims" / "main.yaml"
    before = claims.read_bytes()
    assert main(["-C", str(root), "schema", "--link"]) == 0
    out = capsys.readouterr().out
    assert "linked content/claims/main.yaml" in out
    lines = claims.read_bytes().split(b"\n", 1)
    assert lines[0] == (MODELINE + "../../schemas/claims.schema.json").encode()
    assert lines[1] == before
    first = (root / "content" / "actors.yaml").read_text("utf-8").splitlines()[0]
    assert first == MODELINE + "../schemas/actors.schema.json"
    first = (root / "briefings" / "brief.yaml").read_text("utf-8").splitlines()[0]
    assert first == MODELINE + "../schemas/briefing.schema.json"
    # Idempotent, and the content still checks cleanly.
    assert main(["-C", str(root), "schema", "--link"]) == 0
    assert "every content file already names its schema" in capsys.readouterr().out
    assert main(["-C", str(root), "check"]) == 0


def test_every_shipped_file_names_its_schema() -> None:
    project = Project.at(ROOT)
    missing = []
    for kind in KINDS:
        for path in kind.files(project):
            depth = len(path.relative_to(ROOT).parts) - 1
            line = f"{MODELINE}{'../' * depth}schemas/{kind.file_name}\n"
            if not path.read_text("utf-8").startswith(line):
                missing.append(path.relative_to(ROOT).as_posix())
    assert not missing, f"run `briefwright schema --link` to name the schema in {missing}"
