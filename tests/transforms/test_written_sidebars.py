"""Unit tests for compiler.transforms.callouts.written_sidebars: a sidebar written out
(`::: sidebar 标题` … `:::`, what `reportc fix` writes) is the node a recovered sidebar is.

Covers: the fenced sidebar and the same sidebar recovered from its blank lines normalise to the
same tree (lines aside); its title is the fence's, never taken from the text; untitled, it
has none; holding several blocks, it keeps them (kind "" all the same); other kinds are left
alone; a written sidebar splits no paragraph (only recovered ones are rejoined across).
"""

from __future__ import annotations

import re

from compiler.diagnostics import Findings
from compiler.model import nodes as t
from compiler.model.dump import dump
from compiler.model.traverse import plain_text
from compiler.transforms import normalise
from compiler.transforms.callouts import written_sidebars

from helpers import read, read_apply


def normalised(text: str) -> t.Document:
    doc, findings = read(text)
    return normalise(doc, findings)


def without_lines(doc: t.Document) -> str:
    return re.sub(r" line=\d+", "", dump(doc))


def test_a_written_sidebar_is_the_node_a_recovered_one_is():
    recovered = normalised("# T\n\n上海开头。\n\n\n\n**云计算产业基地** 8月17日,揭牌。\n\n正文。\n")
    written = normalised("# T\n\n上海开头。\n\n::: sidebar 云计算产业基地\n8月17日,揭牌。\n:::\n\n正文。\n")
    assert without_lines(written) == without_lines(recovered)
    box = written.children[1]
    assert isinstance(box, t.Callout) and box.kind == "" and box.blocks == []
    assert plain_text(box.children) == "8月17日，揭牌。"


def test_its_title_is_the_fences_and_none_is_taken_from_the_text():
    doc, _ = read_apply("# T\n\n::: sidebar\n**粗体开头** 正文。\n:::\n", written_sidebars)
    box = doc.children[0]
    assert box.title == []
    assert isinstance(box.children[0], t.Strong)


def test_a_sidebar_of_several_blocks_keeps_them():
    doc, _ = read_apply("# T\n\n::: sidebar 框\n甲。\n\n乙。\n:::\n", written_sidebars)
    box = doc.children[0]
    assert (box.kind, plain_text(box.title), [plain_text(b.children) for b in box.blocks]) == ("", "框", ["甲。", "乙。"])


def test_callouts_of_other_kinds_are_left_alone():
    doc, _ = read_apply("# T\n\n::: info 专家点评\n甲。\n:::\n", written_sidebars)
    assert doc.children[0].kind == "info" and len(doc.children[0].blocks) == 1


def test_a_written_sidebar_splits_no_paragraph():
    text = "# T\n\n政策享受有效期内的\n\n::: sidebar 框题\n框内文字。\n:::\n\n高新技术成果转化项目270项。\n"
    doc, findings = read(text)
    doc = normalise(doc, findings)
    assert [type(b).__name__ for b in doc.children] == ["Paragraph", "Callout", "Paragraph"]
    assert findings.count("paragraph-rejoined") == 0
