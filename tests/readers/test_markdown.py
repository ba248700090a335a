"""Unit tests for compiler.reader: chapter text → flat document tree.

Covers the sample (title, block line numbers, blank lines before blocks, all 87 bold spans,
a flat tree with no sections or callouts yet) and small inputs for the source forms a chapter
may use: front matter, headings, fenced and indented code, loose and ordered lists, block
quotes, tables, HTML comments (dropped), raw HTML (kept as RawBlock/RawInline, never
interpreted), entities, and the findings the reader itself emits.
"""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.model.traverse import plain_text

from helpers import SAMPLE, count_inline, kinds, messages, only, paragraph_texts, read, read_sample

# ---------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample():
    return read_sample()


def _block_at(doc: t.Document, line: int) -> t.Block:
    found = [b for b in doc.children if b.line == line]
    assert len(found) == 1, f"no single top-level block at line {line}: {[(type(b).__name__, b.line) for b in found]}"
    return found[0]


def test_sample_title_is_the_first_level_one_heading_and_is_removed_from_the_body(sample):
    doc, findings = sample
    assert plain_text(doc.title) == "第十一章 区县科技创新"
    assert doc.title_line == 3
    assert not any(isinstance(b, t.Heading) and b.level == 1 for b in doc.children)
    assert doc.language == "zh-Hans"
    assert doc.meta == {}
    assert findings.items == []


def test_sample_reader_output_is_flat_with_no_sections_callouts_or_run_ins(sample):
    doc, _ = sample
    assert not any(isinstance(b, (t.Section, t.Callout, t.KeyPoints)) for b in doc.children)
    assert count_inline(doc.children, t.RunIn) == 0


def test_sample_block_kinds_and_counts(sample):
    doc, _ = sample
    names = kinds(doc.children)
    assert names[0] == "BulletList"
    assert names.count("Heading") == 2
    assert names.count("BulletList") == 1
    assert names.count("Paragraph") == len(doc.children) - 3
    assert len(doc.children) == 116  # 1 list, 2 headings, 113 paragraphs (one per non-blank line)


def test_sample_overview_heading_is_on_line_11(sample):
    doc, _ = sample
    heading = _block_at(doc, 11)
    assert isinstance(heading, t.Heading)
    assert heading.level == 2
    assert plain_text(heading.children) == "概述"


def test_sample_subsection_heading_is_on_line_19_at_level_3(sample):
    doc, _ = sample
    heading = _block_at(doc, 19)
    assert isinstance(heading, t.Heading)
    assert heading.level == 3
    assert plain_text(heading.children) == "“市区联动”促进创新发展"


def test_sample_key_point_list_starts_on_line_5_with_five_items(sample):
    doc, _ = sample
    first = doc.children[0]
    assert isinstance(first, t.BulletList)
    assert first.line == 5
    assert not first.ordered
    assert [plain_text(item.children[0].children) for item in first.items] == [
        "深化“市区联动”机制",
        "培育区县科技创新集群",
        "促进科技金融体系建设",
        "推进杨浦国家创新型试点城区建设",
        "推进浦东、闵行国家科技进步示范区建设",
    ]


def test_sample_key_point_items_carry_their_own_source_lines(sample):
    doc, _ = sample
    assert [item.line for item in doc.children[0].items] == [5, 6, 7, 8, 9]


def test_sample_paragraph_line_numbers(sample):
    doc, _ = sample
    first = _block_at(doc, 13)
    assert isinstance(first, t.Paragraph)
    assert plain_text(first.children).startswith("2010年,上海18个区县")
    sidebar = _block_at(doc, 47)
    assert isinstance(sidebar, t.Paragraph)
    assert plain_text(sidebar.children[0]) == "国资背景投资公司运行机制改革"
    assert plain_text(_block_at(doc, 232).children).startswith("松江区科技项目立项大会")
    assert plain_text(_block_at(doc, 234).children).startswith("高新技术成果转化项目270项")
    last = doc.children[-1]
    assert last.line == 276
    assert plain_text(last.children).startswith("推进企业科技进步。")


