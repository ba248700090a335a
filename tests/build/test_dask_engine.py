"""A book laid out on a real Dask cluster (`reportc build --scheduler`) is byte for byte the book laid
out on this machine, even when a worker is killed in the middle of a chapter; a scheduler that
stops, or cannot be reached, is a one-line error, not a hang.

Each cluster is a `dask scheduler` and two `dask worker`s started as processes on 127.0.0.1 with
ephemeral ports (the scheduler's address read from its scheduler file), stopped by the fixtures'
finalizers whatever the test's outcome. The workers share this machine's disk, but the build sends
them every file as bytes all the same (compiler/build/dask_engine.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, snapshot, stopped_at_exit

from compiler.build.dask_engine import PAUSE_VARIABLE

BIN = Path(sys.executable).parent
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
CHAPTERS = ["000_946237fb39f22908.txt", "chapters/beijing_qu_xian.txt", "chapters/hunan_shi_zhou.txt",
            "chapters/jiangsu_xian_shi.txt", "chapters/zhejiang_xian_yu.txt", "chapters/long_words.txt"]
LOST_LINE = re.compile(r"reportc: chapter \d \(.*\): the Dask scheduler at tcp://127\.0\.0\.1:\d+ stopped answering "
                       r"during the build; earlier outputs are unchanged")


def _make_book(folder: Path) -> Path:
    """A six-chapter book of the test chapters, in a folder of its own; chapter 2 shows an image
    from a folder below its own (the workers must be sent it, and find it where the HTML says)."""
    from PIL import Image

    (folder / "chapters" / "images").mkdir(parents=True)
    for number, chapter in enumerate(CHAPTERS, start=1):
        shutil.copyfile(FIXTURES / chapter, folder / "chapters" / f"{number}.txt")
    Image.new("RGB", (160, 90), (200, 40, 40)).save(folder / "chapters" / "images" / "map.png")
    with open(folder / "chapters" / "2.txt", "a", encoding="utf-8") as second:
        second.write("\n\n区位如下图。\n\n![区位示意图](images/map.png)\n\n图后文字。\n")
    text = (FIXTURES / "book" / "book.toml").read_text(encoding="utf-8")
    names = ", ".join(f'"chapters/{number}.txt"' for number in range(1, len(CHAPTERS) + 1))
    (folder / "book.toml").write_text(text[:text.index("chapters = ")] + f"chapters = [{names}]\n", encoding="utf-8")
    return folder / "book.toml"


def _build(book: Path, out: Path, *options: str, env: dict[str, str] | None = None,
           timeout: float = 600) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "reportc"), "build", str(book), "-o", str(out), "--no-cache", *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **EPOCH, **(env or {})}, cwd=ROOT)


class Cluster:
    """A Dask scheduler and its workers, as processes of this test run."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.address = ""

    def start(self, workers: int = 2) -> "Cluster":
        scheduler_file = self.folder / "scheduler.json"
        self._start("scheduler", [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(scheduler_file)])
        deadline = time.monotonic() + 120
        while not self.address:
            assert time.monotonic() < deadline, "the scheduler never wrote its file"
            assert self.processes["scheduler"].poll() is None, self.log("scheduler")
            try:
                self.address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        for number in range(1, workers + 1):
            self._start(f"worker{number}", [str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                            "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"])
        self.wait_for_workers(workers)
        return self

    def _start(self, name: str, command: list[str]) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        # a session of its own: the nanny and the worker process it starts are stopped together
        self.processes[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                                cwd=self.folder)
        log.close()

    def log(self, name: str, last: int = 3000) -> str:
        """The end of a process's log (`last` characters; 0: all of it)."""
        return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")[-last:]

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=180)

    def stop(self) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=20)
            _signal_group(process, signal.SIGKILL)  # a worker process its nanny left behind


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture
def start_cluster(request, tmp_path_factory):
    """Start a cluster (`start_cluster()`), stopped when the test that started it ends."""

    def start(workers: int = 2) -> Cluster:
        cluster = Cluster(tmp_path_factory.mktemp("cluster"))
        request.addfinalizer(cluster.stop)  # before it starts: a start that fails half-way is stopped too
        return cluster.start(workers)

    return start


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory):
    """A cluster of two workers the tests of this module share (a worker killed is started
    again by its nanny)."""
    started = Cluster(tmp_path_factory.mktemp("cluster"))
    request.addfinalizer(started.stop)
    return started.start()


