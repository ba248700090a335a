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

from helpers import apply, codes, kinds, problems, read_apply, sample_before

OVERVIEW = "# T\n\n## 概述\n\n总体情况。\n\n"


def recover(body: str, prefix: str = OVERVIEW) -> tuple[t.Document, t.Document]:
    before, findings = read_apply(prefix + body)
    out = apply(before, recover_headless_sections, findings=findings)
    assert problems(findings) == []
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


def test_districts_of_one_city_with_other_place_names_get_recovered_headings():
    out, _ = recover(
        "海淀区围绕中关村建设。\n\n**要点。**内容。\n\n朝阳区以国际化为特色。\n\n"
        "密云县以生态为主。\n\n株洲市推进产业升级。\n\n浦东新区深化改革。\n"
    )
    # 株洲市 (湖南) and 浦东新区 (上海) are no siblings of Beijing's districts: they stay paragraphs
    assert recovered(out) == [(2, "海淀区", 7), (2, "朝阳区", 11), (2, "密云县", 13)]


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


# ---------------------------------------------------------------- the cases of issue 13


def sections_of(text: str) -> list[tuple[int, str, bool]]:
    """(level, title, recovered) of every section, depth first, after recovery and nesting."""
    doc, findings = read_apply(text, recover_headless_sections, nest_sections)
    found = []

    def walk(blocks, depth=0):
        for block in blocks:
            if isinstance(block, t.Section):
                found.append((block.level, plain_text(block.title), block.recovered))
                walk(block.children)
    walk(doc.children)
    return found


def test_regions_are_no_places_and_cut_no_section_short():
    text = ("# T\n\n## 区域经济\n\n东部地区生产总值增长6%。\n\n中部地区增长7%。\n\n"
            "西部地区增长6.5%。\n\n东北地区增长5%。\n")
    assert sections_of(text) == [(2, "区域经济", False)]


@pytest.mark.parametrize("text", [
    "北京市统计局数据显示，增长5%。", "杭州市委书记出席会议。", "深圳市长在会上讲话。", "北京市民积极参与。",
    "重点区域发展加快。", "东部地区增长。", "上海市场活跃。",
])
def test_institutions_people_and_words_are_no_place_openings(text):
    assert name_of(text) is None


def test_institutions_of_two_cities_recover_nothing():
    out, before = recover("北京市统计局数据显示，增长5%。\n\n杭州市委书记出席会议。\n")
    assert out == before


def test_a_district_inside_its_city_is_read_as_the_district():
    assert name_of("北京市海淀区围绕中关村建设。") == "海淀区"
    assert name_of("广东省深圳市南山区推进创新。") == "南山区"
    out, _ = recover("北京市海淀区围绕中关村建设。\n\n北京市朝阳区以国际化为特色。\n")
    assert [title for _, title, _ in recovered(out)] == ["海淀区", "朝阳区"]


@pytest.mark.parametrize("text, name", [
    ("成都市推进产业升级。", "成都市"), ("晋城市推进转型。", "晋城市"), ("于都县以红色旅游为特色。", "于都县"),
    ("全椒县加快发展。", "全椒县"), ("鄂托克旗推进生态建设。", "鄂托克旗"), ("浙江省推进共同富裕。", "浙江省"),
    ("张江镇建设科学城。", "张江镇"), ("南京路街道开展服务。", "南京路街道"), ("闸北区推进建设。", "闸北区"),
    ("卢湾区推进建设。", "卢湾区"), ("崇明县以生态为主。", "崇明县"), ("赵县推进发展。", "赵县"),
])
def test_gazetteer_names_are_recognised(text, name):
    assert name_of(text) == name


def test_cities_ending_in_cheng_and_du_form_a_series():
    out, _ = recover("成都市推进产业升级。\n\n自贡市加快发展。\n\n攀枝花市推进转型。\n")
    assert [title for _, title, _ in recovered(out)] == ["成都市", "自贡市", "攀枝花市"]


def test_counties_and_banners_form_series_of_their_parents():
    assert [x for _, x, _ in recovered(recover("于都县以红色旅游为特色。\n\n瑞金市推进发展。\n\n兴国县加快。\n")[0])] == [
        "于都县", "瑞金市", "兴国县"]
    assert [x for _, x, _ in recovered(recover("鄂托克旗推进生态建设。\n\n鄂托克前旗加快发展。\n")[0])] == [
        "鄂托克旗", "鄂托克前旗"]
    assert [x for _, x, _ in recovered(recover("浙江省推进共同富裕。\n\n江苏省加快发展。\n")[0])] == [
        "浙江省", "江苏省"]
    assert [x for _, x, _ in recovered(recover("张江镇建设科学城。\n\n川沙新镇推进发展。\n")[0])] == [
        "张江镇", "川沙新镇"]


