"""End to end on the sample chapter: real outputs checked with real tools (EPUBCheck,
pdftotext, pypdf, pdffonts), against expectations written out here, not derived from the code."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter


from compiler.build.options import BuildOptions
from lxml import etree

from conftest import (
    SAMPLE, XHTML, build_chapter, epub_content_text, epub_documents, epub_nav_labels, epubcheck_messages,
    han_and_digits, pdf_outline_titles, pdf_text,
)

DISTRICTS = [
    "浦东新区", "徐汇区", "长宁区", "普陀区", "闸北区", "虹口区", "杨浦区", "黄浦区", "卢湾区",
    "静安区", "宝山区", "闵行区", "嘉定区", "金山区", "松江区", "青浦区", "奉贤区", "崇明县",
]
CALLOUT_TITLES = [
    "国资背景投资公司运行机制改革", "推进上海知识产权交易中心建设", "移动智能办公平台", "科技创新公共服务平台",
    "上海市云计算产业基地", "国家数字出版基地（虹口园区）", "环同济知识经济圈", "“市区联动”工作会商会议",
    "“江南智造”创意设计产业集群区", "现代服务业科技支撑创新平台", "上海高校技术市场洽谈会宝山专场",
    "2010上海高端装备制造科技创新论坛", "上海物联网中心建设", "枫泾新能源产业基地", "松江区科技项目立项大会",
    "青浦区科技奖励暨2010年科技工作大会", "院士专家工作站", "崇明国家可持续发展实验区建设",
]
CHAPTER_TITLE = "第十一章 区县科技创新"
HAN = "\u3400-\u9fff"
ASCII_BESIDE_HAN = re.compile(rf"[{HAN}][,;:?!()]|[,;:?!()][{HAN}]")


def source_paragraphs() -> list[str]:
    """The sample's paragraphs as Han+digit strings, the sidebar-split 松江区 one rejoined."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", SAMPLE.read_text(encoding="utf-8")) if b.strip()]
    paragraphs = [han_and_digits(b) for b in blocks if not b.lstrip().startswith(("#", "- "))]
    split_head = next(i for i, p in enumerate(paragraphs) if p.endswith("政策享受有效期内的"))
    # head, sidebar, tail → head+tail (the sidebar is checked on its own)
    paragraphs[split_head] += paragraphs.pop(split_head + 2)
    return paragraphs


def test_epubcheck_reports_nothing(sample_build, tmp_path):
    messages = epubcheck_messages(sample_build.epub, tmp_path)
    assert messages == []


def test_no_han_character_or_digit_is_lost_in_the_epub(sample_build):
    source = han_and_digits(SAMPLE.read_text(encoding="utf-8"))
    output = han_and_digits(epub_content_text(sample_build.epub))
    added = Counter(han_and_digits("本章要点" + "".join(DISTRICTS)))
    assert Counter(source) - Counter(output) == Counter()
    assert Counter(output) - Counter(source) == added


def test_no_han_character_or_digit_is_lost_in_the_pdf(sample_build):
    source = Counter(han_and_digits(SAMPLE.read_text(encoding="utf-8")))
    output = Counter(han_and_digits(pdf_text(sample_build.pdf)))
    assert source - output == Counter()


def test_every_source_paragraph_is_one_contiguous_run_in_the_epub(sample_build):
    output = han_and_digits(epub_content_text(sample_build.epub))
    paragraphs = source_paragraphs()
    assert len(paragraphs) > 100
    missing = [p[:20] for p in paragraphs if p not in output]
    assert missing == []


def test_the_sidebar_split_paragraph_is_one_paragraph_in_the_epub(sample_build):
    chapter = epub_documents(sample_build.epub)["EPUB/chapter.xhtml"]
    texts = ["".join(p.itertext()) for p in chapter.iter(f"{XHTML}p")]
    joined = [t for t in texts if "政策享受有效期内的高新技术成果转化项目270项" in t]
    assert len(joined) == 1
    assert joined[0].startswith("大力实施各类科技计划项目")


def test_no_ascii_punctuation_beside_han_in_the_outputs(sample_build):
    assert ASCII_BESIDE_HAN.findall(epub_content_text(sample_build.epub)) == []
    assert ASCII_BESIDE_HAN.findall(pdf_text(sample_build.pdf)) == []


def test_epub_navigation_lists_the_overview_and_all_18_districts(sample_build):
    labels = epub_nav_labels(sample_build.epub)
    sections = [label for label in labels if label in DISTRICTS or label == "概述"]
    assert sections == ["概述", *DISTRICTS]
    assert CHAPTER_TITLE in labels


def test_pdf_bookmarks_list_the_chapter_the_overview_and_all_18_districts(sample_build):
    titles = pdf_outline_titles(sample_build.pdf)
    assert titles == [CHAPTER_TITLE, "概述", "“市区联动”促进创新发展", *DISTRICTS]


