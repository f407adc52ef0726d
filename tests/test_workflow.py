"""The editor/CI loop: the GitHub workflow, the pre-commit hook and the live preview."""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, default_signals, serving

from briefwright.cli import _parser, main
from briefwright.config import Project
from briefwright.problems import Problem
from briefwright.serve import (
    Preview,
    changed_files,
    problems_page,
    reloaded,
    snapshot,
    with_live_reload,
)

WORKFLOW = ROOT / ".github" / "workflows" / "briefs.yml"
COMMENT_WORKFLOW = ROOT / ".github" / "workflows" / "pr-comment.yml"


def _load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return _load_workflow(WORKFLOW)


@pytest.fixture(scope="module")
def comment_workflow() -> dict[str, Any]:
    return _load_workflow(COMMENT_WORKFLOW)


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def test_triggers(workflow) -> None:
    on = workflow["on"]
    assert "pull_request" in on and "pull_request_target" not in on
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on


def test_least_privilege(workflow) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    writers = {name: job["permissions"] for name, job in jobs.items() if "permissions" in job}
    assert writers == {"deploy": {"pages": "write", "id-token": "write"}}
    assert jobs["deploy"]["needs"] == "publish"
    assert "secrets." not in WORKFLOW.read_text("utf-8")
    for _, step in _steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_actions_are_pinned_by_major_version(workflow, comment_workflow) -> None:
    used = [s["uses"] for w in (workflow, comment_workflow) for _, s in _steps(w) if "uses" in s]
    assert used, "the workflow uses no actions?"
    for action in used:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", action), action
    assert {a.split("@")[0] for a in used} >= {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/download-artifact",
        "actions/github-script",
    }


def test_pull_request_job(workflow) -> None:
    job = workflow["jobs"]["check-and-build"]
    assert job["if"] == "github.event_name == 'pull_request'"
    steps = job["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # the diff reads the base branch
    runs = [s.get("run", "") for s in steps]
    assert "python build.py check --format github --strict" in runs
    assert "python build.py" in runs
    diff = next(s for s in steps if "briefwright diff" in s.get("run", ""))
    assert diff["if"] == "${{ !cancelled() }}"  # a failing check still gets its diff
    assert _commands(diff["run"]) == [
        ["mkdir", "-p", "$RUNNER_TEMP/briefs-diff"],
        ["briefwright", "diff", "origin/$BASE_REF"],
        ["cat", "$RUNNER_TEMP/briefs-diff/diff.md"],
        ["printf", "%s\\n", "$PR_NUMBER"],
    ]
    assert '>> "$GITHUB_STEP_SUMMARY"' in diff["run"]
    # The branch name and the number reach the shell as data, not as script text.
    assert "${{" not in diff["run"]
    assert diff["env"] == {
        "BASE_REF": "${{ github.base_ref }}",
        "PR_NUMBER": "${{ github.event.pull_request.number }}",
    }
    uploads = {
        s["with"]["name"]: s for s in steps if s.get("uses", "").startswith("actions/upload-")
    }
    assert uploads["briefs-pr-${{ github.event.pull_request.number }}"]["with"]["path"] == "dist/"
    comment = uploads["briefs-diff"]
    assert comment["if"] == "${{ !cancelled() }}"
    assert comment["with"]["path"] == "${{ runner.temp }}/briefs-diff/"
    assert steps.index(comment) > steps.index(diff)


def test_publish_job(workflow) -> None:
    job = workflow["jobs"]["publish"]
    # "Run workflow" builds and publishes too, from main only.
    condition = " ".join(job["if"].split())
    assert condition == (
        "(github.event_name == 'push' || github.event_name == 'workflow_dispatch') && "
        "github.ref == 'refs/heads/main'"
    )
    assert job["needs"] == "test"
    steps = job["steps"]
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "dist/"
    # The build's lock file is not part of the site.
    build = next(i for i, s in enumerate(steps) if "python build.py" in s.get("run", ""))
    unlock = next(i for i, s in enumerate(steps) if s.get("run") == "rm -f dist/.lock")
    assert build < unlock < steps.index(pages)
    assert workflow["jobs"]["test"]["steps"][-1]["run"] == "make test"


# --- the pull-request comment (pr-comment.yml) --------------------------------------------


def test_comment_workflow_runs_after_the_pull_request_workflow(workflow, comment_workflow) -> None:
    on = comment_workflow["on"]
    assert on == {"workflow_run": {"workflows": [workflow["name"]], "types": ["completed"]}}
    job = comment_workflow["jobs"]["comment"]
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]


