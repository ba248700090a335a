"""Paginating a book for print: as one document, or a chapter at a time in parallel processes.

`paginate_whole` gives WeasyPrint the whole book as one HTML page. It is the reference, and the
way for PDF/A and PDF/UA (a tagged structure tree and attachments belong to one document) and
for layouts that do not say `chapters_apart = true`.

`paginate_by_parts` paginates each chapter as a document of its own — in parallel processes,
or not at all when an earlier build paginated the very same chapter — and then the front
matter, whose contents need every chapter's page numbers. A chapter's pagination does not
depend on where its numbers start (it opens on a right-hand page wherever it is), so its
numbers need not be known while it is laid out: a process paginates its chapter numbered from
1, with its page numbers drawn apart from its body, publishes its page count and goes on to the
next chapter. Once every count is known, the chapters whose numbers are not their own are
numbered anew from a stand-in (`page_stamps`), in another process while this one lays out the
front matter. A chapter whose numbers cannot be drawn apart (a running head beside them)
waits for the counts before it instead and numbers its pages on from them
(`compiler.weasyprint_patches.page_numbers`). A chapter that does not open on the right stops
the build. The parts' PDFs, written without font programs, are joined with blank versos where a
part ends on a right-hand page, as the whole document has them, their numbers stamped, and one
font subset per face (`join`). A process that dies (the OOM killer) stops the build with an
error naming its chapter, not a wait for ever: every wait looks again now and then whether the
processes it waits on live. tests/writers/test_paginate_book.py checks that the result has the
pages, the text, the rendering, the bookmarks and links of `paginate_whole`, and the same bytes
whatever was reused.

Paginated chapters are kept in a `PartsStore` the build gives (`compiler.build.parts`): the
chapter's PDF and what its pagination found, keyed on everything the pagination depends on.

The processes are the default engine (`local_engine`), forked from a server that has imported
WeasyPrint (`warm_up_workers`, started early by the build); `paginate_by_parts` takes any
`ChapterEngine`, such as the Dask cluster's (`compiler.build.dask_engine`), which lays each
chapter out with the same `lay_out_chapter` and stitches the numbers its own way.
"""

from __future__ import annotations

import hashlib
import multiprocessing.connection
import multiprocessing.context
import os
import signal
import sys
import time
import types
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

from ...diagnostics import EXIT_FAILURE, EXIT_USAGE, ReportError
from ...model.nodes import Document
from ...resources import replaced_atomically
from ...weasyprint_patches.boxes import opening_break
from ...weasyprint_patches.page_numbers import Numbering, PageTypeData, numbered_on, numbers_apart
from ..anchors import PageStart
from ..templates import Layout
from .join import Part, join_parts, programs_left_to_join
from .page_map import page_starts
from .page_stamps import Renumbering, numbers_path, stamp_numbers
from .pdf import RenderedPages, render_pages, write_pdf


# A part of the book as HTML: `render_part(front=…, chapters=…, page_numbers=…)` (see
# `compiler.writers.html.render_book_part`).
RenderPart = Callable[..., str]
RenderHere = Callable[[str], RenderedPages]
# What lays out a book's chapters: `engine(tasks, counts)` paginates each task's chapter, writes
# its PDF to the task's `pdf`, and yields the results in the order of `tasks`, each as soon as it
# is there; `counts` holds the page count of every chapter of the book (-1: not known yet, a
# chapter of `tasks`). By default the build's own processes (`local_engine`); with a scheduler,
# a Dask cluster (`compiler.build.dask_engine`).
ChapterEngine = Callable[[list["ChapterTask"], list[int]], Iterator["PaginatedChapter"]]


@dataclass
class PaginatedBook:
    """A book paginated: every page's start (labelled as printed) and how to write the PDF."""

    starts: list[PageStart]
    front_pages: int  # roman-numbered pages before the first chapter
    write_pdf: Callable[[Path], None]
    paginated: list[int] = field(default_factory=list)  # chapters paginated by this build (not reused)


