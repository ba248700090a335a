"""A chapter's page numbers drawn apart from its body, and stamped anew from a stand-in without
laying the chapter out again — or refused, when the stand-in would not number it as a new
layout would (compiler.writers.print.page_stamps)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES

from compiler.build.options import BuildOptions
from compiler.resources import LAYOUTS_DIR as LAYOUTS

PAGE = "@page { size: A6; margin: 20mm; @bottom-center { content: counter(page) } }"


def _render(html: str):
    from weasyprint import HTML

    from compiler.writers.print.pdf import RenderedPages

    document = HTML(string=html)
    return RenderedPages(document.render(), document.etree_element)


def _numbers_of(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # without spaces: with reportc's patches installed, a Latin digit among Han characters is
    # set apart by a quarter em, which pdftotext reads as a space
    return ["".join(page.split()) for page in text.split("\f")[:-1]]


def _apart(html: str):
    from compiler.weasyprint_patches.page_numbers import numbered_on, numbers_apart

    with numbered_on(lambda count: 0) as numbering:
        document, _ = _render(html)
    return numbers_apart(document, numbering)


def _chapter(style: str, pages: int) -> str:
    paragraphs = "".join(f'<p style="break-before: page">第{n}页正文</p>' for n in range(pages))
    return f"<html><head><style>{PAGE}{style}</style></head><body><section style='break-before: right'>{paragraphs}" \
           "</section></body></html>"


def test_the_numbers_are_drawn_apart_from_the_body_on_as_many_pages(tmp_path):
    from compiler.writers.print.pdf import write_pdf

    apart = _apart(_chapter("", 3))
    assert apart is not None and len(apart.page_types) == 3
    write_pdf(apart.body, tmp_path / "body.pdf", identifier=None)
    write_pdf(apart.numbers, tmp_path / "numbers.pdf", identifier=None)
    assert _numbers_of(tmp_path / "numbers.pdf") == ["1", "2", "3"]
    assert _numbers_of(tmp_path / "body.pdf") == ["第0页正文", "第1页正文", "第2页正文"]  # no number left in the body


def test_numbers_beside_a_running_head_or_a_counter_the_document_sets_cannot_be_drawn_apart():
    assert _apart(_chapter("@page { @bottom-center { content: string(head) ' ' counter(page) } }", 2)) is None
    assert _apart(_chapter("@page { @bottom-center { content: counter(page) ' / ' counter(pages) } }", 2)) is None
    assert _apart(_chapter("@page :nth(2) { counter-reset: page 9 }", 3)) is None
    # a box beside the number on its edge: WeasyPrint shares the edge's width between them
    assert _apart(_chapter("@page { @bottom-left { content: 'head' } }", 2)) is None
    assert _apart(_chapter("@page { @top-left { content: 'head' } }", 2)) is not None  # another edge
    # fixed text around the number is no obstacle
    assert _apart(_chapter("@page { @bottom-center { content: '第' counter(page) '页' } }", 2)) is not None


def test_chapters_are_numbered_anew_from_one_stand_in(tmp_path):
    from compiler.writers.print.page_stamps import Renumbering, stamp_numbers

    named = "section { page: chapter } .wide { page: landscape } @page landscape { size: A6 landscape }"
    first = _chapter(named, 3)
    second = first.replace("<p style=\"break-before: page\">第1页正文</p>", "<p class='wide'>横排</p>").replace(
        "</section>", "<p style='break-before: right'>右页</p></section>")
    chapters = []
    for number, (html, first_page) in enumerate([(first, 41), (second, 7)]):
        apart = _apart(html)
        assert apart is not None
        chapters.append(Renumbering(html, apart.page_types, "right", first_page, tmp_path / f"{number}.pdf"))
    assert any(blank for _, blank, _, _ in chapters[1].page_types)  # a blank page before the right-hand one
    assert {name for _, _, name, _ in chapters[1].page_types} == {"chapter", "landscape"}
    faces = stamp_numbers(chapters, _render)
    assert all(face is not None for face in faces)
    assert _numbers_of(tmp_path / "0.pdf") == ["41", "42", "43"]
    assert _numbers_of(tmp_path / "1.pdf") == [str(n) for n in range(7, 7 + len(chapters[1].page_types))]


def test_a_chapter_whose_pages_a_stand_in_cannot_reproduce_is_refused(tmp_path):
    from compiler.writers.print.page_stamps import Renumbering, stamp_numbers

    html = _chapter("", 1)
    # a trailing blank page: a stand-in makes blank pages only before a page that breaks to a side
    types = [["right", False, "", []], ["left", True, "", []]]
    assert stamp_numbers([Renumbering(html, types, "right", 5, tmp_path / "n.pdf")], _render) == [None]
    assert not (tmp_path / "n.pdf").exists()


def test_a_chapter_whose_opening_page_a_first_page_rule_numbers_otherwise_is_refused(tmp_path):
    """In the stand-in only the first chapter opens the document; an `@page :first` rule that
    hides the number would not apply to the others' opening pages, so they are laid out again."""
    from compiler.writers.print.page_stamps import Renumbering, stamp_numbers

    html = _chapter("@page :first { @bottom-center { content: none } }", 2)
    apart = _apart(html)
    assert apart is not None
    chapters = [Renumbering(html, apart.page_types, "right", first, tmp_path / f"{first}.pdf") for first in (1, 3)]
    faces = stamp_numbers(chapters, _render)
    assert faces[0] is not None and faces[1] is None
    assert _numbers_of(tmp_path / "1.pdf") == ["", "2"]
    # a :first rule that leaves the numbers alone (the yearbook's hides only its running heads)
    html = _chapter("@page { @top-center { content: 'head' } } @page :first { @top-center { content: none } }", 2)
    apart = _apart(html)
    assert apart is not None
    chapters = [Renumbering(html, apart.page_types, "right", first, tmp_path / f"b{first}.pdf") for first in (1, 3)]
    assert None not in stamp_numbers(chapters, _render)
    assert _numbers_of(tmp_path / "b3.pdf") == ["3", "4"]


