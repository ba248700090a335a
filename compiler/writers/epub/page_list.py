"""The print edition's page list inside the EPUB: a page marker where each PDF page begins.

`compiler.writers.print.page_map` finds where each page begins as an element id and an offset
in that element's text; `mark_pages` puts a PageBreak node at that position in a copy of the
tree, which the templates write as `<span epub:type="pagebreak" role="doc-pagebreak">` —
mid-paragraph when the page breaks mid-paragraph.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, cast

from ...model.nodes import Code, Document, Inline, PageBreak, Text
from ...model.traverse import PathStep, is_span, replace_at
from ..anchors import PageStart, counted, inline_targets


def mark_pages(doc: Document, starts: list[PageStart]) -> Document:
    """A copy of the tree with a PageBreak inline node where each of its pages begins (pages
    that begin in another tree, or in none, are left out)."""
    targets = inline_targets(doc)
    by_target: dict[tuple[PathStep, ...], list[PageStart]] = {}
    for start in starts:
        if start.element_id in targets:
            by_target.setdefault(targets[start.element_id], []).append(start)
    for path, marks in by_target.items():
        doc = replace_at(doc, path, partial(_insert, marks=marks))
    return doc


def with_blank_pages_placed(starts: list[PageStart]) -> list[PageStart]:
    """The starts with each page that has no text of its own (a blank verso) placed where the
    next page with text begins, so that its marker stands before that page's."""
    placed: list[PageStart] = []
    pending: list[PageStart] = []
    for start in starts:
        if not start.element_id:
            pending.append(start)
            continue
        placed.extend(replace(page, element_id=start.element_id, offset=start.offset) for page in pending)
        pending = []
        placed.append(start)
    return placed


def _insert(nodes: list[Inline], marks: list[PageStart]) -> list[Inline]:
    """Insert PageBreak nodes before the counted character at each mark's offset."""
    pending = sorted(marks, key=lambda mark: mark.offset)
    seen = 0

    def walk(run: list[Inline]) -> list[Inline]:
        nonlocal seen
        out: list[Inline] = []
        for node in run:
            if isinstance(node, (Text, Code)):
                piece = ""
                for char in node.text:
                    if counted(char):
                        while pending and pending[0].offset <= seen:
                            if piece:
                                out.append(type(node)(piece))
                                piece = ""
                            out.append(PageBreak(pending.pop(0).label))
                        seen += 1
                    piece += char
                if piece:
                    out.append(type(node)(piece))
            elif is_span(type(node)):
                while pending and pending[0].offset <= seen:
                    out.append(PageBreak(pending.pop(0).label))
                out.append(replace(cast(Any, node), children=walk(cast(Any, node).children)))
            else:
                out.append(node)
        return out

    result = walk(nodes)
    result.extend(PageBreak(mark.label) for mark in pending)  # past the end: keep, at the end
    return result
