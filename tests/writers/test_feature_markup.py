"""The markup of footnotes, figures, captioned and aligned tables, cross-references, callouts by
kind and math, in both outputs, from small trees built by hand and rendered through the yearbook
layout: what each kind gets is written out here, not derived from the templates."""

from __future__ import annotations

import base64
import shutil

import pytest
from lxml import etree
from lxml import html as lxml_html

from compiler.model import nodes as t
from compiler.model.text import WORD_JOINER
from compiler.writers.anchors import anchors, inline_targets, leading_runs
from compiler.writers.html import render_epub_body, render_print_html
from compiler.writers.math import math_svg, mathml, tex_to_mathml
from compiler.writers.templates import LAYOUTS_DIR, load_layout, table_width, text_width

T = t.Text
EPUB_NS = "http://www.idpf.org/2007/ops"


@pytest.fixture(scope="module")
def layout():
    return load_layout("yearbook")


def para(ident: str, *children: t.Inline) -> t.Paragraph:
    return t.Paragraph(list(children), 2, ident=ident)


def chapter(*blocks: t.Block, notes: list[t.Footnote] | None = None) -> t.Document:
    return t.Document([T("第三章　测试")], [t.Section(2, [T("一节")], list(blocks), 2, ident="s1")], "x.md",
                      title_line=1, notes=notes or [], number="3")


def print_tree(doc: t.Document, layout) -> etree._Element:
    return lxml_html.fromstring(render_print_html(doc, layout).replace(WORD_JOINER, ""))


def epub_tree(doc: t.Document, layout) -> etree._Element:
    """The EPUB body parsed as XML, as reading systems and EPUBCheck read it; elements by their
    local names (`math`, not `{…MathML}math`), attributes as they are (`epub:type`)."""
    body = render_epub_body(doc, layout)
    root = etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="{EPUB_NS}">{body}</div>')
    for element in root.iter():
        element.tag = etree.QName(element).localname
    return root


def text(element: etree._Element) -> str:
    return "".join(element.itertext()).replace(WORD_JOINER, "")


def xp(tree: etree._Element, path: str) -> list:
    return tree.xpath(path)


# ---------------------------------------------------------------- figures and numbers


def figure(**fields) -> t.Figure:
    return t.Figure([t.Image("map.png", "地图", file="map.png")], [T("上海市行政区划示意")], 3, ident="f1", **fields)


@pytest.mark.parametrize("fields, label", [
    ({"number": 1, "chapter": "3"}, "图 3-1"),
    ({"number": 2}, "图 2"),
    ({"number": 1, "chapter": "3", "given": "2.1"}, "图 2.1"),  # the author's own number wins
    ({}, None),  # number 0: not numbered
])
@pytest.mark.parametrize("render", [print_tree, epub_tree])
def test_a_figure_is_its_image_and_a_numbered_caption(layout, fields, label, render):
    tree = render(chapter(figure(**fields)), layout)
    [fig] = xp(tree, "//figure")
    assert fig.get("id") == "f1"
    assert xp(fig, ".//img/@src") == ["map.png"]
    [caption] = xp(fig, "./figcaption")
    expected = f"{label}\u3000上海市行政区划示意" if label else "上海市行政区划示意"
    assert text(caption) == expected
    assert xp(caption, ".//span[@id='f1-c']") and text(xp(caption, ".//span[@id='f1-c']")[0]) == "上海市行政区划示意"


def test_a_figure_caption_and_image_are_kept_together_and_sized_to_the_page():
    css = (LAYOUTS_DIR / "yearbook" / "print.css").read_text(encoding="utf-8")
    assert "figure.figure { margin: 0.9em 0; break-inside: avoid;" in css
    assert ".figure-image img { max-width: 100%; max-height: 200mm;" in css


# ---------------------------------------------------------------- tables


