"""A laid-out chapter numbered again without laying it out again: its page numbers stamped.

When a chapter before it gains or loses a page, a book's later chapters keep their text and
their pages, and only their printed page numbers move. A chapter laid out apart keeps its body
and its page numbers in two PDFs (`compiler.weasyprint_patches.page_numbers.numbers_apart`); to
number it anew, WeasyPrint lays out a stand-in with the chapter's page sequence — the same
page types (left or right, blank, named pages and their groups), so the layout's @page rules
put the numbers where and as they were — but an empty body. All the chapters to number are
laid out as one stand-in, one after another (a stand-in costs little per page but much per
document: its stylesheets are parsed again). The join stamps those numbers on the body's pages.

What is checked, so that a stamped number is the number a new layout would have printed: each
chapter's stand-in pages have the chapter's page types, and the first page of each chapter,
which in the stand-in is not the document's first, has its numbers drawn as on a document's
first page (`@page :first` rules), checked with a one-page stand-in per kind of opening page.
A chapter that fails a check is laid out again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ...weasyprint_patches.page_numbers import PageTypeData, drawn_the_same, numbered_on, numbers_apart
from ...resources import replaced_atomically
from .join import programs_left_to_join
from .pdf import write_pdf


def numbers_path(part_pdf: Path) -> Path:
    """Where the page numbers of the part at `part_pdf` are kept (`<key>.numbers.pdf`)."""
    return part_pdf.with_name(f"{part_pdf.stem}.numbers.pdf")


@dataclass(frozen=True)
class Renumbering:
    """A chapter to number anew: its HTML, its page types and opening break (as its layout
    found them), the number of its first page, and where its page numbers go."""

    html: str
    page_types: list[PageTypeData]
    opening_break: str
    first_page: int
    target: Path


Faces = dict[str, tuple[str, int]]


def stamp_numbers(chapters: list[Renumbering], render: Callable[[str], Any]) -> list[Faces | None]:
    """Lay out the chapters' stand-in (`render(html)` gives WeasyPrint's pages) and write each
    chapter's page numbers to its `target`. For each chapter: the faces its numbers left to the
    join (see `programs_left_to_join`), or None when they could not be stamped (lay it out again)."""
    if not chapters:
        return []
    heads: dict[str, list[int]] = {}
    for number, chapter in enumerate(chapters):
        heads.setdefault(_head(chapter.html), []).append(number)
    if len(heads) > 1:  # one stand-in per head: its stylesheets are the chapters'
        stamped: list[Faces | None] = [None] * len(chapters)
        for numbers in heads.values():
            for number, faces in zip(numbers, stamp_numbers([chapters[n] for n in numbers], render)):
                stamped[number] = faces
        return stamped
    starts, at, bodies = [], 0, []
    for number, chapter in enumerate(chapters):
        starts.append(at)
        bodies.append(_stub_body(chapter.page_types, chapter.opening_break, anchor=f"reportc-numbers-{number}"))
        at += len(chapter.page_types) + len(chapter.page_types) % 2  # opening on the right, as in the book

    def page_offset(index: int) -> int:
        number = bisect_right(starts, index) - 1
        return chapters[number].first_page + index - starts[number] - (index + 1)

    with numbered_on(lambda count: 0, page_offset) as numbering:
        document, _ = render(_with_body(chapters[0].html, "".join(bodies)))
    apart = numbers_apart(document, numbering)
    if apart is None:
        return [None] * len(chapters)
    anchored = {name: index for index, page in enumerate(document.pages) for name in page.anchors}
    opening_alike: dict[str, bool] = {}
    stamped = []
    for number, (chapter, start) in enumerate(zip(chapters, starts)):
        pages = apart.numbers.pages[start:start + len(chapter.page_types)]
        opening = repr(chapter.page_types[0])
        if start and opening not in opening_alike:
            opening_alike[opening] = _opens_alike(chapter, pages[0], render)
        if (anchored.get(f"reportc-numbers-{number}") != start or apart.page_types[start:start + len(pages)]
                != chapter.page_types or (start and not opening_alike[opening])):
            stamped.append(None)
            continue
        stamped.append(_write_numbers(apart.numbers.copy(pages), chapter.target))
    return stamped


def _opens_alike(chapter: Renumbering, opening_page: Any, render: Callable[[str], Any]) -> bool:
    """Whether the chapter's first page, laid out as a document's first page, draws its numbers
    as `opening_page` (the same page in the stand-in, where it is not the first) does."""
    with numbered_on(lambda count: chapter.first_page - 1) as numbering:
        document, _ = render(_with_body(chapter.html, _stub_body(chapter.page_types[:1], chapter.opening_break)))
    apart = numbers_apart(document, numbering)
    return apart is not None and drawn_the_same(apart.numbers.pages[0], opening_page)


def _write_numbers(numbers: Any, target: Path) -> Faces:
    with replaced_atomically(target) as temp, programs_left_to_join() as faces:
        write_pdf(numbers, temp, identifier=None)
    return dict(faces)


def _stub_body(page_types: list[PageTypeData], opening_break: str, anchor: str = "") -> str:
    """One empty block per page of a chapter, nested in elements of its named pages, breaking
    as its pages broke; blank pages come of a `left`/`right` break, as in the chapter."""
    blocks: list[str] = []
    open_groups: list[list[Any]] = []  # the named-page elements open, outermost first
    after_blank = False
    for index, (side, blank, _, groups) in enumerate(page_types):
        if blank:
            after_blank = True
            continue
        kept = 0
        while (kept < len(open_groups) and kept < len(groups) and groups[kept][0] == open_groups[kept][0]
               and groups[kept][1] > 0):
            kept += 1
        blocks.extend("</div>" for _ in open_groups[kept:])
        breaking = opening_break if index == 0 else side if after_blank else "page"
        for name, _ in groups[kept:]:
            blocks.append(f'<div style="page: {name}; break-before: {breaking}">')
            breaking = "auto"
        ident = f' id="{anchor}"' if anchor and index == 0 else ""
        blocks.append(f'<div{ident} style="break-before: {breaking}; height: 1px"></div>')
        open_groups = [list(group) for group in groups]
        after_blank = False
    blocks.extend("</div>" for _ in open_groups)
    return "".join(blocks)


def _head(html: str) -> str:
    """What a chapter's HTML gives before its body's content (its stylesheets, its <body> tag)."""
    opening = re.search(r"<body\b[^>]*>", html)
    return html[:opening.end()] if opening else html


def _with_body(html: str, body: str) -> str:
    """`html` with the content of its <body> replaced by `body`."""
    stub, found = re.subn(r"(<body\b[^>]*>).*(</body>)", lambda m: m.group(1) + body + m.group(2), html,
                          count=1, flags=re.S)
    if not found:
        raise ValueError("the chapter's HTML has no <body>")
    return stub
