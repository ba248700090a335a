"""Chapters other than the sample, written for these tests, each varying the sample's conventions.

`tests/fixtures/chapters/` holds four yearbook chapters (realistic prose, 2-5 KB each):

- `beijing_qu_xian.txt`: Beijing districts and a county (海淀区, 朝阳区, 丰台区, 密云县); key points;
  `## 概述` with a `###` subsection; ASCII `, ( ) ; :` in the overview, with `12.5%`, `3,000` and
  a URL inside ASCII parentheses followed by an ASCII comma; `9:30`; a bold sidebar between two
  complete paragraphs; a sidebar WITHOUT bold on its title that cuts a paragraph
  ending in `的`; a sidebar closing the chapter.
- `hunan_shi_zhou.txt`: three Hunan cities (长沙市, 株洲市, 湘潭市); leading blank lines; key points;
  `## 概述` without subsection; ASCII punctuation inside a city's part; a `www.` URL in ASCII
  parentheses; a paragraph opening with a development zone (长沙高新区) inside 长沙市; a
  title-without-bold sidebar between complete paragraphs; a bold sidebar that cuts a paragraph
  ending in a number (`1,286` + sidebar + `项,…`); a line holding one space.
- `zhejiang_xian_yu.txt`: no key points; `## 概述` with two `###` subsections (a sidebar in one);
  mixed suffixes (萧山区, 桐庐县, 建德市); a bold sidebar after four blank lines cutting a
  paragraph ending in `的`; times `8:00`, `20:00`.
- `jiangsu_xian_shi.txt`: key points but no `## 概述` (an untitled lead paragraph instead);
  county-level cities (昆山市, 江阴市, 张家港市); no ASCII punctuation; two sidebars.

What each chapter should become is written out below (`CHAPTERS`), by hand, from reading the
chapter as an editor would; nothing is taken from the compiler's own output. The source is read
here by a deliberately small reader of the same format (blocks split at blank lines, a block
after three or more blank lines is a sidebar) so that expectations about text come from the
source bytes.

The last tests use small chapters built in a temporary folder: realistic place names and
paragraphs that section recovery must get right, and URLs followed by ASCII punctuation.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from compiler.build.options import BuildOptions

from conftest import (
    FIXTURES,
    epub_content_text,
    epub_documents,
    epub_nav_labels,
    epubcheck_messages,
    han_and_digits,
    pdf_outline_titles,
    pdf_text,
)

CHAPTERS_DIR = FIXTURES / "chapters"
XHTML = "{http://www.w3.org/1999/xhtml}"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# ASCII punctuation that GB/T 15834 wants full-width when it stands beside a Han character.
ASCII_BESIDE_HAN = re.compile(rf"[{HAN}][ \t]*[,;:?!()]|[,;:?!()][ \t]*[{HAN}]")
KEY_POINTS_LABEL = "本章要点"  # the yearbook layout's own words (layout.toml), added to the text


# ----------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Chapter:
    file: str
    title: str
    key_points: tuple[str, ...]  # as they should read (full-width punctuation); () = none
    sections: tuple[str, ...]  # EPUB nav / PDF bookmarks after the chapter title, in order
    recovered: tuple[str, ...]  # the sections the source gives no heading, in order
    callouts: tuple[tuple[str, str], ...]  # (title, the section it belongs to), in order
    split_by: str | None = None  # title of the sidebar that cuts a paragraph in two
    junction: tuple[str, str] | None = None  # (end of first half, start of second half)
    findings: tuple[str, ...] = ()  # expected warnings/errors (none: these chapters are clean)


CHAPTERS = {
    "beijing": Chapter(
        file="beijing_qu_xian.txt",
        title="第八章 区县科技工作",
        key_points=(
            "推进中关村国家自主创新示范区建设",
            "深化“市区（县）联动”工作机制",
            "培育区县战略性新兴产业集群",
        ),
        sections=("概述", "市区（县）联动", "海淀区", "朝阳区", "丰台区", "密云县"),
        recovered=("海淀区", "朝阳区", "丰台区", "密云县"),
        callouts=(
            ("海淀创业服务集聚区", "海淀区"),
            ("国家广告产业园区", "朝阳区"),
            ("密云县科技特派员", "密云县"),
        ),
        split_by="国家广告产业园区",
        junction=("企业实现的", "收入达到1,320亿元"),
    ),
    "hunan": Chapter(
        file="hunan_shi_zhou.txt",
        title="第六章 市州科技进步",
        key_points=(
            "长株潭国家自主创新示范区建设起步",
            "技术合同成交额增长12.5%",
            "科技特派员覆盖全部乡镇",
        ),
        sections=("概述", "长沙市", "株洲市", "湘潭市"),
        recovered=("长沙市", "株洲市", "湘潭市"),
        callouts=(
            ("长沙科技成果转化交易会", "长沙市"),
            ("株洲轨道交通产业技术创新战略联盟", "株洲市"),
        ),
        split_by="株洲轨道交通产业技术创新战略联盟",
        junction=("技术合同1,286", "项，成交额5.6亿元"),
    ),
    "zhejiang": Chapter(
        file="zhejiang_xian_yu.txt",
        title="第五章 县域科技创新",
        key_points=(),
        sections=("概述", "科技强县建设", "科技特派员制度", "萧山区", "桐庐县", "建德市"),
        recovered=("萧山区", "桐庐县", "建德市"),
        callouts=(
            ("科技特派员服务热线", "科技特派员制度"),
            ("分水镇制笔产业基地", "桐庐县"),
            ("建德市农业科技示范园", "建德市"),
        ),
        split_by="分水镇制笔产业基地",
        junction=("新型环保笔占的", "比重达到35%"),
    ),
    "jiangsu": Chapter(
        file="jiangsu_xian_shi.txt",
        title="第九章 县级市科技创新",
        key_points=(
            "县级市科技创新能力持续提升",
            "昆山、江阴、张家港三市进入全国科技进步先进市行列",
        ),
        sections=("昆山市", "江阴市", "张家港市"),
        recovered=("昆山市", "江阴市", "张家港市"),
        callouts=(
            ("昆山小核酸产业基地", "昆山市"),
            ("张家港再制造产业示范基地", "张家港市"),
        ),
    ),
}

NAMES = sorted(CHAPTERS)


# ----------------------------------------------------------------------------- reading the source


@dataclass
class SourceBlock:
    kind: str  # "title", "heading", "list", "paragraph", "sidebar"
    text: str  # markup removed (`#`, `- `, `**`), punctuation as in the source
    items: list[str] = field(default_factory=list)  # list items
    title: str = ""  # sidebar title
    raw: str = ""  # the block's source lines joined, markup kept

    @property
    def bold_start(self) -> bool:
        return self.raw.startswith("**")


def read_source_blocks(path: Path) -> list[SourceBlock]:
    """The chapter as blocks: split at blank (whitespace-only) lines; three or more blank lines
    before a paragraph make it a sidebar, whose title is its bold run or its first word."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    blanks = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                groups.append((blanks, current))
                current, blanks = [], 0
            blanks += 1
            continue
        current.append(line)
    if current:
        groups.append((blanks, current))

    blocks: list[SourceBlock] = []
    for blanks_before, lines in groups:
        raw = "".join(line.strip() for line in lines)
        if raw.startswith("# "):
            blocks.append(SourceBlock("title", raw[2:].strip(), raw=raw))
        elif raw.startswith("#"):
            blocks.append(SourceBlock("heading", raw.lstrip("#").strip(), raw=raw))
        elif all(line.startswith("- ") for line in lines):
            items = [line[2:].strip() for line in lines]
            blocks.append(SourceBlock("list", "".join(items), items=items, raw=raw))
        elif blanks_before >= 3 and blocks:
            if raw.startswith("**"):
                title = raw[2:raw.index("**", 2)]
            else:
                title = raw.split(" ", 1)[0]
            blocks.append(SourceBlock("sidebar", raw.replace("**", ""), title=title, raw=raw))
        else:
            blocks.append(SourceBlock("paragraph", raw.replace("**", ""), raw=raw))
    return blocks


