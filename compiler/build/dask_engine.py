"""A book's chapters laid out on a Dask distributed cluster: `reportc build book.toml --scheduler tcp://HOST:PORT`.

The local engine (`compiler.writers.print.paginate_book.local_engine`) stays the default; this one
is used only when a scheduler is named (`--scheduler`, or `REPORTC_SCHEDULER`), and only then is
Dask imported. The same function lays a chapter out in both (`lay_out_chapter`); what differs is
how a chapter gets its inputs and learns where its page numbers start.

Workers share no file system with the build. Each chapter's task carries what its layout reads
as bytes: the chapter's HTML and document tree, the layout folder's files and the images the
chapter shows, content-addressed (`files`: path in the chapter's tree → SHA-256, `blobs`: SHA-256
→ bytes). A worker keeps each blob once in its cache folder (`<cache>/dask/blobs`, the worker's
`REPORTC_CACHE_DIR` or `~/.cache/reportc`) and lays the chapter's folder tree out of hard links
to them (`<cache>/dask/trees`). WeasyPrint there asks for each file by the path it has on the
build's machine, under the build's base URL, and is served the copy sent (only those: nothing
of the worker's own disk) — it names an image in the PDF after its URL, so the bytes stay the
same. The task returns the chapter's PDF bytes and what its pagination found; the build writes the PDF
into its parts store as the local engine does, and joins the parts the same way.

Page numbers are stitched through the scheduler, not shared memory: a task that has paginated
its chapter publishes the page count in a Dask `Variable` named after the build and the
chapter. A chapter whose numbers can be drawn apart from its body (the usual case) is numbered
from 1 and stamped with its true numbers by the build once every count is known
(`compiler.writers.print.page_stamps`); one whose numbers cannot waits for the counts of the
chapters before it and numbers its pages on from them — the laid-out chapter stays in the
worker's memory while it waits, and the task leaves the worker's thread pool (`secede`) so that
the worker lays out other chapters meanwhile. A chapter is laid out once. A worker lost mid-task
(killed, out of memory) is Dask's to recover: the scheduler runs its tasks again elsewhere, and
a chapter laid out again publishes the same count.
The output is byte-identical to a local build (tests/build/test_dask_engine.py).

A worker must run the same reportc, libraries and fonts as the build (`make build` on each
worker machine, the same commit): each task checks a fingerprint of them and refuses otherwise.
Errors are answers: a scheduler that cannot be reached, one that stops answering during the
build, a cluster with no workers, or a chapter whose workers keep dying is a one-line
`ReportError` (exit 1), and the build's outputs are staged as always, so earlier ones stay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from ..diagnostics import EXIT_FAILURE, EXIT_USAGE, ReportError
from ..model.nodes import Document
from ..resources import cache_dir, write_atomically
from ..writers.fonts import MANIFEST, all_font_files
from ..writers.print.paginate_book import ChapterEngine, ChapterTask, PaginatedChapter, first_page_of, lay_out_chapter
from ..writers.print.page_stamps import numbers_path
from ..writers.print.pdf import base_url_of
from .cache import distributions_key

# How long to try reaching the scheduler at the start, and how long a scheduler lost during the
# build (or a cluster without a worker) is waited for before the build gives up: a restart of
# the scheduler process is quick, a machine gone is not coming back.
CONNECT_SECONDS = 10.0
# What a scheduler's address looks like: checked before Dask is asked, which would take a
# malformed one apart only in a background thread and hang at exit.
ADDRESS = re.compile(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):\d{1,5}")
LOST_SECONDS = 15.0
# How often a wait looks again: the build at its tasks and the scheduler, a task at the counts
# it waits for and whether it is still wanted.
CHECK_SECONDS = 0.5
# Fault injection for tests/build/test_dask_engine.py, read by the build and passed to the tasks
# (the workers need no setting): "CHAPTER:FOLDER" makes the task of that chapter (from 1), before
# it lays the chapter out, write FOLDER/<its process id>.<chapter> and wait until FOLDER/go
# exists — the test kills the worker, or the scheduler, at that moment.
PAUSE_VARIABLE = "REPORTC_FAULT_DASK_PAUSE"


@dataclass(frozen=True)
class ChapterBundle:
    """One chapter's layout as a task: its HTML and tree, and every file it may read, as bytes."""

    number: int  # the chapter's place in the book, from 0
    html: str
    doc: Document
    base_dir: str  # where the HTML's relative paths start, in the chapter's tree
    files: dict[str, str]  # path in the chapter's tree → SHA-256 of its bytes
    blobs: dict[str, bytes]  # SHA-256 → bytes
    base_url: str  # the HTML's base URL on the build's machine: WeasyPrint names images after their URLs
    sent: dict[str, str]  # a path the layout reads on the build's machine → the path in the chapter's tree
    counts: list[int]  # every chapter's page count known when the build started (-1: laid out by this build)
    build: str  # names the build's page-count variables
    environment: str  # the build's `environment_key`: a worker running anything else refuses
    pause: str = ""  # PAUSE_VARIABLE's value


