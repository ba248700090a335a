"""The reader's fenced divs and GitHub alerts (issue #12).

`::: info 专家点评` … `:::` (VuePress), `::: {.callout-note title="说明"}` (Quarto), `::: warning`
→ a Callout of that kind holding blocks read from their own lines; `:::center` and its kin →
Centered; nested divs; a div never closed (a warning, it runs to the end) and a stray closing
fence (dropped, an info finding). `> [!NOTE]` … → a Callout of kind "note"."""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text, tree_text
from compiler.readers.containers import div_kind

from helpers import kinds, messages, read


@pytest.mark.parametrize("info, expected", [
    ("info 专家点评", ("info", "专家点评", False)),
    ("info", ("info", "", False)),
    ("Warning", ("warning", "", False)),
    ('{.callout-note title="说明"}', ("note", "说明", False)),
    ("{.callout-tip}", ("tip", "", False)),
    ("callout-important 要点", ("important", "要点", False)),
    ("{#special .sidebar}", ("sidebar", "", False)),
    ("{#special}", ("", "", False)),
    ("center", ("center", "", True)),
    ("align-center", ("align-center", "", True)),
    ("text-center", ("text-center", "", True)),
    ("{.centered}", ("centered", "", True)),
    ("details 点击展开 :::", ("details", "点击展开", False)),
    ("注意 小心", ("注意", "小心", False)),
])
def test_div_kind_reads_the_opening_line(info, expected):
    assert div_kind(info) == expected


def test_a_vuepress_callout_holds_its_blocks_on_their_lines():
    text = "# T\n\n::: info 专家点评\n**张三**：区域协调发展成效**明显**。\n\n第二段点评。\n:::\n\n后文。\n"
    doc, findings = read(text)
    assert kinds(doc.children) == ["Callout", "Paragraph"]
    box = doc.children[0]
    assert (box.kind, plain_text(box.title), box.children, box.line) == ("info", "专家点评", [], 3)
    assert kinds(box.blocks) == ["Paragraph", "Paragraph"]
    assert [b.line for b in box.blocks] == [4, 6]
    assert kinds(box.blocks[0].children) == ["Strong", "Text", "Strong", "Text"]
    assert doc.children[1].line == 9
    assert findings.items == []


@pytest.mark.parametrize("opening, kind, title", [
    ('::: {.callout-note title="说明"}', "note", "说明"),
    ("::: {.callout-tip}", "tip", ""),
    ("::: warning", "warning", ""),
    ("::: danger 危险", "danger", "危险"),
    ("::: {#special .sidebar}", "sidebar", ""),
])
def test_callout_kinds_and_titles(opening, kind, title):
    doc, _ = read(f"# T\n\n{opening}\n内容。\n:::\n")
    box = doc.children[0]
    assert isinstance(box, t.Callout)
    assert (box.kind, plain_text(box.title)) == (kind, title)
    assert box.title == ([t.Text(title)] if title else [])
    assert kinds(box.blocks) == ["Paragraph"]


@pytest.mark.parametrize("opening", [":::center", "::: center", "::: align-center", "::: {.text-center}"])
def test_centring_divs_are_centered_blocks(opening):
    doc, _ = read(f"# T\n\n{opening}\n居中文字。\n:::\n")
    assert kinds(doc.children) == ["Centered"]
    assert plain_text(doc.children[0].children[0].children) == "居中文字。"


def test_words_after_a_centring_fence_are_kept_as_its_first_paragraph():
    doc, _ = read("# T\n\n::: center 图 1 标题\n![](a.png)\n:::\n")
    centred = doc.children[0]
    assert kinds(centred.children) == ["Paragraph", "Paragraph"]
    assert (plain_text(centred.children[0].children), centred.children[0].line) == ("图 1 标题", 3)


def test_the_bytebook_centred_figure_touching_its_fences():
    text = "# T\n\n:::center\n  ![](../assets/ELK.png)<br/>\n  图 9-6 整合了消息队列的日志系统\n:::\n\n后文。\n"
    doc, findings = read(text)
    assert kinds(doc.children) == ["Centered", "Paragraph"]
    centred = doc.children[0]
    assert centred.line == 3
    paragraph = centred.children[0]
    assert paragraph.line == 4
    assert kinds(paragraph.children) == ["Image", "LineBreak", "Text"]
    assert "图 9-6 整合了消息队列的日志系统" in paragraph.children[2].text
    assert findings.items == []


def test_nested_divs_each_close_their_own():
    text = ("# T\n\n:::: info 外层\n外层文字。\n::: tip\n内层文字。\n:::\n外层又一段。\n::::\n\n后文。\n")
    doc, findings = read(text)
    assert kinds(doc.children) == ["Callout", "Paragraph"]
    outer = doc.children[0]
    assert kinds(outer.blocks) == ["Paragraph", "Callout", "Paragraph"]
    inner = outer.blocks[1]
    assert (inner.kind, inner.line, [b.line for b in inner.blocks]) == ("tip", 5, [6])
    assert outer.blocks[2].line == 8
    assert findings.items == []


