"""HTML accessibility in a real browser: axe-core (vendored under tests/vendor/axe-core,
MPL 2.0) runs in headless Chromium on every HTML brief of this repository and of the
test projects, and on the index page, and must find no serious or critical violation.

Chromium is driven the simplest robust way: a copy of the page with axe and a few lines
that write its result into the DOM, loaded with --dump-dom and a virtual time budget
(which lets axe's promise settle before the DOM is printed). Skipped when Chromium is
not installed (Debian: apt-get install chromium).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, build_project
from lxml import html as lxml_html

from briefwright.builder import build
from briefwright.config import Project

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
RUN_AXE = """<script src="axe.min.js"></script>
<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (result) {
  report(result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" "); })};
  }));
}, function (error) { report({error: String(error)}); });
function report(value) {
  var out = document.createElement("pre");
  out.id = "axe-results";
  out.textContent = JSON.stringify(value);
  document.body.appendChild(out);
}
</script>
"""


def axe_violations(page: Path, scratch: Path) -> list[dict]:
    """axe's violations on `page`, run in headless Chromium."""
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(AXE, scratch / "axe.min.js")
    text = page.read_text("utf-8")
    assert text.count("</body>") == 1
    probe = scratch / page.name
    probe.write_text(text.replace("</body>", RUN_AXE + "</body>"), "utf-8")
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",  # tests may run as root
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={scratch / 'profile'}",
            "--virtual-time-budget=30000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    tree = lxml_html.document_fromstring(done.stdout or b"<html></html>")
    found = tree.xpath("//pre[@id='axe-results']/text()")
    assert found, f"axe did not report on {page.name}: {done.stderr.decode()[-800:]}"
    result = json.loads(found[0])
    assert isinstance(result, list), result
    return result


def _html_build(root: Path) -> Path:
    problems = build(Project.at(root), formats=("html",), say=lambda line: None)
    assert not [p.text() for p in problems if p.level == "error"]
    return root / "dist"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if BROWSER is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    repo = tmp_path_factory.mktemp("repository")
    for name in ("content", "briefings"):
        shutil.copytree(ROOT / name, repo / name)
    if (ROOT / "briefwright.toml").is_file():
        shutil.copy2(ROOT / "briefwright.toml", repo / "briefwright.toml")
    found = []
    for root in (
        repo,
        build_project(tmp_path_factory.mktemp("published"), "render-published"),
        build_project(tmp_path_factory.mktemp("multilingual"), "render-multilingual"),
    ):
        dist = _html_build(root)
        found += [*sorted(dist.glob("*/*.html")), dist / "index.html"]
    return found


def test_no_serious_or_critical_axe_violation_on_any_page(pages, tmp_path):
    serious = {}
    for number, page in enumerate(pages):
        violations = axe_violations(page, tmp_path / str(number))
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        if bad:
            serious[f"{page.parent.name}/{page.name}"] = bad
    assert serious == {}
    assert len(pages) >= 7  # three briefs here, three in the test projects, the indexes


def test_axe_finds_a_planted_violation(pages, tmp_path):
    """The harness itself works: an image without alt text is a critical violation."""
    page = tmp_path / "planted.html"
    text = pages[0].read_text("utf-8").replace("<main", '<img src="x.png"><main', 1)
    page.write_text(text, "utf-8")
    violations = axe_violations(page, tmp_path / "run")
    assert "image-alt" in {v["id"] for v in violations if v["impact"] == "critical"}
