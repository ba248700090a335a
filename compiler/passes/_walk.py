"""Tree-walking helpers shared by the passes: rebuild a tree with every inline run mapped."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .. import tree as t

InlineMap = Callable[[list[t.Inline]], list[t.Inline]]


def map_inlines(doc: t.Document, fn: InlineMap, *, titles: bool = True) -> t.Document:
    """A new document with `fn` applied to every run of inline nodes (titles too, if asked)."""
    title = fn(doc.title) if titles else doc.title
    return replace(doc, title=title, children=map_blocks_inlines(doc.children, fn, titles=titles))


def map_blocks_inlines(blocks: list[t.Block], fn: InlineMap, *, titles: bool = True) -> list[t.Block]:
    return [_map_block(block, fn, titles) for block in blocks]


def _map_block(block: t.Block, fn: InlineMap, titles: bool) -> t.Block:
    if isinstance(block, t.Paragraph):
        return replace(block, children=fn(block.children))
    if isinstance(block, t.Heading):
        return replace(block, children=fn(block.children)) if titles else block
    if isinstance(block, t.Callout):
        return replace(block, title=fn(block.title) if titles else block.title, children=fn(block.children))
    if isinstance(block, t.KeyPoints):
        return replace(block, items=[fn(item) for item in block.items])
    if isinstance(block, t.Section):
        return replace(
            block,
            title=fn(block.title) if titles else block.title,
            children=map_blocks_inlines(block.children, fn, titles=titles),
        )
    if isinstance(block, t.BlockQuote):
        return replace(block, children=map_blocks_inlines(block.children, fn, titles=titles))
    if isinstance(block, t.BulletList):
        items = [replace(item, children=map_blocks_inlines(item.children, fn, titles=titles)) for item in block.items]
        return replace(block, items=items)
    if isinstance(block, t.Table):
        return replace(
            block,
            header=[fn(cell) for cell in block.header],
            rows=[[fn(cell) for cell in row] for row in block.rows],
        )
    return block


SPANS = (t.Strong, t.Emphasis, t.RunIn, t.Link)


def map_leaves(nodes: list[t.Inline], fn: Callable[[t.Inline], t.Inline]) -> list[t.Inline]:
    """The run rebuilt with `fn` applied to every node that is not a span, spans entered."""
    return [replace(node, children=map_leaves(node.children, fn)) if isinstance(node, SPANS) else fn(node)
            for node in nodes]


def map_text(nodes: list[t.Inline], fn: Callable[[str], str]) -> list[t.Inline]:
    """Apply `fn` to every Text node's string, descending into spans (not code or raw HTML)."""
    return map_leaves(nodes, lambda node: t.Text(fn(node.text)) if isinstance(node, t.Text) else node)


def texts_in_context(nodes: list[t.Inline]) -> list[tuple[t.Text, str, str]]:
    """Every Text node of a run (spans and links entered), with the run's text just before and
    after it: a hard line break reads as a newline, code as its text, anything else as nothing."""
    flat: list[tuple[t.Inline, str]] = []

    def collect(run: list[t.Inline]) -> None:
        for node in run:
            if isinstance(node, SPANS):
                collect(node.children)
            elif isinstance(node, t.Text):
                flat.append((node, node.text))
            elif isinstance(node, t.LineBreak):
                flat.append((node, "\n"))
            elif isinstance(node, t.Code):
                flat.append((node, node.text))

    collect(nodes)
    out = []
    for index, (node, text) in enumerate(flat):
        if isinstance(node, t.Text):
            before = "".join(piece for _, piece in flat[max(0, index - 3):index])[-8:]
            after = "".join(piece for _, piece in flat[index + 1:index + 4])[:8]
            out.append((node, before, after))
    return out


def replace_texts(nodes: list[t.Inline], new_text: dict[int, str]) -> list[t.Inline]:
    """The run rebuilt with Text nodes (keyed by id) given new strings."""
    return map_leaves(nodes, lambda node: t.Text(new_text[id(node)])
                      if isinstance(node, t.Text) and id(node) in new_text else node)
