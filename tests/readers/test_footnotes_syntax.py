"""The reader's footnotes (issue #12): `text[^label]` → NoteRef, `[^label]: …` → a Footnote block
left where it stands, continued by the lines after it up to a blank line and by later blocks
indented four spaces or a tab. A definition's text is never lost (Python-Markdown alone reads
it as a link reference definition and drops it)."""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import plain_text, tree_text

from helpers import kinds, read


def _notes(doc: t.Document) -> list[t.Footnote]:
    return [b for b in doc.children if isinstance(b, t.Footnote)]


def test_a_reference_is_a_note_ref_with_its_label():
    doc, findings = read("# T\n\n全市生产总值保持增长[^gdp]，主要指标好于预期[^note2]。\n")
    run = doc.children[0].children
    assert [type(n).__name__ for n in run] == ["Text", "NoteRef", "Text", "NoteRef", "Text"]
    assert (run[1].label, run[3].label) == ("gdp", "note2")
    assert plain_text(run) == "全市生产总值保持增长，主要指标好于预期。"
    assert findings.items == []


def test_a_definition_is_a_footnote_block_on_its_line_with_its_text_read_inline():
    doc, findings = read("# T\n\n正文[^1]。\n\n[^1]: 注释含**粗体**与 `代码`。\n")
    note = _notes(doc)[0]
    assert (note.label, note.line) == ("1", 5)
    assert kinds(note.children) == ["Paragraph"]
    assert kinds(note.children[0].children) == ["Text", "Strong", "Text", "Code", "Text"]
    assert plain_text(note.children[0].children) == "注释含粗体与 代码。"
    assert findings.items == []


def test_a_definition_is_never_lost_as_a_link_reference_definition():
    text = "# T\n\n[^1]: Elastic 公司的发展始于 2024 年 7 月 11 日。\n[^2]: Yandex 是一家科技公司。\n"
    doc, _ = read(text)
    assert "Elastic 公司的发展始于 2024 年 7 月 11 日。" in tree_text(doc)
    assert "Yandex 是一家科技公司。" in tree_text(doc)


def test_definitions_in_a_row_without_blank_lines_are_each_their_own_footnote():
    doc, _ = read("# T\n\n[^a]: 注一。\n[^b]: 注二。\n[^c]: 注三。\n")
    notes = _notes(doc)
    assert [(n.label, n.line, plain_text(n.children[0].children)) for n in notes] == [
        ("a", 3, "注一。"), ("b", 4, "注二。"), ("c", 5, "注三。")]


def test_a_definition_runs_on_over_the_following_lines_up_to_a_blank_line():
    doc, _ = read("# T\n\n[^a]: 注释第一行，\n接着第二行。\n\n正文。\n")
    assert kinds(doc.children) == ["Footnote", "Paragraph"]
    note = doc.children[0]
    assert plain_text(note.children[0].children) == "注释第一行，\n接着第二行。"
    assert doc.children[1].line == 6


def test_indented_paragraphs_and_lists_after_blank_lines_belong_to_the_note():
    text = "# T\n\n[^gdp]: 生产总值按不变价格计算。\n\n    第二段说明。\n\n\t- 一项\n\n后文。\n"
    doc, findings = read(text)
    assert kinds(doc.children) == ["Footnote", "Paragraph"]
    note = doc.children[0]
    assert kinds(note.children) == ["Paragraph", "Paragraph", "BulletList"]
    assert [b.line for b in note.children] == [3, 5, 7]
    assert plain_text(note.children[1].children) == "第二段说明。"
    assert (doc.children[1].line, plain_text(doc.children[1].children)) == (9, "后文。")
    assert findings.items == []


def test_a_note_may_hold_indented_fenced_code_with_blank_lines_in_it():
    text = "# T\n\n[^n]: 注：\n\n    ```python\n    x = 1\n\n    y = 2\n    ```\n\n后文。\n"
    doc, _ = read(text)
    note = doc.children[0]
    assert kinds(note.children) == ["Paragraph", "CodeBlock"]
    assert (note.children[1].text, note.children[1].language, note.children[1].line) == ("x = 1\n\ny = 2", "python", 5)


def test_a_definition_whose_text_starts_on_the_next_line():
    doc, _ = read("# T\n\n[^c]:\n    注释在下一行。\n")
    note = doc.children[0]
    assert note.line == 3
    assert plain_text(note.children[0].children) == "注释在下一行。"


def test_definitions_mid_chapter_stay_where_they_stand():
    doc, _ = read("# T\n\n第一段[^a]。\n\n[^a]: 注一。\n\n## 小节\n\n第二段。\n")
    assert kinds(doc.children) == ["Paragraph", "Footnote", "Heading", "Paragraph"]


def test_a_heading_or_a_quote_right_under_a_definition_ends_it():
    doc, _ = read("# T\n\n[^a]: 注一\n## 小节\n[^b]: 注二\n> 引文\n")
    assert kinds(doc.children) == ["Footnote", "Heading", "Footnote", "BlockQuote"]


def test_a_reference_inside_code_is_code():
    doc, _ = read("# T\n\n写作 `text[^1]` 即可。\n")
    assert kinds(doc.children[0].children) == ["Text", "Code", "Text"]
    assert doc.children[0].children[1].text == "text[^1]"


def test_a_definition_inside_fenced_code_is_code():
    doc, _ = read("# T\n\n```\n[^a]: 不是注释\n```\n")
    assert kinds(doc.children) == ["CodeBlock"]
    assert doc.children[0].text == "[^a]: 不是注释"


def test_a_definition_in_a_quote_keeps_its_text():
    doc, _ = read("# T\n\n> [^a]: 引文里的注释。\n")
    assert "引文里的注释。" in tree_text(doc)


def test_link_reference_definitions_still_work():
    # (a definition is known to its own block group only: each group is read on its own)
    doc, _ = read("# T\n\n见[官网][site]。\n[site]: https://example.org\n")
    link = doc.children[0].children[1]
    assert isinstance(link, t.Link) and link.href == "https://example.org"
    assert len(doc.children) == 1


def test_the_bytebook_notes_are_read_with_the_currency_in_them_as_text():
    text = ("# T\n\n由 Elastic 公司[^1]开发。\n\n"
            "[^1]: 股价一路狂飙（2024 年 7 月 11 日，最新市值 $107 亿），几乎是最理想的工程师创业故事。\n"
            "[^2]: Yandex 是一家总部位于俄罗斯的跨国科技公司。\n")
    doc, findings = read(text)
    assert kinds(doc.children) == ["Paragraph", "Footnote", "Footnote"]
    first = doc.children[1].children[0]
    assert kinds(first.children) == ["Text"]
    assert "最新市值 $107 亿" in first.children[0].text
    assert findings.items == []
