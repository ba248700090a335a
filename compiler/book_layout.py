"""Laying a book out for print: as one document, or a part at a time in parallel processes.

`lay_out_whole` gives WeasyPrint the whole book as one HTML page. It is the reference, and the
way for PDF/A and PDF/UA (a tagged structure tree and attachments belong to one document) and
for layouts that do not say `chapters_apart = true`.

`lay_out_by_parts` lays out each chapter as a document of its own — in parallel processes, or
not at all when an earlier build laid out the very same chapter at the same page numbers — and
then the front matter, whose contents need every chapter's page numbers. Page numbers are
stitched: a chapter's pagination does not depend on where its numbers start (it opens on a
right-hand page wherever it is), so a process lays its chapter out, publishes the page count,
waits for the counts of the chapters before it and numbers its pages on from them
(`render.page_numbers`). A chapter that does not open on the right stops the build. The parts'
PDFs, written without font programs, are joined with blank versos where a part ends on a
right-hand page, as the whole document has them, and one font subset per face
(`render.pdf_merge`). tests/test_book_parts.py checks that the result has the pages, the text,
the rendering, the bookmarks and links of `lay_out_whole`.

Laid-out chapters are kept under the cache folder (`cache.cache_dir()/parts/`), one folder per
book and output folder, keyed on the chapter's HTML, its images, the layout, the fonts manifest
and the versions of reportc and its libraries; a build keeps only the parts it used.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import types
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import tree as t
from .book import roman
from .cache import hash_file
from .diagnostics import EXIT_USAGE, ReportError
from .interrupts import process_running
from .render.pages import PageStart


@dataclass
class BookPages:
    """A book laid out: every page's start (labelled as printed) and how to write the PDF."""
    starts: list[PageStart]
    front_pages: int  # roman-numbered pages before the first chapter
    write_pdf: Callable[[Path], None]
    laid_out: list[int] = field(default_factory=list)  # chapters laid out by this build (not reused)
    close: Callable[[], None] = lambda: None  # removes what the lay-out left in scratch folders


# ------------------------------------------------------------------ the whole book as one document


def lay_out_whole(html: str, docs: list[t.Document], lay_out, write_pdf) -> BookPages:
    """The whole book's HTML laid out by `lay_out(html)`; `write_pdf(pages, target, roman_pages)`."""
    from .render.pages import page_starts

    pages, html_root = lay_out(html)
    starts = page_starts(pages, html_root, docs)
    first_chapter = next((i for i, s in enumerate(starts) if s.element_id == docs[0].ident), 0)
    starts = [replace(start, label=roman(i + 1) if i < first_chapter else str(i - first_chapter + 1))
              for i, start in enumerate(starts)]
    return BookPages(starts, first_chapter, lambda target: write_pdf(pages, target, first_chapter),
                     laid_out=list(range(len(docs))))


# ------------------------------------------------------------------ a part at a time


@dataclass
class ChapterTask:
    number: int  # the chapter's place in the book, from 0
    html: str
    doc: t.Document
    base_dir: Path
    allowed_roots: list[Path]
    pdf: Path


@dataclass
class LaidOutChapter:
    pages: int
    first_page: int
    starts: list[PageStart]
    anchor_pages: dict[str, int]  # element id → page within the chapter, from 0
    opening_break: str = "right"  # the chapter's break-before, which stitching needs to be `right`
    faces: dict[str, tuple[str, int]] = field(default_factory=dict)  # font programs left to the join


def first_page_of(number: int, counts: list[int]) -> int:
    """The printed number of chapter `number`'s first page: chapters open on right-hand pages,
    so a chapter with an odd page count is followed by a blank verso."""
    return 1 + sum(count + count % 2 for count in counts[:number])


# page counts of the chapters, shared by the processes laying them out (-1: not known yet)
_counts = None
_counts_changed = None


def _share(counts, changed) -> None:
    global _counts, _counts_changed
    _counts, _counts_changed = counts, changed


def _first_page_when_known(number: int, count: int) -> int:
    with _counts_changed:
        _counts[number] = count
        _counts_changed.notify_all()
        _counts_changed.wait_for(lambda: all(_counts[j] >= 0 for j in range(number)))
        return first_page_of(number, list(_counts[:number]))


