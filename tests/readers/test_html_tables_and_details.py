"""HTML tables (merged cells, several heading rows) and `<details>` read into the tree's nodes.

Statistical reports exported from Word or written for GitHub carry their two-level headed tables
as HTML (`rowspan`, `colspan`), which Markdown's pipe tables cannot say; FAQ-like sections use
`<details><summary>`. Both used to print as escaped code, one grey box per tag.
"""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from compiler.build import build
from compiler.build.options import BuildOptions
from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.writers.templates import DrawnCell, table_rows
from compiler.transforms.tables import caption_tables
from helpers import read, read_apply

TWO_LEVEL = """<table>
  <caption>表 1 各区生产总值</caption>
  <thead>
    <tr><th rowspan="2">地区</th><th colspan="2">生产总值（亿元）</th></tr>
    <tr><th>2022年</th><th>2023年</th></tr>
  </thead>
  <tbody>
    <tr><td>东城区</td><td align="right">3,000.5</td><td style="text-align: right; color: red">3,200.1</td></tr>
    <tr><td rowspan="2">西城区</td><td>5,000</td><td>5,300</td></tr>
    <tr><td>—</td><td>2</td></tr>
  </tbody>
</table>"""


def _only(source: str) -> t.Block:
    doc, findings = read(f"# T\n\n{source}\n")
    assert [f.message for f in findings.items if f.message.startswith("HTML ")] == []
    assert len(doc.children) == 1, doc.children
    return doc.children[0]


def _cell_text(cell: list[t.Inline]) -> str:
    return "".join("\n" if isinstance(node, t.LineBreak) else plain_text([node]) for node in cell)


def _texts(rows) -> list[list[str]]:
    return [[plain_text(cell) for cell in row] for row in rows]


def test_a_two_level_header_with_merged_cells_is_a_table_on_a_grid():
    table = _only(TWO_LEVEL)
    assert isinstance(table, t.Table)
    assert plain_text(table.caption) == "表 1 各区生产总值"
    assert _texts([table.header, *table.rows]) == [
        ["地区", "生产总值（亿元）", ""], ["", "2022年", "2023年"],
        ["东城区", "3,000.5", "3,200.1"], ["西城区", "5,000", "5,300"], ["", "—", "2"]]
    assert table.header_rows == 2
    assert table.merged == ((0, 0, 2, 1), (0, 1, 1, 2), (3, 0, 2, 1))
    assert table.align == ("", "right", "right")


def test_the_columns_of_figures_are_found_below_the_heading_rows():
    doc, _ = read_apply(f"# T\n\n{TWO_LEVEL}\n", caption_tables)
    assert doc.children[0].numeric == (False, True, True)  # 2022年 in the second heading row is no figure


def test_the_rows_drawn_leave_out_the_cells_a_merged_cell_covers():
    table = _only(TWO_LEVEL)
    drawn = [(heading, [(plain_text(c.content), c.column, c.rows, c.columns) for c in cells])
             for heading, cells in table_rows(table)]
    assert drawn == [
        (True, [("地区", 0, 2, 1), ("生产总值（亿元）", 1, 1, 2)]),
        (True, [("2022年", 1, 1, 1), ("2023年", 2, 1, 1)]),
        (False, [("东城区", 0, 1, 1), ("3,000.5", 1, 1, 1), ("3,200.1", 2, 1, 1)]),
        (False, [("西城区", 0, 2, 1), ("5,000", 1, 1, 1), ("5,300", 2, 1, 1)]),
        (False, [("—", 1, 1, 1), ("2", 2, 1, 1)]),
    ]


def test_a_markdown_table_is_drawn_as_before():
    doc, _ = read("# T\n\n| 甲 | 乙 |\n|---|--:|\n| 1 | 2 |\n")
    table = doc.children[0]
    assert table.header_rows == 1 and table.merged == ()
    assert [heading for heading, _ in table_rows(table)] == [True, False]
    assert table_rows(table)[1][1] == [DrawnCell([t.Text("1")], 0), DrawnCell([t.Text("2")], 1)]