def gdp_table(**fields) -> t.Table:
    return t.Table(
        [[T("地区")], [T("生产总值（亿元）")], [T("增长率（%）")]],
        [[[T("浦东新区")], [T("16,013.4")], [T("4.3")]], [[T("黄浦区")], [T("2,967.1")], [T("5.1")]]], 3,
        align=("left", "", "center"), numeric=(False, True, True), caption=[T("各区主要经济指标")],
        notes=[para("p9", T("注：生产总值按当年价格计算。")), para("p10", T("资料来源：上海市统计局。"))],
        number=1, chapter="3", ident="t1", **fields)


@pytest.mark.parametrize("render", [print_tree, epub_tree])
def test_a_table_has_its_caption_above_aligned_cells_and_notes_under_it(layout, render):
    tree = render(chapter(gdp_table()), layout)
    [block] = xp(tree, "//div[@id='t1']")
    assert block.get("class") == "table-block"
    [caption] = xp(block, "./table/caption")
    assert text(caption) == "表 3-1\u3000各区主要经济指标"
    assert [th.get("class") for th in xp(block, ".//thead/tr/th")] == ["align-left", "num", "align-center num"]
    assert [th.get("scope") for th in xp(block, ".//thead/tr/th")] == ["col"] * 3
    first_row = xp(block, ".//tbody/tr")[0]
    assert [(td.get("id"), td.get("class"), text(td)) for td in xp(first_row, "./td")] == [
        ("t1-1-1", "align-left", "浦东新区"), ("t1-1-2", "num", "16,013.4"), ("t1-1-3", "align-center num", "4.3")]
    [notes] = xp(block, "./div[@class='table-notes']")
    assert [text(p) for p in xp(notes, "./p")] == ["注：生产总值按当年价格计算。", "资料来源：上海市统计局。"]


def test_numeric_cells_are_right_aligned_in_tabular_digits_and_long_words_wrap():
    css = (LAYOUTS_DIR / "yearbook" / "print.css").read_text(encoding="utf-8")
    assert "th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }" in css
    assert "th, td { overflow-wrap: anywhere;" in css
    assert "@page landscape { size: A4 landscape; }" in css


def test_the_width_estimate_counts_han_as_one_em_and_latin_as_a_little_over_half():
    assert text_width("浦东新区") == 4
    assert text_width("16,013.4") == pytest.approx(8 * 0.55)
    # each column: its widest cell, plus padding
    assert table_width(gdp_table(), padding=1.0, wrap=100) == pytest.approx(4 + 8 + (3 + 2 + 0.55) + 3)
    # a long cell of Han text may wrap: counted as `wrap` em; a long Latin word may not
    long = t.Table([[T("说明")]], [[[T("很" * 40)]], [[T("Supercalifragilistic")]]], 1)
    assert table_width(long, padding=0, wrap=12) == 12
    latin = t.Table([[T("x")]], [[[T("Supercalifragilisticexpialidocious-and-more")]]], 1)
    assert table_width(latin, padding=0, wrap=12) == pytest.approx(43 * 0.55)


def wide_table(columns: int) -> t.Table:
    return t.Table([[T(f"Indicator{c}")] for c in range(columns)],
                   [[[T(f"{1234567.891 * (c + 1):,.2f}")] for c in range(columns)]], 3, ident="t2",
                   numeric=(True,) * columns)


@pytest.mark.parametrize("columns, fit, low, high", [
    (3, "table-block", 0, 52), (7, "table-block wide", 52, 62), (12, "table-block landscape", 62, 200)])
def test_a_table_too_wide_for_the_column_is_set_smaller_or_turned(layout, columns, fit, low, high):
    # the yearbook's thresholds (layout.toml [tables]): wide past 52 em, landscape past 62
    assert low < table_width(wide_table(columns), padding=1.3, wrap=12) <= high
    [block] = xp(print_tree(chapter(wide_table(columns)), layout), "//div[@id='t2']")
    assert block.get("class") == fit


def test_the_thresholds_are_the_layouts_own(tmp_path):
    folder = tmp_path / "narrow"
    shutil.copytree(LAYOUTS_DIR / "yearbook", folder)
    toml = folder / "layout.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("wide = 52", "wide = 10"), encoding="utf-8")
    [block] = xp(print_tree(chapter(wide_table(3)), load_layout(str(folder))), "//div[@id='t2']")
    assert block.get("class") == "table-block wide"


