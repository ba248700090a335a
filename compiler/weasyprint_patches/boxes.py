"""Reading WeasyPrint's rendered pages: the boxes behind its public `Page` objects.

WeasyPrint's public API gives pages, their anchors and links, but not what stands on them. The
print edition needs two things more, read here from the page's box tree (`Page._page_box`,
the box classes of `weasyprint.formatting_structure.boxes`): the text of each page in order,
with the HTML element each piece comes from (where a page begins, for the EPUB's page list),
and the `break-before` of a document's first block (a chapter paginated on its own must open on
a right-hand page).
"""

from __future__ import annotations

from typing import Any, Iterator

from .internals import require_tested_weasyprint


def page_texts(page: Any) -> Iterator[tuple[Any, str]]:
    """(HTML element, text) of each text box in the page's flow, in order: margin boxes
    (running heads, page numbers) and generated content (`::before`, `::marker`) left out."""
    from weasyprint.formatting_structure import boxes

    require_tested_weasyprint("Reading rendered pages")
    for box in _flow_boxes(page._page_box, boxes):
        if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or ""):
            yield box.element, box.text


def _flow_boxes(page_box: Any, boxes: Any) -> Iterator[Any]:
    """The page's boxes in order, without its margin boxes."""
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        yield child
        if isinstance(child, boxes.ParentBox):
            yield from child.descendants()


def opening_break(document: Any) -> str:
    """The `break-before` of the document's first block that has one other than auto or avoid."""
    root = document.pages[0]._page_box.children[0] if document.pages else None
    while root is not None and root.children:
        child = root.children[0]
        if child.style["break_before"] not in ("auto", "avoid", "avoid-page"):
            return str(child.style["break_before"])
        root = child if hasattr(child, "children") else None
    return "auto"
