"""One benchmark run in its own process: the time of each build phase for one chapter, or
WeasyPrint alone rendering the HTML we emit (the floor we cannot beat without changing it).

    python bench/phases.py chapter SOURCE      → JSON: phase times, pages, peak RSS
    python bench/phases.py weasyprint HTML     → JSON: WeasyPrint's own time for that HTML
    python bench/phases.py weasyprint-leaders HTML → the same with our dot-leader patch alone
    python bench/phases.py typst MAIN.typ FONTDIR  → JSON: typst.compile's wall and CPU time (bench/peers.py)
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chapter(source: Path) -> dict:
    from datetime import datetime, timezone

    times: dict[str, float] = {}

    def timed(name, fn, *args, **kwargs):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        times[name] = times.get(name, 0.0) + time.perf_counter() - start
        return value

    start_all = time.perf_counter()
    from compiler.diagnostics import Findings
    from compiler.writers.templates import LAYOUTS_DIR, load_layout
    from compiler.transforms import normalise
    from compiler.readers.markdown import read_document
    from compiler.writers.epub.package import epub_bytes
    from compiler.writers.html import render_print_html
    from compiler.writers.epub.page_list import mark_pages
    from compiler.writers.print.page_map import page_starts
    from compiler.writers.print.pdf import render_pages as lay_out, write_pdf
    from compiler.readers.source import read_source
    import weasyprint  # noqa: F401  (imported here so that "layout" times layout alone)
    times["import"] = time.perf_counter() - start_all

    text = timed("read", read_source, source)
    findings = Findings(text.name)
    raw = timed("read", read_document, text, findings)
    doc = timed("passes", normalise, raw, findings)
    layout = load_layout("yearbook")
    html = timed("html", render_print_html, doc, layout)
    pages, root = timed("layout", lay_out, html, base_dir=source.parent,
                        allowed_roots=[layout.folder, LAYOUTS_DIR.parent, source.parent])
    with tempfile.TemporaryDirectory() as scratch:
        timed("pdf", write_pdf, pages, Path(scratch) / "out.pdf", identifier="bench")
        marked = timed("epub", mark_pages, doc, page_starts(pages, root, doc))
        timed("epub", epub_bytes, marked, layout, stem=source.stem,
              date=datetime(2020, 1, 1, tzinfo=timezone.utc), page_source=True)
        Path(scratch, "page.html").write_text(html, encoding="utf-8")
        html_copy = Path(tempfile.gettempdir()) / f"reportc-bench-{source.stem}.html"
        html_copy.write_text(html, encoding="utf-8")
    times["total"] = time.perf_counter() - start_all
    return {"phases": {k: round(v, 3) for k, v in times.items()}, "pages": len(pages.pages),
            "peak_rss_mb": round(peak_rss_mb(), 1), "html": str(html_copy)}


def weasyprint_alone(html_file: Path, leaders_patch: bool = False) -> dict:
    """Plain WeasyPrint rendering and writing the same HTML: with none of reportc's patches, or
    with only the one that draws a dot leader as one box instead of one box per dot (it makes
    WeasyPrint faster, so without it the floor includes a cost our path does not have)."""
    start = time.perf_counter()
    from weasyprint import HTML

    if leaders_patch:
        from compiler.weasyprint_patches import leaders

        leaders.install()

    imported = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        document = HTML(filename=str(html_file)).render()
        rendered = time.perf_counter()
        document.write_pdf(Path(scratch) / "out.pdf")
    done = time.perf_counter()
    return {"import": round(imported - start, 3), "layout": round(rendered - imported, 3),
            "pdf": round(done - rendered, 3), "total": round(done - start, 3),
            "pages": len(document.pages), "peak_rss_mb": round(peak_rss_mb(), 1)}


def typst_alone(main: Path, fonts: Path) -> dict:
    """Typst compiling a book to PDF (main.pdf beside main.typ), after its import: CPU time is this
    process's, all of Typst's threads included."""
    start = time.perf_counter()
    import typst

    imported, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    typst.compile(str(main), output=str(main.with_suffix(".pdf")), font_paths=[str(fonts)])
    done, after = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"import": round(imported - start, 3), "compile_s": round(done - imported, 3),
            "compile_cpu_s": round(cpu, 3), "peak_rss_mb": round(peak_rss_mb(), 1)}


if __name__ == "__main__":
    kind, path = sys.argv[1], Path(sys.argv[2])
    if kind == "typst":
        result = typst_alone(path, Path(sys.argv[3]))
    elif kind == "chapter":
        result = chapter(path)
    else:
        result = weasyprint_alone(path, leaders_patch=kind == "weasyprint-leaders")
    print(json.dumps(result))
