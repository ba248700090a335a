"""The build of one chapter: read → normalise → render, outputs written so a failed build changes nothing.

`compile_source` is the front of every build (and of `reportc check`): a chapter read and
normalised, its findings collected; a build compiles its chapters with `compile_chapters`, which
takes a chapter an earlier build read and normalised from the cache when nothing it depends on
changed (`trees`). `build` renders the chapter's HTML, pages (WeasyPrint), PDF
and EPUB, unless the last build into the folder is still up to date (`cache`). The stages a
build runs are imported when it runs them, so that finding a build up to date stays quick.
"""

from __future__ import annotations

import os
import time
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import unquote

from ..diagnostics import EXIT_FAILURE, EXIT_USAGE, Finding, Findings, ReportError
from ..model.nodes import Document, Table
from ..model.traverse import iter_blocks
from ..readers.source import SourceText, decode_source, read_source, read_source_bytes
from ..resources import FONTS_DIR
from ..writers.templates import Layout, layout_folder, load_layout
from . import cache, interrupts, lock, trees
from .options import BuildOptions, BuildResult
from .outputs import StagedOutputs, output_folder
from .progress import Progress


@dataclass
class Compiled:
    """A chapter read and normalised: its source text, its tree and the findings about it."""

    source: SourceText
    doc: Document
    findings: Findings


def compile_source(path: str | Path, progress: Progress | None = None,
                   defaults: Mapping[str, str] | None = None) -> Compiled:
    """Read and normalise one chapter; findings are collected, not raised. `defaults` are
    front-matter keys the chapter has unless its own front matter sets them (a book's
    recovery settings)."""
    return _compile(lambda: read_source(path), progress, defaults)


def compile_text(source: SourceText, progress: Progress | None = None,
                 defaults: Mapping[str, str] | None = None) -> Compiled:
    """`compile_source` for a chapter already read (`reportc fix` compiles the text it would write)."""
    return _compile(lambda: source, progress, defaults)


def compile_chapters(paths: Sequence[str | Path], progress: Progress | None = None,
                     defaults: Mapping[str, str] | None = None, *, reuse: bool = True) -> list[Compiled]:
    """`compile_source` for each of `paths`, through the cache of chapters read and normalised
    (`trees`): a chapter whose bytes, defaults, tables' CSV files, images and tools are as an
    earlier build found them comes back as it did then, findings included. Without `reuse`
    (`--no-cache`) every chapter is compiled anew, and kept for the next build all the same."""
    progress = progress if progress is not None else Progress()
    store = trees.TreeStore()
    compiled, kept = [], 0
    for path in paths:
        chapter, stored = _compile_kept(Path(path), progress, defaults, store, reuse)
        compiled.append(chapter)
        kept += stored
    if kept:
        store.prune()
    return compiled


def _compile_kept(path: Path, progress: Progress, defaults: Mapping[str, str] | None, store: trees.TreeStore,
                  reuse: bool) -> tuple[Compiled, bool]:
    """The chapter at `path`, from the cache or compiled (and then kept: the bool says so). The
    phases are a fresh chapter's, so that a display shows the same: a kept chapter is read (its
    bytes, for the key) and normalised in no time."""
    started = time.time()  # before its inputs are read: one saved since is not trusted to be as read
    with progress.phase("read"):
        data = read_source_bytes(path)
        key = store.key(path, data, defaults)
        found = store.load(key) if reuse else None
        read = _read(decode_source(path, data), defaults) if found is None else None
    with progress.phase("normalise"):
        compiled = _normalised(*read) if read is not None else None
    if compiled is None:
        assert found is not None
        return Compiled(found.source, found.doc, found.findings), False
    return compiled, store.store(key, trees.Kept(compiled.source, compiled.doc, compiled.findings), started=started)


def _compile(read: Callable[[], SourceText], progress: Progress | None,
             defaults: Mapping[str, str] | None) -> Compiled:
    progress = progress if progress is not None else Progress()
    with progress.phase("read"):
        source, doc, findings = _read(read(), defaults)
    with progress.phase("normalise"):
        return _normalised(source, doc, findings)


def _read(source: SourceText, defaults: Mapping[str, str] | None) -> tuple[SourceText, Document, Findings]:
    # imported here: a build found up to date needs neither the reader nor the transforms
    from ..readers.markdown import read_document

    findings = Findings(source.name, lines=source.text.split("\n"))
    doc = read_document(source, findings)
    if defaults:
        doc = replace(doc, meta={**defaults, **doc.meta})
    return source, doc, findings


