"""The build of a book (`book.toml`): every chapter read and normalised, the book paginated as
one document or chapter by chapter, then its PDF, EPUB and edition manifest written together.

The book's own settings (its layout, script, PDF variant) are what the build reads and what the
up-to-date key holds; options given on the command line override them.
"""

from __future__ import annotations

import json
import pickle
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ..books.config import Book, check_options, load_book
from ..diagnostics import EXIT_USAGE, Findings, ReportError
from ..writers.templates import Layout, layout_folder, load_layout
from . import interrupts
from . import cache
from .cache import tools_key
from .chapter import (
    Compiled, allowed_roots, build_date, cache_options, compile_chapters, image_files, source_inputs,
    stop_on_findings, up_to_date_or_build,
)
from .lock import folder_locked
from .options import BuildOptions, BuildResult, default_jobs
from .outputs import StagedOutputs, output_folder
from .progress import Progress


def build_book(path: str | Path, outdir: str | Path = "build", options: BuildOptions | None = None, *,
               progress: Progress | None = None) -> BuildResult:
    """Build the book that `path` (a book.toml) describes: one PDF, one EPUB, and edition.json.

    The book is paginated a chapter at a time in `options.jobs` processes (default: one per CPU),
    reusing chapters an earlier build paginated (unless not `options.reuse_parts`); PDF/A and
    PDF/UA, a layout without `chapters_apart`, or `paginate_apart=False` paginate it as one
    document (see `compiler.writers.print.paginate_book`)."""
    options = options if options is not None else BuildOptions()
    run = progress if progress is not None else Progress()
    with interrupts.raising_on_signals():
        book_digest = cache.file_digest(Path(path))  # as it is about to be read, for the up-to-date key
        book = _configured(load_book(path), options)
        out = Path(outdir)
        key_options = cache_options(book.path, options, layout=book.layout, pdf_variant=book.pdf_variant,
                                    script=book.script, opencc=book.opencc)
        # the edition's texts (OpenCC for a Traditional one) only when it is built, not to find
        # it up to date; edition.json records book.toml's own
        def build_it(inputs: cache.Inputs) -> BuildResult:
            inputs.files.setdefault(str(book.path), book_digest)
            return _build_book(book, out, options, run, inputs)

        return up_to_date_or_build(book.path, out, options, layout_folder(book.layout), key_options, build_it, run)


def _configured(book: Book, options: BuildOptions) -> Book:
    """The book with the options that override its own settings."""
    overrides = {key: value for key, value in (("pdf_variant", options.pdf_variant), ("script", options.script),
                                                ("opencc", options.opencc)) if value is not None}
    book = replace(book, **overrides)  # type: ignore[arg-type]
    check_options(book)
    return book


