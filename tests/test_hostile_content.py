"""Hostile content through the real pipeline: it is rejected with a located error, or it
prints as literal text in HTML, PDF and DOCX, and nothing outside the project gets in.

One project carries every hostile string at once (claim texts, the quotes that support
them, titles, labels, names, source metadata) and is built once for the module; the
tests then look at the outputs case by case. Around the build sit a canary file outside
the project (its bytes must appear in no output, raw, decompressed or base64-encoded)
and a TCP listener on 127.0.0.1 (it must receive no connection).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import secrets
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from conftest import build_project, expanded, own_template
from docx import Document
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from briefwright.builder import build
from briefwright.config import Project
from briefwright.pipeline import check
from briefwright.problems import Problem
from briefwright.textmatch import normalize_source

pytestmark = pytest.mark.slow

# Placeholders filled in per run: the canary's path and the listener's port.
CANARY_PATH = "@CANARY@"
PORT = "@PORT@"

# (case id, text as the editor writes it). Each becomes a fact claim whose text is the
# string and whose quote is the same string, found verbatim in a hostile archived source.
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CASES: list[tuple[str, str]] = [
    ("script", '<script>alert("owned")</script>'),
    ("raw-html-img", f'<img src="file://{CANARY_PATH}" onerror="alert(1)">'),
    ("raw-html-link", '<a href="javascript:alert(1)">click</a>'),
    ("raw-html-iframe", f'<iframe src="file://{CANARY_PATH}"></iframe><object data="x"></object>'),
    (
        "raw-html-style",
        f"<style>@import url(file://{CANARY_PATH}); body{{background:"
        f"url(http://127.0.0.1:{PORT}/css)}}</style>",
    ),
    ("raw-html-stylesheet", f'<link rel="stylesheet" href="file://{CANARY_PATH}">'),
    ("raw-html-comment", "<!-- hidden --> <?php echo 1; ?> <![CDATA[ x ]]>"),
    ("entities", "&lt;script&gt; &#60;b&#62; &amp;"),
    ("raw-attr-html", "`<b>bold</b>`{=html}"),
    ("raw-attr-openxml", "`<w:r><w:t>injected</w:t></w:r>`{=openxml}"),
    ("raw-attr-latex", "`\\input{/etc/passwd}`{=latex}"),
    ("raw-block-html", "```{=html}\n<script>alert(2)</script>\n```"),
    ("raw-block-openxml", "```{=openxml}\n<w:p><w:r><w:t>block</w:t></w:r></w:p>\n```"),
    ("raw-block-latex", "```{=latex}\n\\input{/etc/passwd}\n```"),
    ("raw-tex", "\\input{/etc/passwd} \\includegraphics{" + CANARY_PATH + "} $\\x$ $$y$$"),
    ("yaml-metadata", "---\ntitle: injected\nheader-includes: <script>x</script>\n---"),
    ("link-javascript", "[x](javascript:alert(1))"),
    ("link-data", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("link-file", f"[x](file://{CANARY_PATH})"),
    ("image-file", "![img](file:///etc/passwd)"),
    ("image-canary", f"![img](file://{CANARY_PATH})"),
    ("image-relative", "![img](../../../../../../../../etc/passwd)"),
    ("image-dev-zero", "![zero](/dev/zero) ![z](file:///dev/zero)"),
    ("image-asset-link", "![a](canary.txt) ![b](outside/canary.txt)"),
    ("image-localhost", f"![p](http://127.0.0.1:{PORT}/pixel.png)"),
    ("link-localhost", f"<http://127.0.0.1:{PORT}/autolink> [l](http://127.0.0.1:{PORT}/l)"),
    ("attachment", f'[a](file://{CANARY_PATH}){{rel="attachment"}}'),
    ("attachment-html", f'<a rel="attachment" href="file://{CANARY_PATH}">att</a>'),
    ("css-attr", f'[s]{{style="background:url(file://{CANARY_PATH})"}}'),
    ("citation", "@alpha-2020 [@alpha-2020, p. 1] [-@beta-2019]"),
    ("footnote", "^[an injected note] [^1]"),
    ("span-spoof", "x]{#claim-fisheries-deal .claim} [y"),
    ("fenced-div", "::: {.judgment}\ninjected\n:::"),
    ("pandoc-template", "$pagetitle$ ${body} $if(x)$y$endif$"),
    ("jinja", "{{ 7*7 }} {% include 'x' %} {# c #}"),
    ("markdown-block", "# heading\n- item\n1. item\n> quote\n| a | b |"),
    ("backslashes", "trailing \\ and \\\\ and \\* and \\`"),
    ("emphasis", "*a* _b_ **c** ~~d~~ ~e~ ^f^ `g`"),
]
HOSTILE_TITLE = "<script>alert(3)</script> `t`{=html} [x](javascript:alert(1))"


def _fill(text: str, canary: Path, port: int) -> str:
    return text.replace(CANARY_PATH, str(canary)).replace(PORT, str(port))


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's too)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _bare(text: str) -> str:
    """Without any white space: PDF text extraction breaks and joins lines at will."""
    return re.sub(r"\s+", "", text)


# --- the listener and the canary ---------------------------------------------------------


class Listener:
    """A TCP listener on a free port of 127.0.0.1 that records every connection."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096) or b"<connected>")
                except OSError:
                    self.connections.append(b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def canary_forms(token: bytes) -> list[bytes]:
    """The canary as raw bytes and as base64 at each of the three alignments."""
    forms = [token]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + token)
        # Drop the characters touched by the padding bytes and the tail.
        forms.append(encoded[4 * ((shift + 2) // 3) if shift else 0 :][:-4])
    return forms


# --- reading outputs back -----------------------------------------------------------------


def html_text(data: bytes) -> str:
    tree = lxml_html.document_fromstring(data)
    body = tree.find("body")
    return _flat(body.text_content())


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(page.extract_text() or "" for page in pdf.pages)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/footnotes.xml" in zf.namelist():
            notes = etree.fromstring(zf.read("word/footnotes.xml"))
            parts += ["".join(n.itertext()) for n in notes]
    return _flat(" ".join(parts))


# --- the module's one build ---------------------------------------------------------------


@dataclass
class Built:
    root: Path
    canary: Path
    token: bytes
    port: int
    listener: Listener
    problems: list[Problem]
    cases: dict[str, str]  # case id → the text as written (placeholders filled)
    html: bytes
    pdf: bytes
    docx: bytes
    texts: dict[str, str]


def _write_hostile_project(root: Path, cases: dict[str, str], port: int) -> None:
    build_project(root)
    sources = root / "content" / "sources"
    # The archived source holds every hostile string as its own paragraph (one line).
    text = "Hostile archive.\n\n" + "\n\n".join(_flat(t) for t in cases.values()) + "\n"
    (sources / "evil-2020.txt").write_text(text, "utf-8")
    sha = hashlib.sha256(text.encode()).hexdigest()
    url = f'http://127.0.0.1:{port}/src?a=1&b="><script>alert(6)</script>'
    (sources / "evil-2020.yaml").write_text(
        "id: evil-2020\n"
        f"title: {_yaml_str('<script>alert(4)</script> `x`{=html} [t](javascript:x)')}\n"
        f"container: {_yaml_str('<i>Outlet</i> @alpha-2020 <img src=x onerror=alert(5)>')}\n"
        f"authors: [{{family: {_yaml_str('<b>Evil</b>')}, given: {_yaml_str('[g](file:///x)')}}}]\n"
        'issued: "2020-05"\n'
        f"url: {_yaml_str(url)}\n"
        "kind: report\ntext: evil-2020.txt\n"
        f"sha256: {sha}\n",
        "utf-8",
    )
    # The quote is the paragraph as the check reads an archive: link residue `[l](url)` as
    # its text `l` (a quote's own brackets are edits or literal text, never a link).
    claims = [
        f"- id: hostile-{case}\n  kind: fact\n  text: {_yaml_str(value)}\n  cites:\n"
        f"    - source: evil-2020\n      quote: {_yaml_str(normalize_source(_flat(value)))}\n"
        for case, value in cases.items()
    ]
    (root / "content" / "claims" / "hostile.yaml").write_text("".join(claims), "utf-8")
    quote = _flat(cases["script"])
    context = "```{=latex}\n\\input{x}\n```"
    (root / "content" / "quotes" / "hostile.yaml").write_text(
        f"- id: hostile-quote\n  speaker: {_yaml_str('<b>Speaker</b> `s`{=openxml}')}\n"
        f"  role: {_yaml_str('[r](javascript:r) <i>role</i>')}\n  text: {_yaml_str(quote)}\n"
        f"  source: evil-2020\n  context: {_yaml_str(context)}\n",
        "utf-8",
    )
    (root / "content" / "actors.yaml").write_text(
        "- {id: japan, name: Japan, adjective: Japanese}\n- {id: china, name: China, "
        "adjective: Chinese}\n- {id: evil, name: "
        + _yaml_str("<b>Evil</b> `e`{=html}")
        + ", adjective: "
        + _yaml_str("<i>evil</i>")
        + "}\n",
        "utf-8",
    )
    (root / "content" / "positions" / "evil.yaml").write_text(
        "actor: evil\npoints:\n  - label: "
        + _yaml_str("<script>label</script> [l](javascript:l)")
        + "\n    claims: [hostile-script]\n",
        "utf-8",
    )
    (root / "content" / "options" / "hostile.yaml").write_text(
        "- id: evil-option\n  title: "
        + _yaml_str("`o`{=html} <u>option</u>")
        + "\n  actor: evil\n  claims: [hostile-link-javascript]\n",
        "utf-8",
    )
    ids = ", ".join(f"hostile-{c}" for c in cases)
    (root / "briefings" / "brief.yaml").write_text(
        f"title: {_yaml_str(HOSTILE_TITLE)}\n"
        f"subtitle: {_yaml_str('---')}\n"
        'as_of: "2020-12"\n'
        f"audience: {_yaml_str('<i>readers</i> $body$ @alpha-2020')}\n"
        "sections:\n"
        f"  - {{type: claims, title: {_yaml_str('<b>Cases</b> {=html}')}, claims: [{ids}]}}\n"
        "  - {type: positions, actors: [evil]}\n"
        "  - {type: options, options: [evil-option]}\n"
        "  - {type: quotes, quotes: [hostile-quote]}\n"
        "  - {type: sources}\n  - {type: provenance}\n",
        "utf-8",
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    outside.mkdir()
    token = b"canary-" + secrets.token_hex(24).encode()
    canary = outside / "canary.txt"
    canary.write_bytes(token)
    listener = Listener()
    try:
        cases = {case: _fill(text, canary, listener.port) for case, text in CASES}
        root = base / "project"
        _write_hostile_project(root, cases, listener.port)
        # The template's assets/ folder links out to the canary.
        assets = own_template(root) / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        (assets / "canary.txt").symlink_to(canary)
        (assets / "outside").symlink_to(outside, target_is_directory=True)
        problems = build(Project.at(root), say=lambda line: None)
        dist = root / "dist" / "brief"
        data = {
            fmt: (dist / f"brief.{fmt}").read_bytes() if (dist / f"brief.{fmt}").exists() else b""
            for fmt in ("html", "pdf", "docx")
        }
        texts = {}
        if all(data.values()):
            texts = {
                "html": html_text(data["html"]),
                "pdf": pdf_text(data["pdf"]),
                "docx": docx_text(data["docx"]),
            }
        yield Built(
            root,
            canary,
            token,
            listener.port,
            listener,
            problems,
            cases,
            data["html"],
            data["pdf"],
            data["docx"],
            texts,
        )
    finally:
        listener.close()


def test_hostile_project_builds_with_no_error(built: Built) -> None:
    errors = [p.text() for p in built.problems if p.level == "error"]
    assert errors == []
    assert built.html and built.pdf and built.docx


@pytest.mark.parametrize("case", [c for c, _ in CASES])
@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_hostile_string_prints_as_literal_text(built: Built, case: str, fmt: str) -> None:
    expected = _flat(built.cases[case])
    text = built.texts[fmt]
    if fmt == "pdf":
        assert _bare(expected) in _bare(text), case
    else:
        assert expected in text, case


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_hostile_titles_labels_and_names_print_literally(built: Built, fmt: str) -> None:
    norm = _bare if fmt == "pdf" else _flat
    text = norm(built.texts[fmt])
    for literal in [
        HOSTILE_TITLE,
        "<script>label</script> [l](javascript:l)",
        "`o`{=html} <u>option</u>",
        "<b>Evil</b> `e`{=html}",
        "<i>readers</i> $body$ @alpha-2020",
        "<b>Cases</b> {=html}",
        "<b>Speaker</b> `s`{=openxml}",
        "[r](javascript:r) <i>role</i>",
    ]:
        assert norm(literal) in text, literal


def test_html_has_no_active_or_fetching_markup(built: Built) -> None:
    tree = lxml_html.document_fromstring(built.html)
    assert not tree.xpath(
        "//script | //iframe | //object | //embed | //link | //base | //form"
        " | //meta[@http-equiv] | //b | //i | //u"
    )
    assert len(tree.xpath("//style")) == 1  # the template's own, in <head>
    assert tree.xpath("//style")[0].getparent().tag == "head"
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name != "style" or "url(" not in value, (el.tag, value)
            assert str(built.canary) not in value, (el.tag, name, value)
            if name in ("href", "src", "data", "action", "srcset", "poster"):
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                assert scheme in ("", "http", "https") or value.startswith(
                    "data:image/svg+xml;base64,"
                ), (el.tag, name, value)
                assert not value.startswith("../"), value
                assert el.tag == "a" or value.startswith("data:image/svg+xml"), (el.tag, value)
    # Only our own figure is an image, and there is none in this brief (no timeline).
    assert not tree.xpath("//img")
    # The title reaches <title> and the running head as text.
    assert tree.findtext(".//title") == HOSTILE_TITLE


def _pdf_objects(reader: PdfReader) -> Iterator[DictionaryObject]:
    for page in reader.pages:
        yield page
        for annot in page.get("/Annots") or []:
            yield annot.get_object()


def test_pdf_embeds_nothing_and_links_nowhere_dangerous(built: Built) -> None:
    reader = PdfReader(io.BytesIO(built.pdf))
    assert reader.attachments == {}
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert "/OpenAction" not in reader.trailer["/Root"]
    for obj in _pdf_objects(reader):
        subtype = obj.get("/Subtype")
        assert subtype not in ("/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia")
        action = obj.get("/A")
        if action is not None:
            action = action.get_object()
            assert action.get("/S") in ("/URI", "/GoTo"), action
            if action.get("/S") == "/URI":
                uri = str(action["/URI"])
                assert uri.startswith(("http://", "https://")), uri
    raw = built.pdf
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/SubmitForm"):
        assert marker not in raw, marker


def test_docx_has_no_raw_openxml_or_external_parts(built: Built) -> None:
    with zipfile.ZipFile(io.BytesIO(built.docx)) as zf:
        names = zf.namelist()
        document = zf.read("word/document.xml").decode()
        rels = {n: zf.read(n).decode() for n in names if n.endswith(".rels")}
    assert not [
        n for n in names if n.startswith(("word/embeddings/", "word/activeX/")) or "altChunk" in n
    ]
    assert not [n for n in names if n.startswith("word/media/")]  # no image in this brief
    # Raw OpenXML passed through would be a run of its own whose whole text is the payload;
    # printed literally, the markup is part of the text.
    texts = [
        "".join(t.itertext()) for t in etree.fromstring(document.encode()).iter(f"{{{W_NS}}}t")
    ]
    assert "injected" not in texts and "block" not in texts
    joined = "".join(texts)
    assert "<w:r><w:t>injected</w:t></w:r>" in joined
    assert "<w:p><w:r><w:t>block</w:t></w:r></w:p>" in joined
    for name, xml in rels.items():
        for target, mode in re.findall(r'Target="([^"]*)"(?: TargetMode="(\w+)")?', xml):
            if mode == "External":
                assert target.startswith(("http://", "https://")), (name, target)
            assert not target.startswith(("file:", "/", "..")), (name, target)
        assert "attachedTemplate" not in xml and "oleObject" not in xml


def test_listener_received_no_connection(built: Built) -> None:
    assert built.listener.connections == []


def test_no_output_contains_the_canary(built: Built) -> None:
    forms = canary_forms(built.token)
    dist = built.root / "dist"
    files = [p for p in dist.rglob("*") if p.is_file()]
    assert len(files) >= 6
    for path in files:
        for blob in expanded(path):
            for form in forms:
                assert form not in blob, (path, form)


def test_canary_detection_would_work(built: Built, tmp_path: Path) -> None:
    """The canary check finds the token however it is stored (so its silence means something)."""
    token = built.token
    probe = tmp_path / "probe.docx"
    with zipfile.ZipFile(probe, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/x.bin", b"prefix" + token)
    assert any(token in blob for blob in expanded(probe))
    for shift in range(3):
        encoded = base64.b64encode(b"ab"[:shift] + token + b"tail")
        assert any(form in encoded for form in canary_forms(token)[1:]), shift


# --- rejected by the check, with a location ------------------------------------------------


def _problems(root: Path) -> list[tuple[str, int, int, str]]:
    return [
        (p.path, p.line, p.col, p.code)
        for p in check(Project.at(root)).problems
        if p.level == "error"
    ]


def _source_yaml(source_id: str, text: str, sha: str = "0" * 64, url: str | None = None) -> str:
    return (
        f"id: {source_id}\ntitle: T\ncontainer: C\nauthors: []\nunknown: [authors]\n"
        f'issued: "2020"\nkind: report\ntext: {_yaml_str(text)}\nsha256: {sha}\n'
        + (f"url: {_yaml_str(url)}\n" if url else "")
    )


def test_source_text_outside_the_folder_is_rejected(tmp_path: Path) -> None:
    root = build_project(tmp_path / "p")
    outside = tmp_path / "canary.txt"
    outside.write_text("canary")
    sources = root / "content" / "sources"
    (sources / "up.yaml").write_text(_source_yaml("up", "../../../canary.txt"))
    (sources / "abs.yaml").write_text(_source_yaml("abs", str(outside)))
    (sources / "zero.yaml").write_text(_source_yaml("zero", "/dev/zero"))
    (sources / "link.yaml").write_text(_source_yaml("link", "link.txt"))
    (sources / "link.txt").symlink_to(outside)
    (sources / "devzero.yaml").write_text(_source_yaml("devzero", "devzero.txt"))
    (sources / "devzero.txt").symlink_to("/dev/zero")
    found = _problems(root)
    for name in ("up", "abs", "zero", "link", "devzero"):
        assert (f"content/sources/{name}.yaml", 8, 7, "source-text-missing") in found, name


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>x</script>",
        "ftp://127.0.0.1/x",
        "//127.0.0.1/x",
        " http://x.org",
    ],
)
def test_non_http_source_urls_are_rejected(tmp_path: Path, url: str) -> None:
    root = build_project(tmp_path / "p")
    path = root / "content" / "sources" / "alpha-2020.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"url: .*", f"url: {_yaml_str(url)}", text))
    assert ("content/sources/alpha-2020.yaml", 8, 6, "invalid-field") in _problems(root)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("template", "../../../etc"),
        ("template", "/etc"),
        ("citation_style", "../../../etc/passwd"),
    ],
)
def test_brief_cannot_name_a_path(tmp_path: Path, key: str, value: str) -> None:
    root = build_project(tmp_path / "p")
    path = root / "briefings" / "brief.yaml"
    path.write_text(path.read_text() + f"{key}: {_yaml_str(value)}\n")
    assert ("briefings/brief.yaml", 14, len(key) + 3, "invalid-field") in _problems(root)


# --- a hostile template folder -------------------------------------------------------------


@pytest.fixture
def hostile_template(tmp_path: Path) -> Iterator[tuple[Path, Listener]]:
    # Its own per test: a test builds in it (dist/, the lock), and its listener counts
    # the connections of that build only.
    base = tmp_path
    canary = base / "canary.txt"
    canary.write_bytes(b"canary-" + secrets.token_hex(24).encode())
    listener = Listener()
    root = build_project(base / "p")
    folder = own_template(root)
    (folder / "assets").mkdir(exist_ok=True)
    (folder / "assets" / "font.woff2").symlink_to(canary)
    with (folder / "print.css").open("a") as css:
        css.write(
            f"@font-face {{ font-family: x; src: url(assets/font.woff2); }}\n"
            f"body {{ background: url(file://{canary}); }}\n"
            f"h1 {{ background: url(http://127.0.0.1:{listener.port}/bg.png); }}\n"
            "h2 { background: url(../../../../../../etc/passwd); }\n"
            "h3 { background: url(/dev/zero); }\n"
            f"p {{ background: url(data:image/png;base64,iVBORw0KGgo=); }}\n"
        )
    yield root, listener
    listener.close()


def test_template_assets_and_css_cannot_reach_out(hostile_template: tuple[Path, Listener]) -> None:
    root, listener = hostile_template
    problems = build(Project.at(root), formats=("pdf",), say=lambda line: None)
    refused = [p for p in problems if p.code == "pdf-warning"]
    messages = " ".join(p.message for p in refused)
    # WeasyPrint was refused every fetch, each reported at the template, and the build failed.
    assert refused and all(p.path == "templates/policy-brief/brief.md.j2" for p in refused)
    for needle in (
        "font.woff2",
        "file://",
        f"127.0.0.1:{listener.port}",
        "/etc/passwd",
        "/dev/zero",
        "data:image/png",
    ):
        assert needle in messages, needle
    assert not (root / "dist" / "brief").exists()
    assert listener.connections == []


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("brief.css", "html"),
        ("print.css", "pdf"),
        ("page.html", "html"),
        ("brief.md.j2", "html"),
        ("reference.docx", "docx"),
    ],
)
def test_template_files_linking_out_are_refused(tmp_path: Path, name: str, fmt: str) -> None:
    """A template file that is a symbolic link out of its folder is never read."""
    root = build_project(tmp_path / "p")
    token = b"canary-" + secrets.token_hex(24).encode()
    folder = own_template(root)
    # The file's own content plus the canary, so that reading it would otherwise work.
    secret = tmp_path / f"secret-{name}"
    original = (folder / name).read_bytes()
    secret.write_bytes(original + (b"" if name.endswith(".docx") else b"\n" + token + b"\n"))
    (folder / name).unlink()
    (folder / name).symlink_to(secret)
    problems = build(Project.at(root), formats=(fmt,), say=lambda line: None)
    errors = [p for p in problems if p.level == "error"]
    assert [p.code for p in errors] == ["template-error"], [p.text() for p in errors]
    assert errors[0].path == f"templates/policy-brief/{name}"
    assert "outside the template folder" in errors[0].message
    assert not (root / "dist" / "brief").exists()
    for path in (root / "dist").rglob("*"):
        if path.is_file():
            assert token not in path.read_bytes(), path