def test_a_layout_whose_numbers_share_a_box_with_the_running_head_lays_later_chapters_out_again(tmp_path):
    """The fallback, end to end: nothing to stamp, so the chapters whose numbers move are laid
    out again, and the book still prints the numbers of one laid out whole."""
    from compiler.build import build_book

    layout = tmp_path / "layout"
    shutil.copytree(LAYOUTS / "yearbook", layout)
    css = layout / "print.css"
    css.write_text(css.read_text(encoding="utf-8").replace(
        "@bottom-right { content: counter(page); }", "@bottom-right { content: string(chapter) ' ' counter(page); }"),
        encoding="utf-8")
    folder = tmp_path / "book"
    folder.mkdir()
    names = []
    for number, chapter in enumerate(["chapters/beijing_qu_xian.txt", "chapters/hunan_shi_zhou.txt",
                                      "chapters/jiangsu_xian_shi.txt"], start=1):
        shutil.copyfile(FIXTURES / chapter, folder / f"{number}.txt")
        names.append(f'"{number}.txt"')
    (folder / "book.toml").write_text(f'title = "测试"\nlayout = "{layout}"\nchapters = [{", ".join(names)}]\n',
                                      encoding="utf-8")
    out = tmp_path / "out"
    build_book(folder / "book.toml", out, BuildOptions(jobs=1, reuse_outputs=False))
    first = folder / "1.txt"
    paragraph = "各区县围绕年度目标扎实推进各项工作，全年完成重点项目一百二十项，同比增长百分之十二。" * 6
    first.write_text(first.read_text(encoding="utf-8") + "\n\n" + "\n\n".join([paragraph] * 12) + "\n",
                     encoding="utf-8")
    assert build_book(folder / "book.toml", out, BuildOptions(jobs=1, reuse_outputs=False)).paginated == [0, 1, 2]
    whole = tmp_path / "whole"
    build_book(folder / "book.toml", whole, BuildOptions(paginate_apart=False))
    assert _numbers_of(out / "book.pdf") == _numbers_of(whole / "book.pdf")


def test_a_chapter_whose_numbers_can_be_stamped_does_not_wait_for_the_chapters_before_it(tmp_path, monkeypatch):
    """A process lays the next chapter out rather than wait for the page counts before this
    one; a layout whose numbers cannot be drawn apart waits (its first chapter is laid out again,
    waiting; the later ones wait at once)."""
    from compiler.model.nodes import Document
    from compiler.writers.print import paginate_book
    from compiler.writers.print.paginate_book import ChapterTask, lay_out_chapter

    monkeypatch.setattr(paginate_book, "_numbers_in_body", set())  # what this test's process learns stays here
    asked: list[tuple[int, bool]] = []

    def first_page_when_known(count: int, wait: bool) -> int:
        asked.append((count, wait))
        return 41 if wait else 1

    def task(html: str, number: int) -> ChapterTask:
        return ChapterTask(number, html, Document(title=[], children=[]), tmp_path, [tmp_path], tmp_path / f"{number}.pdf")

    chapter = lay_out_chapter(task(_chapter("", 2), 3), first_page_when_known)
    assert asked == [(2, False)] and chapter.first_page == 1 and chapter.page_types is not None
    assert _numbers_of(tmp_path / "3.numbers.pdf") == ["1", "2"]

    asked.clear()
    beside_head = _chapter("@page { @bottom-center { content: string(head) ' ' counter(page) } }", 2)
    chapter = lay_out_chapter(task(beside_head, 4), first_page_when_known)
    assert asked == [(2, False), (2, True)] and chapter.first_page == 41 and chapter.page_types is None
    assert not (tmp_path / "4.numbers.pdf").exists()
    assert _numbers_of(tmp_path / "4.pdf") == ["第0页正文41", "第1页正文42"]
    asked.clear()
    lay_out_chapter(task(beside_head, 5), first_page_when_known)
    assert asked == [(2, True)]


def test_chapters_of_other_stylesheets_are_numbered_each_on_a_stand_in_of_its_own(tmp_path):
    import pdfplumber

    from compiler.weasyprint_patches.page_numbers import numbered_on, numbers_apart
    from compiler.writers.print.page_stamps import Renumbering, stamp_numbers
    from compiler.writers.print.pdf import write_pdf

    centred = _chapter("", 2)
    at_the_right = _chapter("@page { @bottom-center { content: none } @bottom-right { content: counter(page) } }", 2)
    chapters = []
    for number, (html, first_page) in enumerate([(centred, 1), (at_the_right, 3)]):
        apart = _apart(html)
        assert apart is not None
        chapters.append(Renumbering(html, apart.page_types, "right", first_page, tmp_path / f"{number}.pdf"))
    assert None not in stamp_numbers(chapters, _render)
    with numbered_on(lambda count: 2) as numbering:  # the second chapter laid out at its place
        document, _ = _render(at_the_right)
    own = numbers_apart(document, numbering)
    assert own is not None
    write_pdf(own.numbers, tmp_path / "own.pdf", identifier=None)

    def places(pdf: Path) -> list[tuple[str, float]]:
        with pdfplumber.open(pdf) as opened:
            return [(char["text"], round(char["x0"], 2)) for page in opened.pages for char in page.chars]

    assert [text for text, _ in places(tmp_path / "own.pdf")] == ["3", "4"]
    assert places(tmp_path / "1.pdf") == places(tmp_path / "own.pdf")  # at the right, where its own layout has them
