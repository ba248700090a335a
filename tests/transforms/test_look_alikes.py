"""Unit tests for compiler.transforms.look_alikes.replace_look_alikes: radicals and compatibility
ideographs copied out of PDFs become the unified ideographs, one warning per source line."""

from __future__ import annotations

from compiler.diagnostics import Findings
from compiler.model import nodes as t
from compiler.model.traverse import iter_inlines, tree_text
from compiler.transforms import PassContext, normalise, pipeline
from compiler.transforms.look_alikes import replace_look_alikes, unify
from compiler.transforms.whitespace import drop_stray_whitespace

from helpers import read, read_apply, read_sample

CHAPTER = (
    "# ⽇本⼏何\n"           # 1: the title
    "\n"
    "近⼏年，⼏乎每⽇都有\n"  # 3: a paragraph over two lines
    "新的⽐较。几年。\n"
    "\n"
    "- 项⽬\n"               # 6: a list item
    "\n"
    "| ⼏ | b |\n"           # 8: a table's header and a row
    "|---|---|\n"
    "| ⽇ | `⼏` |\n"
    "\n"
    "![⽰意图](missing.png) ⼏\n"  # 12: an image's alt text, then text
)


def normalised(source: str) -> tuple[t.Document, Findings]:
    return read_apply(source, drop_stray_whitespace, replace_look_alikes)


def test_look_alikes_become_unified_in_titles_paragraphs_items_cells_and_alt_text():
    doc, _ = normalised(CHAPTER)
    shown = tree_text(doc)
    assert "日本几何" in shown and "近几年，几乎每日都有新的比较。几年。" in shown
    assert "项目" in shown and "示意图" in shown
    assert [line for line in shown.splitlines() if line in ("几", "日")] == ["几", "日"]


def test_code_keeps_what_it_shows():
    doc, _ = normalised(CHAPTER)
    codes = [node.text for node in iter_inlines(doc) if isinstance(node, t.Code)]
    assert codes == ["⼏"]


def test_one_warning_per_source_line_with_the_count_the_pairs_and_the_first_column():
    _, findings = normalised(CHAPTER)
    assert [(f.line, f.column, f.level, f.message) for f in findings.sorted()] == [
        (1, 3, "warning", "2 look-alike characters replaced by the unified ones: ⽇→日, ⼏→几"),
        (3, 2, "warning", "3 look-alike characters replaced by the unified ones: ⼏→几, ⽇→日"),
        (4, 3, "warning", "1 look-alike character replaced by the unified one: ⽐→比"),
        (6, 4, "warning", "1 look-alike character replaced by the unified one: ⽬→目"),
        (8, 3, "warning", "1 look-alike character replaced by the unified one: ⼏→几"),
        (10, 3, "warning", "1 look-alike character replaced by the unified one: ⽇→日"),
        (12, 3, "warning", "2 look-alike characters replaced by the unified ones: ⽰→示, ⼏→几"),
    ]


def test_full_width_punctuation_and_forms_are_never_normalised():
    source = "# 标题\n\n全角标点，。：；！？（）「」『』、　与全角字母ＡＢ１２和半角片假名ｱ不变。\n"
    doc, findings = normalised(source)
    assert tree_text(doc) == "标题\n全角标点，。：；！？（）「」『』、　与全角字母ＡＢ１２和半角片假名ｱ不变。"
    assert findings.items == []


def test_look_alikes_without_a_unified_equivalent_stay_and_are_not_counted():
    doc, findings = normalised("# T\n\n长⻓与\ufa0e⼏\n")  # ⻓: no decomposition; U+FA0E is a unified ideograph
    assert tree_text(doc) == "T\n长⻓与\ufa0e几"
    assert [(f.line, f.column, f.message) for f in findings.items] == [
        (3, 5, "1 look-alike character replaced by the unified one: ⼏→几")]


def test_a_chapter_without_look_alikes_is_returned_as_it_is():
    doc, _ = read("# 标题\n\n近几年，几乎每日。\n")
    findings = Findings("t.md")
    assert replace_look_alikes(doc, PassContext(findings)) is doc
    assert findings.items == []


def test_the_sample_has_no_look_alikes():
    doc, _ = read_sample()
    assert unify(tree_text(doc)) == tree_text(doc)


def test_the_pipeline_replaces_them_right_after_whitespace():
    steps = [step.__name__ for step in pipeline()]
    assert steps.index("replace_look_alikes") == steps.index("drop_stray_whitespace") + 1
    doc, findings = read("# ⼏\n\n近⼏年和近几年。\n")
    out = normalise(doc, findings)
    assert "⼏" not in tree_text(out) and tree_text(out).count("几") == 3
