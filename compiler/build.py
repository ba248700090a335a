"""The build: read → normalise → render, writing outputs so a failed build changes nothing.

Every output is written to a temporary `.part` file beside its target; only when all of them
are complete are they renamed into place, so an earlier good build survives a failure. An
interrupted build (SIGINT, SIGTERM: see `compiler.interrupts`) removes its `.part` files and
renames nothing; the renames themselves run with those signals held back.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from . import interrupts
from . import tree as t
from .diagnostics import EXIT_FAILURE, EXIT_USAGE, Findings, ReportError
from .layouts import LAYOUTS_DIR, load_layout
from .passes import normalise
from .progress import Progress
from .reader import read_document
from .source import SourceText, read_source

FORMATS = ("pdf", "epub", "html")
DEFAULT_FORMATS = ("pdf", "epub")


@dataclass
class Compiled:
    source: SourceText
    doc: t.Document
    findings: Findings


@dataclass
class BuildResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    findings: Findings | None = None
    pages: int = 0
    inputs: list[Path] = field(default_factory=list)  # the files the build read: the source, its images
    laid_out: list[int] | None = None  # a book's chapters laid out anew (the others were reused)
    chapters: int = 0  # a book's chapters


def compile_source(path: str | Path, progress: Progress | None = None) -> Compiled:
    """Read and normalise one chapter; findings are collected, not raised."""
    progress = progress if progress is not None else Progress()
    with progress.phase("read"):
        source = read_source(path)
        findings = Findings(source.name, lines=source.text.split("\n"))
        doc = read_document(source, findings)
    with progress.phase("normalise"):
        doc = normalise(doc, findings, base_dir=source.path.parent)
    return Compiled(source, doc, findings)


def stopping_findings(findings: Findings, *, strict: bool = False) -> list:
    """The findings that fail a build or check, in source order: errors, and with `strict`
    warnings too (as they stand: `Finding.as_error` gives them as errors)."""
    levels = ("error", "warning") if strict else ("error",)
    return [f for f in findings.sorted() if f.level in levels]


def image_files(doc: t.Document, folder: Path) -> list[Path]:
    """The image files the document shows (data: URLs aside)."""
    from urllib.parse import unquote

    from .passes.images import shown_images

    return sorted({folder / unquote(image.file) for image in shown_images(doc) if not image.file.startswith("data:")})


def build_date(sources: list[Path]) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the newest source file's time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise ReportError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds", EXIT_USAGE) from None
    return datetime.fromtimestamp(int(max(path.stat().st_mtime for path in sources)), tz=timezone.utc)


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"unknown format '{','.join(unknown) or text}' (choose from {', '.join(FORMATS)})", EXIT_USAGE)
    return formats


def build(path: str | Path, outdir: str | Path = "build", formats=DEFAULT_FORMATS, layout_name: str = "yearbook",
          *, embed_fonts: bool = False, strict: bool = False, progress: Progress | None = None) -> BuildResult:
    """Build `formats` of the chapter at `path` into `outdir`. Raises ReportError on failure and
    `interrupts.Interrupted` on SIGINT/SIGTERM; either way no earlier output is changed."""
    with interrupts.raising_on_signals():
        return _build(Path(path), Path(outdir), formats, layout_name, embed_fonts=embed_fonts, strict=strict,
                      progress=progress if progress is not None else Progress())


def _build(path: Path, outdir: Path, formats, layout_name: str, *, embed_fonts: bool, strict: bool,
           progress: Progress) -> BuildResult:
    layout = load_layout(layout_name)
    compiled = compile_source(path, progress)
    stops = stopping_findings(compiled.findings, strict=strict)
    if stops:
        first = stops[0]
        why = "build stopped by --strict" if first.level != "error" else "build stopped"
        raise ReportError(f"{first.as_error()} ({why}; run 'reportc check' for all findings)", EXIT_FAILURE,
                          findings=compiled.findings)
    source, doc = compiled.source, compiled.doc
    date = build_date([source.path])
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{outdir}: cannot create the output folder ({exc.strerror or exc})", EXIT_USAGE) from None
    result = BuildResult(findings=compiled.findings, inputs=[source.path, *image_files(doc, source.path.parent)])
    with _Outputs(outdir) as outputs:
        _render(doc, source, layout, formats, lambda fmt, write: outputs.stage(f"{source.stem}.{fmt}", fmt, write),
                result, date=date, embed_fonts=embed_fonts, progress=progress)
        outputs.commit(result)
    return result


def _remove_orphaned_parts(outdir: Path) -> None:
    """Remove `.part` files left by builds that were killed (their process no longer runs)."""
    for part in outdir.glob(".*.part"):
        fields = part.name.split(".")
        pid = next((int(field) for field in reversed(fields[2:-3]) if field.isdigit()), None)
        if pid is not None and pid != os.getpid() and not interrupts.process_running(pid):
            part.unlink(missing_ok=True)


class _Outputs:
    """Outputs written to `.part` files beside their targets and renamed into place together.

    A `.part` file is removed again when the build fails or is interrupted; the renames run with
    SIGINT and SIGTERM held back, so they are never cut in half. A build killed outright
    (SIGKILL, a power cut) cannot clean up: its `.part` files carry its process id, and the next
    build into the folder removes those whose process is gone."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.staged: dict[str, tuple[Path, Path]] = {}
        self._cleanup = ExitStack()
        _remove_orphaned_parts(outdir)

    def __enter__(self) -> "_Outputs":
        return self

    def __exit__(self, *exc) -> None:
        self._cleanup.close()

    def on_exit(self, cleanup) -> None:
        """Run `cleanup` when the outputs are done with, whether the build succeeded or not."""
        self._cleanup.callback(cleanup)

    def stage(self, file_name: str, key: str, write) -> Path:
        """Write one output (`key`: pdf, epub …) to a `.part` file; returns the staged file."""
        stem, _, suffix = file_name.rpartition(".")
        with interrupts.signals_blocked(done=False):  # no .part file without its cleanup
            handle, name = tempfile.mkstemp(prefix=f".{stem}.{os.getpid()}.", suffix=f".{suffix}.part",
                                            dir=self.outdir)
            temp = Path(name)
            self._cleanup.callback(lambda: temp.unlink(missing_ok=True))
            os.close(handle)
        self.staged[key] = (temp, self.outdir / file_name)
        try:
            temp.chmod(0o644)
            write(temp)
        except OSError as exc:
            raise ReportError(f"{self.outdir / file_name}: cannot be written ({exc.strerror or exc})",
                              EXIT_FAILURE) from None
        return temp

    def commit(self, result: "BuildResult") -> None:
        interrupts.check()  # a signal some library swallowed still stops the build here
        with interrupts.signals_blocked(done=True):
            for key, (temp, target) in self.staged.items():
                os.replace(temp, target)
                result.outputs[key] = target


