"""Transform: an image set apart from the prose becomes a Figure, with its caption.

A figure is an image that stands alone: a paragraph whose only content is one image (spaces,
line breaks and page markers aside), a centred block holding only such an image, or the one-cell
table reports wrap an image in (`| ![image001](x.png) |` over `|---|`, no rows). Its caption is
found, in this order:

1. a caption line right after it: a paragraph, or a centred paragraph (`<center>图 2.1 …</center>`),
   that opens with `图 N` / `图N` / `图 N-M` / `图 N.M` / `Figure N` (see `captions`);
2. the same paragraph's text after a line break (`![](a.png)<br/>图 9-6 …`), when it opens
   with such a head, or is any text in a centred block (`:::center`);
3. the image's alt text, when it is prose (not a file name such as `image001` or `a.png`);
4. none: the figure has no caption.

An image in a line of prose stays where it is. The figure keeps the image's label (`{#fig-id}`);
numbers are given later (`numbering`), and the caption keeps its author's `图 N` head until then.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..model.nodes import Block, Centered, Document, Figure, Image, Inline, LineBreak, PageBreak, Paragraph, Table, Text
from ..model.text import HAN
from ..model.traverse import merge_text
from .block_lists import map_block_lists
from .captions import caption_paragraph, is_caption
from .context import PassContext

# An alt text that names a file or a placeholder, not the picture: `image001`, `a.png`, `IMG_2041`.
FILE_NAME = re.compile(r"^[\w\-.~/]*$", re.A)


def make_figures(doc: Document, ctx: PassContext) -> Document:
    """Images that stand alone become figures, each with the caption found for it."""
    return map_block_lists(doc, lambda blocks: _figures_in(blocks, centred=False))


def _figures_in(blocks: list[Block], *, centred: bool) -> list[Block]:
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        figure = _figure(block, centred=centred)
        if figure is not None:
            caption = caption_paragraph(following, "figure") if following is not None else None
            if caption is not None and not figure.caption:
                figure = replace(figure, caption=_trimmed(caption.children))
                index += 1
            elif not figure.caption:
                figure = replace(figure, caption=_alt_caption(figure.image))
            out.append(figure)
        else:
            out.append(block)
        index += 1
    return out


def _figure(block: Block, *, centred: bool) -> Optional[Figure]:
    """The figure `block` is (its caption from its own run, if any), or None."""
    if isinstance(block, Paragraph):
        return _from_run(block.children, block, centred=centred)
    if isinstance(block, Table) and len(block.header) == 1 and not block.rows and not block.caption:
        return _from_run(block.header[0], block, centred=centred)
    if isinstance(block, Centered):
        inner = _figures_in(block.children, centred=True)
        if len(inner) == 1 and isinstance(inner[0], Figure):
            return replace(inner[0], line=block.line, blank_lines_before=block.blank_lines_before)
    return None


def _from_run(run: list[Inline], block: Block, *, centred: bool) -> Optional[Figure]:
    """A figure of a run holding one image and nothing else but blanks, or blanks and, after a
    line break, its caption (a caption line, or any text in a centred block)."""
    images = [node for node in run if isinstance(node, Image)]
    if len(images) != 1:
        return None
    at = run.index(images[0])
    before, rest = run[:at + 1], run[at + 1:]
    breaks = [index for index, node in enumerate(rest) if isinstance(node, LineBreak)]
    head, tail = (rest[:breaks[0]], rest[breaks[0] + 1:]) if breaks else (rest, [])
    if any(not _blank(node) for node in before[:-1] + head):
        return None
    caption = _trimmed(tail)
    if caption and not (centred or is_caption(caption, "figure")):
        return None
    image: list[Inline] = [node for node in before + head if isinstance(node, (Image, PageBreak))]
    return Figure(image, caption, block.line, block.blank_lines_before, label=images[0].label)


def _blank(node: Inline) -> bool:
    if isinstance(node, Text):
        return not node.text.strip()
    return isinstance(node, (LineBreak, PageBreak))


def _trimmed(run: list[Inline]) -> list[Inline]:
    """The run without the blank nodes and spaces it opens and ends with."""
    run = merge_text(list(run))
    while run and isinstance(run[0], (Text, LineBreak)) and _blank(run[0]):
        run.pop(0)
    while run and isinstance(run[-1], (Text, LineBreak)) and _blank(run[-1]):
        run.pop()
    if run and isinstance(run[0], Text):
        run[0] = Text(run[0].text.lstrip())
    if run and isinstance(run[-1], Text):
        run[-1] = Text(run[-1].text.rstrip())
    return run


def _alt_caption(image: list[Inline]) -> list[Inline]:
    """The image's alt text as a caption, when it is prose rather than a file name."""
    alt = next((node.alt.strip() for node in image if isinstance(node, Image)), "")
    if not alt or (FILE_NAME.match(alt) and not HAN.search(alt)):
        return []
    return [Text(alt)]
