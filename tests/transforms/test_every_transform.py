"""Every step of `compiler.transforms.pipeline()`, by one test: it returns a Document, leaves the
tree it was given as it found it (its dump and a deep copy taken before), and running it again on
its own result gives the same tree.

Each step is given the sample and small chapters, each written to give one step something to do
(stray whitespace, a sidebar, a paragraph split by a sidebar, key points, run-ins, ASCII
punctuation, districts without headings, headings, images, English words in Chinese prose):
brought to the step by the steps before it, as `normalise` does, and also just as read. The
files of the single transforms test what each one does; the checks that hold for all of them
are here, in one function, `assert_pure_and_idempotent`, which is shown to fail fake steps that
change their input, are not idempotent or return no Document.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from compiler.diagnostics import Findings
from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.model.traverse import iter_inlines
from compiler.transforms import PassContext, pipeline

from helpers import brought_to, read, read_sample

STEPS = pipeline()

# Small chapters, each written to give the named steps something to do (checked by
# `test_each_small_chapter_gives_its_steps_work`); every step is given every one of them.
SMALL_CHAPTERS: dict[str, tuple[tuple[str, ...], str]] = {
    "whitespace": (("drop_stray_whitespace",), "# T\n\n  上海\n北京  \n\n \n\n\u3000\u3000浦东。\n"),
    "look-alikes": (("replace_look_alikes",), "# ⽇报\n\n近⼏年，⼏乎每⽇。\n\n- 项⽬\n"),
    "traditional": (("detect_script",), "# 臺灣科技發展\n\n這是繁體書寫的區縣科技創新發展報告。\n"),
    "empty headings": (("drop_empty_headings",), "# T\n\n###\n\n正文。\n\n## \u3000\n\n## ![](a.png)\n"),
    "sidebar": (("make_callouts",), "# T\n\n上海开头。\n\n\n\n**框题** 框内文字。\n\n正文。\n"),
    "untitled sidebar": (("make_callouts",), "# T\n\n政策享受有效期内的\n\n\n\n框内文字没有标题。\n\n高新技术。\n"),
    "split paragraph": (("rejoin_split_paragraphs",),
                        "# T\n\n政策享受有效期内的\n\n\n\n**框题** 框内文字。\n\n高新技术成果转化项目270项。\n"),
    "written sidebar": (("written_sidebars",), "# T\n\n正文。\n\n::: sidebar 框题\n框内文字。\n:::\n"),
    "key points": (("make_key_points",), "# T\n\n- 要点一\n- **要点**二\n\n正文。\n"),
    "run-ins": (("mark_run_ins",), "# T\n\n**甲。**乙\n\n> **丙。**丁\n"),
    "ascii punctuation": (("full_width_punctuation",), "# T\n\n**开源技术**,上海(市):好!\n\n## 标题(一)\n\n- 要点;甲\n"),
    "headless sections": (("recover_headless_sections",),
                          "# T\n\n## 概述\n\n总体情况。\n\n海淀区围绕。\n\n朝阳区以。\n"),
    "district named twice": (("recover_headless_sections",),
                             "# T\n\n## 概述\n\n总体情况。\n\n海淀区围绕。\n\n海淀区继续。\n\n朝阳区以。\n"),
    "headings": (("nest_sections", "assign_ids"), (
        "# T\n\n前言。\n\n## 甲\n\n甲文。\n\n### 甲一\n\n甲一文。\n\n\n\n**框** 文。\n\n"
        "#### 甲一一\n\n深。\n\n### 甲二\n\n甲二文。\n\n## 乙\n\n乙文。\n\n\n\n**框二** 文。\n"
    )),
    "image": (("check_images",), "# T\n\n![图](data:image/png;base64,iVBORw0KGgo=)\n\n![缺](missing-figure.png)\n"),
    "prose": (("check_prose",), "# T\n\n功能布局 and 空间布局。\n\n他说“好。\n"),
    "footnotes": (("collect_footnotes",), "# T\n\n正文[^a]，又[^b]。\n\n[^a]: 注文。\n\n[^c]: 无人引用。\n"),
    "data table": (("read_data_tables",), "# T\n\n```table\nfile: missing-data.csv\n```\n"),
    "figure": (("make_figures", "number_figures_and_tables"), "# 第三章 T\n\n![](a.png)\n\n图 3-1 示意\n"),
    "table": (("caption_tables", "number_figures_and_tables"),
              "# 第三章 T\n\n表 3-1 各区\n\n| 地区 | 值 |\n|---|---:|\n| 浦东 | 1,234 |\n\n注：甲。\n"),
    "cross references": (("resolve_cross_references",),
                         "# T\n\n见 @fig-map 与 @fig-none。\n\n![](a.png){#fig-map}\n\n## 节 {#sec-a}\n\n见 @sec-a。\n"),
}
# Chapters whose syntax the reader does not turn into nodes yet (#12 changes reader and
# transforms at once): the node each needs, so that the check below waits for the reader.
NEEDS_THE_READER = {"footnotes": t.NoteRef, "cross references": t.CrossRef}


def assert_pure_and_idempotent(step, doc: t.Document) -> t.Document:
    """Apply `step` to `doc` and again to its result, each with a fresh context, and fail unless
    both results are Documents, neither run changed the tree it was given, and the second result
    equals the first. Returns the first result."""
    dumped, copied = dump(doc), copy.deepcopy(doc)
    once = step(doc, PassContext(Findings(doc.source_name)))
    assert isinstance(once, t.Document), f"{step.__name__} returned {type(once).__name__}, not a Document"
    assert dump(doc) == dumped, f"{step.__name__} changed the tree it was given"
    assert doc == copied, f"{step.__name__} changed the tree it was given (in a field the dump leaves out)"

    dumped_once, copied_once = dump(once), copy.deepcopy(once)
    twice = step(once, PassContext(Findings(doc.source_name)))
    assert isinstance(twice, t.Document), f"{step.__name__} returned {type(twice).__name__}, not a Document"
    assert dump(once) == dumped_once and once == copied_once, f"{step.__name__} changed its own result"
    assert dump(twice) == dumped_once, f"{step.__name__} run twice differs from run once"
    assert twice == once, f"{step.__name__} run twice differs from run once (in a field the dump leaves out)"
    return once


def chapter_before(step, name: str, *, as_read: bool = False) -> t.Document:
    """The sample or a small chapter as it stands just before `step` (or as read, untransformed)."""
    doc, findings = read_sample() if name == "sample" else read(SMALL_CHAPTERS[name][1])
    return doc if as_read else brought_to(step, doc, findings)


@pytest.mark.parametrize("as_read", [False, True], ids=["before_the_step", "as_read"])
@pytest.mark.parametrize("name", ["sample", *SMALL_CHAPTERS])
@pytest.mark.parametrize("step", STEPS, ids=[step.__name__ for step in STEPS])
def test_step_returns_a_document_leaves_its_input_alone_and_is_idempotent(step, name, as_read):
    assert_pure_and_idempotent(step, chapter_before(step, name, as_read=as_read))


def test_every_step_is_given_work_by_some_small_chapter():
    given = {step for steps, _ in SMALL_CHAPTERS.values() for step in steps}
    assert given == {step.__name__ for step in STEPS}


@pytest.mark.parametrize("name", SMALL_CHAPTERS)
def test_each_small_chapter_gives_its_steps_work(name):
    """The chapter is changed by each step it is written for, or gets a finding from it: the checks
    above see every step at work, not only passing a tree through untouched."""
    steps = {step.__name__: step for step in STEPS}
    needed = NEEDS_THE_READER.get(name)
    if needed is not None and not any(isinstance(node, needed) for node in iter_inlines(read(SMALL_CHAPTERS[name][1])[0])):
        pytest.skip(f"the reader does not read {needed.__name__} nodes yet")
    for step_name in SMALL_CHAPTERS[name][0]:
        doc = chapter_before(steps[step_name], name)
        findings = Findings("t.md")
        out = steps[step_name](doc, PassContext(findings))
        assert dump(out) != dump(doc) or findings.items, f"{step_name} has nothing to do in {name!r}"


# ----------------------------------------------------------------------------- the checks can fail


def appends_in_place(doc: t.Document, ctx: PassContext) -> t.Document:
    doc.children.append(t.Paragraph([t.Text("多")], 99))
    return doc


def changes_a_node_in_place(doc: t.Document, ctx: PassContext) -> t.Document:
    for block in doc.children:
        if isinstance(block, t.Paragraph):
            block.children.insert(0, t.Text("改"))
    return replace(doc, children=list(doc.children))


def changes_an_undumped_field_in_place(doc: t.Document, ctx: PassContext) -> t.Document:
    for block in doc.children:
        if isinstance(block, t.Paragraph):
            block.blank_lines_before += 1
    return replace(doc, children=list(doc.children))


def appends_to_a_copy(doc: t.Document, ctx: PassContext) -> t.Document:
    return replace(doc, children=[*doc.children, t.Paragraph([t.Text("多")], 99)])


def returns_the_children(doc: t.Document, ctx: PassContext) -> t.Document:
    return doc.children  # type: ignore[return-value]


def empties_its_own_result(doc: t.Document, ctx: PassContext) -> t.Document:
    if doc.ident == "seen":
        doc.children.clear()
        return doc
    return replace(doc, children=list(doc.children), ident="seen")


@pytest.mark.parametrize("fake, message", [
    pytest.param(appends_in_place, "changed the tree it was given", id="appends_in_place"),
    pytest.param(changes_a_node_in_place, "changed the tree it was given", id="changes_a_node_in_place"),
    pytest.param(changes_an_undumped_field_in_place,
                 r"changed the tree it was given \(in a field the dump leaves out\)",
                 id="changes_an_undumped_field_in_place"),
    pytest.param(appends_to_a_copy, "run twice differs from run once", id="appends_to_a_copy"),
    pytest.param(returns_the_children, "returned list, not a Document", id="returns_the_children"),
    pytest.param(empties_its_own_result, "changed its own result", id="empties_its_own_result"),
])
def test_the_checks_fail_a_step_that_mutates_is_not_idempotent_or_returns_no_document(fake, message):
    doc, _ = read(SMALL_CHAPTERS["sidebar"][1])
    with pytest.raises(AssertionError, match=message):
        assert_pure_and_idempotent(fake, doc)


def test_the_checks_pass_a_step_that_returns_its_input_unchanged():
    doc, _ = read(SMALL_CHAPTERS["sidebar"][1])
    assert assert_pure_and_idempotent(lambda doc, ctx: doc, doc) is doc
