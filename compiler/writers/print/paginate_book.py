"""Paginating a book for print: as one document, or a chapter at a time in parallel processes.

`paginate_whole` gives WeasyPrint the whole book as one HTML page. It is the reference, and the
way for PDF/A and PDF/UA (a tagged structure tree and attachments belong to one document) and
for layouts that do not say `chapters_apart = true`.

`paginate_by_parts` paginates each chapter as a document of its own — in parallel processes,
or not at all when an earlier build paginated the very same chapter at the same page numbers —
and then the front matter, whose contents need every chapter's page numbers. Page numbers are
stitched: a chapter's pagination does not depend on where its numbers start (it opens on a
right-hand page wherever it is), so a process paginates its chapter, publishes the page count,
waits for the counts of the chapters before it and numbers its pages on from them
(`compiler.weasyprint_patches.page_numbers`). A chapter that does not open on the right stops
the build. The parts' PDFs, written without font programs, are joined with blank versos where a
part ends on a right-hand page, as the whole document has them, and one font subset per face
(`join`). tests/writers/test_paginate_book.py checks that the result has the pages, the text,
the rendering, the bookmarks and links of `paginate_whole`.

Paginated chapters are kept in a `PartsStore` the build gives (`compiler.build.parts`): the
chapter's PDF and what its pagination found, keyed on everything the pagination depends on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

from ...diagnostics import EXIT_USAGE, ReportError
from ...model.nodes import Document
from ...weasyprint_patches.boxes import opening_break
from ...weasyprint_patches.page_numbers import numbered_on
from ..anchors import PageStart
from ..templates import Layout
from .join import Part, join_parts, programs_left_to_join
from .page_map import page_starts
from .pdf import RenderedPages, render_pages, write_pdf


# A part of the book as HTML: `render_part(front=…, chapters=…, page_numbers=…)` (see
# `compiler.writers.html.render_book_part`).
RenderPart = Callable[..., str]
RenderHere = Callable[[str], RenderedPages]


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


@dataclass
class PaginatedChapter:
    """A chapter paginated: its page count and numbers, where its pages begin, its anchors' pages."""

    pages: int
    first_page: int
    starts: list[PageStart]
    anchor_pages: dict[str, int]  # element id → page within the chapter, from 0
    opening_break: str = "right"  # the chapter's break-before, which stitching needs to be `right`
    faces: dict[str, tuple[str, int]] = field(default_factory=dict)  # font programs left to the join


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


@dataclass
class _SharedCounts:
    """The page counts of the chapters (-1: not known yet), shared by the processes paginating
    them, and the condition a process waits on for the counts before its chapter."""

    counts: Any  # a shared array, or a list in one process
    changed: Any  # a multiprocessing.Condition, or `_InOrder`


_shared: _SharedCounts | None = None


def _share(counts: Any, changed: Any) -> None:
    global _shared
    _shared = _SharedCounts(counts, changed)


def _first_page_when_known(number: int, count: int) -> int:
    assert _shared is not None, "the page counts are shared before a chapter is paginated"
    counts, changed = _shared.counts, _shared.changed
    with changed:
        counts[number] = count
        changed.notify_all()
        changed.wait_for(lambda: all(counts[j] >= 0 for j in range(number)))
        return first_page_of(number, list(counts[:number]))


def paginate_chapter(task: ChapterTask) -> PaginatedChapter:
    """Paginate one chapter, number its pages on from the chapters before it, write its PDF."""
    first_page = 0

    def offset_for(count: int) -> int:
        nonlocal first_page
        first_page = _first_page_when_known(task.number, count)
        return first_page - 1

    with numbered_on(offset_for):
        document, html_root = render_pages(task.html, base_dir=task.base_dir, allowed_roots=task.allowed_roots)
    starts = [replace(start, label=str(first_page + i))
              for i, start in enumerate(page_starts(document, html_root, task.doc))]
    anchor_pages: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            anchor_pages.setdefault(name, i)  # an element over several pages is where it begins
    temp = task.pdf.with_name(f".{task.pdf.name}.{os.getpid()}.part")
    try:
        with programs_left_to_join() as faces:
            write_pdf(document, temp, identifier=None)  # the joined PDF gets its own /ID
        os.replace(temp, task.pdf)
    finally:
        temp.unlink(missing_ok=True)
    return PaginatedChapter(len(document.pages), first_page, starts, anchor_pages, opening_break(document), faces)