def roman(number: int) -> str:
    """Lower-case roman numerals, as the front matter prints them."""
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
              (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


# ------------------------------------------------------------------ the whole book as one document


def paginate_whole(html: str, docs: list[Document], render_here: RenderHere,
                   write: Callable[[Any, Path, int], None]) -> PaginatedBook:
    """The whole book's HTML rendered by `render_here(html)`; `write(pages, target, roman_pages)`."""
    pages, html_root = render_here(html)
    starts = page_starts(pages, html_root, docs)
    first_chapter = next((i for i, s in enumerate(starts) if s.element_id == docs[0].ident), 0)
    starts = [replace(start, label=roman(i + 1) if i < first_chapter else str(i - first_chapter + 1))
              for i, start in enumerate(starts)]
    return PaginatedBook(starts, first_chapter, lambda target: write(pages, target, first_chapter),
                         paginated=list(range(len(docs))))


# ------------------------------------------------------------------ a part at a time


@dataclass
class ChapterTask:
    """What a process needs to paginate one chapter of a book."""

    number: int  # the chapter's place in the book, from 0
    html: str
    doc: Document
    base_dir: Path
    allowed_roots: list[Path]
    pdf: Path
    # laid out on another machine: the build's base URL, and the files it was sent in place of
    # the build's (see `sandbox.make_url_fetcher`)
    base_url: str = ""
    sent: dict[str, Path] | None = None
    numbered_now: bool = False  # wait for the page counts before it, rather than be stamped later


@dataclass
class PaginatedChapter:
    """A chapter paginated: its page count and numbers, where its pages begin, its anchors' pages."""

    pages: int
    first_page: int
    starts: list[PageStart]
    anchor_pages: dict[str, int]  # element id → page within the chapter, from 0
    opening_break: str = "right"  # the chapter's break-before, which stitching needs to be `right`
    faces: dict[str, tuple[str, int]] = field(default_factory=dict)  # font programs left to the join
    # each page's type, when its page numbers are kept apart from its body (see `page_stamps`):
    # the chapter can be numbered anew without a new layout; None when its body shows them
    page_types: list[PageTypeData] | None = None

    def numbered_from(self, first_page: int, faces: dict[str, tuple[str, int]]) -> "PaginatedChapter":
        """The chapter with its page numbers stamped anew from `first_page` (using `faces`)."""
        starts = [replace(start, label=str(first_page + i)) for i, start in enumerate(self.starts)]
        return replace(self, first_page=first_page, starts=starts, faces={**self.faces, **faces})


class PartsStore(Protocol):
    """Where paginated chapters are kept between builds (or for one build only): each under a
    key of its HTML and images, as a PDF (`pdf`) and what its pagination found (`load`, `save`).
    `compiler.build.parts.PartsFolder` is the one the build uses."""

    folder: Path

    def key(self, html: str, images: list[Path]) -> str: ...
    def pdf(self, key: str) -> Path: ...
    def load(self, key: str) -> PaginatedChapter | None: ...
    def save(self, key: str, chapter: PaginatedChapter) -> None: ...
    def forget(self, key: str) -> None: ...
    def keep_only(self, keys: set[str]) -> None: ...


def first_page_of(number: int, counts: Sequence[int]) -> int:
    """The printed number of chapter `number`'s first page: chapters open on right-hand pages,
    so a chapter with an odd page count is followed by a blank verso."""
    return 1 + sum(count + count % 2 for count in counts[:number])


# How often a wait looks again. A process waiting for the page counts before its chapter checks
# that the build which started it still runs; the build waiting for its processes checks that
# they still live. No wait has a limit in wall time: a long chapter is no error, a dead process is.
WORKER_CHECK_SECONDS = 0.02
BUILD_CHECK_SECONDS = 0.5
# Fault injection for tests/writers/test_paginate_book.py: a layout process given this variable
# (a chapter's number, from 1) kills itself with SIGKILL as the OOM killer would, just before it
# would publish that chapter's page count — the moment the processes after it are waiting for it.
KILL_CHAPTER_VARIABLE = "REPORTC_FAULT_KILL_CHAPTER"


@dataclass
class _SharedCounts:
    """The page counts of the chapters (-1: not known yet), shared by the processes paginating
    them, the process laying out each chapter (0: none yet), and the build's process id (0: the
    chapters are laid out in the build's own process, one after another)."""

    counts: Any  # a shared array, or a list in one process
    pids: Any  # a shared array, or None in one process
    build: int


_shared: _SharedCounts | None = None


def _share(counts: Any, pids: Any, build: int) -> None:
    global _shared
    _shared = _SharedCounts(counts, pids, build)


def _first_page_when_known(number: int, count: int, wait: bool) -> int:
    """Publish chapter `number`'s page count; with `wait`, wait for the counts of the chapters
    before it and give its first page's number, else give 1.

    Each count has one writer and is one aligned machine word, so no lock guards it: a process
    killed while it held a lock would leave the others waiting on that lock for ever."""
    assert _shared is not None, "the page counts are shared before a chapter is paginated"
    counts = _shared.counts
    if _shared.build and os.environ.get(KILL_CHAPTER_VARIABLE) == str(number + 1):
        os.kill(os.getpid(), signal.SIGKILL)
    counts[number] = count
    if not wait:
        return 1
    while not all(counts[j] >= 0 for j in range(number)):
        if not _shared.build:
            raise RuntimeError("a chapter was paginated before the chapters ahead of it")
        if not _build_alive():
            os._exit(1)  # the build is gone (killed outright): nobody waits for this chapter
        time.sleep(WORKER_CHECK_SECONDS)
    return first_page_of(number, list(counts[:number]))


def _build_alive() -> bool:
    """Whether the build that asked for this process's work still runs (the process was forked
    by the build's forkserver, not by the build: its parent is no sign)."""
    build = multiprocessing.parent_process()
    return build is None or build.is_alive()


def paginate_chapter(task: ChapterTask) -> PaginatedChapter:
    """Paginate one chapter, number its pages, write its PDF."""
    if _shared is not None and _shared.pids is not None:
        _shared.pids[task.number] = os.getpid()  # which chapter this process lays out, should it die
    return lay_out_chapter(task, lambda count, wait: _first_page_when_known(task.number, count, wait))


# The layouts (by a digest of a chapter's <head>, where its stylesheets are) whose page numbers
# this process found it could not draw apart from the body: their chapters wait for their numbers.
_numbers_in_body: set[str] = set()


def lay_out_chapter(task: ChapterTask, first_page_when_known: Callable[[int, bool], int]) -> PaginatedChapter:
    """Paginate one chapter, write its PDF to `task.pdf` (and its page numbers apart, when they
    can be, to `page_stamps.numbers_path(task.pdf)`).

    `first_page_when_known(page_count, wait)` is called once the chapter is paginated and
    publishes its count; with `wait`, it waits as long as it takes for the counts of the
    chapters before it and gives the number of the chapter's first page. Each engine (the local
    processes, a Dask cluster) stitches the numbers its own way. A chapter does not wait when its
    numbers can be drawn apart (`numbers_apart`): it is numbered from 1, and the build stamps
    its true numbers once every count is known, so a process lays the next chapter out instead
    of waiting. When they cannot be (a running head beside the number), the chapter is laid
    out again, waiting for its numbers, and so is each later chapter of that layout in this process."""
    layout = hashlib.sha256(task.html[:task.html.find("<body")].encode()).hexdigest()
    wait = task.numbered_now or layout in _numbers_in_body
    document, html_root, numbering, first_page = _rendered(task, first_page_when_known, wait)
    apart = numbers_apart(document, numbering)
    if apart is None and not wait:
        _numbers_in_body.add(layout)
        document, html_root, numbering, first_page = _rendered(task, first_page_when_known, True)
        apart = numbers_apart(document, numbering)
    starts = [replace(start, label=str(first_page + i))
              for i, start in enumerate(page_starts(document, html_root, task.doc))]
    anchor_pages: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            anchor_pages.setdefault(name, i)  # an element over several pages is where it begins
    numbers = numbers_path(task.pdf)
    with replaced_atomically(task.pdf) as temp, programs_left_to_join() as faces:
        # the joined PDF gets its own /ID
        write_pdf(apart.body if apart else document, temp, identifier=None)
        if apart:  # the numbers are in place before the body that needs them
            with replaced_atomically(numbers) as numbers_temp:
                write_pdf(apart.numbers, numbers_temp, identifier=None)
        else:
            numbers.unlink(missing_ok=True)
    return PaginatedChapter(len(document.pages), first_page, starts, anchor_pages, opening_break(document), faces,
                            apart.page_types if apart else None)


def _rendered(task: ChapterTask, first_page_when_known: Callable[[int, bool], int],
              wait: bool) -> tuple[Any, Any, Numbering, int]:
    """The chapter's rendered pages, its HTML tree, its numbering and the number of its first page."""
    first_page = 0

    def offset_for(count: int) -> int:
        nonlocal first_page
        first_page = first_page_when_known(count, wait)
        return first_page - 1

    with numbered_on(offset_for) as numbering:
        document, html_root = render_pages(task.html, base_dir=task.base_dir, allowed_roots=task.allowed_roots,
                                           base_url=task.base_url, sent=task.sent)
    return document, html_root, numbering, first_page


def paginate_by_parts(*, render_part: RenderPart, layout: Layout, docs: list[Document],
                      image_files: list[list[Path]], base_dir: Path, allowed_roots: list[Path],
                      render_here: RenderHere, jobs: int, store: PartsStore, reuse: bool,
                      chapter_done: Callable[[int, int], None] = lambda done, total: None,
                      engine: ChapterEngine | None = None, dated: datetime | None = None) -> PaginatedBook:
    """The book paginated chapter by chapter (`jobs` processes at most, or by `engine`) and then
    its front matter. The PDF is `dated` (its creation and modification dates), whatever date
    the front matter's HTML gives: it may give only the day it prints, so that a later build
    the same day reuses the front matter.

    `render_part` gives a part's HTML; `render_here(html)` renders the front matter in this
    process. Paginated chapters are kept in `store`; with `reuse`, chapters an earlier build
    paginated at the same page numbers are taken from it. `chapter_done(done, total)` is told
    of each chapter paginated."""
    lay_out = engine if engine is not None else local_engine(jobs)
    htmls = [render_part(front=False, chapters=[n]) for n in range(len(docs))]
    keys = [store.key(html, images) for html, images in zip(htmls, image_files)]
    chapters: list[PaginatedChapter | None] = [store.load(key) if reuse else None for key in keys]
    counts = [c.pages if c else -1 for c in chapters]
    paginated: list[int] = []

    def run(numbers: list[int], numbered_now: bool = False) -> None:
        for n in numbers:
            store.forget(keys[n])
        tasks = [ChapterTask(n, htmls[n], docs[n], base_dir, allowed_roots, store.pdf(keys[n]),
                             numbered_now=numbered_now) for n in numbers]
        for done, (task, chapter) in enumerate(zip(tasks, lay_out(tasks, counts)), start=1):
            chapters[task.number] = chapter
            counts[task.number] = chapter.pages
            store.save(keys[task.number], chapter)
            paginated.append(task.number)
            chapter_done(done, len(tasks))

    run([n for n, chapter in enumerate(chapters) if chapter is None])
    for number, chapter in enumerate(chapters, start=1):
        if chapter is not None and chapter.opening_break not in ("right", "recto"):
            raise ReportError(
                f"{layout.folder / 'layout.toml'}: chapters_apart = true, but chapter {number} opens with "
                f"break-before: {chapter.opening_break}, not on a right-hand page (say chapters_apart = false, "
                "or open chapters on the right)", EXIT_USAGE)
    first_pages = [first_page_of(n, counts) for n in range(len(docs))]
    page_numbers = {name: str(first_pages[n] + page)
                    for n, chapter in enumerate(chapters) if chapter is not None
                    for name, page in chapter.anchor_pages.items()}
    front_html = render_part(front=True, chapters=[], page_numbers=page_numbers)
    front_key = store.key(front_html, [])

    def front_matter() -> PaginatedChapter:
        # laid out again only when what it prints changed (a title, a date, a page number in its contents)
        front = store.load(front_key) if reuse else None
        if front is None:
            front = _lay_out_front(front_html, page_numbers, render_here, store.pdf(front_key))
            store.save(front_key, front)
        return front

    # a chapter not numbered as it now is — laid out numbered from 1 (it did not wait for the
    # counts before it), or reused while a chapter before it changed its page count — has its
    # numbers stamped anew (in other processes while this one lays out the front matter), or is
    # paginated again, waiting for its numbers, when they cannot be
    moved = [n for n, chapter in enumerate(chapters) if chapter is not None and chapter.first_page != first_pages[n]]
    renumberings = {n: Renumbering(htmls[n], chapter.page_types, chapter.opening_break, first_pages[n],
                                   numbers_path(store.pdf(keys[n])))
                    for n in moved if (chapter := chapters[n]) is not None and chapter.page_types is not None}
    stampable = list(renumberings)
    for n in moved:
        # its numbers file is about to change: until its record says so, it is no chapter to reuse
        store.forget(keys[n])
    renumbered, front = _stamped_alongside(
        list(renumberings.values()), front_matter, jobs=jobs if engine is None else 1, render_here=render_here,
        render_stub=partial(render_pages, base_dir=base_dir, allowed_roots=allowed_roots, collect_garbage=False))
    again = [n for n in moved if n not in stampable]
    for n, faces in zip(stampable, renumbered):
        chapter = chapters[n]
        if faces is None or chapter is None:
            again.append(n)
            continue
        chapters[n] = chapter.numbered_from(first_pages[n], faces)
        store.save(keys[n], chapters[n])  # type: ignore[arg-type]
    run(sorted(again), numbered_now=True)
    done_chapters = [chapter for chapter in chapters if chapter is not None]
    starts, blanks = _stitched_starts(front.starts, done_chapters)
    parts = [Part(store.pdf(front_key), blank_after=blanks[0])] + [
        Part(store.pdf(key), numbers=numbers_path(store.pdf(key)) if chapter.page_types is not None else None,
             blank_after=blank) for key, chapter, blank in zip(keys, done_chapters, blanks[1:])]
    front_pages = front.pages + blanks[0]
    faces = dict(front.faces)
    for chapter in done_chapters:
        faces.update(chapter.faces)

    def write(target: Path) -> None:
        join_parts(parts, target, roman_pages=front_pages, faces=faces, dated=dated)

    store.keep_only({*keys, front_key})
    return PaginatedBook(starts, front_pages, write, paginated=sorted(paginated))


def _stamped_alongside(renumberings: list[Renumbering], meanwhile: Callable[[], PaginatedChapter], *, jobs: int,
                       render_here: RenderHere, render_stub: Callable[[str], Any]
                       ) -> tuple[list[dict[str, tuple[str, int]] | None], PaginatedChapter]:
    """`stamp_numbers(renumberings)`, and what `meanwhile()` gives: with more than one job, the
    stamping goes to `jobs - 1` processes forked by the forkserver (each a contiguous share of the
    chapters, by pages), laying out stand-ins with `render_stub`, while this process runs
    `meanwhile` (the front matter). A process that dies leaves its share to this process."""
    if jobs <= 1 or not renumberings:
        return stamp_numbers(renumberings, render_here), meanwhile()
    running = [InAnotherProcess(stamp_numbers, share, render_stub)
               for share in _shares(renumberings, min(jobs - 1, len(renumberings)))]
    try:
        front = meanwhile()
        stamped: list[dict[str, tuple[str, int]] | None] = []
        for share in running:
            stamped += share.result()
        return stamped, front
    finally:
        for share in running:
            share.stop()


def _shares(renumberings: list[Renumbering], count: int) -> list[list[Renumbering]]:
    """`renumberings` cut into `count` runs of about as many pages each, in order."""
    total = sum(len(r.page_types) for r in renumberings)
    shares: list[list[Renumbering]] = [[]]
    done = 0
    for renumbering in renumberings:
        if done >= total * len(shares) / count and len(shares) < count:
            shares.append([])
        shares[-1].append(renumbering)
        done += len(renumbering.page_types)
    return [share for share in shares if share]


def _lay_out_front(html: str, page_numbers: dict[str, str], render_here: RenderHere, pdf: Path) -> PaginatedChapter:
    """Lay out the front matter (its contents print `page_numbers`) and write its PDF to `pdf`."""
    front, front_root = render_here(html)
    _keep_links_to(front, page_numbers)
    with replaced_atomically(pdf) as temp, programs_left_to_join() as faces:
        write_pdf(front, temp, identifier=None)
    return PaginatedChapter(len(front.pages), 0, page_starts(front, front_root, []), {}, "", faces)


def _stitched_starts(front: list[PageStart], chapters: list[PaginatedChapter]) -> tuple[list[PageStart], list[bool]]:
    """Every page's start in the joined book, and for each part (the front matter, then the
    chapters) whether a blank verso follows it so that the next part opens on the right."""
    blanks = [len(front) % 2 == 1] + [c.pages % 2 == 1 for c in chapters[:-1]] + [False]
    starts = [replace(start, label=roman(i + 1)) for i, start in enumerate(front)]
    if blanks[0]:
        starts.append(PageStart(roman(len(front) + 1), "", 0))
    for chapter, blank in zip(chapters, blanks[1:]):
        starts.extend(chapter.starts)
        if blank:
            starts.append(PageStart(str(chapter.first_page + chapter.pages), "", 0))
    return starts, blanks


def _keep_links_to(document: Any, names: dict[str, str]) -> None:
    """Give the front matter stand-in destinations for the chapters' ids its contents link to,
    so that WeasyPrint keeps the links (the joined PDF points them at the chapters)."""
    if not document.pages:
        return
    present = {name for page in document.pages for name in page.anchors}
    first = document.pages[0].anchors
    for page in document.pages:
        for link_type, target, _, _ in page.links:
            if link_type == "internal" and target in names and target not in present:
                first[target] = (0, 0, 0, 0)


def local_engine(jobs: int) -> ChapterEngine:
    """The chapters laid out on this machine, in `jobs` processes at most (in this process when 1)."""
    return lambda tasks, counts: _run_tasks(tasks, counts, jobs)


def _run_tasks(tasks: list[ChapterTask], counts: list[int], jobs: int) -> Iterator[PaginatedChapter]:
    """Paginate the chapters, in this process or in a pool of `jobs` processes; yields each
    chapter's result in the order of `tasks`, as soon as it is there.

    A process of the pool that dies (SIGKILL, the OOM killer, a crash in a C library) stops the
    build with a ReportError naming the chapter it was laying out; the other processes are
    stopped, whatever ends the build."""
    if not tasks:
        return
    # one chapter is laid out here when this process has WeasyPrint loaded; otherwise by a
    # process of the forkserver, which loaded it while the build read its chapters (and this
    # process may need no WeasyPrint at all: the front matter and the stamps may be kept ones)
    if jobs <= 1 or (len(tasks) == 1 and "weasyprint" in sys.modules):
        _share(counts, None, 0)
        for task in tasks:
            yield paginate_chapter(task)
        return
    context = _TrackedForkServer()
    shared = context.Array("l", counts, lock=False)
    pids = context.Array("l", len(counts), lock=False)
    warm_up_workers()  # already running when the build started it early
    executor = ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context, initializer=_share,
                                   initargs=(shared, pids, os.getpid()))
    futures: list[Future[PaginatedChapter]] = []
    try:
        with _main_module_hidden():  # the processes start as the tasks are submitted
            futures = [executor.submit(paginate_chapter, task) for task in tasks]
        for future in futures:
            while True:
                try:
                    chapter = future.result(timeout=BUILD_CHECK_SECONDS)
                    break
                except FuturesTimeout:
                    # a process's end is seen on its sentinel, not read from it: a forked
                    # process's exit status is sent once, down that pipe, and the pool's own
                    # thread reads it (two readers: the second gets no status, "255")
                    if multiprocessing.connection.wait([p.sentinel for p in context.processes], timeout=0):
                        raise BrokenProcessPool("a layout process ended") from None
            yield chapter
    except BrokenProcessPool:
        _end_unread(context.processes)
        # the pool's thread reaps them all and reads their statuses; then they are known here
        executor.shutdown(wait=True, cancel_futures=True)
        raise _died(tasks, futures, list(pids), context.processes) from None
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        _stop(context.processes)