def source_paragraphs(spec: Chapter) -> list[str]:
    """The chapter's paragraphs as they should come out (text with source punctuation): the two
    halves of the paragraph cut by `spec.split_by` are one paragraph."""
    blocks = read_source_blocks(CHAPTERS_DIR / spec.file)
    paragraphs: list[str] = []
    join_next = False
    for block in blocks:
        if block.kind == "sidebar" and block.title == spec.split_by:
            join_next = True
        elif block.kind == "paragraph":
            if join_next:
                paragraphs[-1] += block.text
                join_next = False
            else:
                paragraphs.append(block.text)
    return paragraphs


def expected_sequence(spec: Chapter) -> str:
    """The Han characters and digits the chapter's text should hold, in reading order.

    It is the source's own sequence with exactly these changes, each one an expectation:
    the key points get the layout's label `本章要点` before them; each recovered section's name
    is added as a heading before the paragraph that opens that place's report; and the sidebar
    that cuts a paragraph in two comes after the rejoined paragraph instead of inside it.
    """
    blocks = read_source_blocks(CHAPTERS_DIR / spec.file)
    pending = list(spec.recovered)
    parts: list[str] = []
    held_sidebar: str | None = None
    for block in blocks:
        if block.kind == "list" and spec.key_points:
            parts.append(KEY_POINTS_LABEL)
            parts.extend(block.items)
        elif block.kind == "sidebar" and block.title == spec.split_by:
            held_sidebar = block.text
        elif block.kind == "paragraph":
            if pending and not block.bold_start and block.text.startswith(pending[0]):
                parts.append(pending.pop(0))
            parts.append(block.text)
            if held_sidebar is not None:
                parts.append(held_sidebar)
                held_sidebar = None
        else:
            parts.append(block.text)
    assert not pending, f"no paragraph opens the report of {pending}: the expectation is wrong"
    return han_and_digits("".join(parts))


