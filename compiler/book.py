"""Books: `book.toml` names a yearbook's metadata and its ordered chapter files.

`load_book` reads and checks the file (an unknown key or a missing chapter is an error naming
it); `new_book` scaffolds a folder that builds as it is; `compile_book` reads and normalises
every chapter, converts the script for a Traditional-Chinese edition, and gives each chapter
ids of its own so that one HTML page and one EPUB can hold them all.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import tree as t
from .diagnostics import EXIT_USAGE, ReportError

SCRIPTS = ("hans", "hant")
CONVERSIONS = ("s2t", "s2twp", "s2hk", "s2tw")
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1")
LANGUAGE_OF = {"s2t": "zh-Hant", "s2tw": "zh-Hant-TW", "s2twp": "zh-Hant-TW", "s2hk": "zh-Hant-HK"}


@dataclass
class Book:
    path: Path
    title: str
    chapters: list[Path]
    subtitle: str = ""
    edition: str = ""
    year: int | None = None
    publisher: str = ""
    isbn: str = ""
    editors: list[str] = field(default_factory=list)
    language: str = "zh-Hans"
    script: str = "hans"
    opencc: str = "s2t"
    layout: str = "yearbook"
    pdf_variant: str = ""

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def output_language(self) -> str:
        """The language tag of the edition: zh-Hant (-TW, -HK) when converted to Traditional."""
        return LANGUAGE_OF[self.opencc] if self.script == "hant" else self.language


_TYPES = {
    "title": str, "subtitle": str, "edition": str, "year": int, "publisher": str, "isbn": str,
    "editors": list, "language": str, "script": str, "opencc": str, "layout": str, "chapters": list,
    "pdf_variant": str,
}


def load_book(path: str | Path) -> Book:
    """Read `book.toml`; exit 2 with the key or file named when it is wrong."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"{path}: no such book file", EXIT_USAGE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: not a valid TOML book file ({exc})", EXIT_USAGE) from None
    for key, value in data.items():
        if key not in _TYPES:
            raise ReportError(f"{path}: unknown key '{key}' (known: {', '.join(sorted(_TYPES))})", EXIT_USAGE)
        if not isinstance(value, _TYPES[key]) or (key == "year" and isinstance(value, bool)):
            raise ReportError(f"{path}: '{key}' must be a {_TYPES[key].__name__}", EXIT_USAGE)
    for required in ("title", "chapters"):
        if not data.get(required):
            raise ReportError(f"{path}: '{required}' is missing", EXIT_USAGE)
    chapters = []
    for entry in data["chapters"]:
        if not isinstance(entry, str):
            raise ReportError(f"{path}: 'chapters' must list file names", EXIT_USAGE)
        chapter = (path.parent / entry).resolve()
        if not chapter.is_file():
            raise ReportError(f"{path}: chapter '{entry}' not found", EXIT_USAGE)
        chapters.append(chapter)
    book = Book(path=path.resolve(), **{k: v for k, v in data.items() if k != "chapters"}, chapters=chapters)
    check_options(book, path)
    return book


def check_options(book: Book, where: Path | str = "") -> None:
    prefix = f"{where}: " if where else ""
    if book.script not in SCRIPTS:
        raise ReportError(f"{prefix}script '{book.script}' is not one of {', '.join(SCRIPTS)}", EXIT_USAGE)
    if book.opencc not in CONVERSIONS:
        raise ReportError(f"{prefix}opencc '{book.opencc}' is not one of {', '.join(CONVERSIONS)}", EXIT_USAGE)
    if book.pdf_variant and book.pdf_variant not in PDF_VARIANTS:
        raise ReportError(f"{prefix}pdf_variant '{book.pdf_variant}' is not one of {', '.join(PDF_VARIANTS)}",
                          EXIT_USAGE)
    if any(not isinstance(name, str) for name in book.editors):
        raise ReportError(f"{prefix}'editors' must list names", EXIT_USAGE)


# ------------------------------------------------------------------ scaffolding

_BOOK_TOML = '''# The book: metadata and the chapters in reading order (paths relative to this file).
title = "{name}"
subtitle = "年鉴"
edition = "第一版"
year = 2026
publisher = "出版社名称"
isbn = "978-7-0000-0000-0"
editors = ["主编姓名"]
language = "zh-Hans"
script = "hans"        # "hant" for a Traditional-Chinese edition (converted with OpenCC)
opencc = "s2t"         # s2t, s2tw, s2twp (Taiwan phrases) or s2hk
layout = "yearbook"
chapters = ["chapters/01-概述.md", "chapters/02-区县.md"]
'''

