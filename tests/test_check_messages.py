"""What the citation check and reference validation say: codes, locations, messages and hints.

One small project per mistake (tests/projects/minimal with a file added or a line edited),
checked in process; each case lists every problem the check reports, whole: the rule code,
its level, the file, line and column an editor jumps to, the item id, the message and the
hint. A location is given as a marker: the `^` in `"source: ^alpha-2002"` is where the
problem must point (the first occurrence of the marker's text in that file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import build_project

from briefwright.config import Project
from briefwright.pipeline import check
from briefwright.problems import Problem
from briefwright.rules import level_of

CLAIMS = "content/claims/extra.yaml"
QUOTES = "content/quotes/extra.yaml"
BRIEF = "briefings/brief.yaml"


@dataclass(frozen=True)
class Want:
    """One problem as the editor reads it; `at` is a marker (see the module docstring)."""

    code: str
    path: str
    at: str
    id: str | None
    message: str
    hint: str | None


@dataclass(frozen=True)
class Case:
    name: str
    want: list[Want]
    files: dict[str, str] = field(default_factory=dict)  # written over the minimal project
    edits: list[tuple[str, str, str]] = field(default_factory=list)  # (file, old, new)
    loading: str | None = None  # the code of the loading error the case makes (not compared)


def source(sid: str, text: str, meta: str = "") -> dict[str, str]:
    """A source's archived text and its YAML (with the right checksum)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    yaml = f"id: {sid}\ntext: {sid}.txt\nsha256: {digest}\n" + (
        meta or "title: T\ncontainer: C\nauthors: [{family: F}]\nissued: '2018'\n"
    )
    return {f"content/sources/{sid}.txt": text, f"content/sources/{sid}.yaml": yaml}


