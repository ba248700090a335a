"""The reader against the CommonMark spec's own examples, for the block structures authors use.

Authors write for GitHub and CommonMark readers; Python-Markdown reads otherwise in places
(compiler/readers/commonmark.py rewrites lists and fences for it). Each example of the spec's
sections on thematic breaks, fenced code, paragraphs, block quotes, list items, lists, code
spans and emphasis (309 examples, vendored in tests/fixtures/commonmark with their licence) is
read, and its block structure — paragraphs, headings, lists and their items, quotes, code, rules
with the text of each — compared with the structure of the spec's HTML. Inline markup is compared
by its text only: which characters are shown.

Where we read otherwise on purpose, or have not yet followed the spec, the example is listed in
KNOWN_DIFFERENCES with the reason, and expected to differ (strict: one that comes to agree must
leave the list).
"""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from compiler.model import nodes as t
from compiler.model.traverse import plain_text
from conftest import FIXTURES
from helpers import read

EXAMPLES = json.loads((FIXTURES / "commonmark" / "spec-0.31.2-examples.json").read_text(encoding="utf-8"))

# Bold next to punctuation is read as bold, as Chinese text needs (`**粗体**。`): the price is
# these Latin examples, where CommonMark's flanking rules leave the markers as text.
FLANKING = "CommonMark's flanking rules, relaxed for bold and italic next to Chinese punctuation"
KNOWN_DIFFERENCES = {
    43: "a `***` line over a `---` line is read as a setext heading",
    53: "`-     -      -      -` is read as nested empty items, not a thematic break",
    128: "fenced code inside a block quote is not read as code",
    129: "blank lines at the start of fenced code are dropped",
    141: "an ATX heading after fenced code in one group is read one level lower (the chapter has one h1)",
    236: "a `---` line under a quoted line makes a setext heading of the quote marker line",
    238: "indented code inside a quote takes the unquoted indented line after it",
    239: "a fence opened inside a quote continues outside it",
    241: "an empty block quote is no block",
    242: "an empty block quote is no block",
    251: "a line after an empty quote line continues the quote lazily",
    259: "a line indented less than an item's text after a blank line stays in the item, not code",
    261: "lists inside nested block quotes without a space after `>`",
    266: "three blank lines inside indented code in an item become two",
    275: "an item opening with indented code",
    276: "an item opening with indented code",
    280: "items whose first line is empty, continued by code on the next",
    294: "a list inside a quote inside a list inside a quote",
    295: "a list inside a quote inside a list inside a quote",
    301: "markers nested on one line (`1. - 2. foo`)",
    302: "a setext heading inside a list item",
    303: "a change of bullet character (`-` to `+`) continues the list",
    304: "a change of ordered delimiter (`.` to `)`) continues the list",
    315: "an ordered marker indented 4 spaces after a blank line is read as a nested item, not code",
    322: "a quote inside an item takes the next item into the quote",
    346: "a backtick inside an HTML attribute",
    348: "a backtick inside an autolink",
    349: "an unmatched backtick run at a paragraph's start",
    354: FLANKING, 356: FLANKING, 370: FLANKING, 382: FLANKING, 394: FLANKING,
}
BLOCK_TAGS = {"p", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"}


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def spec_structure(html: str) -> tuple:
    """The block structure of the spec's HTML; a tight item's text counts as its paragraph."""
    def walk(element) -> list[tuple]:
        found: list[tuple] = []
        loose_text = element.text or ""
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag not in BLOCK_TAGS:
                loose_text += child.text_content() if tag else ""
            elif tag == "pre":
                found.append(("pre", child.text_content().rstrip("\n")))
            elif tag in ("ul", "ol", "blockquote", "li"):
                found.append((tag, tuple(walk(child))))
            elif tag == "hr":
                found.append(("hr",))
            else:
                found.append((tag, _words(child.text_content())))
            loose_text += child.tail or ""
        if element.tag == "li" and _words(loose_text):
            found.insert(0, ("p", _words(loose_text)))
        return found

    return tuple(walk(lxml.html.fragment_fromstring(html, create_parent="div")))


def our_structure(blocks: list[t.Block]) -> tuple:
    found: list[tuple] = []
    for block in blocks:
        if isinstance(block, t.Paragraph):
            found.append(("p", _words(plain_text(block.children))))
        elif isinstance(block, t.Heading):
            found.append((f"h{block.level}", _words(plain_text(block.children))))
        elif isinstance(block, t.BulletList):
            found.append(("ol" if block.ordered else "ul",
                          tuple(("li", our_structure(item.children)) for item in block.items)))
        elif isinstance(block, t.BlockQuote):
            found.append(("blockquote", our_structure(block.children)))
        elif isinstance(block, t.CodeBlock):
            found.append(("pre", block.text.rstrip("\n")))
        elif isinstance(block, t.ThematicBreak):
            found.append(("hr",))
        else:
            found.append((type(block).__name__,))
    return tuple(found)


def _cases():
    for example in EXAMPLES["examples"]:
        number = example["example"]
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[number])] if number in KNOWN_DIFFERENCES else []
        yield pytest.param(example, id=f"{number}-{example['section']}", marks=marks)


@pytest.mark.parametrize("example", list(_cases()))
def test_the_example_reads_as_the_spec_draws_it(example):
    doc, _ = read("# 标题\n\n" + example["markdown"])  # the chapter's own title first: the example is its body
    assert our_structure(doc.children) == spec_structure(example["html"])


def test_most_examples_of_these_sections_agree():
    """The share that agrees, so that a longer list of differences cannot pass unnoticed."""
    assert len(EXAMPLES["examples"]) == 309
    assert len(KNOWN_DIFFERENCES) <= 33  # 276 of 309 agree


# ---------------------------------------------------------------- the same rules in Chinese text


def _structure(source: str) -> tuple:
    doc, _ = read("# 标题\n\n" + source)
    return our_structure(doc.children)


def test_an_item_continued_at_its_text_column_after_a_blank_line_keeps_its_paragraph():
    assert _structure("1. 第一项\n\n   说明第一项。\n2. 第二项\n") == (
        ("ol", (("li", (("p", "第一项"), ("p", "说明第一项。"))), ("li", (("p", "第二项"),)))),)


def test_a_line_less_indented_than_the_items_text_after_a_blank_line_ends_the_list():
    assert _structure("1. 第一项\n\n  正文。\n") == (("ol", (("li", (("p", "第一项"),)),)), ("p", "正文。"))


def test_fenced_code_inside_an_item_is_the_items_code():
    assert _structure("- 安装：\n\n  ```bash\n  pip install reportc\n  ```\n- 运行\n") == (
        ("ul", (("li", (("p", "安装："), ("pre", "pip install reportc"))), ("li", (("p", "运行"),)))),)


def test_a_year_opening_a_wrapped_line_of_prose_is_no_list():
    assert _structure("全市生产总值持续增长，到\n2023. 年末达到新高。\n") == (("p", "全市生产总值持续增长，到 2023. 年末达到新高。"),)


def test_an_indented_or_longer_closed_or_unclosed_fence_is_code():
    assert _structure("  ```\n  代码\n    缩进\n  ```\n") == (("pre", "代码\n  缩进"),)
    assert _structure("````text 说明\n```\n````\n") == (("pre", "```"),)
    assert _structure("正文。\n\n```\n未闭合\n") == (("p", "正文。"), ("pre", "未闭合"))


def test_a_bullet_list_right_after_an_ordered_one_is_a_list_of_its_own():
    assert _structure("1. 甲\n- 乙\n") == (("ol", (("li", (("p", "甲"),)),)), ("ul", (("li", (("p", "乙"),)),)))