_CHAPTERS = {
    "01-概述.md": "# 第一章 概述\n\n- 本章要点一\n- 本章要点二\n\n## 概述\n\n本年度各项工作稳步推进，"
                 "全年完成重点项目120项，同比增长12.5%。\n",
    "02-区县.md": "# 第二章 区县工作\n\n## 概述\n\n各区县围绕年度目标扎实推进各项工作。\n\n"
                 "东城区围绕创新发展，全年实施科技项目36项。\n\n**推进产业集聚。**新引进企业12家。\n\n"
                 "西城区加快建设创新体系，全年新增高新技术企业18家。\n\n**优化服务环境。**建成服务平台3个。\n",
}


def new_book(name: str, parent: Path = Path(".")) -> Path:
    """Create `parent/name/` with a book.toml and two chapters that build as they are."""
    folder = parent / name
    if folder.exists():
        raise ReportError(f"{folder}: already exists", EXIT_USAGE)
    (folder / "chapters").mkdir(parents=True)
    (folder / "book.toml").write_text(_BOOK_TOML.format(name=name), encoding="utf-8")
    for file_name, text in _CHAPTERS.items():
        (folder / "chapters" / file_name).write_text(text, encoding="utf-8")
    return folder / "book.toml"


# ------------------------------------------------------------------ chapters of a book


def prefix_ids(doc: t.Document, prefix: str) -> t.Document:
    """The chapter with every id prefixed (`s3` → `ch2-s3`), so that chapters can share a page."""

    def visit(blocks: list[t.Block]) -> list[t.Block]:
        out = []
        for block in blocks:
            if isinstance(block, (t.Section, t.Callout, t.Paragraph)) and block.ident:
                block = replace(block, ident=f"{prefix}-{block.ident}")
            if isinstance(block, (t.Section, t.BlockQuote)):
                block = replace(block, children=visit(block.children))
            elif isinstance(block, t.BulletList):
                block = replace(block, items=[replace(item, children=visit(item.children)) for item in block.items])
            out.append(block)
        return out

    return replace(doc, ident=prefix, children=visit(doc.children))


def convert_script(doc: t.Document, conversion: str, language: str) -> t.Document:
    """The chapter in Traditional characters (OpenCC `conversion`), tagged `language`."""
    import opencc

    from .passes._walk import map_inlines, map_text

    converter = opencc.OpenCC(conversion)
    converted = map_inlines(doc, lambda nodes: map_text(nodes, converter.convert))
    return replace(converted, language=language)


def rebase_images(doc: t.Document, source_dir: Path, book_dir: Path) -> t.Document:
    """The chapter with its images' files given relative to the book's folder instead of its
    own, as the book's print page (laid out from the book's folder) needs them."""
    import os
    from urllib.parse import quote, unquote

    from .passes._walk import map_inlines, map_leaves

    def rebase(node: t.Inline) -> t.Inline:
        if isinstance(node, t.Image) and node.file and not node.file.startswith("data:"):
            moved = os.path.relpath(source_dir / unquote(node.file), book_dir)
            return replace(node, file=quote(Path(moved).as_posix()))
        return node

    if source_dir.resolve() == book_dir.resolve():
        return doc
    return map_inlines(doc, lambda nodes: map_leaves(nodes, rebase))


# ------------------------------------------------------------------ building a book


def roman(number: int) -> str:
    """Lower-case roman numerals, as the front matter prints them."""
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
              (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def compile_book(book: Book, progress=None):
    """Every chapter read and normalised (findings kept per chapter), ids made unique, and the
    text converted to Traditional characters for a `hant` edition."""
    from .build import compile_source

    compiled = []
    for number, chapter in enumerate(book.chapters, start=1):
        result = compile_source(chapter, progress)
        doc = prefix_ids(result.doc, f"ch{number}")
        if book.script == "hant":
            doc = convert_script(doc, book.opencc, book.output_language)
        elif doc.language != book.language:
            doc = replace(doc, language=book.language)
        result.doc = doc
        compiled.append(result)
    return compiled
