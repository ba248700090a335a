"""Unit tests for compiler.transforms.numbering (number_figures_and_tables, chapter_number).

Covers: the chapter's number from 第…章 / 第…篇 (Chinese or Arabic numerals, full-width digits)
and Chapter N, and none from other titles (a bare `3 `, `3.`); figures and tables numbered
separately in document order, inside sections and callouts too, each with the chapter's number;
an author's number in a caption kept as `given` and its head dropped from the caption
(`图 2.1 `, `表 9-2 `, `图3-1`); irregular numbering kept; one without caption, given number
or label is not numbered; run again, nothing changes.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text
from compiler.transforms.numbering import chapter_number, number_figures_and_tables

from helpers import apply


@pytest.mark.parametrize("title, number", [
    ("第十一章 区域经济", "11"), ("第11章", "11"), ("第三章\u3000区域经济", "3"), ("第二篇 总论", "2"),
    ("第１２章 甲", "12"), ("Chapter 4 Growth", "4"), ("3 概述", ""), ("3. 概述", ""), ("区域经济", ""),
    ("第一百零二章", "102"),
])
def test_chapter_number(title, number):
    assert chapter_number(title) == number


def test_chinese_numerals_read_as_cn2an_writes_them_for_every_number_below_ten_thousand():
    import cn2an

    from compiler.transforms.numbering import chinese_numeral

    wrong = [n for n in range(1, 10_000) if chinese_numeral(cn2an.an2cn(n, "low")) != n]
    assert wrong == []
    assert [chinese_numeral(text) for text in ("两百", "二〇二三", "十", "一十一", "零")] == [200, 2023, 10, 11, 0]
    # a 零 before a ten, and the informal 一百十, as cn2an reads them
    informal = ("一千零十", "三千零十一", "五千零十", "一百十", "两千零二十")
    assert [chinese_numeral(text) for text in informal] == [int(cn2an.cn2an(text, "smart")) for text in informal]
    assert [chinese_numeral(text) for text in ("百", "十十", "三五十", "万")] == [None] * 4


def figure(caption, line):
    return t.Figure([t.Image("a.png", "")], [t.Text(caption)] if caption else [], line)


def table(caption, line):
    return t.Table([[t.Text("甲")]], [[[t.Text("1")]]], line, caption=[t.Text(caption)] if caption else [])


def numbered(title, *blocks):
    doc = t.Document([t.Text(title)], list(blocks), "t.md", title_line=1)
    return apply(doc, number_figures_and_tables)


def summary(doc):
    return [(type(b).__name__, b.number, b.chapter, b.given, plain_text(b.caption))
            for b in iter_blocks(doc) if isinstance(b, (t.Figure, t.Table))]


def test_figures_and_tables_numbered_separately_in_document_order():
    callout = t.Callout([t.Text("框")], [], 9, kind="info", blocks=[figure("图 3-2 乙", 10)])
    section = t.Section(2, [t.Text("节")], [table("表 3-1 各区", 5), callout, table("", 12)], 4)
    doc = numbered("第三章\u3000区域经济", figure("图 3-1 示意", 3), section, figure("", 14))
    assert doc.number == "3"
    assert summary(doc) == [
        ("Figure", 1, "3", "3-1", "示意"), ("Table", 1, "3", "3-1", "各区"),
        ("Figure", 2, "3", "3-2", "乙"), ("Table", 0, "", "", ""), ("Figure", 0, "", "", ""),
    ]


def test_only_figures_and_tables_with_a_caption_a_given_number_or_a_label_are_numbered():
    labelled = t.Table([[t.Text("甲")]], [[[t.Text("1")]]], 7, label="tbl-a")
    doc = numbered("第三章", figure("", 3), figure("图 3-5", 4), figure("示意", 5), table("", 6), labelled)
    assert [(b[0], b[1], b[3]) for b in summary(doc)] == [
        ("Figure", 0, ""), ("Figure", 1, "3-5"), ("Figure", 2, ""), ("Table", 0, ""), ("Table", 1, "")]


@pytest.mark.parametrize("caption, given, rest", [
    ("图 2.1 各大应用", "2.1", "各大应用"), ("图3-1", "3-1", ""), ("图 5：甲", "5", "甲"), ("Figure 7. Foo", "7", "Foo"),
    ("示意图", "", "示意图"), ("图 3-1-2 甲", "3-1-2", "甲"),
])
def test_an_authors_number_is_kept_as_given(caption, given, rest):
    doc = numbered("区域经济", figure(caption, 3))
    assert doc.number == ""
    assert summary(doc) == [("Figure", 1, "", given, rest)]


def test_irregular_author_numbering_is_kept_as_written():
    doc = numbered("第一章", figure("图 1 甲", 3), figure("图 2.5 乙", 5), table("表 9-2 行式", 7))
    assert [(b[1], b[3]) for b in summary(doc)] == [(1, "1"), (2, "2.5"), (1, "9-2")]


def test_the_caption_head_inside_bold_is_dropped():
    fig = t.Figure([t.Image("a.png", "")], [t.Strong([t.Text("图 3-1")]), t.Text(" 示意")], 3)
    doc = numbered("第三章", fig)
    assert doc.children[0].given == "3-1" and doc.children[0].caption == [t.Text("示意")]


def test_run_again_nothing_changes():
    once = numbered("第三章", figure("图 3-1 示意", 3), table("表 3-1 各区", 5))
    assert apply(once, number_figures_and_tables) == once
