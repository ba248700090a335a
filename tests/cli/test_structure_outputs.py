"""`reportc build` of chapters whose headings are broken: what the three outlines show.

Issue 16, item 3, end to end on the real outputs. A chapter with three `# ` headings and a bare
`###`: the printed contents (the HTML WeasyPrint lays out), the PDF bookmarks (pypdf) and the
EPUB navigation nest the same titles the same way — the first `# ` is the chapter's title, the
later ones top sections of the chapter, `##` under them one level down — and none holds an
empty entry; EPUBCheck gives no message (before: RSC-005 for the empty navigation entry, and the
later `# ` headings were bookmarks beside the chapter's title but entries under it in the
contents and the navigation). A chapter without a `# ` heading is titled by its first heading.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

from conftest import XHTML, epub_documents, epubcheck_messages, findings_in, run

CHAPTER = (
    "# 第一章 总论\n\n总论正文。\n\n## 一、背景\n\n背景正文。\n\n# 第二部分\n\n第二部分正文。\n\n"
    "## 二、细节\n\n细节正文。\n\n# 第三部分\n\n第三部分正文。\n\n###\n\n空标题后的正文。\n"
)
# (depth, title) in document order; depth 0 is the chapter's title
EXPECTED = [(0, "第一章 总论"), (1, "一、背景"), (1, "第二部分"), (2, "二、细节"), (1, "第三部分")]


def pdf_outline(pdf: Path) -> list[tuple[int, str]]:
    from pypdf import PdfReader

    found: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(PdfReader(str(pdf)).outline, 0)
    return found


def list_outline(ol: etree._Element, tag: str, depth: int) -> list[tuple[int, str]]:
    """(depth, text of its link) of each item of a nested list, depth first."""
    found: list[tuple[int, str]] = []
    for li in ol.iterchildren(f"{tag}li"):
        link = li.find(f"{tag}a")
        found.append((depth, "".join(link.itertext()).strip() if link is not None else ""))
        for sub in li.iterchildren(f"{tag}ol"):
            found.extend(list_outline(sub, tag, depth + 1))
    return found


def epub_nav(epub: Path) -> list[tuple[int, str]]:
    for root in epub_documents(epub).values():
        for nav in root.iter(f"{XHTML}nav"):
            if nav.get("{http://www.idpf.org/2007/ops}type") == "toc":
                return list_outline(nav.find(f"{XHTML}ol"), XHTML, 0)
    return []


def printed_contents(page: Path) -> list[tuple[int, str]]:
    """The chapter title (the h1 of the opening) and the printed contents under it."""
    root = html.fromstring(page.read_bytes())
    title = "".join(root.xpath("//header//h1")[0].itertext()).strip()
    return [(0, title), *list_outline(root.xpath("//nav[contains(@class, 'toc')]/ol")[0], "", 1)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("structure")
    (folder / "parts.md").write_text(CHAPTER, encoding="utf-8")
    result = run(["build", "parts.md", "-o", "out", "--format", "pdf,epub,html", "--no-cache"], folder)
    assert result.returncode == 0, result.stderr
    return folder / "out", result.stderr


def test_contents_bookmarks_and_navigation_nest_the_later_level_one_headings_alike(built):
    out, _ = built
    assert printed_contents(out / "parts.html") == EXPECTED
    assert pdf_outline(out / "parts.pdf") == EXPECTED
    assert epub_nav(out / "parts.epub") == EXPECTED


def test_the_body_has_one_h1_the_chapter_title(built):
    out, _ = built
    root = html.fromstring((out / "parts.html").read_bytes())
    assert ["".join(h.itertext()) for h in root.xpath("//h1")] == ["第一章 总论"]
    assert not [h for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6") if not "".join(h.itertext()).strip()]


def test_the_empty_heading_is_reported_and_epubcheck_is_silent(built, tmp_path):
    out, stderr = built
    assert [(m["line"], m["level"], m["message"]) for m in findings_in(stderr)] == [
        ("21", "warning", "empty heading dropped"),
    ]
    assert epubcheck_messages(out / "parts.epub", tmp_path) == []


def test_a_chapter_without_a_level_one_heading_is_titled_by_its_first_heading(tmp_path):
    (tmp_path / "untitled.md").write_text("## 概述\n\n正文。\n\n## 其他\n\n其他正文。\n", encoding="utf-8")
    result = run(["build", "untitled.md", "-o", "out", "--format", "epub,html", "--no-cache"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert findings_in(result.stderr) == []  # the info finding is for `check`; the file-name warning is gone
    assert printed_contents(tmp_path / "out" / "untitled.html") == [(0, "概述"), (1, "其他")]
    assert epub_nav(tmp_path / "out" / "untitled.epub") == [(0, "概述"), (1, "其他")]
    check = run(["check", "untitled.md"], tmp_path)
    assert [(m["line"], m["level"]) for m in findings_in(check.stdout)] == [("1", "info")]
