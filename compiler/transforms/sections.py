"""Transforms: headings become nested Section nodes; every section, callout, paragraph, figure and
table gets an id, and so does each labelled equation.

A heading opens a section that runs until the next heading of the same or a higher level, and
passes it its label (`{#sec-id}`), by which cross-references name it. Blocks before the first
heading stay at the top of the document (key points, a preface).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from ..model.nodes import Block, Callout, Document, Figure, Heading, MathBlock, Paragraph, Section, Table
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
                              blank_lines_before=block.blank_lines_before, label=block.label)
            (stack[-1].children if stack else root).append(section)
            stack.append(section)
        else:
            (stack[-1].children if stack else root).append(block)
    return replace(doc, children=root)


ID_PREFIXES = {Section: "s", Callout: "c", Paragraph: "p", Figure: "f", Table: "t", MathBlock: "eq"}


def assign_ids(doc: Document, ctx: PassContext) -> Document:
    """Stable ids from document order: `s1`, … for sections, `c1`, … for callouts, `p1`, … for
    paragraphs, `f1`, … for figures, `t1`, … for tables and `eq1`, … for labelled equations
    (the EPUB's page markers, citations and cross-references point at these; footnotes have
    theirs, `fn1`, … from `footnotes`). Display math nothing can refer to needs none."""
    counters = dict.fromkeys(ID_PREFIXES.values(), 0)

    def number(block: Block) -> Block:
        prefix = ID_PREFIXES.get(type(block))
        if prefix is None or (isinstance(block, MathBlock) and not block.label):
            return block
        counters[prefix] += 1
        return replace(cast(Any, block), ident=f"{prefix}{counters[prefix]}")

    return map_blocks(doc, number)