def _build_book(written: Book, outdir: Path, options: BuildOptions, progress: Progress,
                inputs: cache.Inputs) -> BuildResult:
    """Build the book as book.toml has it (`written`, which edition.json records) and prints it."""
    # imported here: a book found up to date needs neither the stages nor OpenCC
    from ..books.chapters import chapter_of_book, rebase_images
    from ..books.edition_text import as_printed
    from ..writers.epub.page_list import mark_pages, with_blank_pages_placed
    from ..writers.html import book_context
    from .edition import MANIFEST_NAME, manifest_text

    book = as_printed(written)
    layout = load_layout(book.layout)
    if "book" not in layout.config:
        raise ReportError(f"layout '{book.layout}' has no [book] template", EXIT_USAGE)
    if _laid_out_apart(book, layout, options) and not options.scheduler and (options.jobs or default_jobs()) > 1:
        from ..writers.print.paginate_book import warm_up_workers

        warm_up_workers()  # WeasyPrint is imported for the layout processes while the chapters are read
    date = build_date([book.path, *book.chapters], inputs)
    inputs.add(book.chapters)  # hashed before they are read
    defaults = book.chapter_defaults()
    # a chapter unchanged since an earlier build is not read and normalised again (not with --no-cache)
    compiled = compile_chapters(book.chapters, progress, defaults, reuse=options.reuse_parts)
    for chapter in compiled:
        stop_on_findings(chapter.findings, strict=options.strict, check_hint="run 'reportc check' on the chapter")
    compiled = [Compiled(c.source, chapter_of_book(c.doc, number, book), c.findings)
                for number, c in enumerate(compiled, start=1)]
    docs = [c.doc for c in compiled]
    findings = Findings(str(book.path))
    for chapter in compiled:
        findings.items.extend(chapter.findings.items)
    images = [image_files(c.doc, c.source.path.parent) for c in compiled]
    read = [f for c in compiled for f in source_inputs(c.doc, c.source.path.parent)]
    result = BuildResult(findings=findings, inputs=[book.path, *book.chapters, *read], chapters=len(docs))
    inputs.add(result.inputs)
    stem = book.path.stem
    with StagedOutputs(output_folder(outdir)) as outputs:
        with progress.phase("paginate"):
            print_docs = [rebase_images(c.doc, c.source.path.parent, book.folder) for c in compiled]
            context = book_context(book, print_docs, layout, date.isoformat())
            if "html" in options.formats:
                html = _render_part(context, layout)
                outputs.stage(f"{stem}.html", "html", lambda temp: temp.write_text(html, encoding="utf-8"))
            paginated = _paginate(book, compiled, images, layout, context, date, outdir, options, outputs, progress,
                                  result)
            result.pages = len(paginated.starts)
            result.paginated = paginated.paginated
        epub: Callable[[], bytes] | None = None
        if "epub" in options.formats:
            starts, first_chapter = paginated.starts, paginated.front_pages
            placed = with_blank_pages_placed(starts[first_chapter:])
            arguments = (book, [mark_pages(doc, placed) for doc in docs], layout.folder, date,
                         [s.label for s in starts[:first_chapter]], options.embed_fonts,
                         [c.source.path.parent for c in compiled])
            if "pdf" in options.formats and (options.jobs or default_jobs()) > 1:
                # made in another process while this one joins the PDF
                from ..writers.print.paginate_book import InAnotherProcess

                running = InAnotherProcess(_book_epub, *arguments)
                outputs.on_exit(running.stop)
                epub = running.result
            else:
                epub = lambda: _book_epub(*arguments)  # noqa: E731
        if "pdf" in options.formats:
            with progress.phase("PDF"):
                outputs.stage(f"{stem}.pdf", "pdf", paginated.write_pdf)
        if epub is not None:
            with progress.phase("EPUB"):
                data = epub()
                outputs.stage(f"{stem}.epub", "epub", lambda temp: temp.write_bytes(data))
        staged = [(target, temp) for key, (temp, target) in outputs.staged.items() if key in ("pdf", "epub")]
        manifest = manifest_text(outdir, written, [book.path, *book.chapters], staged, date)
        outputs.stage(MANIFEST_NAME, "manifest", lambda temp: temp.write_text(manifest, encoding="utf-8"))
        result.outputs = outputs.commit()
    return result


def _book_epub(book: Book, marked: list[Any], layout_folder: Path, date: datetime, front_markers: list[str],
               embed_fonts: bool, image_dirs: list[Path]) -> bytes:
    """The book's EPUB bytes (`marked`: the chapters with the print edition's page breaks);
    what another process is given to make it, so the layout is named by its folder."""
    from ..writers.epub.package import book_epub_bytes

    return book_epub_bytes(book, marked, load_layout(str(layout_folder)), date=date, front_markers=front_markers,
                           embed_fonts=embed_fonts, image_dirs=image_dirs)


def _render_part(context: dict[str, Any], layout: Layout, **part: Any) -> str:
    from ..writers.html import render_book_part

    return render_book_part(context, layout, **part)


def _kept_chapter_html(context: dict[str, Any], layout: Layout, store: Any, *, reuse: bool) -> Callable[..., str]:
    """`_render_part` for the parts of a book paginated apart, with each chapter's HTML kept in
    the parts folder (`store`) under a key of what its template is given: the chapter (its tree,
    its number) and what every chapter is given (the book's settings, which a running head may
    print; its anchors, which decide the links kept; its stylesheets, with the fallback faces
    all chapters need; the strings, language, date, settings). The layout and the tools are in
    the folder's own key. A layout whose chapter markup reads the other chapters (the context's
    `chapters`) is not covered. Without `reuse`, every chapter's HTML is rendered, and kept."""
    shared = json.dumps([sorted(context["anchors"]), context["stylesheets"], context["strings"], context["language"],
                         context["date"], context["version"], context["output"], context["tables"]],
                        ensure_ascii=False, sort_keys=True).encode() + pickle.dumps(context["book"], protocol=5)

    def render(**part: Any) -> str:
        numbers = part.get("chapters") or []
        if part.get("front", True) or len(numbers) != 1:
            return _render_part(context, layout, **part)
        chapter = context["chapters"][numbers[0]]
        key = store.html_key(shared, pickle.dumps((numbers[0], chapter["first"], chapter["doc"]), protocol=5))
        html = store.html(key) if reuse else None
        if html is None:
            html = _render_part(context, layout, **part)
            store.save_html(key, html)
        return html

    return render