def make(tmp_path: Path, case: Case) -> Path:
    root = build_project(tmp_path / "p")
    for rel, text in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    for rel, old, new in case.edits:
        path = root / rel
        text = path.read_text("utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), "utf-8")
    return root


def spot(root: Path, rel: str, marker: str) -> tuple[int, int]:
    """The 1-based line and column of the `^` in `marker`, found in the file."""
    before, _, after = marker.partition("^")
    text = (root / rel).read_text("utf-8")
    found = text.find(before + after)
    assert found >= 0, f"marker {marker!r} not in {rel}"
    offset = found + len(before)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def seen(problems: list[Problem]) -> list[tuple[object, ...]]:
    return [(p.code, p.level, p.path, p.line, p.col, p.id, p.message, p.hint) for p in problems]


def expected(root: Path, want: list[Want]) -> list[tuple[object, ...]]:
    return [
        (w.code, level_of(w.code), w.path, *spot(root, w.path, w.at), w.id, w.message, w.hint)
        for w in want
    ]


def assert_reports(tmp_path: Path, case: Case) -> None:
    root = make(tmp_path, case)
    # The order of problems is the pipeline's (by location); here, what each one says.
    problems = check(Project.at(root)).problems
    if case.loading:
        assert case.loading in {p.code for p in problems}
        problems = [p for p in problems if p.code != case.loading]
    assert sorted(seen(problems)) == sorted(expected(root, case.want))


CITED_TALKS = (
    "  cites:\n    - {source: alpha-2020, quote: the talks had lasted twenty-one months}\n"
)

# --- reference validation: every id an item names exists ---------------------------------

VALIDATE = [
    Case(
        "a judgment's basis names a missing claim",
        files={
            CLAIMS: "- id: bad-basis\n  kind: judgment\n  text: Ties are likely to deepen.\n"
            "  confidence: low\n  likelihood: likely\n"
            "  basis: [ties-deepen, fisheries-dael]\n"
        },
        want=[
            Want(
                "unknown-claim",
                CLAIMS,
                "^fisheries-dael",
                "bad-basis",
                "claim 'bad-basis' names claim 'fisheries-dael', which does not exist "
                "(did you mean 'fisheries-deal'?)",
                "add claim 'fisheries-dael' or correct the id",
            ),
            # The missing claim adds no source: what is left rests on beta-2019 alone.
            Want(
                "narrow-basis",
                CLAIMS,
                "basis: ^[",
                "bad-basis",
                "judgment 'bad-basis' rests on a single source (beta-2019)",
                "add basis claims from other sources, or lower the confidence",
            ),
        ],
    ),
    Case(
        "a claim names a missing actor",
        files={
            CLAIMS: "- id: actor-typo\n  text: The talks lasted 21 months.\n"
            "  actors: [japan, chinaa]\n" + CITED_TALKS
        },
        want=[
            Want(
                "unknown-reference",
                CLAIMS,
                "^chinaa",
                "actor-typo",
                "claim 'actor-typo' names actor 'chinaa', which does not exist "
                "(did you mean 'china'?)",
                "add actor 'chinaa' or correct the id",
            )
        ],
    ),
    Case(
        "a claim that is not a judgment takes no basis, confidence or likelihood",
        files={
            CLAIMS: "- id: sure-thing\n  kind: assessment\n  text: The talks lasted 21 months.\n"
            "  basis: [talks-length]\n  confidence: high\n  likelihood: likely\n" + CITED_TALKS
        },
        want=[
            Want(
                "wrong-kind",
                CLAIMS,
                f"{key}: ^{value}",
                "sure-thing",
                f"claim 'sure-thing' is a assessment; only a judgment takes '{key}'",
                "make it 'kind: judgment' or remove the key",
            )
            for key, value in (("basis", "["), ("confidence", "high"), ("likelihood", "likely"))
        ],
    ),
    Case(
        "the second citation of a claim names a missing source",
        # The figure 21 is in no passage that could be checked: with one citation
        # unchecked, the figures are not checked at all (one mistake, one error).
        files={
            CLAIMS: "- id: two-cites\n  text: In 2019 Japan scrambled jets 390 times; talks "
            "lasted 21 months.\n  cites:\n"
            "    - {source: beta-2019, quote: 'In 2019, Japan scrambled jets 390 times'}\n"
            "    - {source: beta-2091, quote: the talks had lasted}\n"
        },
        want=[
            Want(
                "unknown-source",
                CLAIMS,
                "source: ^beta-2091",
                "two-cites",
                "claim 'two-cites' cites source 'beta-2091', which does not exist "
                "(did you mean 'beta-2019'?)",
                "add the source under content/sources/ or correct the id",
            )
        ],
    ),
    Case(
        "a quote names a missing source and a missing actor",
        files={
            QUOTES: "- id: typo-quote\n  speaker: Ann Author\n  text: the talks had lasted\n"
            "  source: alpha-2002\n  actors: [japan, japn]\n"
        },
        want=[
            Want(
                "unknown-source",
                QUOTES,
                "source: ^alpha-2002",
                "typo-quote",
                "quote 'typo-quote' names source 'alpha-2002', which does not exist "
                "(did you mean 'alpha-2020'?)",
                "add the source under content/sources/ or correct the id",
            ),
            Want(
                "unknown-reference",
                QUOTES,
                "^japn]",
                "typo-quote",
                "quote 'typo-quote' names actor 'japn', which does not exist "
                "(did you mean 'japan'?)",
                "add actor 'japn' or correct the id",
            ),
        ],
    ),
    Case(
        "a position belongs to a missing actor",
        files={
            "content/positions/chinaa.yaml": "actor: chinaa\npoints:\n"
            "  - {label: Trade, claims: [ties-deepen]}\n"
        },
        want=[
            Want(
                "unknown-reference",
                "content/positions/chinaa.yaml",
                "actor: ^chinaa",
                "chinaa",
                "position of actor 'chinaa', which does not exist (did you mean 'china'?)",
                "add the actor to content/actors.yaml",
            )
        ],
    ),
    Case(
        "a position point names a missing claim",
        edits=[
            ("content/positions/japan.yaml", "claims: [scrambles]", "claims: [scrambles, ties]")
        ],
        want=[
            Want(
                "unknown-claim",
                "content/positions/japan.yaml",
                "scrambles, ^ties",
                "japan",
                "position of 'japan', point 'Air defence', names claim 'ties', which does not "
                "exist",
                "add the claim or correct the id",
            )
        ],
    ),
    Case(
        "an option names a missing actor and missing claims in every list",
        files={
            "content/options/extra.yaml": "- id: wait\n  title: Wait and see\n  actor: chian\n"
            "  claims: [ties-deepen, tie-deepen]\n  pros: [fisheries-deal, talks-lenght]\n"
            "  cons: [no-setlement]\n  risks: [scrambels]\n"
        },
        want=[
            Want(
                "unknown-reference",
                "content/options/extra.yaml",
                "actor: ^chian",
                "wait",
                "option 'wait' is for actor 'chian', which does not exist (did you mean 'china'?)",
                "add the actor to content/actors.yaml",
            ),
            *(
                Want(
                    "unknown-claim",
                    "content/options/extra.yaml",
                    f"^{ref}",
                    "wait",
                    f"option 'wait' names claim '{ref}', which does not exist "
                    f"(did you mean '{meant}'?)",
                    f"add claim '{ref}' or correct the id",
                )
                for ref, meant in (
                    ("tie-deepen", "ties-deepen"),
                    ("talks-lenght", "talks-length"),
                    ("no-setlement", "no-settlement"),
                    ("scrambels", "scrambles"),
                )
            ),
        ],
    ),
]

SECTIONS = "  - {type: key-judgments, judgments: [ties-judgment]}\n"


def brief_edit(old: str, new: str) -> list[tuple[str, str, str]]:
    return [(BRIEF, old, new)]


VALIDATE_BRIEF = [
    Case(
        "a brief uses a missing template",
        edits=brief_edit("audience: Test readers\n", "audience: Test readers\ntemplate: plain\n"),
        want=[
            Want(
                "unknown-reference",
                BRIEF,
                "template: ^plain",
                "brief",
                "brief 'brief' uses template 'plain', which does not exist",
                "templates live in templates/<name>/brief.md.j2",
            )
        ],
    ),
    Case(
        "key judgments name a fact and a missing claim",
        edits=brief_edit(
            "judgments: [ties-judgment]", "judgments: [ties-judgment, talks-length, ties-judgement]"
        ),
        want=[
            Want(
                "unknown-claim",
                BRIEF,
                "^ties-judgement",
                "brief",
                "brief 'brief' names claim 'ties-judgement', which does not exist "
                "(did you mean 'ties-judgment'?)",
                "add claim 'ties-judgement' or correct the id",
            ),
            Want(
                "wrong-kind",
                BRIEF,
                "^talks-length,",
                "brief",
                "brief 'brief' lists 'talks-length' as a key judgment, but it is a fact",
                "key judgments are claims of 'kind: judgment'",
            ),
        ],
    ),
    Case(
        "a claims section names a missing claim",
        edits=brief_edit("claims: [talks-length]", "claims: [talks-length, talks-lenght]"),
        want=[
            Want(
                "unknown-claim",
                BRIEF,
                "^talks-lenght",
                "brief",
                "brief 'brief' names claim 'talks-lenght', which does not exist "
                "(did you mean 'talks-length'?)",
                "add claim 'talks-lenght' or correct the id",
            )
        ],
    ),
    Case(
        "a positions section names a missing actor, one without a position, a missing point",
        edits=brief_edit(
            "actors: [japan]}", "actors: [japan, china, japn], points: [Fisheries, Air defense]}"
        ),
        want=[
            Want(
                "unknown-reference",
                BRIEF,
                "^japn]",
                "brief",
                "brief 'brief' names actor 'japn', which does not exist (did you mean 'japan'?)",
                "add actor 'japn' or correct the id",
            ),
            Want(
                "unknown-reference",
                BRIEF,
                "^china,",
                "brief",
                "brief 'brief' shows the position of 'china', but there is no "
                "content/positions/china.yaml",
                "write the position or remove the actor from the section",
            ),
            Want(
                "unknown-reference",
                BRIEF,
                "^Air defense",
                "brief",
                "brief 'brief' shows position point 'Air defense', which none of "
                "japan, china, japn has (did you mean 'Air defence'?)",
                "use a 'label' from content/positions/<actor>.yaml",
            ),
        ],
    ),
    Case(
        "a timeline names a missing actor",
        edits=brief_edit('to: "2020-12"}', 'to: "2020-12", actors: [japan, chna]}'),
        want=[
            Want(
                "unknown-reference",
                BRIEF,
                "^chna",
                "brief",
                "brief 'brief' names actor 'chna', which does not exist (did you mean 'china'?)",
                "add actor 'chna' or correct the id",
            )
        ],
    ),
    Case(
        "an options section names a missing option",
        edits=brief_edit("options: [engage]", "options: [engage, engaeg]"),
        want=[
            Want(
                "unknown-reference",
                BRIEF,
                "^engaeg",
                "brief",
                "brief 'brief' names option 'engaeg', which does not exist "
                "(did you mean 'engage'?)",
                "add option 'engaeg' or correct the id",
            )
        ],
    ),
    Case(
        "a quotes section names a missing quote",
        edits=brief_edit("quotes: [author-no-settlement]", "quotes: [author-no-settlement, x]"),
        want=[
            Want(
                "unknown-reference",
                BRIEF,
                "settlement, ^x]",
                "brief",
                "brief 'brief' names quote 'x', which does not exist",
                "add quote 'x' or correct the id",
            )
        ],
    ),
]


# References to an item that could not be loaded are counted, not reported one by one.
UNCHECKED = [
    Case(
        "a reference to an invalid option is counted",
        edits=[("content/options/main.yaml", "  title: Deepen economic engagement\n", "")],
        loading="invalid-field",
        want=[
            Want(
                "unchecked-references",
                "content/options/main.yaml",
                "- ^id: engage",
                None,
                "1 reference to option 'engage' was not checked: the option is not valid",
                "fix the error reported here; the references are checked again then",
            )
        ],
    ),
    Case(
        "references to an invalid position are counted",
        edits=[
            ("content/positions/japan.yaml", "actor: japan\n", "actor: japan\nstance: firm\n"),
            (BRIEF, "actors: [japan]}", "actors: [japan], points: [Fisheries]}"),
        ],
        loading="invalid-field",
        want=[
            Want(
                "unchecked-references",
                "content/positions/japan.yaml",
                "^actor: japan",
                None,
                "2 references to position 'japan' were not checked: the position is not valid",
                "fix the error reported here; the references are checked again then",
            )
        ],
    ),
]


@pytest.mark.parametrize("case", VALIDATE + VALIDATE_BRIEF + UNCHECKED, ids=lambda c: c.name)
def test_reference_validation_reports(tmp_path: Path, case: Case) -> None:
    assert_reports(tmp_path, case)


# --- the citation check: quotes are in their sources, figures and dates in the passage ----


def claim(cid: str, text: str, *lines: str) -> str:
    """A claim in YAML: id, text, then its other lines as given (indented two spaces)."""
    return f"- id: {cid}\n  text: {text}\n" + "".join(f"  {line}\n" for line in lines)


def cites(*pairs: str) -> list[str]:
    """`cites:` lines for (source, quote[, para]) given as 'source|quote[|para]'."""
    out = ["cites:"]
    for pair in pairs:
        sid, quote, *para = pair.split("|")
        out.append(f"  - source: {sid}")
        out.append(f"    quote: {quote}")
        out += [f"    para: {p}" for p in para]
    return out


FIX_QUOTE = "copy the passage exactly from the archived text; mark cuts with '...'"
FIX_FIGURE = "quote the passage that gives the figure, or correct the figure"
FIX_DATE = (
    "; correct the date, cite the passage that gives it, or, if the year is the source's own, "
    "write 'date_inferred: year'"
)
CITE_TALKS = "alpha-2020|the talks had lasted twenty-one months"

QUOTES_IN_SOURCES = [
    Case(
        "a claim cites nothing",
        files={CLAIMS: claim("bare", "Ties will deepen.", "kind: assessment")},
        want=[
            Want(
                "uncited-claim",
                CLAIMS,
                "text: ^Ties",
                "bare",
                "claim 'bare' (assessment) cites no source",
                "add 'cites: [{source: ..., quote: ...}]' with the passage that supports it",
            )
        ],
    ),
    Case(
        "a citation's paragraph is past the end of the source",
        files={
            CLAIMS: claim(
                "far", "The talks lasted 22 months.", *cites(CITE_TALKS, CITE_TALKS + "|9")
            )
        },
        # The figure is not checked while a citation is unchecked: one mistake, one error.
        want=[
            Want(
                "bad-locator",
                CLAIMS,
                "para: ^9",
                "far",
                "claim 'far': ¶ 9 does not exist in source 'alpha-2020', which has 4 paragraphs",
                "paragraphs are the non-empty lines of the archived text; remove 'para' to have "
                "it found",
            )
        ],
    ),
    Case(
        "a quote in the last paragraph, named, is found",
        files={
            CLAIMS: claim(
                "last",
                "The author says patience is needed.",
                "kind: assessment",
                *cites("alpha-2020|patience is needed|4"),
            )
        },
        want=[],
    ),
    Case(
        "a quote is in another paragraph than the one named, and cuts a figure",
        files={
            CLAIMS: claim(
                "moved",
                "Japan scrambled jets often.",
                *cites("beta-2019|Japan scrambled jets ... times|3"),
            )
        },
        want=[
            Want(
                "bad-locator",
                CLAIMS,
                "para: ^3",
                "moved",
                "claim 'moved': the quote is in ¶ 2 of 'beta-2019', not ¶ 3",
                "write 'para: 2' or remove 'para'",
            ),
            Want(
                "quote-edit-changes-meaning",
                CLAIMS,
                "quote: ^Japan",
                "moved",
                "claim 'moved': in the quote from 'beta-2019' ¶ 2, the omission removes '390'",
                "the source reads “jets 390 times”; quote those words, or cut or "
                "bracket elsewhere: an edit may not remove or add a negation or a figure",
            ),
        ],
    ),
    Case(
        "a bracket stands for too many words",
        files={
            CLAIMS: claim(
                "long-bracket",
                "The author says patience is needed.",
                "kind: assessment",
                *cites("alpha-2020|The author argues that the agreement [is unsure] and that "),
            )
        },
        want=[
            Want(
                "quote-edit-invalid",
                CLAIMS,
                "quote: ^The author",
                "long-bracket",
                "claim 'long-bracket': the quote's edits cannot be checked against 'alpha-2020': "
                "a bracket stands for at most 4 words of the source; this quote matches only if "
                "one stands for more, in “The author argues that the agreement "
                '"will not settle the territorial dispute" and that”',
                "mark an omission with '...' and an editorial insertion or substitution of a few "
                "words with '[words]'; see the editor guide",
            )
        ],
    ),
    Case(
        "a misquote close to a passage",
        files={
            CLAIMS: claim(
                "misquote",
                "The talks lasted long.",
                *cites("alpha-2020|the talks had lasted twenty-two months"),
            )
        },
        want=[
            Want(
                "quote-not-found",
                CLAIMS,
                "quote: ^the talks",
                "misquote",
                "claim 'misquote': quote not found in source 'alpha-2020'; closest is ¶ 3 "
                "(83% similar)",
                "difference [-quote-] {+source+}: the talks had lasted [-twenty-two-] "
                "{+twenty-one+} months",
            )
        ],
    ),
    Case(
        "a quote from a source with no text",
        files={
            CLAIMS: claim("nowhere", "Bananas are yellow.", *cites("empty|bananas are yellow")),
            **source("empty", "\n"),
        },
        want=[
            Want(
                "quote-not-found",
                CLAIMS,
                "quote: ^bananas",
                "nowhere",
                "claim 'nowhere': quote not found in source 'empty'",
                FIX_QUOTE,
            )
        ],
    ),
]


@pytest.mark.parametrize("case", QUOTES_IN_SOURCES, ids=lambda c: c.name)
def test_citation_check_reports(tmp_path: Path, case: Case) -> None:
    assert_reports(tmp_path, case)