def source_sequence(spec: Chapter) -> str:
    return han_and_digits((CHAPTERS_DIR / spec.file).read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- reading the outputs


# an entry, its dot leader (one run of dots: pdftotext may set no space before it) and a page number
TOC_LINE = re.compile(r"^\S.*?\.{4,}\s*\d+\s*$")


def pdf_body_text(pdf: Path, running_heads: set[str]) -> str:
    """pdftotext's text without the page furniture the layout adds: the folio (page number) that
    ends each page, the running head that opens each page after the first (the chapter title or
    a section title), and the table of contents (its title `目录` and its dotted entries)."""
    kept: list[str] = []
    pages = pdf_text(pdf).split("\f")
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.split("\n") if line.strip()]
        if lines and lines[-1] == str(number):
            lines.pop()
        if number > 1 and lines and lines[0] in running_heads:
            lines.pop(0)
        for index, line in enumerate(lines):
            if TOC_LINE.match(line):
                continue
            if line == "目录" and index + 1 < len(lines) and TOC_LINE.match(lines[index + 1]):
                continue
            kept.append(line)
    return "\n".join(kept)


def first_difference(expected: str, actual: str) -> str:
    for index, (a, b) in enumerate(zip(expected, actual)):
        if a != b:
            break
    else:
        index = min(len(expected), len(actual))
    return (f"first difference at {index}: expected …{expected[max(0, index - 15):index + 15]}… "
            f"got …{actual[max(0, index - 15):index + 15]}… (lengths {len(expected)} vs {len(actual)})")


def chapter_document(epub: Path):
    for root in epub_documents(epub).values():
        if root.find(f".//{XHTML}nav") is None and root.find(f".//{XHTML}body") is not None:
            return root
    raise AssertionError("no content document in the EPUB")


def text_of(element) -> str:
    return "".join(element.itertext())


def by_id(root, ident: str):
    for element in root.iter():
        if element.get("id") == ident:
            return element
    return None


def is_callout(element) -> bool:
    return element.tag == f"{XHTML}aside" and "callout" in element.get("class", "").split()


