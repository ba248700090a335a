"""compiler.readers.markdown: which heading is the chapter's title, and what the others become.

Covers (issue 16, item 3): without a `# ` title the first heading of any level is the title,
with an info finding naming it and its line (before: the file name, with a warning); front
matter's `title:` still wins over that heading; with no heading at all the file name stays,
with today's warning; an empty heading (`#` alone, or only spaces) is never the title; every
`# ` heading after the title is a top section of the chapter (level 2), the headings after it
one level lower (at most 6), each such heading reported as info — so the printed contents, the
PDF bookmarks and the EPUB navigation nest them alike (tests/cli/test_structure_outputs.py).
"""

from __future__ import annotations

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from compiler.readers.markdown import shows_text

from helpers import kinds, messages, read

NO_TITLE = "no '# ' chapter title; the file name is used as the title"


def first_heading(text: str, line: int) -> str:
    return f"no '# ' chapter title: the first heading, '{text}' (line {line}), is used as the title"


def later_title(title_line: int) -> str:
    return (f"'# ' heading after the chapter title (line {title_line}): made a section of the chapter, "
            "the headings from here on one level lower")


def levels(doc: t.Document) -> list[tuple[int, str, int]]:
    return [(b.level, plain_text(b.children), b.line) for b in doc.children if isinstance(b, t.Heading)]


# ---------------------------------------------------------------- no `# ` title


def test_without_a_level_one_heading_the_first_heading_is_the_title_and_an_info_says_so():
    doc, findings = read("前言。\n\n## 概述\n\n正文。\n\n## 其他\n", name="chapter-7.md")
    assert plain_text(doc.title) == "概述"
    assert doc.title_line == 3
    assert kinds(doc.children) == ["Paragraph", "Paragraph", "Heading"]
    assert levels(doc) == [(2, "其他", 7)]
    assert messages(findings) == [(3, "info", first_heading("概述", 3))]


def test_the_first_heading_may_be_of_any_level():
    doc, findings = read("### 小节标题\n\n正文。\n\n## 二级\n")
    assert plain_text(doc.title) == "小节标题"
    assert levels(doc) == [(2, "二级", 5)]
    assert messages(findings) == [(1, "info", first_heading("小节标题", 1))]


def test_front_matter_title_wins_over_the_first_heading():
    doc, findings = read("---\ntitle: 元数据标题\n---\n\n## 概述\n\n正文。\n")
    assert plain_text(doc.title) == "元数据标题"
    assert doc.title_line == 0
    assert levels(doc) == [(2, "概述", 5)]
    assert findings.items == []


def test_with_no_heading_at_all_the_file_name_stays_with_the_warning():
    doc, findings = read("正文。\n\n###\n", name="chapter-7.md")
    assert plain_text(doc.title) == "chapter-7"
    assert messages(findings) == [(1, "warning", NO_TITLE)]


def test_a_bullet_list_under_a_title_taken_from_a_heading_is_still_the_key_points():
    from compiler.transforms import normalise

    doc, findings = read("## 概述\n\n- 要点一\n- 要点二\n\n正文。\n")
    doc = normalise(doc, findings)
    assert kinds(doc.children) == ["KeyPoints", "Paragraph"]


# ---------------------------------------------------------------- empty headings are never the title


def test_an_empty_level_one_heading_is_not_the_title():
    doc, findings = read("#\n\n## 概述\n\n正文。\n")
    assert plain_text(doc.title) == "概述"
    assert doc.title_line == 3
    assert levels(doc) == [(1, "", 1)]  # left for drop_empty_headings, which reports it
    assert messages(findings) == [(3, "info", first_heading("概述", 3))]


def test_a_level_one_heading_of_spaces_is_not_the_title():
    doc, _ = read("#   \n\n# 真标题\n\n正文。\n")
    assert plain_text(doc.title) == "真标题"
    assert doc.title_line == 3


def test_an_empty_heading_is_not_taken_as_first_heading():
    doc, findings = read("###\n\n#### 　　\n\n## 概述\n")
    assert plain_text(doc.title) == "概述"
    assert messages(findings) == [(5, "info", first_heading("概述", 5))]


def test_before_the_title_was_the_empty_heading():
    """The defect: `# ` alone became an empty chapter title."""
    doc, _ = read("# \n\n正文。\n\n## 概述\n")
    assert plain_text(doc.title) == "概述"


def test_shows_text():
    assert shows_text([t.Text("甲")])
    assert shows_text([t.Strong([t.Text("粗")])])
    assert shows_text([t.Image("a.png", "图")])
    assert not shows_text([])
    assert not shows_text([t.Text(" \u3000\t\u00a0")])
    assert not shows_text([t.Text("\u200b \u2060")])
    assert not shows_text([t.Image("a.png", "")])


# ---------------------------------------------------------------- several `# ` headings


def test_later_level_one_headings_become_top_sections_and_the_headings_after_them_go_one_level_down():
    doc, findings = read(
        "# 第一章 总论\n\n## 一、背景\n\n# 第二部分\n\n## 二、细节\n\n### 细目\n\n# 第三部分\n\n##### 深\n\n###### 最深\n"
    )
    assert plain_text(doc.title) == "第一章 总论"
    assert levels(doc) == [
        (2, "一、背景", 3), (2, "第二部分", 5), (3, "二、细节", 7), (4, "细目", 9), (2, "第三部分", 11),
        (6, "深", 13), (6, "最深", 15),
    ]
    assert messages(findings) == [(5, "info", later_title(1)), (11, "info", later_title(1))]


def test_an_empty_later_level_one_heading_moves_no_level():
    doc, findings = read("# 章\n\n## 甲\n\n#\n\n## 乙\n")
    assert levels(doc) == [(2, "甲", 3), (1, "", 5), (2, "乙", 7)]
    assert findings.items == []


def test_a_single_level_one_heading_leaves_every_level_as_written():
    doc, findings = read("# 章\n\n## 甲\n\n### 乙\n")
    assert levels(doc) == [(2, "甲", 3), (3, "乙", 5)]
    assert findings.items == []