def paginate_by_parts(*, render_part: RenderPart, layout: Layout, docs: list[Document],
                      image_files: list[list[Path]], base_dir: Path, allowed_roots: list[Path],
                      render_here: RenderHere, jobs: int, store: PartsStore, reuse: bool,
                      chapter_done: Callable[[int, int], None] = lambda done, total: None) -> PaginatedBook:
    """The book paginated chapter by chapter (`jobs` processes at most) and then its front matter.

    `render_part` gives a part's HTML; `render_here(html)` renders the front matter in this
    process. Paginated chapters are kept in `store`; with `reuse`, chapters an earlier build
    paginated at the same page numbers are taken from it. `chapter_done(done, total)` is told
    of each chapter paginated."""
    htmls = [render_part(front=False, chapters=[n]) for n in range(len(docs))]
    keys = [store.key(html, images) for html, images in zip(htmls, image_files)]
    chapters: list[PaginatedChapter | None] = [store.load(key) if reuse else None for key in keys]
    counts = [c.pages if c else -1 for c in chapters]
    paginated: list[int] = []

    def run(numbers: list[int]) -> None:
        for n in numbers:
            store.forget(keys[n])
        tasks = [ChapterTask(n, htmls[n], docs[n], base_dir, allowed_roots, store.pdf(keys[n])) for n in numbers]
        for done, (task, chapter) in enumerate(zip(tasks, _run_tasks(tasks, counts, jobs)), start=1):
            chapters[task.number] = chapter
            counts[task.number] = chapter.pages
            store.save(keys[task.number], chapter)
            paginated.append(task.number)
            chapter_done(done, len(tasks))

    run([n for n, chapter in enumerate(chapters) if chapter is None])
    # a reused chapter whose numbers moved (a chapter before it changed its page count) is paginated again
    run([n for n, chapter in enumerate(chapters) if chapter is not None
         and chapter.first_page != first_page_of(n, counts)])
    done_chapters = [chapter for chapter in chapters if chapter is not None]
    for number, chapter in enumerate(done_chapters, start=1):
        if chapter.opening_break not in ("right", "recto"):
            raise ReportError(
                f"{layout.folder / 'layout.toml'}: chapters_apart = true, but chapter {number} opens with "
                f"break-before: {chapter.opening_break}, not on a right-hand page (say chapters_apart = false, "
                "or open chapters on the right)", EXIT_USAGE)

    page_numbers = {name: str(chapter.first_page + page)
                    for chapter in done_chapters for name, page in chapter.anchor_pages.items()}
    front, front_root = render_here(render_part(front=True, chapters=[], page_numbers=page_numbers))
    _keep_links_to(front, page_numbers)
    front_pdf = store.folder / f".front.{os.getpid()}.part"
    starts, blanks = _stitched_starts(page_starts(front, front_root, []), done_chapters)
    parts = [Part(pdf, blank_after=blank) for pdf, blank in zip([front_pdf, *map(store.pdf, keys)], blanks)]
    front_pages = len(front.pages) + blanks[0]

    def write(target: Path) -> None:
        try:
            with programs_left_to_join() as faces:
                write_pdf(front, front_pdf, identifier=None)
            for chapter in done_chapters:
                faces.update(chapter.faces)
            join_parts(parts, target, roman_pages=front_pages, faces=faces)
        finally:
            front_pdf.unlink(missing_ok=True)

    store.keep_only(set(keys))
    return PaginatedBook(starts, front_pages, write, paginated=sorted(paginated))


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


def _run_tasks(tasks: list[ChapterTask], counts: list[int], jobs: int) -> Iterator[PaginatedChapter]:
    """Paginate the chapters, in this process or in a pool of `jobs` processes; yields each
    chapter's result in the order of `tasks`, as soon as it is there."""
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        _share(counts, _InOrder())
        for task in tasks:
            yield paginate_chapter(task)
        return
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked Pango or fontconfig state
    shared = spawn.Array("l", counts, lock=False)
    changed = spawn.Condition()
    with _main_module_hidden():
        pool = spawn.Pool(min(jobs, len(tasks)), initializer=_share, initargs=(shared, changed))
    try:
        yield from pool.imap(paginate_chapter, tasks, chunksize=1)
        pool.close()
        pool.join()
    finally:
        pool.terminate()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start processes that import reportc only, not the program that called the build.

    A spawned process runs the parent's main script again (as `__mp_main__`) unless told there
    is none: a program calling `build_book` without an `if __name__ == "__main__"` guard would
    build again in every process, and one read from stdin cannot be found at all — each process
    dies at its start, and the pool starts new ones forever."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _InOrder:
    """Chapters paginated one after another in this process: no count is ever waited for."""

    def __enter__(self) -> "_InOrder":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def notify_all(self) -> None:
        pass

    def wait_for(self, predicate: Callable[[], bool]) -> bool:
        if not predicate():
            raise RuntimeError("a chapter was paginated before the chapters ahead of it")
        return True
