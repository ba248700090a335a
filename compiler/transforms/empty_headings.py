"""Transform: a heading with no text (`###` alone, or only spaces) is dropped, with a warning at its line.

Left in, it would become a section with an empty title: an empty line in the printed contents,
an empty PDF bookmark and an empty EPUB navigation entry (EPUBCheck RSC-005). A heading that
shows an image but no text keeps the image, as a paragraph. The reader passes such headings
over when it chooses the chapter's title (`compiler.readers.markdown.shows_text`).
"""

from __future__ import annotations

import re

from ..model.nodes import Block, Document, Heading, Image, Paragraph
from ..model.traverse import iter_inlines, map_blocks
from ..readers.markdown import shows_text
from .context import PassContext

HEADING_MARKER = re.compile(r"#{1,6}")


def drop_empty_headings(doc: Document, ctx: PassContext) -> Document:
    """Every heading that shows no text is dropped (an image it holds stays, as a paragraph)."""

    def visit(block: Block) -> Block | None:
        if not isinstance(block, Heading) or shows_text(block.children):
            return block
        line, column, length = ctx.findings.locate(block.line, HEADING_MARKER)
        if any(isinstance(node, Image) for node in iter_inlines(block.children)):
            ctx.findings.warning(line, "heading with no text: its image is kept as a paragraph", column, length=length,
                                 code="heading-image-only")
            return Paragraph(block.children, block.line, block.blank_lines_before)
        ctx.findings.warning(line, "empty heading dropped", column, length=length, code="heading-empty")
        return None

    return map_blocks(doc, visit)
