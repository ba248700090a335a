"""The build owns the up-to-date check: a library caller gets it as the command line does, and a
book's key holds the layout the book names in book.toml (not the command line's default)."""

from __future__ import annotations

import shutil

from compiler.build import build, build_book
from compiler.build.options import BuildOptions
from compiler.writers.templates import LAYOUTS_DIR
from conftest import SAMPLE

EPUB_ONLY = BuildOptions(formats=("epub",))


def test_a_library_build_is_up_to_date_when_nothing_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copy(SAMPLE, tmp_path / "chapter.txt")
    first = build(tmp_path / "chapter.txt", tmp_path / "out", EPUB_ONLY)
    again = build(tmp_path / "chapter.txt", tmp_path / "out", EPUB_ONLY)
    assert not first.up_to_date and again.up_to_date
    assert again.outputs == first.outputs and again.inputs
    forced = build(tmp_path / "chapter.txt", tmp_path / "out", BuildOptions(formats=("epub",), reuse_outputs=False))
    assert not forced.up_to_date


def test_a_change_to_the_layout_a_book_names_rebuilds_the_book(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTC_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(LAYOUTS_DIR / "yearbook", tmp_path / "house")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "one.md").write_text("# 第一章 概述\n\n正文。\n", encoding="utf-8")
    (tmp_path / "book.toml").write_text(
        f'title = "书"\nlayout = "{tmp_path / "house"}"\nchapters = ["chapters/one.md"]\n', encoding="utf-8")
    options = BuildOptions(formats=("epub",), jobs=1)
    assert not build_book(tmp_path / "book.toml", tmp_path / "out", options).up_to_date
    assert build_book(tmp_path / "book.toml", tmp_path / "out", options).up_to_date
    css = tmp_path / "house" / "epub.css"
    css.write_text(css.read_text(encoding="utf-8") + "\np { color: black; }\n", encoding="utf-8")
    rebuilt = build_book(tmp_path / "book.toml", tmp_path / "out", options)
    assert not rebuilt.up_to_date and rebuilt.outputs["epub"].is_file()