@pytest.fixture(scope="module")
def book_and_local_build(tmp_path_factory):
    """The six-chapter book, and its PDF, EPUB and edition.json built on this machine (edition.json
    names the sources relative to the output folder: it is the same for an output folder as deep)."""
    book = _make_book(tmp_path_factory.mktemp("book"))
    out = tmp_path_factory.mktemp("local")
    done = _build(book, out, "-q")
    assert done.returncode == 0, done.stderr
    assert _image_count(out / "book.pdf") == 1
    return book, snapshot(out)


def _image_count(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len({image.objgen for page in document.pages for image in page.get_images().values()})


def test_a_book_laid_out_on_two_dask_workers_is_byte_identical_to_a_local_build(cluster, book_and_local_build, tmp_path,
                                                                                own_cache_folder):
    import hashlib

    book, local = book_and_local_build
    done = _build(book, tmp_path, "--scheduler", cluster.address, "--json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    layout = next(record for record in records if record["type"] == "layout")
    assert layout["laid_out"] == [1, 2, 3, 4, 5, 6]
    assert (layout["engine"], layout["workers"]) == ("dask", 2)
    built = snapshot(tmp_path)
    assert set(built) == {"book.pdf", "book.epub", "edition.json"}
    for name in ("book.pdf", "book.epub", "edition.json"):
        assert built[name] == local[name], f"{name} differs from the local build"
    # the image went to the workers as bytes, kept by its hash in their cache
    image = hashlib.sha256((book.parent / "chapters" / "images" / "map.png").read_bytes()).hexdigest()
    assert (own_cache_folder / "dask" / "blobs" / image).is_file()


def test_a_worker_killed_while_it_lays_out_a_chapter_changes_nothing_in_the_book(cluster, book_and_local_build,
                                                                                  tmp_path):
    """The worker laying out chapter 3 is killed (SIGKILL) in the middle of it: Dask lays the
    chapter out again on the other worker (its nanny starts a new one), the book is the same."""
    book, local = book_and_local_build
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    out = tmp_path / "out"
    command = [str(BIN / "reportc"), "build", str(book), "-o", str(out), "--no-cache", "-q",
               "--scheduler", cluster.address]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, **EPOCH, PAUSE_VARIABLE: f"3:{pauses}"})
    with stopped_at_exit(process):
        announced: list[Path] = []
        deadline = time.monotonic() + 300
        while not announced and process.poll() is None and time.monotonic() < deadline:
            announced = list(pauses.glob("*.3"))
            time.sleep(0.05)
        assert announced, f"no worker began chapter 3: {process.poll()} {process.stderr.read() if process.stderr else ''}"
        worker = int(announced[0].name.split(".")[0])
        os.kill(worker, signal.SIGKILL)
        (pauses / "go").touch()
        stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert stderr == ""
    built = snapshot(out)
    assert (built["book.pdf"], built["book.epub"]) == (local["book.pdf"], local["book.epub"])
    # chapter 3 was laid out again by another worker process
    assert len(list(pauses.glob("*.3"))) == 2


def test_a_scheduler_that_stops_mid_build_is_a_one_line_error_and_the_outputs_stay(start_cluster,
                                                                                    book_and_local_build, tmp_path):
    book, local = book_and_local_build
    cluster = start_cluster()
    out = tmp_path / "out"
    first = _build(book, out, "-q", "--scheduler", cluster.address)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert (before["book.pdf"], before["book.epub"]) == (local["book.pdf"], local["book.epub"])
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    command = [str(BIN / "reportc"), "build", str(book), "-o", str(out), "--no-cache", "--scheduler", cluster.address]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, **EPOCH, PAUSE_VARIABLE: f"2:{pauses}"})
    with stopped_at_exit(process):
        deadline = time.monotonic() + 300
        while not list(pauses.glob("*.2")) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(pauses.glob("*.2")), "no worker began chapter 2"
        cluster.processes["scheduler"].kill()
        (pauses / "go").touch()
        _, stderr = process.communicate(timeout=300)  # bounded: a hang fails here
    assert process.returncode == 1, stderr
    assert len(stderr.splitlines()) == 1 and LOST_LINE.fullmatch(stderr.strip()), stderr
    assert snapshot(out) == before
    assert not list(out.glob(".*.part"))


