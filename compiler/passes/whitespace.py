"""Pass: drop stray whitespace — blank-looking paragraphs, spaces at paragraph starts and ends,
and the soft line breaks inside a paragraph (none between Chinese characters, one space else)."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import tree as t
from . import PassContext
from ._walk import map_inlines, replace_texts, texts_in_context
from .chars import SPACE, is_cjk

SOFT_BREAK = re.compile(r"[ \t]*\n[ \t\u3000]*")


def drop_stray_whitespace(doc: t.Document, ctx: PassContext) -> t.Document:
    doc = map_inlines(doc, _tidy_run)
    return replace(doc, children=_drop_empty(doc.children))


def _tidy_run(nodes: list[t.Inline]) -> list[t.Inline]:
    joined = {id(node): _join_soft_breaks(node.text, before, after)
              for node, before, after in texts_in_context(nodes) if "\n" in node.text}
    nodes = t.merge_text(replace_texts(nodes, joined))
    if nodes and isinstance(nodes[0], t.Text):
        nodes[0] = t.Text(nodes[0].text.lstrip(SPACE + "\n"))
    if nodes and isinstance(nodes[-1], t.Text):
        nodes[-1] = t.Text(nodes[-1].text.rstrip(SPACE + "\n"))
    return t.merge_text(nodes)


def _join_soft_breaks(text: str, before: str, after: str) -> str:
    """Soft line breaks joined: nothing between Chinese characters or after a hard break, a
    space between other words."""
    context = before + text + after

    def join(match: re.Match) -> str:
        start, end = match.start() + len(before), match.end() + len(before)
        left = context[start - 1] if start > 0 else ""
        right = context[end] if end < len(context) else ""
        if left in ("", "\n") or is_cjk(left) or is_cjk(right):
            return ""
        return " "

    return SOFT_BREAK.sub(join, text)


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
