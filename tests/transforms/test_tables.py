"""Unit tests for compiler.transforms.tables (caption_tables), on trees built by hand and read from Markdown.

Covers: the `表 N` line before a table (plain or centred) becomes its caption, unless the table
has one; the notes lines after it (注：, 注:, 说明：, 资料来源：, 数据来源：, 来源：), one or
several, become its notes; numeric columns (thousands separators, decimals, %, minus signs,
placeholders; at least one number; text or a year-like label column is not numeric); run
again, nothing changes.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.transforms.tables import caption_tables, is_number, numeric_columns

from helpers import apply, kinds, read_apply


def para(text, line=1):
    return t.Paragraph([t.Text(text)], line)


def doc_of(*blocks):
    return t.Document([t.Text("T")], list(blocks), "t.md", title_line=1)


def cells(*texts):
    return [[t.Text(text)] if text else [] for text in texts]


def table(line=5, caption=None, rows=(("浦东", "16,013.4"), ("黄浦", "2,967.1"))):
    return t.Table(cells("地区", "总值"), [cells(*row) for row in rows], line, caption=caption or [])


def test_the_caption_line_before_a_table_becomes_its_caption():
    out = apply(doc_of(para("正文。", 1), para("表 3-1 各区主要经济指标", 3), table()), caption_tables)
    assert kinds(out.children) == ["Paragraph", "Table"]
    assert plain_text(out.children[1].caption) == "表 3-1 各区主要经济指标"


def test_a_centred_caption_line_and_table_n():
    out = apply(doc_of(t.Centered([para("Table 2 GDP", 3)], 3), table()), caption_tables)
    assert kinds(out.children) == ["Table"] and plain_text(out.children[0].caption) == "Table 2 GDP"


def test_a_table_with_a_caption_keeps_it_and_the_line_before():
    out = apply(doc_of(para("表 1 甲", 3), table(caption=[t.Text("科技投入")])), caption_tables)
    assert kinds(out.children) == ["Paragraph", "Table"]
    assert plain_text(out.children[1].caption) == "科技投入"


def test_a_paragraph_not_a_caption_stays():
    doc = doc_of(para("下表列出各区指标。", 3), table())
    assert kinds(apply(doc, caption_tables).children) == ["Paragraph", "Table"]


@pytest.mark.parametrize("lines", [
    ["注：按当年价格计算。"], ["注:按当年价格计算。"], ["说明：甲。"], ["资料来源：统计局。"],
    ["数据来源：统计局。"], ["来源：统计局。"], ["注：甲。", "资料来源：统计局。"],
])
def test_notes_lines_after_a_table_become_its_notes(lines):
    blocks = [para(text, 9 + index) for index, text in enumerate(lines)]
    out = apply(doc_of(table(), *blocks, para("正文。", 20)), caption_tables)
    assert kinds(out.children) == ["Table", "Paragraph"]
    assert [plain_text(b.children) for b in out.children[0].notes] == lines


def test_a_note_line_not_after_a_table_stays():
    doc = doc_of(para("注：甲。", 3))
    assert apply(doc, caption_tables) == doc


@pytest.mark.parametrize("text, number", [
    ("16,013.4", True), ("4.3", True), ("-3.2%", True), ("−0.5", True), ("12%", True), ("2023", True),
    ("1,23", False), ("浦东", False), ("3.2亿", False), ("", False),
])
def test_numbers(text, number):
    assert is_number(text) is number


def test_numeric_columns():
    rows = [cells("浦东", "16,013.4", "4.3%", "—", "甲"), cells("黄浦", "", "-1.2", "…", "1")]
    assert numeric_columns(cells("地区", "总值", "增长", "空", "混"), rows) == (False, True, True, False, False)
    assert numeric_columns(cells("甲"), []) == ()


def test_the_table_is_marked_numeric_and_run_again_nothing_changes():
    doc = doc_of(para("表 1 甲", 3), table(), para("注：乙。", 9))
    once = apply(doc, caption_tables)
    assert once.children[0].numeric == (False, True)
    assert apply(once, caption_tables) == once


def test_tables_inside_sections_and_callouts():
    callout = t.Callout([t.Text("框")], [], 3, kind="info", blocks=[para("表 1 甲", 4), table(5)])
    section = t.Section(2, [t.Text("节")], [table(8), para("注：乙。", 12)], 7)
    out = apply(doc_of(callout, section), caption_tables)
    assert kinds(out.children[0].blocks) == ["Table"]
    assert kinds(out.children[1].children) == ["Table"] and len(out.children[1].children[0].notes) == 1


def test_read_from_markdown():
    text = "# T\n\n表 3-1 各区\n\n| 地区 | 总值 |\n|---|---:|\n| 浦东 | 16,013.4 |\n\n注：甲。\n资料来源：乙。\n"
    doc, _ = read_apply(text, caption_tables)
    assert kinds(doc.children) == ["Table"]
    table_ = doc.children[0]
    assert plain_text(table_.caption) == "表 3-1 各区" and len(table_.notes) == 1 and table_.numeric == (False, True)
