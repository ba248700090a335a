"""Unit tests for compiler.transforms.figures (make_figures), on trees built by hand and read from Markdown.

Covers: an image alone in its paragraph becomes a figure; its caption from the caption line
after it (plain or centred, `图 N`, `图N`, `图 N-M`, `图 N.M`, `Figure N`), from the text after a
line break in its own paragraph (a caption head, or any text inside a centred block), from a
prose alt text, or none (file-name alt); a centred block holding only a figure becomes the
figure; the one-cell table around an image with a `<center>` caption; labels carried over; an
image inside prose, a paragraph that opens with 图 3 but is prose, and a paragraph of two
images stay as they are; run again, nothing changes.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.transforms.figures import make_figures

from helpers import apply, kinds, read_apply


def para(*nodes, line=1):
    return t.Paragraph([t.Text(n) if isinstance(n, str) else n for n in nodes], line)


def doc_of(*blocks):
    return t.Document([t.Text("T")], list(blocks), "t.md", title_line=1)


def img(src="a.png", alt="", label=""):
    return t.Image(src, alt, label=label)


def test_an_image_with_a_caption_line_after_it():
    out = apply(doc_of(para(img(label="fig-a"), line=3), para("图 3-1 上海市行政区划示意", line=5),
                       para("正文。", line=7)), make_figures)
    assert kinds(out.children) == ["Figure", "Paragraph"]
    figure = out.children[0]
    assert (figure.line, figure.label, plain_text(figure.caption)) == (3, "fig-a", "图 3-1 上海市行政区划示意")
    assert figure.image == [img(label="fig-a")]


@pytest.mark.parametrize("caption", ["图 1 甲", "图1 甲", "图 2-3 甲", "图 2.1 甲", "图3-1甲", "Figure 4: Foo"])
def test_caption_heads(caption):
    out = apply(doc_of(para(img(), line=3), para(caption, line=4)), make_figures)
    assert kinds(out.children) == ["Figure"] and plain_text(out.children[0].caption) == caption


def test_a_centred_caption_after_the_image():
    caption = t.Centered([para("图 2.1 各大应用", line=5)], 5)
    out = apply(doc_of(para(img(), line=3), caption), make_figures)
    assert kinds(out.children) == ["Figure"] and plain_text(out.children[0].caption) == "图 2.1 各大应用"


def test_a_caption_after_a_line_break_in_the_same_paragraph():
    out = apply(doc_of(para(img(), t.LineBreak(), "图 9-6 行式存储", line=3)), make_figures)
    assert kinds(out.children) == ["Figure"]
    assert plain_text(out.children[0].caption) == "图 9-6 行式存储"


def test_a_centred_block_holding_only_a_figure_becomes_the_figure():
    centred = t.Centered([para(img(src="chart.png"), t.LineBreak(), "\n增长率走势", line=52)], 51)
    out = apply(doc_of(centred), make_figures)
    assert kinds(out.children) == ["Figure"]
    figure = out.children[0]
    assert (figure.line, plain_text(figure.caption)) == (51, "增长率走势")


def test_a_centred_image_and_its_caption_paragraph_become_one_figure():
    centred = t.Centered([para(img(), line=4), para("图 5 甲", line=5)], 3)
    out = apply(doc_of(centred), make_figures)
    assert kinds(out.children) == ["Figure"] and plain_text(out.children[0].caption) == "图 5 甲"


def test_a_prose_alt_text_is_the_caption_when_no_line_gives_one():
    out = apply(doc_of(para(img(alt="上海市行政区划示意"), line=3), para("正文。", line=5)), make_figures)
    assert kinds(out.children) == ["Figure", "Paragraph"]
    assert out.children[0].caption == [t.Text("上海市行政区划示意")]


@pytest.mark.parametrize("alt", ["", "image001", "a.png", "IMG_2041"])
def test_a_file_name_alt_text_gives_no_caption(alt):
    out = apply(doc_of(para(img(alt=alt), line=3)), make_figures)
    assert kinds(out.children) == ["Figure"] and out.children[0].caption == []


def test_the_one_cell_table_around_an_image_with_a_centred_caption():
    table = t.Table([[img(src="x.png", alt="image001")]], [], 3)
    caption = t.Centered([para(" 图 2.1 各大应用 ", line=6)], 6)
    out = apply(doc_of(table, caption), make_figures)
    assert kinds(out.children) == ["Figure"]
    assert out.children[0].image == [img(src="x.png", alt="image001")]
    assert plain_text(out.children[0].caption) == "图 2.1 各大应用"


def test_page_markers_stay_with_the_image():
    out = apply(doc_of(para(t.PageBreak("12"), img(), " ", line=3)), make_figures)
    assert out.children[0].image == [t.PageBreak("12"), img()]


@pytest.mark.parametrize("blocks", [
    [para("如图", img(), "所示。", line=3)],
    [para(img(), img(src="b.png"), line=3)],
    [para(img(), t.LineBreak(), "这是一句说明文字。", line=3)],
    [t.Table([[t.Text("甲")]], [], 3)],
], ids=["inline", "two images", "prose after a break", "one-cell table of text"])
def test_images_in_prose_and_other_blocks_stay(blocks):
    doc = doc_of(*blocks)
    assert apply(doc, make_figures) == doc


def test_prose_that_opens_with_tu_is_not_a_caption():
    prose = para("图3显示，各区增长较快。其中浦东新区最快。", line=5)
    out = apply(doc_of(para(img(), line=3), prose), make_figures)
    assert kinds(out.children) == ["Figure", "Paragraph"] and out.children[0].caption == []


def test_figures_inside_sections_quotes_and_list_items():
    item = t.ListItem([para(img(), line=4), para("图 1 甲", line=5)], 4)
    quote = t.BlockQuote([para(img(), line=7)], 7)
    section = t.Section(2, [t.Text("节")], [para(img(), line=10)], 9)
    out = apply(doc_of(t.BulletList([item], 4), quote, section), make_figures)
    assert kinds(out.children[0].items[0].children) == ["Figure"]
    assert kinds(out.children[1].children) == ["Figure"]
    assert kinds(out.children[2].children) == ["Figure"]


def test_run_again_nothing_changes():
    doc = doc_of(para(img(), line=3), para("图 1 甲", line=4), para("图 2 乙", line=5),
                 t.Centered([para(img(), t.LineBreak(), "丙", line=7)], 7))
    once = apply(doc, make_figures)
    assert apply(once, make_figures) == once
    assert kinds(once.children) == ["Figure", "Paragraph", "Figure"]


def test_read_from_markdown():
    doc, findings = read_apply("# T\n\n![](a.png)\n\n图 3-1 示意\n\n正文有![](b.png)图。\n", make_figures)
    assert kinds(doc.children) == ["Figure", "Paragraph"]
    assert plain_text(doc.children[0].caption) == "图 3-1 示意"
