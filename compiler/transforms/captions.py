"""Caption lines as authors write them: `图 3-1 上海市行政区划示意`, `表2.1 …`, `Figure 4: …`.

Shared by the passes that find captions (`figures`, `tables`) and the one that numbers figures
and tables (`numbering`): what a caption line looks like, and the number its author wrote at
its head. The number is kept as written (`3-1`, `2.1`, `9－2`, `三`); the layout prints it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal, Optional, cast

from ..model.nodes import Block, Centered, Inline, Paragraph, Text
from ..model.traverse import child_fields, is_span, merge_text, plain_text

Kind = Literal["figure", "table"]

# An author's number: digits (ASCII or full-width) joined by . - – — ･ or Chinese numerals.
NUMBER = r"(?:[0-9０-９]+(?:\s?[.．\-－–—·]\s?[0-9０-９]+)*|[一二三四五六七八九十〇零]+)"
WORDS = {"figure": r"(?:图|Figure|Fig\.)", "table": r"(?:表|Table)"}
# The head of a caption: the word, its number, then spaces or a colon before the text.
HEADS = {kind: re.compile(rf"^[ \u3000]*{word}[ \u3000]*({NUMBER})(?![0-9０-９])[ \u3000]*[:：.．、]?[ \u3000]*", re.I)
         for kind, word in WORDS.items()}
MAX_CAPTION = 100  # characters: a longer paragraph that opens with 图 3 is prose about the figure


def caption_head(text: str, kind: Kind) -> Optional[re.Match[str]]:
    """The caption head (`图 3-1 `) at the start of `text`, if `text` reads as a caption line of
    that kind: short, and no sentence ends inside it (`图3显示，…。其…` is prose)."""
    match = HEADS[kind].match(text)
    if match is None:
        return None
    stripped = text.strip()
    if len(stripped) > MAX_CAPTION or "。" in stripped[:-1]:
        return None
    if not match.group(1)[0].isdigit() and not text[match.end():].strip():
        return None  # `图一` alone: a word, not a caption
    return match


def is_caption(run: list[Inline], kind: Kind) -> bool:
    """Does the run read as a caption line of that kind (`图 N …`, `表 N …`)?"""
    return caption_head(plain_text(run), kind) is not None


def caption_paragraph(block: Block, kind: Kind) -> Optional[Paragraph]:
    """The caption paragraph `block` is (a paragraph, or a centred block of one paragraph), if it is one."""
    if isinstance(block, Centered) and len(block.children) == 1:
        block = block.children[0]
    if isinstance(block, Paragraph) and is_caption(block.children, kind):
        return block
    return None


def split_number(run: list[Inline], kind: Kind) -> tuple[str, list[Inline]]:
    """The number an author wrote at the caption's head (`图 2.1 各大应用` → "2.1") and the
    caption without that head; ("", run) when it has none."""
    match = caption_head(plain_text(run), kind)
    if match is None:
        return "", run
    number = match.group(1).replace(" ", "")
    return number, merge_text(_drop_chars(run, match.end()))


def _drop_chars(run: list[Inline], count: int) -> list[Inline]:
    """The run without its first `count` characters of text (spans entered, emptied spans dropped)."""
    out: list[Inline] = []
    for node in run:
        if count <= 0:
            out.append(node)
        elif isinstance(node, Text):
            out.append(Text(node.text[count:]))
            count -= min(count, len(node.text))
        elif is_span(type(node)):
            shown = len(plain_text(node))
            name = child_fields(type(node))[0].name
            inner = _drop_chars(getattr(node, name), count)
            count -= min(count, shown)
            if plain_text(inner):
                out.append(replace(cast(Any, node), **{name: merge_text(inner)}))
        else:
            out.append(node)  # not text: a caption head holds none
            count = 0
    return out
