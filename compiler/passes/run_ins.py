"""Pass: a bold run that opens a paragraph and is followed by more text becomes a RunIn node.

`**推进区县创新发展。**“市区联动”结合…` is one paragraph with a run-in lead-in, not a heading.
"""

from __future__ import annotations

from dataclasses import replace

from .. import tree as t
from . import PassContext


def mark_run_ins(doc: t.Document, ctx: PassContext) -> t.Document:
    return replace(doc, children=_blocks(doc.children))


def _blocks(blocks: list[t.Block]) -> list[t.Block]:
    out: list[t.Block] = []
    for block in blocks:
        if isinstance(block, t.Paragraph):
            block = _paragraph(block)
        elif isinstance(block, (t.Section, t.BlockQuote)):
            block = replace(block, children=_blocks(block.children))
        out.append(block)
    return out


def _paragraph(paragraph: t.Paragraph) -> t.Paragraph:
    nodes = paragraph.children
    if len(nodes) < 2 or not isinstance(nodes[0], t.Strong):
        return paragraph
    if not t.plain_text(nodes[1:]).strip():
        return paragraph
    return replace(paragraph, children=[t.RunIn(nodes[0].children), *nodes[1:]])