def _allowed_roots(layout, source_dirs: list[Path]) -> list[Path]:
    """The folders WeasyPrint may read: the layout's, the fonts' and the sources'."""
    return [layout.folder, LAYOUTS_DIR.parent / "fonts", *dict.fromkeys(d.resolve() for d in source_dirs)]


def _lay_out(html: str, layout, *, base_dir: Path, source_dirs: list[Path]):
    """WeasyPrint's pages for `html`, reading only the layout's, the fonts' and the sources' folders."""
    from .fonts import check_fonts
    from .render.pdf import lay_out

    check_fonts()
    return lay_out(html, base_dir=base_dir, allowed_roots=_allowed_roots(layout, source_dirs))


def _render(doc: t.Document, source: SourceText, layout, formats, stage, result: BuildResult, *, date: datetime,
            embed_fonts: bool, progress: Progress) -> None:
    from .render.epub import book_identifier, epub_bytes
    from .render.html import render_print_html
    from .render.pages import mark_pages, page_starts
    from .render.pdf import write_pdf

    with progress.phase("layout"):
        html = render_print_html(doc, layout)
        if "html" in formats:
            stage("html", lambda temp: temp.write_text(html, encoding="utf-8"))
        if "pdf" in formats or "epub" in formats:
            # the EPUB cites the print edition's pages, so it needs the layout too
            pages, html_root = _lay_out(html, layout, base_dir=source.path.parent, source_dirs=[source.path.parent])
            result.pages = len(pages.pages)
    if "pdf" in formats:
        with progress.phase("PDF"):
            stage("pdf", lambda temp: write_pdf(pages, temp, identifier=book_identifier(doc, source.stem)))
    if "epub" in formats:
        with progress.phase("EPUB"):
            marked = mark_pages(doc, page_starts(pages, html_root, doc))
            data = epub_bytes(marked, layout, stem=source.stem, date=date, page_source=True,
                              embed_fonts=embed_fonts, image_dir=source.path.parent)
            stage("epub", lambda temp: temp.write_bytes(data))


