"""Transform: a bold run that opens a paragraph and is followed by more text becomes a RunIn node.

`**推进区县创新发展。**“市区联动”结合…` is one paragraph with a run-in lead-in, not a heading.
Paragraphs of the body are looked at — at the top, in sections and quotes — not those inside
list items, where an opening bold run is the item's term (`- **入门篇**：…`), set as bold text.
"""

from __future__ import annotations

from dataclasses import replace

from ..model.nodes import Block, Document, Paragraph, RunIn, Strong
from ..model.traverse import map_blocks, plain_text
from .context import PassContext


def mark_run_ins(doc: Document, ctx: PassContext) -> Document:
    """A bold run opening a body paragraph, followed by more text, becomes the paragraph's run-in lead-in."""
    return map_blocks(doc, _paragraph, into_lists=False)


def _paragraph(block: Block) -> Block:
    if not isinstance(block, Paragraph):
        return block
    nodes = block.children
    if len(nodes) < 2 or not isinstance(nodes[0], Strong):
        return block
    if not plain_text(nodes[1:]).strip():
        return block
    return replace(block, children=[RunIn(nodes[0].children), *nodes[1:]])
