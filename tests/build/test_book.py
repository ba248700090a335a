"""Books: `reportc build book.toml` makes one PDF and one EPUB of several chapters, in archival
PDF variants and a Traditional-Chinese edition, reproducibly, with a verifiable manifest."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES, XHTML, epub_documents, epubcheck_messages

BOOK = FIXTURES / "book" / "book.toml"
CHAPTER_TITLES = ["第十一章 区县科技创新", "第八章 区县科技工作", "第六章 市州科技进步"]
EPOCH = {"SOURCE_DATE_EPOCH": "1300000000"}


def reportc(*args, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "compiler", *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def book_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    result = reportc("build", str(BOOK), "-o", str(out), cwd=out, env_extra=EPOCH)
    assert result.returncode == 0, result.stderr
    return out


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _printed_number(page: str) -> str:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[-1] if lines and re.fullmatch(r"\d+|[ivxlc]+", lines[-1]) else ""


def test_a_book_of_three_chapters_is_one_pdf_and_one_epub(book_build):
    assert sorted(p.name for p in book_build.iterdir() if p.suffix in (".pdf", ".epub")) == ["book.epub", "book.pdf"]


def test_pdf_front_matter_is_roman_and_chapters_number_on_from_one(book_build):
    pages = _page_texts(book_build / "book.pdf")
    numbers = [_printed_number(page) for page in pages]
    first_chapter = next(i for i, page in enumerate(pages) if page.strip().startswith(CHAPTER_TITLES[0]))
    assert all(re.fullmatch(r"[ivx]*", n) for n in numbers[:first_chapter])
    assert "iii" in numbers[:first_chapter]  # the contents are numbered
    body = numbers[first_chapter:]
    # every printed number follows the one before it (blank pages print none)
    expected = 1
    for number in body:
        if number:
            assert int(number) == expected
        expected += 1


def test_every_chapter_opens_on_a_right_hand_page(book_build):
    pages = _page_texts(book_build / "book.pdf")
    for title in CHAPTER_TITLES:
        index = next(i for i, page in enumerate(pages) if page.strip().startswith(title))
        assert index % 2 == 0, index  # the physical page (index + 1) is odd: a right-hand page
        assert int(_printed_number(pages[index])) % 2 == 1


def test_contents_span_the_chapters_with_their_page_numbers(book_build):
    from pypdf import PdfReader

    reader = PdfReader(str(book_build / "book.pdf"))
    outline = {}

    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    pages = _page_texts(book_build / "book.pdf")
    contents = "".join(page for page in pages[:6] if "目录" in page or "…" in page or "." * 10 in page)
    for title in CHAPTER_TITLES:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.M)
        assert match, title
        printed = _printed_number(pages[outline[title]])
        assert match.group(1) == printed
    assert {"浦东新区", "海淀区", "长沙市"} <= set(outline)


def test_book_epub_has_a_document_per_chapter_and_front_matter(book_build, tmp_path):
    epub = book_build / "book.epub"
    assert epubcheck_messages(epub, tmp_path) == []
    docs = epub_documents(epub)
    names = sorted(name for name in docs if "chapter" in name)
    assert len(names) == 3
    nav = next(root for root in docs.values() if root.find(f".//{XHTML}nav") is not None)
    labels = ["".join(a.itertext()) for a in nav.iter(f"{XHTML}a")]
    for title in CHAPTER_TITLES:
        assert title in labels
    assert "浦东新区" in labels and "海淀区" in labels
    front = [root for name, root in docs.items() if "title" in name]
    assert front and "978-7-5323-0000-0" in "".join(front[0].itertext())


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3b"])
def test_archival_variants_pass_qpdf_and_hold_what_they_must(variant, tmp_path):
    from pypdf import PdfReader

    result = reportc("build", str(BOOK), "-o", str(tmp_path), "--format", "pdf", "--pdf-variant", variant,
                     cwd=tmp_path, env_extra=EPOCH)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "book.pdf"
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    root = PdfReader(str(pdf)).trailer["/Root"]
    assert root["/Lang"] == "zh-Hans"
    assert "/OutputIntents" in root
    if variant == "pdf/ua-1":
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    else:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"][::2]
        assert names == ["book.toml", "000_946237fb39f22908.txt", "beijing_qu_xian.txt", "hunan_shi_zhou.txt"]
        assert len(root["/AF"]) >= 4


def test_running_heads_and_page_numbers_are_artifacts_in_pdf_ua(tmp_path):
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    result = reportc("build", str(BOOK), "-o", str(tmp_path), "--format", "pdf", "--pdf-variant", "pdf/ua-1",
                     cwd=tmp_path, env_extra=EPOCH)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(str(tmp_path / "book.pdf"))
    page = reader.pages[7]  # a body page with a running head and a number
    stream = ContentStream(page.get_contents(), reader)
    depth, artifact_depth, shown_in_artifacts = 0, None, 0
    for operands, operator in stream.operations:
        if operator in (b"BDC", b"BMC"):
            depth += 1
            if operands and operands[0] == "/Artifact" and artifact_depth is None:
                artifact_depth = depth
        elif operator == b"EMC":
            if artifact_depth == depth:
                artifact_depth = None
            depth -= 1
        elif operator in (b"Tj", b"TJ") and artifact_depth is not None:
            shown_in_artifacts += 1
    assert shown_in_artifacts >= 2  # the running head and the page number


def test_two_builds_of_the_book_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        result = reportc("build", str(BOOK), "-o", str(tmp_path / name), cwd=tmp_path, env_extra=EPOCH)
        assert result.returncode == 0, result.stderr
    for output in ("book.pdf", "book.epub", "edition.json"):
        assert (tmp_path / "a" / output).read_bytes() == (tmp_path / "b" / output).read_bytes(), output


def test_edition_manifest_and_verify_find_a_changed_output_and_source(tmp_path):
    book_dir = tmp_path / "book"
    shutil.copytree(FIXTURES / "book", book_dir)
    chapters = tmp_path / "chapters"
    shutil.copytree(FIXTURES / "chapters", chapters)
    shutil.copy(FIXTURES / "000_946237fb39f22908.txt", tmp_path)
    out = tmp_path / "out"
    assert reportc("build", str(book_dir / "book.toml"), "-o", str(out), cwd=tmp_path, env_extra=EPOCH).returncode == 0
    manifest = json.loads((out / "edition.json").read_text(encoding="utf-8"))
    assert {Path(s["path"]).name for s in manifest["sources"]} >= {"book.toml", "beijing_qu_xian.txt"}
    assert {o["path"] for o in manifest["outputs"]} == {"book.pdf", "book.epub"}
    assert manifest["tools"]["weasyprint"] == "70.0" and "Noto Serif CJK SC" in manifest["fonts"]
    assert manifest["built"].startswith("2011-03-13")
    clean = reportc("verify", str(out), cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (out / "book.pdf").write_bytes((out / "book.pdf").read_bytes() + b"\n")
    (chapters / "hunan_shi_zhou.txt").write_text("# 改动\n", encoding="utf-8")
    changed = reportc("verify", str(out), cwd=tmp_path)
    assert changed.returncode == 1
    assert "output changed: book.pdf" in changed.stdout
    assert re.search(r"source changed: .*hunan_shi_zhou\.txt", changed.stdout)


def test_traditional_edition_uses_tc_faces_and_round_trips_to_the_simplified_text(tmp_path):
    import opencc

    hans, hant = tmp_path / "hans", tmp_path / "hant"
    assert reportc("build", str(BOOK), "-o", str(hans), cwd=tmp_path, env_extra=EPOCH).returncode == 0
    result = reportc("build", str(BOOK), "-o", str(hant), "--script", "hant", cwd=tmp_path, env_extra=EPOCH)
    assert result.returncode == 0, result.stderr
    fonts = subprocess.run(["pdffonts", str(hant / "book.pdf")], capture_output=True, text=True).stdout
    families = {line.split()[0].split("+")[1] for line in fonts.splitlines()[2:] if "+" in line}
    assert families and all("-TC" in family for family in families), families
    # the faces' programs are whole: a renderer draws every page without a font error
    rendered = subprocess.run(["pdftoppm", "-r", "20", "-gray", str(hant / "book.pdf"), str(tmp_path / "page")],
                              capture_output=True, text=True)
    assert rendered.returncode == 0 and "font" not in rendered.stderr.lower(), rendered.stderr
    def body_text(epub):
        docs = epub_documents(epub)
        return "".join("".join(root.find(f"{XHTML}body").itertext()) for name, root in sorted(docs.items())
                       if "chapter" in name)
    simplified, traditional = body_text(hans / "book.epub"), body_text(hant / "book.epub")
    assert traditional != simplified
    assert opencc.OpenCC("t2s").convert(traditional) == simplified
    with zipfile.ZipFile(hant / "book.epub") as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    assert opf.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "zh-Hant"


@pytest.mark.parametrize("content, message", [
    ('title = "书"\nchapters = ["x.md"]\ncolour = "red"\n', "unknown key 'colour'"),
    ('title = "书"\nchapters = ["missing.md"]\n', "chapter 'missing.md' not found"),
    ('chapters = []\n', "'title' is missing"),
])
def test_book_file_errors_name_the_key_or_the_file(tmp_path, content, message):
    (tmp_path / "x.md").write_text("# 章\n\n正文。\n", encoding="utf-8")
    (tmp_path / "book.toml").write_text(content, encoding="utf-8")
    result = reportc("build", str(tmp_path / "book.toml"), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_new_scaffolds_a_book_that_builds_as_it_is(tmp_path):
    result = reportc("new", "示例年鉴", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    book = tmp_path / "示例年鉴" / "book.toml"
    assert book.is_file()
    built = reportc("build", str(book), "-o", str(tmp_path / "out"), cwd=tmp_path, env_extra=EPOCH)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "book.pdf").is_file() and (tmp_path / "out" / "book.epub").is_file()
    again = reportc("new", "示例年鉴", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_new_titles_the_book_with_its_folders_name_not_the_path(tmp_path):
    (tmp_path / "work").mkdir()
    result = reportc("new", "../books/annual", cwd=tmp_path / "work")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "books" / "annual" / "book.toml").read_text(encoding="utf-8")
    assert 'title = "annual"' in text and "../" not in text
