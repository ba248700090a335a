"""Unit tests for compiler.transforms.whitespace.drop_stray_whitespace, alone.

Covers: leading/trailing spaces and U+3000 stripped from a paragraph, soft line breaks joined
(no space between Chinese characters, one space between Latin words), whitespace-only
paragraphs dropped (also inside sections and quotes), hard line breaks kept, titles tidied,
code and raw HTML left alone; on the sample, only whitespace changes.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.transforms.whitespace import drop_stray_whitespace

from helpers import apply, kinds, read_apply, sample_before


def tidy(text: str) -> t.Document:
    doc, findings = read_apply("# T\n\n" + text, drop_stray_whitespace)
    assert findings.items == []
    return doc


def para(line: int, *children, blank: int = 1) -> t.Paragraph:
    return t.Paragraph(list(children), line, blank)


def doc_of(*blocks, title="T") -> t.Document:
    return t.Document([t.Text(title)], list(blocks), "t.md", title_line=1)


def test_leading_ascii_spaces_are_stripped():
    assert tidy("   上海\n").children == [para(3, t.Text("上海"))]


def test_leading_ideographic_spaces_are_stripped():
    assert tidy("\u3000\u3000上海北京\n").children == [para(3, t.Text("上海北京"))]


def test_trailing_spaces_and_ideographic_spaces_are_stripped():
    doc = doc_of(para(3, t.Text("上海 \u3000\t")))
    assert apply(doc, drop_stray_whitespace).children == [para(3, t.Text("上海"))]


def test_inner_spaces_are_kept():
    assert tidy("上海 北京\n").children == [para(3, t.Text("上海 北京"))]


def test_soft_line_break_between_han_is_joined_without_space():
    assert tidy("上海\n北京\n").children == [para(3, t.Text("上海北京"))]


def test_soft_line_break_after_chinese_punctuation_is_joined_without_space():
    assert tidy("上海。\n北京\n").children == [para(3, t.Text("上海。北京"))]


def test_soft_line_break_with_indent_of_ideographic_spaces_is_joined():
    assert tidy("上海\n\u3000\u3000北京\n").children == [para(3, t.Text("上海北京"))]


def test_soft_line_break_between_latin_words_becomes_one_space():
    assert tidy("hello\nworld\n").children == [para(3, t.Text("hello world"))]


def test_soft_line_break_with_surrounding_spaces_between_latin_words_becomes_one_space():
    assert tidy("ab \n cd\n").children == [para(3, t.Text("ab cd"))]


def test_soft_line_break_between_han_and_latin_is_joined_without_space():
    assert tidy("上海\nworld\n").children == [para(3, t.Text("上海world"))]


def test_soft_line_break_at_the_start_of_a_text_after_bold_han_is_joined():
    assert tidy("**上海**\n北京\n").children == [para(3, t.Strong([t.Text("上海")]), t.Text("北京"))]


def test_soft_line_break_inside_bold_is_joined():
    assert tidy("**上海\n北京**\n").children == [para(3, t.Strong([t.Text("上海北京")]))]


def test_hard_line_break_is_kept():
    assert tidy("上海  \n北京\n").children == [para(3, t.Text("上海"), t.LineBreak(), t.Text("北京"))]


def test_hard_line_break_before_latin_leaves_no_leading_space():
    assert tidy("hello  \nworld\n").children == [para(3, t.Text("hello"), t.LineBreak(), t.Text("world"))]


def test_line_holding_one_space_between_paragraphs_makes_no_paragraph():
    doc = tidy("甲。\n \n乙。\n")
    assert doc.children == [para(3, t.Text("甲。")), para(5, t.Text("乙。"))]


def test_whitespace_only_paragraphs_are_dropped():
    doc = doc_of(
        para(3, t.Text("甲。")),
        para(5, t.Text(" ")),
        para(7, t.Text("\u3000\u3000")),
        para(9, t.Text("\u00a0\t")),
        para(11, t.Strong([t.Text(" ")])),
        para(13),
        para(15, t.Text("乙。")),
    )
    assert apply(doc, drop_stray_whitespace).children == [para(3, t.Text("甲。")), para(15, t.Text("乙。"))]


def test_paragraph_holding_only_an_image_is_kept():
    doc = doc_of(para(3, t.Image("a.png", "")))
    assert apply(doc, drop_stray_whitespace).children == [para(3, t.Image("a.png", ""))]


def test_whitespace_only_paragraphs_inside_sections_and_quotes_are_dropped():
    section = t.Section(2, [t.Text("甲")], [para(5, t.Text(" ")), para(7, t.Text("文。"))], 3)
    quote = t.BlockQuote([para(9, t.Text("\u3000")), para(10, t.Text("引。"))], 9)
    out = apply(doc_of(section, quote), drop_stray_whitespace)
    assert out.children[0].children == [para(7, t.Text("文。"))]
    assert out.children[1].children == [para(10, t.Text("引。"))]


def test_heading_and_title_are_tidied():
    doc = t.Document([t.Text("\u3000第一章 ")], [t.Heading(2, [t.Text("  概述\u3000")], 3)], "t.md", title_line=1)
    out = apply(doc, drop_stray_whitespace)
    assert out.title == [t.Text("第一章")]
    assert out.children == [t.Heading(2, [t.Text("概述")], 3)]


def test_callout_title_and_body_are_tidied():
    callout = t.Callout([t.Text(" 框题 ")], [t.Text("\u3000框内\n文字。 ")], 7, 3)
    out = apply(doc_of(callout), drop_stray_whitespace)
    assert out.children == [t.Callout([t.Text("框题")], [t.Text("框内文字。")], 7, 3)]


def test_code_blocks_and_raw_html_are_left_alone():
    code = t.CodeBlock("  a = 1\n\n  b\n", 3)
    raw = t.RawBlock("  <div>\n</div>  ", 7)
    inline = para(9, t.Text("甲"), t.Code(" x \n y "), t.RawInline(" <span>\n"), t.Text("乙"))
    out = apply(doc_of(code, raw, inline), drop_stray_whitespace)
    assert out.children == [code, raw, inline]


def test_blank_lines_before_and_line_numbers_are_kept():
    doc = tidy("甲。\n\n\n\n  乙。\n")
    assert [(b.line, b.blank_lines_before) for b in doc.children] == [(3, 1), (7, 3)]


def test_on_the_sample_only_whitespace_changes_and_no_block_is_dropped():
    before = sample_before(drop_stray_whitespace)
    out = apply(before, drop_stray_whitespace)
    assert kinds(out.children) == kinds(before.children)
    assert [b.line for b in out.children] == [b.line for b in before.children]

    def squeeze(doc):
        return "".join(dump(doc).split())

    assert squeeze(out) == squeeze(before)
