"""Pass: a paragraph cut in two by a sidebar is one paragraph again.

In the printed original a sidebar box could fall at a page break, so the source holds
`…政策享受有效期内的` + sidebar + `高新技术成果转化项目270项，…`. When the paragraph before
one or more callouts stops without ending its sentence, and a plain paragraph follows them,
the two halves are joined and the callouts placed after the whole paragraph. A paragraph cut by
two sidebars (at two page breaks) is joined across both.
"""

from __future__ import annotations

from dataclasses import replace

from .. import tree as t
from . import PassContext
from .chars import SENTENCE_END


def rejoin_split_paragraphs(doc: t.Document, ctx: PassContext) -> t.Document:
    out: list[t.Block] = []
    for block in doc.children:
        split = _split_before(out) if isinstance(block, t.Paragraph) and _continues(block) else None
        if split is None:
            out.append(block)
            continue
        head, callouts = out[split], out[split + 1:]
        joined = replace(head, children=t.merge_text([*head.children, *block.children]), continued_at=block.line)
        ctx.findings.info(block.line, f"paragraph split by a sidebar rejoined with line {head.line}")
        out[split:] = [joined, *callouts]
    return replace(doc, children=out)


def _split_before(out: list[t.Block]) -> int | None:
    """The index of the paragraph a continuation would join: the output so far ends with a
    paragraph that runs on and one or more callouts after it, the last of which stood in the
    source after all of that paragraph. (Callouts this pass moved behind a rejoined paragraph
    stand before its last half: they split nothing, so running the pass again joins nothing.)"""
    index = len(out)
    while index > 0 and isinstance(out[index - 1], t.Callout):
        index -= 1
    if index == len(out) or index == 0:
        return None
    head = out[index - 1]
    if not isinstance(head, t.Paragraph) or not _runs_on(head):
        return None
    if out[-1].line < max(head.line, head.continued_at):
        return None
    return index - 1


def _runs_on(paragraph: t.Paragraph) -> bool:
    text = t.plain_text(paragraph.children).rstrip()
    return bool(text) and text[-1] not in SENTENCE_END


def _continues(paragraph: t.Paragraph) -> bool:
    """A continuation starts with plain text, not a bold lead-in or a list-like marker."""
    first = paragraph.children[0] if paragraph.children else None
    return isinstance(first, t.Text) and bool(first.text.strip())
