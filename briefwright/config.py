"""Every path the project reads or writes, resolved once from the project root."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

# The default template ships inside the package; a project's templates/<name>/ overrides it.
BUILTIN_TEMPLATES = Path(str(files("briefwright") / "templates"))
DEFAULT_TEMPLATE = "policy-brief"
TEMPLATE_FILE = "brief.md.j2"


@dataclass(frozen=True, slots=True)
class Project:
    root: Path

    @classmethod
    def at(cls, root: str | Path = ".") -> Project:
        return cls(Path(root).resolve())

    @property
    def content(self) -> Path:
        return self.root / "content"

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
        return self.root / "briefings"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

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
