"""Markdown read as authors saw it on GitHub: a list item that opens with bold or a link and holds
a nested list is one paragraph with its bold words, then the nested list — not a raw-HTML box
showing `<strong>…</strong>` followed by the text again without its bold words; a pipe table needs
no blank line before it."""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text, tree_text
from helpers import read

NESTED = ("# T\n\n- **入门篇**（Basics）：基础知识。\n  - **环境准备**：安装软件。\n  - **第一步**：运行。\n"
          "- [进阶篇](https://example.org/)：深入。\n  1. 甲\n  2. 乙\n\n正文。\n")


def test_an_item_opening_with_bold_before_a_nested_list_is_one_paragraph_then_the_list():
    doc, _ = read(NESTED)
    first = doc.children[0].items[0]
    assert [type(block).__name__ for block in first.children] == ["Paragraph", "BulletList"]
    opening = first.children[0].children
    assert isinstance(opening[0], t.Strong) and plain_text(opening) == "入门篇（Basics）：基础知识。"


def test_an_item_opening_with_a_link_keeps_the_link():
    doc, _ = read(NESTED)
    second = doc.children[0].items[1]
    assert isinstance(second.children[0].children[0], t.Link)
    assert plain_text(second.children[0].children) == "进阶篇：深入。"
    assert isinstance(second.children[1], t.BulletList) and second.children[1].ordered


def test_no_text_is_shown_twice_and_no_markup_is_shown():
    doc, _ = read(NESTED)
    assert not any(isinstance(block, t.RawBlock) for block in iter_blocks(doc))
    shown = tree_text(doc)
    for words in ("入门篇", "基础知识", "环境准备", "进阶篇", "深入"):
        assert shown.count(words) == 1, words


def test_a_pipe_table_right_after_a_paragraph_line_is_a_table():
    """As GitHub draws it: no blank line is needed before a pipe table."""
    doc, _ = read("# T\n\n表 1 数据如下：\n| 项目 | 数量 |\n| --- | ---: |\n| 甲 | 1 |\n\n正文。\n")
    assert [type(block).__name__ for block in doc.children] == ["Paragraph", "Table", "Paragraph"]
    assert plain_text(doc.children[0].children) == "表 1 数据如下："
    assert doc.children[1].line == 4 and [plain_text(cell) for cell in doc.children[1].rows[0]] == ["甲", "1"]


def test_a_paragraph_with_a_pipe_above_a_setext_underline_is_no_table():
    doc, _ = read("# T\n\n甲 | 乙\n---\n\n正文。\n")
    assert not any(isinstance(block, t.Table) for block in doc.children)


def test_a_block_opening_with_bold_is_placed_on_its_own_source_line():
    """The reader finds a block's line by its first words; bold markers inside them in the
    source (`- **进阶篇**：…`) do not make it fall back to the line before."""
    doc, _ = read("# T\n\n- **入门篇**：甲。\n  - **环境准备**：乙。\n  - **第一步**：丙。\n- **进阶篇**：深入。\n")
    assert [item.line for item in doc.children[0].items] == [3, 6]  # not 5, the line before
