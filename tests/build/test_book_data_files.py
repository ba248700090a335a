"""A book whose chapter reads a table from a CSV file (a `table` block) depends on that file,
as a single chapter's build does (tests/build/test_data_files.py): the book's build lists it
among its inputs, and a change to the file makes the book's build stale."""

from __future__ import annotations

from compiler.build.book import build_book
from compiler.build.options import BuildOptions

EPUB_ONLY = BuildOptions(formats=("epub",))
BOOK = 'title = "数据之书"\nchapters = ["one/chapter.md", "two.md"]\n'
CHAPTER = "# 第一章 概述\n\n正文。\n\n```table\nfile: data/gdp.csv\ncaption: 各区生产总值\n```\n"


def test_a_change_to_a_chapters_csv_file_rebuilds_the_book(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    # the chapter stands in a folder of its own: its CSV is looked for beside it, not beside book.toml
    (tmp_path / "one" / "data").mkdir(parents=True)
    csv = tmp_path / "one" / "data" / "gdp.csv"
    csv.write_text("地区,生产总值\n浦东新区,16013.4\n", encoding="utf-8")
    (tmp_path / "one" / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "two.md").write_text("# 第二章 其他\n\n正文。\n", encoding="utf-8")
    book = tmp_path / "book.toml"
    book.write_text(BOOK, encoding="utf-8")
    first = build_book(book, tmp_path / "out", EPUB_ONLY)
    assert not first.up_to_date and csv in first.inputs
    assert build_book(book, tmp_path / "out", EPUB_ONLY).up_to_date
    csv.write_text("地区,生产总值\n浦东新区,17000.0\n", encoding="utf-8")
    rebuilt = build_book(book, tmp_path / "out", EPUB_ONLY)
    assert not rebuilt.up_to_date and rebuilt.outputs["epub"].is_file()
    assert build_book(book, tmp_path / "out", EPUB_ONLY).up_to_date