@dataclass(frozen=True)
class ChapterFromWorker:
    """A chapter laid out by a worker: what its pagination found, its PDF (and its page numbers
    apart, when they can be), who laid it out."""

    chapter: PaginatedChapter
    pdf: bytes
    worker: str
    numbers: bytes | None = None


# ------------------------------------------------------------------ the build's side


@contextmanager
def dask_engine(address: str, *, layout_folder: Path, image_files: list[list[Path]],
                workers_seen: list[int] | None = None) -> Iterator[ChapterEngine]:
    """A chapter engine laying chapters out on the Dask cluster whose scheduler is at `address`.
    `image_files[n]` are the images chapter `n` shows; the layout folder's files go with every
    task. The number of workers the cluster had is appended to `workers_seen`."""
    if not ADDRESS.fullmatch(address):
        raise ReportError(f"'{address}' is not a Dask scheduler's address (tcp://HOST:PORT)", EXIT_USAGE)
    with _quiet_dask():
        shared = _shared_clients.get(address) if _shared_clients is not None else None
        client = shared if shared is not None and shared.status == "running" else _connect(address)
        try:
            if workers_seen is not None:
                workers_seen.append(_worker_count(client))
            yield _Engine(client, address, layout_folder, image_files).run
        finally:
            if _shared_clients is not None:
                _shared_clients[address] = client
            else:
                _close(client)


# The connections the builds inside `one_connection` share: scheduler address → Dask client.
_shared_clients: dict[str, Any] | None = None


@contextmanager
def one_connection() -> Iterator[None]:
    """While inside this block, the builds (the targets of one command) that use a scheduler share
    one connection to it; it is closed when the block ends."""
    global _shared_clients
    if _shared_clients is not None:  # already inside one
        yield
        return
    _shared_clients = {}
    try:
        yield
    finally:
        clients, _shared_clients = _shared_clients, None
        for client in clients.values():
            _close(client)


def _connect(address: str) -> Any:
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ReportError(f"cannot reach the Dask scheduler at {address} ({_reason(exc)})", EXIT_FAILURE) from None


