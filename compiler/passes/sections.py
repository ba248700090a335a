"""Pass: headings become nested Section nodes, and every section and callout gets an id.

A heading opens a section that runs until the next heading of the same or a higher level.
Blocks before the first heading stay at the top of the document (key points, a preface).
"""

from __future__ import annotations

from dataclasses import replace

from .. import tree as t
from . import PassContext


def nest_sections(doc: t.Document, ctx: PassContext) -> t.Document:
    root: list[t.Block] = []
    stack: list[t.Section] = []
    for block in doc.children:
        if isinstance(block, t.Heading):
            while stack and stack[-1].level >= block.level:
                stack.pop()
            section = t.Section(block.level, block.children, [], block.line, recovered=block.recovered,
                                blank_lines_before=block.blank_lines_before)
            (stack[-1].children if stack else root).append(section)
            stack.append(section)
        else:
            (stack[-1].children if stack else root).append(block)
    return replace(doc, children=root)


def assign_ids(doc: t.Document, ctx: PassContext) -> t.Document:
    """Stable ids from document order: `s1`, … for sections, `c1`, … for callouts, `p1`, … for
    paragraphs (the EPUB's page markers and citations point at these)."""
    counters = {"s": 0, "c": 0, "p": 0}

    def visit(blocks: list[t.Block]) -> list[t.Block]:
        out = []
        for block in blocks:
            if isinstance(block, t.Section):
                counters["s"] += 1
                ident = f"s{counters['s']}"
                block = replace(block, ident=ident, children=visit(block.children))
            elif isinstance(block, t.Callout):
                counters["c"] += 1
                block = replace(block, ident=f"c{counters['c']}")
            elif isinstance(block, t.Paragraph):
                counters["p"] += 1
                block = replace(block, ident=f"p{counters['p']}")
            elif isinstance(block, t.BlockQuote):
                block = replace(block, children=visit(block.children))
            elif isinstance(block, t.BulletList):
                items = [replace(item, children=visit(item.children)) for item in block.items]
                block = replace(block, items=items)
            out.append(block)
        return out

    return replace(doc, children=visit(doc.children))
