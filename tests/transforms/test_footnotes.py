"""Unit tests for compiler.transforms.footnotes (collect_footnotes), on trees built by hand.

Covers: definitions leave the flow wherever they stand (top level, callout, list item, quote)
for `Document.notes`; notes numbered by first reference, ids fn1, fn2 …; `first` on the first
reference only; a note referred to only from another note comes after; an undefined reference
is a warning and becomes `[^label]` text; an unreferenced note is a warning and is numbered
last; a label defined twice is a warning and its blocks are joined; run again, nothing changes.
"""

from __future__ import annotations

from compiler.diagnostics import Findings
from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, iter_inlines, plain_text
from compiler.transforms.footnotes import collect_footnotes

from helpers import apply, messages


def para(*nodes, line=1):
    return t.Paragraph([t.Text(n) if isinstance(n, str) else n for n in nodes], line)


def note(label, text, line):
    return t.Footnote(label, [para(text, line=line)], line)


def doc_of(*blocks):
    return t.Document([t.Text("第一章 T")], list(blocks), "t.md", title_line=1)


def refs(doc):
    return [(n.label, n.number, n.first) for n in iter_inlines(doc) if isinstance(n, t.NoteRef)]


def run(doc):
    findings = Findings("t.md")
    return apply(doc, collect_footnotes, findings=findings), findings


def test_notes_leave_the_flow_and_are_numbered_by_first_reference():
    doc = doc_of(para("甲", t.NoteRef("b"), "乙", t.NoteRef("a"), line=3),
                 para("丙", t.NoteRef("b"), line=5),
                 note("a", "注甲", 7), note("b", "注乙", 9))
    out, findings = run(doc)
    assert findings.items == []
    assert not any(isinstance(b, t.Footnote) for b in iter_blocks(out.children))
    assert [(n.label, n.number, n.ident, n.line) for n in out.notes] == [("b", 1, "fn1", 9), ("a", 2, "fn2", 7)]
    assert refs(out) == [("b", 1, True), ("a", 2, True), ("b", 1, False)]


def test_definitions_inside_callouts_lists_and_quotes_are_collected():
    callout = t.Callout([t.Text("框")], [], 3, kind="info", blocks=[para("框文", t.NoteRef("c"), line=4),
                                                                     note("c", "框注", 5)])
    item = t.ListItem([para("项", t.NoteRef("l"), line=7), note("l", "项注", 8)], 7)
    quote = t.BlockQuote([para("引", t.NoteRef("q"), line=10), note("q", "引注", 11)], 10)
    out, findings = run(doc_of(callout, t.BulletList([item], 7), quote))
    assert findings.items == []
    assert [n.label for n in out.notes] == ["c", "l", "q"]
    assert not any(isinstance(b, t.Footnote) for b in iter_blocks(out.children))
    assert [plain_text(n.children[0].children) for n in out.notes] == ["框注", "项注", "引注"]


def test_a_note_referred_to_only_from_a_note_follows_the_body_notes():
    doc = doc_of(para("甲", t.NoteRef("a"), line=3),
                 t.Footnote("a", [para("见", t.NoteRef("inner"), line=5)], 5),
                 note("inner", "内", 6), para("乙", t.NoteRef("b"), line=8), note("b", "乙注", 9))
    out, _ = run(doc)
    assert [(n.label, n.number) for n in out.notes] == [("a", 1), ("b", 2), ("inner", 3)]
    assert ("inner", 3, True) in refs(out)


def test_an_undefined_reference_is_a_warning_and_shows_as_written():
    out, findings = run(doc_of(para("甲", t.NoteRef("nowhere"), "乙", line=4)))
    assert out.children[0].children == [t.Text("甲[^nowhere]乙")]
    assert messages(findings) == [(4, "warning", "footnote [^nowhere] is not defined: the reference is shown as written")]


def test_an_unreferenced_note_is_a_warning_and_numbered_last():
    doc = doc_of(note("lonely", "孤", 3), para("甲", t.NoteRef("a"), line=5), note("a", "注", 7))
    out, findings = run(doc)
    assert [(n.label, n.number) for n in out.notes] == [("a", 1), ("lonely", 2)]
    assert messages(findings) == [(3, "warning", "footnote [^lonely] is never referred to: it is printed after the others")]


def test_a_label_defined_twice_is_a_warning_and_both_texts_are_kept():
    doc = doc_of(para("甲", t.NoteRef("a"), line=3), note("a", "一", 5), note("a", "二", 7))
    out, findings = run(doc)
    assert len(out.notes) == 1
    assert [plain_text(p.children) for p in out.notes[0].children] == ["一", "二"]
    assert messages(findings) == [
        (7, "warning", "footnote [^a] is defined twice (first at line 5): its text is joined to the first definition's")]


def test_run_again_nothing_changes():
    doc = doc_of(para("甲", t.NoteRef("b"), t.NoteRef("a"), line=3), note("a", "注甲", 7), note("b", "注乙", 9),
                 note("z", "无引", 11))
    once, _ = run(doc)
    twice, findings = run(once)
    assert twice == once
    assert [f.message for f in findings.items] == ["footnote [^z] is never referred to: it is printed after the others"]


def test_a_document_without_notes_is_unchanged():
    doc = doc_of(para("甲", line=3))
    assert run(doc)[0] == doc
