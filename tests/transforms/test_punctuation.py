"""Unit tests for compiler.transforms.punctuation (full_width_punctuation and fix_punctuation), alone.

Covers: ASCII `, ; : ? ! ( )` beside a Han character become full-width and the spaces around
them go; numbers (`1,000`, `7.87`, `99.1%`, `10:30`, `3:2`), URLs, Latin-only text and code are
left as they are; the neighbouring text of other inline nodes decides at node boundaries
(`**开源技术**,`); titles, headings, callout titles, key points and table cells are fixed too;
the sample's overview.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.model.traverse import plain_text
from compiler.transforms.punctuation import fix_punctuation, full_width_punctuation

from helpers import apply, problems, read_apply, sample_before


def fixed(body: str) -> list[t.Inline]:
    """The inline nodes of the one paragraph `body` reads as, after the pass."""
    doc, findings = read_apply("# T\n\n" + body + "\n", full_width_punctuation)
    assert problems(findings) == []
    assert len(doc.children) == 1
    return doc.children[0].children


@pytest.mark.parametrize(
    "source, expected",
    [
        ("2010年,上海", "2010年，上海"),
        ("示范县(市)", "示范县（市）"),
        ("上海;北京", "上海；北京"),
        ("他说:好", "他说：好"),
        ("什么?", "什么？"),
        ("好!", "好！"),
        ("(注:见上)", "（注：见上）"),
        ("上海,1,000个", "上海，1,000个"),
        ("2010年10:30,上海", "2010年10:30，上海"),
        ("上海(2010)", "上海（2010）"),
        ("(1)上海", "（1）上海"),
        ("(RFID)技术", "（RFID）技术"),
        ("北京(Beijing)", "北京（Beijing）"),
        ("发展规划(民营科技企业专题)", "发展规划（民营科技企业专题）"),
    ],
)
def test_ascii_punctuation_beside_han_becomes_full_width(source, expected):
    assert fixed(source) == [t.Text(expected)]


@pytest.mark.parametrize(
    "source",
    [
        "1,000",
        "共1,000个",
        "7.87亿元",
        "99.1%",
        "10:30",
        "上午10:30开会",
        "比分3:2",
        "http://example.com/a,b",
        "见http://example.com/a,b。",
        "见www.example.com/a,b。",
        "Hello, world",
        "Hello, world! (see note)",
        "e.g. a;b: c?",
    ],
)
def test_numbers_urls_and_latin_text_stay(source):
    assert fixed(source) == [t.Text(source)]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("上海 , 北京", "上海，北京"),
        ("上海 ,北京", "上海，北京"),
        ("上海, 北京", "上海，北京"),
        ("上海 ( 市 ) 北京", "上海（市）北京"),
    ],
)
def test_spaces_beside_a_converted_mark_are_dropped(source, expected):
    assert fixed(source) == [t.Text(expected)]


def test_comma_inside_latin_parentheses_stays_while_the_parentheses_convert():
    assert fixed("**射频识别**(Radio Frequency Identification, RFID)技术") == [
        t.Strong([t.Text("射频识别")]),
        t.Text("（Radio Frequency Identification, RFID）技术"),
    ]


def test_comma_after_bold_han_uses_the_bold_text_as_neighbour():
    assert fixed("**开源技术**,并且") == [t.Strong([t.Text("开源技术")]), t.Text("，并且")]


def test_comma_at_paragraph_end_after_bold_han_converts():
    assert fixed("**开源技术**,") == [t.Strong([t.Text("开源技术")]), t.Text("，")]


def test_comma_inside_bold_before_han_text_converts():
    assert fixed("**开源技术,**并且") == [t.Strong([t.Text("开源技术，")]), t.Text("并且")]


def test_spaces_between_bold_han_and_a_comma_are_dropped():
    assert fixed("**开源技术** ,并且") == [t.Strong([t.Text("开源技术")]), t.Text("，并且")]


def test_parentheses_split_across_bold_convert():
    assert fixed("示范县(**市**)") == [t.Text("示范县（"), t.Strong([t.Text("市")]), t.Text("）")]


def test_comma_after_bold_latin_stays():
    assert fixed("**Open**,source") == [t.Strong([t.Text("Open")]), t.Text(",source")]


def test_run_in_and_emphasis_are_fixed_and_keep_their_type():
    doc = t.Document(
        [t.Text("T")],
        [t.Paragraph([t.RunIn([t.Text("推进,发展。")]), t.Emphasis([t.Text("上海")]), t.Text(",北京")], 3)],
        "t.md",
        title_line=1,
    )
    out = apply(doc, full_width_punctuation)
    assert out.children[0].children == [
        t.RunIn([t.Text("推进，发展。")]), t.Emphasis([t.Text("上海")]), t.Text("，北京"),
    ]


def test_code_and_raw_html_are_left_alone():
    assert fixed("上海`a,b`北京") == [t.Text("上海"), t.Code("a,b"), t.Text("北京")]
    # raw HTML as the reader keeps a tag off its allow-list (with a warning, so not through `fixed`)
    raw = t.Paragraph([t.Text("上海"), t.RawInline('<q title="a,b">'), t.Text(","), t.RawInline("</q>"),
                       t.Text("北京")], 3)
    assert apply(t.Document([t.Text("T")], [raw]), full_width_punctuation).children[0].children == [
        t.Text("上海"), t.RawInline('<q title="a,b">'), t.Text("，"), t.RawInline("</q>"), t.Text("北京"),
    ]


def test_link_text_is_fixed():
    assert fixed("[上海,北京](http://x.cn/a,b)") == [t.Link("http://x.cn/a,b", [t.Text("上海，北京")])]


def test_link_href_is_never_changed():
    nodes = fixed("见[链接](http://x.cn/上海,北京)")
    assert nodes[1].href == "http://x.cn/上海,北京"


def test_title_headings_callout_titles_key_points_and_table_cells_are_fixed():
    doc = t.Document(
        [t.Text("第一章 上海,北京")],
        [
            t.KeyPoints([[t.Text("要点,一")]], 3),
            t.Heading(2, [t.Text("概述(一)")], 5),
            t.Callout([t.Text("框题(虹口园区)")], [t.Text("正文,内容")], 7, 3),
            t.Table([[t.Text("甲,乙")]], [[[t.Text("1,2")], [t.Text("上海(市)")]]], 9),
        ],
        "t.md",
        title_line=1,
    )
    out = apply(doc, full_width_punctuation)
    assert out.title == [t.Text("第一章 上海，北京")]
    assert out.children == [
        t.KeyPoints([[t.Text("要点，一")]], 3),
        t.Heading(2, [t.Text("概述（一）")], 5),
        t.Callout([t.Text("框题（虹口园区）")], [t.Text("正文，内容")], 7, 3),
        t.Table([[t.Text("甲，乙")]], [[[t.Text("1,2")], [t.Text("上海（市）")]]], 9),
    ]


def test_paragraphs_inside_sections_quotes_and_lists_are_fixed():
    section = t.Section(2, [t.Text("节")], [t.Paragraph([t.Text("上海,北京")], 5)], 3)
    quote = t.BlockQuote([t.Paragraph([t.Text("引,文")], 7)], 7)
    lst = t.BulletList([t.ListItem([t.Paragraph([t.Text("项,目")], 9)], 9)], 9)
    out = apply(t.Document([t.Text("T")], [section, quote, lst], "t.md", title_line=1), full_width_punctuation)
    assert out.children[0].children[0].children == [t.Text("上海，北京")]
    assert out.children[1].children[0].children == [t.Text("引，文")]
    assert out.children[2].items[0].children[0].children == [t.Text("项，目")]


def test_fix_punctuation_uses_the_given_context():
    assert fix_punctuation(",上海") == "，上海"
    assert fix_punctuation(",", before="开源技术") == "，"
    assert fix_punctuation(",", before="Open") == ","
    assert fix_punctuation(",", after="上海") == "，"
    assert fix_punctuation(",000", before="1") == ",000"
    assert fix_punctuation("上海") == "上海"


def test_full_width_marks_are_unchanged():
    assert fixed("上海，北京（市）：好！") == [t.Text("上海，北京（市）：好！")]


def test_sample_overview_gets_full_width_marks():
    doc = apply(sample_before(full_width_punctuation), full_width_punctuation)
    overview = next(b for b in doc.children if b.line == 13)
    text = plain_text(overview.children)
    assert text.startswith("2010年，上海18个区县紧紧围绕加快转变经济发展方式这一主线，积极推进科技创新，")
    assert "," not in text


def test_sample_keeps_numbers_and_has_no_ascii_mark_beside_han():
    import re

    doc = apply(sample_before(full_width_punctuation), full_width_punctuation)
    dumped = dump(doc)
    assert re.findall(r"[\u4e00-\u9fff][,;:?!()]|[,;:?!()][\u4e00-\u9fff]", dumped) == []
    assert "7.87亿元" in dumped
    assert "99.1%" in dumped
    assert "3456亿元" in dumped
