"""Property (hypothesis): the EPUB's text holds each Han character and digit of the source
exactly as often as a reader of the source sees it — none lost, none shown twice.

Chapters are generated as in tests/transforms/test_properties.py (lists, bold, tables, raw HTML
fragments, comments, links, images, sidebars, district reports, headings, front matter …), then
read, normalised and written as an EPUB (no PDF: the EPUB writer alone). What the layout adds on
purpose is set aside: its own words (本章要点, an untitled sidebar's 专栏, a missing image's 图片缺失),
a missing image's file name beside its alt text, and the headings of recovered sections (the
place name a district report opens with, given again as its section's title). The chapter's
title is set aside when the source gives none (the file name stands in).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import example, given
from lxml import etree

from compiler.diagnostics import Findings
from compiler.readers.markdown import read_document
from compiler.readers.source import SourceText
from compiler.transforms import normalise
from compiler.writers.epub.package import epub_bytes
from compiler.writers.templates import load_layout
from test_properties import PROPERTY, chapter  # the same chapters as the tree's property tests

HAN_OR_DIGIT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9]")
XHTML = "{http://www.w3.org/1999/xhtml}"
SET_ASIDE = ("key-points-title", "image-file", "recovered-heading", "caption-label")  # caption-label: 图 1
LAYOUT = load_layout("yearbook")


def epub_body_text(text: str) -> tuple[str, bool]:
    """The text of the chapter's EPUB content document, what the layout adds on purpose aside,
    and whether its title is the front matter's (which the generated chapter does not count)."""
    findings = Findings("t.md", lines=text.split("\n"))
    doc = normalise(read_document(SourceText(Path("t.md"), text, "utf-8"), findings), findings,
                    base_dir=Path("/nonexistent-folder"))
    data = epub_bytes(doc, LAYOUT, stem="t", date=datetime(2026, 1, 1, tzinfo=timezone.utc), image_dir=None)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("EPUB/chapter.xhtml"))
    words = LAYOUT.strings(doc.language)
    for element in list(root.iter()):
        classes = (element.get("class") or "").split()
        if element.tag == f"{XHTML}section" and "recovered" in classes:
            heading = element[0]
            heading.getparent().remove(heading)  # a recovered section's title repeats its opening words
        elif any(name in classes for name in SET_ASIDE) and "given" not in classes:  # an author's own number is text
            element.getparent().remove(element)
        elif ("callout-title" in classes and element.text == words["callout"]) or \
                ("image-alt" in classes and element.text == words["image_missing"]):
            element.getparent().remove(element)
    if not doc.title_line and "title" not in doc.meta:
        title = root.find(f".//{XHTML}h1")
        title.getparent().remove(title)
    body = root.find(f"{XHTML}body")
    return "".join(body.itertext()), not doc.title_line and bool(doc.meta.get("title"))


@PROPERTY
@given(chapter())
@example(("# 标题\n\n甲\n\n\n\n乙\n", "标题甲乙"))
@example(("- **入门篇**：甲\n  - **乙**丙\n", "入门篇甲乙丙"))
@example(("表 1 数据：\n| 项目 | 数量 |\n| --- | ---: |\n| 甲 | 1 |\n", "表1数据项目数量甲1"))
def test_the_epub_shows_each_han_character_and_digit_as_often_as_the_source(generated):
    text, expected = generated
    body, titled_by_front_matter = epub_body_text(text)
    shown = Counter(HAN_OR_DIGIT.findall(body))
    front_title = Counter(HAN_OR_DIGIT.findall("前置标题")) if titled_by_front_matter else Counter()
    wanted = Counter(expected) + front_title
    assert shown == wanted, f"lost {dict(wanted - shown)}, shown twice or more {dict(shown - wanted)} in {text!r}"
