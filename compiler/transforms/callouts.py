"""Transform: sidebar boxes become Callout nodes.

A sidebar is a paragraph set off by more blank lines than the document sets between its
paragraphs: the usual gap is the commonest one between two paragraphs (one blank line in most
files, three in a double-spaced export whose every line end became two), and a sidebar's gap
is at least twice as many line ends as that (three blank lines after one, seven after three).
With fewer than four paragraph gaps to go by, one blank line is taken as the usual gap.

A gap alone is not evidence enough. A candidate becomes a sidebar when it opens with a
title-like run: the bold run that opens it (`**上海市云计算产业基地** 8月17日，…`) or, without
bold, the words before the first space (`现代服务业科技支撑创新平台 静安区…`), short and ending no
sentence; or, untitled, when it interrupts a sentence (the paragraph before it stops mid-sentence
and a plain paragraph follows: a box the printed page set inside a paragraph). Otherwise it
stays a paragraph. It stays where it stands, so it belongs to the section around it once
sections are made. Only the top level of the flat tree is looked at: the blank lines that set
a sidebar off are known there.

Each sidebar is a finding (`callout-recovered`, info; an untitled one also `callout-untitled`,
a warning). Callouts the author wrote (`::: info …`, with a `kind`) are never touched; the
front matter's `recover_callouts: false` and a `<!-- reportc: keep -->` line before a paragraph
keep paragraphs as they are (see `compiler.transforms.overrides`).

A sidebar written out (`::: sidebar 标题` … `:::`, what `reportc fix` writes for a recovered one)
is the same box: no kind, and its one paragraph its text (`written_sidebars`), so that a chapter
builds to the same tree before and after `fix`. It is made so only after split paragraphs are
rejoined: a box its author wrote splits no paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..model.nodes import Block, Callout, Document, Inline, Paragraph, Strong, Text
from ..model.text import SENTENCE_END
from ..model.traverse import map_blocks, merge_text, plain_text
from .context import PassContext
from .overrides import kept, switched_on
from .rejoin import runs_on

SIDEBAR_GAP = 3  # blank lines before a sidebar in a file whose paragraphs are one blank line apart
MIN_GAPS = 4  # paragraph gaps needed to take the document's own spacing as the usual one
MAX_TITLE = 40  # characters; a longer run before the first space is prose, not a title
TITLE_SPLIT = re.compile(r"^(\S{2,%d}?)[ \u3000]+(\S.*)$" % MAX_TITLE, re.S)
NOT_IN_TITLE = re.compile(r"[。，；！？]")
DATE = re.compile(r"^(\d{4}年)?\d{1,2}月(\d{1,2}日)?$|^\d{4}年$")  # `8月17日 揭牌…`: a date, not a title
NO_TITLE = "sidebar box without a title: set its title in bold at its start"
SIDEBAR = "sidebar"  # the kind of a written-out sidebar (`::: sidebar 标题`)


def spacing(blocks: list[Block]) -> tuple[int, int]:
    """The blank lines this document usually sets between paragraphs, and the number before a
    paragraph that sets it off as a sidebar candidate."""
    gaps = Counter(block.blank_lines_before for previous, block in zip(blocks, blocks[1:])
                   if isinstance(block, Paragraph) and isinstance(previous, Paragraph) and block.blank_lines_before)
    if sum(gaps.values()) < MIN_GAPS:
        return 1, SIDEBAR_GAP
    usual = max(sorted(gaps), key=lambda gap: gaps[gap])  # the commonest; the smaller of a tie
    return usual, max(SIDEBAR_GAP, 2 * usual + 1)


def make_callouts(doc: Document, ctx: PassContext) -> Document:
    """Paragraphs set off by a sidebar's gap, with a title or cutting a sentence, become callouts."""
    if not switched_on(doc, "callouts"):
        return doc
    usual, gap = spacing(doc.children)

    def candidate(block: Block) -> bool:
        return isinstance(block, Paragraph) and block.blank_lines_before >= gap and not kept(block.line, ctx.findings)

    children: list[Block] = []
    blocks = doc.children
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph) and children and candidate(block):
            before = next((b for b in reversed(children) if not isinstance(b, Callout)), None)
            after = next((b for b in blocks[index + 1:] if not candidate(b)), None)
            callout = _to_callout(block, _interrupts(before, after), ctx)
            if callout is not None:
                title = plain_text(callout.title)
                shown = f"sidebar '{title}'" if title else "untitled sidebar"
                ctx.findings.info(block.line, f"{shown} recovered from the {block.blank_lines_before} blank lines "
                                  f"before it (this file sets paragraphs {usual} apart)", code="callout-recovered")
                children.append(callout)
                continue
        children.append(block)
    return replace(doc, children=children)


def _interrupts(before: Block | None, after: Block | None) -> bool:
    """Does a box between `before` and `after` cut a sentence: the paragraph before it stops
    mid-sentence and a plain paragraph follows?"""
    if not isinstance(before, Paragraph) or not isinstance(after, Paragraph):
        return False
    first = after.children[0] if after.children else None
    return runs_on(before) and isinstance(first, Text) and bool(first.text.strip())


def _to_callout(paragraph: Paragraph, interrupts: bool, ctx: PassContext) -> Callout | None:
    nodes = paragraph.children
    first = nodes[0] if nodes else None
    if isinstance(first, Strong) and len(nodes) > 1 and _title_like(plain_text(first.children)):
        body = merge_text([_lstrip(nodes[1]), *nodes[2:]])
        return Callout(first.children, body, paragraph.line, paragraph.blank_lines_before)
    if isinstance(first, Text):
        match = TITLE_SPLIT.match(first.text)
        if match and not NOT_IN_TITLE.search(match.group(1)) and not DATE.match(match.group(1)):
            body = merge_text([Text(match.group(2)), *nodes[1:]])
            return Callout([Text(match.group(1))], body, paragraph.line, paragraph.blank_lines_before)
    if not interrupts:
        return None
    ctx.findings.warning(paragraph.line, NO_TITLE, code="callout-untitled")
    return Callout([], nodes, paragraph.line, paragraph.blank_lines_before)


def _title_like(text: str) -> bool:
    """Short, and ending no sentence: a title, not a bold lead-in (`**推进企业自主创新。**…`)."""
    text = text.strip()
    return 0 < len(text) <= MAX_TITLE and text[-1] not in SENTENCE_END.replace("）", "").replace("”", "").replace("》", "")


def _lstrip(node: Inline) -> Inline:
    if isinstance(node, Text):
        return Text(node.text.lstrip(" \t\u3000"))
    return node


def written_sidebars(doc: Document, ctx: PassContext) -> Document:
    """A sidebar its author wrote out (`::: sidebar 标题` … `:::`) becomes the node a recovered
    one is: no kind (the layout draws it as the chapter's other sidebars) and, when it holds one
    paragraph, that paragraph's text as its own run. The title is the fence's, as written; none
    is taken from the text."""

    def sidebar(block: Block) -> Block:
        if not isinstance(block, Callout) or block.kind != SIDEBAR:
            return block
        if len(block.blocks) == 1 and isinstance(block.blocks[0], Paragraph):
            return replace(block, kind="", children=block.blocks[0].children, blocks=[])
        return replace(block, kind="")

    return map_blocks(doc, sidebar)
