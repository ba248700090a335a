"""Two builds into one output folder (a watch and a build by hand) take turns: the second waits
for the first, or with --lock-timeout says the folder is busy (exit 1, one line); a book's
laid-out parts are removed only by the build that holds them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from compiler.build.lock import LOCK_NAME, folder_locked
from conftest import FIXTURES, SAMPLE, one_line, run

POLL_SECONDS = 0.02
POLL_LIMIT = 6000  # two minutes at most


def test_a_build_into_a_folder_another_build_holds_says_busy_after_its_timeout(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with folder_locked(out):
        result = run(["build", str(SAMPLE), "-o", "out", "--format", "html", "--lock-timeout", "0.2"], tmp_path)
    assert result.returncode == 1
    assert one_line(result.stderr) == f"reportc: busy: another reportc build is writing out"
    assert list(out.iterdir()) == [], "the busy build wrote nothing"


def test_a_second_build_waits_for_the_first_and_then_builds(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stderr_path = tmp_path / "stderr.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTC_DEBUG", "SOURCE_DATE_EPOCH")}
    with folder_locked(out):
        with stderr_path.open("w") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "compiler", "build", str(SAMPLE), "-o", "out",
                                        "--format", "html"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr,
                                       env=env, text=True)
        try:
            for _ in range(POLL_LIMIT):
                if "waiting: another reportc build is writing out" in stderr_path.read_text() \
                        or process.poll() is not None:
                    break
                time.sleep(POLL_SECONDS)
            assert process.poll() is None, "the second build did not wait"
            assert not (out / f"{SAMPLE.stem}.html").exists()
        except BaseException:
            process.kill()
            raise
    stdout, _ = process.communicate(timeout=300)
    assert process.returncode == 0, stderr_path.read_text()
    assert "wrote" in stdout and (out / f"{SAMPLE.stem}.html").is_file()
    assert not (out / LOCK_NAME).exists(), "the lock file is removed with the lock"


def test_a_books_parts_are_not_removed_while_another_build_holds_them(tmp_path):
    from compiler.build.parts import PartsFolder

    book = FIXTURES / "book" / "book.toml"
    out = tmp_path / "out"
    store = PartsFolder.for_book(book.resolve(), out, "")
    assert store is not None
    others = store.folder / "0123456789abcdef.pdf"  # a part another build laid out and is joining
    others.write_bytes(b"%PDF-1.7 another build's part")
    with folder_locked(store.folder):
        result = run(["build", str(book), "-o", "out", "--format", "pdf", "--lock-timeout", "0.2"], tmp_path)
    assert result.returncode == 1
    assert one_line(result.stderr) == f"reportc: busy: another reportc build is writing {store.folder}"
    assert others.is_file(), "a build removed a part it does not own"
    assert not out.exists() or list(out.iterdir()) == []
