"""Pass: a paragraph cut in two by a sidebar is one paragraph again.

In the printed original a sidebar box could fall at a page break, so the source holds
`…政策享受有效期内的` + sidebar + `高新技术成果转化项目270项，…`. When the paragraph before
one or more callouts stops without ending its sentence, and a plain paragraph follows them,
the two halves are joined and the callouts placed after the whole paragraph.
"""

from __future__ import annotations

from dataclasses import replace

from .. import tree as t
from . import PassContext
from .chars import SENTENCE_END


def rejoin_split_paragraphs(doc: t.Document, ctx: PassContext) -> t.Document:
    blocks = list(doc.children)
    out: list[t.Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        end = index + 1
        while end < len(blocks) and isinstance(blocks[end], t.Callout):
            end += 1
        if (
            isinstance(block, t.Paragraph)
            and end > index + 1
            and end < len(blocks)
            and isinstance(blocks[end], t.Paragraph)
            and _runs_on(block)
            and _continues(blocks[end])
        ):
            tail = blocks[end]
            joined = replace(block, children=t.merge_text([*block.children, *tail.children]))
            ctx.findings.info(
                tail.line,
                f"paragraph split by a sidebar rejoined with line {block.line}",
            )
            out.append(joined)
            out.extend(blocks[index + 1:end])
            index = end + 1
            continue
        out.append(block)
        index += 1
    return replace(doc, children=out)


def _runs_on(paragraph: t.Paragraph) -> bool:
    text = t.plain_text(paragraph.children).rstrip()
    return bool(text) and text[-1] not in SENTENCE_END


def _continues(paragraph: t.Paragraph) -> bool:
    """A continuation starts with plain text, not a bold lead-in or a list-like marker."""
    first = paragraph.children[0] if paragraph.children else None
    return isinstance(first, t.Text) and bool(first.text.strip())
