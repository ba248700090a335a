"""Where each page of the print edition begins, as a position in the tree.

WeasyPrint's rendered pages are read in order (`compiler.weasyprint_patches.boxes`): the first
text on a page belongs to an element with an id (a paragraph `p17`, a heading `s3-h`, a
callout's title or body …, see `compiler.writers.anchors`), at some offset in that element's
text. Offsets count characters other than whitespace and word joiners, so line breaking (which
may drop a space at a line end) and the print edition's joiners do not shift them. The EPUB's
page list (`compiler.writers.epub.page_list`) puts a marker at each such position.
"""

from __future__ import annotations

from typing import Any, Sequence, Union

from ...model.nodes import Document
from ...weasyprint_patches.boxes import page_texts
from ..anchors import PageStart, block_ids, counted, inline_targets, leading_runs


def page_starts(document: Any, html_root: Any, docs: Union[Document, Sequence[Document]]) -> list[PageStart]:
    """Where each rendered page begins, one entry per page, for the pages WeasyPrint rendered
    from `html_root` out of the tree(s) `docs`. A page with no text of the trees (a title page,
    a blank verso) gets `element_id` "". Labels are 1, 2 …: a book relabels its front matter."""
    if isinstance(docs, Document):
        docs = [docs]
    known: dict[str, Any] = {}
    stops: set[str] = set()
    leads: dict[str, str] = {}
    for doc in docs:
        known.update(inline_targets(doc))
        stops.update(block_ids(doc))
        leads.update(leading_runs(doc))
    parents = {child: parent for parent in html_root.iter() for child in parent}
    consumed: dict[str, int] = {}
    starts: list[PageStart] = []
    for number, page in enumerate(document.pages, start=1):
        label = str(number)
        first: PageStart | None = None
        for element, text in page_texts(page):
            element_id = _nearest_id(element, parents, known, stops)
            if element_id is None:
                continue
            count = sum(1 for char in text if counted(char))
            if first is None and count:
                offset = consumed.get(element_id, 0)
                # a page that opens with a figure's caption opens with its image
                first = PageStart(label, leads[element_id], 0) if not offset and element_id in leads else \
                    PageStart(label, element_id, offset)
            consumed[element_id] = consumed.get(element_id, 0) + count
        starts.append(first if first is not None else PageStart(label, "", 0))
    return starts


def _nearest_id(element: Any, parents: dict[Any, Any], known: dict[str, Any], stops: set[str]) -> str | None:
    """The id of the run that holds the element's text: the nearest known id above it, unless an
    element holding blocks comes first (text in a table's header, a footnote's marker: no run)."""
    while element is not None:
        element_id = element.get("id")
        if element_id in known:
            return element_id
        if element_id in stops:
            return None
        element = parents.get(element)
    return None