def _normalised(source: SourceText, doc: Document, findings: Findings) -> Compiled:
    from ..transforms import normalise
    from ..writers.print.coverage import check_printable

    doc = normalise(doc, findings, base_dir=source.path.parent)
    check_printable(doc, findings)  # before layout: a character no font has would print as a box
    return Compiled(source, doc, findings)


def stopping_findings(findings: Findings, *, strict: bool = False) -> list[Finding]:
    """The findings that fail a build or check, in source order: errors, and with `strict`
    warnings too (as they stand: `Finding.as_error` gives them as errors)."""
    levels = ("error", "warning") if strict else ("error",)
    return [f for f in findings.sorted() if f.level in levels]


def stop_on_findings(findings: Findings, *, strict: bool, check_hint: str) -> None:
    """Raise the ReportError that stops a build, if a finding should."""
    stops = stopping_findings(findings, strict=strict)
    if stops:
        first = stops[0]
        why = "build stopped by --strict" if first.level != "error" else "build stopped"
        raise ReportError(f"{first.as_error()} ({why}; {check_hint})", EXIT_FAILURE, findings=findings)


def image_files(doc: Document, folder: Path) -> list[Path]:
    """The image files the document shows (data: URLs aside)."""
    from ..transforms.images import shown_images

    return sorted({folder / unquote(image.file) for image in shown_images(doc) if not image.file.startswith("data:")})


def named_image_files(doc: Document, folder: Path) -> list[Path]:
    """The image files the document names but does not show (missing ones, say): an input all
    the same, since the image appearing changes the outputs. Only a plain relative path within
    the folder can appear; a URL or a path outside is refused whatever lies there."""
    from ..model.nodes import Image
    from ..model.traverse import iter_inlines

    named = set()
    for image in iter_inlines(doc):
        if isinstance(image, Image) and not image.file and image.src and ":" not in image.src:
            path = Path(unquote(image.src.split("#")[0].split("?")[0]))
            # a symbolic link inside the folder may point out of it: what lies there is not read
            if not path.is_absolute() and ".." not in path.parts and (folder / path).resolve().is_relative_to(folder.resolve()):
                named.add(folder / path)
    return sorted(named)


def data_files(doc: Document, folder: Path) -> list[Path]:
    """The data files the document's tables were read from (`table` blocks' CSV files): a build
    depends on them as on its images, so a changed CSV makes the chapter's build stale."""
    return sorted({folder / block.data_file for block in iter_blocks(doc)
                   if isinstance(block, Table) and block.data_file})


def source_inputs(doc: Document, folder: Path) -> list[Path]:
    """The files besides its source a chapter's build reads: the images it shows, the CSV files
    of its tables, and every image it names, found or not (absence is an input too)."""
    return [*image_files(doc, folder), *data_files(doc, folder), *named_image_files(doc, folder)]