# ---------------------------------------------------------------- footnotes


def notes() -> list[t.Footnote]:
    return [
        t.Footnote("a", [para("p901", T("生产总值按不变价格计算。")), para("p902", T("第二段说明。"))], 9,
                   number=1, ident="fn1"),
        t.Footnote("b", [para("p903", T("主要指标包括工业增加值。"))], 10, number=2, ident="fn2"),
        t.Footnote("c", [para("p904", T("没有引用的注释。"))], 11, number=0, ident="fn3"),
    ]


def noted() -> t.Document:
    return chapter(
        para("p1", T("全市生产总值保持增长"), t.NoteRef("a", 1, True), T("，主要指标"), t.NoteRef("b", 2, True), T("。")),
        para("p2", T("再次提到"), t.NoteRef("a", 1, False), T("。")),
        notes=notes())


def test_print_sets_a_note_at_its_first_reference_and_repeats_its_number_later(layout):
    tree = print_tree(noted(), layout)
    [first] = xp(tree, "//p[@id='p1']/span[@class='footnote']")[:1]
    assert first.get("id") == "fn1"
    assert first.get("style") == "counter-reset: note 1"
    # a note's paragraphs: spans (a block would close the <p>), with their ids
    assert [(s.get("id"), text(s)) for s in xp(first, "./span")] == [
        ("p901", "生产总值按不变价格计算。"), ("p902", "第二段说明。")]
    assert [s.get("id") for s in xp(tree, "//p[@id='p1']/span[@class='footnote']")] == ["fn1", "fn2"]
    [again] = xp(tree, "//p[@id='p2']/a")
    assert (again.get("class"), again.get("href"), again.get("style"), text(again)) == (
        "noteref", "#fn1", "counter-reset: note 1", "")
    assert len(xp(tree, "//*[@id='fn1']")) == 1


def test_print_lists_the_notes_no_reference_set_at_the_chapters_end(layout):
    tree = print_tree(noted(), layout)
    [listed] = xp(tree, "//div[@class='notes']")
    assert text(xp(listed, "./p[@class='notes-title']")[0]) == "注释"
    assert [(d.get("id"), text(d).strip()) for d in xp(listed, "./div[@class='endnote']")] == [("fn3", "没有引用的注释。")]


def test_a_note_whose_first_reference_is_never_shown_is_listed_too(layout):
    doc = chapter(para("p2", T("只有后来的引用"), t.NoteRef("a", 1, False), T("。")), notes=notes()[:1])
    tree = print_tree(doc, layout)
    [note] = xp(tree, "//div[@class='notes']/div[@class='endnote']")
    assert note.get("id") == "fn1" and "counter-reset: note 1" in note.get("style")


def test_the_footnote_counter_style_is_circled_digits_with_a_decimal_fallback():
    css = (LAYOUTS_DIR / "yearbook" / "print.css").read_text(encoding="utf-8")
    assert "float: footnote;" in css
    assert '"\\2460"' in css and '"\\2473";' in css and "fallback: decimal;" in css
    assert "content: counter(note, note-symbols);" in css


def test_the_epub_links_references_to_notes_at_the_chapters_end_and_back(layout):
    tree = epub_tree(noted(), layout)
    refs = xp(tree, "//p/a")
    assert [(a.get("href"), a.get("id"), a.get("role"), a.get(f"{{{EPUB_NS}}}type"), text(a)) for a in refs] == [
        ("#fn1", "fn1-ref", "doc-noteref", "noteref", "1"), ("#fn2", "fn2-ref", "doc-noteref", "noteref", "2"),
        ("#fn1", None, "doc-noteref", "noteref", "1")]
    assert all(xp(a, "./sup") for a in refs)
    asides = xp(tree, "//aside[@role='doc-footnote']")
    assert [(a.get("id"), a.get(f"{{{EPUB_NS}}}type")) for a in asides] == [
        ("fn1", "footnote"), ("fn2", "footnote"), ("fn3", "footnote")]
    back = xp(asides[0], "./a")
    assert [(a.get("href"), a.get("role"), text(a)) for a in back] == [("#fn1-ref", "doc-backlink", "1")]
    assert [text(p) for p in xp(asides[0], "./p")] == ["生产总值按不变价格计算。", "第二段说明。"]
    assert xp(asides[2], "./a") == []  # referred to nowhere: no link back
    # the notes come after the chapter's body
    body_end = xp(tree, "//section[@id='s1']")[0]
    assert body_end.getparent().index(body_end) < body_end.getparent().index(asides[0].getparent())


