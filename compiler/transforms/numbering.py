"""Transform: the chapter's number, and each figure's, table's and labelled equation's number in the chapter.

The chapter's number (`Document.number`) is read from its title, conservatively: only
`第十一章` / `第11章` / `第三篇` (the numeral read with cn2an) or `Chapter 11` gives one; a title
that opens with a bare `3 ` or `3.` gives none. Figures and tables are numbered separately,
1, 2, … in document order, and each carries the chapter's number (`chapter`). Only those with a
caption, an author's number or a label are numbered: an image or a grid of figures set without
any is not a numbered figure or table (its `number` stays 0, and the layout prints no `图 N`).

A caption that opens with its author's own number (`图 2.1 各大应用…`, `表 9-2 行式…`, `图3-1`)
keeps that number as `given`, and the caption loses the head (`图 2.1 `), so the layout, which
prints `图`/`表` and the number, does not print it twice. An author's numbering that is
irregular (mixed styles, gaps) is kept as written: `given` is what the author wrote.

Display math is numbered as Quarto numbers it: only an equation given a label (`$$ … $$
{#eq-id}`) gets a number, 1, 2, … in the chapter, apart from figures and tables; the layout
prints it beside the equation (`(3-1)`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any, cast

from ..model.nodes import Block, Document, Figure, MathBlock, Table
from ..model.traverse import map_blocks, plain_text
from .captions import split_number
from .context import PassContext

CHAPTER = re.compile(r"^\s*第\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*[章篇]")
CHAPTER_EN = re.compile(r"^\s*chapter\s+([0-9]+)\b", re.I)


def chapter_number(title: str) -> str:
    """The chapter's number as its title gives it (`第十一章 …` → "11"), or ""."""
    title = unicodedata.normalize("NFKC", title)
    match = CHAPTER.match(title) or CHAPTER_EN.match(title)
    if match is None:
        return ""
    numeral = match.group(1)
    if numeral.isdigit():
        return str(int(numeral))
    value = chinese_numeral(numeral)
    return str(value) if value is not None else ""


DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral(numeral: str) -> int | None:
    """The value of a Chinese numeral below 10,000 (`十一` 11, `一百零二` 102, `二〇二三` 2023),
    or None when it is not one. Written here, not read with cn2an: importing cn2an compiles
    its patterns for 0.4 s, in every build that normalises a chapter with such a title
    (tests/transforms/test_numbering.py checks this against cn2an for every number)."""
    if all(character in DIGITS for character in numeral):  # digit by digit: 二〇二三
        return int("".join(str(DIGITS[character]) for character in numeral))
    total, digit, last_unit = 0, None, 10_000
    for character in numeral:
        if character in DIGITS:
            if digit:  # two digits running (a 零 may stand between a unit and a digit)
                return None
            digit = DIGITS[character]
        elif character in UNITS and UNITS[character] < last_unit:
            unit = UNITS[character]
            if not digit and unit != 10:
                return None  # 百 or 千 with no digit before it
            total += (digit or 1) * unit  # 十 alone is one ten: 十一, 一千零十, 一百十
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def number_figures_and_tables(doc: Document, ctx: PassContext) -> Document:
    """Set the chapter's number, and number its figures, tables and labelled equations in
    document order."""
    chapter = chapter_number(plain_text(doc.title))
    counts = {Figure: 0, Table: 0, MathBlock: 0}

    def number(block: Block) -> Block:
        if isinstance(block, MathBlock):
            if not block.label:
                return block
            counts[MathBlock] += 1
            return replace(block, number=counts[MathBlock], chapter=chapter)
        if not isinstance(block, (Figure, Table)):
            return block
        kind = type(block)
        given, caption = split_number(block.caption, "figure" if kind is Figure else "table")
        given = given or block.given
        if not (caption or given or block.label):
            return replace(cast(Any, block), number=0, chapter="") if block.number else block
        counts[kind] += 1
        return replace(cast(Any, block), number=counts[kind], chapter=chapter, given=given, caption=caption)

    return replace(map_blocks(doc, number), number=chapter)
