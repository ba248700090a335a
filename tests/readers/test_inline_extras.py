"""The reader's inline syntax of issue #12: `H~2~O` → Subscript, `m^2^` → Superscript, `~~…~~` →
Strikethrough (Chinese ranges with a tilde stay text); `$…$` → Math and `$$…$$` → MathBlock
(Pandoc's rules: currency stays text, TeX kept exactly); labels (`{#fig-id}` on images,
`{#sec-id}` on headings) and cross-references (`@fig-x`, `[@fig-x]`)."""

from __future__ import annotations

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text, tree_text

from helpers import count_inline, kinds, read


def _run(text: str) -> list[t.Inline]:
    doc, findings = read(f"# T\n\n{text}\n")
    assert findings.items == []
    assert len(doc.children) == 1 and isinstance(doc.children[0], t.Paragraph), kinds(doc.children)
    return doc.children[0].children


# ---------------------------------------------------------------- sub, sup, strikethrough


def test_subscript_and_superscript():
    run = _run("水的化学式是 H~2~O，面积单位为 m^2^。")
    assert kinds(run) == ["Text", "Subscript", "Text", "Superscript", "Text"]
    assert plain_text(run[1].children) == "2" and plain_text(run[3].children) == "2"
    assert plain_text(run) == "水的化学式是 H2O，面积单位为 m2。"


@pytest.mark.parametrize("text", ["1~3年和5~10年", "约 3~5 个", "分 1~3,5~7 档", "工龄 3~5年，5~8年", "A ~ B ~ C"])
def test_chinese_ranges_with_a_tilde_stay_plain_text(text):
    run = _run(text)
    assert run == [t.Text(text)]


def test_scripts_are_short_and_safe():
    assert _run("x~含中文~y") == [t.Text("x~含中文~y")]
    assert _run("x~a b~y") == [t.Text("x~a b~y")]
    assert _run("x~abcdefghijk~y") == [t.Text("x~abcdefghijk~y")]
    assert _run("x^a b^") == [t.Text("x^a b^")]


def test_several_scripts_in_a_formula():
    run = _run("葡萄糖 C~6~H~12~O~6~，误差 10^-3^，离子 (NH~4~)~2~SO~4~。")
    assert count_inline([t.Paragraph(run, 1)], t.Subscript) == 6
    assert count_inline([t.Paragraph(run, 1)], t.Superscript) == 1
    assert plain_text(run) == "葡萄糖 C6H12O6，误差 10-3，离子 (NH4)2SO4。"


def test_the_bytebook_list_subscripts():
    doc, _ = read('# T\n\n- T~0~ = "it is what it is"\n- T~1~ = "what is it"\n')
    items = doc.children[0].items
    assert [kinds(item.children[0].children) for item in items] == [["Text", "Subscript", "Text"]] * 2
    assert [item.line for item in items] == [3, 4]


def test_strikethrough_holds_inline_markup():
    run = _run("原定 ~~**删除**的内容~~ 与 **~~粗~~**。")
    assert kinds(run) == ["Text", "Strikethrough", "Text", "Strong", "Text"]
    assert kinds(run[1].children) == ["Strong", "Text"]
    assert kinds(run[3].children) == ["Strikethrough"]


def test_escaped_tildes_and_carets_are_text():
    assert _run(r"H\~2\~O 与 m\^2\^") == [t.Text("H~2~O 与 m^2^")]


def test_scripts_inside_code_are_code():
    run = _run("写作 `H~2~O` 即可")
    assert kinds(run) == ["Text", "Code", "Text"]
    assert run[1].text == "H~2~O"


# ---------------------------------------------------------------- math


def test_inline_math_keeps_its_tex_exactly():
    run = _run(r"增长率按 $g = \frac{y_t}{y_{t-1}} - 1$ 计算。")
    assert kinds(run) == ["Text", "Math", "Text"]
    assert run[1].tex == r"g = \frac{y_t}{y_{t-1}} - 1"


@pytest.mark.parametrize("tex", [
    r"\{0, 1\}\cap\{0,1,2\} = \{0,1\}", "a_x_ + b_y_", "x^2^ + y~1~", r"a \\ b", r"\text{增长率} = r",
    "a*b*c", "<b>x</b>", "&amp;", "[^1] @fig-x",
])
def test_nothing_inside_math_is_read_as_markdown(tex):
    run = _run(f"公式 ${tex}$ 如此")
    assert kinds(run) == ["Text", "Math", "Text"]
    assert run[1].tex == tex


def test_currency_stays_text():
    text = "市值约 $107 亿，另有 $5 与 $6 之间"
    assert _run(text) == [t.Text(text)]


@pytest.mark.parametrize("text", [
    "区间 $100-$200 之间", "US$5 to US$6", "费用为$100，收入为$200", "价格$5而非$6", "花费$5购买$A股",
    "$ 5 和 6 $", "$20,000 and $30,000",
])
def test_pandoc_dollar_rules(text):
    assert count_inline([t.Paragraph(_run(text), 1)], t.Math) == 0


def test_an_escaped_dollar_is_a_dollar():
    run = _run(r"价格 \$5，变量 $x$ 与 \$y\$")
    assert kinds(run) == ["Text", "Math", "Text"]
    assert plain_text(run) == "价格 $5，变量 x 与 $y$"


def test_math_does_not_span_a_blank_line():
    doc, _ = read("# T\n\n$a\n\nb$\n")
    assert count_inline(doc.children, t.Math) == 0
    assert [plain_text(b.children) for b in doc.children] == ["$a", "b$"]