@pytest.mark.parametrize(("markup", "grid", "merged"), [
    # rows right under <table>, the first of th only: one heading row
    ("<table><tr><th>甲</th><th>乙</th></tr><tr><td>1</td><td>2</td></tr></table>",
     [["甲", "乙"], ["1", "2"]], ()),
    # a rowspan past the last row is cut at it, rowspan="0" spans to the end, a bad value is 1
    ('<table><tr><td rowspan="9">甲</td><td>1</td></tr><tr><td>2</td></tr></table>',
     [["甲", "1"], ["", "2"]], ((0, 0, 2, 1),)),
    ('<table><tr><td rowspan="0">甲</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>',
     [["甲", "1"], ["", "2"], ["", "3"]], ((0, 0, 3, 1),)),
    ('<table><tr><td colspan="x">甲</td><td>1</td></tr></table>', [["甲", "1"]], ()),
    # a short row is padded; a cell's paragraphs and breaks are kept as line breaks
    ("<table><tr><td>甲</td><td>乙</td></tr><tr><td><p>一</p><p>二<br>三</p></td></tr></table>",
     [["甲", "乙"], ["一\n二\n三", ""]], ()),
])
def test_html_tables_as_browsers_lay_them_out(markup, grid, merged):
    table = _only(markup)
    assert [[_cell_text(cell) for cell in row] for row in [table.header, *table.rows]] == grid
    assert table.merged == merged


def test_a_colspan_larger_than_htmls_limit_counts_as_the_limit():
    table = _only('<table><tr><td colspan="100000">甲</td></tr></table>')
    assert len(table.header) == 1000 and table.merged == ((0, 0, 1, 1000),)


def test_details_with_its_summary_is_a_callout_of_kind_details():
    callout = _only("<details><summary>常见问题 <b>一</b></summary>回答<b>甲</b>。</details>")
    assert isinstance(callout, t.Callout) and callout.kind == "details"
    assert callout.title == [t.Text("常见问题 "), t.Strong([t.Text("一")])]
    assert callout.blocks == [t.Paragraph([t.Text("回答"), t.Strong([t.Text("甲")]), t.Text("。")], 3)]


def test_a_details_line_standing_alone_wraps_the_markdown_up_to_its_closing_tag():
    doc, findings = read("# T\n\n<details>\n<summary>展开说明</summary>\n\n这里是**说明**。\n\n- 一\n- 二\n\n"
                         "</details>\n\n后文。\n")
    assert [type(block) for block in doc.children] == [t.Callout, t.Paragraph]
    callout = doc.children[0]
    assert callout.kind == "details" and plain_text(callout.title) == "展开说明" and callout.line == 3
    assert [type(block) for block in callout.blocks] == [t.Paragraph, t.BulletList]
    assert [f for f in findings.items if f.message.startswith("HTML ")] == []


def test_details_without_a_summary_is_an_untitled_callout():
    callout = _only("<details>内容。</details>")
    assert isinstance(callout, t.Callout) and callout.title == [] and callout.kind == "details"


def _epub_body(tmp_path, source: str) -> tuple[str, str]:
    chapter = tmp_path / "c.md"
    chapter.write_text(source, encoding="utf-8")
    build(chapter, tmp_path / "out", BuildOptions(formats=("epub", "html", "pdf")))
    with zipfile.ZipFile(tmp_path / "out" / "c.epub") as archive:
        body = archive.read("EPUB/chapter.xhtml").decode("utf-8")
    return body, (tmp_path / "out" / "c.html").read_text(encoding="utf-8")


def test_both_outputs_draw_the_spans_and_nothing_of_the_markup(tmp_path):
    epub, print_html = _epub_body(tmp_path, f"# 标题\n\n{TWO_LEVEL}\n\n<details><summary>问</summary>答。</details>\n")
    for output in (epub, print_html):
        body = output.split("<body", 1)[1].replace("\u2060", "")  # the print HTML's word joiners
        assert '<th scope="col" rowspan="2">地区</th><th scope="colgroup" colspan="2"' in body
        assert '<td id="t1-2-1" rowspan="2">西城区</td>' in body
        assert "&lt;" not in body and "style=" not in body and "color: red" not in body
        assert 'class="callout callout-details"' in body and ">问</p>" in body
    text = subprocess.run(["pdftotext", str(tmp_path / "out" / "c.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for word in ("地区", "生产总值", "2023", "西城区", "5,300", "问", "答。"):
        assert word in text
    assert "<t" not in text and "details" not in text
