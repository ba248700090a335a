"""Unit tests for compiler.checks.prose (report_findings, run as the pipeline's check_prose, and
unbalanced), alone.

Covers: an English function word inside Chinese prose (`功能布局 and 空间布局`) gives a warning
at the paragraph's line; meant Latin terms (`RFID`, `iPhone`, `token`) and Latin-only text give
none; unbalanced “ ” （ ） 《 》 and ASCII brackets give a warning naming the mark, balanced ones
none; bold spans do not hide a pair; headings, callouts, sections and key points are checked;
the tree comes back unchanged; the sample's one finding; findings are not repeated on a rerun.
Issue 16, item 10 (clreq): a quotation over paragraphs that each open with its quote mark, or in
one block quote, gives no warning, one never closed is reported where it opens; enumerators
(`1）`, `2)`, `a)`, `（一）`, `(1)`) opening a paragraph, an item or a clause (`因素：1）…。2）…`)
are no brackets; genuinely unbalanced marks are still reported at their column.

That check_prose leaves its input alone and is idempotent is tested with every transform in
tests/transforms/test_every_transform.py.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.diagnostics import Findings
from compiler.checks.prose import unbalanced
from compiler.transforms import check_prose as report_findings

from helpers import apply, messages, read_apply, sample_before


def findings_for(body: str) -> list[tuple[int, str, str]]:
    doc, findings = read_apply("# T\n\n" + body)
    assert findings.items == []
    out = apply(doc, report_findings, findings=findings)
    assert out is doc
    return messages(findings)


def english(word: str, around: str) -> str:
    return f"English word '{word}' inside Chinese prose ({around}): should it be Chinese?"


def test_english_word_between_chinese_words_is_reported_at_its_line():
    assert findings_for("第一段。\n\n结合功能布局 and 空间布局发展。\n") == [
        (5, "warning", english("and", "功能布局 and 空间布局")),
    ]


def test_each_english_function_word_is_reported():
    assert findings_for("结合 of 上海，甲 the 乙。\n") == [
        (3, "warning", english("of", "结合 of 上海，甲")),
        (3, "warning", english("the", "上海，甲 the 乙。")),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "推广RFID技术。",
        "采用 RFID 技术。",
        "上海 iPhone 手机。",
        "发行 token 的平台。",
        "Hello and world.",
        "上海 and",
        "and 上海",
    ],
)
def test_meant_terms_and_latin_text_give_no_finding(body):
    assert findings_for(body + "\n") == []


def test_english_word_touching_han_without_spaces_is_reported():
    assert findings_for("结合功能布局and空间布局。\n") == [(3, "warning", english("and", "功能布局and空间布局"))]


def test_english_word_in_a_heading_is_reported_at_the_heading_line():
    assert findings_for("## 标题 and 标题\n") == [(3, "warning", english("and", "标题 and 标题"))]


def test_unbalanced_opening_quote_is_reported():
    assert findings_for("他说“好。\n") == [(3, "warning", "unbalanced '“': no matching '”' after it")]


def test_unbalanced_opening_parenthesis_is_reported():
    assert findings_for("示范县（市。\n") == [(3, "warning", "unbalanced '（': no matching '）' after it")]


def test_closing_mark_without_opener_is_reported():
    assert findings_for("》反了《\n") == [(3, "warning", "unbalanced '》': no matching '《' before it")]


@pytest.mark.parametrize("body", ["他说“好”。", "示范县（市）。", "《规划》（2010）“十二五”", "(a[b])"])
def test_balanced_marks_give_no_finding(body):
    assert findings_for(body + "\n") == []


def test_pair_split_across_bold_is_balanced():
    assert findings_for("**甲“乙**丙”\n") == []


def test_only_the_unbalanced_paragraph_is_reported():
    assert findings_for("第一行。\n\n第二“行\n\n第三行。\n") == [
        (5, "warning", "unbalanced '“': no matching '”' after it"),
    ]


def test_crossed_pairs_are_reported():
    assert unbalanced("“（”）") == "unbalanced '”': no matching '“' before it"


def test_unbalanced_returns_none_when_balanced():
    assert unbalanced("“甲（乙）”") is None
    assert unbalanced("") is None


def test_callouts_sections_and_key_points_are_checked():
    doc = t.Document(
        [t.Text("T")],
        [
            t.KeyPoints([[t.Text("要点“一")]], 3),
            t.Section(2, [t.Text("节（一")], [t.Callout([t.Text("框题")], [t.Text("功能 and 空间")], 9, 3)], 5),
        ],
        "t.md",
        title_line=1,
    )
    findings = Findings("t.md")
    apply(doc, report_findings, findings=findings)
    assert messages(findings) == [
        (3, "warning", "unbalanced '“': no matching '”' after it"),
        (5, "warning", "unbalanced '（': no matching '）' after it"),
        (9, "warning", english("and", "题 功能 and 空间")),
    ]


def test_sample_gives_exactly_the_and_warning_on_line_118():
    findings = Findings("sample.txt")
    before = sample_before(report_findings)
    out = apply(before, report_findings, findings=findings)
    assert out is before
    assert messages(findings) == [(118, "warning", english("and", "功能布局 and 空间布局"))]


def test_running_twice_does_not_repeat_findings():
    findings = Findings("sample.txt")
    before = sample_before(report_findings)
    apply(before, report_findings, report_findings, findings=findings)
    assert len(findings.items) == 1


# ---------------------------------------------------------------- clreq quotations and enumerators (issue 16, item 10)

UNCLOSED_CORNER = "unbalanced '「': no matching '」' after it"


def located(body: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of each finding of the prose check on `# T` + `body`."""
    doc, findings = read_apply("# T\n\n" + body)
    apply(doc, report_findings, findings=findings)
    return [(f.line, f.column, f.message) for f in findings.items]