def test_cities_of_different_provinces_are_no_series():
    text = ("# T\n\n## 国内外比较\n\n### 国内城市\n\n深圳市研发投入强度5%。\n\n杭州市数字经济领先。\n\n"
            "苏州市制造业发达。\n\n### 国际城市\n\n东京研发投入高。\n")
    assert sections_of(text) == [(2, "国内外比较", False), (3, "国内城市", False), (3, "国际城市", False)]


def test_series_right_under_a_subheading_nests_below_it_and_moves_no_later_heading():
    text = ("# T\n\n## 国内外比较\n\n### 苏南城市\n\n苏州市制造业发达。\n\n无锡市物联网领先。\n\n"
            "常州市新能源集聚。\n\n### 国际城市\n\n东京研发投入高。\n")
    assert sections_of(text) == [
        (2, "国内外比较", False), (3, "苏南城市", False), (4, "苏州市", True), (4, "无锡市", True), (4, "常州市", True),
        (3, "国际城市", False)]


def test_series_after_a_subheading_intro_closed_by_its_sibling_nests_below_it():
    text = ("# T\n\n## 比较\n\n### 苏南城市\n\n三市情况如下。\n\n苏州市制造业发达。\n\n无锡市物联网领先。\n\n"
            "### 苏北城市\n\n徐州市。\n")
    assert sections_of(text) == [
        (2, "比较", False), (3, "苏南城市", False), (4, "苏州市", True), (4, "无锡市", True), (3, "苏北城市", False)]


def test_a_city_and_its_district_are_no_series_and_make_no_duplicate():
    out, before = recover("长沙市经济总量突破万亿。\n\n望城区推进产业发展。\n\n长沙市还加快城市更新。\n",
                          prefix="# 长沙市经济运行\n\n")
    assert out == before
    out, before = recover("长沙市经济总量突破万亿。\n\n望城区推进产业发展。\n\n长沙市还加快城市更新。\n")
    assert out == before


def test_a_city_series_keeps_a_district_inside_its_city_section():
    out, _ = recover("长沙市经济总量突破万亿。\n\n望城区推进产业发展。\n\n株洲市推进产业升级。\n\n"
                     "湘潭市加快发展。\n\n长沙市还加快城市更新。\n")
    assert [x for _, x, _ in recovered(out)] == ["长沙市", "株洲市", "湘潭市"]


def test_the_place_in_the_title_limits_candidates_to_its_children():
    body = "浦东新区深化改革。\n\n徐汇区推进建设。\n\n海淀区围绕中关村。\n\n朝阳区以国际化。\n"
    out, _ = recover(body, prefix="# 上海区县科技创新\n\n")
    assert [x for _, x, _ in recovered(out)] == ["浦东新区", "徐汇区"]
    out, _ = recover(body, prefix="# 北京市区县发展\n\n")
    assert [x for _, x, _ in recovered(out)] == ["海淀区", "朝阳区"]


def test_each_recovered_section_is_an_info_finding_with_its_code():
    doc, findings = read_apply(OVERVIEW + "海淀区围绕中关村建设。\n\n朝阳区以国际化为特色。\n", recover_headless_sections)
    assert [(f.line, f.level, f.code) for f in findings.items] == [(7, "info", "section-recovered"),
                                                                  (9, "info", "section-recovered")]
    assert findings.items[0].message.startswith("section '海淀区' recovered")
    assert "2 divisions of 北京市" in findings.items[0].message


def test_sample_reports_each_recovered_section_at_its_line():
    from compiler.diagnostics import Findings

    findings = Findings("sample.txt")
    apply(sample_before(recover_headless_sections), recover_headless_sections, findings=findings)
    assert [(f.line, f.code) for f in findings.items] == [(line, "section-recovered") for _, line in SAMPLE_DISTRICTS]


# ---------------------------------------------------------------- overrides


def test_keep_marker_before_a_paragraph_keeps_it():
    out, _ = recover("海淀区围绕中关村建设。\n\n<!-- reportc: keep -->\n朝阳区以国际化为特色。\n\n密云县以生态为主。\n")
    assert [x for _, x, _ in recovered(out)] == ["海淀区", "密云县"]
    out, before = recover("海淀区围绕中关村建设。\n\n<!-- reportc: keep -->\n\n朝阳区以国际化为特色。\n")
    assert out == before


def test_front_matter_switches_section_recovery_off():
    out, before = recover("海淀区围绕。\n\n朝阳区以。\n", prefix="---\nrecover_sections: false\n---\n" + OVERVIEW)
    assert out == before


def test_front_matter_section_names_restrict_and_allow_names():
    prefix = "---\nsection_names: [海淀区, 东部地区]\n---\n" + OVERVIEW
    out, _ = recover("海淀区围绕。\n\n朝阳区以。\n\n东部地区增长。\n", prefix=prefix)
    assert [x for _, x, _ in recovered(out)] == ["海淀区", "东部地区"]


def test_a_real_heading_is_never_replaced():
    text = "# T\n\n## 海淀区\n\n海淀区围绕。\n\n## 朝阳区\n\n朝阳区以。\n"
    assert sections_of(text) == [(2, "海淀区", False), (2, "朝阳区", False)]
