"""Transform: a table gets the caption line above it, the notes lines under it, and its columns of figures.

* Caption: a paragraph (or a centred paragraph) that opens with `表 N` / `表N` / `Table N`
  (see `captions`) right before a table becomes its caption, unless the table has one already
  (from a `: caption` line). The caption keeps its author's `表 N` head until `numbering`.
* Notes: the paragraphs right after a table that open with `注：`, `注:`, `说明：`,
  `资料来源：`, `数据来源：` or `来源：` (one or several; one paragraph may hold several lines)
  become the table's `notes`, set under it.
* Numeric columns: a column whose body cells are all numbers (thousands separators, decimals,
  `%`, a leading minus or `−`) or empty or a placeholder (`—`, `-`, `…`), with at least one
  real number, is marked in `numeric`, for the layout to align its figures.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.nodes import Block, Document, Inline, Paragraph, Table
from ..model.traverse import plain_text
from .block_lists import map_block_lists
from .captions import caption_paragraph
from .context import PassContext

NOTE_LINE = re.compile(r"^[ \u3000]*(注|说明|资料来源|数据来源|来源)[ \u3000]*[:：]")
# A number as tables print it: sign, digits (grouped by thousands or not), decimals, percent.
NUMBER = re.compile(r"^[+\-−－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[ ]?[%‰]?$")
PLACEHOLDERS = {"", "—", "——", "-", "--", "－", "…", "……", "...", "/", "–"}


def caption_tables(doc: Document, ctx: PassContext) -> Document:
    """Give each table the caption line above it and the notes lines under it; mark its numeric columns."""
    return map_block_lists(doc, _captioned)


def _captioned(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if not isinstance(block, Table):
            out.append(block)
            index += 1
            continue
        table = block
        caption = caption_paragraph(out[-1], "table") if out else None
        if caption is not None and not table.caption:
            out.pop()
            table = replace(table, caption=list(caption.children))
        index += 1
        notes: list[Block] = []
        while index < len(blocks) and _is_note(blocks[index]):
            notes.append(blocks[index])
            index += 1
        if notes:
            table = replace(table, notes=[*table.notes, *notes])
        body = [table.header, *table.rows][table.header_rows:]  # an HTML table may have several heading rows
        numeric = numeric_columns(table.header, body)
        out.append(replace(table, numeric=numeric) if numeric != table.numeric else table)
    return out


def _is_note(block: Block) -> bool:
    return isinstance(block, Paragraph) and bool(NOTE_LINE.match(plain_text(block.children)))


def is_number(text: str) -> bool:
    """Is `text` a figure as tables print it (`16,013.4`, `-3.2%`, `−0.5`)?"""
    return bool(NUMBER.match(text.strip()))


def is_placeholder(text: str) -> bool:
    """Does `text` stand for a missing figure (empty, `—`, `-`, `…`)?"""
    return text.strip() in PLACEHOLDERS


def numeric_columns(header: list[list[Inline]], rows: list[list[list[Inline]]]) -> tuple[bool, ...]:
    """For each column: are its body cells all numbers or placeholders, with at least one number?
    () for a table without rows."""
    if not rows:
        return ()
    columns = max(len(header), *(len(row) for row in rows))
    marks = []
    for column in range(columns):
        cells = [plain_text(row[column]) if column < len(row) else "" for row in rows]
        marks.append(all(is_number(cell) or is_placeholder(cell) for cell in cells)
                     and any(is_number(cell) for cell in cells))
    return tuple(marks)
