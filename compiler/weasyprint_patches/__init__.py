"""WeasyPrint's internals behind one door: every reach beyond its public API lives here.

WeasyPrint's public API (`HTML`, `CSS`, `Document`, `Page`, `Attachment`, `URLFetcher`,
`__version__`) renders pages and writes PDFs. The print edition needs more, and takes it here:

- `cjk_justify`: the Chinese line layout (justification, punctuation compression, Han–Latin
  spacing) in WeasyPrint's line alignment and text drawing;
- `leaders`: a dot leader drawn as one run of text;
- `footnotes`: each footnote on the page of its call, none lost (WeasyPrint's line layout);
- `page_floats`: a figure that may float to the top of the next page (`--page-float: top`);
- `page_numbers`: a book's chapter numbered on from the chapters before it, after pagination;
- `pdf_artifacts`: running heads and page numbers as artifacts in tagged PDF (PDF/UA);
- `deferred_fonts`: a chapter's PDF written without font programs, for the join to subset once;
- `boxes`: what stands on a rendered page (its text, by HTML element; a chapter's opening break).

`internals.INTERNALS` lists, in code, each private symbol patched, called or read, with a fingerprint of
its source in the tested version; `tests/weasyprint_patches/test_internals.py` fails naming the
symbol when an upgrade changes or removes one. `internals.require_tested_weasyprint` is the one
version guard: each patch calls it before touching anything. No module outside this package imports
WeasyPrint's private modules (a test of the import graph holds that).
"""

from __future__ import annotations

from functools import cache

from . import cjk_justify, footnotes, leaders, page_floats, pdf_artifacts
from .internals import INTERNALS, TESTED_WEASYPRINT, Internal, fingerprint, require_tested_weasyprint

__all__ = ["INTERNALS", "TESTED_WEASYPRINT", "Internal", "fingerprint", "install_all", "require_tested_weasyprint"]


@cache  # once per process
def install_all() -> None:
    """Install the patches every print rendering uses: the Chinese line layout, joined dot
    leaders, footnotes on their call's page, figures floating where the layout asks, margin
    boxes as artifacts. (`page_numbers` and `deferred_fonts` are scoped: context managers a
    book's paginator enters.)"""
    cjk_justify.install()
    leaders.install()
    footnotes.install()
    page_floats.install()
    pdf_artifacts.install()