def build_book(path: str | Path, outdir: str | Path = "build", formats=DEFAULT_FORMATS, *,
               pdf_variant: str | None = None, script: str | None = None, opencc: str | None = None,
               embed_fonts: bool = False, strict: bool = False, jobs: int | None = None, by_parts: bool | None = None,
               reuse_parts: bool = True, progress: Progress | None = None) -> BuildResult:
    """Build the book that `path` (a book.toml) describes: one PDF, one EPUB, and edition.json.

    The book is laid out a chapter at a time in `jobs` processes (default: one per CPU), reusing
    chapters an earlier build laid out (unless not `reuse_parts`); PDF/A and PDF/UA, or
    `by_parts=False`, lay it out as one document (see `book_layout`)."""
    with interrupts.raising_on_signals():
        return _build_book(Path(path), Path(outdir), formats, pdf_variant=pdf_variant, script=script,
                           opencc=opencc, embed_fonts=embed_fonts, strict=strict, jobs=jobs, by_parts=by_parts,
                           reuse_parts=reuse_parts, progress=progress if progress is not None else Progress())


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _build_book(path: Path, outdir: Path, formats, *, pdf_variant, script, opencc, embed_fonts: bool, strict: bool,
                jobs: int | None, by_parts: bool | None, reuse_parts: bool, progress: Progress) -> BuildResult:
    from .book import check_options, compile_book, load_book, rebase_images
    from .edition import MANIFEST_NAME, manifest_text
    from .render.epub import book_epub_bytes
    from .render.html import book_context, render_book_part
    from .render.pages import mark_pages

    book = load_book(path)
    for key, value in (("pdf_variant", pdf_variant), ("script", script), ("opencc", opencc)):
        if value is not None:
            setattr(book, key, value)
    check_options(book)
    layout = load_layout(book.layout)
    if "book" not in layout.config:
        raise ReportError(f"layout '{book.layout}' has no [book] template", EXIT_USAGE)
    date = build_date([book.path, *book.chapters])
    compiled = compile_book(book, progress)
    for chapter in compiled:
        stops = stopping_findings(chapter.findings, strict=strict)
        if stops:
            why = "build stopped by --strict" if stops[0].level != "error" else "build stopped"
            raise ReportError(f"{stops[0].as_error()} ({why}; run 'reportc check' on the chapter)", EXIT_FAILURE,
                              findings=chapter.findings)
    docs = [c.doc for c in compiled]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{outdir}: cannot create the output folder ({exc.strerror or exc})", EXIT_USAGE) from None
    findings = Findings(str(book.path))
    for chapter in compiled:
        findings.items.extend(chapter.findings.items)
    images = [image_files(c.doc, c.source.path.parent) for c in compiled]
    result = BuildResult(findings=findings, inputs=[book.path, *book.chapters, *(f for own in images for f in own)])
    stem = book.path.stem
    with _Outputs(outdir) as outputs:
        with progress.phase("layout"):
            print_docs = [rebase_images(c.doc, c.source.path.parent, book.folder) for c in compiled]
            context = book_context(book, print_docs, layout, date.isoformat())
            if "html" in formats:
                html = render_book_part(context, layout)
                outputs.stage(f"{stem}.html", "html", lambda temp: temp.write_text(html, encoding="utf-8"))
            whole = by_parts is False or bool(book.pdf_variant) or not layout.config["book"].get("chapters_apart")
            book_pages = _lay_out_book(book, compiled, images, layout, context, date, outdir, whole=whole,
                                       jobs=jobs if jobs is not None else default_jobs(), reuse_parts=reuse_parts,
                                       progress=progress)
            outputs.on_exit(book_pages.close)
            result.pages = len(book_pages.starts)
            result.laid_out, result.chapters = book_pages.laid_out, len(docs)
        if "pdf" in formats:
            with progress.phase("PDF"):
                outputs.stage(f"{stem}.pdf", "pdf", book_pages.write_pdf)
        if "epub" in formats:
            with progress.phase("EPUB"):
                starts, first_chapter = book_pages.starts, book_pages.front_pages
                front = [s.label for s in starts[:first_chapter]]
                # a page with no text of its own (a blank verso) begins where the next text does
                placed, pending = [], []
                for start in starts[first_chapter:]:
                    if not start.element_id:
                        pending.append(start)
                        continue
                    placed.extend(replace(p, element_id=start.element_id, offset=start.offset) for p in pending)
                    pending = []
                    placed.append(start)
                marked = [mark_pages(doc, placed) for doc in docs]
                data = book_epub_bytes(book, marked, layout, date=date, front_markers=front, embed_fonts=embed_fonts,
                                       image_dirs=[c.source.path.parent for c in compiled])
                outputs.stage(f"{stem}.epub", "epub", lambda temp: temp.write_bytes(data))
        staged = [(target, temp) for key, (temp, target) in outputs.staged.items() if key in ("pdf", "epub")]
        manifest = manifest_text(outdir, book, [book.path, *book.chapters], staged, date)
        outputs.stage(MANIFEST_NAME, "manifest", lambda temp: temp.write_text(manifest, encoding="utf-8"))
        outputs.commit(result)
    return result


