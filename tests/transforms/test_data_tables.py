"""Unit tests for compiler.transforms.data_tables (read_data_tables): a `table` code block read from a CSV file.

Covers: the features fixture's block (header units, one format for all, numeric columns right
aligned, caption, label, data_file as written); numbers without a format keep their decimals and
get thousands separators; per-column format and alignment; percent cells; placeholders; a year
column; GB18030 files; the file found beside `doc.source_name` when the context gives no
folder; errors (missing file, unknown key, unknown column, bad alignment, bad format, no file
line, invalid bytes) leave the code block and are error findings at its line; other code blocks
stay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.diagnostics import Findings
from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.transforms import PassContext
from compiler.transforms.data_tables import read_data_tables

from helpers import TESTS, messages

FEATURES = TESTS / "fixtures" / "features"


def run(spec: str, folder: Path, csv: str | bytes | None = None, name: str = "data.csv"):
    if csv is not None:
        (folder / name).write_bytes(csv.encode("utf-8") if isinstance(csv, str) else csv)
    doc = t.Document([t.Text("T")], [t.CodeBlock(spec, 7, "table")], "t.md", title_line=1)
    findings = Findings("t.md")
    return read_data_tables(doc, PassContext(findings, folder)), findings


def texts(table: t.Table):
    return [plain_text(c) for c in table.header], [[plain_text(c) for c in row] for row in table.rows]


def test_the_features_block():
    spec = "file: gdp.csv\ncaption: 各区生产总值与人口\nlabel: tbl-gdp\nformat: ,.1f\nunit 生产总值: 亿元\nunit 常住人口: 万人"
    out, findings = run(spec, FEATURES)
    assert findings.items == []
    table = out.children[0]
    header, rows = texts(table)
    assert header == ["地区", "生产总值（亿元）", "增长率", "常住人口（万人）"]
    assert rows[0] == ["浦东新区", "16,013.4", "4.3", "578.2"]
    assert rows[3] == ["长宁区", "1,990.5", "3.8", "69.3"]  # rounded half up
    assert table.numeric == (False, True, True, True) and table.align == ("", "right", "right", "right")
    assert (plain_text(table.caption), table.label, table.data_file, table.line) == (
        "各区生产总值与人口", "tbl-gdp", "gdp.csv", 7)


def test_without_a_format_numbers_keep_their_decimals(tmp_path):
    out, _ = run("file: data.csv", tmp_path, "地区,值,率\n甲,16013.40,−1.5%\n乙,—,12\n")
    _, rows = texts(out.children[0])
    assert rows == [["甲", "16,013.40", "−1.5%"], ["乙", "—", "12"]]
    assert out.children[0].caption == [] and out.children[0].numeric == (False, True, True)


def test_column_formats_and_alignment(tmp_path):
    spec = "file: data.csv\nformat: .0f\nformat 率: .2f\nalign 地区: center\n# a comment\n\n"
    out, findings = run(spec, tmp_path, "地区,值,率\n甲,2.5,1.5\n")
    assert findings.items == []
    assert texts(out.children[0])[1] == [["甲", "3", "1.50"]]
    assert out.children[0].align == ("center", "right", "right")


def test_a_year_column_is_left_as_written(tmp_path):
    out, _ = run("file: data.csv", tmp_path, "年份,值\n2023,12345\n")
    assert texts(out.children[0])[1] == [["2023", "12,345"]]
    assert out.children[0].numeric == (False, True)


def test_a_gb18030_file_and_a_bom(tmp_path):
    out, findings = run("file: data.csv", tmp_path, "地区,值\n浦东,1\n".encode("gb18030"))
    assert findings.items == [] and texts(out.children[0])[0] == ["地区", "值"]
    out, _ = run("file: data.csv", tmp_path, "\ufeff地区,值\n浦东,1\n")
    assert texts(out.children[0])[0] == ["地区", "值"]


def test_the_file_is_looked_for_beside_the_source(tmp_path):
    shutil.copy(FEATURES / "gdp.csv", tmp_path / "gdp.csv")
    doc = t.Document([t.Text("T")], [t.CodeBlock("file: gdp.csv", 3, "table")], str(tmp_path / "c.md"))
    out = read_data_tables(doc, PassContext(Findings("c.md")))
    assert isinstance(out.children[0], t.Table)


@pytest.mark.parametrize("spec, csv, message", [
    ("file: none.csv", None, "table block: data file 'none.csv' not found"),
    ("file: data.csv\ncolour: red", "a,b\n1,2\n", "table block: unknown key 'colour' (known: file, caption, label, "
                                                   "format, format <column>, unit <column>, align <column>)"),
    ("caption: 甲", None, "table block: no 'file:' line names the CSV file"),
    ("file: data.csv\nunit 丙: 元", "甲,乙\n1,2\n", "table block: no column named '丙' in 'data.csv' (its columns: 甲, 乙)"),
    ("file: data.csv\nalign 甲: middle", "甲,乙\n1,2\n", "table block: align 甲: 'middle' is none of left, right, center"),
    ("file: data.csv\nformat: .1q", "甲,乙\n1,2\n", "table block: format '.1q' cannot format '1' in column '甲'"),
    ("file: data.csv", "", "table block: data file 'data.csv' holds no rows"),
    ("file: data.csv", b"\xff\xfe\x00\xd8\x00", "table block: data file 'data.csv' is neither UTF-8 nor GB18030 text"),
    ("file data.csv", None, "table block: 'file data.csv' is not a 'key: value' line"),
], ids=["missing", "unknown key", "no file", "unknown column", "bad align", "bad format", "empty", "bytes", "no colon"])
def test_errors_leave_the_code_block(tmp_path, spec, csv, message):
    out, findings = run(spec, tmp_path, csv)
    assert out.children == [t.CodeBlock(spec, 7, "table")]
    assert [(line, level) for line, level, _ in messages(findings)] == [(7, "error")]
    assert messages(findings)[0][2].startswith(message)


def test_other_code_blocks_stay(tmp_path):
    doc = t.Document([t.Text("T")], [t.CodeBlock("file: x.csv", 3, "yaml")], "t.md")
    assert read_data_tables(doc, PassContext(Findings("t.md"), tmp_path)) == doc


def test_run_again_nothing_changes():
    once, _ = run("file: gdp.csv\nformat: ,.1f", FEATURES)
    findings = Findings("t.md")
    assert read_data_tables(once, PassContext(findings, FEATURES)) == once and findings.items == []