def lay_out_chapter(task: ChapterTask) -> LaidOutChapter:
    """Lay one chapter out, number its pages on from the chapters before it, write its PDF."""
    from .render.page_numbers import numbered_on
    from .render.pages import page_starts
    from .render.pdf import lay_out, write_pdf
    from .render.pdf_merge import programs_left_to_join

    first_page = 0

    def offset_for(count: int) -> int:
        nonlocal first_page
        first_page = _first_page_when_known(task.number, count)
        return first_page - 1

    with numbered_on(offset_for):
        document, html_root = lay_out(task.html, base_dir=task.base_dir, allowed_roots=task.allowed_roots)
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
    return LaidOutChapter(len(document.pages), first_page, starts, anchor_pages, _opening_break(document), faces)


def _opening_break(document) -> str:
    """The break-before of the part's first block (the chapter's section)."""
    root = document.pages[0]._page_box.children[0] if document.pages else None
    while root is not None and root.children:
        child = root.children[0]
        if child.style["break_before"] not in ("auto", "avoid", "avoid-page"):
            return child.style["break_before"]
        root = child if hasattr(child, "children") else None
    return "auto"


class _PartsCache:
    """Laid-out chapters of one book: `<key>.pdf` and `<key>.json` (pages, numbers, starts)."""

    def __init__(self, folder: Path | None, environment: str):
        self.folder, self.environment = folder, environment
        self.used: set[str] = set()

    def key(self, html: str, images: list[Path]) -> str:
        digest = hashlib.sha256(self.environment.encode() + b"\0" + html.encode())
        for image in images:
            hash_file(digest, image)
        return digest.hexdigest()[:40]

    def pdf(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def load(self, key: str) -> LaidOutChapter | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if not self.pdf(key).is_file():
                return None
            return LaidOutChapter(data["pages"], data["first_page"], [PageStart(**s) for s in data["starts"]],
                                  data["anchor_pages"], data["opening_break"],
                                  {name: tuple(face) for name, face in data["faces"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def forget(self, key: str) -> None:
        (self.folder / f"{key}.json").unlink(missing_ok=True)

    def save(self, key: str, chapter: LaidOutChapter) -> None:
        target = self.folder / f"{key}.json"
        temp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            temp.write_text(json.dumps(asdict(chapter), ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(temp, target)
        except OSError:
            temp.unlink(missing_ok=True)

    def keep_only_used(self) -> None:
        """Remove the parts this build did not use, and the `.part` files of killed builds."""
        for path in self.folder.iterdir():
            if path.name.startswith("."):
                pid = path.name.split(".")[-2]
                if path.suffix == ".part" and not (pid.isdigit() and process_running(int(pid))):
                    path.unlink(missing_ok=True)
            elif path.name.split(".")[0] not in self.used:
                path.unlink(missing_ok=True)


def lay_out_by_parts(*, context: dict, layout, render_part, docs: list[t.Document], image_files: list[list[Path]],
                     base_dir: Path, allowed_roots: list[Path], lay_out, write_pdf, jobs: int,
                     cache_folder: Path | None, environment: str,
                     laid_out_one: Callable[[int, int], None] = lambda done, total: None) -> BookPages:
    """The book laid out chapter by chapter (`jobs` processes at most) and then its front matter.

    `render_part(context, layout, front=…, laid_out=…, page_numbers=…)` gives a part's HTML;
    `lay_out(html)` lays the front matter out in this process, `write_pdf(pages, target)` writes
    it. With `cache_folder`, chapters laid out before at the same page numbers are reused.
    `laid_out_one(done, total)` is told of each chapter laid out."""
    from .render.pages import page_starts
    from .render.pdf_merge import Part, join_parts, programs_left_to_join

    if cache_folder is not None:
        try:
            cache_folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            cache_folder = None  # an unwritable cache costs only the reuse
    scratch = Path(tempfile.mkdtemp(prefix="reportc-parts-")) if cache_folder is None else None
    cache = _PartsCache(cache_folder or scratch, environment)
    try:
        htmls = [render_part(context, layout, front=False, laid_out=[n]) for n in range(len(docs))]
        keys = [cache.key(html, images) for html, images in zip(htmls, image_files)]
        cache.used.update(keys)
        chapters: list[LaidOutChapter | None] = [cache.load(key) if cache_folder else None for key in keys]
        counts = [c.pages if c else -1 for c in chapters]
        laid_out: list[int] = []

        def run(numbers: list[int]) -> None:
            for n in numbers:
                cache.forget(keys[n])
            tasks = [ChapterTask(n, htmls[n], docs[n], base_dir, allowed_roots, cache.pdf(keys[n])) for n in numbers]
            for done, (task, chapter) in enumerate(zip(tasks, _run_tasks(tasks, counts, jobs)), start=1):
                chapters[task.number] = chapter
                counts[task.number] = chapter.pages
                cache.save(keys[task.number], chapter)
                laid_out.append(task.number)
                laid_out_one(done, len(tasks))

        run([n for n, chapter in enumerate(chapters) if chapter is None])
        # a reused chapter whose numbers moved (a chapter before it changed its page count) is laid out again
        run([n for n, chapter in enumerate(chapters) if chapter.first_page != first_page_of(n, counts)])
        for number, chapter in enumerate(chapters, start=1):
            if chapter.opening_break not in ("right", "recto"):
                raise ReportError(
                    f"{layout.folder / 'layout.toml'}: chapters_apart = true, but chapter {number} opens with "
                    f"break-before: {chapter.opening_break}, not on a right-hand page (say chapters_apart = false, "
                    "or open chapters on the right)", EXIT_USAGE)

        page_numbers = {name: str(chapter.first_page + page)
                        for chapter in chapters for name, page in chapter.anchor_pages.items()}
        front, front_root = lay_out(render_part(context, layout, front=True, laid_out=[], page_numbers=page_numbers))
        _keep_links_to(front, page_numbers)
        front_pdf = (scratch or cache.folder) / f".front.{os.getpid()}.part"
        starts, blanks = _stitched_starts(page_starts(front, front_root, []), chapters)
        parts = [Part(pdf, blank_after=blank) for pdf, blank in zip([front_pdf, *map(cache.pdf, keys)], blanks)]
        front_pages = len(front.pages) + blanks[0]

        def write(target: Path) -> None:
            try:
                with programs_left_to_join() as faces:
                    write_pdf(front, front_pdf)
                for chapter in chapters:
                    faces.update(chapter.faces)
                join_parts(parts, target, roman_pages=front_pages, faces=faces)
            finally:
                front_pdf.unlink(missing_ok=True)

        def close() -> None:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)

        if cache_folder is not None:
            cache.keep_only_used()
        return BookPages(starts, front_pages, write, laid_out=sorted(laid_out), close=close)
    except BaseException:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise


def _stitched_starts(front: list[PageStart], chapters: list[LaidOutChapter]) -> tuple[list[PageStart], list[bool]]:
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


def _keep_links_to(document, names: dict[str, str]) -> None:
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


def _run_tasks(tasks: list[ChapterTask], counts: list[int], jobs: int):
    """Lay the chapters out, in this process or in a pool of `jobs` processes; yields each
    chapter's result in the order of `tasks`, as soon as it is there."""
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        _share(counts, _InOrder())
        for task in tasks:
            yield lay_out_chapter(task)
        return
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked Pango or fontconfig state
    shared = spawn.Array("l", counts, lock=False)
    changed = spawn.Condition()
    with _main_module_hidden():
        pool = spawn.Pool(min(jobs, len(tasks)), initializer=_share, initargs=(shared, changed))
    try:
        yield from pool.imap(lay_out_chapter, tasks, chunksize=1)
        pool.close()
        pool.join()
    finally:
        pool.terminate()


@contextmanager
def _main_module_hidden():
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
    """Chapters laid out one after another in this process: no count is ever waited for."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def notify_all(self):
        pass

    def wait_for(self, predicate):
        if not predicate():
            raise RuntimeError("a chapter was laid out before the chapters ahead of it")
        return True
