"""Unit tests for compiler.transforms.callouts.make_callouts, alone.

Covers: a paragraph after three or more blank lines becomes a Callout; its title is the opening
bold run or, unbolded, the words before the first (ASCII or ideographic) space; two blank lines
are not enough; the first block of the chapter is never a sidebar; a sidebar with no title
gives a warning finding at its line and keeps all its text; lists and headings after a gap are
untouched; the 18 sidebars of the sample.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.diagnostics import Findings
from compiler.transforms.callouts import make_callouts

from helpers import apply, codes, kinds, messages, problems, read_apply, sample_before

LEAD = "# T\n\n上海开头。\n"
NO_TITLE = "sidebar box without a title: set its title in bold at its start"


def callouts_of(text: str):
    return read_apply(text, make_callouts)


def test_bold_title_after_three_blank_lines_becomes_a_callout():
    doc, findings = callouts_of(LEAD + "\n\n\n**上海市云计算产业基地** 8月17日，揭牌。\n")
    assert doc.children == [
        t.Paragraph([t.Text("上海开头。")], 3, 1),
        t.Callout([t.Text("上海市云计算产业基地")], [t.Text("8月17日，揭牌。")], 7, 3),
    ]
    assert problems(findings) == []


def test_bold_title_directly_followed_by_text_becomes_a_callout():
    doc, _ = callouts_of(LEAD + "\n\n\n**标题**正文紧接。\n")
    assert doc.children[1] == t.Callout([t.Text("标题")], [t.Text("正文紧接。")], 7, 3)


def test_spaces_between_bold_title_and_body_are_dropped():
    doc, _ = callouts_of(LEAD + "\n\n\n**标题**  \u3000正文。\n")
    assert doc.children[1] == t.Callout([t.Text("标题")], [t.Text("正文。")], 7, 3)


def test_more_than_three_blank_lines_also_make_a_callout():
    doc, _ = callouts_of(LEAD + "\n\n\n\n\n**标题** 正文。\n")
    assert doc.children[1] == t.Callout([t.Text("标题")], [t.Text("正文。")], 9, 5)


def test_unbolded_title_is_the_words_before_the_first_space():
    doc, findings = callouts_of(LEAD + "\n\n\n现代服务业科技支撑创新平台 静安区大胆实践以科技支撑引领服务经济发展的模式。\n")
    assert doc.children[1] == t.Callout(
        [t.Text("现代服务业科技支撑创新平台")], [t.Text("静安区大胆实践以科技支撑引领服务经济发展的模式。")], 7, 3
    )
    assert problems(findings) == []


def test_unbolded_title_may_end_at_an_ideographic_space():
    doc, _ = callouts_of(LEAD + "\n\n\n“江南智造”创意设计产业集群区\u30009月17日，活动举行。\n")
    assert doc.children[1] == t.Callout([t.Text("“江南智造”创意设计产业集群区")], [t.Text("9月17日，活动举行。")], 7, 3)


def test_bold_title_keeps_its_inline_markup_and_body_keeps_later_nodes():
    doc, _ = callouts_of(LEAD + "\n\n\n**国家数字出版基地（虹口园区）** 5月14日，*授牌*仪式。\n")
    callout = doc.children[1]
    assert callout.title == [t.Text("国家数字出版基地（虹口园区）")]
    assert callout.children == [t.Text("5月14日，"), t.Emphasis([t.Text("授牌")]), t.Text("仪式。")]


def test_two_blank_lines_do_not_make_a_callout():
    doc, findings = callouts_of(LEAD + "\n\n**上海市云计算产业基地** 8月17日，揭牌。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]
    assert doc.children[1].blank_lines_before == 2
    assert isinstance(doc.children[1].children[0], t.Strong)
    assert problems(findings) == []


def test_one_blank_line_and_a_space_only_line_do_not_make_a_callout():
    doc, _ = callouts_of(LEAD + "\n \n**推进企业自主创新。**入选2010年度。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]


def test_first_block_after_the_title_is_never_a_callout():
    doc, findings = callouts_of("# T\n\n\n\n**标题** 正文\n")
    assert kinds(doc.children) == ["Paragraph"]
    assert problems(findings) == []


def test_untitled_paragraph_after_a_gap_that_cuts_no_sentence_stays_a_paragraph():
    doc, findings = callouts_of(LEAD + "\n\n\n8月17日，揭牌仪式在市北举行。\n")
    assert doc.children[1] == t.Paragraph([t.Text("8月17日，揭牌仪式在市北举行。")], 7, 3)
    assert findings.items == []


def test_untitled_box_that_interrupts_a_sentence_is_a_callout_and_warns_at_its_line():
    doc, findings = callouts_of("# T\n\n政策享受有效期内的\n\n\n\n8月17日，揭牌仪式在市北举行。\n\n高新技术。\n")
    assert doc.children[1] == t.Callout([], [t.Text("8月17日，揭牌仪式在市北举行。")], 7, 3)
    assert messages(findings)[0] == (7, "warning", NO_TITLE)
    assert codes(findings) == [(7, "callout-untitled"), (7, "callout-recovered")]


def test_text_before_the_first_space_with_a_comma_is_not_a_title():
    doc, findings = callouts_of(LEAD + "\n\n\n现代服务业，科技 支撑创新平台。\n")
    assert doc.children[1] == t.Paragraph([t.Text("现代服务业，科技 支撑创新平台。")], 7, 3)
    assert findings.items == []


def test_run_longer_than_forty_characters_before_the_first_space_is_not_a_title():
    prose = "甲" * 41
    doc, findings = callouts_of(LEAD + f"\n\n\n{prose} 乙。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]


def test_paragraph_entirely_bold_has_no_body_to_title_and_stays_a_paragraph():
    doc, findings = callouts_of(LEAD + "\n\n\n**全部加粗的一段**\n")
    assert doc.children[1] == t.Paragraph([t.Strong([t.Text("全部加粗的一段")])], 7, 3)
    assert findings.items == []


def test_bold_lead_in_ending_a_sentence_is_no_title():
    doc, _ = callouts_of(LEAD + "\n\n\n**推进企业自主创新。**入选2010年度。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]


def test_each_callout_is_an_info_finding_with_its_code():
    doc, findings = callouts_of(LEAD + "\n\n\n**框一** 甲。\n")
    assert [(f.line, f.level, f.code) for f in findings.items] == [(7, "info", "callout-recovered")]
    assert "sidebar '框一' recovered from the 3 blank lines before it" in findings.items[0].message


def test_consecutive_sidebars_each_become_a_callout():
    doc, _ = callouts_of(LEAD + "\n\n\n**框一** 甲。\n\n\n\n**框二** 乙。\n")
    assert doc.children[1:] == [
        t.Callout([t.Text("框一")], [t.Text("甲。")], 7, 3),
        t.Callout([t.Text("框二")], [t.Text("乙。")], 11, 3),
    ]


def test_paragraph_after_a_callout_with_one_blank_line_stays_a_paragraph():
    doc, _ = callouts_of(LEAD + "\n\n\n**框** 甲。\n\n**推进。**正文。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout", "Paragraph"]


def test_list_or_heading_after_three_blank_lines_is_not_a_callout():
    doc, findings = callouts_of(LEAD + "\n\n\n- 列表\n\n\n\n## 标题\n")
    assert kinds(doc.children) == ["Paragraph", "BulletList", "Heading"]
    assert problems(findings) == []


def test_sidebars_inside_sections_are_not_looked_for():
    section = t.Section(2, [t.Text("甲")], [t.Paragraph([t.Strong([t.Text("框")]), t.Text(" 文")], 5, 3)], 3)
    doc = t.Document([t.Text("T")], [t.Paragraph([t.Text("前。")], 2), section], "t.md", title_line=1)
    assert apply(doc, make_callouts) == doc


def test_sample_has_18_callouts_with_their_titles_and_lines():
    doc = apply(sample_before(make_callouts), make_callouts)
    callouts = [b for b in doc.children if isinstance(b, t.Callout)]
    assert [(c.line, plain_text(c.title)) for c in callouts] == [
        (47, "国资背景投资公司运行机制改革"),
        (61, "推进上海知识产权交易中心建设"),
        (71, "移动智能办公平台"),
        (86, "科技创新公共服务平台"),
        (100, "上海市云计算产业基地"),
        (114, "国家数字出版基地（虹口园区）"),
        (124, "环同济知识经济圈"),
        (136, "“市区联动”工作会商会议"),
        (154, "“江南智造”创意设计产业集群区"),
        (166, "现代服务业科技支撑创新平台"),
        (176, "上海高校技术市场洽谈会宝山专场"),
        (186, "2010上海高端装备制造科技创新论坛"),
        (208, "上海物联网中心建设"),
        (222, "枫泾新能源产业基地"),
        (232, "松江区科技项目立项大会"),
        (250, "青浦区科技奖励暨2010年科技工作大会"),
        (262, "院士专家工作站"),
        (274, "崇明国家可持续发展实验区建设"),
    ]
    assert plain_text(callouts[0].children).startswith("浦东新区制定了《通过浦东科投")
    assert plain_text(callouts[9].children).startswith("静安区大胆实践以科技支撑")


def test_sample_callout_bodies_do_not_start_with_a_space():
    doc = apply(sample_before(make_callouts), make_callouts)
    for callout in (b for b in doc.children if isinstance(b, t.Callout)):
        assert not plain_text(callout.children)[0].isspace(), callout.line


def test_sample_gives_one_callout_finding_per_sidebar_and_nothing_else():
    findings = Findings("sample.txt")
    apply(sample_before(make_callouts), make_callouts, findings=findings)
    assert [f.code for f in findings.items] == ["callout-recovered"] * 18


# ---------------------------------------------------------------- issue 13: spacing relative to the file


def test_double_spaced_crlf_export_has_no_sidebars(tmp_path):
    """`\\r\\r\\n` line ends (a double-spaced export) put three blank lines between all paragraphs:
    measured against the file's own spacing, none of them is a sidebar; a real sidebar there
    (seven blank lines, and a title) still is."""
    from compiler.readers.markdown import read_document
    from compiler.readers.source import read_source

    lines = ["# 第一章 概况", "", "上海市科技工作取得新进展。", "", "全年专利授权增长。", "", "科技投入持续增加。", "",
             "企业创新能力提升。", "", "人才队伍不断壮大。", "", "", "", "**云计算产业基地** 8月17日，揭牌。", "",
             "区域合作深入推进。"]
    path = tmp_path / "double.txt"
    path.write_bytes("\r\r\n".join(lines).encode("utf-8") + b"\r\r\n")
    source = read_source(path)
    findings = Findings(source.name)
    doc = read_document(source, findings)
    gaps = [b.blank_lines_before for b in doc.children]
    assert gaps[1:5] == [3, 3, 3, 3] and 7 in gaps
    out = apply(doc, make_callouts, findings=findings)
    assert kinds(out.children).count("Callout") == 1
    assert plain_text(next(b for b in out.children if isinstance(b, t.Callout)).title) == "云计算产业基地"


def test_a_file_with_three_blank_lines_between_all_paragraphs_has_no_sidebars():
    doc, findings = callouts_of("# T\n\n" + "\n\n\n\n".join(["甲。", "**乙** 乙文。", "丙。", "丁 戊。", "己。"]) + "\n")
    assert "Callout" not in kinds(doc.children)
    assert findings.items == []


def test_keep_marker_keeps_a_sidebar_candidate_a_paragraph():
    doc, findings = callouts_of(LEAD + "\n\n\n<!-- reportc: keep -->\n**框题** 框内文字。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]


def test_front_matter_switches_callout_recovery_off():
    doc, _ = callouts_of("---\nrecover_callouts: false\n---\n" + LEAD + "\n\n\n**框题** 框内文字。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]


def test_callouts_its_author_wrote_are_left_alone():
    authored = t.Callout([t.Text("专家点评")], [], 5, 3, kind="info", blocks=[t.Paragraph([t.Text("点评。")], 6)])
    doc = t.Document([t.Text("T")], [t.Paragraph([t.Text("前。")], 3), authored], "t.md", title_line=1)
    assert apply(doc, make_callouts) == doc
