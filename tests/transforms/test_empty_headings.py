"""Unit tests for compiler.transforms.empty_headings.drop_empty_headings, alone and in the pipeline.

Covers (issue 16, item 3): `###` alone, a heading of spaces (ASCII or full-width) or of
invisible characters is dropped with the warning "empty heading dropped" at its line, the
column and length of its `#` marks; one inside a block quote too; a heading holding only an
image keeps the image as a paragraph (warned); headings with text are left alone; after the
whole pipeline no section has an empty title, and the text after an empty heading stays in the
section before it.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text
from compiler.transforms import normalise
from compiler.transforms.empty_headings import drop_empty_headings
from compiler.transforms.whitespace import drop_stray_whitespace

from helpers import kinds, read, read_apply

DROPPED = "empty heading dropped"


def dropped(body: str) -> tuple[t.Document, list[tuple[int, int, int, str, str]]]:
    doc, findings = read_apply("# T\n\n" + body, drop_stray_whitespace, drop_empty_headings)
    return doc, [(f.line, f.column, f.length, f.level, f.message) for f in findings.items]


def test_a_bare_heading_mark_is_dropped_with_a_warning_at_its_marks():
    doc, found = dropped("正文。\n\n###\n\n后文。\n")
    assert kinds(doc.children) == ["Paragraph", "Paragraph"]
    assert found == [(5, 1, 3, "warning", DROPPED)]


def test_a_heading_of_spaces_is_dropped():
    doc, found = dropped("## \u3000\u3000\n\n正文。\n\n####    \n")
    assert kinds(doc.children) == ["Paragraph"]
    assert found == [(3, 1, 2, "warning", DROPPED), (7, 1, 4, "warning", DROPPED)]


def test_a_heading_of_invisible_characters_is_dropped():
    doc, found = dropped("## \u200b\n\n正文。\n")
    assert kinds(doc.children) == ["Paragraph"]
    assert found == [(3, 1, 2, "warning", DROPPED)]


def test_an_empty_heading_in_a_block_quote_is_dropped():
    doc, found = dropped("> 引文。\n>\n> ##\n")
    quote = doc.children[0]
    assert isinstance(quote, t.BlockQuote)
    assert kinds(quote.children) == ["Paragraph"]
    assert [f[3:] for f in found] == [("warning", DROPPED)]


def test_a_heading_holding_only_an_image_keeps_it_as_a_paragraph():
    doc, found = dropped("## ![](a.png)\n")
    assert doc.children == [t.Paragraph([t.Image("a.png", "")], 3, 1)]
    assert found == [(3, 1, 2, "warning", "heading with no text: its image is kept as a paragraph")]


def test_headings_with_text_are_left_alone():
    doc, found = dropped("## 甲\n\n### **乙**\n\n#### ![图](a.png)\n")
    before, _ = read_apply("# T\n\n## 甲\n\n### **乙**\n\n#### ![图](a.png)\n", drop_stray_whitespace)
    assert doc == before
    assert found == []


def test_after_the_pipeline_no_section_has_an_empty_title():
    """The defect: `###` became a section with an empty title, so an empty line in the contents
    and an empty EPUB navigation entry (EPUBCheck RSC-005)."""
    doc, findings = read("# T\n\n## 甲\n\n甲文。\n\n###\n\n仍属甲。\n\n## \n\n## 乙\n\n乙文。\n")
    doc = normalise(doc, findings)
    sections = [b for b in iter_blocks(doc) if isinstance(b, t.Section)]
    assert [plain_text(s.title) for s in sections] == ["甲", "乙"]
    assert [plain_text(p.children) for p in sections[0].children] == ["甲文。", "仍属甲。"]
    assert [(f.line, f.message) for f in findings.items] == [(7, DROPPED), (11, DROPPED)]