def _free_port() -> int:
    """A port nothing listens on (just released by this process)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_scheduler_that_cannot_be_reached_is_a_one_line_error(tmp_path):
    book = _make_book(tmp_path / "book")
    address = f"tcp://127.0.0.1:{_free_port()}"
    done = _build(book, tmp_path / "out", "--scheduler", address, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"reportc: cannot reach the Dask scheduler at {address} (")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert not (tmp_path / "out").exists()
    malformed = _build(book, tmp_path / "out", env={"REPORTC_SCHEDULER": "somewhere"}, timeout=120)
    assert malformed.returncode == 2
    assert malformed.stderr == "reportc: 'somewhere' is not a Dask scheduler's address (tcp://HOST:PORT)\n"


def test_a_local_build_does_not_import_dask(tmp_path):
    """The default engine pays nothing for the other: neither the command line nor a book built
    on this machine imports Dask."""
    book = tmp_path / "book.toml"
    book.write_text('title = "书"\nchapters = ["a.md", "b.md"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("# 第一章\n\n## 概述\n\n文字。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 第二章\n\n## 概述\n\n文字。\n", encoding="utf-8")
    program = ("import sys\nfrom compiler.cli import main\n"
               f"code = main(['build', {str(book)!r}, '-o', {str(tmp_path / 'out')!r}, '-q', '--jobs', '1'])\n"
               "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={k: v for k, v in os.environ.items() if k != "REPORTC_SCHEDULER"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 []"


def test_a_worker_reads_only_the_files_it_was_sent_under_the_build_s_paths(tmp_path):
    """On a worker, WeasyPrint asks for the build's paths (images are named after their URLs)
    and gets the copies sent; its own file at such a path, or any other, is refused."""
    import pytest as _pytest

    from compiler.writers.print.sandbox import make_url_fetcher

    tree = tmp_path / "tree"
    (tree / "src").mkdir(parents=True)
    (tree / "src" / "map.png").write_bytes(b"sent")
    own = tmp_path / "own.png"
    own.write_bytes(b"the worker's own")
    fetcher = make_url_fetcher([tree], {"/build/machine/book/map.png": tree / "src" / "map.png"})
    response = fetcher.fetch("file:///build/machine/book/../book/map.png")
    try:
        assert response.read() == b"sent"
    finally:
        response.close()
    with _pytest.raises(ValueError, match="was not sent"):
        fetcher.fetch(own.as_uri())


def test_several_books_in_one_command_share_one_connection_to_the_scheduler(cluster, book_and_local_build,
                                                                            tmp_path):
    book, local = book_and_local_build
    other = tmp_path / "other"
    other.mkdir()
    (other / "1.md").write_text("# 第一章 概况\n\n## 概述\n\n全年完成重点项目一百二十项。\n", encoding="utf-8")
    (other / "book.toml").write_text('title = "另一本书"\nchapters = ["1.md"]\n', encoding="utf-8")

    def connections() -> int:
        return len(re.findall(r"Receive client connection: Client-(?!worker)", cluster.log("scheduler", last=0)))

    before = connections()
    command = [str(BIN / "reportc"), "build", str(book), str(other / "book.toml"), "-o", str(tmp_path / "out"),
               "--no-cache", "--scheduler", cluster.address, "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ, **EPOCH}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    layouts = {record["target"]: record for record in map(json.loads, done.stdout.splitlines())
               if record["type"] == "layout"}
    assert {target: record["engine"] for target, record in layouts.items()} == {str(book): "dask",
                                                                               str(other / "book.toml"): "dask"}
    built = snapshot(tmp_path / "out" / book.parent.name)
    assert (built["book.pdf"], built["book.epub"]) == (local["book.pdf"], local["book.epub"])
    assert (tmp_path / "out" / "other" / "book.pdf").is_file()
    assert connections() - before == 1, cluster.log("scheduler")
