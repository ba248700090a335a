"""The build: read → normalise → render, writing outputs so a failed build changes nothing.

Every output is written to a temporary file beside its target; only when all of them are
complete are they renamed into place, so an earlier good build survives a failure.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from . import tree as t
from .diagnostics import EXIT_FAILURE, EXIT_USAGE, Findings, ReportError
from .layouts import LAYOUTS_DIR, load_layout
from .passes import normalise
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


def compile_source(path: str | Path) -> Compiled:
    """Read and normalise one chapter; findings are collected, not raised."""
    source = read_source(path)
    findings = Findings(source.name)
    if source.encoding == "gb18030":
        findings.info(1, "file is not UTF-8; read as GB18030")
    doc = normalise(read_document(source, findings), findings)
    return Compiled(source, doc, findings)


def build_date(source: SourceText) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the source file's time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise ReportError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds", EXIT_USAGE) from None
    return datetime.fromtimestamp(int(source.path.stat().st_mtime), tz=timezone.utc)


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"unknown format '{','.join(unknown) or text}' (choose from {', '.join(FORMATS)})", EXIT_USAGE)
    return formats


def build(path: str | Path, outdir: str | Path = "build", formats=DEFAULT_FORMATS, layout_name: str = "yearbook",
          *, embed_fonts: bool = False) -> BuildResult:
    from .fonts import check_fonts
    from .render.epub import book_identifier, epub_bytes
    from .render.html import render_print_html
    from .render.pages import mark_pages, page_starts
    from .render.pdf import lay_out, write_pdf

    layout = load_layout(layout_name)
    compiled = compile_source(path)
    if compiled.findings.has_errors:
        first = next(f for f in compiled.findings.sorted() if f.level == "error")
        raise ReportError(f"{first} (build stopped; run 'reportc check' for all findings)", EXIT_FAILURE)
    source, doc = compiled.source, compiled.doc
    date = build_date(source)
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{outdir}: cannot create the output folder ({exc.strerror or exc})", EXIT_USAGE) from None
    result = BuildResult(findings=compiled.findings)
    with ExitStack() as cleanup:
        staged: dict[str, tuple[Path, Path]] = {}

        def stage(fmt: str) -> Path:
            handle, name = tempfile.mkstemp(prefix=f".{source.stem}.", suffix=f".{fmt}.part", dir=outdir)
            os.close(handle)
            temp = Path(name)
            temp.chmod(0o644)
            cleanup.callback(lambda: temp.unlink(missing_ok=True))
            staged[fmt] = (temp, outdir / f"{source.stem}.{fmt}")
            return temp

        html = render_print_html(doc, layout)
        if "html" in formats:
            stage("html").write_text(html, encoding="utf-8")
        if "pdf" in formats or "epub" in formats:
            # the EPUB cites the print edition's pages, so it needs the layout too
            check_fonts()
            roots = [layout.folder, LAYOUTS_DIR.parent / "fonts", source.path.resolve().parent]
            pages, html_root = lay_out(html, base_dir=source.path.parent, allowed_roots=roots)
            result.pages = len(pages.pages)
        if "pdf" in formats:
            write_pdf(pages, stage("pdf"), identifier=book_identifier(doc, source.stem))
        if "epub" in formats:
            marked = mark_pages(doc, page_starts(pages, html_root, doc))
            stage("epub").write_bytes(epub_bytes(marked, layout, stem=source.stem, date=date, page_source=True,
                                                     embed_fonts=embed_fonts))
        for fmt, (temp, target) in staged.items():
            os.replace(temp, target)
            result.outputs[fmt] = target
    return result


def book_date(book) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the newest of the book file's and its chapters' times."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise ReportError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds", EXIT_USAGE) from None
    newest = max(path.stat().st_mtime for path in [book.path, *book.chapters])
    return datetime.fromtimestamp(int(newest), tz=timezone.utc)


def build_book(path: str | Path, outdir: str | Path = "build", formats=DEFAULT_FORMATS, *,
               pdf_variant: str | None = None, script: str | None = None, opencc: str | None = None,
               embed_fonts: bool = False) -> BuildResult:
    """Build the book that `path` (a book.toml) describes: one PDF, one EPUB, and edition.json."""
    from .book import check_options, compile_book, load_book, roman
    from .edition import MANIFEST_NAME, manifest_text
    from .fonts import check_fonts
    from .render.epub import book_epub_bytes
    from .render.html import render_book_html
    from .render.pages import mark_pages, page_starts
    from .render.pdf import lay_out, write_pdf

    book = load_book(path)
    for key, value in (("pdf_variant", pdf_variant), ("script", script), ("opencc", opencc)):
        if value is not None:
            setattr(book, key, value)
    check_options(book)
    layout = load_layout(book.layout)
    if "book" not in layout.config:
        raise ReportError(f"layout '{book.layout}' has no [book] template", EXIT_USAGE)
    date = book_date(book)
    compiled = compile_book(book)
    findings = [f for c in compiled for f in c.findings.sorted()]
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise ReportError(f"{errors[0]} (build stopped; run 'reportc check' on the chapter)", EXIT_FAILURE)
    docs = [c.doc for c in compiled]
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{outdir}: cannot create the output folder ({exc.strerror or exc})", EXIT_USAGE) from None
    result = BuildResult(findings=Findings(str(book.path), items=findings))
    stem = book.path.stem
    with ExitStack() as cleanup:
        staged: dict[str, tuple[Path, Path]] = {}

        def stage(fmt: str) -> Path:
            handle, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".{fmt}.part", dir=outdir)
            os.close(handle)
            temp = Path(name)
            temp.chmod(0o644)
            cleanup.callback(lambda: temp.unlink(missing_ok=True))
            staged[fmt] = (temp, outdir / f"{stem}.{fmt}")
            return temp

        html = render_book_html(book, docs, layout, date.isoformat())
        if "html" in formats:
            stage("html").write_text(html, encoding="utf-8")
        check_fonts()
        roots = [layout.folder, LAYOUTS_DIR.parent / "fonts", *{c.source.path.resolve().parent for c in compiled}]
        pages, html_root = lay_out(html, base_dir=book.folder, allowed_roots=roots)
        result.pages = len(pages.pages)
        starts = page_starts(pages, html_root, docs)
        first_chapter = next((i for i, s in enumerate(starts) if s.element_id == docs[0].ident), 0)
        labels = [roman(i + 1) if i < first_chapter else str(i - first_chapter + 1) for i in range(len(starts))]
        starts = page_starts(pages, html_root, docs, labels)
        if "pdf" in formats:
            identifier = f"{book.title}\n{book.edition}\n{book.isbn}\n{book.output_language}"
            write_pdf(pages, stage("pdf"), identifier=identifier, variant=book.pdf_variant, date=date,
                      attachments=[book.path, *book.chapters] if book.pdf_variant.startswith("pdf/a") else [],
                      roman_pages=first_chapter)
        if "epub" in formats:
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
            stage("epub").write_bytes(book_epub_bytes(book, marked, layout, date=date, front_markers=front,
                                                      embed_fonts=embed_fonts))
        outputs = [(target, temp) for fmt, (temp, target) in staged.items() if fmt in ("pdf", "epub")]
        manifest = manifest_text(outdir, book, [book.path, *book.chapters], outputs, date)
        stage("json").write_text(manifest, encoding="utf-8")
        staged["json"] = (staged["json"][0], outdir / MANIFEST_NAME)
        for fmt, (temp, target) in staged.items():
            os.replace(temp, target)
            result.outputs[fmt] = target
    return result
