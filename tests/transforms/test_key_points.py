"""Unit tests for compiler.transforms.key_points.make_key_points, alone.

Covers: a bullet list that is the first block under the chapter title becomes KeyPoints (items
keep their inline markup, the list's line and blank lines carry over); an ordered list, a list
after other content, a list with nested or multi-paragraph items, a list before the title, and
a chapter without a `# ` title are left alone; the sample's five key points.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.transforms.key_points import make_key_points

from helpers import apply, kinds, read_apply, sample_before


def key_points(text: str) -> t.Document:
    doc, findings = read_apply(text)
    out = apply(doc, make_key_points, findings=findings)
    return out, doc


def test_bullet_list_right_after_the_title_becomes_key_points():
    doc, _ = key_points("# 第一章 标题\n\n- 要点一\n- 要点二\n\n## 概述\n\n正文。\n")
    assert doc.children[0] == t.KeyPoints([[t.Text("要点一")], [t.Text("要点二")]], 3, 1)
    assert kinds(doc.children) == ["KeyPoints", "Heading", "Paragraph"]


def test_key_point_items_keep_their_inline_markup():
    doc, _ = key_points("# T\n\n- **要点一**重要\n- 要点*二*\n")
    assert doc.children[0].items == [
        [t.Strong([t.Text("要点一")]), t.Text("重要")],
        [t.Text("要点"), t.Emphasis([t.Text("二")])],
    ]


def test_loose_bullet_list_right_after_the_title_becomes_key_points():
    doc, _ = key_points("# T\n\n- 要点一\n\n- 要点二\n")
    assert kinds(doc.children) == ["KeyPoints"]
    assert [plain_text(item) for item in doc.children[0].items] == ["要点一", "要点二"]


def test_key_points_keep_the_blank_lines_before_the_list():
    doc, _ = key_points("# T\n\n\n- 要点一\n")
    assert (doc.children[0].line, doc.children[0].blank_lines_before) == (4, 2)


def test_ordered_list_right_after_the_title_is_not_key_points():
    out, before = key_points("# 第一章 标题\n\n1. 要点一\n2. 要点二\n\n正文。\n")
    assert out == before
    assert isinstance(out.children[0], t.BulletList) and out.children[0].ordered


def test_bullet_list_after_a_paragraph_is_not_key_points():
    out, before = key_points("# 第一章 标题\n\n正文。\n\n- 要点一\n- 要点二\n")
    assert out == before
    assert kinds(out.children) == ["Paragraph", "BulletList"]


def test_bullet_list_after_a_heading_is_not_key_points():
    out, before = key_points("# 第一章 标题\n\n## 概述\n\n- 要点一\n")
    assert out == before


def test_list_with_a_nested_list_is_not_key_points():
    out, before = key_points("# 第一章 标题\n\n- 要点一\n    - 子项\n- 要点二\n")
    assert out == before
    assert kinds(out.children) == ["BulletList"]


def test_list_with_a_multi_paragraph_item_is_not_key_points():
    out, before = key_points("# T\n\n- 一\n\n    续段\n\n- 二\n")
    assert out == before


def test_list_before_the_title_is_not_key_points():
    out, before = key_points("- 要点一\n- 要点二\n\n# 第一章 标题\n\n正文。\n")
    assert out == before
    assert kinds(out.children) == ["BulletList", "Paragraph"]


def test_chapter_without_a_title_heading_gets_no_key_points():
    out, before = key_points("- 要点一\n- 要点二\n\n正文。\n")
    assert out == before


def test_empty_chapter_is_unchanged():
    out, before = key_points("# T\n")
    assert out == before
    assert out.children == []


def test_sample_key_points():
    doc = apply(sample_before(make_key_points), make_key_points)
    first = doc.children[0]
    assert isinstance(first, t.KeyPoints)
    assert first.line == 5
    assert [plain_text(item) for item in first.items] == [
        "深化“市区联动”机制",
        "培育区县科技创新集群",
        "促进科技金融体系建设",
        "推进杨浦国家创新型试点城区建设",
        "推进浦东、闵行国家科技进步示范区建设",
    ]
    assert not any(isinstance(b, t.BulletList) for b in doc.children)
