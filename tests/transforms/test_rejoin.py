"""Unit tests for compiler.transforms.rejoin.rejoin_split_paragraphs, alone.

Covers: a paragraph that stops mid-sentence (`…有效期内的`), one or more callouts, then a plain
paragraph are one paragraph again, with the callouts moved after it and an info finding at the
tail's line; nothing is joined when the first part ends its sentence (`。`, `”`, `）`…), when the
tail opens with bold, when no callout stands between, or when a list follows; the sample's
松江区 paragraph; pipeline order (it needs callouts first).

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.diagnostics import Findings
from compiler.transforms.callouts import make_callouts
from compiler.transforms.rejoin import rejoin_split_paragraphs

from helpers import apply, kinds, messages, problems, read_apply, sample_before

BOX = "\n\n\n\n**框题** 框内文字。\n\n"
CALLOUT = t.Callout([t.Text("框题")], [t.Text("框内文字。")], 7, 3)


def rejoin(body: str):
    """Read `# T` + body, make callouts, then rejoin (the pass under test)."""
    doc, findings = read_apply("# T\n\n" + body, make_callouts)
    assert problems(findings) == []
    return apply(doc, rejoin_split_paragraphs, findings=findings), findings


def rejoins(findings: Findings) -> list[tuple[int, str, str]]:
    """(line, level, message up to the halves) of each rejoin finding."""
    return [(f.line, f.level, f.message.split(":")[0]) for f in findings.items if f.code == "paragraph-rejoined"]


def paragraph_count(doc: t.Document) -> int:
    return sum(isinstance(b, t.Paragraph) for b in doc.children)


def test_paragraph_split_by_a_sidebar_is_joined_and_the_callout_follows_it():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "高新技术成果转化项目270项。\n")
    assert doc.children == [
        t.Paragraph([t.Text("政策享受有效期内的高新技术成果转化项目270项。")], 3, 1),
        CALLOUT,
    ]
    assert rejoins(findings) == [(9, "warning", "paragraph split by a sidebar rejoined with line 3")]


def test_joined_paragraph_keeps_the_first_part_line_and_blank_lines():
    doc, findings = rejoin("甲文。\n\n政策享受有效期内的" + BOX + "高新技术。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph", "Callout"]
    joined = doc.children[1]
    assert (joined.line, joined.blank_lines_before) == (5, 1)
    assert rejoins(findings) == [(11, "warning", "paragraph split by a sidebar rejoined with line 5")]


def test_bold_lead_in_of_the_first_part_is_kept_when_joined():
    doc, _ = rejoin("**加粗开头。**政策享受有效期内的" + BOX + "高新技术成果转化项目270项。\n")
    assert doc.children[0].children == [
        t.Strong([t.Text("加粗开头。")]),
        t.Text("政策享受有效期内的高新技术成果转化项目270项。"),
    ]


def test_paragraph_split_by_two_sidebars_is_joined_and_both_follow_in_order():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "\n\n**框题二** 二。\n\n高新技术270项。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Callout"]
    assert plain_text(doc.children[0].children) == "政策享受有效期内的高新技术270项。"
    assert [c.line for c in doc.children[1:]] == [7, 11]
    assert rejoins(findings) == [(13, "warning", "paragraph split by a sidebar rejoined with line 3")]


def test_paragraph_cut_by_two_sidebars_at_two_page_breaks_is_joined_across_both():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "高新技术成果" + BOX.replace("框题", "框题二") + "转化项目270项。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Callout"]
    assert plain_text(doc.children[0].children) == "政策享受有效期内的高新技术成果转化项目270项。"
    assert [m[2] for m in rejoins(findings)] == ["paragraph split by a sidebar rejoined with line 3"] * 2


def test_a_paragraph_after_the_moved_sidebar_is_not_joined_on_a_second_run():
    """`甲 | 框 | 乙 | 丙` becomes `甲乙 | 框 | 丙`: the sidebar now stands between a paragraph that
    runs on and a plain one, but it split nothing there; running the pass again changes nothing
    (found by the property test `test_normalising_never_raises_loses_no_han_or_digit…`)."""
    doc, findings = rejoin("政策享受有效期内的" + BOX + "高新技术成果\n\n转化项目270项。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]
    again = apply(doc, rejoin_split_paragraphs, findings=findings)
    assert again.children == doc.children
    assert len(rejoins(findings)) == 1


@pytest.mark.parametrize("end", ["。", "！", "？", "；", "：", "”", "）", "》", "…", "."])
def test_first_part_ending_its_sentence_is_not_joined(end):
    doc, findings = rejoin(f"政策享受有效期内{end}" + BOX + "高新技术成果转化项目270项。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]
    assert [b.line for b in doc.children] == [3, 7, 9]
    assert problems(findings) == []


def test_tail_starting_with_bold_is_not_joined():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "**大力实施。**认真落实。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]
    assert plain_text(doc.children[0].children) == "政策享受有效期内的"
    assert isinstance(doc.children[2].children[0], t.Strong)
    assert problems(findings) == []


def test_paragraphs_without_a_callout_between_are_not_joined():
    doc, findings = rejoin("政策享受有效期内的\n\n高新技术成果转化项目270项。\n")
    assert paragraph_count(doc) == 2
    assert problems(findings) == []


def test_list_after_the_callout_is_not_joined():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "- 列表项\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "BulletList"]
    assert problems(findings) == []


def test_callout_at_the_end_of_the_chapter_joins_nothing():
    doc, findings = rejoin("政策享受有效期内的" + BOX)
    assert kinds(doc.children) == ["Paragraph", "Callout"]
    assert problems(findings) == []


def test_heading_before_the_callout_is_not_joined():
    doc, _ = rejoin("## 政策享受有效期内的" + BOX + "高新技术。\n")
    assert kinds(doc.children) == ["Heading", "Callout", "Paragraph"]


def test_sample_songjiang_paragraph_is_rejoined_with_the_sidebar_after_it():
    findings = Findings("sample.txt")
    out = apply(sample_before(rejoin_split_paragraphs), rejoin_split_paragraphs, findings=findings)
    index = next(i for i, b in enumerate(out.children) if b.line == 228)
    joined, callout, following = out.children[index:index + 3]
    text = plain_text(joined.children)
    assert text.startswith("大力实施各类科技计划项目，积极推进高新技术产业化。")
    assert "政策享受有效期内的高新技术成果转化项目270项，累计获得国家、市级科技计划项目立项134项" in text
    assert text.endswith("下拨扶持资金950万元。")
    assert isinstance(callout, t.Callout) and callout.line == 232
    assert following.line == 236
    assert not any(b.line == 234 for b in out.children)
    assert rejoins(findings) == [(234, "warning", "paragraph split by a sidebar rejoined with line 228")]


def test_sample_only_one_paragraph_is_rejoined():
    before = sample_before(rejoin_split_paragraphs)
    out = apply(before, rejoin_split_paragraphs)
    assert len(out.children) == len(before.children) - 1
    assert sum(isinstance(b, t.Callout) for b in out.children) == 18


def test_does_nothing_before_callouts_are_made():
    doc, findings = read_apply("# T\n\n政策享受有效期内的" + BOX + "高新技术。\n")
    out = apply(doc, rejoin_split_paragraphs, findings=findings)
    assert out == doc
    assert problems(findings) == []


def test_pipeline_runs_rejoin_after_callouts_and_before_section_recovery():
    from compiler.transforms import pipeline
    from compiler.transforms.headless_sections import recover_headless_sections

    names = [step.__name__ for step in pipeline()]
    assert names.index("make_callouts") < names.index("rejoin_split_paragraphs")
    assert names.index("rejoin_split_paragraphs") < names.index(recover_headless_sections.__name__)


# ---------------------------------------------------------------- issue 13: evidence, reports, overrides


@pytest.mark.parametrize("head", ["**一、主要成效**", "一、主要成效", "（二）主要做法", "第三章 科技创新", "主要成效如下："])
def test_heading_like_bold_or_colon_lines_are_never_joined(head):
    doc, findings = rejoin(head + BOX + "2010年，全市科技投入增长。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]
    assert rejoins(findings) == []


def test_rejoin_is_a_warning_that_shows_both_halves():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "高新技术成果转化项目270项。\n")
    [finding] = [f for f in findings.items if f.code == "paragraph-rejoined"]
    assert finding.level == "warning"
    assert "'…政策享受有效期内的' + '高新技术成果转化项目27…'" in finding.message


def test_keep_marker_before_either_half_keeps_them_apart():
    doc, findings = rejoin("政策享受有效期内的" + BOX + "<!-- reportc: keep -->\n高新技术成果转化项目270项。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]
    assert rejoins(findings) == []


def test_front_matter_switches_rejoin_off():
    doc, findings = read_apply("---\nrecover_rejoin: false\n---\n# T\n\n政策享受有效期内的" + BOX + "高新技术。\n",
                               make_callouts, rejoin_split_paragraphs)
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]


def test_a_callout_its_author_wrote_splits_no_paragraph():
    authored = t.Callout([t.Text("专家点评")], [], 5, 1, kind="info", blocks=[t.Paragraph([t.Text("点评。")], 6)])
    doc = t.Document([t.Text("T")], [t.Paragraph([t.Text("政策享受有效期内的")], 3),
                                     authored, t.Paragraph([t.Text("高新技术。")], 9)], "t.md", title_line=1)
    assert apply(doc, rejoin_split_paragraphs) == doc
