"""`reportc new`: a book folder (book.toml and two chapters) that builds as it is."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import EXIT_USAGE, ReportError

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
    # the title is the folder's own name: `reportc new ../books/annual` makes a book titled "annual"
    title = folder.resolve().name
    (folder / "book.toml").write_text(_BOOK_TOML.format(name=title.replace("\\", "\\\\").replace('"', '\\"')),
                                      encoding="utf-8")
    for file_name, text in _CHAPTERS.items():
        (folder / "chapters" / file_name).write_text(text, encoding="utf-8")
    return folder / "book.toml"
