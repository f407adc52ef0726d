"""The Jinja environment briefs are rendered in: total escaping and a rendering budget.

Escaping is total. Every string an editor wrote reaches the template wrapped in `Raw`,
which cannot be turned into text except by the `md` filter (it backslash-escapes every
Markdown-special character). Whatever a template prints (`{{ … }}`) must be `Inert`:
the output of `md`, an id checked to hold no special character, or the output of a
macro (whose own prints were checked); numbers and booleans print as themselves.
Anything else (a list, `x|pprint`, `x|string`, `x|md|replace(…)`, `None`) stops the
render with a located `template-error`, so no path from editor text to live Markup
(a link, raw HTML, an image) survives a template mistake.

The budget makes any template finish quickly: loops, calls, attribute lookups, filters
and prints each cost one step, values may not grow past a size cap, and a wall-clock
deadline backs both. Templates belong to the project (trusted), but a mistake such as
nested `range(100000)` must give an error, not tie up CI.
"""

from __future__ import annotations

import math
import os
import re
import stat
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sized
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_STEPS = 500_000  # loop iterations, calls, lookups, filters, prints per render (~50 a claim)
MAX_SIZE = 1_000_000  # characters in a string, items in a list, that a template makes
MAX_NUMBER = 100_000  # an integer argument (a width, a count), as Jinja's range limit
MAX_SECONDS = 60.0  # backstop; the step budget normally ends a runaway template first
MAX_TEMPLATE_BYTES = 1_000_000


class UnescapedText(jinja2.TemplateError):
    """A template printed something other than escaped text, a number or a boolean."""


class BudgetExceeded(jinja2.TemplateError):
    """A template did too much work or made too large a value."""


class TemplateFileError(jinja2.TemplateError):
    """A template file that links out of its folder, is not a regular file, or is too big."""


# --- what a template may print -------------------------------------------------------


class Inert(str):
    """Text that prints as itself in pandoc Markdown: `md` output, a checked id, macro output."""

    __slots__ = ()


