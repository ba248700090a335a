"""Numbering a part's pages on from the pages before it, decided after the part is paginated.

A book paginated a chapter at a time (in parallel processes) cannot know where a chapter's page
numbers start until every chapter before it has been paginated. They need not be known earlier:
a chapter's pagination does not depend on its page numbers (chapters open on right-hand pages,
so the sequence of left and right pages is the same wherever the chapter starts). WeasyPrint
makes the margin boxes — where `counter(page)` is shown — only after it has paginated the whole
document; `numbered_on` hooks in there: it is told the part's page count and answers how far to
shift the `page` counter, and the margin boxes are made with the shifted numbers.

Pinned to WeasyPrint 70.0 like the Chinese line layout (`require_tested_weasyprint`);
tests/writers/test_paginate_book.py compares the numbers printed on parallel-built pages with a build of
the whole book as one document, so an upgrade that changes these internals fails loudly.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import cache
from typing import Any, Callable, Iterator

from .internals import require_tested_weasyprint

# Per thread: a Dask worker keeps a chapter paused in its layout (waiting for the page counts
# before it) in one thread while it lays out another chapter in a second thread.
_current = threading.local()


class _Numbering:
    def __init__(self, offset_for: Callable[[int], int]):
        self.offset_for = offset_for
        self.offset: int | None = None


@cache  # patched once per process
def _install() -> None:
    from weasyprint import layout

    require_tested_weasyprint("Page numbering by parts")
    original = layout.make_margin_boxes

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        numbering: _Numbering | None = getattr(_current, "numbering", None)
        if numbering is not None:
            if numbering.offset is None:
                # pagination is over: page_maker holds one state per page, and one past the last
                numbering.offset = numbering.offset_for(len(context.page_maker) - 1)
            if numbering.offset:
                quote_depth, counters, scopes, *rest = state
                counters = {**counters, "page": [value + numbering.offset for value in counters.get("page", [])]}
                state = (quote_depth, counters, scopes, *rest)
        return original(context, page, state)

    layout.make_margin_boxes = make_margin_boxes


@contextmanager
def numbered_on(offset_for: Callable[[int], int]) -> Iterator[None]:
    """While rendering inside this block, `offset_for(page_count)` is asked once, when the
    document is paginated, and its answer is added to every page's `page` counter."""
    _install()
    previous = getattr(_current, "numbering", None)
    _current.numbering = _Numbering(offset_for)
    try:
        yield
    finally:
        _current.numbering = previous
