"""Unit tests for compiler.transforms.headless_sections (place_name and recover_headless_sections),
alone except where nesting is needed to show the result.

Covers: districts named with any place name, not only Shanghai's (海淀区, 朝阳区, 密云县, 株洲市,
浦东新区); paragraphs starting with 各区县 / 区县 / 全市 / 本区 / common words (社区, 城市) are not
sections; enumerations (`海淀区、朝阳区…`, `海淀区和朝阳区`) are not; a bold lead-in is not;
fewer than two candidates → no change; the same district named again is not a new section;
recovered headings sit at the level of the chapter's top headings and carry the paragraph's
line; with nesting, the overview's ### subsection is closed by the first district; the 18
districts of the sample.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.transforms.headless_sections import place_name, recover_headless_sections
from compiler.transforms.sections import nest_sections

from helpers import apply, kinds, read_apply, sample_before

OVERVIEW = "# T\n\n## 概述\n\n总体情况。\n\n"


def recover(body: str, prefix: str = OVERVIEW) -> tuple[t.Document, t.Document]:
    before, findings = read_apply(prefix + body)
    out = apply(before, recover_headless_sections, findings=findings)
    assert findings.items == []
    return out, before


def recovered(doc: t.Document) -> list[tuple[int, str, int]]:
    """(level, title, line) of every recovered heading."""
    return [
        (b.level, plain_text(b.children), b.line)
        for b in doc.children
        if isinstance(b, t.Heading) and b.recovered
    ]


def name_of(text: str) -> str | None:
    return place_name(t.Paragraph([t.Text(text)], 1))


@pytest.mark.parametrize(
    "text, name",
    [
        ("海淀区围绕中关村建设。", "海淀区"),
        ("朝阳区以国际化为特色。", "朝阳区"),
        ("密云县以生态为主。", "密云县"),
        ("株洲市推进产业升级。", "株洲市"),
        ("浦东新区围绕“聚焦结构调整”。", "浦东新区"),
        ("崇明县以崇明国家可持续发展实验区建设为契机。", "崇明县"),
        ("虹口区围绕“一区一街一圈”（北外滩）。", "虹口区"),
        ("闵行区出台《闵行区加快推进高新技术产业化的政策意见》。", "闵行区"),
    ],
)
def test_place_name_recognises_districts_counties_and_cities(text, name):
    assert name_of(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "各区县发挥各自的优势。",
        "区县科技创新工作受到国家科技部的充分肯定。",
        "全市科技投入增加。",
        "本区推进建设。",
        "该市以生态为主。",
        "海淀区、朝阳区共同推进。",
        "海淀区和朝阳区合作。",
        "开源社区发展迅速。",
        "智慧城市建设稳步推进。",
        "为进一步优化区县创新创业环境。",
        "集成利用市区两级资源。",
        "海淀区",
        "2010年，上海18个区县。",
    ],
)
def test_place_name_rejects_non_place_openings(text):
    assert name_of(text) is None


def test_place_name_needs_plain_text_at_the_start():
    assert place_name(t.Paragraph([t.Strong([t.Text("海淀区")]), t.Text("围绕中关村建设。")], 1)) is None
    assert place_name(t.Paragraph([], 1)) is None


def test_districts_with_other_place_names_get_recovered_headings():
    out, _ = recover(
        "海淀区围绕中关村建设。\n\n**要点。**内容。\n\n朝阳区以国际化为特色。\n\n"
        "密云县以生态为主。\n\n株洲市推进产业升级。\n\n浦东新区深化改革。\n"
    )
    assert recovered(out) == [
        (2, "海淀区", 7), (2, "朝阳区", 11), (2, "密云县", 13), (2, "株洲市", 15), (2, "浦东新区", 17),
    ]


def test_recovered_heading_stands_right_before_its_paragraph_with_its_blank_lines():
    out, _ = recover("海淀区围绕中关村建设。\n\n\n朝阳区以国际化为特色。\n")
    assert kinds(out.children) == ["Heading", "Paragraph", "Heading", "Paragraph", "Heading", "Paragraph"]
    assert out.children[2] == t.Heading(2, [t.Text("海淀区")], 7, 1, recovered=True)
    assert out.children[3].line == 7
    assert out.children[4] == t.Heading(2, [t.Text("朝阳区")], 10, 2, recovered=True)


def test_overview_paragraphs_starting_with_general_words_are_not_sections():
    out, before = recover("各区县发挥优势。\n\n区县科技工作受到肯定。\n\n全市科技投入增加。\n")
    assert out == before


def test_enumerations_of_districts_are_not_sections():
    out, before = recover("海淀区、朝阳区共同推进。\n\n海淀区和朝阳区合作。\n\n朝阳区与海淀区及密云县等。\n")
    assert out == before


def test_bold_district_names_are_not_recovered():
    out, before = recover("**海淀区**围绕中关村建设。\n\n**朝阳区**以国际化为特色。\n")
    assert out == before


def test_one_candidate_is_not_a_series_and_changes_nothing():
    out, before = recover("海淀区围绕中关村建设。\n\n正文。\n")
    assert out == before


def test_same_district_named_twice_is_one_candidate_and_changes_nothing():
    out, before = recover("海淀区围绕中关村建设。\n\n海淀区继续推进。\n")
    assert out == before


def test_same_district_named_again_inside_its_report_is_not_a_new_section():
    out, _ = recover("海淀区围绕中关村建设。\n\n海淀区继续推进。\n\n朝阳区以国际化为特色。\n")
    assert recovered(out) == [(2, "海淀区", 7), (2, "朝阳区", 11)]


def test_recovered_level_follows_the_chapter_top_heading_level():
    out, _ = recover("海淀区围绕。\n\n朝阳区以。\n", prefix="# T\n\n### 概述\n\n总。\n\n#### 小节\n\n小。\n\n")
    assert [level for level, _, _ in recovered(out)] == [3, 3]


def test_chapter_without_headings_recovers_at_level_two():
    out, _ = recover("海淀区围绕中关村建设。\n\n朝阳区以国际化为特色。\n", prefix="# T\n\n")
    assert recovered(out) == [(2, "海淀区", 3), (2, "朝阳区", 5)]


def test_districts_that_each_have_their_own_top_heading_are_left_alone():
    out, before = recover(
        "海淀区围绕中关村。\n\n## 朝阳区\n\n朝阳区以国际化。\n", prefix="# T\n\n## 海淀区\n\n"
    )
    assert out == before


def test_districts_under_their_own_subheadings_get_no_duplicate_sections():
    out, before = recover(
        "### 海淀区\n\n海淀区围绕中关村。\n\n### 朝阳区\n\n朝阳区以国际化。\n", prefix="# T\n\n## 各区县\n\n"
    )
    assert recovered(out) == []
    assert out == before


def test_first_district_closes_the_overview_subsection_once_nested():
    doc, _ = recover(
        "### 小节\n\n小节内容。\n\n海淀区围绕中关村建设。\n\n**要点。**内容。\n\n朝阳区以国际化为特色。\n"
    )
    nested = apply(doc, nest_sections)
    top = [(s.level, plain_text(s.title), s.recovered) for s in nested.children]
    assert top == [(2, "概述", False), (2, "海淀区", True), (2, "朝阳区", True)]
    overview = nested.children[0]
    assert kinds(overview.children) == ["Paragraph", "Section"]
    assert plain_text(overview.children[1].title) == "小节"
    assert [plain_text(p.children) for p in overview.children[1].children] == ["小节内容。"]
    assert [plain_text(p.children) for p in nested.children[1].children] == ["海淀区围绕中关村建设。", "要点。内容。"]


def test_already_nested_document_is_returned_unchanged():
    section = t.Section(2, [t.Text("概述")], [], 3)
    paragraphs = [t.Paragraph([t.Text("海淀区围绕。")], 5), t.Paragraph([t.Text("朝阳区以。")], 7)]
    doc = t.Document([t.Text("T")], [section, *paragraphs], "t.md", title_line=1)
    assert apply(doc, recover_headless_sections) is doc


SAMPLE_DISTRICTS = [
    ("浦东新区", 35), ("徐汇区", 49), ("长宁区", 63), ("普陀区", 78), ("闸北区", 90), ("虹口区", 102),
    ("杨浦区", 116), ("黄浦区", 128), ("卢湾区", 142), ("静安区", 156), ("宝山区", 168), ("闵行区", 180),
    ("嘉定区", 194), ("金山区", 210), ("松江区", 224), ("青浦区", 240), ("奉贤区", 254), ("崇明县", 266),
]


def test_sample_recovers_the_18_districts_at_level_two():
    doc = apply(sample_before(recover_headless_sections), recover_headless_sections)
    assert recovered(doc) == [(2, name, line) for name, line in SAMPLE_DISTRICTS]


def test_sample_overview_paragraphs_naming_districts_mid_sentence_are_not_sections():
    doc = apply(sample_before(recover_headless_sections), recover_headless_sections)
    first = next(i for i, b in enumerate(doc.children) if isinstance(b, t.Heading) and b.recovered)
    assert all(b.line < 35 for b in doc.children[:first])
