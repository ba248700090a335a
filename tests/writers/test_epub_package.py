"""The EPUB as distributors, libraries and archivists read it: the print edition's page list,
accessibility metadata derived from the document, landmarks, and the corpus through EPUBCheck."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import SHARED, XHTML, build_chapter, epub_documents, epubcheck_messages, han_and_digits, epub_content_text
from compiler.build.options import BuildOptions
from compiler.readers.html import ALLOWED

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_NS = "{http://www.idpf.org/2007/ops}"
CORPUS = SHARED / "corpus"


def _opf(epub: Path):
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read("EPUB/content.opf"))


def _meta(opf, prop: str) -> list[str]:
    return [m.text for m in opf.iterfind(f".//opf:meta[@property='{prop}']", OPF)]


def _nav(epub: Path, kind: str):
    nav_doc = epub_documents(epub)["EPUB/nav.xhtml"]
    return next(n for n in nav_doc.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == kind)


def _text_after_markers(epub: Path) -> dict[str, str]:
    """For each page marker in the chapter, the next 12 non-space characters of text."""
    body = epub_documents(epub)["EPUB/chapter.xhtml"].find(f"{XHTML}body")
    pieces: list[str] = []

    def walk(element, top=False):
        if element.get("role") == "doc-pagebreak":
            pieces.append(f"\x00{element.get('aria-label')}\x00")
        pieces.append(element.text or "")
        for child in element:
            walk(child)
        if not top:
            pieces.append(element.tail or "")

    walk(body, top=True)
    parts = re.split("\x00([^\x00]*)\x00", "".join(pieces))
    return {parts[i]: re.sub(r"\s", "", parts[i + 1])[:12] for i in range(1, len(parts), 2)}


def _pdf_page_openings(pdf: Path) -> list[str]:
    """Each page's first 12 non-space characters of body text (the running head line dropped)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    openings = []
    for number, page in enumerate(text.split("\f")[:-1], start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        if number > 1:
            lines = lines[1:]  # the running head
        openings.append(re.sub(r"\s", "", "".join(lines))[:12])
    return openings


def test_page_list_has_one_entry_per_pdf_page_with_its_printed_number(sample_build):
    from pypdf import PdfReader

    pages = len(PdfReader(str(sample_build.pdf)).pages)
    links = list(_nav(sample_build.epub, "page-list").iter(f"{XHTML}a"))
    assert [a.text for a in links] == [str(n) for n in range(1, pages + 1)]
    assert all(a.get("href") == f"chapter.xhtml#page-{a.text}" for a in links)


def test_epub_text_after_each_page_marker_is_the_text_that_begins_that_pdf_page(sample_build):
    after = _text_after_markers(sample_build.epub)
    openings = _pdf_page_openings(sample_build.pdf)
    assert len(openings) > 10
    for number, opening in enumerate(openings, start=1):
        assert after[str(number)] == opening, number


def test_page_markers_are_labelled_for_assistive_technology(sample_build):
    chapter = epub_documents(sample_build.epub)["EPUB/chapter.xhtml"]
    markers = [e for e in chapter.iter() if e.get("role") == "doc-pagebreak"]
    assert markers
    for marker in markers:
        assert marker.get(f"{EPUB_NS}type") == "pagebreak"
        assert marker.get("aria-label") == marker.get("id").removeprefix("page-")
        assert "".join(marker.itertext()) == ""  # draws no text into the reading order


def test_package_names_the_print_edition_as_the_page_source(sample_build):
    opf = _opf(sample_build.epub)
    source = opf.findtext(".//dc:source", namespaces=OPF)
    assert source and "PDF" in source
    assert _meta(opf, "pageBreakSource") == [source]


def test_accessibility_metadata_claims_what_the_sample_has(sample_build):
    opf = _opf(sample_build.epub)
    assert _meta(opf, "schema:accessMode") == ["textual"]  # the sample has no images
    assert _meta(opf, "schema:accessModeSufficient") == ["textual"]
    features = set(_meta(opf, "schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "pageNavigation", "printPageNumbers"} <= features
    assert "alternativeText" not in features
    assert _meta(opf, "schema:accessibilityHazard") == ["none"]
    summary = _meta(opf, "schema:accessibilitySummary")
    assert len(summary) == 1 and re.search(r"[\u4e00-\u9fff]{10}", summary[0])  # in the book's language


def test_epub_without_pages_claims_no_page_navigation(tmp_path):
    from compiler.build import compile_source
    from compiler.writers.templates import load_layout
    from compiler.writers.epub.package import epub_bytes
    from datetime import datetime, timezone
    from conftest import SAMPLE

    compiled = compile_source(SAMPLE)
    data = epub_bytes(compiled.doc, load_layout("yearbook"), stem="x", date=datetime(2020, 1, 1, tzinfo=timezone.utc))
    (tmp_path / "x.epub").write_bytes(data)
    opf = _opf(tmp_path / "x.epub")
    features = set(_meta(opf, "schema:accessibilityFeature"))
    assert "pageNavigation" not in features and "printPageNumbers" not in features
    assert opf.find(".//dc:source", OPF) is None


def test_landmarks_point_at_the_toc_and_the_body(sample_build):
    landmarks = _nav(sample_build.epub, "landmarks")
    kinds = {a.get(f"{EPUB_NS}type"): a.get("href") for a in landmarks.iter(f"{XHTML}a")}
    assert kinds == {"toc": "nav.xhtml", "bodymatter": "chapter.xhtml"}


def test_in_document_links_to_missing_anchors_are_not_links(tmp_path):
    source = tmp_path / "links.md"
    source.write_text("# 标题\n\n见[第二节](#nowhere)与[官网](https://example.org/)。\n", encoding="utf-8")
    built = build_chapter(source, tmp_path / "out")
    chapter = epub_documents(built.epub)["EPUB/chapter.xhtml"]
    hrefs = [a.get("href") for a in chapter.iter(f"{XHTML}a")]
    assert hrefs == ["https://example.org/"]
    assert "第二节" in epub_content_text(built.epub)


def _visible_source(text: str) -> str:
    """The source without what is not shown as text: front matter, comments, link targets, entities,
    allow-listed HTML tags."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)", "]", text)
    text = re.sub(r"^ {0,3}\[[^\]]+\]:.*$", "", text, flags=re.M)  # link reference definitions
    # the tags of the HTML allow-list, read into nodes: their attributes (`width: 75%`) are not text
    text = re.sub(r"</?([A-Za-z][\w-]*)[^<>]*>", lambda m: "" if m.group(1).lower() in ALLOWED else m.group(0), text)
    return re.sub(r"&#?\w+;", "", text)


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*")) if CORPUS.is_dir() else ["(absent)"])
def test_corpus_file_builds_to_a_clean_epub_with_no_text_lost(name, tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent: the shared corpus is only beside a developer checkout")
    if name == "SOURCES.md":
        pytest.skip("SOURCES.md describes the corpus; it is not part of it")
    built = build_chapter(CORPUS / name, tmp_path)
    assert epubcheck_messages(built.epub, tmp_path) == []
    source = han_and_digits(_visible_source((CORPUS / name).read_text(encoding="utf-8")))
    output = han_and_digits(epub_content_text(built.epub))
    from collections import Counter

    assert Counter(source) - Counter(output) == Counter()


def test_embedded_fonts_are_listed_linked_and_small(tmp_path):
    from compiler.build import build
    from conftest import SAMPLE

    build(SAMPLE, tmp_path, BuildOptions(formats=("epub",), embed_fonts=True))
    epub = tmp_path / f"{SAMPLE.stem}.epub"
    opf = _opf(epub)
    fonts = [item for item in opf.iterfind(".//opf:item", OPF) if item.get("media-type") == "font/otf"]
    assert [f.get("href") for f in fonts] == ["fonts/NotoSerifCJKsc-Regular-subset.otf",
                                              "fonts/NotoSansCJKsc-Bold-subset.otf"]
    with zipfile.ZipFile(epub) as archive:
        for font in fonts:
            assert archive.getinfo("EPUB/" + font.get("href")).file_size <= 400 * 1024
    links = [link.get("href") for link in epub_documents(epub)["EPUB/chapter.xhtml"].iter(f"{XHTML}link")]
    assert links == ["styles/epub.css", "styles/fonts.css"]  # the font rules come last and win
    # EPUBCheck's only remark is the informational one every @font-face gets
    assert {m["ID"] for m in epubcheck_messages(epub, tmp_path)} == {"CSS-028"}
