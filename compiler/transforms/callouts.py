"""Transform: sidebar boxes become Callout nodes.

A sidebar is a paragraph set off by three or more blank lines. Its title is the bold run that
opens it (`**上海市云计算产业基地** 8月17日，…`) or, without bold, the words before the first
space (`现代服务业科技支撑创新平台 静安区…`). It stays where it stands, so it belongs to the
section around it once sections are made. Only the top level of the flat tree is looked at:
the blank lines that set a sidebar off are known there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.nodes import Block, Callout, Document, Inline, Paragraph, Strong, Text
from ..model.traverse import merge_text
from .context import PassContext

SIDEBAR_GAP = 3  # blank lines before a paragraph that make it a sidebar
MAX_TITLE = 40  # characters; a longer run before the first space is prose, not a title
TITLE_SPLIT = re.compile(r"^(\S{2,%d}?)[ \u3000]+(\S.*)$" % MAX_TITLE, re.S)
NOT_IN_TITLE = re.compile(r"[。，；！？]")
DATE = re.compile(r"^(\d{4}年)?\d{1,2}月(\d{1,2}日)?$|^\d{4}年$")  # `8月17日 揭牌…`: a date, not a title


def make_callouts(doc: Document, ctx: PassContext) -> Document:
    """Paragraphs set off by three or more blank lines become callouts (sidebar boxes)."""
    children: list[Block] = []
    for block in doc.children:
        if isinstance(block, Paragraph) and block.blank_lines_before >= SIDEBAR_GAP and children:
            children.append(_to_callout(block, ctx))
        else:
            children.append(block)
    return replace(doc, children=children)


def _to_callout(paragraph: Paragraph, ctx: PassContext) -> Callout:
    nodes = paragraph.children
    first = nodes[0] if nodes else None
    if isinstance(first, Strong) and len(nodes) > 1:
        body = merge_text([_lstrip(nodes[1]), *nodes[2:]])
        return Callout(first.children, body, paragraph.line, paragraph.blank_lines_before)
    if isinstance(first, Text):
        match = TITLE_SPLIT.match(first.text)
        if match and not NOT_IN_TITLE.search(match.group(1)) and not DATE.match(match.group(1)):
            body = merge_text([Text(match.group(2)), *nodes[1:]])
            return Callout([Text(match.group(1))], body, paragraph.line, paragraph.blank_lines_before)
    ctx.findings.warning(paragraph.line, "sidebar box without a title: set its title in bold at its start")
    return Callout([], nodes, paragraph.line, paragraph.blank_lines_before)


def _lstrip(node: Inline) -> Inline:
    if isinstance(node, Text):
        return Text(node.text.lstrip(" \t\u3000"))
    return node
