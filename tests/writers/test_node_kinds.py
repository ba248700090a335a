"""Every kind of node reaches every output: a template (or a writer in Python) that meets a kind it
does not handle fails here, instead of leaving the node's text out of a book.

The document below is built from the node unions themselves (`INLINE_TYPES`, `BLOCK_TYPES`): a
node type added to the model without an example here fails the first test, and one added with
an example but without markup in the layout fails the others.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from compiler.books.config import Book
from compiler.diagnostics import ReportError
from compiler.model import nodes as t
from compiler.model.text import WORD_JOINER
from compiler.model.traverse import iter_blocks, iter_inlines
from compiler.writers.epub.fonts import role_texts
from compiler.writers.html import book_context, render_book_part, render_epub_body, render_print_html
from compiler.writers.templates import LAYOUTS_DIR, load_layout

# One example of each inline kind, holding a marker the output must show (PageBreak: its label).
INLINES: dict[type, t.Inline] = {
    t.Text: t.Text("文字甲"),
    t.Strong: t.Strong([t.Text("加粗乙")]),
    t.Emphasis: t.Emphasis([t.Text("强调丙")]),
    t.Code: t.Code("代码丁"),
    t.Link: t.Link("https://example.org/", [t.Text("链接戊")]),
    t.Image: t.Image("missing.png", "图片己"),
    t.LineBreak: t.LineBreak(),
    t.RawInline: t.RawInline("<kbd>原文庚</kbd>"),
    t.RunIn: t.RunIn([t.Text("引领辛")]),
    t.PageBreak: t.PageBreak("页壬"),
    t.Superscript: t.Superscript([t.Text("上标酉")]),
    t.Subscript: t.Subscript([t.Text("下标戌")]),
    t.Underline: t.Underline([t.Text("下划亥")]),
    t.Strikethrough: t.Strikethrough([t.Text("删除甲二")]),
    t.NoteRef: t.NoteRef("n1", 1, first=True),
    t.CrossRef: t.CrossRef("sec-x", "s1", "section", children=[t.Text("交叉丁二")]),
    t.Math: t.Math(r"x + \text{数学戊二}"),
}
MARKERS = {
    t.Text: "文字甲", t.Strong: "加粗乙", t.Emphasis: "强调丙", t.Code: "代码丁", t.Link: "链接戊",
    t.Image: "图片己", t.LineBreak: None, t.RawInline: "原文庚", t.RunIn: "引领辛", t.PageBreak: "页壬",
    t.Heading: "标题癸", t.Paragraph: "段落子", t.BulletList: "列表丑", t.CodeBlock: "代码块寅",
    t.BlockQuote: "引用卯", t.ThematicBreak: None, t.Table: "表格辰", t.RawBlock: "原块巳",
    t.Callout: "专栏午", t.KeyPoints: "要点未", t.Section: "小节申",
    t.Superscript: "上标酉", t.Subscript: "下标戌", t.Underline: "下划亥", t.Strikethrough: "删除甲二",
    t.Centered: "居中乙二",
    t.NoteRef: "脚注丙二",  # the note it refers to (doc.notes): print sets it at the reference
    t.CrossRef: "交叉丁二", t.Math: "数学戊二", t.Figure: "图注庚二", t.Footnote: "脚注辛二",
    t.MathBlock: "公式壬二",
}


def _blocks() -> dict[type, t.Block]:
    return {
        t.Heading: t.Heading(3, [t.Text("标题癸")], 2),
        t.Paragraph: t.Paragraph([INLINES[kind] for kind in t.INLINE_TYPES if kind is not t.RunIn]
                                 + [t.Text("段落子")], 3, ident="p1"),
        t.BulletList: t.BulletList([t.ListItem([t.Paragraph([t.Text("列表丑")], 4, ident="p2")], 4)], 4),
        t.CodeBlock: t.CodeBlock("代码块寅", 5),
        t.BlockQuote: t.BlockQuote([t.Paragraph([t.Text("引用卯")], 6, ident="p3")], 6),
        t.ThematicBreak: t.ThematicBreak(7),
        t.Table: t.Table([[t.Text("表头")]], [[[t.Text("表格辰")]]], 8),
        t.RawBlock: t.RawBlock("<div>原块巳</div>", 9),
        t.Callout: t.Callout([t.Text("专栏午")], [t.Text("专栏正文")], 10, ident="c1"),
        t.KeyPoints: t.KeyPoints([[t.Text("要点未")]], 1),
        t.Section: t.Section(2, [t.Text("小节申")], [], 11, ident="s1"),
        t.Centered: t.Centered([t.Paragraph([t.Text("居中乙二")], 13, ident="p5")], 13),
        t.Figure: t.Figure([t.Image("missing.png", "图片")], [t.Text("图注庚二")], 14, number=1, chapter="3",
                           ident="f1"),
        # a note the footnotes transform has not moved into `Document.notes`
        t.Footnote: t.Footnote("n2", [t.Paragraph([t.Text("脚注辛二")], 15, ident="p7")], 15, ident="fn2"),
        t.MathBlock: t.MathBlock(r"\text{公式壬二} = 1", 16),
    }


def every_kind_document() -> t.Document:
    blocks = _blocks()
    run_in = t.Paragraph([INLINES[t.RunIn], t.Text("后文")], 12, ident="p4")
    section = replace(blocks[t.Section], children=[
        blocks[kind] for kind in t.BLOCK_TYPES if kind not in (t.Section, t.KeyPoints)] + [run_in])
    note = t.Footnote("n1", [t.Paragraph([t.Text("脚注丙二")], 20, ident="p6")], 20, number=1, ident="fn1")
    return t.Document([t.Text("章题")], [blocks[t.KeyPoints], section], "every.md", title_line=1, notes=[note])


def test_every_kind_of_node_has_an_example_here():
    doc = every_kind_document()
    present = {type(node) for node in iter_blocks(doc)} | {type(node) for node in iter_inlines(doc)}
    missing = [kind.__name__ for kind in (*t.INLINE_TYPES, *t.BLOCK_TYPES) if kind not in present]
    assert missing == [], "add an example of each new node type to this test"
    assert set(MARKERS) == set(t.INLINE_TYPES) | set(t.BLOCK_TYPES)


def _shown(markup: str) -> list[str]:
    """The markers of MARKERS that `markup` lacks (the print edition's word joiners aside)."""
    markup = markup.replace(WORD_JOINER, "")
    return [f"{kind.__name__}: {marker}" for kind, marker in MARKERS.items() if marker and marker not in markup]


@pytest.fixture(scope="module")
def layout():
    return load_layout("yearbook")


def test_the_print_template_shows_every_kind(layout):
    assert _shown(render_print_html(every_kind_document(), layout)) == []


def test_the_epub_template_shows_every_kind(layout):
    assert _shown(render_epub_body(every_kind_document(), layout)) == []


def test_the_book_template_shows_every_kind(layout):
    book = Book(path=Path("book.toml").resolve(), title="书", chapters=[Path("every.md")])
    html = render_book_part(book_context(book, [every_kind_document()], layout, "2026-01-01"), layout)
    assert _shown(html) == []


def test_the_epub_fonts_cover_every_kind():
    texts = role_texts(every_kind_document())
    shown = texts["serif-regular"]
    assert [f"{kind.__name__}" for kind, marker in MARKERS.items()
            if marker and kind is not t.PageBreak and marker not in shown] == []


def test_a_layout_without_markup_for_a_kind_stops_the_build_naming_it(tmp_path):
    folder = tmp_path / "partial"
    shutil.copytree(LAYOUTS_DIR / "yearbook", folder)
    blocks_j2 = folder / "blocks.j2"
    markup = blocks_j2.read_text(encoding="utf-8")
    start = markup.index('{% elif k == "codeblock" -%}')
    end = markup.index('{% elif k == "blockquote" -%}')
    blocks_j2.write_text(markup[:start] + markup[end:], encoding="utf-8")
    with pytest.raises(ReportError, match=r"blocks\.j2:\d+: the layout has no markup for a node of kind 'codeblock'"):
        render_print_html(every_kind_document(), load_layout(str(folder)))