class Raw:
    """Editor text on its way into a template; printable only through the `md` filter."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def _refuse(self, *_: object) -> Any:
        raise UnescapedText(
            f"editor text ({len(self._text)} characters) used without the md filter; "
            "write `{{ value|md }}` (editor text cannot be sliced, joined or changed "
            "in a template)"
        )

    __str__ = _refuse
    __format__ = _refuse  # f"{raw}" must fail too
    __getitem__ = _refuse
    __iter__ = _refuse
    __add__ = __radd__ = __mul__ = __rmul__ = __mod__ = _refuse

    def __bool__(self) -> bool:
        return bool(self._text)

    def __len__(self) -> int:
        return len(self._text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Raw) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)

    def __repr__(self) -> str:
        # No text: printing a container holding Raw must not leak it (see `finalize`).
        return f"<editor text, {len(self._text)} characters>"


def raw(text: str | None) -> Raw | None:
    return None if text is None else Raw(text)


# Ids (kebab-case) and our own data: URIs hold no character pandoc treats specially there.
_TOKEN = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*\Z|data:image/svg\+xml;base64,[A-Za-z0-9+/=]*\Z")


def token(text: str) -> Inert | Raw:
    """An id or our own data URI, printable as is; anything else must go through `md`."""
    return Inert(text) if _TOKEN.match(text) else Raw(text)


# Every ASCII punctuation character: pandoc's markdown lets any of them be backslash-
# escaped, and escaping all of them leaves no construct (emphasis, links, citations,
# raw attributes, lists, headings, tables, entities, smart quotes, math) a way in.
_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_SPACE = re.compile(r"\s+")


# pandoc's HTML writer adds U+FE0E (text presentation) after ↩ and ↔ unless one follows
# already; export/html.py takes the added one off. An editor's own U+FE0E there is set apart
# by an empty span (nothing in any output), so pandoc adds its own and the editor's stays.
_OWN_SELECTOR = re.compile("([↩↔])(?=\ufe0e)")


def escape_markdown(text: str) -> str:
    """Editor text as pandoc-Markdown that reads back as exactly that text."""
    text = _SPACE.sub(" ", text).strip()
    return _OWN_SELECTOR.sub(r"\1[]{}", _SPECIAL.sub(r"\\\1", text))


def _md_filter(value: object) -> Inert:
    if isinstance(value, Raw):
        return Inert(escape_markdown(value._text))
    if isinstance(value, str | int):
        return Inert(escape_markdown(str(value)))
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises, naming the missing variable
    raise UnescapedText(f"md filter applied to {type(value).__name__}, not text")


def _case(change: Callable[[str], str]) -> Callable[[object], object]:
    # Case mapping never makes ASCII punctuation out of anything else (checked over all
    # of Unicode), so escaped text stays escaped and editor text stays editor text.
    def apply(value: object) -> object:
        if isinstance(value, Raw):
            return Raw(change(value._text))
        if isinstance(value, Inert):
            return Inert(change(value))
        return change(str(value))

    return apply


@jinja2.pass_environment
def _finalize(env: jinja2.Environment, value: object) -> object:
    # Runs on every {{ … }}: the one gate between a value and the output.
    _budget(env).step()
    if isinstance(value, Inert | bool | int | float):
        return value
    if isinstance(value, Raw):
        str(value)  # raises UnescapedText with the helpful message
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises, naming the missing variable
    if value is None:
        raise UnescapedText("a template printed None; guard optional values with {% if %}")
    raise UnescapedText(
        f"a template printed a {type(value).__name__}: only the md filter's output, ids, "
        "macro output, numbers and booleans can be printed (write `{{ value|md }}`, "
        "or loop over a list)"
    )


# --- the budget ----------------------------------------------------------------------


class Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise BudgetExceeded(
                f"the template did more than {MAX_STEPS:,} steps (loops, calls, lookups, "
                "prints); look for nested loops over large ranges"
            )
        if self.steps % 1024 == 0 and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the template took longer than {MAX_SECONDS:.0f} s")

    def sized(self, value: Any) -> Any:
        if isinstance(value, str | list | tuple | dict) and len(value) > MAX_SIZE:
            raise BudgetExceeded(
                f"the template made a value of {len(value):,} characters or items "
                f"(at most {MAX_SIZE:,})"
            )
        return value

    def each(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item


def _budget(env: jinja2.Environment) -> Budget:
    budget: Budget = env.budget  # type: ignore[attr-defined]
    return budget


def _size(value: Any) -> int:
    return len(value) if isinstance(value, Sized) and not isinstance(value, Raw) else 0


def _widths(fmt: str) -> None:
    """Refuse a %-format whose field width or precision would make a huge string."""
    for spec in re.findall(r"%[^a-zA-Z%]*", fmt):
        if any(int(n) > MAX_NUMBER for n in re.findall(r"\d+", spec)):
            raise BudgetExceeded(f"a %-format with a width above {MAX_NUMBER:,}")


def _number(value: Any) -> int:
    return abs(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def _growth(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """An upper bound on the size of a filter's or str method's result, before running it."""
    values = [*args, *kwargs.values()]
    if any(_number(v) > MAX_NUMBER for v in values):
        raise BudgetExceeded(f"{name}: a number above {MAX_NUMBER:,} in its arguments")
    n = _size(value)
    extra = sum(_size(v) + _number(v) for v in values)
    if name == "format" and isinstance(value, str):
        _widths(value)
    if name == "replace" and isinstance(value, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        return n + (value.count(old) + 1 if old else n + 1) * len(new)
    if name in ("join", "indent", "wordwrap", "expandtabs"):
        lines = value.count("\n") + 1 if isinstance(value, str) else n
        return n + (lines + n // 8) * (extra + 1)
    return n + extra


def _guard_filter(budget: Budget, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """The filter, paying one step and refusing to make a value past the size cap."""
    first = 0 if getattr(func, "jinja_pass_arg", None) is None else 1  # env/context first

    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget.step()
        value = args[first] if len(args) > first else None
        if _growth(name, value, args[first + 1 :], kwargs) > MAX_SIZE:
            raise BudgetExceeded(f"the {name} filter would make a value over {MAX_SIZE:,}")
        return budget.sized(func(*args, **kwargs))

    if first:
        guarded.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return guarded


# str methods a template may call: none of them can make a long string longer.
_STR_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "upper",
        "lower",
        "title",
        "capitalize",
        "casefold",
        "swapcase",
        "strip",
        "lstrip",
        "rstrip",
        "split",
        "rsplit",
        "splitlines",
        "count",
        "find",
        "rfind",
        "index",
        "rindex",
        "partition",
        "rpartition",
        "removeprefix",
        "removesuffix",
        "isalnum",
        "isalpha",
        "isascii",
        "isdecimal",
        "isdigit",
        "isidentifier",
        "islower",
        "isnumeric",
        "isprintable",
        "isspace",
        "istitle",
        "isupper",
    }
)

# Calls whose result is template output: every print inside went through `finalize`.
_TEMPLATE_OUTPUT = (Macro, LoopContext, BlockReference)


class _LiteralsAreInert(NodeTransformer):
    def visit_Const(self, node: nodes.Const) -> nodes.Node:
        if not isinstance(node.value, str):
            return node
        call = nodes.Call(nodes.EnvironmentAttribute("literal"), [node], [], None, None)
        return call.set_lineno(node.lineno)


class BriefEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, plus total escaping and a budget (see the module doc)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.budget = Budget()
        self.globals.pop("lipsum", None)  # lipsum(n) makes text of any size
        self.filters = {n: _guard_filter(self.budget, n, f) for n, f in self.filters.items()}

    def literal(self, text: str) -> Inert:
        return Inert(text)

    def budget_each(self, iterable: Iterable[Any]) -> Iterator[Any]:
        return self.budget.each(iterable)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.budget.step()
        if (
            isinstance(__obj, types.BuiltinMethodType)
            and isinstance(__obj.__self__, str)
            and __obj.__name__ not in _STR_METHODS
        ):
            raise jinja2.exceptions.SecurityError(
                f"str.{__obj.__name__} is not available in templates"
            )
        if "caller" in kwargs and not isinstance(__obj, Macro):
            raise jinja2.exceptions.SecurityError("{% call %} works only with a macro")
        if not isinstance(__obj, _TEMPLATE_OUTPUT) and __obj != __self.budget_each:
            _growth(getattr(__obj, "__name__", "a function"), None, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(__obj, _TEMPLATE_OUTPUT):
            result = Inert(result)
        return __self.budget.sized(result)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.budget.step()
        return self.budget.sized(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.budget.step()
        return self.budget.sized(super().getitem(obj, argument))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.budget.step()
        if operator == "*" and max(_size(left) * _number(right), _size(right) * _number(left)) > (
            MAX_SIZE
        ):
            raise BudgetExceeded(f"'*' would make a value over {MAX_SIZE:,}")
        if (
            operator == "**"
            and isinstance(left, int | float)
            and isinstance(right, int | float)
            and abs(left) > 1
            and abs(right) * math.log2(abs(left)) > 4096
        ):
            raise BudgetExceeded("'**' would make a number of more than 4096 bits")
        if operator == "+" and _size(left) + _size(right) > MAX_SIZE:
            raise BudgetExceeded(f"'+' would make a value over {MAX_SIZE:,}")
        if operator == "%" and isinstance(left, str):
            _widths(left)
        return self.budget.sized(super().call_binop(context, operator, left, right))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for block in tree.find_all(nodes.FilterBlock):
            raise jinja2.TemplateSyntaxError(
                "{% filter %} blocks are not allowed: their output would skip the check "
                "that editor text was escaped; apply filters inside {{ … }}",
                block.lineno,
                name,
                filename,
            )
        # A string literal is the template author's own text, like the text around it.
        tree = _LiteralsAreInert().visit(tree)
        # Every loop pays one step per item, so nested loops cannot run away.
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(
                nodes.EnvironmentAttribute("budget_each"), [loop.iter], [], None, None
            ).set_lineno(loop.iter.lineno)
        return tree


# --- loading template files ----------------------------------------------------------


def regular_file(path: Path, folder: Path, shown: str) -> Path:
    """The resolved path of a template file that is a regular file inside its folder."""
    real = path.resolve()
    if not real.is_relative_to(folder.resolve()):
        raise TemplateFileError(
            f"{shown} is a link to {real}, outside the template folder; "
            "template files must be real files inside it"
        )
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise TemplateFileError(f"{shown} cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(mode) and not (stat.S_ISDIR(mode) and path.name == "assets"):
        raise TemplateFileError(f"{shown} is not a regular file")
    return real


class ContainedLoader(jinja2.BaseLoader):
    """Loads a template from its folders, refusing links out, non-files and huge files.

    A link or a device file committed in a pull request could otherwise print any file
    the build machine can read into a brief, or block the build reading /dev/zero.
    """

    def __init__(self, searchpath: list[Path]) -> None:
        self.searchpath = searchpath

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            real = regular_file(path, folder, f"template '{template}'")
            size = real.stat().st_size
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateFileError(
                    f"template '{template}' has {size:,} bytes (at most {MAX_TEMPLATE_BYTES:,})"
                )
            try:
                source = real.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise TemplateFileError(f"template '{template}' cannot be read: {exc}") from None
            # Each render makes a fresh environment, so nothing is cached to go stale.
            return source, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


def make_environment(search: list[Path]) -> BriefEnvironment:
    env = BriefEnvironment(
        loader=ContainedLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # pandoc writes ids as {#id}; Jinja's default comment marker `{#` would eat them.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["md"] = _guard_filter(env.budget, "md", _md_filter)
    for name, change in (
        ("capitalize", str.capitalize),
        ("upper", str.upper),
        ("lower", str.lower),
        ("title", str.title),
    ):
        env.filters[name] = _guard_filter(env.budget, name, _case(change))
    return env
