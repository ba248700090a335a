"""Transforms: headings become nested Section nodes; every section, callout and paragraph gets an id.

A heading opens a section that runs until the next heading of the same or a higher level.
Blocks before the first heading stay at the top of the document (key points, a preface).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from ..model.nodes import Block, Callout, Document, Heading, Paragraph, Section
from ..model.traverse import map_blocks
from .context import PassContext


def nest_sections(doc: Document, ctx: PassContext) -> Document:
    """Headings become sections holding the blocks up to the next heading of the same or a higher level."""
    root: list[Block] = []
    stack: list[Section] = []
    for block in doc.children:
        if isinstance(block, Heading):
            while stack and stack[-1].level >= block.level:
                stack.pop()
            section = Section(block.level, block.children, [], block.line, recovered=block.recovered,
                              blank_lines_before=block.blank_lines_before)
            (stack[-1].children if stack else root).append(section)
            stack.append(section)
        else:
            (stack[-1].children if stack else root).append(block)
    return replace(doc, children=root)


ID_PREFIXES = {Section: "s", Callout: "c", Paragraph: "p"}


def assign_ids(doc: Document, ctx: PassContext) -> Document:
    """Stable ids from document order: `s1`, … for sections, `c1`, … for callouts, `p1`, … for
    paragraphs (the EPUB's page markers and citations point at these)."""
    counters = dict.fromkeys(ID_PREFIXES.values(), 0)

    def number(block: Block) -> Block:
        prefix = ID_PREFIXES.get(type(block))
        if prefix is None:
            return block
        counters[prefix] += 1
        return replace(cast(Any, block), ident=f"{prefix}{counters[prefix]}")

    return map_blocks(doc, number)
