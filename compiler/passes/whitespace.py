"""Pass: drop stray whitespace — blank-looking paragraphs, spaces at paragraph starts and ends,
and the soft line breaks inside a paragraph (none between Chinese characters, one space else)."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import tree as t
from . import PassContext
from ._walk import map_inlines
from .chars import SPACE, is_cjk

SOFT_BREAK = re.compile(r"[ \t]*\n[ \t\u3000]*")


def drop_stray_whitespace(doc: t.Document, ctx: PassContext) -> t.Document:
    doc = map_inlines(doc, _tidy_run)
    return replace(doc, children=_drop_empty(doc.children))


def _tidy_run(nodes: list[t.Inline]) -> list[t.Inline]:
    nodes = [_join_soft_breaks(node) for node in nodes]
    nodes = t.merge_text(nodes)
    if nodes and isinstance(nodes[0], t.Text):
        nodes[0] = t.Text(nodes[0].text.lstrip(SPACE + "\n"))
    if nodes and isinstance(nodes[-1], t.Text):
        nodes[-1] = t.Text(nodes[-1].text.rstrip(SPACE + "\n"))
    return t.merge_text(nodes)


def _join_soft_breaks(node: t.Inline) -> t.Inline:
    if isinstance(node, t.Text) and "\n" in node.text:
        text = node.text

        def join(match: re.Match) -> str:
            before = text[match.start() - 1] if match.start() > 0 else ""
            after = text[match.end()] if match.end() < len(text) else ""
            return "" if is_cjk(before) or is_cjk(after) else " "

        return t.Text(SOFT_BREAK.sub(join, text))
    if isinstance(node, (t.Strong, t.Emphasis, t.RunIn, t.Link)):
        return replace(node, children=[_join_soft_breaks(child) for child in node.children])
    return node


def _drop_empty(blocks: list[t.Block]) -> list[t.Block]:
    kept: list[t.Block] = []
    for block in blocks:
        if isinstance(block, t.Paragraph) and not t.plain_text(block.children).strip(SPACE + "\n") and not any(
            isinstance(n, t.Image) for n in block.children
        ):
            continue
        if isinstance(block, (t.Section, t.BlockQuote)):
            block = replace(block, children=_drop_empty(block.children))
        kept.append(block)
    return kept