class _Engine:
    """The build's side of a Dask layout: the tasks submitted, their results awaited and written."""

    def __init__(self, client: Any, address: str, layout_folder: Path, image_files: list[list[Path]]):
        self.client, self.address = client, address
        self.layout_folder, self.image_files = layout_folder, image_files

    def run(self, tasks: list[ChapterTask], counts: list[int]) -> Iterator[PaginatedChapter]:
        """The engine's `engine(tasks, counts)`: see `compiler.writers.print.paginate_book.ChapterEngine`."""
        if not tasks:
            return
        build = uuid.uuid4().hex
        environment = environment_key()
        pause = os.environ.get(PAUSE_VARIABLE, "")
        bundles = [self._bundle(task, counts, build, environment, pause) for task in tasks]
        with _quiet_dask():
            # earlier chapters first: later ones wait for their page counts
            futures = [self.client.submit(lay_out_on_worker, bundle, key=f"reportc-chapter-{task.number + 1}-{build}",
                                          priority=len(tasks) - i, pure=False)
                       for i, (task, bundle) in enumerate(zip(tasks, bundles))]
        try:
            for task, future in zip(tasks, futures):
                laid_out = self._result(task, future)
                if laid_out.numbers is not None:
                    write_atomically(numbers_path(task.pdf), laid_out.numbers)
                write_atomically(task.pdf, laid_out.pdf)
                yield laid_out.chapter
        finally:
            self._forget(futures, build, len(counts))

    def _bundle(self, task: ChapterTask, counts: list[int], build: str, environment: str, pause: str) -> ChapterBundle:
        """The chapter's task: its images and the layout's files placed in one tree, by content."""
        base = Path(os.path.abspath(task.base_dir))
        images = [Path(os.path.abspath(path)) for path in self.image_files[task.number] if path.is_file()]
        top = Path(os.path.commonpath([base, *images]))
        files: dict[str, str] = {}
        blobs: dict[str, bytes] = {}
        base_url = base_url_of(task.base_dir)
        sent: dict[str, str] = {}

        def add(tree_path: str, path: Path, named: str) -> None:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            files[tree_path] = digest
            blobs[digest] = data
            sent[os.path.normpath(named)] = tree_path

        try:
            layout = self.layout_folder.resolve()
            for path in sorted(p for p in layout.rglob("*") if p.is_file()):
                add(f"layout/{path.relative_to(layout).as_posix()}", path, str(path))
            for image in images:
                # the URL WeasyPrint fetches: the image's path relative to the base, joined to the base URL
                add(f"src/{image.relative_to(top).as_posix()}", image, base_url + os.path.relpath(image, base))
        except OSError as exc:
            raise ReportError(f"{exc.filename}: cannot be read for the Dask workers ({exc.strerror or exc})",
                              EXIT_FAILURE) from None
        relative_base = base.relative_to(top).as_posix()
        return ChapterBundle(task.number, task.html, task.doc, "src" if relative_base == "." else f"src/{relative_base}",
                             files, blobs, base_url, sent, list(counts), build, environment, pause)

    def _result(self, task: ChapterTask, future: Any) -> ChapterFromWorker:
        """The chapter's result, waited for as long as the cluster works on it; a lost scheduler,
        a cluster left without workers or a chapter whose workers kept dying is an error."""
        from distributed import KilledWorker

        trouble_since: float | None = None
        name = f"chapter {task.number + 1} ({task.doc.source_name})"
        while True:
            try:
                with _quiet_dask():
                    result: ChapterFromWorker = future.result(timeout=CHECK_SECONDS)
                return result
            except KilledWorker:
                raise ReportError(f"{name}: the Dask workers laying it out died, one after another; earlier "
                                  "outputs are unchanged", EXIT_FAILURE) from None
            except ReportError:
                raise
            except TimeoutError:
                pass
            except Exception as exc:  # noqa: BLE001 - a future cancelled with the scheduler gone, a lost connection
                if self.client.status == "running" and _answers(self.client):
                    raise
                trouble = self._trouble()
                raise ReportError(f"{name}: {trouble or f'the Dask cluster failed ({_reason(exc)})'}; earlier "
                                  "outputs are unchanged", EXIT_FAILURE) from None
            trouble = self._trouble()
            if trouble is None:
                trouble_since = None
                continue
            trouble_since = trouble_since if trouble_since is not None else time.monotonic()
            if time.monotonic() - trouble_since > LOST_SECONDS:
                raise ReportError(f"{name}: {trouble}; earlier outputs are unchanged", EXIT_FAILURE)

    def _trouble(self) -> str | None:
        """What keeps the cluster from laying the book out, if anything: the scheduler gone, or no worker."""
        identity = _identity(self.client) if self.client.status == "running" else None
        if identity is None:
            return f"the Dask scheduler at {self.address} stopped answering during the build"
        if not identity.get("workers"):
            return f"the Dask scheduler at {self.address} has no workers"
        return None

    def _forget(self, futures: list[Any], build: str, chapters: int) -> None:
        """Cancel what is left of the build's tasks and remove its page-count variables (best effort:
        a scheduler gone has forgotten them already)."""
        if self.client.status != "running":
            return
        with _quiet_dask():
            from distributed import Variable

            try:
                self.client.cancel([future for future in futures if not future.done()], force=True)
                for number in range(chapters):
                    Variable(_count_name(build, number), client=self.client).delete()
            except Exception:  # noqa: BLE001 - tidying up only
                pass


def _identity(client: Any) -> dict[str, Any] | None:
    """The scheduler's answer to who it is and which workers it has, asked now (a connection
    broken may not have been noticed yet); None when it does not answer."""
    try:
        identity: dict[str, Any] = client.sync(client.scheduler.identity, callback_timeout=CHECK_SECONDS * 4)
        return identity
    except Exception:  # noqa: BLE001 - any failure is no answer
        return None


def _answers(client: Any) -> bool:
    return _identity(client) is not None


def _worker_count(client: Any) -> int:
    return len((_identity(client) or {}).get("workers", {}))