def _lay_out_book(book, compiled: list[Compiled], images: list[list[Path]], layout, context: dict, date: datetime,
                  outdir: Path, *,
                  whole: bool, jobs: int, reuse_parts: bool, progress: Progress):
    """The book's pages: as one document (`whole`), or a chapter at a time (see `book_layout`)."""
    import hashlib

    from . import cache
    from .book_layout import lay_out_by_parts, lay_out_whole
    from .fonts import check_fonts
    from .render.html import render_book_part
    from .render.pdf import lay_out, write_pdf

    check_fonts()
    docs = [c.doc for c in compiled]
    source_dirs = [c.source.path.parent for c in compiled]
    roots = _allowed_roots(layout, source_dirs)
    identifier = f"{book.title}\n{book.edition}\n{book.isbn}\n{book.output_language}"

    def lay_out_here(html: str):
        return lay_out(html, base_dir=book.folder, allowed_roots=roots)

    if whole:
        attachments = [book.path, *book.chapters] if book.pdf_variant.startswith("pdf/a") else []
        return lay_out_whole(
            render_book_part(context, layout), docs, lay_out_here,
            lambda pages, target, roman_pages: write_pdf(
                pages, target, identifier=identifier, variant=book.pdf_variant, date=date, attachments=attachments,
                roman_pages=roman_pages))
    folder = None
    if reuse_parts:
        # one folder per book and output folder: editions built side by side (Simplified into one
        # folder, Traditional into another) do not push each other's chapters out
        where = f"{book.path}\0{outdir.resolve()}"
        folder = cache.cache_dir() / "parts" / hashlib.sha256(where.encode()).hexdigest()[:32]
    return lay_out_by_parts(
        context=context, layout=layout, render_part=render_book_part, docs=docs,
        image_files=images, base_dir=book.folder,
        allowed_roots=roots, lay_out=lay_out_here,
        write_pdf=lambda pages, target: write_pdf(pages, target, identifier=None),
        jobs=jobs, cache_folder=folder, environment=cache.tools_key(layout.folder),
        laid_out_one=lambda done, total: progress.step("layout", f"{done}/{total} chapters"))