def test_note_anchors_count_so_links_to_them_are_kept(layout):
    doc = noted()
    assert {"fn1", "fn2", "fn3", "fn1-ref", "fn2-ref"} <= anchors(doc)
    linked = chapter(para("p1", t.Link("#fn1", [T("见注")]), t.NoteRef("a", 1, True)), notes=notes()[:1])
    assert xp(epub_tree(linked, layout), "//p/a[@href='#fn1' and not(@role)]")


def test_the_contents_repeat_a_heading_without_its_note(layout):
    doc = t.Document([T("章")], [t.Section(2, [T("总体情况"), t.NoteRef("a", 1, True)], [para("p1", T("正文"))], 2,
                                           ident="s1")], "x.md", notes=notes()[:1])
    tree = print_tree(doc, layout)
    assert len(xp(tree, "//*[@id='fn1']")) == 1
    assert xp(tree, "//h2/span[@id='fn1']")
    assert text(xp(tree, "//nav//a")[0]) == "总体情况"


# ---------------------------------------------------------------- cross-references


def referring() -> t.Document:
    return chapter(
        para("p1", T("详见"), t.CrossRef("tbl-gdp", "t1", "table", 1, "", "3"), T("、"),
             t.CrossRef("fig-map", "f1", "figure", 1, "2.1", "3"), T("与"),
             t.CrossRef("sec-m", "s1", "section", children=[T("一节")]), T("。")),
        figure(number=1, given="2.1"), gdp_table())


@pytest.mark.parametrize("render", [print_tree, epub_tree])
def test_a_cross_reference_links_to_its_target_by_number_or_title(layout, render):
    links = xp(render(referring(), layout), "//p[@id='p1']/a")
    assert [(a.get("href"), a.get("class"), text(a)) for a in links] == [
        ("#t1", "xref xref-table", "表 3-1"), ("#f1", "xref xref-figure", "图 2.1"), ("#s1", "xref xref-section", "一节")]


def test_a_cross_reference_to_an_id_the_chapter_lacks_is_not_a_link(layout):
    doc = chapter(para("p1", t.CrossRef("fig-x", "f9", "figure", 4, "", "3")))
    tree = print_tree(doc, layout)
    assert xp(tree, "//p[@id='p1']/a") == []
    assert text(xp(tree, "//p[@id='p1']/span[@class='xref xref-figure']")[0]) == "图 3-4"


def test_figures_tables_and_their_runs_are_anchors_and_page_targets():
    doc = referring()
    assert {"f1", "t1", "s1", "f1-i", "f1-c", "t1-c", "t1-1-1", "t1-2-3"} <= anchors(doc)
    targets = inline_targets(doc)
    assert targets["t1-2-3"][-3:] == ("rows", 1, 2)
    assert targets["f1-c"][-1] == "caption" and targets["f1-i"][-1] == "image"
    assert leading_runs(doc) == {"f1-c": "f1-i"}


# ---------------------------------------------------------------- callouts