def _close(client: Any) -> None:
    with _quiet_dask():
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 - a scheduler gone cannot be said goodbye to
            pass


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask's logs and warnings off stderr while the build talks to the cluster: what goes wrong is
    said in the build's one line (a scheduler lost is logged by several of Dask's modules)."""
    import distributed  # noqa: F401 - its logging configured first, so that it is not configured over ours

    names = ["distributed", "tornado", "asyncio",
             *(name for name in list(logging.root.manager.loggerDict) if name.startswith(("distributed.", "tornado.")))]
    loggers = [logging.getLogger(name) for name in names]  # each of Dask's has a level of its own
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _count_name(build: str, number: int) -> str:
    return f"reportc-{build}-count-{number}"


@lru_cache(maxsize=1)
def environment_key() -> str:
    """What a chapter's layout depends on besides its inputs, the same on every machine that has
    it: reportc's code and layouts (by path within the package, and bytes), every installed
    distribution's version, and the font files' names and sizes. The local parts key also holds
    the files' places and times, which differ from machine to machine."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    from ..resources import LAYOUTS_DIR

    for path in sorted(p for p in LAYOUTS_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(LAYOUTS_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(MANIFEST.read_bytes())
    digest.update(distributions_key().encode())
    try:
        fonts = sorted((file, os.stat(file).st_size) for file in all_font_files())
    except (OSError, ValueError):
        fonts = []
    digest.update(json.dumps(fonts).encode())
    return digest.hexdigest()


# ------------------------------------------------------------------ the worker's side

# One chapter at a time is laid out in a worker process, whatever its threads: WeasyPrint holds
# the interpreter anyway, and a chapter waiting for its page numbers lets go of it.
_laying_out = threading.Lock()


def lay_out_on_worker(bundle: ChapterBundle) -> ChapterFromWorker:
    """A Dask task: lay one chapter out from the bytes it was given, publish its page count, wait
    for the counts of the chapters before it, number its pages on, and give back its PDF."""
    from distributed import get_worker, rejoin, secede

    if bundle.environment != environment_key():
        raise ReportError(f"the Dask worker {get_worker().address} runs another reportc, other libraries or other "
                          "fonts than this build (run 'make build' there, on the same commit)", EXIT_FAILURE)
    tree = _tree(bundle)
    _pause_if_asked(bundle)
    scratch = Path(tempfile.mkdtemp(prefix="reportc-dask-"))
    task = ChapterTask(bundle.number, bundle.html, bundle.doc, tree / bundle.base_dir, [tree], scratch / "part.pdf",
                       base_url=bundle.base_url, sent={named: tree / _inside(where) for named, where in bundle.sent.items()})

    def first_page_when_known(count: int, wait: bool) -> int:
        _variable(bundle, bundle.number).set(count)
        if not wait:
            return 1
        counts = list(bundle.counts)
        waiting = [j for j in range(bundle.number) if counts[j] < 0]
        if waiting:
            _laying_out.release()
            secede()  # the worker lays other chapters out meanwhile
            try:
                for j in waiting:
                    counts[j] = _count_when_published(bundle, j)
            finally:
                rejoin()
                _laying_out.acquire()
        return first_page_of(bundle.number, counts)

    try:
        with _laying_out:
            chapter = lay_out_chapter(task, first_page_when_known)
        numbers = numbers_path(task.pdf)
        return ChapterFromWorker(chapter, task.pdf.read_bytes(), get_worker().address,
                                 numbers.read_bytes() if chapter.page_types is not None else None)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _variable(bundle: ChapterBundle, number: int) -> Any:
    from distributed import Variable

    return Variable(_count_name(bundle.build, number))


def _count_when_published(bundle: ChapterBundle, number: int) -> int:
    """Chapter `number`'s page count, once its task has published it; the task stops when the
    build no longer wants it (cancelled, or its client gone)."""
    from distributed import get_worker

    variable = _variable(bundle, number)
    worker = get_worker()
    key = worker.get_current_task()
    while True:
        try:
            return int(variable.get(timeout=CHECK_SECONDS * 4))
        except TimeoutError:
            state = worker.state.tasks.get(key)
            if state is None or state.state not in ("executing", "long-running"):
                raise RuntimeError("the build stopped waiting for this chapter") from None


def _tree(bundle: ChapterBundle) -> Path:
    """The chapter's folder tree on this worker, its files hard links to the cached blobs."""
    home = cache_dir() / "dask"
    blobs = home / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    for digest, data in bundle.blobs.items():
        blob = blobs / digest
        if not blob.is_file():
            if hashlib.sha256(data).hexdigest() != digest:
                raise RuntimeError(f"a file sent for chapter {bundle.number + 1} does not match its hash")
            write_atomically(blob, data)
    layout = json.dumps([sorted(bundle.files.items()), bundle.base_dir]).encode()
    tree = home / "trees" / hashlib.sha256(layout).hexdigest()[:32]
    if tree.is_dir():
        return tree
    tree.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".tree-", dir=tree.parent))
    try:
        for where in ("layout", "src", bundle.base_dir):
            (building / _inside(where)).mkdir(parents=True, exist_ok=True)
        for where, digest in bundle.files.items():
            target = building / _inside(where)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(blobs / digest, target)
            except OSError:
                shutil.copyfile(blobs / digest, target)
        try:
            building.rename(tree)
        except OSError:  # another task of the worker made it first
            if not tree.is_dir():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return tree


def _inside(where: str) -> str:
    """A path of the chapter's tree, refused if it would lead out of it."""
    path = Path(where)
    if path.is_absolute() or ".." in path.parts:
        raise RuntimeError(f"a path sent to the worker leads out of its folder: {where}")
    return where


def _pause_if_asked(bundle: ChapterBundle) -> None:
    chapter, _, folder = bundle.pause.partition(":")
    if chapter != str(bundle.number + 1) or not folder:
        return
    Path(folder, f"{os.getpid()}.{chapter}").touch()
    deadline = time.monotonic() + 120
    while not Path(folder, "go").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
