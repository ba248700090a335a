"""Unit tests for compiler.transforms.cross_references (resolve_cross_references), and the ids
and labels it relies on from compiler.transforms.sections.

Covers: nest_sections carries a heading's label onto its section; assign_ids gives figures
f1, f2 … and tables t1, t2 …; a reference to a figure or table gets its kind, number, given
number, chapter and id; one to a section its title (without footnote references) and id; a
reference inside a span, a title or a cell; an unknown label is a warning at its line and shows
as `@label`; a label given twice is a warning, and references go to the first; run again,
nothing changes.
"""

from __future__ import annotations

from compiler.diagnostics import Findings
from compiler.model import nodes as t
from compiler.model.traverse import iter_inlines
from compiler.transforms.cross_references import resolve_cross_references
from compiler.transforms.numbering import number_figures_and_tables
from compiler.transforms.sections import assign_ids, nest_sections

from helpers import apply, messages


def para(*nodes, line=1):
    return t.Paragraph([t.Text(n) if isinstance(n, str) else n for n in nodes], line)


def chapter(*blocks):
    return t.Document([t.Text("第三章 区域经济")], list(blocks), "t.md", title_line=1)


def prepared(*blocks, findings=None):
    return apply(chapter(*blocks), nest_sections, assign_ids, number_figures_and_tables, findings=findings)


def refs(doc):
    return [n for n in iter_inlines(doc) if isinstance(n, t.CrossRef)]


FIGURE = t.Figure([t.Image("map.png", "")], [t.Text("图 3-1 示意")], 9, label="fig-map")
TABLE = t.Table([[t.Text("甲")]], [[[t.Text("1")]]], 13, caption=[t.Text("科技投入")], label="tbl-rd")
HEADING = t.Heading(2, [t.Text("方法说明"), t.NoteRef("n")], 20, label="sec-method")


def test_sections_carry_their_headings_label_and_figures_and_tables_get_ids():
    doc = prepared(t.Heading(2, [t.Text("甲")], 3, label="sec-a"), FIGURE, TABLE, FIGURE, TABLE)
    section = doc.children[0]
    assert (section.label, section.ident) == ("sec-a", "s1")
    assert [b.ident for b in section.children] == ["f1", "t1", "f2", "t2"]


def test_references_resolve_to_figures_tables_and_sections():
    findings = Findings("t.md")
    body = para("见", t.CrossRef("fig-map"), "与", t.Strong([t.CrossRef("tbl-rd")]), "，方法见",
                t.CrossRef("sec-method"), line=3)
    doc = prepared(body, FIGURE, TABLE, HEADING, para("文", line=22))
    out = apply(doc, resolve_cross_references, findings=findings)
    assert findings.items == []
    figure_ref, table_ref, section_ref = refs(out)
    assert figure_ref == t.CrossRef("fig-map", target="f1", kind="figure", number=1, given="3-1", chapter="3")
    assert table_ref == t.CrossRef("tbl-rd", target="t1", kind="table", number=1, given="", chapter="3")
    assert section_ref == t.CrossRef("sec-method", target="s1", kind="section", children=[t.Text("方法说明")])


def test_references_in_titles_and_cells_are_resolved():
    cell_table = t.Table([[t.Text("表头")]], [[[t.Text("见"), t.CrossRef("fig-map")]]], 15)
    doc = prepared(t.Heading(2, [t.Text("节"), t.CrossRef("fig-map")], 3), FIGURE, cell_table)
    out = apply(doc, resolve_cross_references)
    assert [r.target for r in refs(out)] == ["f1", "f1"]


def test_an_unknown_label_is_a_warning_and_shows_as_written():
    findings = Findings("t.md")
    doc = prepared(para("见", t.CrossRef("fig-nowhere"), "。", line=3))
    out = apply(doc, resolve_cross_references, findings=findings)
    assert out.children[0].children == [t.Text("见@fig-nowhere。")]
    assert messages(findings) == [
        (3, "warning", "cross-reference @fig-nowhere names no figure, table, equation or section: it is shown as written")]


def test_a_label_given_twice_is_a_warning_and_references_go_to_the_first():
    findings = Findings("t.md")
    second = t.Figure([t.Image("b.png", "")], [], 11, label="fig-map")
    doc = prepared(para(t.CrossRef("fig-map"), line=3), FIGURE, second)
    out = apply(doc, resolve_cross_references, findings=findings)
    assert refs(out)[0].target == "f1"
    assert messages(findings) == [
        (11, "warning", "label 'fig-map' is given twice (first at line 9): references go to the first")]


def test_run_again_nothing_changes():
    doc = prepared(para(t.CrossRef("fig-map"), t.CrossRef("sec-method"), t.CrossRef("x"), line=3), FIGURE, HEADING)
    once = apply(doc, resolve_cross_references)
    assert apply(once, resolve_cross_references) == once


def test_a_chapter_in_a_book_prefixes_the_ids_references_point_at():
    from compiler.books.chapters import prefix_ids

    notes = [t.Footnote("n", [para("注", line=30)], 30, number=1, ident="fn1")]
    doc = apply(prepared(para(t.CrossRef("fig-map"), t.Strong([t.CrossRef("tbl-rd")]), line=3), FIGURE, TABLE),
                resolve_cross_references)
    out = prefix_ids(t.Document(doc.title, doc.children, "t.md", notes=notes), "ch2")
    assert [r.target for r in refs(out)] == ["ch2-f1", "ch2-t1"]
    assert [b.ident for b in out.children[1:]] == ["ch2-f1", "ch2-t1"]
    assert out.notes[0].ident == "ch2-fn1"
