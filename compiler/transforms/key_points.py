"""Transform: the bullet list right under the chapter title becomes the key-points block (本章要点).

A finding (`key-points`, info) says so at the list's line.
"""

from __future__ import annotations

from dataclasses import replace

from ..model.nodes import BulletList, Document, KeyPoints, Paragraph
from .context import PassContext


def make_key_points(doc: Document, ctx: PassContext) -> Document:
    """The bullet list right under the chapter title becomes the chapter's key points."""
    if not doc.children or not doc.title_line:
        return doc
    first = doc.children[0]
    if not isinstance(first, BulletList) or first.ordered or first.line < doc.title_line:
        return doc
    items = []
    for item in first.items:
        paragraphs = [b for b in item.children if isinstance(b, Paragraph)]
        if len(paragraphs) != 1 or len(item.children) != 1:
            return doc  # a nested or multi-paragraph list is content, not key points
        items.append(paragraphs[0].children)
    key_points = KeyPoints(items, first.line, first.blank_lines_before)
    ctx.findings.info(first.line, f"the list under the chapter title is read as its key points (本章要点, "
                      f"{len(items)} items)", code="key-points")
    return replace(doc, children=[key_points, *doc.children[1:]])