def test_math_may_span_a_line_break():
    run = _run("设 $a +\nb$ 为和")
    assert [n.tex for n in run if isinstance(n, t.Math)] == ["a +\nb"]


def test_math_inside_code_is_code():
    run = _run("写作 `$x$` 即可")
    assert kinds(run) == ["Text", "Code", "Text"]


def test_display_math_on_lines_of_its_own():
    doc, findings = read("# T\n\n前文。\n\n$$\n\\sum_{i=1}^{n} x_i = X\n$$\n\n后文。\n")
    assert kinds(doc.children) == ["Paragraph", "MathBlock", "Paragraph"]
    block = doc.children[1]
    assert (block.tex, block.line) == (r"\sum_{i=1}^{n} x_i = X", 5)
    assert doc.children[2].line == 9
    assert findings.items == []


def test_display_math_lines_are_not_read_as_markdown():
    doc, _ = read("# T\n\n$$\na\n- b\n# c\n    d\n$$\n")
    assert kinds(doc.children) == ["MathBlock"]
    assert doc.children[0].tex == "a\n- b\n# c\n    d"


def test_display_math_touching_text_lines():
    doc, _ = read("# T\n\n公式如下：\n$$ a + b = c $$\n其中 a 为常数。\n")
    assert kinds(doc.children) == ["Paragraph", "MathBlock", "Paragraph"]
    assert [b.line for b in doc.children] == [3, 4, 5]
    assert doc.children[1].tex == "a + b = c"


def test_display_math_with_tex_on_its_fence_lines_and_a_label():
    doc, _ = read("# T\n\n$$ a\n= b $$ {#eq-ab}\n")
    assert kinds(doc.children) == ["MathBlock"]
    assert doc.children[0].tex == "a\n= b"


def test_a_paragraph_of_display_math_alone_in_a_quote_is_a_math_block():
    doc, _ = read("# T\n\n> $$x^2$$\n")
    assert kinds(doc.children[0].children) == ["MathBlock"]
    assert doc.children[0].children[0].tex == "x^2"


def test_display_math_inside_a_paragraph_is_inline_math():
    run = _run("文字 $$E = mc^2$$ 行内。")
    assert kinds(run) == ["Text", "Math", "Text"]
    assert run[1].tex == "E = mc^2"


def test_unclosed_display_math_is_text():
    doc, _ = read("# T\n\n$$\na + b\n\n后文。\n")
    assert count_inline(doc.children, t.Math) == 0
    assert not any(isinstance(b, t.MathBlock) for b in doc.children)
    assert "a + b" in tree_text(doc)


def test_display_math_in_fenced_code_is_code():
    doc, _ = read("# T\n\n```\n$$\nx\n$$\n```\n")
    assert kinds(doc.children) == ["CodeBlock"]


# ---------------------------------------------------------------- labels and cross-references


def test_an_image_label():
    run = _run("![上海市行政区划示意](map.png){#fig-map}")
    assert run == [t.Image("map.png", "上海市行政区划示意", label="fig-map")]


def test_an_image_label_among_other_attributes_and_text_after_it():
    run = _run("![图](a.png){#fig-a width=50% .wide} 说明")
    assert kinds(run) == ["Image", "Text"]
    assert (run[0].label, run[1].text) == ("fig-a", " 说明")


def test_attributes_without_an_id_go_and_give_no_label():
    assert _run("![图](a.png){width=50%}") == [t.Image("a.png", "图")]


@pytest.mark.parametrize("heading, label", [
    ("## 总体情况 {#sec-overall}", "sec-overall"),
    ("## 总体情况 {#sec-overall .unnumbered}", "sec-overall"),
    ("## 总体情况 {.unnumbered}", ""),
    ("## 总体情况 {-}", ""),
    ("## 总体情况 {#sec-overall} ##", "sec-overall"),
])
def test_a_heading_label_leaves_the_title(heading, label):
    doc, _ = read(f"# T\n\n{heading}\n")
    head = doc.children[0]
    assert (plain_text(head.children), head.label) == ("总体情况", label)


def test_braces_in_a_heading_that_are_no_attributes_stay():
    doc, _ = read("# T\n\n## 集合 {a, b}\n")
    assert plain_text(doc.children[0].children) == "集合 {a, b}"
    assert doc.children[0].label == ""


def test_cross_references_in_prose():
    run = _run("详见 @tbl-gdp 与 @fig-map，方法说明见@sec-method。公式 @eq-1.")
    refs = [n for n in run if isinstance(n, t.CrossRef)]
    assert [r.label for r in refs] == ["tbl-gdp", "fig-map", "sec-method", "eq-1"]
    assert plain_text(run) == "详见  与 ，方法说明见。公式 ."


def test_bracketed_cross_reference():
    run = _run("参见 [@fig-a]。")
    assert kinds(run) == ["Text", "CrossRef", "Text"]
    assert run[1].label == "fig-a"


@pytest.mark.parametrize("text", [
    "邮件 a@fig-x.com 联系", "路径 https://x.com/@fig-c", "写作 `@fig-a`", r"转义 \@fig-a", "前缀 @figure-a 与 @foo-b",
    "见 @fig-地图",
])
def test_no_cross_reference(text):
    assert count_inline([t.Paragraph(_run(text), 1)], t.CrossRef) == 0


def test_labels_and_references_with_digits_raise_no_lost_text_warning():
    doc, findings = read("# T\n\n## 小节 {#sec-3}\n\n见 @fig-1、[@tbl-2] 与注[^3]。\n\n![图](a.png){#fig-1}\n")
    assert findings.items == []
    assert doc.children[0].label == "sec-3"
