"""Transform: a paragraph cut in two by a sidebar is one paragraph again.

In the printed original a sidebar box could fall at a page break, so the source holds
`…政策享受有效期内的` + sidebar + `高新技术成果转化项目270项，…`. When the paragraph before
one or more callouts stops without ending its sentence, and a plain paragraph follows them,
the two halves are joined and the callouts placed after the whole paragraph. A paragraph cut by
two sidebars (at two page breaks) is joined across both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from ..model.nodes import Block, Callout, Document, Paragraph, Text
from ..model.text import SENTENCE_END
from ..model.traverse import merge_text, plain_text
from .context import PassContext


def rejoin_split_paragraphs(doc: Document, ctx: PassContext) -> Document:
    """Join the halves of a paragraph that one or more sidebars cut in two."""
    out: list[Block] = []
    for block in doc.children:
        split = _split_before(out) if isinstance(block, Paragraph) and _continues(block) else None
        if split is None or not isinstance(block, Paragraph):
            out.append(block)
            continue
        head, callouts = cast(Paragraph, out[split]), out[split + 1:]
        joined = replace(head, children=merge_text([*head.children, *block.children]), continued_at=block.line)
        ctx.findings.info(block.line, f"paragraph split by a sidebar rejoined with line {head.line}")
        out[split:] = [joined, *callouts]
    return replace(doc, children=out)


def _split_before(out: list[Block]) -> int | None:
    """The index of the paragraph a continuation would join: the output so far ends with a
    paragraph that runs on and one or more callouts after it, the last of which stood in the
    source after all of that paragraph. (Callouts this transform moved behind a rejoined paragraph
    stand before its last half: they split nothing, so running the transform again joins nothing.)"""
    index = len(out)
    while index > 0 and isinstance(out[index - 1], Callout):
        index -= 1
    if index == len(out) or index == 0:
        return None
    head = out[index - 1]
    if not isinstance(head, Paragraph) or not _runs_on(head):
        return None
    if out[-1].line < max(head.line, head.continued_at):
        return None
    return index - 1


def _runs_on(paragraph: Paragraph) -> bool:
    text = plain_text(paragraph.children).rstrip()
    return bool(text) and text[-1] not in SENTENCE_END


def _continues(paragraph: Paragraph) -> bool:
    """A continuation starts with plain text, not a bold lead-in or a list-like marker."""
    first = paragraph.children[0] if paragraph.children else None
    return isinstance(first, Text) and bool(first.text.strip())
