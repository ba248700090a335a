"""An interrupted build changes nothing: SIGTERM or SIGINT midway leaves the previous outputs
byte-identical and no `.part` file behind.

A good build of a chapter is made first. The chapter is then replaced by a much longer one (the
sample six times: several seconds of layout) and built again as a real process with `--verbose`,
which prints each phase as it ends; the test waits for a phase line (a bounded poll, no timing)
and sends the signal while the build is laying out (a `.part` file is already staged) or
writing the PDF. The process must end with 128 + the signal's number and one line saying so.
"""

from __future__ import annotations

import os
import signal
import threading
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPORTC, SAMPLE, run, snapshot, stopped_at_exit

FORMATS = "pdf,epub,html"
POLL_SECONDS = 0.02
POLL_LIMIT = 6000  # polls: two minutes at most before the test gives up


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("interrupt")
    (base / "src").mkdir()
    source = base / "src" / "chapter.txt"
    source.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = run(["build", "src/chapter.txt", "-o", "out", "--format", FORMATS, "-q"], base)
    assert result.returncode == 0, result.stderr
    sample = SAMPLE.read_text(encoding="utf-8").rstrip("\n")
    source.write_text("\n\n".join([sample] * 6) + "\n", encoding="utf-8")
    return base, snapshot(base / "out")


def _default_sigint():
    # A test runner started in the background may ignore SIGINT, and the child would inherit
    # that: give the build the default SIGINT a terminal user has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_build(base: Path) -> tuple[subprocess.Popen, Path]:
    command = [str(REPORTC)] if REPORTC.exists() else [sys.executable, "-m", "compiler"]
    stderr_path = base / "stderr.txt"
    env = {k: v for k, v in os.environ.items() if k != "REPORTC_DEBUG"}
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen([*command, "build", "src/chapter.txt", "-o", "out", "--format", FORMATS, "-v"],
                                   cwd=base, stdout=subprocess.DEVNULL, stderr=stderr, env=env,
                                   preexec_fn=_default_sigint)
    return process, stderr_path


def wait_for(condition, process: subprocess.Popen, what: str) -> None:
    for _ in range(POLL_LIMIT):
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the build ended ({process.returncode}) before {what}")
        time.sleep(POLL_SECONDS)
    process.kill()
    pytest.fail(f"gave up waiting for {what}")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("moment", ["paginate", "pdf"])
def test_interrupted_build_leaves_previous_outputs_byte_identical(previous_build, signum, moment):
    base, before = previous_build
    process, stderr_path = start_build(base)
    out = base / "out"
    with stopped_at_exit(process):
        if moment == "paginate":
            # the HTML is staged as the pagination starts: the build is midway, with a .part file
            wait_for(lambda: "reportc: normalise" in stderr_path.read_text()
                     and any(p.name.endswith(".part") for p in out.iterdir()), process, "a staged .part file")
        else:
            wait_for(lambda: "reportc: paginate" in stderr_path.read_text(), process, "the end of the pagination")
        process.send_signal(signum)
        returncode = process.wait(timeout=120)
    stderr = stderr_path.read_text()
    assert "Traceback" not in stderr, stderr
    assert "reportc: PDF" not in stderr or moment == "pdf", "the signal came after the PDF was written"
    assert returncode == 128 + signum, stderr
    assert stderr.splitlines()[-1] == (f"reportc: interrupted by {signal.Signals(signum).name}; "
                                       f"earlier outputs are unchanged")
    after = snapshot(out)
    assert sorted(after) == sorted(before), "an output added or removed, or a .part file left"
    for name in before:
        assert after[name] == before[name], f"{name} changed"


def test_a_signal_during_the_commit_waits_for_the_renames(tmp_path):
    """Renaming the staged files into place runs with the signals blocked: a signal sent then
    is taken afterwards, and reported as coming after the outputs were written."""
    from compiler.build import interrupts

    staged = tmp_path / "a.part"
    staged.write_text("new")
    with pytest.raises(interrupts.Interrupted) as raised:
        with interrupts.raising_on_signals():
            with interrupts.signals_blocked(done=True):
                # to the main thread: sent to the process, it may go to a thread an earlier test
                # of this process left (the next test is about that case)
                signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
                os.replace(staged, tmp_path / "a.txt")
    assert raised.value.after_commit and raised.value.signum == signal.SIGTERM
    assert (tmp_path / "a.txt").read_text() == "new"


def test_a_signal_swallowed_by_a_library_still_stops_the_commit():
    from compiler.build import interrupts

    with interrupts.raising_on_signals():
        try:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
        except BaseException:  # what a bare `except:` in a library would do
            pass
        with pytest.raises(interrupts.Interrupted):
            interrupts.check()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is removed after the build"


def test_parts_left_by_a_killed_build_are_removed_by_the_next_build(tmp_path):
    """SIGKILL gives a build no chance to clean up; the next build into the folder does."""
    (tmp_path / "src").mkdir()
    sample = SAMPLE.read_text(encoding="utf-8").rstrip("\n")
    (tmp_path / "src" / "chapter.txt").write_text("\n\n".join([sample] * 6) + "\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    process, stderr_path = start_build(tmp_path)
    out = tmp_path / "out"
    with stopped_at_exit(process):
        wait_for(lambda: any(p.name.endswith(".part") for p in out.iterdir()), process, "a staged .part file")
        process.kill()
        process.wait(timeout=60)
    assert [p for p in out.iterdir() if p.name.endswith(".part")], "the killed build left its .part file"
    result = run(["build", "src/chapter.txt", "-o", "out", "--format", "html", "-q"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir() if p.name.endswith(".part")] == []


def test_a_signal_delivered_to_another_thread_during_the_commit_waits_for_the_renames(tmp_path):
    """A build has other threads (the progress display's): a signal the kernel gives one of
    them still runs the handler in the main thread, mid-commit, unless the handler defers it."""
    import threading

    from compiler.build import interrupts

    staged = tmp_path / "a.part"
    staged.write_text("new")
    ready, sent = threading.Event(), threading.Event()

    def other_thread() -> None:  # takes the signal: the main thread has it blocked
        ready.wait()
        os.kill(os.getpid(), signal.SIGTERM)
        sent.set()

    helper = threading.Thread(target=other_thread)
    helper.start()
    with pytest.raises(interrupts.Interrupted) as raised:
        with interrupts.raising_on_signals():
            with interrupts.signals_blocked(done=True):
                ready.set()
                sent.wait(10)
                for _ in range(1000):  # bytecodes, at which Python runs pending handlers
                    pass
                os.replace(staged, tmp_path / "a.txt")
    helper.join()
    assert raised.value.after_commit and raised.value.signum == signal.SIGTERM
    assert (tmp_path / "a.txt").read_text() == "new"
