"""pandoc.run owns every child it starts: a Ctrl-C or SIGTERM never leaves one running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from briefwright import pandoc
from briefwright.problems import BriefwrightError

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: reap it if it is ours.
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_child_starts_stops_the_child(monkeypatch, sig) -> None:
    """The signal lands inside Popen, just after the child exists (fault injection)."""
    started: list[int] = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        process = real(*args, **kwargs)
        started.append(process.pid)
        os.kill(os.getpid(), sig)  # delivered before Popen returns to its caller
        return process

    def stop(signum, frame):  # the tool's own handlers make SIGTERM an exception too
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess, "Popen", popen)
    previous = signal.signal(sig, stop)  # set here: the test may run with SIGINT ignored
    try:
        with pytest.raises(KeyboardInterrupt):
            pandoc.run(SLEEPER, timeout=30)
    finally:
        signal.signal(sig, previous)
    assert started and not _alive(started[0])


def test_a_child_that_fails_or_hangs_is_reported_and_gone() -> None:
    with pytest.raises(BriefwrightError, match=r"^pandoc failed \(exit 3\): boom$"):
        pandoc.run([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
    with pytest.raises(BriefwrightError, match=r"^slow did not finish within 1 s$"):
        pandoc.run(SLEEPER, timeout=1, what="slow")
    assert pandoc.run([sys.executable, "-c", "print('ok')"]) == b"ok\n"