def _laid_out_apart(book: Book, layout: Layout, options: BuildOptions) -> bool:
    """Whether the book is paginated a chapter at a time (else as one document)."""
    return bool(options.paginate_apart is not False and layout.config["book"].get("chapters_apart", False)
                and not book.pdf_variant)


def _paginate(book: Book, compiled: list[Compiled], images: list[list[Path]], layout: Layout, context: dict[str, Any],
              date: datetime, outdir: Path, options: BuildOptions, outputs: StagedOutputs, progress: Progress,
              result: BuildResult) -> Any:
    """The book's pages: as one document, or a chapter at a time (see `paginate_book`) on this
    machine or, with `options.scheduler`, on a Dask cluster (`result` is told which, and how many
    workers it had)."""
    from ..writers.fonts import check_fonts
    from ..writers.print.paginate_book import ChapterEngine, paginate_by_parts, paginate_whole
    from ..writers.print.pdf import render_pages, write_pdf
    from .parts import PartsFolder

    check_fonts()
    docs = [c.doc for c in compiled]
    roots = allowed_roots(layout, [c.source.path.parent for c in compiled])

    def render_here(html: str) -> Any:
        return render_pages(html, base_dir=book.folder, allowed_roots=roots)

    if not _laid_out_apart(book, layout, options):
        result.engine, result.workers = "local", 1
        identifier = f"{book.title}\n{book.edition}\n{book.isbn}\n{book.output_language}"
        attachments = [book.path, *book.chapters] if book.pdf_variant.startswith("pdf/a") else []
        return paginate_whole(
            _render_part(context, layout), docs, render_here,
            lambda pages, target, roman_pages: write_pdf(
                pages, target, identifier=identifier, variant=book.pdf_variant, date=date, attachments=attachments,
                roman_pages=roman_pages))
    jobs = options.jobs if options.jobs is not None else default_jobs()
    # kept whether or not this build reuses them (--no-cache): the build after it is incremental again
    store = PartsFolder.for_book(book.path, outdir, tools_key(layout.folder))
    if store is not None:
        # the parts are this build's until its outputs are written: no other build removes them
        folder, held = store.folder, ExitStack()
        held.enter_context(folder_locked(folder, timeout=options.lock_timeout, waiting=lambda: progress.print(
            f"reportc: waiting: another reportc build is using {folder}")))
        outputs.on_exit(held.close)
    if store is None:
        scratch = Path(tempfile.mkdtemp(prefix="reportc-parts-"))
        outputs.on_exit(lambda: shutil.rmtree(scratch, ignore_errors=True))
        store = PartsFolder(scratch, tools_key(layout.folder))

    # the parts' front matter gives only the day it prints: the PDF's dates come from the join,
    # and a build later the same day does not lay the front matter out again
    parts_context = {**context, "date": date.date().isoformat()}

    def paginate(engine: ChapterEngine | None) -> Any:
        return paginate_by_parts(
            render_part=_kept_chapter_html(parts_context, layout, store, reuse=options.reuse_parts), layout=layout, docs=docs,
            image_files=images, base_dir=book.folder, allowed_roots=roots, render_here=render_here,
            jobs=jobs, store=store, reuse=options.reuse_parts, engine=engine,
            chapter_done=lambda done, total: progress.step("paginate", f"{done}/{total} chapters"), dated=date)

    if not options.scheduler:
        result.engine, result.workers = "local", min(jobs, len(docs))
        return paginate(None)
    from .dask_engine import dask_engine  # Dask is imported by a build that uses it only

    workers: list[int] = []
    with dask_engine(options.scheduler, layout_folder=layout.folder, image_files=images, workers_seen=workers) as engine:
        result.engine, result.workers = "dask", workers[0]
        return paginate(engine)
