"""The editor/CI loop: the GitHub workflow, the pre-commit hook and the live preview."""

from __future__ import annotations

import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any

import pytest
import yaml
from conftest import ROOT, default_signals

from briefwright.cli import _parser, main
from briefwright.config import Project
from briefwright.serve import Preview, changed_files, serve, snapshot

WORKFLOW = ROOT / ".github" / "workflows" / "briefs.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def test_triggers(workflow) -> None:
    on = workflow["on"]
    assert "pull_request" in on and "pull_request_target" not in on
    assert on["push"] == {"branches": ["main"]}


def test_least_privilege(workflow) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    writers = {name: job["permissions"] for name, job in jobs.items() if "permissions" in job}
    assert writers == {"deploy": {"pages": "write", "id-token": "write"}}
    assert jobs["deploy"]["needs"] == "publish"
    assert jobs["publish"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert "secrets." not in WORKFLOW.read_text("utf-8")
    for _, step in _steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_actions_are_pinned_by_major_version(workflow) -> None:
    used = [step["uses"] for _, step in _steps(workflow) if "uses" in step]
    assert used, "the workflow uses no actions?"
    for action in used:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", action), action
    assert {a.split("@")[0] for a in used} >= {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }


def test_pull_request_job(workflow) -> None:
    job = workflow["jobs"]["check-and-build"]
    assert job["if"] == "github.event_name == 'pull_request'"
    steps = job["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # the diff reads the base branch
    runs = [s.get("run", "") for s in steps]
    assert "python build.py check --format github --strict" in runs
    assert "python build.py" in runs
    summary = next(s for s in steps if "diff" in s.get("run", ""))
    assert summary["run"] == 'briefwright diff "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"'
    # The branch name reaches the shell as data, not as script text.
    assert summary["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "dist/"


def test_publish_job_uploads_pages(workflow) -> None:
    steps = workflow["jobs"]["publish"]["steps"]
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "dist/"
    assert workflow["jobs"]["test"]["steps"][-1]["run"] == "make test"


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


@pytest.mark.slow
def test_serve_builds_serves_and_rebuilds(make_project) -> None:
    root = make_project()
    project = Project.at(root)
    ready: queue.Queue[Preview] = queue.Queue()
    said: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(project, 0),
        kwargs={"stop": stop, "on_ready": ready.put, "say": said.append, "poll": 0.1},
        daemon=True,
    )
    thread.start()
    try:
        preview = ready.get(timeout=120)
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
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert said[-1] == "preview stopped"


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
