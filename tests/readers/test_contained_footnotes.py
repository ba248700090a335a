"""Footnote definitions written inside a list item or a block quote (issue #12): like Pandoc,
which reads a definition as one of the blocks a list item or a quote holds, the reader makes
them notes, with their continuation lines and indented paragraphs, and the list or the quote
around them stays one list or one quote. After normalisation they are notes like the others."""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, iter_inlines, plain_text
from compiler.transforms import pipeline

from helpers import kinds, read, read_apply


def _notes(doc: t.Document) -> list[t.Footnote]:
    return [b for b in iter_blocks(doc) if isinstance(b, t.Footnote)]


def _note_texts(doc: t.Document) -> list[tuple[str, int, list[str]]]:
    return [(n.label, n.line, [plain_text(b.children) for b in n.children if isinstance(b, t.Paragraph)])
            for n in _notes(doc)]


def test_a_definition_under_a_list_items_line_is_a_note_and_the_list_stays_whole():
    doc, findings = read("# T\n\n- 第一项[^a]\n  [^a]: 列表里的注。\n- 第二项\n")
    assert kinds(doc.children) == ["BulletList", "Footnote"]
    items = doc.children[0].items
    assert [(plain_text(i.children[0].children), i.line) for i in items] == [("第一项", 3), ("第二项", 5)]
    assert _note_texts(doc) == [("a", 4, ["列表里的注。"])]
    assert findings.items == []


def test_a_definition_right_under_the_items_line_without_indentation_is_a_note_too():
    doc, _ = read("# T\n\n- 第一项[^a]\n[^a]: 注。\n- 第二项\n")
    assert kinds(doc.children) == ["BulletList", "Footnote"]
    assert len(doc.children[0].items) == 2


def test_a_multi_line_definition_in_a_list_item_with_an_indented_paragraph():
    text = "# T\n\n1. 第一项[^a]\n   [^a]: 注的第一行，\n   接着第二行。\n\n       注的第二段。\n2. 第二项\n"
    doc, _ = read(text)
    assert kinds(doc.children) == ["BulletList", "Footnote"]
    assert [i.line for i in doc.children[0].items] == [3, 8]
    assert _note_texts(doc) == [("a", 4, ["注的第一行，\n接着第二行。", "注的第二段。"])]


def test_a_definition_in_a_nested_item_and_two_in_a_row():
    doc, _ = read("# T\n\n- 甲\n  - 乙[^a][^b]\n    [^a]: 注一。\n    [^b]: 注二。\n- 丙\n")
    assert kinds(doc.children) == ["BulletList", "Footnote", "Footnote"]
    outer = doc.children[0]
    assert [plain_text(i.children[0].children) for i in outer.items] == ["甲", "丙"]
    assert _note_texts(doc) == [("a", 5, ["注一。"]), ("b", 6, ["注二。"])]


def test_a_note_taken_out_of_a_list_is_no_blank_line_before_the_next_block():
    # four note lines stood between the list and the paragraph: three blank lines would make a sidebar
    doc, _ = read("# T\n\n- 第一项[^a]\n  [^a]: 注，\n  续一，\n  续二。\n\n正文。\n")
    paragraph = next(b for b in doc.children if isinstance(b, t.Paragraph))
    assert (paragraph.line, paragraph.blank_lines_before) == (8, 1)


def test_a_definition_inside_a_quote_is_a_note_and_the_quote_keeps_its_text():
    doc, findings = read("# T\n\n> 引文[^q]。\n> [^q]: 引文里的注，\n> 接着一行。\n>\n> 引文第二段。\n")
    assert kinds(doc.children) == ["BlockQuote", "Footnote"]
    quote = doc.children[0]
    assert [plain_text(b.children) for b in quote.children] == ["引文。", "引文第二段。"]
    assert [b.line for b in quote.children] == [3, 7]
    assert _note_texts(doc) == [("q", 4, ["引文里的注，\n接着一行。"])]
    assert findings.items == []


def test_a_quote_of_only_a_definition_leaves_no_empty_quote():
    doc, _ = read("# T\n\n正文[^q]。\n\n> [^q]: 注。\n")
    assert kinds(doc.children) == ["Paragraph", "Footnote"]
    assert _note_texts(doc) == [("q", 5, ["注。"])]


def test_a_definition_in_a_github_alert():
    doc, _ = read("# T\n\n> [!NOTE]\n> 说明文字[^a]\n> [^a]: 注。\n")
    assert kinds(doc.children) == ["Callout", "Footnote"]
    assert plain_text(doc.children[0].blocks[0].children).strip() == "说明文字"


def test_an_indented_definition_under_a_plain_paragraph_is_a_note_as_before():
    doc, _ = read("# T\n\n正文[^a]\n  [^a]: 注。\n")
    assert kinds(doc.children) == ["Paragraph", "Footnote"]


def test_definitions_in_lists_and_quotes_are_numbered_like_any_other_after_normalising():
    text = ("# 第一章 T\n\n正文[^top]。\n\n- 第一项[^a]\n  [^a]: 列表里的注。\n- 第二项\n\n"
            "> 引文[^q]。\n> [^q]: 引文里的注。\n\n[^top]: 顶层的注。\n")
    doc, findings = read_apply(text, *pipeline())
    assert [(n.label, n.number, n.ident, plain_text(n.children[0].children)) for n in doc.notes] == [
        ("top", 1, "fn1", "顶层的注。"), ("a", 2, "fn2", "列表里的注。"), ("q", 3, "fn3", "引文里的注。")]
    refs = [(n.label, n.number) for n in iter_inlines(doc) if isinstance(n, t.NoteRef)]
    assert refs == [("top", 1), ("a", 2), ("q", 3)]
    assert not any(isinstance(b, t.Footnote) for b in iter_blocks(doc.children))
    assert [f.message for f in findings.items if "footnote" in f.message] == []
    assert "[^" not in "".join(plain_text(b.children) for b in iter_blocks(doc.children) if isinstance(b, t.Paragraph))
