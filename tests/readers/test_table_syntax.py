"""The reader's table syntax of issue #12: each column's alignment from the delimiter row
(`Table.align`), a caption line right under the table (`: 科技投入 {#tbl-rd}`, `Table: …`) made
its `caption` and `label`, and a ```` ```table ```` block (a CSV table) kept as a CodeBlock of
language "table" for its transform. Also the shared features chapter read as a whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text, tree_text

from helpers import TESTS, count_inline, kinds, read

TABLE = "| 地区 | 生产总值 | 增长率 | 备注 |\n|:---|---:|:---:|---|\n| 浦东 | 16,013.4 | 4.3 | 无 |\n"


def test_alignment_from_the_delimiter_row():
    doc, _ = read(f"# T\n\n{TABLE}")
    assert doc.children[0].align == ("left", "right", "center", "")


def test_a_table_without_alignment_has_none():
    doc, _ = read("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert doc.children[0].align == ()


@pytest.mark.parametrize("between", ["", "\n"])
def test_a_caption_line_after_the_table(between):
    doc, findings = read(f"# T\n\n{TABLE}{between}: 科技投入 {{#tbl-rd}}\n\n后文。\n")
    assert kinds(doc.children) == ["Table", "Paragraph"]
    table = doc.children[0]
    assert (table.caption, table.label) == ([t.Text("科技投入")], "tbl-rd")
    assert len(table.rows) == 1
    assert findings.items == []


def test_a_pandoc_table_caption_with_inline_markup_and_no_label():
    doc, _ = read(f"# T\n\n{TABLE}Table: 各区**主要**指标\n")
    table = doc.children[0]
    assert kinds(table.caption) == ["Text", "Strong", "Text"]
    assert (plain_text(table.caption), table.label) == ("各区主要指标", "")


def test_a_colon_paragraph_that_follows_no_table_stays_a_paragraph():
    doc, _ = read("# T\n\n前文。\n\n: 不是标题\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]
    assert plain_text(doc.children[1].children) == ": 不是标题"


def test_only_one_caption_per_table():
    doc, _ = read(f"# T\n\n{TABLE}\n: 标题一\n\n: 标题二\n")
    assert kinds(doc.children) == ["Table", "Paragraph"]
    assert plain_text(doc.children[0].caption) == "标题一"


def test_a_caption_label_with_digits_is_no_lost_text():
    doc, findings = read(f"# T\n\n{TABLE}: 表 {{#tbl-2023}}\n")
    assert doc.children[0].label == "tbl-2023"
    assert findings.items == []


def test_a_table_straight_after_a_paragraph_line():
    doc, _ = read(f"# T\n\n表 3-1 各区主要经济指标\n{TABLE}")
    assert kinds(doc.children) == ["Paragraph", "Table"]
    assert doc.children[1].line == 4


def test_a_csv_table_block_keeps_its_language():
    doc, _ = read("# T\n\n```table\nfile: gdp.csv\ncaption: 各区生产总值\n```\n")
    block = doc.children[0]
    assert isinstance(block, t.CodeBlock)
    assert (block.language, block.text) == ("table", "file: gdp.csv\ncaption: 各区生产总值")


# ---------------------------------------------------------------- the features chapter


@pytest.fixture(scope="module")
def features():
    path = TESTS / "fixtures" / "features" / "features.md"
    return read(Path(path).read_text(encoding="utf-8"), name="features.md")


def test_features_chapter_reads_without_findings(features):
    _, findings = features
    assert findings.items == []


def test_features_chapter_top_level_blocks(features):
    doc, _ = features
    assert [(type(b).__name__, b.line) for b in doc.children] == [
        ("Paragraph", 3), ("Heading", 5), ("Paragraph", 7), ("Paragraph", 9), ("Paragraph", 11),
        ("Paragraph", 13), ("Table", 15), ("Paragraph", 21), ("CodeBlock", 24), ("Table", 33),
        ("Callout", 39), ("Callout", 45), ("Callout", 48), ("Centered", 51), ("Heading", 56),
        ("Paragraph", 58), ("MathBlock", 60), ("Paragraph", 64), ("Footnote", 66), ("Footnote", 70),
    ]


def test_features_chapter_nodes(features):
    doc, _ = features
    blocks = doc.children
    assert [n.label for n in blocks[0].children if isinstance(n, (t.NoteRef, t.CrossRef))] == [
        "gdp", "tbl-gdp", "fig-map", "sec-method"]
    assert (blocks[1].label, plain_text(blocks[1].children)) == ("sec-overall", "总体情况")
    assert blocks[3].children[0].label == "fig-map"
    assert blocks[6].align == ("left", "right", "center")
    assert blocks[8].language == "table"
    assert (plain_text(blocks[9].caption), blocks[9].label) == ("科技投入", "tbl-rd")
    assert [(b.kind, plain_text(b.title)) for b in blocks[10:13]] == [("info", "专家点评"), ("note", ""), ("warning", "")]
    assert kinds(blocks[10].blocks) == ["Paragraph", "Paragraph"]
    assert kinds(blocks[13].children[0].children) == ["Image", "LineBreak", "Text"]
    assert blocks[13].children[0].line == 52
    assert count_inline([blocks[15]], t.Subscript) == count_inline([blocks[15]], t.Superscript) == 1
    assert [n.tex for n in blocks[15].children if isinstance(n, t.Math)] == [r"g = \frac{y_t}{y_{t-1}} - 1"]
    assert blocks[16].tex == r"\sum_{i=1}^{n} x_i = X"
    assert blocks[17].children == [t.Text("市值约 $107 亿，另有 $5 与 $6 之间的价差。")]
    assert [(n.label, kinds(n.children)) for n in blocks[18:]] == [
        ("gdp", ["Paragraph", "Paragraph"]), ("note2", ["Paragraph"])]


def test_features_chapter_keeps_every_han_character_and_digit_it_shows(features):
    doc, _ = features
    text = tree_text(doc) + plain_text(doc.title)
    for word in ("第二段说明：数据来源于统计公报。", "主要指标包括工业增加值", "部分指标口径有调整。", "图 3-3 增长率走势",
                 "专家点评", "16,013.4"):
        assert word in text


def test_a_closing_div_right_under_a_table_ends_it_as_github_does():
    """Reports wrap tables in `<div align=…>` … `</div>` with the closing tag on the next line;
    Python-Markdown read the table and its tag as one paragraph of pipes."""
    doc, _ = read('# T\n\n<div style="width: 100%">\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n</div>\n\n后文。\n')
    assert [type(block).__name__ for block in doc.children] == ["Table", "Paragraph"]
    assert [plain_text(cell) for cell in doc.children[0].rows[0]] == ["1", "2"]


def test_a_table_of_a_header_alone_has_no_rows():
    doc, _ = read("# T\n\n| ![图](a.png) |\n|---|\n</div>\n")
    table = doc.children[0]
    assert isinstance(table, t.Table) and table.rows == [] and isinstance(table.header[0][0], t.Image)