def build_date(sources: list[Path], inputs: cache.Inputs | None = None) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the newest source file's time
    (which `inputs`, the up-to-date key, then holds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise ReportError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds", EXIT_USAGE) from None
    seconds = cache.newest_mtime(sources)
    if inputs is not None:
        inputs.dated(sources, seconds)
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def allowed_roots(layout: Layout, source_dirs: Sequence[Path]) -> list[Path]:
    """The folders WeasyPrint may read: the layout's, the fonts' and the sources'."""
    return [layout.folder, FONTS_DIR, *dict.fromkeys(d.resolve() for d in source_dirs)]


def cache_options(source: Path, options: BuildOptions, **settings: Any) -> dict[str, Any]:
    """What, besides the files read, a build's outputs depend on, for the up-to-date key."""
    return {"source": str(source.resolve()), "formats": list(options.formats), "epub_fonts": options.embed_fonts,
            "strict": options.strict, **settings}


def up_to_date_or_build(source: Path, outdir: Path, options: BuildOptions, layout_dir: Path,
                        key_options: dict[str, Any], run: Callable[[cache.Inputs], BuildResult],
                        progress: Progress | None = None) -> BuildResult:
    """The last build's outputs when nothing they depend on changed (and `options` allow their
    reuse); otherwise `run(inputs)`, which hashes its inputs into `inputs` as it reads them,
    recorded for the next time. One build at a time per output folder (`lock`); an output folder
    made for a build that fails is removed again."""
    made = not outdir.is_dir()
    folder = output_folder(outdir)
    waiting = (progress or Progress()).print
    try:
        with lock.folder_locked(folder, timeout=options.lock_timeout,
                                waiting=lambda: waiting(f"reportc: waiting: another reportc build is writing {folder}")):
            if options.reuse_outputs:
                fresh = cache.fresh(outdir, source.name, layout_dir, key_options)
                if fresh is not None:
                    return BuildResult(outputs=fresh[0], inputs=fresh[1], up_to_date=True)
            inputs = cache.Inputs(layout_dir, key_options)
            result = run(inputs)
            inputs.add(result.inputs)  # any the build did not hash as it read them
            cache.record(outdir, source.name, inputs, result.outputs)
            return result
    except BaseException:
        if made:
            with suppress(OSError):
                folder.rmdir()  # only if the failed build left it empty
        raise


def build(path: str | Path, outdir: str | Path = "build", options: BuildOptions | None = None, *,
          progress: Progress | None = None) -> BuildResult:
    """Build the chapter at `path` into `outdir` as `options` say. Raises ReportError on failure
    and `interrupts.Interrupted` on SIGINT/SIGTERM; either way no earlier output is changed."""
    options = options if options is not None else BuildOptions()
    for name in ("pdf_variant", "script", "opencc", "jobs"):
        if getattr(options, name):
            raise ReportError(f"--{name.replace('_', '-')} applies to books (a book.toml), not to one chapter",
                              EXIT_USAGE)
    source, out = Path(path), Path(outdir)
    run = progress if progress is not None else Progress()
    with interrupts.raising_on_signals():
        layout_dir = layout_folder(options.layout)
        key_options = cache_options(source, options, layout=options.layout)
        return up_to_date_or_build(source, out, options, layout_dir, key_options,
                                   lambda inputs: _build(source, out, options, run, inputs), run)


def _build(path: Path, outdir: Path, options: BuildOptions, progress: Progress, inputs: cache.Inputs) -> BuildResult:
    layout = load_layout(options.layout)
    inputs.add([path])  # hashed before it is read: a save from now on makes the next build rebuild
    compiled = compile_chapters([path], progress, reuse=options.reuse_parts)[0]
    stop_on_findings(compiled.findings, strict=options.strict, check_hint="run 'reportc check' for all findings")
    source, doc = compiled.source, compiled.doc
    date = build_date([source.path], inputs)
    folder = source.path.parent
    result = BuildResult(findings=compiled.findings, inputs=[source.path, *source_inputs(doc, folder)])
    inputs.add(result.inputs)
    with StagedOutputs(output_folder(outdir)) as outputs:
        _render(doc, source, layout, options, outputs, result, date=date, progress=progress)
        result.outputs = outputs.commit()
    return result


def _render(doc: Document, source: SourceText, layout: Layout, options: BuildOptions, outputs: StagedOutputs,
            result: BuildResult, *, date: datetime, progress: Progress) -> None:
    from ..writers.epub.package import book_identifier, epub_bytes
    from ..writers.epub.page_list import mark_pages
    from ..writers.fonts import check_fonts
    from ..writers.html import render_print_html
    from ..writers.print.page_map import page_starts
    from ..writers.print.pdf import render_pages, write_pdf

    formats, stem = options.formats, source.stem
    with progress.phase("paginate"):
        html = render_print_html(doc, layout)
        if "html" in formats:
            outputs.stage(f"{stem}.html", "html", lambda temp: temp.write_text(html, encoding="utf-8"))
        if "pdf" in formats or "epub" in formats:
            # the EPUB cites the print edition's pages, so it needs the pagination too
            check_fonts()
            folder = source.path.parent
            pages, html_root = render_pages(html, base_dir=folder, allowed_roots=allowed_roots(layout, [folder]))
            result.pages = len(pages.pages)
    if "pdf" in formats:
        with progress.phase("PDF"):
            outputs.stage(f"{stem}.pdf", "pdf",
                          lambda temp: write_pdf(pages, temp, identifier=book_identifier(doc, stem)))
    if "epub" in formats:
        with progress.phase("EPUB"):
            marked = mark_pages(doc, page_starts(pages, html_root, doc))
            data = epub_bytes(marked, layout, stem=stem, date=date, page_source=True,
                              embed_fonts=options.embed_fonts, image_dir=source.path.parent)
            outputs.stage(f"{stem}.epub", "epub", lambda temp: temp.write_bytes(data))