def inside_callout(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if is_callout(parent) or "key-points" in parent.get("class", "").split():
            return True
        parent = parent.getparent()
    return False


def enclosing_section_title(root, element) -> str | None:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == f"{XHTML}section" and "section" in parent.get("class", "").split():
            heading = by_id(root, parent.get("aria-labelledby", ""))
            return text_of(heading).strip() if heading is not None else None
        parent = parent.getparent()
    return None


@pytest.fixture(params=NAMES)
def chapter(request, build_fixture):
    spec = CHAPTERS[request.param]
    return spec, build_fixture(CHAPTERS_DIR / spec.file)


# ----------------------------------------------------------------------------- the fixtures themselves


@pytest.mark.parametrize("name", NAMES)
def test_chapter_fixture_is_a_realistic_size_and_varies_the_sample(name):
    """Each chapter is 2-5 KB, and the expectation's split sidebar really cuts a paragraph that
    stops mid-sentence (so the rejoin tests test something)."""
    spec = CHAPTERS[name]
    path = CHAPTERS_DIR / spec.file
    assert 2000 <= path.stat().st_size <= 5120
    blocks = read_source_blocks(path)
    titles = [b.title for b in blocks if b.kind == "sidebar"]
    assert titles == [title for title, _ in spec.callouts]
    if spec.split_by:
        index = next(i for i, b in enumerate(blocks) if b.kind == "sidebar" and b.title == spec.split_by)
        before, after = blocks[index - 1], blocks[index + 1]
        assert before.kind == after.kind == "paragraph"
        assert before.text[-1] not in "。！？；”）"
        assert before.text.endswith(spec.junction[0].replace("，", ","))
        assert after.text.replace(",", "，").startswith(spec.junction[1].replace(",", "，"))


# ----------------------------------------------------------------------------- EPUB


def test_epubcheck_reports_nothing_for_chapter(chapter, tmp_path):
    """EPUBCheck with -u (usage messages too): zero messages of any severity."""
    spec, built = chapter
    messages = epubcheck_messages(built.epub, tmp_path)
    assert messages == [], "\n".join(f"{m.get('severity')} {m.get('ID')}: {m.get('message')}" for m in messages)


def test_epub_text_holds_exactly_the_source_text_plus_recovered_headings(chapter):
    """Sound formulation of "every Han character and digit of the source appears in the EPUB".

    Output text legitimately ADDS words (the recovered headings such as `海淀区`, the label
    `本章要点`) and MOVES one block (the sidebar that cut a paragraph now follows it), so neither
    plain equality nor a bare multiset test fits. Instead:
    1. the output's Han+digit sequence EQUALS the source's with exactly those additions and that
       move made (`expected_sequence`): nothing lost, duplicated, reordered or garbled; and
    2. as a cross-check independent of where things are placed, the output's multiset of Han
       characters and digits is the source's plus the added words, no more, no less.
    """
    spec, built = chapter
    actual = han_and_digits(epub_content_text(built.epub))
    expected = expected_sequence(spec)
    assert actual == expected, first_difference(expected, actual)
    added = Counter(han_and_digits("".join(spec.recovered)))
    if spec.key_points:
        added += Counter(KEY_POINTS_LABEL)
    assert Counter(actual) - Counter(source_sequence(spec)) == added
    assert not Counter(source_sequence(spec)) - Counter(actual)


def test_every_source_paragraph_is_one_contiguous_run_in_the_epub(chapter):
    """Each source paragraph (the split one rejoined) is exactly one <p>: its Han+digit text equals
    that element's, so it is one contiguous run of the content text; the two halves of the split
    paragraph meet with nothing between them, and the sidebar follows the whole paragraph."""
    spec, built = chapter
    root = chapter_document(built.epub)
    content = han_and_digits(epub_content_text(built.epub))
    plain = [p for p in root.iter(f"{XHTML}p") if not inside_callout(p)]
    plain_texts = [han_and_digits(text_of(p)) for p in plain]
    for paragraph in source_paragraphs(spec):
        wanted = han_and_digits(paragraph)
        assert wanted in content
        assert plain_texts.count(wanted) == 1, f"not exactly one <p> holds: {paragraph[:30]}…"
    assert len(plain) == len(source_paragraphs(spec))
    if spec.split_by:
        first, second = spec.junction
        joined = [p for p in plain if first + second in text_of(p)]
        assert len(joined) == 1, f"no <p> holds '{first}{second}' with nothing between the halves"
        following = joined[0].getnext()
        assert following is not None and is_callout(following)
        assert text_of(by_id(root, following.get("aria-labelledby"))).strip() == spec.split_by


def test_no_ascii_punctuation_beside_han_in_epub(chapter):
    spec, built = chapter
    text = epub_content_text(built.epub)
    assert ASCII_BESIDE_HAN.findall(text) == []


def test_epub_nav_lists_chapter_title_then_expected_sections(chapter):
    spec, built = chapter
    assert epub_nav_labels(built.epub) == [spec.title, *spec.sections]


def test_epub_has_one_callout_per_sidebar_with_its_title_in_its_section(chapter):
    """One <aside class="callout"> per sidebar, in order; its aria-labelledby target reads the
    sidebar's title; it sits in the section of the place (or overview part) around it."""
    spec, built = chapter
    root = chapter_document(built.epub)
    asides = [a for a in root.iter(f"{XHTML}aside") if is_callout(a)]
    found = []
    for aside in asides:
        label = by_id(root, aside.get("aria-labelledby", ""))
        assert label is not None, "aria-labelledby names no element"
        found.append((text_of(label).strip(), enclosing_section_title(root, aside)))
    assert found == list(spec.callouts)


def test_epub_key_points_are_the_list_under_the_title(chapter):
    spec, built = chapter
    root = chapter_document(built.epub)
    boxes = [a for a in root.iter(f"{XHTML}aside") if "key-points" in a.get("class", "").split()]
    if not spec.key_points:
        assert boxes == []
        assert KEY_POINTS_LABEL not in epub_content_text(built.epub)
        return
    assert len(boxes) == 1
    items = [text_of(li).strip() for li in boxes[0].iter(f"{XHTML}li")]
    assert items == list(spec.key_points)


def test_epub_zip_starts_with_stored_mimetype(chapter):
    spec, built = chapter
    with zipfile.ZipFile(built.epub) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


# ----------------------------------------------------------------------------- PDF


def test_pdf_text_holds_exactly_the_source_text_plus_recovered_headings(chapter):
    """The same formulation as for the EPUB, on pdftotext's text once the page furniture (folios,
    running heads, the table of contents) is taken away: the Han+digit sequence equals the
    expected one. As a check that needs no stripping at all, every Han character and digit of
    the source is in the raw PDF text at least as often as in the source."""
    spec, built = chapter
    raw = han_and_digits(pdf_text(built.pdf))
    missing = Counter(source_sequence(spec)) - Counter(raw)
    assert not missing, f"missing from the PDF: {dict(missing)}"
    body = han_and_digits(pdf_body_text(built.pdf, {spec.title, *spec.sections}))
    expected = expected_sequence(spec)
    assert body == expected, first_difference(expected, body)


def test_no_ascii_punctuation_beside_han_in_pdf(chapter):
    spec, built = chapter
    assert ASCII_BESIDE_HAN.findall(pdf_text(built.pdf)) == []


def test_pdf_bookmarks_list_chapter_title_then_expected_sections(chapter):
    spec, built = chapter
    assert pdf_outline_titles(built.pdf) == [spec.title, *spec.sections]


# ----------------------------------------------------------------------------- findings


@pytest.mark.parametrize("name", NAMES)
def test_clean_chapter_gets_no_warnings(name):
    """These chapters hold nothing an editor must be told about (no Latin word in prose, no
    unbalanced bracket, every sidebar titled): `check` reports no warning or error."""
    from compiler.build import compile_source

    spec = CHAPTERS[name]
    findings = compile_source(CHAPTERS_DIR / spec.file).findings
    # a rejoined paragraph is always reported as a warning (#13), in clean chapters too
    assert [str(f) for f in findings.sorted() if f.level != "info" and f.code != "paragraph-rejoined"] == list(spec.findings)


# ----------------------------------------------------------------------------- small chapters


def _epub_of(tmp_path: Path, text: str):
    from compiler.build import build

    source = tmp_path / "chapter.txt"
    source.write_text(text, encoding="utf-8")
    build(source, tmp_path / "out", BuildOptions(formats=("epub",)))
    return tmp_path / "out" / "chapter.epub"


def _districts_chapter(names: list[str], extra: str = "") -> str:
    parts = ["# 第三章 区县科技工作\n\n## 概述\n\n2010年，各区县科技工作取得新进展。\n"]
    if extra:
        parts.append(extra)
    for name in names:
        parts.append(f"{name}围绕创新驱动发展战略，加快建设区域创新体系，全年实施科技项目120项。\n\n"
                     f"**推进产业集聚。**新引进科技型企业36家。\n")
    return "\n".join(parts)


# Each place with two of its siblings in the gazetteer: a series is only made of siblings (#13).
SIBLINGS = {"和平区": ["河西区", "南开区"], "诸暨市": ["嵊州市", "新昌县"], "本溪市": ["沈阳市", "大连市"],
            "日照市": ["济南市", "青岛市"], "个旧市": ["开远市", "蒙自市"]}


@pytest.mark.parametrize("name", ["和平区", "诸暨市", "本溪市", "日照市", "个旧市"],
                         ids=["heping-qu", "zhuji-shi", "benxi-shi", "rizhao-shi", "gejiu-shi"])
def test_place_names_with_common_characters_become_sections(tmp_path, name):
    """和平区 is Tianjin's first district, 诸暨市 a Zhejiang county-level city, 本溪市 and 日照市
    prefecture cities: each opens its report like its siblings and must be a section."""
    others = SIBLINGS[name]
    epub = _epub_of(tmp_path, _districts_chapter([name, *others]))
    assert epub_nav_labels(epub) == ["第三章 区县科技工作", "概述", name, *others]


@pytest.mark.parametrize("name", ["湘西土家族苗族自治州", "延边朝鲜族自治州"], ids=["xiangxi-zhou", "yanbian-zhou"])
def test_autonomous_prefecture_names_become_sections(tmp_path, name):
    siblings = ["长沙市", "株洲市"] if name.startswith("湘西") else ["长春市", "吉林市"]  # same province
    epub = _epub_of(tmp_path, _districts_chapter([*siblings, name]))
    assert epub_nav_labels(epub) == ["第三章 区县科技工作", "概述", *siblings, name]


@pytest.mark.parametrize("paragraph, where", [
    ("长沙高新区全年实现技术工业总收入1,520亿元，新增高新技术企业58家。\n", "in a city's report"),
    ("高新区全年实现技术工业总收入1,520亿元，新增高新技术企业58家。\n", "in a city's report"),
    ("北京市科委联合各区县开展科技惠民行动，全年实施项目120项。\n", "in the overview"),
], ids=["changsha-gaoxinqu", "gaoxinqu", "beijing-shi-in-overview"])
def test_paragraphs_that_are_not_a_place_report_add_no_section(tmp_path, paragraph, where):
    """A development zone (高新区) or the chapter's own city opening a paragraph is no new section."""
    if where == "in the overview":
        text = _districts_chapter(["长沙市", "株洲市"], extra=paragraph)
    else:
        text = _districts_chapter(["长沙市", "株洲市"]).replace("**推进产业集聚。**新引进科技型企业36家。\n",
                                                          "**推进产业集聚。**新引进科技型企业36家。\n\n" + paragraph, 1)
    assert paragraph[:4] in text
    epub = _epub_of(tmp_path, text)
    assert epub_nav_labels(epub) == ["第三章 区县科技工作", "概述", "长沙市", "株洲市"]


@pytest.mark.parametrize("source, expected", [
    ("开通网上技术市场(www.zzkj.gov.cn)。全年登记技术合同1,286项。", "开通网上技术市场（www.zzkj.gov.cn）。"),
    ("开通信息平台(网址:http://qx.bjkw.gov.cn),发布政策信息。", "（网址：http://qx.bjkw.gov.cn），发布政策信息。"),
    ("网址:http://qx.bjkw.gov.cn;电话:010-12345678。", "网址：http://qx.bjkw.gov.cn；电话：010-12345678。"),
    ("详见http://www.most.gov.cn/kjbgz/,下同。", "详见http://www.most.gov.cn/kjbgz/，下同。"),
], ids=["www-in-parentheses", "comma-after-url", "semicolon-after-url", "url-ending-in-slash"])
def test_ascii_punctuation_after_a_url_becomes_full_width(tmp_path, source, expected):
    """A URL ends before the ASCII marks and the Han text after it: those marks turn full-width
    like any other beside Han, and parentheses around a URL stay a matching pair."""
    text = "# 第三章 测试\n\n## 概述\n\n" + source + "\n"
    content = epub_content_text(_epub_of(tmp_path, text))
    assert ASCII_BESIDE_HAN.findall(content) == []
    assert expected in content
