"""What the citation check and reference validation say: codes, locations, messages and hints.

One small project per mistake (tests/projects/minimal with a file added or a line edited),
checked in process; each case lists every problem the check reports, whole: the rule code,
its level, the file, line and column an editor jumps to, the item id, the message and the
hint. A location is given as a marker: the `^` in `"source: ^alpha-2002"` is where the
problem must point (the first occurrence of the marker's text in that file).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import build_project

from briefwright.citations import _short, locate, old_fact_year, source_span, with_year
from briefwright.config import Project
from briefwright.content import Content
from briefwright.dates import parse_date
from briefwright.load import load_project
from briefwright.model import Citation
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
    also: str | None = None  # a code another check reports for the same mistake (not compared)


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
    if case.also:
        assert case.also in {p.code for p in problems}
        problems = [p for p in problems if p.code != case.also]
    assert sorted(seen(problems)) == sorted(expected(root, case.want))


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
        "a claim cites only a missing source",
        files={
            CLAIMS: claim(
                "lost",
                "The talks lasted 21 months.",
                *cites(
                    "zeta|the talks",
                ),
            ),
        },
        want=[
            Want(
                "unknown-source",
                CLAIMS,
                "source: ^zeta",
                "lost",
                "claim 'lost' cites source 'zeta', which does not exist",
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
        also="repeated-claim",  # talks-length is printed in Background too
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
        "references to the actors of a file that could not be loaded are counted",
        edits=[("content/actors.yaml", "- {id: china", "\t- {id: china")],
        also="yaml-syntax",
        # Two claims, a quote, japan's position, an option and a positions section.
        want=[
            Want(
                "unchecked-references",
                "content/actors.yaml",
                "^- {id: japan",
                None,
                "6 references to ids in content/actors.yaml were not checked: the file could "
                "not be loaded",
                "fix the error reported here; the references are checked again then",
            )
        ],
    ),
    Case(
        "a reference to an invalid option is counted",
        edits=[("content/options/main.yaml", "  title: Deepen economic engagement\n", "")],
        also="invalid-field",
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
        also="invalid-field",
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
        "a misquote close to the paragraph named",
        files={
            CLAIMS: claim(
                "misquote",
                "The talks lasted long.",
                *cites("alpha-2020|the talks had lasted twenty-two months|3"),
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


# A source whose paragraph 2 continues a sentence of paragraph 1 (a quote may cross).
MULTI = source(
    "multi",
    "Analysts counted\nboats on Monday and 42 ships on 5 May 2018.\n",
    "title: T\ncontainer: C\nauthors: [{family: F}]\nissued: '2018'\n",
)
COUNTS = source(
    "counts",
    "Counts were 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112 and 113.\n"
    "Meetings were held in 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008 and 2009.\n"
    "Tallies were 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211 and 212.\n",
)
CROSSING = "multi|Analysts counted boats on Monday"

FIGURES_AND_DATES = [
    Case(
        "one figure of the claim is not in the passage",
        files={CLAIMS: claim("one", "The talks lasted 22 months.", *cites(CITE_TALKS))},
        want=[
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^The",
                "one",
                "claim 'one': 22 in the claim is not in the cited quote or its paragraph",
                f"the source says 21; {FIX_FIGURE}",
            )
        ],
    ),
    Case(
        "two figures are in neither of two cited passages",
        files={
            CLAIMS: claim(
                "two",
                "The agreement covers 1,300 boats after 22 months.",
                *cites("alpha-2020|the two governments signed a fisheries agreement", CITE_TALKS),
            )
        },
        want=[
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^The",
                "two",
                "claim 'two': 22, 1300 in the claim are not in the cited quote or its paragraph",
                # Every figure of both paragraphs ("the two governments", "March 3").
                f"the source says 2, 3, 21, 1200; {FIX_FIGURE}",
            )
        ],
    ),
    Case(
        "a figure from another paragraph of the source does not count",
        files={CLAIMS: claim("elsewhere", "1,200 boats; talks of 21 months.", *cites(CITE_TALKS))},
        want=[
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^1,200",
                "elsewhere",
                "claim 'elsewhere': 1200 in the claim is not in the cited quote or its paragraph",
                f"the source says 21; {FIX_FIGURE}",
            )
        ],
    ),
    Case(
        "a figure cited from a passage that gives none",
        files={
            CLAIMS: claim(
                "none", "A photo shows 2 harbours.", *cites("alpha-2020|a harbour at dawn")
            )
        },
        want=[
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^A photo",
                "none",
                "claim 'none': 2 in the claim is not in the cited quote or its paragraph",
                f"the cited passage gives no figure; {FIX_FIGURE}",
            )
        ],
    ),
    Case(
        "the hint shows twelve figures of a passage and marks the rest",
        files={
            CLAIMS: claim("many", "There were 115 counts.", *cites("counts|Counts were"))
            + claim("twelve", "There were 215 tallies.", *cites("counts|Tallies were")),
            **COUNTS,
        },
        want=[
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^There were 115",
                "many",
                "claim 'many': 115 in the claim is not in the cited quote or its paragraph",
                "the source says 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, …; "
                + FIX_FIGURE,
            ),
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^There were 215",
                "twelve",
                "claim 'twelve': 215 in the claim is not in the cited quote or its paragraph",
                "the source says 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212; "
                + FIX_FIGURE,
            ),
        ],
    ),
    Case(
        "a figure and a date a bracket adds are reported once, as the edit",
        files={
            CLAIMS: claim(
                "added",
                "In 2018 Japan scrambled jets 390 times.",
                "date: '2018'",
                *cites("beta-2019|'[In 2018,] Japan scrambled jets 390 times'"),
            )
        },
        want=[
            Want(
                "quote-edit-changes-meaning",
                CLAIMS,
                "quote: ^'[In",
                "added",
                "claim 'added': in the quote from 'beta-2019' ¶ 2, the bracket '[In 2018,]' adds "
                "'2018'",
                "the source reads “2019, Japan”; quote those words, or cut or bracket elsewhere: "
                "an edit may not remove or add a negation or a figure",
            )
        ],
    ),
    Case(
        "figures and a date in the last paragraph a quote crosses into are found",
        files={
            CLAIMS: claim(
                "crossing", "Analysts counted 42 ships.", "date: '2018-05-05'", *cites(CROSSING)
            ),
            **MULTI,
        },
        want=[],
    ),
    Case(
        "the hint takes the figures of every paragraph a quote crosses",
        files={CLAIMS: claim("crossing", "Analysts counted 43 ships.", *cites(CROSSING)), **MULTI},
        want=[
            Want(
                "number-not-in-source",
                CLAIMS,
                "text: ^Analysts",
                "crossing",
                "claim 'crossing': 43 in the claim is not in the cited quote or its paragraph",
                f"the source says 5, 42, 2018; {FIX_FIGURE}",
            )
        ],
    ),
    Case(
        "a date is not in a passage that crosses paragraphs",
        files={
            CLAIMS: claim(
                "crossing", "Analysts counted ships.", "date: '2018-05-06'", *cites(CROSSING)
            ),
            **MULTI,
        },
        want=[
            Want(
                "date-not-in-source",
                CLAIMS,
                "date: ^'2018",
                "crossing",
                "claim 'crossing': date 2018-05-06 (6 May 2018) is not in the cited quote or its "
                "paragraph",
                "the passage mentions “5 May 2018”" + FIX_DATE,
            )
        ],
    ),
    Case(
        "a date in a passage that mentions none",
        files={
            CLAIMS: claim(
                "undated", "The talks were long.", "date: '2020-01-05'", *cites(CITE_TALKS)
            )
        },
        want=[
            Want(
                "date-not-in-source",
                CLAIMS,
                "date: ^'2020",
                "undated",
                "claim 'undated': date 2020-01-05 (5 January 2020) is not in the cited quote or "
                "its paragraph",
                "the passage mentions no date" + FIX_DATE,
            )
        ],
    ),
    Case(
        "the hint shows the first eight dates of a passage",
        files={
            CLAIMS: claim(
                "dates", "Another meeting was held.", "date: '2010'", *cites("counts|Meetings were")
            ),
            **COUNTS,
        },
        want=[
            Want(
                "date-not-in-source",
                CLAIMS,
                "date: ^'2010",
                "dates",
                "claim 'dates': date 2010 is not in the cited quote or its paragraph",
                "the passage mentions “2001”, “2002”, “2003”, “2004”, “2005”, “2006”, “2007”, "
                "“2008”" + FIX_DATE,
            )
        ],
    ),
    Case(
        "a year taken from the source: its month and day must be in the passage",
        files={
            CLAIMS: claim(
                "day",
                "The governments signed a fisheries agreement.",
                "date: '2020-03-04'",
                "date_inferred: year",
                *cites("alpha-2020|the two governments signed a fisheries agreement"),
            )
        },
        want=[
            Want(
                "date-not-in-source",
                CLAIMS,
                "date: ^'2020",
                "day",
                "claim 'day': month and day 2020-03-04 (4 March 2020) is not in the cited quote "
                "or its paragraph",
                "the passage mentions “March 3”" + FIX_DATE,
            )
        ],
    ),
    Case(
        "a year taken from the source is not a figure the passage must give",
        files={
            CLAIMS: claim(
                "signed",
                "In 2020 the governments signed a fisheries agreement.",
                "date: '2020-03-03'",
                "date_inferred: year",
                *cites("alpha-2020|the two governments signed a fisheries agreement"),
            )
        },
        want=[],
    ),
]


NO_ISSUED = source(
    "undated-source",
    "Boats sailed on 5 May.\n",
    "title: T\ncontainer: C\nauthors: [{family: F}]\nunknown: [issued]\n",
)
CITE_MARCH = "alpha-2020|the two governments signed a fisheries agreement"
CITE_BETA = "beta-2019|In 2019, Japan scrambled jets 390 times"
FIX_PUBLICATION = "use the source's 'issued' date, or remove 'date_inferred'"


def quote(qid: str, *lines: str) -> str:
    return f"- id: {qid}\n  speaker: Ann Author\n" + "".join(f"  {line}\n" for line in lines)


INFERRED_DATES = [
    Case(
        "a claim's year is inferred but it has no date",
        files={
            CLAIMS: claim(
                "no-date", "The talks lasted 21 months.", "date_inferred: year", *cites(CITE_TALKS)
            )
        },
        want=[
            Want(
                "inferred-date",
                CLAIMS,
                "date_inferred: ^year",
                "no-date",
                "claim 'no-date' says its year is inferred but has no 'date'",
                "add 'date:' or remove 'date_inferred'",
            )
        ],
    ),
    Case(
        "a quote's year is inferred but it has no date",
        files={
            QUOTES: quote(
                "q-no-date",
                "text: the talks had lasted",
                "source: alpha-2020",
                "date_inferred: year",
            )
        },
        want=[
            Want(
                "inferred-date",
                QUOTES,
                "date_inferred: ^year",
                "q-no-date",
                "quote 'q-no-date' says its year is inferred but has no 'date'",
                "add 'date:' or remove 'date_inferred'",
            )
        ],
    ),
    Case(
        "a publication date that is none of the cited sources' dates",
        files={
            CLAIMS: claim(
                "when",
                "The governments signed a fisheries agreement.",
                "date: '2018'",
                "date_inferred: publication",
                *cites(CITE_MARCH, "beta-2019|In 2019, Japan scrambled jets"),
            )
        },
        want=[
            Want(
                "inferred-date",
                CLAIMS,
                "date: ^'2018",
                "when",
                "claim 'when': date 2018 is marked as the publication date, but the cited source "
                "was issued 2019~, 2020-03",
                FIX_PUBLICATION,
            )
        ],
    ),
    Case(
        "a publication date matches an approximate issued date, approximate or not",
        files={
            CLAIMS: claim(
                "approx",
                "Japan scrambled jets 390 times.",
                "date: '2019'",
                "date_inferred: publication",
                *cites(CITE_BETA),
            )
            + claim(
                "both-approx",
                "Japan scrambled jets 390 times.",
                "date: '2019~'",
                "date_inferred: publication",
                *cites(CITE_BETA),
            )
        },
        want=[],
    ),
    Case(
        "a publication date need not be in the cited passage",
        files={
            CLAIMS: claim(
                "published",
                "The talks lasted 21 months.",
                "date: '2020-03'",
                "date_inferred: publication",
                *cites(CITE_TALKS),
            )
        },
        want=[],
    ),
    Case(
        "a publication date from a source with no date",
        files={
            CLAIMS: claim(
                "unknown-day",
                "Boats sailed.",
                "date: '2018-05-05'",
                "date_inferred: publication",
                *cites("undated-source|Boats sailed"),
            ),
            **NO_ISSUED,
        },
        want=[
            Want(
                "inferred-date",
                CLAIMS,
                "date: ^'2018",
                "unknown-day",
                "claim 'unknown-day': date 2018-05-05 is marked as the publication date, but the "
                "cited source was issued on an unknown date",
                FIX_PUBLICATION,
            )
        ],
    ),
    Case(
        "a year inferred from a source with no date",
        files={
            CLAIMS: claim(
                "unknown-year",
                "Boats sailed.",
                "date: '2018-05-05'",
                "date_inferred: year",
                *cites("undated-source|Boats sailed on 5 May"),
            ),
            **NO_ISSUED,
        },
        want=[
            Want(
                "inferred-date",
                CLAIMS,
                "date_inferred: ^year",
                "unknown-year",
                "claim 'unknown-year': the year is inferred from the publication date, but no "
                "cited source has one",
                "give the source an 'issued' date, or write the date without a year you cannot "
                "support",
            )
        ],
    ),
    Case(
        "an inferred year that is none of the cited sources' years",
        files={
            CLAIMS: claim(
                "wrong-year",
                "The governments signed a fisheries agreement.",
                "date: '2021-03-03'",
                "date_inferred: year",
                *cites(CITE_MARCH, CITE_BETA),
            )
        },
        want=[
            Want(
                "inferred-date",
                CLAIMS,
                "date: ^'2021",
                "wrong-year",
                "claim 'wrong-year': date 2021-03-03 has year 2021, but the year is inferred from "
                "the source's publication year (2019, 2020)",
                "use 2019, 2020, or remove 'date_inferred' if the source states the year",
            )
        ],
    ),
    Case(
        "a quote's inferred year is not its source's",
        files={
            QUOTES: quote(
                "q-year",
                "text: the talks had lasted",
                "source: alpha-2020",
                "date: '2021'",
                "date_inferred: year",
            )
        },
        want=[
            Want(
                "inferred-date",
                QUOTES,
                "date: ^'2021",
                "q-year",
                "quote 'q-year': date 2021 has year 2021, but the year is inferred from the "
                "source's publication year (2020)",
                "use 2020, or remove 'date_inferred' if the source states the year",
            )
        ],
    ),
]

LEAD = source(
    "lead",
    "On 5 May 2018 the minister spoke.\nReporters listened.\nSome left.\n"
    "She said the talks would go on.\n",
)

# The day in the quote, the year elsewhere in its paragraph: the quote alone does not
# prove the date, the paragraph does.
YEAR_APART = source("apart", "In 2018 the talks resumed. On 5 May the minister spoke.\n")

# A quote's date is read in its paragraph and the two before it (a lead-in dates it).
QUOTE_DATES = [
    Case(
        "a claim's day in its quote and its year elsewhere in the paragraph",
        files={
            CLAIMS: claim(
                "spoke",
                "The minister spoke on 5 May 2018.",
                "date: '2018-05-05'",
                *cites("apart|On 5 May the minister spoke"),
            ),
            **YEAR_APART,
        },
        want=[],
    ),
    Case(
        "a quote's date three paragraphs before it",
        files={
            QUOTES: quote(
                "late", "text: the talks would go on", "source: lead", "date: '2018-05-05'"
            ),
            **LEAD,
        },
        want=[
            Want(
                "date-not-in-source",
                QUOTES,
                "date: ^'2018",
                "late",
                "quote 'late': date 2018-05-05 (5 May 2018) is not in the quote's paragraph or the "
                "2 before it",
                "the passage mentions no date" + FIX_DATE + " (or 'date_inferred: publication' for "
                "the day it was published)",
            )
        ],
    ),
    Case(
        "a quote's date in its own paragraph or two before it",
        files={
            QUOTES: quote("first", "text: the minister spoke", "source: lead", "date: '2018-05-05'")
            + quote("third", "text: Some left", "source: lead", "date: '2018-05-05'"),
            **LEAD,
        },
        want=[],
    ),
    Case(
        "a date a bracket adds to a quote is one error, the edit",
        files={
            QUOTES: quote(
                "added",
                "text: 'She said [on 9 May 2018] the talks would go on'",
                "source: lead",
                "date: '2018-05-09'",
            ),
            **LEAD,
        },
        want=[
            Want(
                "quote-edit-changes-meaning",
                QUOTES,
                "text: ^'She",
                "added",
                "quote 'added': in the quote from 'lead' ¶ 4, the bracket '[on 9 May 2018]' adds "
                "'9', '2018'",
                "the source reads “said the”; quote those words, or cut or bracket elsewhere: an "
                "edit may not remove or add a negation or a figure",
            )
        ],
    ),
    Case(
        "a quote dated as its source's publication is not looked for in the text",
        files={
            QUOTES: quote(
                "published",
                "text: the talks would go on",
                "source: lead",
                "date: '2018'",
                "date_inferred: publication",
            ),
            **LEAD,
        },
        want=[],
    ),
]

GONE = source(
    "gone",
    "The talks had lasted twenty-one months.\n",
    "title: T\ncontainer: C\nauthors: [{family: F}]\nissued: '2020'\nwithdrawn: true\n",
)
CITE_GONE = "gone|The talks had lasted twenty-one months"

WITHDRAWN = [
    Case(
        "a claim relies only on a withdrawn source",
        files={
            CLAIMS: claim("gone-claim", "The talks lasted 21 months.", *cites(CITE_GONE)),
            **GONE,
        },
        want=[
            Want(
                "withdrawn-source",
                CLAIMS,
                "^- source: gone",
                "gone-claim",
                "claim 'gone-claim' relies only on withdrawn source(s): gone",
                "cite a source that stands, or remove the claim",
            )
        ],
    ),
    Case(
        "a claim relies only on two withdrawn sources",
        files={
            CLAIMS: claim(
                "both-gone",
                "The talks lasted 21 months.",
                *cites(CITE_GONE, "gone-too|The talks had lasted"),
            ),
            **GONE,
            **source(
                "gone-too",
                "The talks had lasted long.\n",
                "title: T\ncontainer: C\nauthors: [{family: F}]\nissued: '2020'\nwithdrawn: true\n",
            ),
        },
        want=[
            Want(
                "withdrawn-source",
                CLAIMS,
                "^- source: gone",
                "both-gone",
                "claim 'both-gone' relies only on withdrawn source(s): gone, gone-too",
                "cite a source that stands, or remove the claim",
            )
        ],
    ),
    Case(
        "a claim that also cites a source that stands",
        files={
            CLAIMS: claim("kept", "The talks lasted 21 months.", *cites(CITE_GONE, CITE_TALKS)),
            **GONE,
        },
        want=[],
    ),
    Case(
        "a quote from a withdrawn source",
        files={QUOTES: quote("gone-quote", "text: The talks had lasted", "source: gone"), **GONE},
        want=[
            Want(
                "withdrawn-source",
                QUOTES,
                "source: ^gone",
                "gone-quote",
                "quote 'gone-quote' comes from withdrawn source 'gone'",
                "remove the quote or find it in a source that stands",
            )
        ],
    ),
]


def judgment(jid: str, text: str, *lines: str) -> str:
    return claim(jid, text, "kind: judgment", *lines)


SURE = ("confidence: moderate", "likelihood: likely")

JUDGMENTS = [
    Case(
        "a judgment that cites, with no basis and no confidence",
        files={
            CLAIMS: judgment(
                "bare", "Talks are likely to resume.", "likelihood: likely", *cites(CITE_TALKS)
            )
        },
        want=[
            Want(
                "judgment-without-basis",
                CLAIMS,
                "^- source: alpha",
                "bare",
                "judgment 'bare' cites sources itself; a judgment is ours and rests on claims",
                "move the passage into a fact or assessment and list it in 'basis'",
            ),
            Want(
                "judgment-without-basis",
                CLAIMS,
                "text: ^Talks",
                "bare",
                "judgment 'bare' has no basis",
                "add 'basis: [claim ids]' naming the cited claims it rests on",
            ),
            Want(
                "judgment-without-basis",
                CLAIMS,
                "text: ^Talks",
                "bare",
                "judgment 'bare' has no confidence",
                "add 'confidence: low|moderate|high'",
            ),
        ],
    ),
    Case(
        "a judgment rests on itself and gives no likelihood",
        files={
            CLAIMS: judgment(
                "selfish",
                "Ties will deepen.",
                "confidence: low",
                "basis: [selfish, fisheries-deal, ties-deepen]",
            )
        },
        want=[
            Want(
                "judgment-without-basis",
                CLAIMS,
                "basis: ^[",
                "selfish",
                "judgment 'selfish' lists itself in its basis",
                None,
            ),
            Want(
                "likelihood-not-in-text",
                CLAIMS,
                "text: ^Ties",
                "selfish",
                "judgment 'selfish' has no likelihood",
                "add 'likelihood:' with an ICD 203 term and use it in the text",
            ),
        ],
    ),
    Case(
        "a judgment's likelihood is not in its text (in any case)",
        files={
            CLAIMS: judgment(
                "unworded", "Ties will deepen.", *SURE, "basis: [fisheries-deal, ties-deepen]"
            )
            + judgment(
                "shouted",
                "Ties are LIKELY to deepen.",
                *SURE,
                "basis: [fisheries-deal, ties-deepen]",
            )
        },
        want=[
            Want(
                "likelihood-not-in-text",
                CLAIMS,
                "text: ^Ties will",
                "unworded",
                "judgment 'unworded': likelihood 'likely' does not appear in the text",
                "word the judgment with 'likely'",
            )
        ],
    ),
    Case(
        "a judgment's sources are found through the judgments it rests on, cycles cut",
        files={
            CLAIMS: judgment("a", "A is likely.", *SURE, "basis: [b, talks-length]")
            + judgment("b", "B is likely.", *SURE, "basis: [a, scrambles, ties-deepen]")
            + judgment("c", "C is likely.", *SURE, "basis: [b]")
        },
        want=[],
    ),
    Case(
        "a judgment resting on a judgment with one source rests on one source",
        files={
            CLAIMS: judgment("d", "D is likely.", *SURE, "basis: [scrambles, ties-deepen]")
            + judgment("e", "E is likely.", *SURE, "basis: [d]")
            # A claim before the judgment in the basis keeps its source.
            + judgment("f", "F is likely.", *SURE, "basis: [talks-length, d]")
        },
        want=[
            Want(
                "narrow-basis",
                CLAIMS,
                f"basis: ^{basis}",
                jid,
                f"judgment '{jid}' rests on a single source (beta-2019)",
                "add basis claims from other sources, or lower the confidence",
            )
            for jid, basis in (("d", "[scrambles"), ("e", "[d]"))
        ],
    ),
]

SOURCES = [
    Case(
        "a source with no metadata, cited only by a quote",
        files={
            QUOTES: quote("q", "text: Boats sailed", "source: bare"),
            **source("bare", "Boats sailed.\n", "kind: report\n"),
        },
        want=[
            Want(
                "missing-metadata",
                "content/sources/bare.yaml",
                "^id: bare",
                "bare",
                "source 'bare' has no title, container, authors, issued",
                "add them, or if verified not known write "
                "'unknown: [title, container, authors, issued]'",
            )
        ],
    ),
    Case(
        "a source marks given metadata unknown",
        files={
            QUOTES: quote("q", "text: Boats sailed", "source: both"),
            **source(
                "both",
                "Boats sailed.\n",
                "title: T\ncontainer: C\nauthors: [{family: F}]\nissued: '2018'\n"
                "unknown: [container, issued]\n",
            ),
        },
        want=[
            Want(
                "invalid-field",
                "content/sources/both.yaml",
                "unknown: ^[",
                "both",
                f"source 'both' marks '{key}' unknown but gives it",
                f"remove '{key}' from 'unknown'",
            )
            for key in ("container", "issued")
        ],
    ),
    Case(
        "a source nothing cites",
        files=source("spare", "Boats sailed.\n"),
        want=[
            Want(
                "unused-source",
                "content/sources/spare.yaml",
                "id: ^spare",
                "spare",
                "source 'spare' is not cited by any claim or quote",
                "cite it, or remove it if it is not needed",
            )
        ],
    ),
]

# A quote's own text is what is searched: a problem with it points at 'text'.
QUOTE_TEXTS = [
    Case(
        "a quote of brackets only",
        files={QUOTES: quote("q", "text: '[the talks] ...'", "source: alpha-2020")},
        want=[
            Want(
                "quote-edit-invalid",
                QUOTES,
                "text: ^'[the",
                "q",
                "quote 'q': the quote's edits cannot be checked against 'alpha-2020': the quote "
                "has only omissions and brackets, no words",
                "mark an omission with '...' and an editorial insertion or substitution of a few "
                "words with '[words]'; see the editor guide",
            )
        ],
    ),
    Case(
        "a misquote (its date is not looked for)",
        files={
            QUOTES: quote(
                "q",
                "text: the talks had lasted twenty-two months",
                "source: alpha-2020",
                "date: '2019-01-01'",
            )
        },
        want=[
            Want(
                "quote-not-found",
                QUOTES,
                "text: ^the talks",
                "q",
                "quote 'q': quote not found in source 'alpha-2020'; closest is ¶ 3 (83% similar)",
                "difference [-quote-] {+source+}: the talks had lasted [-twenty-two-] "
                "{+twenty-one+} months",
            )
        ],
    ),
    Case(
        "a quote that cuts a negation",
        files={
            QUOTES: quote(
                "q", "text: will ... settle the territorial dispute", "source: alpha-2020"
            )
        },
        want=[
            Want(
                "quote-edit-changes-meaning",
                QUOTES,
                "text: ^will",
                "q",
                "quote 'q': in the quote from 'alpha-2020' ¶ 4, the omission removes 'not'",
                "the source reads “will not settle”; quote those words, or cut or bracket "
                "elsewhere: an edit may not remove or add a negation or a figure",
            )
        ],
    ),
    Case(
        "a quote in another paragraph than the one named",
        files={QUOTES: quote("q", "text: the talks had lasted", "source: alpha-2020", "para: 2")},
        want=[
            Want(
                "bad-locator",
                QUOTES,
                "para: ^2",
                "q",
                "quote 'q': the quote is in ¶ 3 of 'alpha-2020', not ¶ 2",
                "write 'para: 3' or remove 'para'",
            )
        ],
    ),
]


NOW = claim(
    "ties-now",
    "Analysts now expect economic ties to deepen over the next decade.",
    *cites("beta-2019|economic ties will deepen over the next decade"),
)
PRINT_NOW = (BRIEF, "claims: [talks-length]", "claims: [talks-length, ties-now]")
REWORD = (
    "the brief prints it with '(2019)'; reword 'now' so it does not read as current, or give it "
    "a 'date' its passage states"
)

OLD_FACTS = [
    Case(
        "an old undated fact that speaks of now, printed by two briefs",
        files={
            CLAIMS: NOW,
            "briefings/later.yaml": "title: Later\nas_of: '2022-06'\naudience: Test readers\n"
            "stale_after_years: 1\nsections:\n  - {type: claims, title: Now, claims: [ties-now]}\n",
        },
        edits=[PRINT_NOW, (BRIEF, "audience:", "stale_after_years: 1\naudience:")],
        want=[
            Want(
                "undated-old-fact",
                CLAIMS,
                "text: ^Analysts now",
                "ties-now",
                "claim 'ties-now' says 'now' but has no date; its source is from 2019, 1 year "
                "before brief 'brief' and 1 more (as_of 2020-12)",
                REWORD,
            )
        ],
    ),
    Case(
        "an old undated fact, by default three years older than the brief",
        files={CLAIMS: NOW},
        edits=[PRINT_NOW, (BRIEF, 'as_of: "2020-12"', 'as_of: "2022-12"')],
        want=[
            Want(
                "undated-old-fact",
                CLAIMS,
                "text: ^Analysts now",
                "ties-now",
                "claim 'ties-now' says 'now' but has no date; its source is from 2019, 3 years "
                "before brief 'brief' (as_of 2022-12)",
                REWORD,
            )
        ],
    ),
    Case(
        "old undated facts that say when their present was",
        files={
            CLAIMS: claim(
                "then",
                "Analysts then said ties now deepen over the next decade.",
                *cites("beta-2019|economic ties will deepen over the next decade"),
            )
            + claim(
                "wrote",
                "Ties now deepen over the next decade, when Beta wrote.",
                *cites("beta-2019|economic ties will deepen over the next decade"),
            )
            + claim(
                "year",
                "In 2019 Japan now scrambled jets 390 times.",
                *cites("beta-2019|In 2019, Japan scrambled jets 390 times"),
            )
        },
        edits=[
            (BRIEF, "claims: [talks-length]", "claims: [talks-length, then, wrote, year]"),
            (BRIEF, "audience:", "stale_after_years: 1\naudience:"),
        ],
        want=[],
    ),
    Case(
        "an old undated fact only a judgment rests on is not printed",
        files={CLAIMS: NOW},
        edits=[
            (BRIEF, "audience:", "stale_after_years: 1\naudience:"),
            ("content/claims/main.yaml", "ties-deepen]", "ties-deepen, ties-now]"),
        ],
        want=[],
    ),
]


@pytest.mark.parametrize(
    "case",
    QUOTES_IN_SOURCES
    + FIGURES_AND_DATES
    + INFERRED_DATES
    + QUOTE_DATES
    + WITHDRAWN
    + JUDGMENTS
    + SOURCES
    + QUOTE_TEXTS
    + OLD_FACTS,
    ids=lambda c: c.name,
)
def test_citation_check_reports(tmp_path: Path, case: Case) -> None:
    assert_reports(tmp_path, case)


# --- what the render takes from the check: where a quote is, what it stands for ----------


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Content:
    content, problems = load_project(Project.at(build_project(tmp_path_factory.mktemp("m") / "p")))
    assert problems == []
    return content


def cite(quote: str, para: int | None = None, source: str = "alpha-2020") -> Citation:
    return Citation(source=source, quote=quote, para=para)


def test_a_quote_is_located_at_the_paragraph_it_starts_in(minimal: Content) -> None:
    assert locate(minimal, cite("the talks had lasted")) == 3
    assert locate(minimal, cite("the talks had lasted", 2)) == 3  # a wrong para is corrected
    # "agreement" is in paragraphs 2 and 4: the one named wins, else the first.
    assert locate(minimal, cite("agreement")) == 2
    assert locate(minimal, cite("agreement", 4)) == 4
    assert locate(minimal, cite("economic ties will deepen", source="beta-2019")) == 4
    # Not found, or no text: the para as written (the check reports the quote).
    assert locate(minimal, cite("bananas", 2)) == 2
    assert locate(minimal, cite("bananas")) is None
    assert locate(minimal, cite("the talks", 5, source="gamma")) == 5


def test_an_edited_quote_stands_for_the_source_text_as_archived(minimal: Content) -> None:
    cut = "the agreement “will not settle the territorial dispute” ... patience is needed"
    assert source_span(minimal, "alpha-2020", cut, 4) == (
        "the agreement “will not settle the territorial dispute” and that patience is needed"
    )
    assert source_span(minimal, "alpha-2020", cut, None) == source_span(
        minimal, "alpha-2020", cut, 4
    )
    bracket = "[A]nalysts argue that economic ties will deepen"
    assert source_span(minimal, "beta-2019", bracket, None) == (
        "Analysts argue that economic ties will deepen"
    )
    # "agreement ... the" is in paragraph 2 (across into 3) and in paragraph 4.
    assert source_span(minimal, "alpha-2020", "agreement ... the", None) == (
        "agreement covering 1,200 boats. Officials said the"
    )
    assert source_span(minimal, "alpha-2020", "agreement ... the", 4) == (
        "agreement “will not settle the"
    )
    # Nothing to show for a verbatim quote, a quote not found, or a source with no text.
    assert source_span(minimal, "alpha-2020", "the talks had lasted", 3) is None
    assert source_span(minimal, "alpha-2020", "bananas ... yellow", None) is None
    assert source_span(minimal, "gamma", cut, None) is None


def test_an_old_fact_is_printed_with_its_year_before_the_final_punctuation() -> None:
    assert with_year("Talks lasted 21 months.", 2018) == "Talks lasted 21 months (2018)."
    assert with_year("Did talks end?!", 2018) == "Did talks end (2018)?!"
    assert with_year("Talks lasted", 2018) == "Talks lasted (2018)"
    assert with_year("A.B. Talks", 2018) == "A.B. Talks (2018)"


def test_which_facts_are_old_in_a_brief(minimal: Content) -> None:
    brief = minimal.briefings["brief"]
    claims = minimal.claims
    later = brief.model_copy(update={"as_of": parse_date("2023-01"), "stale_after_years": 3})
    # talks-length: an undated fact citing alpha-2020 (issued 2020-03).
    assert old_fact_year(minimal, claims["talks-length"], later) == 2020
    assert old_fact_year(minimal, claims["talks-length"], brief) is None  # 2020-12: not old
    edge = later.model_copy(update={"stale_after_years": 4})
    assert old_fact_year(minimal, claims["talks-length"], edge) is None  # 3 years < 4
    never = later.model_copy(update={"stale_after_years": None})
    assert old_fact_year(minimal, claims["talks-length"], never) is None
    # Dated facts, assessments and judgments are not printed with a year.
    assert old_fact_year(minimal, claims["scrambles"], later) is None
    assert old_fact_year(minimal, claims["ties-deepen"], later) is None
    # A fact citing a source of unknown date, or only unknown sources, has no year to print.
    undated = claims["talks-length"].model_copy(
        update={"cites": (*claims["talks-length"].cites, cite("x", source="gamma"))}
    )
    assert old_fact_year(minimal, undated, later) == 2020  # gamma does not exist: left out
    nowhere = claims["talks-length"].model_copy(update={"cites": (cite("x", source="gamma"),)})
    assert old_fact_year(minimal, nowhere, later) is None
    alpha = minimal.sources["alpha-2020"].model_copy(update={"issued": None})
    unknown = dataclasses.replace(minimal, sources={**minimal.sources, "alpha-2020": alpha})
    assert old_fact_year(unknown, claims["talks-length"], later) is None
    # The newest source counts, to its last day: a range issued "2019/2021" is of 2021.
    both = claims["talks-length"].model_copy(
        update={"cites": (*claims["talks-length"].cites, cite("x", source="beta-2019"))}
    )
    assert old_fact_year(minimal, both, later) == 2020
    ranged = minimal.sources["beta-2019"].model_copy(update={"issued": parse_date("2019/2021")})
    spans = dataclasses.replace(minimal, sources={**minimal.sources, "beta-2019": ranged})
    assert old_fact_year(spans, both, later) is None  # 2023 - 2021 < 3
    assert old_fact_year(spans, both, later.model_copy(update={"stale_after_years": 2})) == 2021


def test_a_long_passage_in_a_hint_is_cut_with_an_ellipsis() -> None:
    assert _short("x" * 160) == "x" * 160
    assert _short("x" * 161) == "x" * 159 + "…"
    assert _short("x" * 301, 300) == "x" * 299 + "…"


def test_the_difference_a_misquote_hint_shows_is_cut_at_300_characters(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(60))
    misquote = "Start " + words.replace("word", "ward") + " with 77 boats"
    case = Case(
        "long",
        files={
            CLAIMS: claim("mis", "Boats.", "cites:", f"  - {{source: long, quote: '{misquote}'}}"),
            **source("long", f"Start {words} with 77 boats {words} end.\n"),
        },
        want=[],
    )
    [problem] = check(Project.at(make(tmp_path, case))).problems
    head = "difference [-quote-] {+source+}: Start [-ward0 ward1 "
    assert problem.code == "quote-not-found" and problem.hint is not None
    assert problem.hint.startswith(head) and problem.hint.endswith(" …")
    assert len(problem.hint) == len("difference [-quote-] {+source+}: ") + 300
