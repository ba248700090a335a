"""The benchmark's book: N chapters of varied kinds taken from the test fixtures and the shared
corpus, and the edits its incremental rebuilds make.

Thirty copies of the sample would be thirty identical layouts (the same fonts, lengths and
structures); the fixtures and corpus files differ in length (a few hundred bytes to 150 KB), in
structure (lists, tables, footnotes, images, math, recovered headings) and in encoding, as a real
book's chapters do. The sources are taken in a fixed order and cycled until there are N.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "000_946237fb39f22908.txt"
# the corpus shared by the project's repositories, beside this one (not there on every machine)
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
TITLE = "基准测试年鉴"
# ~300 characters of yearbook prose: enough for a page more in the chapter it is added to
PARAGRAPH = ("为进一步提升区域科技创新能力，全年围绕重点产业链部署创新链，组织实施重大科技专项二十三项，"
             "带动社会研发投入超过四十亿元。各区结合自身功能定位，建设一批新型研发机构和公共技术服务平台，"
             "推动高校院所科技成果在本地转化落地。科技型中小企业评价入库数量较上年增长百分之十八，"
             "高新技术企业认定数量创历史新高。与此同时，科技金融服务体系不断完善，设立科技信贷风险补偿资金池，"
             "引导银行机构为科技企业提供知识产权质押贷款，全年累计发放贷款一百二十亿元。人才引进政策持续优化，"
             "面向海内外引进高层次创新创业人才三百余名，建成博士后科研工作站十二家。科普工作深入开展，"
             "全年举办科技活动周、科普讲座等活动一千余场，参与公众超过八十万人次，全民科学素质稳步提高。")


def sources() -> list[Path]:
    """The chapter sources in the order the book takes them: the sample, the test chapters, the
    features chapter, the corpus's Simplified-Chinese files (if the corpus is there), the
    recovery fixtures."""
    recovery = FIXTURES / "recovery"
    corpus = sorted(CORPUS.glob("zh-Hans*.md")) if CORPUS.is_dir() else []
    return [SAMPLE, *sorted((FIXTURES / "chapters").glob("*.txt")), FIXTURES / "features" / "features.md",
            *corpus, *sorted(recovery.glob("*.md")), *sorted(recovery.glob("*.txt"))]


def make_book(chapters: int, folder: Path) -> tuple[Path, list[Path]]:
    """book.toml and chapters ch01… in `folder`: the sources cycled until there are `chapters`,
    copied byte for byte (a GB18030 file stays one), with the files beside the features chapter
    (its images and CSV table) copied next to them. Returns book.toml and where each chapter came from."""
    names, taken = [], []
    available = sources()
    for number in range(1, chapters + 1):
        source = available[(number - 1) % len(available)]
        name = f"ch{number:02d}{source.suffix}"
        shutil.copyfile(source, folder / name)
        if source.parent.name == "features":
            for companion in source.parent.iterdir():
                if companion != source and companion.is_file():
                    shutil.copyfile(companion, folder / companion.name)
        names.append(name)
        taken.append(source)
    book = folder / "book.toml"
    book.write_text(f'title = "{TITLE}"\nchapters = {json.dumps(names, ensure_ascii=False)}\n', encoding="utf-8")
    return book, taken


def chapter_files(book: Path) -> list[Path]:
    """The chapter files of a book made by make_book, in order."""
    return sorted(book.parent.glob("ch[0-9][0-9].*"))


def edit_one_word(chapter: Path) -> None:
    """The smallest edit: the first 全年 becomes 全年度 (the sample has it)."""
    text = chapter.read_text(encoding="utf-8")
    if "全年" not in text:
        raise ValueError(f"{chapter.name} has no 全年 to edit")
    chapter.write_text(text.replace("全年", "全年度", 1), encoding="utf-8")


def _is_prose(block: str) -> bool:
    """A paragraph of body text, not a heading, list, table, quote, fence, image or short title line."""
    return len(block) >= 20 and not re.match(r"[#>|!:`*+\-\[]|\d+[.)]\s", block)


def add_paragraphs(chapter: Path, count: int) -> None:
    """`count` copies of PARAGRAPH inserted after the chapter's first paragraph of body text."""
    text = chapter.read_text(encoding="utf-8")
    blocks = re.split(r"(\n[ \t]*\n)", text)  # blocks and the blank lines between them, kept
    for index in range(0, len(blocks), 2):
        if _is_prose(blocks[index].strip()):
            blocks.insert(index + 1, "\n\n" + "\n\n".join([PARAGRAPH] * count))
            chapter.write_text("".join(blocks), encoding="utf-8")
            return
    raise ValueError(f"{chapter.name} has no paragraph of body text")


def retitle(book: Path) -> None:
    """A new title: only the front matter (title page, running heads' title) changes."""
    book.write_text(book.read_text(encoding="utf-8").replace(TITLE, TITLE + "（修订）", 1), encoding="utf-8")


def chapter_starts(pdf_file: Path) -> list[int]:
    """The page index each chapter starts on, from the PDF's top-level bookmarks."""
    import pikepdf

    with pikepdf.open(pdf_file) as pdf:
        index = {page.objgen: number for number, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            return [index.get(item.destination[0].objgen, -1) for item in outline.root
                    if isinstance(item.destination, pikepdf.Array)]