def test_a_quotation_over_paragraphs_each_opening_with_the_quote_mark_is_balanced():
    """The defect: each paragraph of a clreq quotation 「…  「…  「…」 was warned as unbalanced."""
    assert located("他写道：「甲乙，\n\n「丙丁，\n\n「戊己。」\n\n后文。\n") == []
    assert located("“第一段，\n\n“第二段。”\n") == []
    assert located("『第一段，\n\n『第二段。』\n") == []


def test_a_quotation_over_paragraphs_of_one_block_quote_is_balanced():
    """The defect: 「 at the end of the quote's first paragraph and 」 in its second were each warned."""
    assert located("> 「第一段引文，\n>\n> 第二段引文。」\n") == []
    assert located("> 「第一段，\n>\n> 「第二段，\n>\n> 第三段。」\n") == []
    assert located("> （第一段，\n>\n> 第二段。）\n") == []


def test_a_quotation_that_never_closes_is_reported_where_it_opens():
    assert located("他写道：「甲乙，\n\n「丙丁，\n\n戊己。\n") == [(3, 5, UNCLOSED_CORNER)]
    assert located("> 「第一段，\n>\n> 第二段。\n") == [(3, 3, UNCLOSED_CORNER)]


def test_a_quotation_does_not_run_on_out_of_its_block_quote_or_into_another_block():
    assert located("> 「引文，\n\n第二段。」\n") == [
        (3, 3, UNCLOSED_CORNER), (5, 5, "unbalanced '」': no matching '「' before it"),
    ]
    assert located("「段落，\n\n## 「标题」\n") == [(3, 1, UNCLOSED_CORNER)]
    assert located("- 「甲，\n- 「乙。」\n") == [(3, 3, UNCLOSED_CORNER)]


def test_a_bracket_does_not_run_on_into_a_paragraph_opening_with_it():
    assert located("示范县（市，\n\n（注）说明。\n") == [(3, 4, "unbalanced '（': no matching '）' after it")]


def test_a_stray_closing_mark_in_a_continued_paragraph_is_reported_at_its_column():
    assert located("「甲，\n\n「乙》丙。」\n") == [(5, 3, "unbalanced '》': no matching '《' before it")]


@pytest.mark.parametrize("body", [
    "1）第一项。", "2)第二项。", "12）第十二项。", "a)英文项。", "B）大写项。", "iv）罗马数字项。",
    "（一）总则。", "(1)细则。", "（1)混写。", "- 1）列表项。\n- b) 列表项。", "1. 1）有序列表中的项。",
])
def test_enumerators_at_a_paragraphs_or_items_start_are_not_brackets(body):
    """The defect: `1）`, `a)` opening a paragraph or item were warned as unbalanced '）'."""
    assert located(body + "\n") == []


@pytest.mark.parametrize("body", [
    "这主要得益于以下几个因素：1）降低的技术门槛。2）成本效益。3）创新与灵活性。",  # the corpus's case
    "包括：a）甲；b）乙，c) 丙。",
    "要求如下： 1）甲。",
])
def test_enumerators_opening_a_clause_are_not_brackets(body):
    assert located(body + "\n") == []


def test_unbalanced_marks_after_an_enumerator_are_still_reported_at_their_column():
    assert located("1）示范县（市。\n") == [(3, 6, "unbalanced '（': no matching '）' after it")]
    assert located("甲1）乙。\n") == [(3, 3, "unbalanced '）': no matching '（' before it")]
    assert located("因素：1）甲】乙。\n") == [(3, 7, "unbalanced '】': no matching '【' before it")]
    assert located("因素：第1）甲。\n") == [(3, 6, "unbalanced '）': no matching '（' before it")]


def test_unbalanced_skips_an_opening_enumerator():
    assert unbalanced("1）甲") is None
    assert unbalanced("甲）") == "unbalanced '）': no matching '（' before it"
