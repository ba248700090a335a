"""End to end, on the real outputs: look-alike characters copied out of PDFs (⼏ for 几) leave no
trace in the PDF's text layer, and a chapter in Traditional Chinese without `lang` is built as
zh-Hant — TC faces, zh-Hant tags, the layout's Traditional words — unless its front matter or
the book it belongs to says otherwise."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import opencc
import pytest
from lxml import etree

from compiler.build import build_book
from compiler.build.options import BuildOptions

from conftest import FIXTURES, XHTML, build_chapter, epub_content_text, epub_documents, epubcheck_messages, pdf_text

LOOK_ALIKES = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
# ⼏ (U+2F0F, KANGXI RADICAL TABLE) and 几 (U+51E0) share a glyph in the CJK faces; so do ⽇ and 日.
LOOK_ALIKE_CHAPTER = (
    "# 近⼏年的区县科技\n\n"
    "近⼏年，上海各区县⼏乎每年都有新的进展，近几年的成果尤为突出。\n\n"
    "## 几点说明\n\n"
    "今⽇的几项工作、几个项目和⼏家企业。\n"
)
BEIJING = FIXTURES / "chapters" / "beijing_qu_xian.txt"
OPF_LANGUAGE = ".//{http://purl.org/dc/elements/1.1/}language"


def font_families(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()}


def opf_language(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".opf"))
        return etree.fromstring(archive.read(name)).findtext(OPF_LANGUAGE)


def content_languages(epub: Path) -> set[str]:
    """The `lang` of every chapter content document (not the navigation or the front matter)."""
    return {root.get("lang") for name, root in epub_documents(epub).items()
            if root.find(f".//{XHTML}nav") is None and "chapter" in name}


def traditional(source: Path) -> str:
    return opencc.OpenCC("s2t").convert(source.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- look-alikes


@pytest.fixture(scope="module")
def look_alike_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("look-alikes")
    source = folder / "look_alikes.txt"
    source.write_text(LOOK_ALIKE_CHAPTER, encoding="utf-8")
    return build_chapter(source, folder / "out")


def test_the_pdf_text_holds_the_unified_character_everywhere_and_no_look_alike(look_alike_build):
    text = pdf_text(look_alike_build.pdf)
    assert LOOK_ALIKES.findall(text) == []
    for phrase in ("近几年的区县科技", "近几年，上海各区县几乎每年", "近几年的成果", "几点说明", "今日的几项工作",
                   "几个项目和几家企业"):
        assert phrase in text.replace("\n", ""), phrase
    # every 几 of the source is one in the PDF (the title twice: heading and contents)
    assert text.count("几") >= LOOK_ALIKE_CHAPTER.count("几") + LOOK_ALIKE_CHAPTER.count("⼏")


def test_the_epub_text_holds_the_unified_characters(look_alike_build):
    text = epub_content_text(look_alike_build.epub)
    assert LOOK_ALIKES.findall(text) == []
    assert "近几年，上海各区县几乎每年" in text and "今日的几项工作" in text


def test_the_build_warns_once_per_line_that_had_look_alikes(tmp_path):
    from conftest import run, findings_in

    source = tmp_path / "look_alikes.txt"
    source.write_text(LOOK_ALIKE_CHAPTER, encoding="utf-8")
    result = run(["check", str(source)], cwd=tmp_path)
    found = [(m["line"], m["column"], m["level"], m["message"]) for m in findings_in(result.stdout)]
    assert found == [
        ("1", "4", "warning", "1 look-alike character replaced by the unified one: ⼏→几"),
        ("3", "2", "warning", "2 look-alike characters replaced by the unified ones: ⼏→几"),
        ("7", "2", "warning", "2 look-alike characters replaced by the unified ones: ⽇→日, ⼏→几"),
    ]


# ----------------------------------------------------------------------------- script and language


@pytest.fixture(scope="module")
def traditional_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("traditional")
    source = folder / "beijing_hant.txt"
    source.write_text(traditional(BEIJING), encoding="utf-8")
    return build_chapter(source, folder / "out")


def test_a_traditional_chapter_without_lang_is_set_in_the_tc_faces(traditional_build):
    families = font_families(traditional_build.pdf)
    assert families and all("-TC" in family for family in families), families


def test_a_traditional_chapter_without_lang_prints_the_layouts_traditional_words(traditional_build):
    text = pdf_text(traditional_build.pdf)
    assert "本章要點" in text and "目錄" in text
    assert "本章要点" not in text and "目录" not in text


def test_a_traditional_chapter_without_lang_is_tagged_zh_hant_and_passes_epubcheck(traditional_build, tmp_path):
    html = traditional_build.html.read_text(encoding="utf-8")
    assert '<html lang="zh-Hant">' in html
    assert opf_language(traditional_build.epub) == "zh-Hant"
    assert content_languages(traditional_build.epub) == {"zh-Hant"}
    assert epubcheck_messages(traditional_build.epub, tmp_path) == []


def test_front_matter_lang_wins_over_the_detected_script(tmp_path):
    source = tmp_path / "beijing_hant_as_hans.txt"
    source.write_text("---\nlang: zh-Hans\n---\n" + traditional(BEIJING), encoding="utf-8")
    built = build_chapter(source, tmp_path / "out")
    families = font_families(built.pdf)
    assert families and all("-SC" in family for family in families), families
    assert opf_language(built.epub) == "zh-Hans"


def test_a_book_builds_each_chapter_in_the_books_language(tmp_path):
    (tmp_path / "hant.txt").write_text(traditional(BEIJING), encoding="utf-8")
    (tmp_path / "hans.txt").write_text((FIXTURES / "chapters" / "hunan_shi_zhou.txt").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    book = tmp_path / "book.toml"
    book.write_text('title = "区县科技年鉴"\nlanguage = "zh-Hans"\nscript = "hans"\n'
                    'chapters = ["hant.txt", "hans.txt"]\n', encoding="utf-8")
    result = build_book(book, tmp_path / "out", BuildOptions(jobs=1))
    # the detection ran (the Traditional chapter is reported as such) …
    assert any("Traditional Chinese" in f.message for f in result.findings.items)
    # … and the book's language won for every chapter
    epub = tmp_path / "out" / "book.epub"
    assert opf_language(epub) == "zh-Hans"
    assert content_languages(epub) == {"zh-Hans"}
    families = font_families(tmp_path / "out" / "book.pdf")
    assert families and all("-SC" in family for family in families), families