def test_sample_every_block_line_points_at_its_source_line(sample):
    doc, _ = sample
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for block in doc.children:
        if isinstance(block, (t.Paragraph, t.Heading)):
            probe = plain_text(block.children)[:6]
            assert probe in lines[block.line - 1].replace("**", ""), (block.line, probe)


def test_sample_sidebars_have_three_blank_lines_before(sample):
    doc, _ = sample
    sidebars = [b.line for b in doc.children if b.blank_lines_before >= 3]
    assert sidebars == [47, 61, 71, 86, 100, 114, 124, 136, 154, 166, 176, 186, 208, 222, 232, 250, 262, 274]
    assert all(b.blank_lines_before == 3 for b in doc.children if b.line in sidebars)


def test_sample_ordinary_blocks_have_one_blank_line_before(sample):
    doc, _ = sample
    assert _block_at(doc, 11).blank_lines_before == 1
    assert _block_at(doc, 13).blank_lines_before == 1
    assert _block_at(doc, 49).blank_lines_before == 1
    assert _block_at(doc, 234).blank_lines_before == 1


def test_sample_line_holding_one_space_counts_as_blank_and_makes_no_block(sample):
    doc, _ = sample
    # line 72 is empty, line 73 holds one space: two blank lines, so not a sidebar
    assert not any(b.line == 73 for b in doc.children)
    after = _block_at(doc, 74)
    assert after.blank_lines_before == 2
    assert isinstance(after.children[0], t.Strong)
    assert plain_text(after.children[0]) == "推进企业自主创新。"


def test_sample_all_87_bold_spans_are_read(sample):
    doc, _ = sample
    assert count_inline(doc.children, t.Strong) == 87


def test_sample_bold_between_cjk_punctuation_and_han_is_read(sample):
    doc, _ = sample
    paragraph = _block_at(doc, 25)
    assert kinds(paragraph.children) == ["Strong", "Text"]
    assert plain_text(paragraph.children[0]) == "推进区县创新发展。"
    assert paragraph.children[1].text.startswith("“市区联动”结合区县特色活动和项目")


def test_sample_unbolded_sidebar_is_a_plain_text_paragraph(sample):
    doc, _ = sample
    paragraph = _block_at(doc, 166)
    assert kinds(paragraph.children) == ["Text"]
    assert paragraph.children[0].text.startswith("现代服务业科技支撑创新平台 静安区大胆实践")
    assert paragraph.blank_lines_before == 3


def test_sample_keeps_ascii_punctuation_for_the_passes_to_fix(sample):
    doc, _ = sample
    assert "2010年,上海18个区县" in plain_text(_block_at(doc, 13).children)


# ---------------------------------------------------------------- titles and front matter


def test_first_level_one_heading_becomes_title_and_later_ones_a_section():
    doc, findings = read("# 第一章 甲\n\n正文。\n\n# 第二个一级标题\n")
    assert plain_text(doc.title) == "第一章 甲"
    assert doc.title_line == 1
    assert kinds(doc.children) == ["Paragraph", "Heading"]
    assert doc.children[1].level == 2  # a top section of the chapter (tests/readers/test_titles.py)
    assert doc.children[1].line == 5
    assert [(f.line, f.level) for f in findings.items] == [(5, "info")]


def test_missing_title_uses_file_stem_and_warns_on_line_1():
    doc, findings = read("正文。\n", name="chapter-7.md")
    assert plain_text(doc.title) == "chapter-7"
    assert doc.title_line == 0
    assert messages(findings) == [(1, "warning", "no '# ' chapter title; the file name is used as the title")]


