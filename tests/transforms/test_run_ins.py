"""Unit tests for compiler.transforms.run_ins.mark_run_ins, alone.

Covers: `**lead.**text` → RunIn + text; a paragraph entirely bold, a bold run followed only by
spaces, bold in mid-paragraph, an italic lead and headings are unchanged; only the first bold
run becomes a RunIn; paragraphs inside sections and block quotes are handled; the 71 run-ins of
the sample. Issue 16, item 8: only bold that ends at the paragraph's first sentence mark
(。：:！？!? or a full stop, inside the bold or just after it) is a lead-in; bold inside a
sentence (`**基础事件**是…`) or running past its first sentence stays Strong, and is set as
`<strong>` without the run-in class (the body face's bold), not in the lead-in's sans face.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.transforms.run_ins import ends_at_first_sentence_mark, mark_run_ins

from helpers import apply, count_inline, read_apply, sample_before


def run_ins(body: str) -> tuple[t.Document, t.Document]:
    before, findings = read_apply("# T\n\n" + body)
    out = apply(before, mark_run_ins, findings=findings)
    assert findings.items == []
    return out, before


def test_bold_lead_in_followed_by_text_becomes_a_run_in():
    out, _ = run_ins("**推进区县创新发展。**“市区联动”结合区县特色活动。\n")
    assert out.children == [
        t.Paragraph([t.RunIn([t.Text("推进区县创新发展。")]), t.Text("“市区联动”结合区县特色活动。")], 3, 1)
    ]


def test_run_in_keeps_the_rest_of_the_paragraph_markup():
    out, _ = run_ins("**甲。**乙**丙**丁\n")
    assert out.children[0].children == [
        t.RunIn([t.Text("甲。")]), t.Text("乙"), t.Strong([t.Text("丙")]), t.Text("丁"),
    ]


def test_paragraph_entirely_bold_is_unchanged():
    out, before = run_ins("**全部加粗。**\n")
    assert out == before
    assert out.children[0].children == [t.Strong([t.Text("全部加粗。")])]


def test_bold_followed_only_by_spaces_is_unchanged():
    out, before = run_ins("**加粗** \n")
    assert out == before


def test_bold_in_the_middle_of_a_paragraph_is_unchanged():
    out, before = run_ins("前文**加粗**后文。\n")
    assert out == before


def test_italic_lead_is_not_a_run_in():
    out, before = run_ins("*强调*后文。\n")
    assert out == before


def test_heading_with_bold_is_unchanged():
    out, before = run_ins("## **加粗**标题\n")
    assert out == before


def test_run_in_inside_a_block_quote():
    out, _ = run_ins("> **引语。**内容\n")
    assert out.children[0].children[0].children == [t.RunIn([t.Text("引语。")]), t.Text("内容")]


def test_run_in_inside_a_section():
    para = t.Paragraph([t.Strong([t.Text("甲。")]), t.Text("乙")], 5)
    doc = t.Document([t.Text("T")], [t.Section(2, [t.Text("节")], [para], 3)], "t.md", title_line=1)
    out = apply(doc, mark_run_ins)
    assert out.children[0].children[0].children == [t.RunIn([t.Text("甲。")]), t.Text("乙")]


def test_callouts_are_not_touched():
    callout = t.Callout([t.Text("框")], [t.Strong([t.Text("粗")]), t.Text("文")], 7, 3)
    doc = t.Document([t.Text("T")], [callout], "t.md", title_line=1)
    assert apply(doc, mark_run_ins) == doc


def test_sample_every_bold_lead_becomes_a_run_in():
    doc = apply(sample_before(mark_run_ins), mark_run_ins)
    # 87 bold spans: 16 bold sidebar titles are callout titles now, the other 71 open paragraphs
    assert count_inline(doc.children, t.RunIn) == 71
    assert count_inline(doc.children, t.Strong) == 0


# ---------------------------------------------------------------- emphasis is not a lead-in (issue 16, item 8)


@pytest.mark.parametrize("body, lead", [
    ("**推进区县创新发展。**“市区联动”结合。", "推进区县创新发展。"),
    ("**一是加强领导**。成立小组。", "一是加强领导"),
    ("**注意：**以下内容。", "注意："),
    ("**注意**：以下内容。", "注意"),
    ("**注意**  ：以下内容。", "注意"),
    ("**Note:** 以下内容。", "Note:"),
    ("**为什么？**因为。", "为什么？"),
    ("**好!**后文。", "好!"),
    ("**See below.** 后文。", "See below."),
    ("**增长3.5%。**后文。", "增长3.5%。"),
    ("**“创新驱动。”**后文。", "“创新驱动。”"),
    ("**发展（试行）。**后文。", "发展（试行）。"),
])
def test_bold_ending_at_the_first_sentence_mark_is_a_run_in(body, lead):
    out, _ = run_ins(body + "\n")
    first = out.children[0].children[0]
    assert isinstance(first, t.RunIn)
    assert plain_text(first.children) == lead


@pytest.mark.parametrize("body", [
    "**基础事件**是本数据篇的核心。",  # the defect: bold inside a sentence was set as a lead-in
    "**入门篇**（Basics）：介绍。",
    "**甲。乙。**丙。",  # past its first sentence mark
    "**第一句。第二句**，续。",
    "**v1.0**版本发布。",
    "**时间10:30**开始。",
    "**3.5**倍。",
    "**甲**，乙。",
    "**甲**；乙。",
    "**甲**……乙。",
])
def test_other_bold_opening_a_paragraph_stays_strong_emphasis(body):
    out, before = run_ins(body + "\n")
    assert out == before
    assert isinstance(out.children[0].children[0], t.Strong)


def test_strong_emphasis_is_set_in_the_body_face_and_a_lead_in_in_the_lead_in_face():
    from compiler.transforms import normalise
    from compiler.writers.html import render_print_html
    from compiler.writers.templates import load_layout

    doc, findings = read_apply("# T\n\n**基础事件**是本数据篇的核心。\n\n**推进发展。**后文。\n")
    page = render_print_html(normalise(doc, findings), load_layout("yearbook"))
    assert "<strong>基础事件</strong>是本数据篇" in page
    assert '<strong class="run-in">推进发展。</strong>' in page


def test_ends_at_first_sentence_mark():
    assert ends_at_first_sentence_mark("甲。", "乙")
    assert ends_at_first_sentence_mark("甲", "。乙")
    assert ends_at_first_sentence_mark("“甲。” ", "乙")
    assert not ends_at_first_sentence_mark("甲", "乙。")
    assert not ends_at_first_sentence_mark("甲。乙。", "丙")
    assert not ends_at_first_sentence_mark("甲", ".5")
    assert not ends_at_first_sentence_mark("", "")
