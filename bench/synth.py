#!/usr/bin/env python3
"""A deterministic synthetic project for benchmarking `check` at scale.

`python bench/synth.py OUT --claims 1000 --sources 50 --seed 1` writes a complete project
folder: sources with real-sized archived texts (8–12 KB of varied English-like sentences
with figures, curly quotes, dashes and Markdown link residue), claims citing verbatim
quotes (with and without `para`, with elisions, editorial brackets and quotes running
across a paragraph break), judgments resting on claims from two sources, quotes, actors,
positions, options and a brief. The same seed always gives the same bytes, and the
corpus passes `briefwright check` with no problems at all.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from briefwright.dates import mentions
from briefwright.textmatch import negations, normalize, numbers_in

ROOT = Path(__file__).resolve().parent.parent

ACTORS = [
    ("japan", "Japan", "Japanese"),
    ("russia", "Russia", "Russian"),
    ("china", "China", "Chinese"),
    ("united-states", "United States", "American"),
    ("south-korea", "South Korea", "South Korean"),
]
TOPICS = ["military", "territory", "diplomacy", "economy", "energy", "history", "fisheries"]
LIKELIHOODS = ["very unlikely", "unlikely", "roughly even chance", "likely", "very likely"]

SUBJECTS = [
    "The Japanese government",
    "Moscow",
    "Beijing",
    "The Foreign Ministry",
    "Naval planners",
    "The coast guard",
    "Tokyo",
    "Regional officials",
    "The Kremlin",
    "Defence analysts",
    "The Pacific Fleet",
    "Fishing cooperatives",
    "The finance ministry",
    "Local assemblies",
    "Washington",
    "Seoul",
    "Energy companies",
    "The Self-Defense Forces",
    "Diplomats",
    "The prime minister’s office",
    "Opposition lawmakers",
    "The border service",
    "Trade negotiators",
    "Shipping firms",
    "The governor of Hokkaido",
    "Military observers",
]
LINKED = ["[Some analysts](#)", "[Western officials](#)", "[One report](#)"]
VERBS = [
    "announced",
    "deployed",
    "reported",
    "estimated",
    "approved",
    "criticised",
    "proposed",
    "delayed",
    "expanded",
    "recorded",
    "funded",
    "cancelled",
    "confirmed",
    "tracked",
    "negotiated",
    "suspended",
    "doubled",
    "planned",
    "disclosed",
    "questioned",
]
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "twenty-one",
    "thirty",
    "forty",
    "fifty",
]
NOUNS = [
    "warships",
    "patrol aircraft",
    "fishing boats",
    "missile batteries",
    "joint exercises",
    "investment projects",
    "visa-free visits",
    "coast guard cutters",
    "border posts",
    "research vessels",
    "submarines",
    "liaison officers",
    "trade delegations",
    "drills",
    "oil tankers",
    "barracks",
    "radar stations",
    "customs inspections",
    "reactors",
]
MONEY = ["yen", "dollars", "roubles", "yuan"]
PLACES = [
    "Hokkaido",
    "Sakhalin",
    "Iturup",
    "Kunashir",
    "Vladivostok",
    "Shikotan",
    "Habomai",
    "the Sea of Okhotsk",
    "Kamchatka",
    "Nemuro",
    "the Tsugaru Strait",
    "Matua",
    "Yuzhno-Sakhalinsk",
    "the Sea of Japan",
    "Okinawa",
    "Busan",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
CLAUSES = [
    "according to officials in {place}",
    "a move that surprised observers in {place}",
    "although the plan drew criticism in {place}",
    "despite protests from {place}",
    "as talks stalled over {place}",
    "while negotiators met in {place}",
    "in what officials called a routine step",
    "which critics described as provocative",
    "after months of quiet preparation",
    "as tensions rose around {place}",
]
TAILS = [
    "The decision was welcomed by some and questioned by others.",
    "Officials declined to comment on the “broader implications” of the step.",
    "The ministry said the matter would be reviewed—again—before the summer.",
    "Few expected the arrangement to last beyond the government of the day.",
    "Observers noted that the announcement came without warning.",
    "The numbers could not be independently verified.",
    "Critics argued that the policy rewarded intransigence.",
    "Supporters said it was the only realistic path forward.",
]
OUTLETS = [
    "The Pacific Review",
    "East Asia Forum",
    "The Diplomat",
    "Nikkei Asia",
    "Asia Policy",
    "The National Interest",
    "Survey of Northeast Asia",
    "Japan Times",
]
FAMILIES = ["Tanaka", "Ivanova", "Li", "Brown", "Sato", "Petrov", "Kim", "Okada", "Wright"]
GIVEN = ["Yuki", "Elena", "Wei", "James", "Haruto", "Dmitri", "Min-jun", "Aiko", "Sarah"]
LEADS = [
    "The source reports that ",
    "It is reported that ",
    "According to the archive, ",
    "The article says that ",
    "Reportedly, ",
]

_NUMBERISH = set(NUMBER_WORDS) | {"hundred", "thousand", "million", "billion", "and", "one"}
_LINK = re.compile(r"\[([^\[\]]*)\]\(#\)")
_PLAIN_OK = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;()’'\-—%]*[A-Za-z0-9.)%]")


def _figure(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"{rng.randint(2, 999)} {rng.choice(NOUNS)}"
    if roll < 0.5:
        return f"{rng.choice(NUMBER_WORDS)} {rng.choice(NOUNS)}"
    if roll < 0.7:
        return f"{rng.randint(1000, 99999):,} {rng.choice(NOUNS)}"
    if roll < 0.85:
        return f"{rng.randint(1, 90)}.{rng.randint(1, 9)} billion {rng.choice(MONEY)}"
    return f"{rng.randint(2, 95)} percent of its {rng.choice(['budget', 'fleet', 'exports'])}"


def _sentence(rng: random.Random, year: int) -> str:
    subject = rng.choice(LINKED) if rng.random() < 0.04 else rng.choice(SUBJECTS)
    parts = [subject, rng.choice(VERBS), _figure(rng)]
    if rng.random() < 0.6:
        parts.append(f"in {rng.choice(PLACES)}")
    roll = rng.random()
    if roll < 0.4:
        parts.append(f"in {rng.choice(MONTHS)} {rng.randint(year - 6, year)}")
    elif roll < 0.6:
        parts.append(f"during fiscal {rng.randint(year - 6, year)}")
    text = " ".join(parts)
    if rng.random() < 0.5:
        text += ", " + rng.choice(CLAUSES).format(place=rng.choice(PLACES))
    if rng.random() < 0.1:
        text += " — the largest such step since " + str(rng.randint(1945, year - 1))
    return text + "."


def _paragraph(rng: random.Random, year: int) -> list[str]:
    sentences = [_sentence(rng, year) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.4:
        sentences.insert(rng.randint(1, len(sentences)), rng.choice(TAILS))
    return sentences


@dataclass
class SourceDoc:
    id: str
    year: int
    issued: str
    title: str
    paragraphs: list[list[str]]  # sentences of each paragraph; 0-based here, 1-based in files
    text: str = ""
    data: bytes = b""
    claims: list[str] = field(default_factory=list)


def _source(rng: random.Random, index: int) -> SourceDoc:
    year = rng.randint(2012, 2020)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    title = (
        f"{rng.choice(SUBJECTS)} and the {rng.choice(PLACES)} question: "
        f"{rng.choice(VERBS).capitalize()} or {rng.choice(VERBS)}?"
    )
    sid = f"src-{index:04d}"
    doc = SourceDoc(sid, year, f"{year}-{month:02d}-{day:02d}", title, [])
    target = rng.randint(8000, 12000)
    dateline = (
        f"{MONTHS[month - 1]} {day}, {year} Topic: {rng.choice(TOPICS).capitalize()} "
        f"Region: Asia Tags: Japan Russia {rng.choice(PLACES)}"
    )
    doc.paragraphs = [[title], [dateline]]
    size = len(title) + len(dateline)
    while size < target:
        para = _paragraph(rng, year)
        doc.paragraphs.append(para)
        size += sum(len(s) + 1 for s in para)
    doc.text = "\n\n".join(" ".join(p) for p in doc.paragraphs) + "\n"
    doc.data = doc.text.encode("utf-8")
    return doc


def _unlink(text: str) -> str:
    """How an editor quotes Markdown link residue: as its link text."""
    return _LINK.sub(r"\1", text)


def _straighten(text: str, rng: random.Random) -> str:
    """Half the quotes are typed with straight quotes and dashes; matching forgives that."""
    if rng.random() < 0.5:
        return text
    return text.replace("’", "'").replace("“", '"').replace("”", '"').replace(" — ", " - ")


def _cut(words: list[str], rng: random.Random, lo: int, hi: int) -> int:
    """A word boundary in [lo, hi) not splitting a number phrase ("twenty | thousand")."""
    choices = [
        k
        for k in range(lo, hi)
        if k < len(words)
        and words[k - 1].lower().strip(",.") not in _NUMBERISH
        and words[k].lower().strip(",.") not in _NUMBERISH
    ]
    return rng.choice(choices) if choices else min(hi, len(words)) - 1


@dataclass
class Cite:
    source: str
    quote: str  # as written in YAML
    claim_text: str  # our words for it: carries only the figures the quote carries
    para: int | None
    passage: str  # the paragraph the quote starts in


def _cite(rng: random.Random, doc: SourceDoc) -> Cite:
    body = range(2, len(doc.paragraphs))  # 0-based; the title and dateline are not quoted
    p = rng.choice(body)
    sentences = doc.paragraphs[p]
    s = rng.randrange(len(sentences))
    sentence = _unlink(sentences[s])
    roll = rng.random()
    if roll < 0.15 and s + 1 < len(sentences):
        # An elision inside the paragraph: the start of one sentence ... the next one.
        words = sentence.split()
        k = _cut(words, rng, 4, max(5, len(words) - 2))
        # An honest cut drops no figure or negation: cut later if the rest has one.
        while k < len(words) and (
            negations(" ".join(words[k:])) or numbers_in(" ".join(words[k:]))
        ):
            k += 1
        first, second = " ".join(words[:k]), _unlink(sentences[s + 1])
        quote = f"{first} {rng.choice(['...', '…'])} {second}"
        said = f"{first} and later {second[0].lower()}{second[1:]}"
    elif roll < 0.25 and p + 1 < len(doc.paragraphs):
        # A quote running across a paragraph break: end of one, start of the next.
        nxt = _unlink(doc.paragraphs[p + 1][0]).split()
        last = _unlink(sentences[-1])
        k = _cut(nxt, rng, 3, max(4, len(nxt) - 1))
        quote = f"{last} {' '.join(nxt[:k])}"
        said = quote
    elif roll < 0.35:
        # An editorial bracket standing for the sentence's first letter: "[t]he ...".
        quote = f"[{sentence[0].lower()}]{sentence[1:]}"
        said = sentence
    elif roll < 0.55:
        # Part of a sentence: from a word boundary to the end.
        words = sentence.split()
        k = _cut(words, rng, 1, max(2, len(words) // 2))
        quote = " ".join(words[k:])
        said = quote
    else:
        quote = sentence
        said = sentence
    para = p + 1 if rng.random() < 0.5 else None
    said = said.rstrip(".") + "."
    lead = rng.choice(LEADS)
    return Cite(
        doc.id,
        _straighten(quote, rng),
        lead + said[0].lower() + said[1:],
        para,
        " ".join(sentences),
    )


def _scalar(text: str) -> str:
    """A plain scalar when it is safe and reads naturally, else a double-quoted one."""
    if _PLAIN_OK.fullmatch(text) and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def generate(
    out: Path,
    claims: int = 1000,
    sources: int = 50,
    seed: int = 1,
    templates: Path | None = None,
    printed: int = 30,
    briefs: int = 1,
    formats: str = "html, pdf, docx",
) -> Path:
    """Write the project into `out` (created; must not hold content/ already).

    Each of the `briefs` briefs prints `printed` claims in its claims section (a slice of
    the corpus of its own, so briefs differ); the first is `synthetic`, the others
    `synthetic-2`, `synthetic-3`, ...
    """
    if claims < 2 * sources:
        raise ValueError("need at least two claims per source")
    rng = random.Random(seed)
    content = out / "content"
    for folder in ("sources", "claims", "quotes", "positions", "options"):
        (content / folder).mkdir(parents=True, exist_ok=False)
    (out / "briefings").mkdir(parents=True, exist_ok=True)
    _templates(out, templates)

    docs = [_source(rng, i + 1) for i in range(sources)]
    judgments = max(2, claims // 25)
    cited = claims - judgments
    per_source = [cited // sources + (1 if i < cited % sources else 0) for i in range(sources)]
    actor_ids = [a[0] for a in ACTORS]
    dated: list[str] = []

    for doc, count in zip(docs, per_source, strict=True):
        (content / "sources" / f"{doc.id}.txt").write_bytes(doc.data)
        author = rng.randrange(len(FAMILIES))
        (content / "sources" / f"{doc.id}.yaml").write_text(
            f"id: {doc.id}\n"
            f"title: {json.dumps(doc.title, ensure_ascii=False)}\n"
            f"container: {rng.choice(OUTLETS)}\n"
            f"authors:\n  - {{family: {FAMILIES[author]}, given: {GIVEN[author]}}}\n"
            f'issued: "{doc.issued}"\n'
            f"url: https://example.org/archive/{doc.id}\n"
            f"kind: article-newspaper\n"
            f"text: {doc.id}.txt\n"
            f"sha256: {hashlib.sha256(doc.data).hexdigest()}\n"
            "note: >-\n  Synthetic text for benchmarks. Paragraph 1 is the title,\n"
            "  paragraph 2 the dateline.\n",
            "utf-8",
        )
        lines = [f"# Claims from {doc.id}: {doc.title}\n"]
        for j in range(count):
            cid = f"{doc.id}-c{j + 1:03d}"
            doc.claims.append(cid)
            cites = [_cite(rng, doc)]
            if rng.random() < 0.05 and len(docs) > 1:  # a few claims cite two sources
                other = docs[(docs.index(doc) + rng.randint(1, len(docs) - 1)) % len(docs)]
                cites.append(_cite(rng, other))
            text = " ".join(c.claim_text for c in cites)
            lines.append(f"- id: {cid}")
            lines.append(f"  kind: {'assessment' if rng.random() < 0.2 else 'fact'}")
            lines.append(f"  text: {_scalar(text)}")
            roll = rng.random()
            # A date is one the cited paragraph gives (the check proves dates like quotes),
            # or the source's own year.
            # (Only with a 'para': a sentence may recur, and the check reads the first.)
            pinned = cites[0].para is not None
            years = sorted(mentions(normalize(cites[0].passage)).years) if pinned else []
            if roll < 0.05 and len(cites) == 1:
                lines.append(f'  date: "{doc.year}"')
                lines.append("  date_inferred: year")
                dated.append(cid)
            elif roll < 0.35 and years:
                lines.append(f'  date: "{rng.choice(years)}"')
                dated.append(cid)
            lines.append(f"  actors: {_flow(rng.sample(actor_ids, rng.randint(1, 3)))}")
            lines.append(f"  topics: {_flow(rng.sample(TOPICS, rng.randint(1, 2)))}")
            lines.append("  cites:")
            for cite in cites:
                lines.append(f"    - source: {cite.source}")
                lines.append(f"      quote: {json.dumps(cite.quote, ensure_ascii=False)}")
                if cite.para is not None:
                    lines.append(f"      para: {cite.para}")
            lines.append("")
        (content / "claims" / f"{doc.id}.yaml").write_text("\n".join(lines), "utf-8")

        quote_lines = [f"# Quotations in {doc.id}\n"]
        for j in range(2):
            p = rng.randrange(2, len(doc.paragraphs))
            sentence = _straighten(_unlink(rng.choice(doc.paragraphs[p])), rng)
            speaker = rng.randrange(len(FAMILIES))
            quote_lines.append(f"- id: q-{doc.id}-{j + 1}")
            quote_lines.append(f"  speaker: {GIVEN[speaker]} {FAMILIES[speaker]}")
            quote_lines.append("  role: Spokesperson")
            quote_lines.append(f"  text: {json.dumps(sentence, ensure_ascii=False)}")
            quote_lines.append(f"  source: {doc.id}")
            if rng.random() < 0.5:
                quote_lines.append(f"  para: {p + 1}")
            quote_lines.append(f"  actors: {_flow(rng.sample(actor_ids, 1))}")
            quote_lines.append("")
        (content / "quotes" / f"{doc.id}.yaml").write_text("\n".join(quote_lines), "utf-8")

    judgment_ids = []
    lines = ["# Our judgments, each resting on claims from two sources.\n"]
    for k in range(judgments):
        jid = f"kj-{k + 1:05d}"
        judgment_ids.append(jid)
        a, b = rng.sample(range(len(docs)), 2) if len(docs) > 1 else (0, 0)
        basis = [rng.choice(docs[a].claims), rng.choice(docs[b].claims)]
        term = rng.choice(LIKELIHOODS)
        place = rng.choice(PLACES)
        lines.append(f"- id: {jid}")
        lines.append("  kind: judgment")
        lines.append(f"  text: It is {term} that tensions around {place} persist for years.")
        lines.append(f"  confidence: {rng.choice(['low', 'moderate', 'high'])}")
        lines.append(f"  likelihood: {term}")
        lines.append(f"  basis: {_flow(basis)}")
        lines.append("")
    (content / "claims" / "judgments.yaml").write_text("\n".join(lines), "utf-8")

    (content / "actors.yaml").write_text(
        "# The actors of the synthetic corpus.\n"
        + "".join(f"- {{id: {i}, name: {n}, adjective: {a}}}\n" for i, n, a in ACTORS),
        "utf-8",
    )
    for actor in actor_ids[:4]:
        picks = [rng.choice(rng.choice(docs).claims) for _ in range(6)]
        (content / "positions" / f"{actor}.yaml").write_text(
            f"actor: {actor}\npoints:\n"
            f"  - label: Stance on the islands\n    claims: {_flow(sorted(set(picks[:3])))}\n"
            f"  - label: Stance on security\n    claims: {_flow(sorted(set(picks[3:])))}\n",
            "utf-8",
        )
    options = []
    lines = ["# Options debated in the synthetic sources.\n"]
    for k in range(3):
        oid = f"option-{k + 1}"
        options.append(oid)
        pick = [rng.choice(rng.choice(docs).claims) for _ in range(4)]
        lines += [
            f"- id: {oid}",
            f"  title: Option {'ABC'[k]} for the islands",
            f"  actor: {actor_ids[k]}",
            f"  claims: [{pick[0]}]",
            f"  pros: [{pick[1]}]",
            f"  cons: [{pick[2]}]",
            f"  risks: [{pick[3]}]",
            "",
        ]
    (content / "options" / "options.yaml").write_text("\n".join(lines), "utf-8")

    every = [docs[i % len(docs)].claims[i // len(docs)] for i in range(cited)]
    quotes = [f"q-{docs[i].id}-1" for i in range(min(10, len(docs)))]
    for b in range(briefs):
        first = (b * printed) % cited
        shown = (every[first:] + every[:first])[: min(printed, cited)]
        name = "synthetic" if b == 0 else f"synthetic-{b + 1}"
        (out / "briefings" / f"{name}.yaml").write_text(
            f"title: Synthetic brief{'' if b == 0 else f' {b + 1}'}\n"
            'as_of: "2021-12"\n'
            "audience: Benchmarks\n"
            "template: policy-brief\n"
            f"formats: [{formats}]\n"
            "sections:\n"
            f"  - {{type: key-judgments, judgments: {_flow(judgment_ids[:5])}}}\n"
            f"  - type: claims\n    title: Background\n    claims: {_flow(shown)}\n"
            f"  - {{type: positions, actors: {_flow(actor_ids[:4])}}}\n"
            '  - {type: timeline, title: Timeline, from: "2019", to: "2020", topics: [energy]}\n'
            f"  - {{type: options, options: {_flow(options)}}}\n"
            f"  - {{type: quotes, quotes: {_flow(quotes)}}}\n"
            "  - {type: sources}\n"
            "  - {type: provenance}\n",
            "utf-8",
        )
    return out


def _templates(out: Path, templates: Path | None) -> None:
    # Without templates of its own, the project uses the template shipped in the package.
    if templates is not None and templates.is_dir():
        shutil.copytree(
            templates,
            out / "templates",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__"),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="project folder to create")
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--printed", type=int, default=30, help="claims each brief prints")
    parser.add_argument("--briefs", type=int, default=1, help="how many briefs")
    parser.add_argument("--formats", default="html, pdf, docx", help="the briefs' formats")
    args = parser.parse_args(argv)
    if (args.out / "content").exists():
        print(f"synth: {args.out}/content already exists", file=sys.stderr)
        return 1
    generate(
        args.out,
        args.claims,
        args.sources,
        args.seed,
        printed=args.printed,
        briefs=args.briefs,
        formats=args.formats,
    )
    print(f"wrote {args.claims} claims over {args.sources} sources into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