def test_front_matter_is_parsed_into_meta_and_not_read_as_text():
    doc, findings = read('---\ntitle: 第一章\nlang: zh-Hant\nauthor: "张三"\n---\n\n正文。\n')
    assert doc.meta == {"title": "第一章", "lang": "zh-Hant", "author": "张三"}
    assert doc.language == "zh-Hant"
    assert plain_text(doc.title) == "第一章"
    assert kinds(doc.children) == ["Paragraph"]
    assert doc.children[0].line == 7
    assert findings.items == []


def test_front_matter_title_yields_to_a_level_one_heading():
    doc, _ = read("---\ntitle: 元数据标题\n---\n\n# 正文标题\n\n正文。\n")
    assert plain_text(doc.title) == "正文标题"
    assert doc.title_line == 5
    assert doc.meta["title"] == "元数据标题"


def test_unterminated_front_matter_is_not_front_matter():
    doc, _ = read("---\ntitle: 甲\n\n# 标题\n")
    assert doc.meta == {}
    assert plain_text(doc.title) == "标题"


def test_heading_levels_and_lines():
    doc, _ = read("# T\n\n## 二级\n### 三级\n\n#### 四级\n")
    assert [(b.level, plain_text(b.children), b.line) for b in doc.children] == [
        (2, "二级", 3), (3, "三级", 4), (4, "四级", 6),
    ]
    assert not any(b.recovered for b in doc.children)


# ---------------------------------------------------------------- blank lines and grouping


def test_blank_lines_before_are_counted_including_whitespace_only_lines():
    doc, _ = read("# T\n\n甲。\n\n \n\u3000\n\n乙。\n")
    assert [(b.line, b.blank_lines_before) for b in doc.children] == [(3, 1), (8, 4)]


def test_soft_line_breaks_stay_in_one_paragraph():
    doc, _ = read("# T\n\n上海\n北京\n")
    assert kinds(doc.children) == ["Paragraph"]
    assert plain_text(doc.children[0].children) == "上海\n北京"


def test_fenced_code_with_blank_lines_is_one_block_not_split_into_paragraphs():
    doc, findings = read("# T\n\n```python\na = 1\n\n\n\nb = 2\n```\n\n后文。\n")
    assert len(doc.children) == 2
    assert doc.children[0].line == 3
    assert doc.children[1].line == 11
    assert paragraph_texts(doc.children) == ["后文。"]
    assert findings.items == []


def test_fenced_code_becomes_a_code_block_with_its_language_and_blank_lines():
    doc, _ = read("# T\n\n```python\na = 1\n\n\n\nb = 2\n```\n\n后文。\n")
    code = doc.children[0]
    assert isinstance(code, t.CodeBlock)
    assert code.text == "a = 1\n\n\n\nb = 2"
    assert code.language == "python"
    assert code.line == 3


def test_fenced_code_text_is_unescaped():
    doc, _ = read("# T\n\n~~~\na < b & c\n~~~\n")
    assert doc.children == [t.CodeBlock("a < b & c", 3, "", 1)]


def test_html_inside_fenced_code_is_code_text_not_raw_html():
    doc, _ = read("# T\n\n```html\n<div>块</div>\n```\n")
    assert doc.children == [t.CodeBlock("<div>块</div>", 3, "html", 1)]


def test_indented_code_with_blank_lines_stays_one_code_block():
    doc, _ = read("# T\n\n正文一。\n\n    code\n\n    more\n\n后文。\n")
    assert kinds(doc.children) == ["Paragraph", "CodeBlock", "Paragraph"]
    code = doc.children[1]
    assert code.text == "code\n\nmore"
    assert code.line == 5


def test_unclosed_code_fence_is_an_error_at_its_line():
    _, findings = read("# T\n\n正文。\n\n```\nunclosed\n\n正文\n")
    assert messages(findings) == [
        (5, "error", "code fence opened here is never closed: the rest of the chapter would be read as code")
    ]


def test_closed_code_fence_gives_no_error():
    _, findings = read("# T\n\n```\ncode\n```\n")
    assert findings.items == []


