"""Transform: drop stray whitespace — blank-looking paragraphs, spaces at the start and end of
every run, and the soft line breaks inside a paragraph (none between Chinese characters, one
space else)."""

from __future__ import annotations

import re

from ..model.nodes import Block, Document, Image, Inline, Paragraph, Text
from ..model.text import SPACE, is_cjk
from ..model.traverse import map_blocks, map_runs, merge_text, plain_text, replace_texts, texts_in_context
from .context import PassContext

SOFT_BREAK = re.compile(r"[ \t]*\n[ \t\u3000]*")


def drop_stray_whitespace(doc: Document, ctx: PassContext) -> Document:
    """Trim every run, join soft line breaks, and drop paragraphs with nothing visible in them."""
    return map_blocks(map_runs(doc, _tidy_run), _drop_empty)


def _tidy_run(nodes: list[Inline]) -> list[Inline]:
    joined = {id(node): _join_soft_breaks(node.text, before, after)
              for node, before, after in texts_in_context(nodes) if "\n" in node.text}
    nodes = merge_text(replace_texts(nodes, joined))
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].text.lstrip(SPACE + "\n"))
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text.rstrip(SPACE + "\n"))
    return merge_text(nodes)


def _join_soft_breaks(text: str, before: str, after: str) -> str:
    """Soft line breaks joined: nothing between Chinese characters or after a hard break, a
    space between other words."""
    context = before + text + after

    def join(match: re.Match[str]) -> str:
        start, end = match.start() + len(before), match.end() + len(before)
        left = context[start - 1] if start > 0 else ""
        right = context[end] if end < len(context) else ""
        if left in ("", "\n") or is_cjk(left) or is_cjk(right):
            return ""
        return " "

    return SOFT_BREAK.sub(join, text)


def _drop_empty(block: Block) -> Block | None:
    """A paragraph with nothing visible in it (not even an image) is dropped."""
    if (isinstance(block, Paragraph) and not plain_text(block.children).strip(SPACE + "\n")
            and not any(isinstance(node, Image) for node in block.children)):
        return None
    return block