# What the forkserver imports once, before it forks the layout processes: each starts with
# WeasyPrint imported, where a fresh interpreter spends 0.7 s importing it. The server is a
# single thread that has imported modules and laid nothing out: a process forked from it shares
# no Pango or fontconfig state with the build.
PRELOADED = ["compiler.writers.print.paginate_book", "weasyprint", "weasyprint.layout", "fontTools.ttLib"]


def warm_up_workers() -> None:
    """Start the server that forks the layout processes, so that it imports WeasyPrint while
    the build reads its chapters (it is started on first use otherwise, and serves the whole
    program: a second book, a rebuild by `watch`)."""
    import multiprocessing.forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOADED)
    with _main_module_hidden():  # the server would import the calling program's main script
        multiprocessing.forkserver.ensure_running()
    _stop_server_at_exit()


@cache
def _stop_server_at_exit() -> None:
    """The server and the processes it forked are this program's to reap when it ends: it would
    end on its own, orphaned, its processes' time lost to the program's accounting. (Python
    stops it so only in its own tests: `_stop` is private, hence looked up with care.)"""
    import atexit
    import multiprocessing.forkserver

    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    atexit.register(getattr(server, "_stop", lambda: None))


class InAnotherProcess:
    """`function(*arguments)` run in a process forked by the forkserver: `result()` waits for
    what it returns (or raises what it raised; should that process die, this one runs the
    function itself); `stop()` ends it if its result is not wanted after all."""

    def __init__(self, function: Callable[..., Any], *arguments: Any):
        warm_up_workers()
        self.function, self.arguments = function, arguments
        self.context = _TrackedForkServer()
        self.executor = ProcessPoolExecutor(1, mp_context=self.context)
        with _main_module_hidden():
            self.future = self.executor.submit(function, *arguments)

    def result(self) -> Any:
        try:
            return self.future.result()
        except BrokenProcessPool:
            return self.function(*self.arguments)
        finally:
            self.stop()

    def stop(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        _stop(self.context.processes)


class _TrackedForkServer(multiprocessing.context.ForkServerContext):
    """multiprocessing's forkserver context, remembering the processes it starts (the pool's):
    the build tells from them which one died, and stops them all when it ends early."""

    def __init__(self) -> None:
        super().__init__()
        self.processes: list[Any] = []

    def Process(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        process = multiprocessing.context.ForkServerProcess(*args, **kwargs)
        self.processes.append(process)
        return process


def _end_unread(processes: list[Any]) -> None:
    """End the processes still running (SIGTERM, then SIGKILL for one that lingers), seeing
    their ends on their sentinels without reading their exit statuses, which are the pool's
    thread's to read. One that has ended is not signalled: its pid may be another's by now."""
    running = [p for p in processes if p.sentinel not in multiprocessing.connection.wait(
        [p.sentinel for p in processes], timeout=0)]
    for process in running:
        process.terminate()
    ended = multiprocessing.connection.wait([p.sentinel for p in running], timeout=10)
    for process in running:
        if process.sentinel not in ended:
            process.kill()


def _stop(processes: list[Any]) -> None:
    """Stop the pool's processes that still run: SIGTERM, then SIGKILL for one that lingers."""
    for process in processes:
        if process.exitcode is None:
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.exitcode is None:
            process.kill()
            process.join(timeout=10)


def _died(tasks: list[ChapterTask], futures: list[Future[PaginatedChapter]], pids: list[int],
          processes: list[Any]) -> ReportError:
    """The one-line error of a layout process that died, naming the chapter it was laying out.

    The pool stops its other processes with SIGTERM once one is found dead, so the one that
    died is the one that ended otherwise; when that cannot be told (or it died between two
    chapters), the error names the first chapter not laid out."""
    laid_out = {task.number for task, future in zip(tasks, futures)
                if future.done() and not future.cancelled() and future.exception() is None}
    ended = [p for p in processes if p.exitcode is not None and p.exitcode != -signal.SIGTERM] or \
        [p for p in processes if p.exitcode is not None]
    unfinished = [task for task in tasks if task.number not in laid_out]
    dead = ended[0] if ended else None
    task = next((t for t in unfinished if dead is not None and pids[t.number] == dead.pid), None)
    how = "it ended" if dead is None else _how_it_ended(dead.exitcode)
    if task is not None:
        return ReportError(f"chapter {task.number + 1} ({task.doc.source_name}): the process laying it out died "
                           f"({how}); earlier outputs are unchanged", EXIT_FAILURE)
    first = unfinished[0] if unfinished else tasks[0]
    return ReportError(f"chapter {first.number + 1} ({first.doc.source_name}): a process laying out the book died "
                       f"({how}); earlier outputs are unchanged", EXIT_FAILURE)


def _how_it_ended(exitcode: int) -> str:
    if exitcode == -signal.SIGKILL:
        return "killed by SIGKILL: out of memory?"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start processes that import reportc only, not the program that called the build.

    A process started by multiprocessing's spawn or forkserver (and the forkserver itself, with
    preloaded modules) runs the parent's main script again (as `__mp_main__`) unless told there
    is none: a program calling `build_book` without an `if __name__ == "__main__"` guard would
    build again in every process, and one read from stdin cannot be found at all — each process
    dies at its start, and the pool starts new ones forever."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