def test_loose_list_stays_one_list():
    doc, _ = read("# T\n\n- 一\n\n- 二\n\n- 三\n\n后文。\n")
    assert kinds(doc.children) == ["BulletList", "Paragraph"]
    lst = doc.children[0]
    assert [plain_text(item.children[0].children) for item in lst.items] == ["一", "二", "三"]
    assert [item.line for item in lst.items] == [3, 5, 7]
    assert doc.children[1].line == 9


def test_loose_list_item_with_four_space_continuation_paragraph_stays_one_list():
    doc, _ = read("# T\n\n- 一\n\n- 二\n\n    续段\n\n- 三\n\n后文。\n")
    assert kinds(doc.children) == ["BulletList", "Paragraph"]
    items = doc.children[0].items
    assert len(items) == 3
    assert paragraph_texts(items[1].children) == ["二", "续段"]


def test_loose_list_item_with_two_space_continuation_paragraph_stays_one_list():
    doc, _ = read("# T\n\n- 一\n\n- 二\n\n  续段\n\n- 三\n\n后文。\n")
    assert kinds(doc.children) == ["BulletList", "Paragraph"]
    assert paragraph_texts(doc.children[0].items[1].children) == ["二", "续段"]


def test_loose_list_item_paragraphs_carry_the_item_line():
    doc, _ = read("# T\n\n- 一\n\n- 二\n\n- 三\n")
    assert [item.children[0].line for item in doc.children[0].items] == [3, 5, 7]


def test_tight_list_item_lines():
    doc, _ = read("# T\n\n- 一\n- 二\n- 三\n")
    assert [item.line for item in doc.children[0].items] == [3, 4, 5]


def test_list_item_lines_with_longer_items():
    doc, _ = read("# T\n\n1. 第一项目\n2. 第二项目\n")
    assert [item.line for item in doc.children[0].items] == [3, 4]


def test_ordered_list_keeps_its_start_number():
    doc, _ = read("# T\n\n3. 甲\n4. 乙\n")
    lst = doc.children[0]
    assert lst.ordered
    assert lst.start == 3
    assert [plain_text(item.children[0].children) for item in lst.items] == ["甲", "乙"]


def test_list_interrupting_a_paragraph_starts_a_list():
    doc, _ = read("# T\n\n正文一行\n- 列表\n")
    assert kinds(doc.children) == ["Paragraph", "BulletList"]
    assert [b.line for b in doc.children] == [3, 4]


def test_nested_list_is_kept_inside_its_item():
    doc, _ = read("# T\n\n- 一\n- 二\n    - 子\n")
    items = doc.children[0].items
    assert kinds(items[1].children) == ["Paragraph", "BulletList"]
    assert plain_text(items[1].children[1].items[0].children[0].children) == "子"


def test_block_quote_holds_its_paragraphs():
    doc, _ = read("# T\n\n> 引用一\n>\n> 引用二\n")
    quote = only(doc.children, t.BlockQuote)
    assert quote.line == 3
    assert paragraph_texts(quote.children) == ["引用一", "引用二"]


def test_block_quote_first_paragraph_is_on_the_quote_line():
    doc, _ = read("# T\n\n> 引用一号文字\n> 续\n")
    assert doc.children[0].children[0].line == 3


def test_table_header_and_rows():
    doc, _ = read("# T\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n")
    table = only(doc.children, t.Table)
    assert table.line == 3
    assert [plain_text(c) for c in table.header] == ["甲", "乙"]
    assert [[plain_text(c) for c in row] for row in table.rows] == [["1", "2"]]


def test_thematic_break():
    doc, _ = read("# T\n\n甲。\n\n---\n\n乙。\n")
    assert kinds(doc.children) == ["Paragraph", "ThematicBreak", "Paragraph"]
    assert doc.children[1].line == 5


# ---------------------------------------------------------------- inline nodes


