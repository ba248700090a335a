"""Unit tests for compiler.transforms.run_ins.mark_run_ins, alone.

Covers: `**lead.**text` → RunIn + text; a paragraph entirely bold, a bold run followed only by
spaces, bold in mid-paragraph, an italic lead and headings are unchanged; only the first bold
run becomes a RunIn; paragraphs inside sections and block quotes are handled; the 71 run-ins of
the sample.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.transforms.run_ins import mark_run_ins

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
