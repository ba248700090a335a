"""compiler.model.traverse: the one walk over the node union, driven by the nodes' field metadata."""

from __future__ import annotations

import typing
from dataclasses import fields

import pytest

from compiler.model import nodes as t
from compiler.model.traverse import (
    child_fields, iter_blocks, iter_inlines, iter_runs, map_blocks, map_runs, plain_text, tree_text,
)


def every_kind_document() -> t.Document:
    """A document holding every kind of block, each with text of its own."""
    item = t.ListItem([t.Paragraph([t.Text("项一")], 5)], 5)
    quote = t.BlockQuote([t.Paragraph([t.Text("引文")], 7)], 7)
    table = t.Table([[t.Text("表头")]], [[[t.Text("单元")]]], 9)
    section = t.Section(2, [t.Text("节题")], [
        t.Paragraph([t.Strong([t.Text("加粗")]), t.Text("正文")], 3),
        t.BulletList([item], 5),
        quote,
        t.Callout([t.Text("专栏题")], [t.Text("专栏文")], 8),
        table,
        t.CodeBlock("代码", 10),
        t.RawBlock("<b>原文</b>", 11),
        t.ThematicBreak(12),
        t.Heading(3, [t.Text("小标题")], 13),
    ], 2)
    return t.Document([t.Text("章题")], [t.KeyPoints([[t.Text("要点")]], 1), section], "x.md", title_line=1)


def test_every_list_field_of_every_node_type_is_declared_to_the_traversal():
    """A node type added without metadata on a field holding nodes would be skipped by every walk."""
    kinds = [*t.INLINE_TYPES, *t.BLOCK_TYPES, t.ListItem, t.Document]
    for kind in kinds:
        hints = typing.get_type_hints(kind, vars(t))
        for field in fields(kind):
            holds_nodes = typing.get_origin(hints[field.name]) is list
            assert holds_nodes == ("shape" in field.metadata), f"{kind.__name__}.{field.name}"


def test_blocks_are_walked_in_document_order_into_sections_lists_and_quotes():
    doc = every_kind_document()
    kinds = [type(block).__name__ for block in iter_blocks(doc)]
    assert kinds == ["KeyPoints", "Section", "Paragraph", "BulletList", "Paragraph", "BlockQuote", "Paragraph",
                     "Callout", "Table", "CodeBlock", "RawBlock", "ThematicBreak", "Heading"]


def test_every_run_is_found_with_its_role():
    found = [(type(run.owner).__name__, run.field, run.role, plain_text(run.nodes)) for run in iter_runs(every_kind_document())]
    assert found == [
        ("Document", "title", "title", "章题"), ("KeyPoints", "items", "body", "要点"),
        ("Section", "title", "title", "节题"), ("Paragraph", "children", "body", "加粗正文"),
        ("Paragraph", "children", "body", "项一"), ("Paragraph", "children", "body", "引文"),
        ("Callout", "title", "title", "专栏题"), ("Callout", "children", "body", "专栏文"),
        ("Table", "header", "header", "表头"), ("Table", "rows", "body", "单元"),
        ("Table", "caption", "body", ""),  # empty runs are walked too: a table may have no caption
        ("Heading", "children", "title", "小标题"),
    ]


def test_tree_text_holds_every_text_the_outputs_show():
    shown = tree_text(every_kind_document())
    for piece in ["章题", "要点", "节题", "加粗正文", "项一", "引文", "专栏题", "专栏文", "表头", "单元", "代码",
                  "<b>原文</b>", "小标题"]:
        assert piece in shown


def test_map_runs_reaches_every_run_and_leaves_titles_when_asked():
    doc = every_kind_document()
    marked = map_runs(doc, lambda run: [t.Text("#"), *run])
    assert all(plain_text(run.nodes).startswith("#") for run in iter_runs(marked))
    bodies = map_runs(doc, lambda run: [t.Text("#"), *run], titles=False)
    assert {run.role for run in iter_runs(bodies) if not plain_text(run.nodes).startswith("#")} == {"title"}
    assert plain_text(doc.title) == "章题"  # the input is not changed


def test_map_blocks_replaces_drops_and_expands_top_down():
    doc = every_kind_document()

    def step(block):
        if isinstance(block, t.CodeBlock):
            return None
        if isinstance(block, t.ThematicBreak):
            return [block, t.ThematicBreak(99)]
        return block

    kinds = [type(block).__name__ for block in iter_blocks(map_blocks(doc, step))]
    assert "CodeBlock" not in kinds and kinds.count("ThematicBreak") == 2
    assert sum(isinstance(block, t.CodeBlock) for block in iter_blocks(doc)) == 1


def test_map_blocks_can_leave_list_items_alone():
    doc = every_kind_document()

    def drop_paragraphs(block):
        return None if isinstance(block, t.Paragraph) else block

    kept = [plain_text(b.children) for b in iter_blocks(map_blocks(doc, drop_paragraphs, into_lists=False))
            if isinstance(b, t.Paragraph)]
    assert kept == ["项一"]


def test_inlines_are_walked_spans_first():
    run = [t.Text("甲"), t.Link("#x", [t.Strong([t.Text("乙")])]), t.LineBreak()]
    assert [type(node).__name__ for node in iter_inlines(run)] == ["Text", "Link", "Strong", "Text", "LineBreak"]
    assert plain_text(run) == "甲乙\n"


@pytest.mark.parametrize("kind", [*t.INLINE_TYPES, *t.BLOCK_TYPES, t.ListItem, t.Document])
def test_child_fields_are_declared_in_order(kind):
    names = [f.name for f in fields(kind)]
    declared = [child.name for child in child_fields(kind)]
    assert declared == [name for name in names if name in declared]
