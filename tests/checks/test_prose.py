"""Unit tests for compiler.checks.prose (report_findings, run as the pipeline's check_prose, and
unbalanced), alone.

Covers: an English function word inside Chinese prose (`功能布局 and 空间布局`) gives a warning
at the paragraph's line; meant Latin terms (`RFID`, `iPhone`, `token`) and Latin-only text give
none; unbalanced “ ” （ ） 《 》 and ASCII brackets give a warning naming the mark, balanced ones
none; bold spans do not hide a pair; headings, callouts, sections and key points are checked;
the tree comes back unchanged; the sample's one finding; findings are not repeated on a rerun.

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
