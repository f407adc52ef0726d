"""Problems are data: a rule code, a level, a location, the item id, a message and a hint.

Every stage appends to a list of problems instead of raising, so one run reports
everything at once. `BriefwrightError` is the single user-facing exception, caught only
in the CLI, for failures that stop a stage outright (a missing project, pandoc failing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    code: str
    level: Level
    message: str
    id: str | None = None
    hint: str | None = None

    def text(self) -> str:
        # Every field may hold text from content (a file name, a source's words): the
        # terminal gets it with control characters made visible.
        head = (
            f"{visible(self.path)}:{self.line}:{self.col}: {self.level}[{visible(self.code)}] "
            f"{visible(self.message)}"
        )
        return head + (f"\n    hint: {visible(self.hint)}" if self.hint else "")

    def github(self) -> str:
        """A GitHub workflow command; no field can end it early or start another."""
        msg = self.message + (f" (hint: {self.hint})" if self.hint else "")
        kind = "error" if self.level == "error" else "warning"
        props = ",".join(
            f"{key}={_property(str(value))}"
            for key, value in (
                ("file", self.path),
                ("line", self.line),
                ("col", self.col),
                ("title", self.code),
            )
        )
        return f"::{kind} {props}::{_data(msg)}"


# C0 and C1 control characters (ESC starts terminal sequences), DEL, bidirectional
# overrides and isolates (they reorder what a reader sees), line and paragraph separators.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _show(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text safe to print on a terminal: control and bidi characters as visible escapes."""
    return _INVISIBLE.sub(_show, text)


def _data(text: str) -> str:
    # GitHub's workflow-command escaping for the message part (after the second `::`).
    return visible_except_lines(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    # Properties (file=…, title=…) also end at `,` and `::`.
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def visible_except_lines(text: str) -> str:
    """Like `visible`, but CR and LF stay (workflow commands %-encode them)."""
    return _INVISIBLE.sub(lambda m: m.group(0) if m.group(0) in "\r\n" else _show(m), text)


class BriefwrightError(Exception):
    """A failure the user can act on; the CLI prints it without a traceback."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    errors = warnings = 0
    for p in problems:
        if p.level == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def has_errors(problems: Iterable[Problem], strict: bool = False) -> bool:
    errors, warnings = count(problems)
    return errors > 0 or (strict and warnings > 0)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.code, p.message))


def format_problems(problems: list[Problem], fmt: str, stage: str = "check") -> str:
    errors, warnings = count(problems)
    if fmt == "json":
        rows = [
            {k: v for k, v in asdict(p).items() if k != "hint"} | {"hint": p.hint} for p in problems
        ]
        return json.dumps(
            {"problems": rows, "errors": errors, "warnings": warnings},
            indent=2,
            ensure_ascii=False,
        )
    lines = [p.github() if fmt == "github" else p.text() for p in problems]
    if fmt == "text":
        lines.append(summary(errors, warnings, stage))
    return "\n".join(lines)


def summary(errors: int, warnings: int, stage: str = "check") -> str:
    if not errors and not warnings:
        return f"{stage} passed: no problems"
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    return (f"{stage} failed: " if errors else f"{stage} passed with ") + ", ".join(parts)
