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
from dataclasses import dataclass, field
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
    date = build_date(source)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{outdir}: cannot create the output folder ({exc.strerror or exc})", EXIT_USAGE) from None
    result = BuildResult(findings=compiled.findings, inputs=[source.path, *image_files(doc, source.path.parent)])
    with ExitStack() as cleanup:
        staged: dict[str, tuple[Path, Path]] = {}

        def stage(fmt: str, write) -> None:
            """Write one output to a `.part` file beside its target, removed again on failure."""
            with interrupts.signals_blocked(done=False):  # no .part file without its cleanup
                handle, name = tempfile.mkstemp(prefix=f".{source.stem}.", suffix=f".{fmt}.part", dir=outdir)
                temp = Path(name)
                cleanup.callback(lambda: temp.unlink(missing_ok=True))
                os.close(handle)
            staged[fmt] = (temp, outdir / f"{source.stem}.{fmt}")
            try:
                temp.chmod(0o644)
                write(temp)
            except OSError as exc:
                raise ReportError(f"{staged[fmt][1]}: cannot be written ({exc.strerror or exc})", EXIT_FAILURE) from None

        _render(doc, source, layout, formats, stage, result, date=date, embed_fonts=embed_fonts, progress=progress)
        interrupts.check()  # a signal some library swallowed still stops the build here
        with interrupts.signals_blocked(done=True):
            for fmt, (temp, target) in staged.items():
                os.replace(temp, target)
                result.outputs[fmt] = target
    return result


def _render(doc: t.Document, source: SourceText, layout, formats, stage, result: BuildResult, *, date: datetime,
            embed_fonts: bool, progress: Progress) -> None:
    from .fonts import check_fonts
    from .render.epub import book_identifier, epub_bytes
    from .render.html import render_print_html
    from .render.pages import mark_pages, page_starts
    from .render.pdf import lay_out, write_pdf

    with progress.phase("layout"):
        html = render_print_html(doc, layout)
        if "html" in formats:
            stage("html", lambda temp: temp.write_text(html, encoding="utf-8"))
        if "pdf" in formats or "epub" in formats:
            # the EPUB cites the print edition's pages, so it needs the layout too
            check_fonts()
            roots = [layout.folder, LAYOUTS_DIR.parent / "fonts", source.path.resolve().parent]
            pages, html_root = lay_out(html, base_dir=source.path.parent, allowed_roots=roots)
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
