"""One script per edition: a Traditional-Chinese edition of a book (`--script hant`, or
`script = "hant"` in book.toml) prints and declares everything in Traditional characters —
book.toml's title, subtitle, editors, publisher and edition on its title and edition pages and in
the PDF's and the EPUB's metadata, the layout's words, the chapters and their images' alt text —
converted with the edition's OpenCC profile, unless book.toml's `[hant]` table gives a value,
which is printed as given. edition.json keeps book.toml's own values.

Every text of the built book is read (pdftotext, the PDF's document information, each XHTML
document's text and attributes, the package document's metadata and the NCX) and none may hold
anything OpenCC's s2t would still convert."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from compiler.books.config import load_book
from compiler.diagnostics import ReportError
from conftest import pdf_text, run

EPOCH = {"SOURCE_DATE_EPOCH": "1300000000"}
DC = "{http://purl.org/dc/elements/1.1/}"
OPF = "{http://www.idpf.org/2007/opf}"
# book.toml's printed texts, each with characters s2t converts (the scaffold's, changed where
# they had none), and what s2t makes of them
WRITTEN = {"title": "区县年鉴", "subtitle": "2010年报告", "editors": ["张三", "主编姓名"],
           "publisher": "出版社名称", "edition": "修订版"}
CONVERTED = {"title": "區縣年鑑", "subtitle": "2010年報告", "editors": ["張三", "主編姓名"],
             "publisher": "出版社名稱", "edition": "修訂版"}


def _toml_value(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def new_book(folder: Path, extra: str = "") -> Path:
    """`reportc new`'s book, its printed texts set to WRITTEN, a missing image in a chapter."""
    result = run(["new", "年鉴"], cwd=folder)
    assert result.returncode == 0, result.stderr
    book = folder / "年鉴" / "book.toml"
    text = book.read_text(encoding="utf-8")
    for key, value in WRITTEN.items():
        text, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {_toml_value(value)}", text)
        assert count == 1, key
    book.write_text(text + extra, encoding="utf-8")
    chapter = folder / "年鉴" / "chapters" / "02-区县.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n![区县分布图](maps/missing.png)\n", encoding="utf-8")
    return book


def build(book: Path, out: Path, *args: str) -> Path:
    result = run(["build", str(book), "-o", str(out), *args], cwd=book.parent, env_extra=EPOCH)
    assert result.returncode == 0, result.stderr
    return out


def every_text(out: Path) -> dict[str, str]:
    """Every text the book shows or declares, by where it is."""
    texts = {"pdf": "".join(pdf_text(out / "book.pdf").split())}  # lines joined: a phrase split at a line end reads as one
    from pypdf import PdfReader

    info = PdfReader(str(out / "book.pdf")).metadata
    texts.update({f"pdf {key}": str(value) for key, value in info.items()})
    with zipfile.ZipFile(out / "book.epub") as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                root = etree.fromstring(archive.read(name))
                texts[name] = "".join(root.itertext())
                texts[f"{name} attributes"] = "\n".join(
                    value for element in root.iter() if isinstance(element.tag, str) for value in element.attrib.values())
    return texts


def opf_metadata(out: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(out / "book.epub") as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    found: dict[str, list[str]] = {}
    for element in opf.find(f"{OPF}metadata"):
        key = element.get("property") or etree.QName(element).localname
        found.setdefault(key, []).append(element.text or "")
    return found


@pytest.fixture(scope="module")
def hant_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hant")
    book = new_book(folder)
    return build(book, folder / "out", "--script", "hant")


def test_a_traditional_edition_holds_nothing_opencc_would_still_convert(hant_build):
    import opencc

    s2t = opencc.OpenCC("s2t")
    texts = every_text(hant_build)
    assert {"pdf", "EPUB/content.opf", "EPUB/titlepage.xhtml", "EPUB/nav.xhtml", "EPUB/toc.ncx"} <= set(texts)
    unconverted = {where: [line for line in text.splitlines() if s2t.convert(line) != line]
                   for where, text in texts.items()}
    assert {where: lines for where, lines in unconverted.items() if lines} == {}


def test_book_toml_texts_are_converted_on_the_pages_and_in_the_metadata(hant_build):
    text = "".join(pdf_text(hant_build / "book.pdf").split())
    for key in ("title", "subtitle", "publisher", "edition"):
        assert CONVERTED[key] in text, key
    assert "、".join(CONVERTED["editors"]) in text
    assert "區縣分佈圖" in text, "a missing image's alt text is converted too"
    metadata = opf_metadata(hant_build)
    assert metadata["title"] == [CONVERTED["title"]]
    assert metadata["creator"] == CONVERTED["editors"]
    assert metadata["publisher"] == [CONVERTED["publisher"]]
    assert metadata["source"] == [f"{CONVERTED['title']} (印刷版, PDF)"]
    assert metadata["schema:accessibilitySummary"][0].startswith("本書為可重排的文字版電子書")
    assert metadata["language"] == ["zh-Hant"]


def test_the_edition_manifest_records_book_toml_as_written(hant_build):
    book = json.loads((hant_build / "edition.json").read_text(encoding="utf-8"))["book"]
    assert {key: book[key] for key in WRITTEN} == WRITTEN
    assert book["script"] == "hant"


def test_a_hant_table_gives_texts_printed_as_given(tmp_path):
    given = "縣市年鑑選輯"  # not what s2t makes of the title
    book = new_book(tmp_path, extra=f'\n[hant]\ntitle = "{given}"\neditors = ["張三丰"]\n')
    text = book.read_text(encoding="utf-8").replace('script = "hans"', 'script = "hant"')
    book.write_text(text, encoding="utf-8")
    hant = build(book, tmp_path / "hant")
    metadata = opf_metadata(hant)
    assert metadata["title"] == [given] and metadata["creator"] == ["張三丰"]
    assert metadata["publisher"] == [CONVERTED["publisher"]], "what the table does not give is converted"
    pdf = "".join(pdf_text(hant / "book.pdf").split())
    assert given in pdf and CONVERTED["title"] not in pdf
    # the Simplified edition of the same book prints book.toml's own texts
    hans = build(book, tmp_path / "hans", "--script", "hans")
    assert opf_metadata(hans)["title"] == [WRITTEN["title"]]


@pytest.mark.parametrize("table, message", [
    ('[hant]\ncolour = "红"\n', "unknown key 'hant.colour'"),
    ('[hant]\ntitle = 3\n', "'hant.title' must be a str"),
    ('[hant]\neditors = [1]\n', "'hant.editors' must list names"),
    ('hant = "繁體"\n', "'hant' must be a dict"),
])
def test_a_wrong_hant_table_is_an_error_naming_the_key(tmp_path, table, message):
    (tmp_path / "x.md").write_text("# 章\n\n正文。\n", encoding="utf-8")
    (tmp_path / "book.toml").write_text(f'title = "书"\nchapters = ["x.md"]\n{table}', encoding="utf-8")
    with pytest.raises(ReportError, match=re.escape(message)) as raised:
        load_book(tmp_path / "book.toml")
    assert raised.value.exit_code == 2