def test_comment_workflow_is_least_privilege_and_runs_no_pull_request_code(
    comment_workflow,
) -> None:
    assert comment_workflow["permissions"] == {}
    assert list(comment_workflow["jobs"]) == ["comment"]
    job = comment_workflow["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    steps = job["steps"]
    # No checkout, no shell: nothing of the pull request can run here.
    assert [s["uses"].split("@")[0] for s in steps] == [
        "actions/download-artifact",
        "actions/github-script",
    ]
    assert all("run" not in s for s in steps)
    text = COMMENT_WORKFLOW.read_text("utf-8")
    assert "secrets." not in text and "actions/checkout" not in text
    download = steps[0]["with"]
    assert download["name"] == "briefs-diff"  # what the pull request's run uploads
    assert download["run-id"] == "${{ github.event.workflow_run.id }}"
    script = steps[1]["with"]["script"]
    # Event data reaches the script through env only, never spliced into its text.
    assert "${{" not in script
    assert set(steps[1]["env"]) == {"DIFF_DIR", "HEAD_SHA", "RUN_URL"}


NODE = shutil.which("node")


def _run_comment_script(
    tmp_path: Path, diff: bytes, number: str, pr: dict[str, Any], comments: list[dict[str, Any]]
) -> dict[str, Any]:
    """Run the workflow's script under node with a fake GitHub API; return what it did."""
    script = _load_workflow(COMMENT_WORKFLOW)["jobs"]["comment"]["steps"][1]["with"]["script"]
    folder = tmp_path / "artifact"
    folder.mkdir(parents=True)
    (folder / "diff.md").write_bytes(diff)
    (folder / "pr-number").write_text(number, "utf-8")
    harness = tmp_path / "harness.js"
    harness.write_text(
        """
const calls = [];
const state = JSON.parse(process.argv[2]);
const github = {
  rest: {
    pulls: { get: async (a) => { calls.push(["pulls.get", a]); return { data: state.pr }; } },
    issues: {
      listComments: "listComments",
      updateComment: async (a) => { calls.push(["update", a]); },
      createComment: async (a) => { calls.push(["create", a]); },
    },
  },
  paginate: async (what, a) => { calls.push(["paginate", a]); return state.comments; },
};
const context = { repo: { owner: "o", repo: "r" } };
const core = {
  failed: null,
  setFailed(m) { this.failed = m; },
  info() {},
};
const body = require("fs").readFileSync(process.argv[3], "utf8");
const run = new Function("require", "github", "context", "core",
  "return (async () => {" + body + "})();");
run(require, github, context, core).then(() => {
  console.log(JSON.stringify({ calls, failed: core.failed }));
});
""",
        "utf-8",
    )
    (tmp_path / "script.js").write_text(script, "utf-8")
    env = {**os.environ, "DIFF_DIR": str(folder), "HEAD_SHA": "abc", "RUN_URL": "https://x/run"}
    state = json.dumps({"pr": pr, "comments": comments})
    result = subprocess.run(
        [NODE, str(harness), state, str(tmp_path / "script.js")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


OPEN_PR = {"head": {"sha": "abc"}, "state": "open"}


@pytest.mark.skipif(NODE is None, reason="needs node (GitHub's runners have it)")
def test_comment_script_posts_once_then_updates(tmp_path: Path) -> None:
    diff = b"## Content changes\n\nclaims: 1 added; thanks @octocat\n"
    done = _run_comment_script(tmp_path / "a", diff, "7\n", OPEN_PR, [])
    assert done["failed"] is None
    create = [c for c in done["calls"] if c[0] == "create"]
    assert len(create) == 1
    body = create[0][1]["body"]
    assert create[0][1]["issue_number"] == 7
    assert body.startswith("<!-- briefwright-diff -->\n## Content changes")
    assert "@octocat" not in body and "@\u200boctocat" in body
    # The next run finds its own comment by the marker and edits it.
    ours = {"id": 42, "user": {"type": "Bot"}, "body": "<!-- briefwright-diff -->\nold"}
    theirs = {"id": 41, "user": {"type": "User"}, "body": "<!-- briefwright-diff -->\nfake"}
    done = _run_comment_script(tmp_path / "b", diff, "7", OPEN_PR, [theirs, ours])
    assert [c[0] for c in done["calls"]] == ["pulls.get", "paginate", "update"]
    assert done["calls"][-1][1]["comment_id"] == 42


@pytest.mark.skipif(NODE is None, reason="needs node (GitHub's runners have it)")
def test_comment_script_distrusts_the_artifact(tmp_path: Path) -> None:
    # A huge diff is cut to what a comment holds, and says so.
    done = _run_comment_script(tmp_path / "a", b"x" * 500_000, "7", OPEN_PR, [])
    body = done["calls"][-1][1]["body"]
    assert len(body) < 61_000 and "longer than a comment" in body
    # A number that is not one, or names another pull request, posts nothing.
    for n, (number, pr) in enumerate(
        [
            ("7; rm -rf /", OPEN_PR),
            ("$(id)", OPEN_PR),
            ("8", {"head": {"sha": "other"}, "state": "open"}),
            ("7", {"head": {"sha": "abc"}, "state": "closed"}),
        ]
    ):
        done = _run_comment_script(tmp_path / str(n), b"diff", number, pr, [])
        assert done["failed"], number
        assert not [c for c in done["calls"] if c[0] in ("create", "update")]


def _commands(script: str) -> list[list[str]]:
    """Each simple command of a shell script, as words (variables left as text)."""
    found = []
    for line in script.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|\||;|\|", line):
            part = re.split(r">>|>", part)[0]
            words = shlex.split(part)
            if words:
                found.append(words)
    return found


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*):", text, re.MULTILINE))


def _cli_args(words: list[str]) -> list[str] | None:
    if words[:2] == ["python", "build.py"]:
        return words[2:]
    if words[0] in ("briefwright", ".venv/bin/briefwright"):
        return words[1:]
    return None


def test_every_command_the_workflow_runs_exists(workflow) -> None:
    checked = 0
    for _, step in _steps(workflow):
        for words in _commands(step.get("run", "")):
            if words[0] == "make":
                assert set(words[1:]) <= _make_targets(), words
                checked += 1
                continue
            args = _cli_args(words)
            if args is None:
                continue
            # The full argument list parses...
            _parser().parse_args(args)
            # ...and the subcommand answers --help.
            command = next((a for a in args if not a.startswith("-")), None)
            if command is not None:
                with pytest.raises(SystemExit) as exit_:
                    main([command, "--help"])
                assert exit_.value.code == 0
            checked += 1
    assert checked >= 5


def test_command_extraction() -> None:
    assert _commands('export X="$(git log)"\npython build.py  # comment\na && b | c >> "$F"') == [
        ["export", "X=$(git log)"],
        ["python", "build.py"],
        ["a"],
        ["b"],
        ["c"],
    ]


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook = next(h for h in hooks if h["id"] == "briefwright-check")
    assert hook["language"] == "python"
    assert hook["entry"] == "briefwright check"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "content/claims/x.yaml")
    assert re.search(hook["files"], "briefings/b.yaml")
    assert not re.search(hook["files"], "README.md")
    _parser().parse_args(shlex.split(hook["entry"])[1:])


# --- the live preview ----------------------------------------------------------------


def _fetch(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def test_snapshot_sees_edits(make_project) -> None:
    root = make_project()
    project = Project.at(root)
    before = snapshot(project)
    path = root / "content" / "claims" / "main.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    assert changed_files(before, snapshot(project)) == [path.as_posix()]


def test_serve_reads_briefwright_toml_again_when_it_changes(make_project) -> None:
    root = make_project()
    project = Project.at(root)
    config = root / "briefwright.toml"
    before = snapshot(project)
    config.write_text('publisher = "Tamber Basin Unit"\n', "utf-8")
    assert changed_files(before, snapshot(project)) == [config.as_posix()]
    said: list[str] = []
    fresh = reloaded(project, said.append)
    assert fresh.settings.publisher == "Tamber Basin Unit"
    assert said == []


def test_serve_keeps_its_outputs_folder_until_restarted(make_project) -> None:
    root = make_project()
    project = Project.at(root)
    (root / "briefwright.toml").write_text('publisher = "X"\n[paths]\ndist = "out"\n', "utf-8")
    said: list[str] = []
    assert reloaded(project, said.append) is project
    assert said == [
        "briefwright.toml moves the outputs to out/; stop and start serve to apply it "
        "(the old settings stay meanwhile)"
    ]


@pytest.mark.slow
def test_serve_builds_serves_and_rebuilds(make_project) -> None:
    root = make_project()
    with serving(Project.at(root)) as (preview, said, thread):
        assert preview.url.startswith("http://127.0.0.1:")
        index = _fetch(preview.url + "index.html")
        assert "brief/brief.html" in index
        page = _fetch(preview.url + "brief/brief.html")
        assert "The talks lasted 21 months." in page
        claims = root / "content" / "claims" / "main.yaml"
        claims.write_text(
            claims.read_text("utf-8").replace(
                "The talks lasted 21 months.", "The talks lasted twenty-one long months."
            ),
            "utf-8",
        )
        deadline = time.monotonic() + 120
        while "twenty-one long months" not in page:
            assert time.monotonic() < deadline, said
            time.sleep(0.2)
            page = _fetch(preview.url + "brief/brief.html")
        assert any(line.startswith("changed: content/claims/main.yaml") for line in said)
    assert not thread.is_alive()
    assert said[-1] == "preview stopped"


def _get(url: str, host: str | None = None) -> tuple[int, str]:
    """Status and body of a GET, error statuses included."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _build_after(preview: Preview, build_id: int, said: list[str]) -> dict[str, int]:
    """Poll the build id (as the page's script does) until a build after `build_id`."""
    deadline = time.monotonic() + 120
    while True:
        state = json.loads(_get(preview.url + "__briefwright/build-id")[1])
        if state["id"] > build_id:
            return state
        assert time.monotonic() < deadline, said
        time.sleep(0.1)


@pytest.mark.slow
def test_serve_shows_errors_in_the_browser_and_reloads(make_project) -> None:
    root = make_project()
    claims = root / "content" / "claims" / "main.yaml"
    good = claims.read_text("utf-8")
    quote = "      quote: the talks had lasted twenty-one months\n"
    line = good[: good.index(quote)].count("\n") + 1
    with serving(Project.at(root)) as (preview, said, thread):
        state = json.loads(_get(preview.url + "__briefwright/build-id")[1])
        assert (state["id"], state["errors"]) == (1, 0)
        status, page = _get(preview.url + "brief/brief.html")
        assert status == 200 and "The talks lasted 21 months." in page
        # Every page carries the reload script, from the preview itself (nothing external).
        assert page.count('<script src="/__briefwright/live.js" data-build="1"></script>') == 1
        assert page.index("live.js") < page.rindex("</body>")
        status, script = _get(preview.url + "__briefwright/live.js")
        assert status == 200 and "__briefwright/build-id" in script and "location.reload" in script
        assert "http" not in script

        # A misquote, with markup in it: the page becomes the list of problems.
        claims.write_text(
            good.replace(quote, "      quote: the talks had lasted <b>twenty</b> months\n"), "utf-8"
        )
        state = _build_after(preview, 1, said)
        assert state["id"] == 2 and state["errors"] >= 1
        status, page = _get(preview.url + "brief/brief.html")
        assert status == 500
        assert f"content/claims/main.yaml:{line}:14</code>" in page
        assert "error[quote-not-found]" in page and "hint: " in page
        assert "&lt;b&gt;twenty&lt;/b&gt;" in page and "<b>twenty" not in page
        assert 'data-build="2"' in page  # it reloads itself too
        assert _get(preview.url + "index.html")[0] == 500

        # Fixed: the next build serves the brief again.
        claims.write_text(good, "utf-8")
        state = _build_after(preview, 2, said)
        assert (state["id"], state["errors"]) == (3, 0)
        status, page = _get(preview.url + "brief/brief.html")
        assert status == 200 and 'data-build="3"' in page

        # Only requests for 127.0.0.1 or localhost are answered (no DNS rebinding).
        assert _get(preview.url + "brief/brief.html", host="localhost")[0] == 200
        assert _get(preview.url + "brief/brief.html", host="attacker.example")[0] == 403
        assert preview.server.server_address[0] == "127.0.0.1"
    assert not thread.is_alive()


def test_problems_page_escapes_everything() -> None:
    bad = "<script>alert(1)</script>"
    problem = Problem(f"content/{bad}.yaml", 3, 5, "quote-not-found", "error", bad, "x", bad)
    page = problems_page(4, (problem,), None).decode("utf-8")
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert "content/&lt;script&gt;alert(1)&lt;/script&gt;.yaml:3:5" in page
    tag = '<script src="/__briefwright/live.js" data-build="4"></script>'
    assert page.endswith(f"{tag}</body></html>\n")


def test_reload_script_goes_before_the_last_body_end() -> None:
    assert with_live_reload(b"<p>a</p></BODY>", 2) == (
        b'<p>a</p><script src="/__briefwright/live.js" data-build="2"></script></BODY>'
    )
    assert with_live_reload(b"<p>no body end", 1).endswith(b'data-build="1"></script>')


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_serve_exits_cleanly_on_ctrl_c(make_project) -> None:
    root = make_project()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefwright.cli", "-C", str(root), "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=default_signals,  # the test sends SIGINT: never inherit it ignored
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            seen.append(line)
            match = re.match(r"serving (http://127\.0\.0\.1:\d+/)", line)
            url = match.group(1) if match else None
        assert "brief/brief.html" in _fetch(url + "index.html")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    reader.join(timeout=60)  # the reader ends at the end of the stream: every line is in
    assert not reader.is_alive()
    while not lines.empty():
        seen.append(lines.get())
    assert "Traceback" not in "".join(seen)
    assert seen[-1].strip() == "preview stopped"


def test_serve_reports_a_busy_port(make_project, capsys) -> None:
    import socket

    root = make_project()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["-C", str(root), "serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"briefwright: cannot serve on 127.0.0.1:{port}" in err and "Traceback" not in err
