"""Templates: escaping is total, rendering has a budget, template files are real files.

Every template mistake here ends in one located `template-error`, never a traceback, and
never in editor text printed as live Markdown (a link, an image, raw HTML).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import build_project, own_template

from briefwright import pandoc
from briefwright.config import Project
from briefwright.load import load_project
from briefwright.problems import BriefwrightError, Problem
from briefwright.render import render_brief

LINK = "[click](javascript:alert(1))"
LOOP_CLAIMS = "{% for s in sections %}{% for c in s.claims %}"


def _project(tmp_path: Path, template: str | None = None) -> Path:
    root = build_project(tmp_path / "p")
    claims = root / "content" / "claims" / "main.yaml"
    claims.write_text(
        claims.read_text().replace(
            "text: The talks lasted 21 months.", f'text: "{LINK} The talks lasted 21 months."'
        )
    )
    if template is not None:
        (own_template(root) / "brief.md.j2").write_text(template)
    return root


def _render(root: Path):
    content, problems = load_project(Project.at(root))
    assert [p for p in problems if p.level == "error"] == []
    return render_brief(content, "brief")


def _template_error(root: Path) -> Problem:
    with pytest.raises(BriefwrightError) as info:
        _render(root)
    [problem] = info.value.problems
    assert problem.code == "template-error", problem.text()
    return problem


# --- escaping is total ---------------------------------------------------------------


@pytest.mark.parametrize(
    "printed",
    [
        "{{ [c.body] }}",  # a container: its repr held the text unescaped
        "{{ (c.body,) }}",
        "{{ {'t': c.body} }}",
        "{{ c.body|pprint }}",
        "{{ c.body|string }}",
        "{{ c.body|md|replace('\\\\', '') }}",  # un-escaping escaped text
        "{{ c.body|md ~ '' }}",
        "{{ [c.body]|join }}",
        "{{ c.body|tojson }}",
        "{{ c.body|list }}",
        "{{ c.body|first }}",
        "{{ c.cites }}",
        "{% set x %}{{ c.body|md }}{% endset %}{{ x|replace('\\\\', '') }}",
        "{% call dict(a=c.body|md) %}{% endcall %}",
    ],
)
def test_only_escaped_text_numbers_and_booleans_print(tmp_path: Path, printed: str) -> None:
    template = f"# Title\n\n{LOOP_CLAIMS}\n{printed}\n{{% endfor %}}{{% endfor %}}\n"
    root = _project(tmp_path, template)
    problem = _template_error(root)
    assert problem.path == "templates/policy-brief/brief.md.j2"
    assert problem.line in (3, 4)
    assert "click" not in problem.message and "javascript" not in problem.message


def test_filter_blocks_are_refused_with_their_line(tmp_path: Path) -> None:
    root = _project(tmp_path, "# T\n\n{% filter upper %}\n{{ brief.title|md }}\n{% endfilter %}\n")
    problem = _template_error(root)
    assert problem.line == 3 and "filter" in problem.message


def test_what_may_print_still_prints(tmp_path: Path) -> None:
    template = (
        "{% macro m(c) %}[{{ c.body|md }}]{#{{ c.anchor }}}{% endmacro %}"
        f"{LOOP_CLAIMS}{{{{ m(c) }}}} {{{{ c.number }}}} {{{{ c.inferred }}}} "
        "{{ c.likelihood|md|capitalize if c.likelihood else 'none' }} {{ 'For' }}\n"
        "{% endfor %}{% endfor %}"
    )
    markdown = _render(_project(tmp_path, template)).markdown
    assert r"[\[click\]\(javascript\:alert\(1\)\) The talks lasted 21 months]" in markdown
    assert "{#claim-talks-length} 0 False none For" in markdown


@pytest.mark.slow
def test_a_link_in_a_claim_is_never_live_in_html(tmp_path: Path) -> None:
    rendered = _render(_project(tmp_path))
    html = pandoc.run(
        [pandoc.pandoc_path(), "--from", pandoc.READER, "--to", "html", "--sandbox"],
        stdin=rendered.markdown.encode(),
    ).decode()
    assert "javascript:alert(1)" in html  # printed, as text
    assert 'href="javascript' not in html
    assert "<a " not in html.split("claim-talks-length")[1][:300]


# --- never a traceback ---------------------------------------------------------------


def test_truncate_on_editor_text_is_a_located_error(tmp_path: Path) -> None:
    root = _project(tmp_path, "# T\n\n{{ brief.title|truncate(5) }}\n")
    problem = _template_error(root)
    assert problem.line == 3
    assert "md filter" in problem.message and "md" in (problem.hint or "")


@pytest.mark.parametrize(
    "source",
    [
        "{{ brief.title|tojson }}",
        "{{ 1 / 0 }}",
        "{{ sections[99] }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_python_errors_in_templates_are_located(tmp_path: Path, source: str) -> None:
    problem = _template_error(_project(tmp_path, f"# T\n\n{source}\n"))
    assert problem.line == 3


def test_an_include_linking_to_a_device_is_refused_before_reading(tmp_path: Path) -> None:
    root = _project(tmp_path, '# T\n\n{% include "part.j2" %}\n')
    (root / "templates" / "policy-brief" / "part.j2").symlink_to("/dev/zero")
    problem = _template_error(root)
    assert problem.line == 3
    assert "outside the template folder" in problem.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_template_that_is_not_a_regular_file_is_a_template_error(tmp_path: Path) -> None:
    root = _project(tmp_path)
    folder = root / "templates" / "custom"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "brief.md.j2")  # reading it would block the build forever
    brief = root / "briefings" / "brief.yaml"
    brief.write_text(brief.read_text() + "template: custom\n")
    problem = _template_error(root)
    assert problem.path == "templates/custom/brief.md.j2"
    assert "not a regular file" in problem.message


# --- the budget ----------------------------------------------------------------------


# Templates that would run for hours or fill memory; bench/hostile_templates.py times them.
RUNAWAY = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for a in sections %}{% for i in range(100000) %}{% for j in range(100000) %}"
    "{{ i }}{% endfor %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100) %}" + "x" * 200 + "{% endfor %}"
    "{% endfor %}",
    "{{ ('x' * 1000000000)|length }}",
    "{{ ([1] * 1000000000)|length }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ range(100000)|join('x' * 10000)|length }}",
    "{{ ('x' * 900000)|replace('x', 'y' * 1000)|length }}",
    "{{ 'x'.ljust(1000000000) }}",
    "{{ 99 ** 99999999 }}",
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s|length }}",
]


@pytest.mark.parametrize("source", RUNAWAY)
def test_runaway_templates_stop_with_a_located_error(tmp_path: Path, source: str) -> None:
    problem = _template_error(_project(tmp_path, f"# T\n\n{source}\n"))
    # Output is measured as it streams out, after the template's frames have returned.
    assert problem.line == 3 or "printed more than" in problem.message, problem.text()


def test_md_escapes_text_numbers_and_what_token_refused() -> None:
    from briefwright.templating import Inert, Raw, _case, _md_filter, token

    assert _md_filter("a*b [c]") == Inert("a\\*b \\[c\\]")
    assert _md_filter(1200) == Inert("1200")
    assert token("fisheries-deal") == Inert("fisheries-deal")
    refused = token("see [x](javascript:y)")  # not an id: editor text, md or nothing
    assert isinstance(refused, Raw) and _md_filter(refused) == Inert(
        "see \\[x\\]\\(javascript\\:y\\)"
    )
    upper = _case(str.upper)
    assert upper("abc") == "ABC" and upper(7) == "7"
    assert upper(Inert("abc")) == Inert("ABC") and isinstance(upper(Inert("x")), Inert)
    assert _md_filter(upper(Raw("a_b"))) == Inert("A\\_B")
