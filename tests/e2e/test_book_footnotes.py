"""Footnotes in a book (issue #12): two chapters that both write `[^1]` (and one a note inside a
list item) have their notes numbered per chapter, their ids kept apart (`ch1-fn1`, `ch2-fn1`)
in the EPUB and in the print edition's page, each reference linking to its own chapter's note;
the EPUB passes EPUBCheck, and each chapter's notes are printed on its own pages."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from lxml import html as lxml_html

from compiler.model.text import WORD_JOINER
from conftest import XHTML, epub_documents, epubcheck_messages, pdf_text

ONE = ("# 第一章 甲\n\n甲章正文[^1]，再引一次[^1]，另一注[^b]。\n\n- 列表项[^c]\n  [^c]: 甲章列表里的注。\n\n"
       "[^1]: 甲章的第一条注。\n\n[^b]: 甲章的第二条注。\n")
TWO = "# 第二章 乙\n\n乙章正文[^1]。\n\n[^1]: 乙章的第一条注。\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from compiler.build.book import build_book
    from compiler.build.options import BuildOptions

    folder = tmp_path_factory.mktemp("notes-book")
    (folder / "one.md").write_text(ONE, encoding="utf-8")
    (folder / "two.md").write_text(TWO, encoding="utf-8")
    (folder / "book.toml").write_text('title = "注释之书"\nchapters = ["one.md", "two.md"]\n', encoding="utf-8")
    result = build_book(folder / "book.toml", folder / "out", BuildOptions(formats=("pdf", "epub", "html")))
    assert not [f for f in result.findings.items if f.level != "info"], result.findings.items
    return folder / "out"


def _chapters(epub) -> list:
    docs = epub_documents(epub)
    return [docs[name] for name in sorted(docs) if re.search(r"chapter-\d+\.xhtml$", name)]


def _text(element) -> str:
    """The element's text, without the word joiners the print page binds line-break rules with."""
    return "".join(element.itertext()).replace(WORD_JOINER, "").strip()


def test_the_epub_passes_epubcheck(book, tmp_path):
    assert epubcheck_messages(book / "book.epub", tmp_path) == []


def test_each_chapter_numbers_its_notes_from_one_and_links_each_reference_to_its_own_note(book):
    one, two = _chapters(book / "book.epub")
    shown = []
    for chapter in (one, two):
        ids = {element.get("id"): element for element in chapter.iter() if element.get("id")}
        notes = {}
        for aside in chapter.iter(f"{XHTML}aside"):
            if aside.get("role") == "doc-footnote":
                number = _text(aside.find(f"{XHTML}a"))
                notes[aside.get("id")] = (number, _text(aside.find(f"{XHTML}p")))
        refs = [(a.get("href"), _text(a)) for a in chapter.iter(f"{XHTML}a") if a.get("role") == "doc-noteref"]
        for href, number in refs:  # every reference reaches a note of its own document, of its number
            assert href.startswith("#") and href[1:] in ids and notes[href[1:]][0] == number
        shown.append((refs, notes))
    assert shown[0] == ([("#ch1-fn1", "1"), ("#ch1-fn1", "1"), ("#ch1-fn2", "2"), ("#ch1-fn3", "3")],
                        {"ch1-fn1": ("1", "甲章的第一条注。"), "ch1-fn2": ("2", "甲章的第二条注。"),
                         "ch1-fn3": ("3", "甲章列表里的注。")})
    assert shown[1] == ([("#ch2-fn1", "1")], {"ch2-fn1": ("1", "乙章的第一条注。")})


def test_ids_are_unique_across_the_whole_epub(book):
    ids = Counter(element.get("id") for doc in epub_documents(book / "book.epub").values()
                  for element in doc.iter() if element.get("id"))
    assert [ident for ident, count in ids.items() if count > 1] == []
    assert {"ch1-fn1", "ch2-fn1", "ch1-fn1-ref", "ch2-fn1-ref"} <= set(ids)


def test_the_print_page_keeps_the_notes_apart_and_links_within_it(book):
    page = lxml_html.fromstring((book / "book.html").read_text(encoding="utf-8"))
    ids = Counter(element.get("id") for element in page.iter() if element.get("id"))
    assert [ident for ident, count in ids.items() if count > 1] == []
    notes = {span.get("id"): _text(span) for span in page.xpath('//span[@class="footnote"]')}
    assert notes == {"ch1-fn1": "甲章的第一条注。", "ch1-fn2": "甲章的第二条注。", "ch1-fn3": "甲章列表里的注。",
                     "ch2-fn1": "乙章的第一条注。"}
    # the second reference to chapter one's note 1 repeats its number, linking to that note
    assert [a.get("href") for a in page.xpath('//a[@class="noteref"]')] == ["#ch1-fn1"]


def test_each_chapters_notes_are_printed_on_its_own_pages(book):
    pages = pdf_text(book / "book.pdf").split("\f")
    first = next(i for i, page in enumerate(pages) if "甲章正文" in page)
    second = next(i for i, page in enumerate(pages) if "乙章正文" in page)
    assert "甲章的第一条注" in pages[first] and "甲章列表里的注" in pages[first]
    assert "乙章的第一条注" in pages[second] and "甲章" not in pages[second]
