"""Running heads and page numbers as artifacts in tagged PDF (PDF/UA-1).

WeasyPrint 70 tags the text of page margin boxes as spans whose structure elements hang from
no parent (its comment: PDF 2.0 would allow them as artifacts). PDF/UA-1 wants every piece of
content either in the structure tree or marked as an artifact, and a running head or a page
number is pagination, not content. This patch draws margin-box text inside `/Artifact` marked
content and keeps the tag builder from looking for it. Pinned, like `cjk_layout`, to WeasyPrint
70.0; tests/test_book.py reads the content stream and fails if an upgrade undoes it.
"""

from __future__ import annotations

from functools import cache

from .cjk_layout import require_tested_weasyprint


@cache  # patched once per process
def install() -> None:
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import stream, tags

    require_tested_weasyprint("the PDF artifact patch")
    original_marked = stream.Stream.marked
    original_tree = tags._build_box_tree

    def marked(self, box, tag):
        if getattr(box, "reportc_artifact", False):
            return self.artifact()
        return original_marked(self, box, tag)

    def build_box_tree(box, *args, **kwargs):
        if isinstance(box, boxes.MarginBox):
            return iter(())  # drawn as artifacts: nothing of it belongs in the structure tree
        return original_tree(box, *args, **kwargs)

    stream.Stream.marked = marked
    tags._build_box_tree = build_box_tree


def mark_margin_artifacts(document) -> None:
    """Flag every box inside the pages' margin boxes, for `marked` above."""
    from weasyprint.formatting_structure import boxes

    for page in document.pages:
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox):
                for box in child.descendants():
                    box.reportc_artifact = True
