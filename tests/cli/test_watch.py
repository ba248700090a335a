"""`reportc watch`: builds, builds again when the chapter is saved, reports a broken chapter
without exiting (and without touching the outputs), and ends cleanly on Ctrl-C or SIGTERM.

Each test runs the real command as a process, changes files as an editor would, and waits for
the effect with a bounded poll (never a timing assertion). The outputs go into the watched
folder itself, so a build that reacted to its own outputs would show in the messages.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPORTC

POLL_SECONDS = 0.05
POLL_LIMIT = 2400  # two minutes at most

CHAPTER = "# 第一章 概况\n\n## 概述\n\n{body}\n"
BROKEN = "# 第一章 概况\n\n## 概述\n\n正文。\n\n```\n没有结束的代码块\n"


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as a terminal user has it (see test_interrupt)


class Watcher:
    def __init__(self, folder: Path, source: str):
        command = [str(REPORTC)] if REPORTC.exists() else [sys.executable, "-m", "compiler"]
        self.stderr_path = folder / "watch-stderr.log"
        self.stdout_path = folder / "watch-stdout.log"
        env = {k: v for k, v in os.environ.items() if k != "REPORTC_DEBUG"}
        with self.stderr_path.open("w") as stderr, self.stdout_path.open("w") as stdout:
            self.process = subprocess.Popen([*command, "watch", source, "-o", "src/out", "--format", "html"],
                                            cwd=folder, stdout=stdout, stderr=stderr, env=env,
                                            preexec_fn=_default_sigint)

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def wait_for(self, condition, what: str) -> None:
        for _ in range(POLL_LIMIT):
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"watch ended ({self.process.returncode}) before {what}:\n{self.stderr}")
            time.sleep(POLL_SECONDS)
        pytest.fail(f"gave up waiting for {what}:\n{self.stderr}")

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def watched(tmp_path):
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "chapter.txt"
    source.write_text(CHAPTER.format(body="第一版正文。"), encoding="utf-8")
    watcher = Watcher(tmp_path, "src/chapter.txt")
    yield watcher, source, tmp_path / "src" / "out" / "chapter.html"
    if watcher.process.poll() is None:
        watcher.process.kill()
        watcher.process.wait()


def html_holds(output: Path, text: str):
    # the print HTML may hold word joiners (U+2060) between characters: they keep lines apart
    return lambda: output.exists() and text in output.read_text(encoding="utf-8").replace("\u2060", "")


def save(path: Path, text: str) -> None:
    """Save as many editors do: write a new file, then rename it over the old one."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_watch_rebuilds_on_save_reports_errors_and_stops_on_ctrl_c(watched):
    watcher, source, output = watched
    watcher.wait_for(html_holds(output, "第一版正文"), "the first build")
    watcher.wait_for(lambda: "watching chapter.txt" in watcher.stderr, "watching to start")

    source.write_text(CHAPTER.format(body="第二版正文。"), encoding="utf-8")  # written in place
    watcher.wait_for(html_holds(output, "第二版正文"), "the build after an edit in place")

    save(source, BROKEN)
    watcher.wait_for(lambda: re.search(r"^reportc: src/chapter\.txt:7:1: error: code fence", watcher.stderr, re.M),
                     "the error of the broken chapter")
    assert watcher.process.poll() is None, "an error does not end watch mode"
    assert html_holds(output, "第二版正文")(), "a failed build leaves the output alone"

    save(source, CHAPTER.format(body="第三版正文。"))
    watcher.wait_for(html_holds(output, "第三版正文"), "the build after the chapter was fixed")

    assert watcher.stop(signal.SIGINT) == 0
    stderr = watcher.stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.splitlines()[-1] == "reportc: stopped watching"
    changed = re.findall(r"^reportc: (.+) changed: building again$", stderr, re.M)
    assert changed and set(changed) == {"chapter.txt"}, f"only the chapter starts a build: {changed}"
    assert not list(output.parent.glob("*.part"))


def test_watch_ends_cleanly_on_sigterm(watched):
    watcher, source, output = watched
    watcher.wait_for(lambda: "watching chapter.txt" in watcher.stderr, "watching to start")
    assert watcher.stop(signal.SIGTERM) == 0
    assert "Traceback" not in watcher.stderr
    assert watcher.stderr.splitlines()[-1] == "reportc: stopped watching"


def test_watch_of_a_chapter_not_yet_written_waits_for_it(tmp_path):
    (tmp_path / "src").mkdir()
    watcher = Watcher(tmp_path, "src/chapter.txt")
    try:
        watcher.wait_for(lambda: "reportc: src/chapter.txt: no such file" in watcher.stderr, "the error")
        watcher.wait_for(lambda: "watching chapter.txt" in watcher.stderr, "watching to start")
        save(tmp_path / "src" / "chapter.txt", CHAPTER.format(body="终于写好的正文。"))
        watcher.wait_for(html_holds(tmp_path / "src" / "out" / "chapter.html", "终于写好的正文"), "the build")
        assert watcher.stop(signal.SIGINT) == 0
    finally:
        if watcher.process.poll() is None:
            watcher.process.kill()
            watcher.process.wait()


def test_watch_with_a_bad_option_exits_2_at_once(tmp_path):
    from conftest import one_line, run

    (tmp_path / "chapter.txt").write_text(CHAPTER.format(body="正文。"), encoding="utf-8")
    result = run(["watch", "chapter.txt", "--format", "docx"], tmp_path, timeout=60)
    assert result.returncode == 2
    assert "docx" in one_line(result.stderr)


def test_a_save_between_the_build_and_the_start_of_the_watch_is_built(tmp_path):
    """watchfiles gives no sign that its watch has started: a save in between, which the watch
    never sees, is found by comparing the inputs with their state at the build."""
    import os
    import threading

    from compiler.cli.watch import watch

    source = tmp_path / "chapter.txt"
    source.write_text("一", encoding="utf-8")
    read: list[str] = []

    def rebuild():
        read.append(source.read_text(encoding="utf-8"))
        if len(read) == 1:
            source.write_text("第二版", encoding="utf-8")  # after the build read it, before any watch
            return [source]
        raise KeyboardInterrupt  # the second build came: stop watching

    give_up = threading.Timer(30, lambda: os.kill(os.getpid(), signal.SIGINT))  # never hang the run
    give_up.start()
    try:
        assert watch(source, rebuild, layout_folder=tmp_path, quiet=True) == 0
    finally:
        give_up.cancel()
    assert read == ["一", "第二版"]
