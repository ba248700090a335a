"""Running heads and page numbers as artifacts in tagged PDF (PDF/UA-1).

WeasyPrint 70 tags the text of page margin boxes as spans whose structure elements hang from
no parent (its comment: PDF 2.0 would allow them as artifacts). PDF/UA-1 wants every piece of
content either in the structure tree or marked as an artifact, and a running head or a page
number is pagination, not content. This patch draws margin-box text inside `/Artifact` marked
content and keeps the tag builder from looking for it. Pinned, like the Chinese line layout, to
WeasyPrint 70.0; tests/build/test_book.py reads the content stream and fails if an upgrade
undoes it.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import Any, Iterator

from .internals import require_tested_weasyprint

# ids of the boxes drawn as artifacts while a document is written (`margin_boxes_as_artifacts`)
_artifacts: set[int] = set()


@cache  # patched once per process
def install() -> None:
    """Patch WeasyPrint's tagged-PDF writing to draw flagged boxes as artifacts (idempotent)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import stream, tags

    require_tested_weasyprint("the PDF artifact patch")
    original_marked = stream.Stream.marked
    original_tree = tags._build_box_tree

    def marked(self: Any, box: Any, tag: Any) -> Any:
        if id(box) in _artifacts:
            return self.artifact()
        return original_marked(self, box, tag)

    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(box, boxes.MarginBox):
            return iter(())  # drawn as artifacts: nothing of it belongs in the structure tree
        return original_tree(box, *args, **kwargs)

    stream.Stream.marked = marked
    tags._build_box_tree = build_box_tree


@contextmanager
def margin_boxes_as_artifacts(document: Any) -> Iterator[None]:
    """While the document is written inside this block, the boxes of its pages' margin boxes
    are drawn as artifacts."""
    from weasyprint.formatting_structure import boxes

    install()
    for page in document.pages:
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox):
                _artifacts.update(id(box) for box in child.descendants())
    try:
        yield
    finally:
        _artifacts.clear()
