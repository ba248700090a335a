"""PDF output: WeasyPrint renders the page HTML into pages, and writes them as PDF.

WeasyPrint may read only files under the folders the build allows (`sandbox`). The patches of
`compiler.weasyprint_patches` are installed before the first rendering: the Chinese line
layout, joined dot leaders, margin boxes drawn as artifacts.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from typing import Any, Callable, Iterator, Literal, Mapping, NamedTuple, Sequence

from ...books.config import PdfVariant
from ...diagnostics import EXIT_FAILURE, ReportError
from ...weasyprint_patches import install_all
from ...weasyprint_patches.pdf_artifacts import margin_boxes_as_artifacts
from .sandbox import make_url_fetcher


class RenderedPages(NamedTuple):
    """WeasyPrint's rendered pages (`weasyprint.Document`) and the HTML element tree they came from."""

    document: Any
    html_root: Any


def base_url_of(base_dir: Path) -> str:
    """The URL a chapter's relative image paths are read against. WeasyPrint names an image in
    the PDF after the md5 of its URL: a chapter laid out elsewhere must use the same one."""
    return str(base_dir.resolve()) + "/"


def render_pages(html: str, *, base_dir: Path, allowed_roots: Sequence[Path], base_url: str = "",
                 sent: Mapping[str, Path] | None = None, collect_garbage: bool = True) -> RenderedPages:
    """WeasyPrint's pages for `html`, and the HTML element tree they were made from.

    A chapter laid out on another machine is given the `base_url` of the build's machine and
    the files it was `sent` (see `sandbox.make_url_fetcher`): its images keep their names.
    Without `collect_garbage`, the garbage left by earlier layouts is not collected first (for
    a small document in a process holding much: the collection costs 0.1 s there)."""
    from weasyprint import HTML

    install_all()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = make_url_fetcher(list(allowed_roots)) if sent is None else make_url_fetcher(list(allowed_roots), sent)
    page_html = HTML(string=html, base_url=base_url or base_url_of(base_dir), url_fetcher=fetcher)
    with _older_objects_left_alone(collect_garbage):
        return RenderedPages(page_html.render(), page_html.etree_element)


def write_pdf(document: Any, target: Path, *, identifier: str | None, variant: PdfVariant | Literal[""] = "",
              attachments: Sequence[Path] = (), date: datetime | None = None, roman_pages: int = 0) -> None:
    """Write rendered pages to `target` as PDF, with an /ID derived from `identifier` (if any).

    `variant` is a WeasyPrint PDF variant (`pdf/a-3b` embeds `attachments` as associated source
    files, dated `date` so that the bytes do not depend on the files' times; `pdf/ua-1` is
    tagged, with running heads and page numbers as artifacts). With `roman_pages`, the PDF's
    page labels number that many front pages i, ii … and the rest 1, 2 … as printed."""
    from weasyprint import Attachment

    # no /ID when the PDF is a part another PDF is made of (pydyf hashes every object again for it)
    options: dict[str, Any] = {} if identifier is None else {
        "pdf_identifier": hashlib.sha256(identifier.encode()).hexdigest()[:32].encode()}
    if variant:
        options["pdf_variant"] = variant
        options["output_intent"] = "srgb"  # PDF/A needs it; for PDF/UA it says how colours are meant
    if attachments:
        options["attachments"] = [
            Attachment(filename=str(path), name=path.name, description=path.name, created=date, modified=date,
                       relationship="Source")
            for path in attachments
        ]
    try:
        with margin_boxes_as_artifacts(document):
            document.write_pdf(target, finisher=_page_labels(roman_pages) if roman_pages else None, **options)
    except OSError as exc:
        raise ReportError(f"{target}: cannot write the PDF ({exc.strerror or exc})", EXIT_FAILURE) from None


@contextmanager
def _older_objects_left_alone(collect_first: bool = True) -> Iterator[None]:
    """Keep the garbage collector from scanning, collection after collection, the objects that
    were there before the layout (the parsed HTML, the libraries, a book's other chapters): a
    30-chapter book in one process, 17.2 → 16.5 s. Garbage is collected first — frozen, a
    previous chapter's pages would outlive the layout and pile up (2.4 GB for that book) — and
    the objects are unfrozen afterwards, so watch mode collects as before."""
    if collect_first:
        gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _page_labels(roman_pages: int) -> Callable[[Any, Any], None]:
    """A WeasyPrint finisher adding /PageLabels: lower-roman front matter, then decimal from 1."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
            0, pydyf.Dictionary({"S": "/r"}), roman_pages, pydyf.Dictionary({"S": "/D"}),
        ])})

    return finish
