"""Unit tests for compiler.transforms.sections (nest_sections and assign_ids), alone.

Covers: a heading opens a section that runs to the next heading of the same or a higher level
(levels 2/3/4, a skipped level, a deeper heading first); blocks before the first heading stay
at the top; a heading's line, blank lines and `recovered` flag carry over; headings inside
quotes are not nested; ids s1, s2, … for sections, c1, c2, … for callouts and p1, p2, … for
paragraphs in document order (depth first); the sample's structure.

That it leaves its input alone and is idempotent is tested with every transform in
test_every_transform.py.
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import iter_blocks, plain_text
from compiler.transforms.callouts import make_callouts
from compiler.transforms.sections import assign_ids, nest_sections

from helpers import apply, kinds, problems, read_apply, sample_before

CHAPTER = (
    "# T\n\n前言。\n\n## 甲\n\n甲文。\n\n### 甲一\n\n甲一文。\n\n\n\n**框** 文。\n\n"
    "#### 甲一一\n\n深。\n\n### 甲二\n\n甲二文。\n\n## 乙\n\n乙文。\n\n\n\n**框二** 文。\n"
)


def outline(blocks: list[t.Block], depth: int = 0) -> list[tuple]:
    """(depth, level, title, line) for every section, depth first."""
    out = []
    for block in blocks:
        if isinstance(block, t.Section):
            out.append((depth, block.level, plain_text(block.title), block.line))
            out.extend(outline(block.children, depth + 1))
    return out


def nested(text: str = CHAPTER) -> t.Document:
    doc, findings = read_apply(text, make_callouts)
    out = apply(doc, nest_sections, findings=findings)
    assert problems(findings) == []  # the recoveries (callout-recovered …) are reported, not problems
    return out


def test_headings_nest_by_level():
    doc = nested()
    assert outline(doc.children) == [
        (0, 2, "甲", 5), (1, 3, "甲一", 9), (2, 4, "甲一一", 17), (1, 3, "甲二", 21), (0, 2, "乙", 25),
    ]


def test_blocks_before_the_first_heading_stay_at_the_top():
    doc = nested()
    assert kinds(doc.children) == ["Paragraph", "Section", "Section"]
    assert plain_text(doc.children[0].children) == "前言。"


def test_section_children_are_the_blocks_up_to_the_next_heading():
    doc = nested()
    jia = doc.children[1]
    assert kinds(jia.children) == ["Paragraph", "Section", "Section"]
    jia_yi = jia.children[1]
    assert kinds(jia_yi.children) == ["Paragraph", "Callout", "Section"]
    assert jia_yi.children[1].line == 15
    yi = doc.children[2]
    assert kinds(yi.children) == ["Paragraph", "Callout"]


def test_section_carries_the_heading_line_blank_lines_and_recovered_flag():
    heading = t.Heading(2, [t.Text("海淀区")], 9, 3, recovered=True)
    doc = t.Document([t.Text("T")], [heading, t.Paragraph([t.Text("文")], 9)], "t.md", title_line=1)
    out = apply(doc, nest_sections)
    assert out.children == [
        t.Section(2, [t.Text("海淀区")], [t.Paragraph([t.Text("文")], 9)], 9, recovered=True, blank_lines_before=3)
    ]


def test_skipped_level_nests_under_the_nearest_higher_heading():
    doc = nested("# T\n\n## 甲\n\n#### 深\n\n### 中\n\n## 乙\n")
    assert outline(doc.children) == [(0, 2, "甲", 3), (1, 4, "深", 5), (1, 3, "中", 7), (0, 2, "乙", 9)]


def test_deeper_heading_first_is_closed_by_a_higher_one():
    doc = nested("# T\n\n### 三级\n\n文。\n\n## 二级\n\n文。\n")
    assert outline(doc.children) == [(0, 3, "三级", 3), (0, 2, "二级", 7)]


def test_level_one_heading_in_the_body_is_a_top_section():
    """The reader makes a later `# ` heading level 2 and the headings after it one lower."""
    doc, findings = read_apply("# T\n\n## 甲\n\n# 另一章\n\n## 乙\n", nest_sections)
    assert outline(doc.children) == [(0, 2, "甲", 3), (0, 2, "另一章", 5), (1, 3, "乙", 7)]
    assert [f.level for f in findings.items] == ["info"]


def test_a_level_one_heading_given_to_nesting_opens_a_top_section():
    body = [t.Heading(2, [t.Text("甲")], 3), t.Heading(1, [t.Text("另一章")], 5), t.Heading(2, [t.Text("乙")], 7)]
    doc = apply(t.Document([t.Text("T")], body, "t.md", title_line=1), nest_sections)
    assert outline(doc.children) == [(0, 2, "甲", 3), (0, 1, "另一章", 5), (1, 2, "乙", 7)]


def test_heading_inside_a_block_quote_is_not_nested():
    doc = nested("# T\n\n## 甲\n\n> 引用\n>\n> ### 引中标题\n")
    quote = doc.children[0].children[0]
    assert isinstance(quote, t.BlockQuote)
    assert kinds(quote.children) == ["Paragraph", "Heading"]


def test_document_without_headings_is_unchanged():
    doc, _ = read_apply("# T\n\n甲。\n\n乙。\n")
    assert apply(doc, nest_sections) == doc


def test_ids_in_document_order():
    doc = apply(nested(), assign_ids)
    sections = list([b for b in iter_blocks(doc.children) if isinstance(b, t.Section)])
    assert [(s.ident, plain_text(s.title)) for s in sections] == [
        ("s1", "甲"), ("s2", "甲一"), ("s3", "甲一一"), ("s4", "甲二"), ("s5", "乙"),
    ]
    callouts = [b for b in iter_blocks(doc.children) if isinstance(b, t.Callout)]
    assert [(c.ident, c.line) for c in callouts] == [("c1", 15), ("c2", 31)]


def test_paragraph_ids_in_document_order_including_quotes_and_lists():
    doc = nested("# T\n\n前言。\n\n## 甲\n\n甲文。\n\n> 引文。\n\n- 项目\n\n乙文。\n")
    doc = apply(doc, assign_ids)
    paragraphs = [b for b in iter_blocks(doc.children) if isinstance(b, t.Paragraph)]
    assert [(p.ident, plain_text(p.children)) for p in paragraphs] == [
        ("p1", "前言。"), ("p2", "甲文。"), ("p3", "引文。"), ("p4", "项目"), ("p5", "乙文。"),
    ]


def test_assign_ids_overwrites_earlier_ids():
    doc = apply(nested(), assign_ids)
    again = apply(doc, assign_ids)
    assert again == doc


def test_sample_structure():
    doc = apply(sample_before(nest_sections), nest_sections)
    assert kinds(doc.children) == ["KeyPoints"] + ["Section"] * 19
    top = [(s.level, plain_text(s.title), s.recovered) for s in doc.children[1:]]
    assert top[0] == (2, "概述", False)
    assert [title for _, title, _ in top[1:]][:3] == ["浦东新区", "徐汇区", "长宁区"]
    assert all(level == 2 and rec for level, _, rec in top[1:])
    overview = doc.children[1]
    assert [(s.level, plain_text(s.title)) for s in overview.children if isinstance(s, t.Section)] == [
        (3, "“市区联动”促进创新发展")
    ]
    assert sum(isinstance(b, t.Callout) for s in doc.children[1:] for b in s.children) == 18


def test_sample_ids():
    doc = apply(sample_before(assign_ids), assign_ids)
    sections = list([b for b in iter_blocks(doc.children) if isinstance(b, t.Section)])
    assert [s.ident for s in sections] == [f"s{i}" for i in range(1, 21)]
    assert [plain_text(s.title) for s in sections[:3]] == ["概述", "“市区联动”促进创新发展", "浦东新区"]
    callouts = [b for b in iter_blocks(doc.children) if isinstance(b, t.Callout)]
    assert [c.ident for c in callouts] == [f"c{i}" for i in range(1, 19)]
    assert callouts[0].line == 47 and callouts[-1].line == 274
    paragraphs = [b for b in iter_blocks(doc.children) if isinstance(b, t.Paragraph)]
    assert [p.ident for p in paragraphs] == [f"p{i}" for i in range(1, len(paragraphs) + 1)]
    assert paragraphs[0].line == 13
