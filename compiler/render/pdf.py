"""PDF output: WeasyPrint lays out the page HTML and writes the PDF.

WeasyPrint may read only files under the folders the build allows (the layout, the fonts and
the source's own folder): every other URL — the network, `file://` elsewhere — is refused.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path

from ..diagnostics import EXIT_FAILURE, ReportError


def make_url_fetcher(allowed_roots: list[Path]):
    """A WeasyPrint URL fetcher that reads `data:` URLs and files under `allowed_roots` only."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    roots = [root.resolve() for root in allowed_roots]

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            # Schemes are case-insensitive (`FILE:///etc/passwd` opens a file too): compare
            # the scheme as urllib will read it, and check every file URL, whatever its host.
            parsed = urlparse(url.strip())
            if parsed.scheme.lower() == "file":
                if parsed.netloc not in ("", "localhost"):
                    raise ValueError(f"refused: {url} is on another machine")
                path = Path(unquote(parsed.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"refused: {path} is outside the allowed folders")
            return super().fetch(url, headers)

    return ConfinedFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def lay_out(html: str, *, base_dir: Path, allowed_roots: list[Path]):
    """WeasyPrint's laid-out pages for `html`, and the HTML element tree they were made from."""
    from weasyprint import HTML

    from . import cjk_layout, leaders

    cjk_layout.install()
    leaders.install()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page_html = HTML(string=html, base_url=str(base_dir.resolve()) + "/", url_fetcher=make_url_fetcher(allowed_roots))
    with _older_objects_left_alone():
        return page_html.render(), page_html.etree_element


def write_pdf(document, target: Path, *, identifier: str | None, variant: str = "", attachments: list[Path] = (),
              date=None, roman_pages: int = 0) -> None:
    """Write laid-out pages to `target` as PDF, with an /ID derived from `identifier` (if any).

    `variant` is a WeasyPrint PDF variant (`pdf/a-3b` embeds `attachments` as associated source
    files, dated `date` so that the bytes do not depend on the files' times; `pdf/ua-1` is
    tagged, with running heads and page numbers as artifacts). With `roman_pages`, the PDF's
    page labels number that many front pages i, ii … and the rest 1, 2 … as printed."""
    from weasyprint import Attachment

    # no /ID when the PDF is a part another PDF is made of (pydyf hashes every object again for it)
    options = {} if identifier is None else {
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
    from .pdf_artifacts import install, mark_margin_artifacts

    install()
    mark_margin_artifacts(document)
    try:
        document.write_pdf(target, finisher=_page_labels(roman_pages) if roman_pages else None, **options)
    except OSError as exc:
        raise ReportError(f"{target}: cannot write the PDF ({exc.strerror or exc})", EXIT_FAILURE) from None


@contextmanager
def _older_objects_left_alone():
    """Keep the garbage collector from scanning, collection after collection, the objects that
    were there before the layout (the parsed HTML, the libraries, a book's other chapters): a
    30-chapter book in one process, 17.2 → 16.5 s. Garbage is collected first — frozen, a
    previous chapter's pages would outlive the layout and pile up (2.4 GB for that book) — and
    the objects are unfrozen afterwards, so watch mode collects as before."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _page_labels(roman_pages: int):
    """A WeasyPrint finisher adding /PageLabels: lower-roman front matter, then decimal from 1."""
    import pydyf

    def finish(document, pdf):
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
            0, pydyf.Dictionary({"S": "/r"}), roman_pages, pydyf.Dictionary({"S": "/D"}),
        ])})

    return finish
