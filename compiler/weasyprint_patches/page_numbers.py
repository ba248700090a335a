"""Numbering a part's pages on from the pages before it, decided after the part is paginated.

A book paginated a chapter at a time (in parallel processes) cannot know where a chapter's page
numbers start until every chapter before it has been paginated. They need not be known earlier:
a chapter's pagination does not depend on its page numbers (chapters open on right-hand pages,
so the sequence of left and right pages is the same wherever the chapter starts). WeasyPrint
makes the margin boxes — where `counter(page)` is shown — only after it has paginated the whole
document; `numbered_on` hooks in there: it is told the part's page count and answers how far to
shift the `page` counter, and the margin boxes are made with the shifted numbers.

A chapter laid out once can also be numbered again without a new layout (a chapter before it
grew by a page): `numbers_apart` splits its pages into the body and the page numbers alone, each
written as a PDF of its own, and the join stamps the numbers on the body. Only margin boxes that
show nothing but the page counter (and fixed text), alone on their edge, can be split off; a
chapter whose running heads share a box or an edge with its page numbers has none to stamp, and
is laid out again instead. (Page numbers printed in the body, `target-counter(…, page)`, are not
looked for: in a book laid out apart they are the chapter's own numbers, stamped or not.)

Pinned to WeasyPrint 70.0 like the Chinese line layout (`require_tested_weasyprint`);
tests/writers/test_paginate_book.py compares the numbers printed on parallel-built pages with a build of
the whole book as one document, so an upgrade that changes these internals fails loudly.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import cache
from typing import Any, Callable, Iterator, NamedTuple

from .internals import require_tested_weasyprint

# Per thread: a Dask worker keeps a chapter paused in its layout (waiting for the page counts
# before it) in one thread while it lays out another chapter in a second thread.
_current = threading.local()


class Numbering:
    """A rendering's page numbering: the offset once asked, and each page's own (unshifted)
    `page` counter as its margin boxes were made, by page index."""

    def __init__(self, offset_for: Callable[[int], int], page_offset: Callable[[int], int] | None = None):
        self.offset_for = offset_for
        self.offset: int | None = None
        self.page_offset = page_offset
        self.page_counters: dict[int, list[int]] = {}


@cache  # patched once per process
def _install() -> None:
    from weasyprint import layout

    require_tested_weasyprint("Page numbering by parts")
    original = layout.make_margin_boxes

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        numbering: Numbering | None = getattr(_current, "numbering", None)
        if numbering is not None:
            numbering.page_counters[page.page_type.index] = list(state[1].get("page", []))
            if numbering.offset is None:
                # pagination is over: page_maker holds one state per page, and one past the last
                numbering.offset = numbering.offset_for(len(context.page_maker) - 1)
            shift = numbering.offset if numbering.page_offset is None else numbering.page_offset(page.page_type.index)
            if shift:
                quote_depth, counters, scopes, *rest = state
                counters = {**counters, "page": [value + shift for value in counters.get("page", [])]}
                state = (quote_depth, counters, scopes, *rest)
        return original(context, page, state)

    layout.make_margin_boxes = make_margin_boxes


@contextmanager
def numbered_on(offset_for: Callable[[int], int],
                page_offset: Callable[[int], int] | None = None) -> Iterator[Numbering]:
    """While rendering inside this block, `offset_for(page_count)` is asked once, when the
    document is paginated, and its answer is added to every page's `page` counter — or, given
    `page_offset`, `page_offset(page index)` to each page's. Yields the rendering's `Numbering`
    (for `numbers_apart`)."""
    _install()
    previous = getattr(_current, "numbering", None)
    numbering = _current.numbering = Numbering(offset_for, page_offset)
    try:
        yield numbering
    finally:
        _current.numbering = previous


# A page's type as the layout's @page rules select it: [side, blank, page name, [[group, index] …]].
PageTypeData = list[Any]


class NumbersApart(NamedTuple):
    """A rendered document split in two documents of the same pages: `body`, everything but
    the page numbers, and `numbers`, the page numbers alone (no background); and each page's
    type, which a stand-in must reproduce to be numbered the same way."""

    body: Any
    numbers: Any
    page_types: list[PageTypeData]


def numbers_apart(document: Any, numbering: Numbering) -> NumbersApart | None:
    """`document` (rendered inside `numbered_on`, which gave `numbering`) split into its body and
    its page numbers, or None when its page numbers cannot be drawn apart: a margin box shows
    the page counter with anything else than fixed text (a running head, `counter(pages)`),
    another box on the same edge shows something (its width depends on the number's), or the
    document sets the page counter itself (`counter-reset: page 7` after its first page)."""
    import copy

    from weasyprint.formatting_structure.boxes import MarginBox

    body_pages, number_pages, page_types = [], [], []
    for index, page in enumerate(document.pages):
        if numbering.page_counters.get(index) != [index + 1]:
            return None
        box = page._page_box
        margins = [child for child in box.children if isinstance(child, MarginBox)]
        numbers = [child for child in margins if _shows_page_number(child)]
        if not all(_only_page_number(child) for child in numbers):
            return None
        if any(_edge(other) == _edge(number) for number in numbers for other in margins if other not in numbers):
            return None  # the boxes of an edge share its width: a neighbour is sized by the number
        body = copy.copy(page)
        body._page_box = box.copy_with_children([child for child in box.children if child not in numbers])
        number_box = box.copy_with_children(numbers)
        number_box.background = number_box.canvas_background = None
        alone = copy.copy(page)
        alone._page_box, alone.links, alone.anchors, alone.bookmarks, alone.forms = number_box, [], {}, [], {None: []}
        body_pages.append(body)
        number_pages.append(alone)
        side, blank, name, _, groups = box.page_type
        page_types.append([side, blank, name, [[group, at] for group, at in groups]])
    return NumbersApart(document.copy(body_pages), document.copy(number_pages), page_types)


def drawn_the_same(first: Any, second: Any) -> bool:
    """Whether two pages (`weasyprint.Page`) of `NumbersApart.numbers` draw their page numbers
    alike: the same boxes, in the same places, with the same text."""
    return _geometry(first._page_box) == _geometry(second._page_box)


def _geometry(box: Any) -> tuple[Any, ...]:
    children = tuple(_geometry(child) for child in getattr(box, "children", ()))
    return (type(box).__name__, getattr(box, "at_keyword", None), box.position_x, box.position_y, box.width,
            box.height, getattr(box, "text", None), children)


def _edge(box: Any) -> str:
    """The edge whose boxes WeasyPrint sizes together (`@bottom-left` … `@bottom-right`), or the
    corner's own name (a corner box is sized alone)."""
    name = box.at_keyword.lstrip("@")
    return name if name.endswith("-corner") else name.split("-")[0]


def _content(box: Any) -> tuple[Any, ...]:
    content = box.style["content"]
    return tuple(content) if isinstance(content, (list, tuple)) else ()


def _shows_page_number(box: Any) -> bool:
    return any(kind in ("counter()", "counters()") and value[0] == "page" for kind, value in _content(box))


def _only_page_number(box: Any) -> bool:
    return all(kind == "string" or (kind in ("counter()", "counters()") and value[0] == "page")
               for kind, value in _content(box))
