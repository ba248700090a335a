"""Transform: a paragraph cut in two by a sidebar is one paragraph again.

In the printed original a sidebar box could fall at a page break, so the source holds
`…政策享受有效期内的` + sidebar + `高新技术成果转化项目270项，…`. When the paragraph before
one or more callouts stops without ending its sentence, and a plain paragraph follows them,
the two halves are joined and the callouts placed after the whole paragraph. A paragraph cut by
two sidebars (at two page breaks) is joined across both.

The part before must really run on: not a heading-like line (`一、主要成效`, `（二）`, `第三章`), not
a paragraph all in bold (`**一、主要成效**`), not a line ending with a colon. Only sidebars this
pipeline recovered split a paragraph; a callout its author wrote (`::: info`) does not. Each
rejoin is a warning (`paragraph-rejoined`) that shows both halves, since it changes the text an
editor wrote; `recover_rejoin: false` in the front matter or `<!-- reportc: keep -->` before
either half keeps the halves apart.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import cast

from ..model.nodes import Block, Callout, Document, Paragraph, Strong, Text
from ..model.text import SENTENCE_END
from ..model.traverse import merge_text, plain_text
from .context import PassContext
from .overrides import kept, switched_on

HEADING_LIKE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节部分篇条]|[一二三四五六七八九十]+[、.．]|"
                          r"[（(][一二三四五六七八九十\d]+[）)]|\d+(\.\d+)*[、.．\s])")
SHOWN = 12  # characters of each half the finding shows


def rejoin_split_paragraphs(doc: Document, ctx: PassContext) -> Document:
    """Join the halves of a paragraph that one or more sidebars cut in two."""
    if not switched_on(doc, "rejoin"):
        return doc
    out: list[Block] = []
    for block in doc.children:
        split = _split_before(out) if isinstance(block, Paragraph) and _continues(block) else None
        if split is None or not isinstance(block, Paragraph):
            out.append(block)
            continue
        head, callouts = cast(Paragraph, out[split]), out[split + 1:]
        if kept(block.line, ctx.findings) or kept(head.line, ctx.findings):
            out.append(block)
            continue
        joined = replace(head, children=merge_text([*head.children, *block.children]), continued_at=block.line)
        first, second = plain_text(head.children).rstrip(), plain_text(block.children).strip()
        ctx.findings.warning(block.line, f"paragraph split by a sidebar rejoined with line {head.line}: "
                             f"'…{first[-SHOWN:]}' + '{second[:SHOWN]}…'; put `<!-- reportc: keep -->` before "
                             "it to keep them apart", code="paragraph-rejoined")
        out[split:] = [joined, *callouts]
    return replace(doc, children=out)


def _split_before(out: list[Block]) -> int | None:
    """The index of the paragraph a continuation would join: the output so far ends with a
    paragraph that runs on and one or more callouts after it, the last of which stood in the
    source after all of that paragraph. (Callouts this transform moved behind a rejoined paragraph
    stand before its last half: they split nothing, so running the transform again joins nothing.)"""
    index = len(out)
    while index > 0 and _recovered_callout(out[index - 1]):
        index -= 1
    if index == len(out) or index == 0:
        return None
    head = out[index - 1]
    if not isinstance(head, Paragraph) or not runs_on(head):
        return None
    if out[-1].line < max(head.line, head.continued_at):
        return None
    return index - 1


def _recovered_callout(block: Block) -> bool:
    """A sidebar recovered from blank lines, not a callout its author wrote."""
    return isinstance(block, Callout) and not block.kind and not block.blocks


def runs_on(paragraph: Paragraph) -> bool:
    """Does the paragraph stop mid-sentence, and is it prose (not heading-like, all bold, or
    ending with a colon)?"""
    text = plain_text(paragraph.children).rstrip()
    if not text or text[-1] in SENTENCE_END or HEADING_LIKE.match(text):
        return False
    return not all(isinstance(node, Strong) or (isinstance(node, Text) and not node.text.strip())
                   for node in paragraph.children)



def _continues(paragraph: Paragraph) -> bool:
    """A continuation starts with plain text, not a bold lead-in or a list-like marker."""
    first = paragraph.children[0] if paragraph.children else None
    return isinstance(first, Text) and bool(first.text.strip())
