"""Transform: a bold run that opens a paragraph and ends at its first sentence mark becomes a RunIn node.

`**推进区县创新发展。**“市区联动”结合…` is one paragraph with a run-in lead-in, not a heading.
Only such a lead-in is one: the bold opens the paragraph, more text follows it, and the first
sentence mark of the paragraph (。：:！？!? or a full stop) ends the bold (`**…。**`, or
`**…**。` with the mark just after it). Any other bold — inside a sentence (`**基础事件**是…`), or
running past its first sentence — is strong emphasis, left a `Strong` and set in the body face.
Paragraphs of the body are looked at — at the top, in sections and quotes — not those inside
list items, where an opening bold run is the item's term (`- **入门篇**：…`), set as bold text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.nodes import Block, Document, Paragraph, RunIn, Strong
from ..model.text import CLOSING_BRACKETS, CLOSING_QUOTES, ELLIPSES, LATIN_OR_DIGIT_CLASS, SENTENCE_END, SPACE
from ..model.traverse import map_blocks, plain_text
from .context import PassContext

# The marks that end a lead-in: the stops, colons, exclamation and question marks of
# SENTENCE_END, not its semicolons, ellipsis or closing brackets and quotes.
LEAD_IN_END = "".join(char for char in SENTENCE_END if char not in CLOSING_BRACKETS + CLOSING_QUOTES + ELLIPSES + "；;)")
# A sentence mark; an ASCII full stop or colon only where no letter or digit follows (`3.5`, `10:30`).
SENTENCE_MARK = re.compile(f"(?![.:][{LATIN_OR_DIGIT_CLASS}])[{re.escape(LEAD_IN_END)}]")
# What may stand after the mark that ends a lead-in: closing quotes and brackets, spaces.
AFTER_THE_MARK = CLOSING_BRACKETS + CLOSING_QUOTES + ")" + SPACE


def mark_run_ins(doc: Document, ctx: PassContext) -> Document:
    """A bold run opening a body paragraph and ending at its first sentence mark becomes the paragraph's run-in lead-in."""
    return map_blocks(doc, _paragraph, into_lists=False)


def _paragraph(block: Block) -> Block:
    if not isinstance(block, Paragraph):
        return block
    nodes = block.children
    if len(nodes) < 2 or not isinstance(nodes[0], Strong):
        return block
    rest = plain_text(nodes[1:])
    if not rest.strip() or not ends_at_first_sentence_mark(plain_text(nodes[0]), rest):
        return block
    return replace(block, children=[RunIn(nodes[0].children), *nodes[1:]])


def ends_at_first_sentence_mark(bold: str, after: str) -> bool:
    """Does the bold text `bold`, followed by `after`, end at its paragraph's first sentence mark?
    The mark ends the bold (closing quotes or brackets may follow it inside the bold) or opens
    what follows it."""
    text = bold.rstrip(AFTER_THE_MARK)
    first = SENTENCE_MARK.search(text)
    if first is not None:
        return first.start() == len(text) - 1
    return bool(SENTENCE_MARK.match(after.lstrip(SPACE)))