def test_a_callout_says_its_kind_and_holds_its_blocks(layout):
    doc = chapter(
        t.Callout([T("专家点评")], [], 3, ident="c1", kind="info",
                  blocks=[para("p1", t.Strong([T("张三")]), T("：成效明显。")), para("p2", T("第二段点评。"))]),
        t.Callout([], [], 4, ident="c2", kind="warning", blocks=[para("p3", T("口径有调整。"))]),
        t.Callout([], [], 5, ident="c3", kind="aside-of-its-own", blocks=[para("p4", T("自定义。"))]),
        t.Callout([T("恢复的专栏")], [T("一段文字。")], 6, ident="c4"))
    for render in (print_tree, epub_tree):
        tree = render(doc, layout)
        asides = xp(tree, "//aside[contains(@class, 'callout')]")
        assert [a.get("class") for a in asides] == [
            "callout callout-info", "callout callout-warning", "callout callout-aside-of-its-own", "callout"]
        assert [text(xp(a, "./p[@class='callout-title']")[0]) for a in asides] == ["专家点评", "警告", "专栏", "恢复的专栏"]
        assert [p.get("id") for p in xp(asides[0], "./div[@class='callout-body']/p")] == ["p1", "p2"]
        assert xp(asides[3], "./p[@class='callout-body']/@id") == ["c4-b"]
    assert "c1-b" not in anchors(doc) and "c4-b" in anchors(doc)


# ---------------------------------------------------------------- math


def test_math_is_mathml_in_the_epub_and_svg_in_print(layout):
    doc = chapter(para("p1", T("增长率按"), t.Math(r"g = \frac{y_t}{y_{t-1}} - 1"), T("计算。")),
                  t.MathBlock(r"\sum_{i=1}^{n} x_i = X", 3))
    epub = epub_tree(doc, layout)
    [inline] = xp(epub, "//p[@id='p1']/math")
    assert inline.get("display") == "inline" and inline.get("alttext") == r"g = \frac{y_t}{y_{t-1}} - 1"
    assert xp(inline, ".//mfrac")
    assert "http://www.w3.org/1998/Math/MathML" in render_epub_body(doc, layout)
    [display] = xp(epub, "//div[@class='math-block']")
    assert display[0].get("display") == "block"

    printed = print_tree(doc, layout)
    [img] = xp(printed, "//p[@id='p1']/img")
    assert img.get("class") == "math" and img.get("alt") == r"g = \frac{y_t}{y_{t-1}} - 1"
    assert img.get("src").startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(img.get("src").split(",", 1)[1])
    assert etree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    style = dict(part.split(":") for part in img.get("style").replace(" ", "").split(";"))
    assert float(style["vertical-align"].removesuffix("em")) < 0  # the fraction's denominator hangs below
    assert 2 < float(style["width"].removesuffix("em")) < 8
    [block_img] = xp(printed, "//div[@class='math-block']/img")
    assert block_img.get("class") == "math math-display"


@pytest.mark.parametrize("tex", [r"\frac{a", r"x^", r"\foo{x} + 1", r"a}", "", r"\begin{matrix}a\end"])
def test_tex_that_cannot_be_typeset_is_shown_as_written(layout, tex):
    assert tex_to_mathml(tex) is None
    for convert in (mathml, math_svg):
        markup = str(convert(tex))
        code = lxml_html.fromstring(markup) if tex else None
        assert markup.startswith('<code class="math-error">')
        if code is not None:
            assert code.text_content() == tex  # backslashes and braces kept
    doc = chapter(para("p1", T("错误"), t.Math(tex)))
    assert text(xp(print_tree(doc, layout), "//p[@id='p1']/code[@class='math-error']")[0]) == tex
    assert text(xp(epub_tree(doc, layout), "//p[@id='p1']/code[@class='math-error']")[0]) == tex


def test_markup_in_tex_is_escaped(layout):
    markup = str(math_svg("<script>alert(1)</script>"))
    assert "<script>" not in markup
    assert "<script" not in str(mathml(r"x < y \foo <script>"))


# ---------------------------------------------------------------- the allow-list's inline styles


@pytest.mark.parametrize("render", [print_tree, epub_tree])
def test_sub_and_superscript_and_strikethrough_have_markup(layout, render):
    doc = chapter(para("p1", T("H"), t.Subscript([T("2")]), T("O，m"), t.Superscript([T("2")]),
                       t.Strikethrough([T("删去")])))
    [p] = xp(render(doc, layout), "//p[@id='p1']")
    assert [(c.tag.split("}")[-1], text(c)) for c in p] == [("sub", "2"), ("sup", "2"), ("s", "删去")]