def test_nested_divs_with_equal_fences_close_innermost_first():
    doc, findings = read("# T\n\n::: info\n::: center\n图。\n:::\n说明。\n:::\n")
    outer = doc.children[0]
    assert kinds(outer.blocks) == ["Centered", "Paragraph"]
    assert findings.items == []


def test_a_longer_fence_closes_its_own_div_and_the_one_left_open_inside():
    doc, findings = read("# T\n\n:::: outer\n::: inner\n文字。\n::::\n\n后文。\n")
    assert kinds(doc.children) == ["Callout", "Paragraph"]
    assert kinds(doc.children[0].blocks) == ["Callout"]
    assert messages(findings) == [(4, "warning", "fenced div '::: inner' opened here is never closed: "
                                                 "it ends with the div around it (line 6)")]


def test_a_div_never_closed_runs_to_the_end_with_a_warning_at_its_fence():
    doc, findings = read("# T\n\n前文。\n\n  ::: warning 注意\n文字一。\n\n文字二。\n")
    assert kinds(doc.children) == ["Paragraph", "Callout"]
    assert [plain_text(b.children) for b in doc.children[1].blocks] == ["文字一。", "文字二。"]
    [finding] = findings.items
    assert (finding.line, finding.column, finding.level) == (5, 3, "warning")
    assert "'::: warning 注意'" in finding.message and "never closed" in finding.message


def test_a_stray_closing_fence_is_dropped_with_an_info_finding():
    doc, findings = read("# T\n\n文字。\n:::\n后文。\n")
    assert [plain_text(b.children) for b in doc.children] == ["文字。", "后文。"]
    assert messages(findings) == [(4, "info", "closing ':::' with no fenced div open: dropped")]
    assert findings.items[0].column == 1


def test_a_pipe_table_right_after_a_fence_is_a_table():
    doc, _ = read("# T\n\n::: info\n| 指标 | 数值 |\n|---|---:|\n| 研发 | 4.4 |\n:::\n")
    box = doc.children[0]
    assert kinds(box.blocks) == ["Table"]
    assert box.blocks[0].line == 4


def test_fences_in_code_and_comments_are_not_divs():
    doc, findings = read("# T\n\n```\n::: info\n:::\n```\n\n<!--\n:::\n-->\n\n文字。\n")
    assert kinds(doc.children) == ["CodeBlock", "Paragraph"]
    assert doc.children[0].text == "::: info\n:::"
    assert findings.items == []


def test_a_callout_knows_the_blank_lines_before_it():
    doc, _ = read("# T\n\n前文。\n\n\n\n::: tip\n文字。\n:::\n")
    assert doc.children[1].blank_lines_before == 3


def test_text_around_divs_is_all_kept():
    text = "# T\n\n甲。\n::: info 乙\n丙。\n::: center\n丁。\n:::\n戊。\n:::\n己。\n"
    doc, _ = read(text)
    for han in "甲乙丙丁戊己":
        assert han in tree_text(doc)


# ---------------------------------------------------------------- GitHub alerts


@pytest.mark.parametrize("marker, kind", [
    ("[!NOTE]", "note"), ("[!TIP]", "tip"), ("[!IMPORTANT]", "important"), ("[!WARNING]", "warning"),
    ("[!CAUTION]", "caution"), ("[!note]", "note"), ("[!Warning]", "warning"),
])
def test_a_github_alert_is_a_callout_of_its_kind(marker, kind):
    doc, findings = read(f"# T\n\n> {marker}\n> 数据均为初步核算数。\n")
    box = doc.children[0]
    assert isinstance(box, t.Callout)
    assert (box.kind, box.title, box.children, box.line) == (kind, [], [], 3)
    assert kinds(box.blocks) == ["Paragraph"]
    assert (box.blocks[0].line, plain_text(box.blocks[0].children)) == (4, "数据均为初步核算数。")
    assert findings.items == []


def test_an_alert_may_give_a_title_after_its_marker():
    doc, _ = read("# T\n\n> [!NOTE] 数据说明\n> 内容。\n>\n> 第二段。\n")
    box = doc.children[0]
    assert (box.kind, plain_text(box.title)) == ("note", "数据说明")
    assert [plain_text(b.children) for b in box.blocks] == ["内容。", "第二段。"]


def test_an_alert_whose_marker_stands_alone_in_its_paragraph():
    doc, _ = read("# T\n\n> [!TIP]\n>\n> 第二段。\n")
    box = doc.children[0]
    assert [plain_text(b.children) for b in box.blocks] == ["第二段。"]


def test_a_quote_without_a_marker_stays_a_quote():
    doc, _ = read("# T\n\n> [!UNKNOWN] 不是提示\n\n> 普通引用。\n")
    assert kinds(doc.children) == ["BlockQuote", "BlockQuote"]
    assert "[!UNKNOWN] 不是提示" in plain_text(doc.children[0].children[0].children)
