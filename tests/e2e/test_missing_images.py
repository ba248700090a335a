"""Images that are missing still take their place, in the real outputs of a chapter: a missing
image alone in a paragraph, one with empty alt text, two on adjacent lines and one inside a
sentence. The PDF shows each as a framed box holding its file name and alt text (WeasyPrint's
laid-out boxes, pdftotext); the EPUB holds each as one element with its alt text, and passes
EPUBCheck and DAISY Ace; each is still a warning."""

from __future__ import annotations

import json
import subprocess

import pytest
from lxml import html as lxml_html

from compiler.build.options import BuildOptions
from conftest import XHTML, epub_documents, epubcheck_messages, pdf_text

CHAPTER = """# 图片占位

## 概况

全年完成重点项目120项。

![1-12](images/figure-1.png)

![](pics/empty-alt.jpg)

![第一张图](a/first.png)
![第二张图](b/second.png)

正文中有一张图![行内图](inline.png)在这里。
"""
# file name and alt text of each placeholder, in reading order
PLACEHOLDERS = [("figure-1.png", "1-12"), ("empty-alt.jpg", ""), ("first.png", "第一张图"),
                ("second.png", "第二张图"), ("inline.png", "行内图")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from compiler.build import build

    folder = tmp_path_factory.mktemp("missing-images")
    source = folder / "images.md"
    source.write_text(CHAPTER, encoding="utf-8")
    result = build(source, folder / "out", BuildOptions(formats=("pdf", "epub", "html")))
    return {"folder": folder, "out": folder / "out", "result": result}


def test_each_missing_image_is_still_a_warning(built):
    warnings = [f.message for f in built["result"].findings.items if f.level == "warning"]
    assert len(warnings) == len(PLACEHOLDERS)
    assert all("is not shown (no such file)" in message for message in warnings)


def test_pdf_text_holds_each_file_name_and_alt_text_and_two_stay_two(built):
    lines = [line.strip() for line in pdf_text(built["out"] / "images.pdf").splitlines() if line.strip()]
    text = "\n".join(lines)
    for name, alt in PLACEHOLDERS:
        assert name in text and alt in text
    # a placeholder alone in its paragraph is a box of its own: its lines hold nothing else
    assert lines[lines.index("figure-1.png") + 1] == "1-12"
    assert lines[lines.index("first.png") + 1] == "第一张图"
    assert lines[lines.index("second.png") + 1] == "第二张图"
    assert "empty-alt.jpg" in lines


def test_each_placeholder_is_a_framed_box_on_the_page(built):
    from compiler.writers.print.pdf import render_pages

    html = (built["out"] / "images.html").read_text(encoding="utf-8")
    document, _ = render_pages(html, base_dir=built["folder"], allowed_roots=[built["folder"]])
    framed = {}  # each placeholder element → its outermost box (an inline-block holds a block of its own)
    for page in document.pages:
        for box in page._page_box.descendants():
            element = box.element
            if element is not None and "image-missing" in element.get("class", "").split():
                framed.setdefault(element, box)
    for element, box in framed.items():
        widths = [box.style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left")]
        assert all(width > 0 for width in widths), (element.tag, widths)
        assert box.width > 0 and box.height > 0
    texts = [["".join(span.itertext()) for span in element.iterfind("span")] for element in framed]
    assert texts == [[name, alt] if alt else [name] for name, alt in PLACEHOLDERS]
    assert [element.tag for element in framed] == ["figure"] * 4 + ["span"]
    first, second = (framed[e] for e in list(framed)[2:4])
    assert second.position_y >= first.position_y + first.height, "two placeholders on adjacent lines stay two"


def _epub_placeholders(built) -> list:
    docs = epub_documents(built["out"] / "images.epub")
    chapter = next(root for root in docs.values() if root.find(f".//{XHTML}nav") is None)
    return [element for element in chapter.iter()
            if isinstance(element.tag, str) and "image-missing" in element.get("class", "").split()]


def test_epub_holds_each_placeholder_as_one_element_with_its_alt_text(built):
    placeholders = _epub_placeholders(built)
    assert [p.tag.removeprefix(XHTML) for p in placeholders] == ["figure"] * 4 + ["span"]
    for element, (name, alt) in zip(placeholders, PLACEHOLDERS):
        assert "".join(element.itertext()) == name + alt
        assert element.getparent().tag != f"{XHTML}p" or element.get("role") == "img"
    inline = placeholders[-1]
    assert inline.getparent().tag == f"{XHTML}p" and inline.get("aria-label") == "行内图"


def test_epub_with_placeholders_passes_epubcheck(built, tmp_path):
    assert epubcheck_messages(built["out"] / "images.epub", tmp_path) == []


def test_epub_with_placeholders_passes_ace(built, tmp_path):
    from test_ace import ACE_TIMEOUT, RUN_ACE, ace_missing, ace_violations, describe

    missing = ace_missing()
    if missing:
        pytest.fail(missing)
    run = subprocess.run([str(RUN_ACE), str(built["out"] / "images.epub"), str(tmp_path)], capture_output=True,
                         text=True, timeout=ACE_TIMEOUT, check=False)
    assert run.returncode == 0 and (tmp_path / "report.json").exists(), run.stdout + run.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    violations = ace_violations(report)
    assert not violations, describe(violations, report)


def test_print_html_keeps_no_placeholder_inside_a_body_paragraph_but_the_inline_one(built):
    root = lxml_html.fromstring((built["out"] / "images.html").read_text(encoding="utf-8"))
    holders = [p.text_content() for p in root.iter("p") if p.find_class("image-missing")]
    assert len(holders) == 1 and holders[0].startswith("正文中有一张图")