def test_inline_nodes_strong_emphasis_code_link_image_and_line_break():
    doc, _ = read("# T\n\n**粗***斜*`a,b`[链](http://x.cn \"题\")![图](p.png)甲  \n乙\n")
    nodes = doc.children[0].children
    assert nodes == [
        t.Strong([t.Text("粗")]),
        t.Emphasis([t.Text("斜")]),
        t.Code("a,b"),
        t.Link("http://x.cn", [t.Text("链")], "题"),
        t.Image("p.png", "图"),
        t.Text("甲"),
        t.LineBreak(),
        t.Text("\n乙"),
    ]


def test_entities_become_text():
    doc, _ = read("# T\n\n正文&amp;继续 &copy; 2010\n")
    assert doc.children[0].children == [t.Text("正文&继续 © 2010")]


def test_paragraph_of_only_an_entity_is_text_not_raw_html():
    doc, _ = read("# T\n\n&nbsp;\n\n正文。\n")
    assert not any(isinstance(b, t.RawBlock) for b in doc.children)
    assert doc.children[0] == t.Paragraph([t.Text("\u00a0")], 3, 1)


# ---------------------------------------------------------------- HTML: comments and raw


def test_block_html_comment_is_dropped():
    doc, _ = read("# T\n\n<!-- 编者注：删 -->\n\n正文。\n")
    assert kinds(doc.children) == ["Paragraph"]
    assert doc.children[0].line == 5
    assert "编者注" not in dump(doc)


def test_inline_html_comment_is_dropped():
    doc, _ = read("# T\n\n正文<!-- 行内注 -->继续。\n")
    assert doc.children[0].children == [t.Text("正文继续。")]


def test_html_comment_spanning_a_blank_line_is_dropped():
    doc, _ = read("# T\n\n<!-- 多行\n\n注释 -->\n\n正文。\n")
    assert paragraph_texts(doc.children) == ["正文。"]


def test_raw_block_html_is_kept_as_raw_block_not_interpreted():
    """HTML off the allow-list (see test_html_allow_list.py for what is on it)."""
    doc, _ = read('# T\n\n<section class="x">块<b>粗</b></section>\n\n<script>alert(1)</script>\n')
    assert doc.children == [
        t.RawBlock('<section class="x">块<b>粗</b></section>', 3, 1),
        t.RawBlock("<script>alert(1)</script>", 5, 1),
    ]


def test_raw_inline_html_is_kept_as_raw_inline_not_interpreted():
    """HTML off the allow-list (see test_html_allow_list.py for what is on it)."""
    doc, _ = read('# T\n\n正文<q style="color:red">红</q>字<blink>粗</blink>。\n')
    assert doc.children[0].children == [
        t.Text("正文"),
        t.RawInline('<q style="color:red">'),
        t.Text("红"),
        t.RawInline("</q>"),
        t.Text("字"),
        t.RawInline("<blink>"),
        t.Text("粗"),
        t.RawInline("</blink>"),
        t.Text("。"),
    ]
    assert count_inline(doc.children, t.Strong) == 0


def test_raw_html_beside_a_block_comment_is_kept_without_the_comment():
    """Python-Markdown stashes `<!-- 注 --><script>丁</script>` as one chunk: the comment goes,
    the HTML after it stays (found by the property test in test_properties.py)."""
    doc, _ = read("# T\n\n甲\n<script>乙</script><!-- 丙 --><script>丁</script>\n")
    raws = [b.html for b in doc.children if isinstance(b, t.RawBlock)]
    assert raws == ["<script>乙</script>", "<script>丁</script>"]


def test_text_python_markdown_would_drop_at_odd_bold_markers_is_kept_as_typed():
    """Python-Markdown reads `丙******丁**` as a bold `*` and drops 丁: the reader sees that text
    went missing, reads the markers as typed and says so."""
    doc, findings = read("# T\n\n甲**乙****丙******丁**\n")
    assert "丁" in plain_text(doc.children[0].children)
    assert messages(findings) == [
        (3, "warning", "bold/italic markers here cannot be read without losing text: they are shown as typed")
    ]
    assert findings.items[0].column == 5  # the first run of three or more markers