def test_epub_has_one_labelled_aside_per_sidebar(sample_build):
    chapter = epub_documents(sample_build.epub)["EPUB/chapter.xhtml"]
    asides = [a for a in chapter.iter(f"{XHTML}aside") if "callout" in a.get("class", "").split()]
    assert len(asides) == 18
    titles = []
    for aside in asides:
        label = chapter.find(f".//*[@id='{aside.get('aria-labelledby')}']")
        titles.append("".join(label.itertext()))
        assert aside.get("role") == "note"
    assert titles == CALLOUT_TITLES


def test_each_callout_sits_in_its_district_section(sample_build):
    chapter = epub_documents(sample_build.epub)["EPUB/chapter.xhtml"]
    owners = []
    for aside in chapter.iter(f"{XHTML}aside"):
        if "callout" in aside.get("class", "").split():
            section = aside.getparent()
            heading = section.find(f"{XHTML}h2")
            owners.append("".join(heading.itertext()))
    assert owners == DISTRICTS


def test_key_points_box_follows_the_chapter_title(sample_build):
    chapter = epub_documents(sample_build.epub)["EPUB/chapter.xhtml"]
    box = chapter.find(f".//{XHTML}aside[@class='key-points']")
    items = ["".join(li.itertext()) for li in box.iter(f"{XHTML}li")]
    assert items[0] == "深化“市区联动”机制" and len(items) == 5
    assert box.getprevious().tag == f"{XHTML}h1"


def test_epub_language_tags_and_stable_identifier(sample_build, tmp_path):
    with zipfile.ZipFile(sample_build.epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:language", namespaces=ns) == "zh-Hans"
    identifier = opf.findtext(".//dc:identifier", namespaces=ns)
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier) and identifier[23] == "5"  # UUIDv5
    for name, root in epub_documents(sample_build.epub).items():
        assert root.get("lang") == "zh-Hans", name
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans", name
    again = build_chapter(SAMPLE, tmp_path)
    with zipfile.ZipFile(again.epub) as archive:
        second = etree.fromstring(archive.read("EPUB/content.opf"))
    assert second.findtext(".//dc:identifier", namespaces=ns) == identifier


def test_two_builds_with_the_same_source_date_epoch_give_identical_epubs(tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    from compiler.build import build

    build(SAMPLE, tmp_path / "a", BuildOptions(formats=("epub",)))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # a clock years ahead changes nothing
    build(SAMPLE, tmp_path / "b", BuildOptions(formats=("epub",)))
    monkeypatch.undo()
    time.tzset()
    first = (tmp_path / "a" / f"{SAMPLE.stem}.epub").read_bytes()
    assert first == (tmp_path / "b" / f"{SAMPLE.stem}.epub").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / f"{SAMPLE.stem}.epub") as archive:
        first_entry = archive.infolist()[0]
        assert first_entry.filename == "mimetype" and first_entry.compress_type == zipfile.ZIP_STORED
        assert b"2023-11-14T22:13:20Z" in archive.read("EPUB/content.opf")


def test_pdf_metadata_has_title_and_language(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(str(sample_build.pdf))
    assert reader.metadata.title == CHAPTER_TITLE
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hans"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_every_pdf_font_is_embedded_and_subset(sample_build):
    listing = subprocess.run(["pdffonts", str(sample_build.pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows
    families = set()
    for row in rows:
        name = row[0]
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), name
        assert re.match(r"[A-Z]{6}\+", name), name
        families.add(name.split("+", 1)[1])
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= families


def _page_texts(pdf) -> list[str]:
    return pdf_text(pdf).split("\f")


def test_running_heads_show_chapter_on_left_pages_and_section_on_right_pages(sample_build):
    pages = _page_texts(sample_build.pdf)
    first_lines = [page.strip().splitlines()[0] if page.strip() else "" for page in pages]
    assert pages[0].count(CHAPTER_TITLE) == 1  # the opening page: the title itself, no running head
    for number, line in enumerate(first_lines[1:], start=2):
        if not pages[number - 1].strip():
            continue
        if number % 2 == 0:
            assert line.strip() == CHAPTER_TITLE, (number, line)
        else:
            assert line.strip() in ["概述", *DISTRICTS], (number, line)


def test_table_of_contents_gives_each_district_its_bookmarked_page(sample_build):
    from pypdf import PdfReader

    reader = PdfReader(str(sample_build.pdf))
    bookmarked = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                bookmarked[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    toc_page = _page_texts(sample_build.pdf)[0]
    for district in DISTRICTS:
        match = re.search(rf"{district}[ .\u2026·]*?(\d+)\s*$", toc_page, re.M)
        assert match, district
        assert int(match.group(1)) == bookmarked[district], district


def test_html_output_is_the_page_html_with_styles_inlined(sample_build):
    html = sample_build.html.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<link" not in html and "@page" in html
    assert '<html lang="zh-Hans">' in html
