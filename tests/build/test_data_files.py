"""A chapter whose table is read from a CSV file (a `table` block) depends on that file: the
build lists it among its inputs, and a change to the file makes the build stale."""

from __future__ import annotations

from compiler.build import build
from compiler.build.options import BuildOptions

EPUB_ONLY = BuildOptions(formats=("epub",))
CHAPTER = "# 第一章 概述\n\n正文。\n\n```table\nfile: data/gdp.csv\ncaption: 各区生产总值\n```\n"


def test_a_change_to_a_tables_csv_file_rebuilds_the_chapter(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "data").mkdir()
    csv = tmp_path / "data" / "gdp.csv"
    csv.write_text("地区,生产总值\n浦东新区,16013.4\n", encoding="utf-8")
    (tmp_path / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    first = build(tmp_path / "chapter.md", tmp_path / "out", EPUB_ONLY)
    assert not first.up_to_date and csv in first.inputs
    assert build(tmp_path / "chapter.md", tmp_path / "out", EPUB_ONLY).up_to_date
    csv.write_text("地区,生产总值\n浦东新区,17000.0\n", encoding="utf-8")
    rebuilt = build(tmp_path / "chapter.md", tmp_path / "out", EPUB_ONLY)
    assert not rebuilt.up_to_date and rebuilt.outputs["epub"].is_file()
    assert build(tmp_path / "chapter.md", tmp_path / "out", EPUB_ONLY).up_to_date
